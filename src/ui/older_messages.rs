//! "Load older messages": above the chat of a returning customer, their earlier chats
//! (oldest at the top), each under a line with its date and a "Shell transcript" button (what
//! was typed on that session's shells, if any), and a button for the next page.

use super::intent::Intent;
use crate::model::Model;
use crate::text::display;
use crate::text::remote as words;
use switchboard_protocol::{ChatMessage, SessionInfo};

/// Draws what was loaded and the button; `message_ui` draws one message as the chat does.
pub fn older_messages_ui(
    ui: &mut egui::Ui,
    model: &Model,
    info: &SessionInfo,
    intents: &mut Vec<Intent>,
    mut message_ui: impl FnMut(&mut egui::Ui, &ChatMessage, &mut Vec<Intent>),
) {
    if !info.has_history {
        return;
    }
    let older = model
        .older
        .get(&info.session_id)
        .cloned()
        .unwrap_or_default();
    ui.vertical_centered(|ui| {
        if older.loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Loading older messages…");
            });
        } else if older.can_load_more() {
            if ui
                .button("Load older messages")
                .on_hover_text("Earlier chats with this customer")
                .clicked()
            {
                intents.push(Intent::Request(older.next_request(info.session_id)));
            }
        } else {
            ui.weak("No older messages.");
        }
    });
    // The server sends newest first; read top to bottom, oldest first.
    for chat in older.chats.iter().rev() {
        ui.separator();
        let outcome = chat
            .disposition
            .as_deref()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default();
        ui.vertical_centered(|ui| {
            ui.weak(format!(
                "Earlier chat · {}{outcome}",
                display::date_time(chat.started_at)
            ));
            let transcript = ui
                .small_button(words::TRANSCRIPT)
                .on_hover_text("What was typed and printed on that session's shells, if any");
            if transcript.clicked() {
                intents.push(Intent::OpenTranscript {
                    session_id: chat.session_id,
                    customer: info.customer.name.clone(),
                });
            }
        });
        for message in &chat.chat {
            message_ui(ui, message, intents);
        }
    }
    if older.loaded {
        ui.separator();
        ui.vertical_centered(|ui| ui.weak("This chat"));
    }
}
