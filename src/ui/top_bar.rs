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
/// activities, Assistance) gets what is left and ellipsizes. Tab runs left to right
/// through both.
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
        |ui| left_to_right_at_the_end(ui, |ui| right_group_ui(ui, model, panels, &mut right)),
    );
    intents.extend(right);
}

/// The right-hand controls, left to right (so Tab runs that way too): session key,
/// presence, who is logged in, Settings, Shortcuts, Log out.
fn right_group_ui(
    ui: &mut egui::Ui,
    model: &Model,
    panels: TopBarPanels,
    intents: &mut Vec<Intent>,
) {
    if ui.button("Generate session key").clicked() {
        intents.push(Intent::Request(RepRequest::GenerateSessionKey));
    }
    if let Some(me) = &model.me {
        if me.presence == Presence::Paused {
            let resume = ui
                .button("Available again")
                .on_hover_text("You missed a chat offer; no chats are offered while paused.");
            if resume.clicked() {
                intents.push(Intent::Request(RepRequest::SetPresence {
                    presence: Presence::Available,
                }));
            }
        }
        presence_ui(ui, me.presence, intents);
        ui.add(egui::Label::new(&me.display_name).truncate())
            .on_hover_text(&me.display_name);
    }
    if ui
        .selectable_label(panels.settings_open, "Settings")
        .clicked()
    {
        intents.push(Intent::TogglePanel(Panel::Settings));
    }
    if ui
        .selectable_label(panels.help_open, text::SHORTCUTS)
        .on_hover_text("Keyboard shortcuts (F1)")
        .clicked()
    {
        intents.push(Intent::TogglePanel(Panel::Help));
    }
    if ui.button(text::LOG_OUT).clicked() {
        intents.push(Intent::LogOut);
    }
}

/// Lays `add` out left to right at the end of a right-to-left `ui` (the right side of
/// [`egui::Sides`]): in a box as wide as it was last frame. A right-to-left layout would
/// put the first widget rightmost, and the keyboard's Tab follows the order widgets are
/// added, so Tab would run right to left. When the width changes, the frame is laid out
/// again before it is shown.
fn left_to_right_at_the_end(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    let id = egui::Id::unique("top_bar_right_group_width");
    let remembered: Option<f32> = ui.data(|d| d.get_temp(id));
    let width = remembered
        .unwrap_or(ui.available_width())
        .min(ui.available_width());
    let size = egui::vec2(width, ui.available_height());
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    let used = ui
        .allocate_ui_with_layout(size, layout, add)
        .response
        .rect
        .width();
    if remembered.is_none_or(|w| (w - used).abs() > 0.5) {
        ui.data_mut(|d| d.insert_temp(id, used));
        ui.ctx()
            .request_discard("the top bar's right-hand width changed");
    }
}

/// Which of the top bar's panels are open (their buttons show pressed).
#[derive(Clone, Copy, Debug, Default)]
pub struct TopBarPanels {
    pub settings_open: bool,
    pub help_open: bool,
}

fn presence_ui(ui: &mut egui::Ui, current: Presence, intents: &mut Vec<Intent>) {
    let mut chosen = current;
    let label = ui.weak("Presence");
    let combo = egui::ComboBox::from_id_salt("presence")
        .selected_text(display::presence(current))
        .show_ui(ui, |ui| {
            for presence in [Presence::Available, Presence::Busy, Presence::Away] {
                ui.selectable_value(&mut chosen, presence, display::presence(presence));
            }
        })
        .response;
    combo.labelled_by(label.id);
    if chosen != current {
        intents.push(Intent::Request(RepRequest::SetPresence {
            presence: chosen,
        }));
    }
}
