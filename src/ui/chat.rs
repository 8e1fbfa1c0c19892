//! The chat bar of a session: the history sticking to the bottom, author and time on each
//! message, rep-only messages set apart, pending ones marked; the composer (Enter sends,
//! Shift+Enter is a new line) with a "To reps only" toggle, templates, emoticons and
//! "Attach file"; shared files with a Save button; older chats of a returning customer.
//! A lead's whispers are violet bubbles captioned "Whisper to / from …"; a monitoring lead's
//! composer sends only whispers, and a lead in the session may tick "Whisper".

use super::intent::Intent;
use crate::model::supervision::SupervisionBar;
use crate::model::{Model, SessionState};
use crate::text::display;
use crate::text::supervision as words;
use switchboard_protocol::{Author, ChatMessage, RepId, Visibility};

/// What the rep is typing in one session.
#[derive(Debug, Default, Clone)]
pub struct ChatDraft {
    pub text: String,
    pub reps_only: bool,
    /// Put the cursor in the composer on the next frame (the tab just came to the front).
    pub focus: bool,
    /// A lead in the session whispers instead of writing (a monitoring lead always does).
    pub whisper: bool,
    /// Whom the lead whispers to (`None`: the owner), chosen in the supervision strip.
    pub whisper_to: Option<RepId>,
}

