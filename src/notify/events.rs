//! Which changes announce incoming work, and how the alert reads. Pure: it reads what
//! [`Model::apply`](crate::model::Model::apply) reported as changed, the model after the
//! change, and which session the rep is looking at. Whether something is new is the
//! model's answer; nothing here checks it again.
//!
//! Alerted: a push offer; a new session in the rep's personal queue; an invitation (from
//! someone else) in any of their queues; a customer's message in a session tab the rep is
//! not looking at (another tab in front, the chat hidden, or the window not focused); a
//! lead's whisper to the rep, on the same terms.

use super::{Alert, AlertTarget};
use crate::model::{Change, Model, SessionState};
use crate::text::display;
use crate::text::notify as words;
use switchboard_protocol::{
    Author, ChatMessage, MessageId, Offer, QueueEntry, QueueRef, SessionId,
};

/// Longest message text an alert quotes; the rest is cut with an ellipsis.
const QUOTED_CHARS: usize = 160;

/// The alert `change` deserves, if any. `model` is the model after the change;
/// `looking_at` is the session the rep can see right now (`None` when the queues are in
/// front or the window is not focused).
pub fn alert_for(
    model: &Model,
    change: &Change,
    looking_at: Option<SessionId>,
    sound: bool,
) -> Option<Alert> {
    let (title, body, target) = match change {
        Change::OfferMade { session_id } => {
            let offer = model
                .offer
                .as_ref()
                .filter(|o| o.entry.session_id == *session_id)?;
            offer_alert(model, offer)
        }
        Change::EntryAdded { queue, entry_id } => {
            let entry = model
                .queue(queue)?
                .entries
                .iter()
                .find(|e| &e.entry_id == entry_id)?;
            entry_alert(model, entry)?
        }
        Change::CustomerWrote {
            session_id,
            message_id,
        } => {
            let (session, message) = unseen_message(model, *session_id, *message_id, looking_at)?;
            (
                format!("{} wrote", session.info.customer.name),
                quote(message),
                AlertTarget::Session(session.info.session_id),
            )
        }
        Change::WhisperReceived {
            session_id,
            message_id,
        } => {
            // A whisper in front of the rep is read there, as a customer's message is.
            let (session, message) = unseen_message(model, *session_id, *message_id, looking_at)?;
            let from = match &message.author {
                Author::Rep { name, .. } | Author::Customer { name } => name.as_str(),
                Author::System => return None,
            };
            (
                words::whisper_title(from),
                words::whisper_body(&quote(message), &session.info.customer.name),
                AlertTarget::Session(session.info.session_id),
            )
        }
        _ => return None,
    };
    Some(Alert {
        title,
        body,
        target,
        sound,
    })
}

/// A message in one of the rep's sessions that they are not looking at; with its session.
pub fn unseen_message(
    model: &Model,
    session_id: SessionId,
    message_id: MessageId,
    looking_at: Option<SessionId>,
) -> Option<(&SessionState, &ChatMessage)> {
    if looking_at == Some(session_id) {
        return None;
    }
    let session = model.sessions.get(&session_id)?;
    let message = session.chat.iter().rev().find(|m| m.id == message_id)?;
    Some((session, message))
}

/// What the customer (or a whispering lead) wrote, as an alert quotes it (a file by its name).
pub fn quote(message: &ChatMessage) -> String {
    if let Some(file) = &message.attachment {
        return format!("Sent a file: {}", file.name);
    }
    let text = message.text.trim();
    if text.chars().count() > QUOTED_CHARS {
        let cut: String = text.chars().take(QUOTED_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        text.to_owned()
    }
}

fn offer_alert(model: &Model, offer: &Offer) -> (String, String, AlertTarget) {
    let entry = &offer.entry;
    let mut body = format!(
        "{} · answer within {}",
        display::queue(&entry.queue, &model.teams),
        display::wait(offer.deadline.saturating_sub(offer.offered_at))
    );
    add_details(&mut body, entry);
    (
        format!("Incoming chat: {}", display::customer(entry)),
        body,
        AlertTarget::Offer(entry.session_id),
    )
}

/// A new entry in the personal queue, or a new invitation from someone else.
fn entry_alert(model: &Model, entry: &QueueEntry) -> Option<(String, String, AlertTarget)> {
    let me = model.me_id()?;
    let target = AlertTarget::Entry {
        queue: entry.queue.clone(),
        entry_id: entry.entry_id.clone(),
    };
    let customer = display::customer(entry);
    if let Some(invitation) = &entry.invitation {
        if &invitation.inviter == me {
            return None;
        }
        let title = format!("Invitation from {}", model.rep_name(&invitation.inviter));
        let body = format!(
            "Join the session with {customer} ({})",
            model.invite_target_name(&invitation.target)
        );
        return Some((title, body, target));
    }
    if entry.queue != (QueueRef::Personal { rep: me.clone() }) {
        return None;
    }
    let mut body = "Waiting in your personal queue".to_owned();
    add_details(&mut body, entry);
    Some((format!("New chat for you: {customer}"), body, target))
}

/// The customer's company and question, when they gave them.
fn add_details(body: &mut String, entry: &QueueEntry) {
    if let Some(company) = &entry.customer.company {
        body.push_str(&format!(" · {company}"));
    }
    if let Some(question) = &entry.customer.question {
        body.push_str(&format!("\n{question}"));
    }
}
