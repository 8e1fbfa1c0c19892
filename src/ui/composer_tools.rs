//! The tools above the message box: canned replies (Templates), an emoticon picker,
//! "Attach file", and "Invite" / "Transfer chat", the session's Share and Transfer within
//! reach of the chat (also when it floats in its own window). Templates and emoticons go
//! into the draft, where the rep can still edit them before sending.

use super::chat::ChatDraft;
use super::intent::Intent;
use super::session_actions::share_and_transfer_ui;
use crate::model::templates::{fill_template, insert_into_draft};
use crate::model::{Model, SessionState};

/// The emoticons offered; every one is in the console's bundled fonts.
pub const EMOTICONS: &[&str] = &[
    "😀", "😊", "😉", "😂", "😎", "😢", "😞", "👍", "👋", "🙏", "👌", "🎉", "✅", "❤", "💡", "⭐",
];

pub fn composer_tools_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionState,
    draft: &mut ChatDraft,
    intents: &mut Vec<Intent>,
) {
    let me = model
        .me
        .as_ref()
        .map(|m| m.display_name.clone())
        .unwrap_or_default();
    ui.add_enabled_ui(!model.templates.is_empty(), |ui| {
        ui.menu_button("Templates", |ui| {
            for template in &model.templates {
                let scope = template.team.as_ref().map(|team| {
                    let queue = switchboard_protocol::QueueRef::Team { team: team.clone() };
                    crate::text::display::queue(&queue, &model.teams)
                });
                let button = ui.button(&template.name);
                let button = match scope {
                    Some(team) => button.on_hover_text(format!("{} ({team})", template.text)),
                    None => button.on_hover_text(&template.text),
                };
                if button.clicked() {
                    let text = fill_template(&template.text, &session.info.customer, &me);
                    insert_into_draft(&mut draft.text, &text);
                    draft.focus = true;
                    ui.close();
                }
            }
        })
        .response
        .on_disabled_hover_text("No templates are configured for your teams.");
    });
    ui.menu_button("Emoticons", |ui| {
        egui::Grid::new(("emoticons", session.info.session_id.0)).show(ui, |ui| {
            for (index, emoticon) in EMOTICONS.iter().enumerate() {
                let button = egui::Button::new(egui::RichText::new(*emoticon).size(18.0));
                if ui.add(button).clicked() {
                    insert_into_draft(&mut draft.text, emoticon);
                    draft.focus = true;
                    ui.close();
                }
                if index % 8 == 7 {
                    ui.end_row();
                }
            }
        });
    });
    if ui
        .button("Attach file")
        .on_hover_text("Send a file to the customer (or drop files onto the chat)")
        .clicked()
    {
        intents.push(Intent::AttachFile(session.info.session_id));
    }
}

/// "Invite" and "Transfer chat": exactly the session bar's Share and Transfer, greyed with
/// the same reasons for anyone but the owner.
pub fn invite_and_transfer_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionState,
    intents: &mut Vec<Intent>,
) {
    share_and_transfer_ui(ui, model, session, ["Invite", "Transfer chat"], intents);
}
