//! The session toolbar's "Special Actions" menu, drawn only where the customer's device has
//! some (an iPhone or iPad: "Send iOS screen broadcast steps", which sends the customer
//! iOS's own steps; nothing in the console views that screen). Each item is greyed with why
//! when it cannot be sent.

use super::intent::Intent;
use crate::model::client_actions::SpecialItem;
use crate::text::actions as words;
use switchboard_protocol::{RepRequest, SessionId};

pub fn special_menu_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    items: &[SpecialItem],
    intents: &mut Vec<Intent>,
) {
    ui.menu_button(words::SPECIAL_ACTIONS, |ui| {
        for item in items {
            let entry = ui
                .add_enabled(item.unavailable.is_none(), egui::Button::new(item.label))
                .on_hover_text(item.hint)
                .on_disabled_hover_text(item.unavailable.unwrap_or_default());
            if entry.clicked() {
                intents.push(Intent::Request(RepRequest::SpecialAction {
                    session_id,
                    action: item.action,
                }));
                ui.close();
            }
            if let Some(reason) = item.unavailable {
                ui.weak(reason);
            }
        }
    });
}
