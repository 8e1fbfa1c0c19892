//! The session tab's Screen toolbar, top-left as seed 003 places it: "Screen ▾" with View,
//! Control and Stop, each greyed with the reason when it is not possible, and a line beside
//! it (the rep's request waiting, who controls, how the last request went).

use super::intent::Intent;
use crate::model::remote::{Item, ScreenToolbar};
use crate::text::remote as words;
use switchboard_protocol::{Capability, RepRequest, SessionId};

pub fn screen_menu_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &ScreenToolbar,
    intents: &mut Vec<Intent>,
) {
    let greyed = bar.all_greyed();
    let response = ui.add_enabled_ui(!greyed, |ui| {
        let menu = ui.menu_button(words::SCREEN_MENU, |ui| {
            item_ui(
                ui,
                session_id,
                words::VIEW,
                Capability::ScreenView,
                &bar.view,
                intents,
            );
            item_ui(
                ui,
                session_id,
                words::CONTROL,
                Capability::ScreenControl,
                &bar.control,
                intents,
            );
            if !bar.stoppable.is_empty() && ui.button(words::STOP).clicked() {
                stop_all(session_id, bar, intents);
                ui.close();
            }
        });
        menu.response
    });
    let reason = if greyed { bar.view.reason() } else { None };
    response
        .inner
        .on_disabled_hover_text(reason.unwrap_or_default());
    // The reason (or the state) in words beside the button, readable without hovering.
    if let Some(text) = reason.map(str::to_owned).or_else(|| bar.note.clone()) {
        ui.weak(text);
    }
}

fn item_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    label: &str,
    capability: Capability,
    item: &Item,
    intents: &mut Vec<Intent>,
) {
    match item {
        Item::Open => {
            if ui.button(label).clicked() {
                intents.push(Intent::Request(RepRequest::RequestRemote {
                    session_id,
                    capability,
                }));
                ui.close();
            }
        }
        Item::Active => {
            let text = if capability == Capability::ScreenView {
                words::ALREADY_VIEWING
            } else {
                words::ALREADY_CONTROLLING
            };
            ui.add_enabled(false, egui::Button::new(format!("✔ {label}")))
                .on_disabled_hover_text(text);
        }
        Item::Greyed(reason) => {
            ui.add_enabled(false, egui::Button::new(label))
                .on_disabled_hover_text(reason);
            ui.weak(reason);
        }
    }
}

/// Stop: every live grant of the rep in this session.
pub fn stop_all(session_id: SessionId, bar: &ScreenToolbar, intents: &mut Vec<Intent>) {
    for grant_id in &bar.stoppable {
        intents.push(Intent::Request(RepRequest::StopRemote {
            session_id,
            grant_id: *grant_id,
            keep_view: false,
        }));
    }
}