impl ChatDraft {
    /// Whether what is typed goes as a whisper, and to whom, given the tab's strip.
    fn whispering<'a>(&self, bar: Option<&'a SupervisionBar>) -> Option<&'a SupervisionBar> {
        bar.filter(|b| b.monitoring || (self.whisper && b.whisper.is_none()))
    }
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
    let bar = model.supervision_bar(&session.info);
    egui::Panel::bottom(egui::IdSalt::new(("composer", session_id.0)))
        .resizable(false)
        .show(ui, |ui| {
            ui.add_space(4.0);
            if let Some(bar) = bar.as_ref().filter(|b| b.monitoring) {
                whisper_composer_ui(ui, session_id, bar, draft, intents);
                ui.add_space(4.0);
                return;
            }
            // Two short rows, so the floating chat window (about 420 points wide) shows every
            // tool; a tool past its edge could not be clicked. Narrower still (the chat beside
            // a Shell or Screen view), they wrap.
            ui.horizontal_wrapped(|ui| {
                ui.checkbox(&mut draft.reps_only, "To reps only")
                    .on_hover_text("Only the reps in this session see it; never the customer.");
                if let Some(bar) = &bar {
                    let toggle = ui.add_enabled(
                        bar.whisper.is_none(),
                        egui::Checkbox::new(&mut draft.whisper, words::WHISPER_TOGGLE),
                    );
                    match &bar.whisper {
                        Some(why) => toggle.on_disabled_hover_text(why),
                        None => toggle.on_hover_text(words::WHISPER_TOGGLE_HINT),
                    };
                }
                super::composer_tools::composer_tools_ui(ui, model, session, draft, intents);
            });
            ui.horizontal_wrapped(|ui| {
                super::composer_tools::invite_and_transfer_ui(ui, model, session, intents);
                ui.weak("Enter sends · Shift+Enter new line");
            });
            ui.horizontal(|ui| {
                let label = ui.label("Message");
                let width = (ui.available_width() - 70.0).max(120.0);
                let whispering = draft.whispering(bar.as_ref()).is_some();
                let edit = egui::TextEdit::multiline(&mut draft.text)
                    .desired_rows(2)
                    .desired_width(width)
                    .hint_text(if whispering {
                        words::WHISPER_TOGGLE_HINT
                    } else if draft.reps_only {
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
                if (enter || send)
                    && !draft.text.trim().is_empty()
                    && let Some(bar) = draft.whispering(bar.as_ref())
                {
                    let to = bar.target(draft.whisper_to.as_ref()).map(|t| t.rep.clone());
                    intents.push(Intent::Whisper {
                        session_id,
                        text: std::mem::take(&mut draft.text),
                        to,
                    });
                    response.request_focus();
                } else if (enter || send) && !draft.text.trim().is_empty() {
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
            // One column of conversation, its event lines centred over it.
            ui.set_max_width(ui.available_width().min(CHAT_MAX_WIDTH));
            super::older_messages::older_messages_ui(
                ui,
                model,
                &session.info,
                intents,
                |ui, message, intents| message_ui(ui, model, message, intents),
            );
            super::earlier_chat::earlier_chat_ui(ui, session, intents);
            // Messages far from sight take their remembered height instead of being laid
            // out: a long chat costs what is on screen, not what is in the session.
            let key = egui::Id::unique(("chat_heights", session_id.0));
            let width = ui.available_width().round();
            let mut heights: MessageHeights = ui.data_mut(|d| d.get_temp(key)).unwrap_or_default();
            let first = session.chat.first().map(|m| m.id);
            if heights.width != width || heights.first != first {
                heights = MessageHeights {
                    width,
                    first,
                    heights: Vec::new(),
                };
            }
            heights.heights.resize(session.chat.len(), f32::NAN);
            let sight = ui.clip_rect().expand(SIGHT_MARGIN);
            let mut events = session.events.iter().peekable();
            for (at, message) in session.chat.iter().enumerate() {
                while let Some(event) = events.next_if(|e| e.after_chat <= at) {
                    super::session_events::event_ui(ui, model, &event.kind);
                }
                let top = ui.cursor().min.y;
                let known = heights.heights.get(at).copied().filter(|h| h.is_finite());
                match known {
                    Some(height) if top + height < sight.min.y || top > sight.max.y => {
                        ui.add_space(height);
                    }
                    _ => {
                        message_ui(ui, model, message, intents);
                        if let Some(slot) = heights.heights.get_mut(at) {
                            *slot = ui.cursor().min.y - top;
                        }
                    }
                }
            }
            ui.data_mut(|d| d.insert_temp(key, heights));
            for event in events {
                super::session_events::event_ui(ui, model, &event.kind);
            }
            for pending in &session.pending {
                let status = match &pending.refused {
                    Some(reason) => format!("not sent: {reason}"),
                    None => "sending…".to_owned(),
                };
                let kind = match pending.visibility {
                    Visibility::Reps => Bubble::RepsOnly,
                    Visibility::Whisper => {
                        let to = pending.whisper_to.as_ref().or(session.info.owner.as_ref());
                        let name = to.map_or_else(String::new, |r| model.rep_name(r));
                        Bubble::Whisper(words::whisper_to(&name))
                    }
                    Visibility::Public => Bubble::Rep,
                };
                bubble_ui(ui, "You", &status, &pending.text, &kind, true);
            }
        });
}

/// How far beyond the visible part of the chat messages are still laid out, in points.
const SIGHT_MARGIN: f32 = 400.0;

/// The measured height of each message of a chat at one width (`NaN`: not measured yet).
#[derive(Clone, Default)]
struct MessageHeights {
    width: f32,
    /// The chat's first message when measured: earlier messages paged in shift every index.
    first: Option<switchboard_protocol::MessageId>,
    heights: Vec<f32>,
}

fn message_ui(ui: &mut egui::Ui, model: &Model, message: &ChatMessage, intents: &mut Vec<Intent>) {
    if message.author == Author::System && message.attachment.is_none() {
        // The server's own line (joined, left, transferred…): told, not said.
        super::session_events::line_ui(ui, &message.text, Some(message.at));
        return;
    }
    let author = match &message.author {
        Author::Customer { name } => name.clone(),
        Author::Rep { rep, name } if Some(rep) == model.me_id() => format!("{name} (you)"),
        Author::Rep { name, .. } => name.clone(),
        Author::System => "Switchboard".to_owned(),
    };
    let kind = match (&message.author, message.visibility) {
        (_, Visibility::Whisper) => Bubble::Whisper(whisper_caption(model, message)),
        (_, Visibility::Reps) => Bubble::RepsOnly,
        (Author::Customer { .. }, _) => Bubble::Customer,
        _ => Bubble::Rep,
    };
    if let Some(attachment) = &message.attachment {
        placed(ui, &kind, |ui| {
            bubble_frame(ui, &kind).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.strong(&author);
                    ui.weak(display::clock(message.at));
                });
                super::attachments::attachment_ui(ui, attachment, intents);
            });
        });
        return;
    }
    bubble_ui(
        ui,
        &author,
        &display::clock(message.at),
        &message.text,
        &kind,
        false,
    );
}

/// "Whisper to Alice" on the lead's own whisper, "Whisper from Grace" on one to this rep.
fn whisper_caption(model: &Model, message: &ChatMessage) -> String {
    match &message.author {
        Author::Rep { rep, .. } if Some(rep) == model.me_id() => {
            let to = message.whisper_to.as_ref();
            words::whisper_to(&to.map_or_else(String::new, |r| model.rep_name(r)))
        }
        Author::Rep { name, .. } => words::whisper_from(name),
        Author::Customer { name } => words::whisper_from(name),
        Author::System => words::whisper_from("Switchboard"),
    }
}

