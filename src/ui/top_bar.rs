//! The top of the console: the Queues tab and one tab per session (unread counts when not
//! in front; flashing while a customer message waits unseen), the active-sessions dropdown
//! marking sessions with waiting chat, "Waiting activities", Settings, presence, "Generate
//! session key", and who is logged in.
//!
//! - [`flash`]: which tabs flash, and the rhythm.
//! - [`waiting_activities`]: push-queue work the rep may take without an offer.
//! - [`settings_window`]: sound, desktop notifications and reminders.

pub mod flash;
pub mod settings_window;
pub mod waiting_activities;

use super::intent::Intent;
use super::session::tab_title;
use crate::model::{Model, display};
use switchboard_protocol::{Presence, RepRequest, SessionId};

/// The seed's "red and white" flash: red behind white text, then red text.
const FLASH_RED: egui::Color32 = egui::Color32::from_rgb(0xD0, 0x30, 0x30);

/// How the tabs flash in this frame.
pub struct TabFlash<'a> {
    /// The tabs that flash (see [`flash::flashing`]).
    pub tabs: &'a [SessionId],
    /// Whether this frame shows the highlighted look.
    pub on: bool,
}

pub fn top_bar_ui(
    ui: &mut egui::Ui,
    model: &Model,
    front: Option<SessionId>,
    demo: bool,
    flashing: TabFlash<'_>,
    settings_open: &mut bool,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        ui.heading("Switchboard");
        if demo {
            ui.label(egui::RichText::new("Demo").color(ui.visuals().warn_fg_color));
        }
        ui.separator();
        let waiting: usize = model.queues.iter().map(|q| q.entries.len()).sum();
        if ui
            .selectable_label(front.is_none(), format!("Queues ({waiting})"))
            .clicked()
        {
            intents.push(Intent::ShowTab(None));
        }
        for id in &model.tabs {
            let Some(session) = model.sessions.get(id) else {
                continue;
            };
            let in_front = front == Some(*id);
            let title = tab_title(session, in_front);
            let mut text = egui::RichText::new(title);
            if flashing.tabs.contains(id) {
                text = if flashing.on {
                    text.color(egui::Color32::WHITE)
                        .background_color(FLASH_RED)
                        .strong()
                } else {
                    text.color(FLASH_RED).strong()
                };
            } else if !in_front && session.unread > 0 {
                text = text.color(ui.visuals().warn_fg_color).strong();
            }
            if session.info.important {
                text = text.underline();
            }
            if ui.selectable_label(in_front, text).clicked() {
                intents.push(Intent::ShowTab(Some(*id)));
            }
        }
        if !model.tabs.is_empty() {
            let waiting_chat = model.sessions_with_unread().count();
            let label = if waiting_chat > 0 {
                format!("Active sessions 💬 {waiting_chat}")
            } else {
                "Active sessions".to_owned()
            };
            ui.menu_button(label, |ui| {
                for id in &model.tabs {
                    let Some(session) = model.sessions.get(id) else {
                        continue;
                    };
                    let mark = if session.unread > 0 { "  💬" } else { "" };
                    if ui
                        .button(format!("{}{mark}", session.info.customer.name))
                        .clicked()
                    {
                        intents.push(Intent::ShowTab(Some(*id)));
                        ui.close();
                    }
                }
            });
        }
        let now = display::now_ms();
        waiting_activities::waiting_activities_ui(ui, model, now, intents);
        super::assistance::assistance_menu_ui(ui, model, now, intents);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Log out").clicked() {
                intents.push(Intent::LogOut);
            }
            if ui.selectable_label(*settings_open, "Settings").clicked() {
                *settings_open = !*settings_open;
            }
            if let Some(me) = &model.me {
                ui.label(&me.display_name);
                presence_ui(ui, me.presence, intents);
                if me.presence == Presence::Paused {
                    let resume = ui.button("Available again").on_hover_text(
                        "You missed a chat offer; no chats are offered while paused.",
                    );
                    if resume.clicked() {
                        intents.push(Intent::Request(RepRequest::SetPresence {
                            presence: Presence::Available,
                        }));
                    }
                }
            }
            if ui.button("Generate session key").clicked() {
                intents.push(Intent::Request(RepRequest::GenerateSessionKey));
            }
        });
    });
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
