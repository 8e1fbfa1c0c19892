//! "Show earlier messages": a long chat arrives with its newest part only (the server keeps
//! snapshots small); this button, at the top of the chat, pages the rest in.

use super::intent::Intent;
use crate::model::SessionState;

/// The button (or a spinner while a page is on its way); nothing for a chat shown whole.
pub fn earlier_chat_ui(ui: &mut egui::Ui, session: &SessionState, intents: &mut Vec<Intent>) {
    if !session.earlier_chat {
        return;
    }
    ui.vertical_centered(|ui| {
        if session.loading_earlier {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Loading earlier messages…");
            });
        } else if let Some(request) = session.earlier_request()
            && ui
                .button("Show earlier messages")
                .on_hover_text("This chat is long: its earlier part is on the server")
                .clicked()
        {
            intents.push(Intent::Request(request));
        }
    });
}
