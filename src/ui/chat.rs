//! The chat bar of a session: the history sticking to the bottom, author and time on each
//! message, rep-only messages set apart, pending ones marked; the composer (Enter sends,
//! Shift+Enter is a new line) with a "To reps only" toggle, templates, emoticons and
//! "Attach file"; shared files with a Save button; older chats of a returning customer.

use super::intent::Intent;
use crate::model::display;
use crate::model::{Model, SessionState};
use switchboard_protocol::{Author, ChatMessage, Visibility};

/// What the rep is typing in one session.
#[derive(Debug, Default, Clone)]
pub struct ChatDraft {
    pub text: String,
    pub reps_only: bool,
    /// Put the cursor in the composer on the next frame (the tab just came to the front).
    pub focus: bool,
}

/// A tint for rep-only messages, so they never look like something the customer sees.
fn reps_only_fill(ui: &egui::Ui) -> egui::Color32 {
    if ui.visuals().dark_mode {
        egui::Color32::from_rgb(0x3A, 0x33, 0x1A)
    } else {
        egui::Color32::from_rgb(0xFF, 0xF4, 0xD6)
    }
}

pub fn chat_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionState,
    draft: &mut ChatDraft,
    intents: &mut Vec<Intent>,
) {
    let session_id = session.info.session_id;
    egui::Panel::bottom(egui::IdSalt::new(("composer", session_id.0)))
        .resizable(false)
        .show(ui, |ui| {
            ui.add_space(4.0);
            // Two short rows, so the floating chat window (about 420 points wide) shows every
            // tool; a tool past its edge could not be clicked.
            ui.horizontal(|ui| {
                ui.checkbox(&mut draft.reps_only, "To reps only")
                    .on_hover_text("Only the reps in this session see it; never the customer.");
                super::composer_tools::composer_tools_ui(ui, model, session, draft, intents);
            });
            ui.horizontal(|ui| {
                super::composer_tools::invite_and_transfer_ui(ui, model, session, intents);
                ui.weak("Enter sends · Shift+Enter new line");
            });
            ui.horizontal(|ui| {
                let label = ui.label("Message");
                let width = (ui.available_width() - 70.0).max(120.0);
                let edit = egui::TextEdit::multiline(&mut draft.text)
                    .desired_rows(2)
                    .desired_width(width)
                    .hint_text(if draft.reps_only {
                        "A note for the reps in this session"
                    } else {
                        "Write to the customer"
                    })
                    .return_key(Some(egui::KeyboardShortcut::new(
                        egui::Modifiers::SHIFT,
                        egui::Key::Enter,
                    )));
                let response = ui.add(edit).labelled_by(label.id);
                if std::mem::take(&mut draft.focus) {
                    response.request_focus();
                }
                let enter = response.has_focus()
                    && ui.input(|i| i.key_pressed(egui::Key::Enter) && !i.modifiers.shift);
                let send = ui.button("Send").clicked();
                if (enter || send) && !draft.text.trim().is_empty() {
                    intents.push(Intent::SendChat {
                        session_id,
                        text: std::mem::take(&mut draft.text),
                        visibility: if draft.reps_only {
                            Visibility::Reps
                        } else {
                            Visibility::Public
                        },
                    });
                    response.request_focus();
                }
            });
            ui.add_space(4.0);
        });

    egui::ScrollArea::vertical()
        .id_salt(("chat_history", session_id.0))
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            super::older_messages::older_messages_ui(
                ui,
                model,
                &session.info,
                intents,
                |ui, message, intents| message_ui(ui, model, message, intents),
            );
            for message in &session.chat {
                message_ui(ui, model, message, intents);
            }
            for pending in &session.pending {
                let status = match &pending.refused {
                    Some(reason) => format!("not sent: {reason}"),
                    None => "sending…".to_owned(),
                };
                bubble_ui(
                    ui,
                    "You",
                    &status,
                    &pending.text,
                    pending.visibility == Visibility::Reps,
                    true,
                );
            }
        });
}

fn message_ui(ui: &mut egui::Ui, model: &Model, message: &ChatMessage, intents: &mut Vec<Intent>) {
    let author = match &message.author {
        Author::Customer { name } => name.clone(),
        Author::Rep { rep, name } if Some(rep) == model.me_id() => format!("{name} (you)"),
        Author::Rep { name, .. } => name.clone(),
        Author::System => "Switchboard".to_owned(),
    };
    if let Some(attachment) = &message.attachment {
        bubble_frame(ui, message.visibility == Visibility::Reps).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.strong(&author);
                ui.weak(display::clock(message.at));
            });
            super::attachments::attachment_ui(ui, attachment, intents);
        });
        return;
    }
    bubble_ui(
        ui,
        &author,
        &display::clock(message.at),
        &message.text,
        message.visibility == Visibility::Reps,
        false,
    );
}

fn bubble_frame(ui: &egui::Ui, reps_only: bool) -> egui::Frame {
    let frame = egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(8, 4))
        .corner_radius(4.0);
    if reps_only {
        frame.fill(reps_only_fill(ui))
    } else {
        frame
    }
}

fn bubble_ui(
    ui: &mut egui::Ui,
    author: &str,
    meta: &str,
    text: &str,
    reps_only: bool,
    pending: bool,
) {
    bubble_frame(ui, reps_only).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.strong(author);
            ui.weak(meta);
            if reps_only {
                ui.label(egui::RichText::new("reps only").small().italics());
            }
        });
        let body = egui::RichText::new(text);
        ui.label(if pending { body.weak() } else { body });
    });
}
