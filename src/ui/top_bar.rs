//! The top of the console: the fixed controls ("Waiting activities", Assistance, "Generate
//! session key", presence, who is logged in, Settings, Shortcuts, Log out), which keep
//! their place at every width.
//!
//! - [`tabs`]: the row of session tabs below it, scrolling, with the overflow menu.
//! - [`flash`]: which tabs flash, and the rhythm.
//! - [`waiting_activities`]: push-queue work the rep may take without an offer.
//! - [`settings_window`]: sound, desktop notifications and reminders.

pub mod flash;
pub mod settings_window;
pub mod tabs;
pub mod waiting_activities;

use super::intent::{Intent, Panel};
use crate::model::Model;
use crate::text;
use crate::text::display;
use switchboard_protocol::{Presence, RepRequest};

/// The fixed controls. The right-hand ones (session key, presence, Settings, Help, Log out)
/// are laid out first and keep their place at any width; the left side (title, Waiting
/// activities, Assistance) gets what is left and ellipsizes.
pub fn top_bar_ui(
    ui: &mut egui::Ui,
    model: &Model,
    demo: bool,
    panels: TopBarPanels,
    intents: &mut Vec<Intent>,
) {
    let mut right = Vec::new();
    egui::Sides::new().shrink_left().truncate().show(
        ui,
        |ui| {
            ui.heading("Switchboard");
            if demo {
                ui.label(egui::RichText::new(text::DEMO).color(ui.visuals().warn_fg_color));
            }
            ui.separator();
            let now = crate::pace::now_ms();
            waiting_activities::waiting_activities_ui(ui, model, now, intents);
            super::assistance::assistance_menu_ui(ui, model, now, intents);
        },
        |ui| {
            if ui.button(text::LOG_OUT).clicked() {
                right.push(Intent::LogOut);
            }
            if ui
                .selectable_label(panels.help_open, text::SHORTCUTS)
                .on_hover_text("Keyboard shortcuts (F1)")
                .clicked()
            {
                right.push(Intent::TogglePanel(Panel::Help));
            }
            if ui
                .selectable_label(panels.settings_open, "Settings")
                .clicked()
            {
                right.push(Intent::TogglePanel(Panel::Settings));
            }
            if let Some(me) = &model.me {
                ui.add(egui::Label::new(&me.display_name).truncate())
                    .on_hover_text(&me.display_name);
                presence_ui(ui, me.presence, &mut right);
                if me.presence == Presence::Paused {
                    let resume = ui.button("Available again").on_hover_text(
                        "You missed a chat offer; no chats are offered while paused.",
                    );
                    if resume.clicked() {
                        right.push(Intent::Request(RepRequest::SetPresence {
                            presence: Presence::Available,
                        }));
                    }
                }
            }
            if ui.button("Generate session key").clicked() {
                right.push(Intent::Request(RepRequest::GenerateSessionKey));
            }
        },
    );
    intents.extend(right);
}

/// Which of the top bar's panels are open (their buttons show pressed).
#[derive(Clone, Copy, Debug, Default)]
pub struct TopBarPanels {
    pub settings_open: bool,
    pub help_open: bool,
}

fn presence_ui(ui: &mut egui::Ui, current: Presence, intents: &mut Vec<Intent>) {
    let mut chosen = current;
    // Right-to-left layout: the combo first, then its label to its left.
    let combo = egui::ComboBox::from_id_salt("presence")
        .selected_text(display::presence(current))
        .show_ui(ui, |ui| {
            for presence in [Presence::Available, Presence::Busy, Presence::Away] {
                ui.selectable_value(&mut chosen, presence, display::presence(presence));
            }
        })
        .response;
    let label = ui.weak("Presence");
    combo.labelled_by(label.id);
    if chosen != current {
        intents.push(Intent::Request(RepRequest::SetPresence {
            presence: chosen,
        }));
    }
}