/// The monitoring lead's composer: whispers only (the customer cannot be written to while
/// monitoring), to the rep chosen in the strip.
fn whisper_composer_ui(
    ui: &mut egui::Ui,
    session_id: switchboard_protocol::SessionId,
    bar: &SupervisionBar,
    draft: &mut ChatDraft,
    intents: &mut Vec<Intent>,
) {
    let target = bar.target(draft.whisper_to.as_ref());
    ui.horizontal_wrapped(|ui| {
        ui.weak(words::MONITORING_NO_CHAT);
    });
    ui.add_enabled_ui(bar.whisper.is_none(), |ui| {
        ui.horizontal(|ui| {
            let label = ui.label(words::WHISPER_FIELD);
            let width = (ui.available_width() - 120.0).max(120.0);
            let hint = target.map_or_else(String::new, |t| words::whisper_to(&t.label));
            let edit = egui::TextEdit::multiline(&mut draft.text)
                .desired_rows(2)
                .desired_width(width)
                .hint_text(hint)
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
            let send = ui.button(words::WHISPER_SEND).clicked();
            if (enter || send) && !draft.text.trim().is_empty() {
                intents.push(Intent::Whisper {
                    session_id,
                    text: std::mem::take(&mut draft.text),
                    to: target.map(|t| t.rep.clone()),
                });
                response.request_focus();
            }
        });
    })
    .response
    .on_disabled_hover_text(bar.whisper.as_deref().unwrap_or_default());
}

/// Who a message is from, as the rep tells them apart at a glance: the customer's on the
/// left in a grey bubble, the reps' indented from the left in blue, rep-only notes in
/// amber marked "reps only", a lead's whispers in violet with their caption.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bubble {
    Customer,
    Rep,
    RepsOnly,
    /// A whisper, with its caption ("Whisper from Grace").
    Whisper(String),
}

/// How far a bubble is indented from the other side, as a share of the width.
const INDENT: f32 = 0.12;
/// The widest the conversation gets (bubbles of about a hundred characters a line, the
/// event lines centred over them). At 2560 px a short message ran across the window and an
/// event line sat far from the messages it was about.
pub const CHAT_MAX_WIDTH: f32 = 880.0;

/// Lays `add` out in the bubble's lane: customer messages leave room on the right, the
/// reps' are indented from the left.
fn placed(ui: &mut egui::Ui, kind: &Bubble, add: impl FnOnce(&mut egui::Ui)) {
    let indent = (ui.available_width() * INDENT).min(120.0);
    ui.horizontal(|ui| {
        let room_right = if *kind == Bubble::Customer {
            indent
        } else {
            ui.add_space(indent);
            0.0
        };
        ui.vertical(|ui| {
            ui.set_max_width(ui.available_width() - room_right);
            add(ui);
        });
    });
}

fn bubble_frame(ui: &egui::Ui, kind: &Bubble) -> egui::Frame {
    let frame = egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(8, 4))
        .corner_radius(6.0);
    let dark = ui.visuals().dark_mode;
    let fill = match (kind, dark) {
        (Bubble::RepsOnly, _) => reps_only_fill(ui),
        (Bubble::Whisper(_), dark) => crate::theme::whisper_fill(dark),
        (Bubble::Customer, true) => egui::Color32::from_rgb(0x2E, 0x2E, 0x2E),
        (Bubble::Customer, false) => egui::Color32::from_rgb(0xEE, 0xEE, 0xEE),
        (Bubble::Rep, true) => egui::Color32::from_rgb(0x1C, 0x33, 0x4D),
        (Bubble::Rep, false) => egui::Color32::from_rgb(0xDD, 0xEB, 0xFA),
    };
    frame.fill(fill)
}

fn bubble_ui(
    ui: &mut egui::Ui,
    author: &str,
    meta: &str,
    text: &str,
    kind: &Bubble,
    pending: bool,
) {
    placed(ui, kind, |ui| {
        bubble_frame(ui, kind).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.strong(author);
                ui.weak(meta);
                match kind {
                    Bubble::RepsOnly => {
                        ui.label(egui::RichText::new("reps only").small().italics());
                    }
                    Bubble::Whisper(caption) => {
                        let colour = crate::theme::whisper_caption(ui.visuals().dark_mode);
                        ui.label(egui::RichText::new(caption).strong().color(colour));
                    }
                    Bubble::Customer | Bubble::Rep => {}
                }
            });
            let body = egui::RichText::new(text);
            // Wrapped, a long unbroken token included, never clipped at the right edge.
            ui.add(egui::Label::new(if pending { body.weak() } else { body }).wrap());
        });
    });
    ui.add_space(2.0);
}
