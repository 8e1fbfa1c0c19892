//! Reminder toasts for a customer waiting in an open session the rep is not looking at
//! (seed 004). Two modes, chosen in Settings: once, N seconds after the customer's first
//! unanswered message; or on every new message from the customer. Pure: the clock and
//! what the rep is looking at come in as arguments.

use super::AlertTarget;
use super::events::{quote, unseen_message};
use crate::model::{Change, Model};
use crate::text::display;
use std::collections::HashMap;
use switchboard_protocol::{Author, ChatMessage, MessageId, SessionId, UnixMillis, Visibility};

/// A reminder to show as a toast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub text: String,
    pub target: AlertTarget,
}

/// The customer's first message since a rep last answered them (a public rep message;
/// notes between reps and system lines do not answer anyone). `None` when nobody waits.
pub fn first_unanswered(chat: &[ChatMessage]) -> Option<&ChatMessage> {
    let answered = chat
        .iter()
        .rposition(|m| matches!(m.author, Author::Rep { .. }) && m.visibility == Visibility::Public)
        .map_or(0, |i| i + 1);
    chat[answered..]
        .iter()
        .find(|m| matches!(m.author, Author::Customer { .. }))
}

/// When the customer's wait earns a reminder: `after_secs` after their first unanswered
/// message. `None` when nobody waits.
pub fn reminder_due_at(chat: &[ChatMessage], after_secs: u32) -> Option<(MessageId, UnixMillis)> {
    let first = first_unanswered(chat)?;
    Some((first.id, first.at + u64::from(after_secs) * 1000))
}

/// Remembers which waits were reminded of, so each wait is reminded of once.
#[derive(Debug, Default)]
pub struct Reminders {
    /// Per session, the first unanswered message of the wait already reminded of.
    reminded: HashMap<SessionId, MessageId>,
}

impl Reminders {
    /// Forgets a session the rep is no longer in.
    pub fn forget(&mut self, session_id: SessionId) {
        self.reminded.remove(&session_id);
    }

    /// "After N seconds" mode: the reminders due now for sessions the rep is not looking
    /// at, and when the next one falls due (to wake the window then).
    pub fn due(
        &mut self,
        model: &Model,
        looking_at: Option<SessionId>,
        now: UnixMillis,
        after_secs: u32,
    ) -> (Vec<Reminder>, Option<UnixMillis>) {
        self.reminded
            .retain(|id, _| model.sessions.contains_key(id));
        let mut due = Vec::new();
        let mut next = None::<UnixMillis>;
        for (id, session) in &model.sessions {
            if looking_at == Some(*id) || session.info.ended {
                continue;
            }
            let Some((first, at)) = reminder_due_at(&session.chat, after_secs) else {
                continue;
            };
            if self.reminded.get(id) == Some(&first) {
                continue;
            }
            if at > now {
                next = Some(next.map_or(at, |n| n.min(at)));
                continue;
            }
            self.reminded.insert(*id, first);
            let waited = now.saturating_sub(at) + u64::from(after_secs) * 1000;
            due.push(Reminder {
                text: format!(
                    "Reminder: {} has waited {} for your answer.",
                    session.info.customer.name,
                    display::wait(waited)
                ),
                target: AlertTarget::Session(*id),
            });
        }
        (due, next)
    }
}

/// "On every new message" mode: the reminder a change earns, if it is a customer's new
/// message in a session the rep is not looking at. `model` is the model after the change.
pub fn on_change(
    model: &Model,
    change: &Change,
    looking_at: Option<SessionId>,
) -> Option<Reminder> {
    let Change::CustomerWrote {
        session_id,
        message_id,
    } = change
    else {
        return None;
    };
    let (session, message) = unseen_message(model, *session_id, *message_id, looking_at)?;
    Some(Reminder {
        text: format!(
            "Reminder: {} wrote: {}",
            session.info.customer.name,
            quote(message)
        ),
        target: AlertTarget::Session(session.info.session_id),
    })
}
