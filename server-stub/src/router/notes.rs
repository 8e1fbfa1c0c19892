//! System notes: the server's own lines in a session's chat ("Bob Jones joined the
//! session"). They are kept and delivered like any message, rep-only (the customer has
//! their own `rep_joined` / `rep_left` notices), so every rep in the session — and whoever
//! opens its history later — can see how the session went hand to hand. Remote support's
//! lines are the exception: public, since they are about the customer's own screen.

use switchboard_protocol::{Author, ChatMessage, LeftReason, SessionId, Visibility};

use super::Router;

impl Router {
    /// Adds a system note to a session's chat, unless the chat is at its cap: notes follow
    /// events a stranger can repeat (a customer's connection coming and going), so they
    /// are bounded the way messages are.
    pub(super) fn note(&mut self, session_id: SessionId, text: String) {
        self.system_line(session_id, text, Visibility::Reps);
    }

    /// A system line everyone in the session reads, the customer included: remote
    /// support's requests, answers and stops (`remote_text.rs`), which the customer must
    /// see as much as the reps. Bounded like [`Router::note`]; at the cap the line is left
    /// out, never the change it reports.
    pub(super) fn public_note(&mut self, session_id: SessionId, text: String) {
        self.system_line(session_id, text, Visibility::Public);
    }

    fn system_line(&mut self, session_id: SessionId, text: String, visibility: Visibility) {
        let Some(session) = self.sessions.get(&session_id) else {
            return;
        };
        if session.chat.len() >= self.config.limits.max_messages_per_session {
            return;
        }
        let message = ChatMessage {
            id: self.next_message_id(),
            session_id,
            author: Author::System,
            text,
            visibility,
            at: self.now,
            client_msg_id: None,
            attachment: None,
            whisper_to: None,
        };
        self.add_chat(message);
    }

    /// A note about the customer's connection, only while reps are there to read it: the
    /// flaps of a customer still waiting in a queue are nobody's business.
    pub(super) fn note_customer(&mut self, session_id: SessionId, text: &str) {
        let attended = self
            .sessions
            .get(&session_id)
            .is_some_and(|s| !s.participants.is_empty());
        if attended {
            self.note(session_id, text.to_owned());
        }
    }

    /// The words for a rep leaving a session, or `None` where another note says it
    /// (a transfer) or nobody would read it (the session ended).
    pub(super) fn left_note(name: &str, reason: LeftReason) -> Option<String> {
        match reason {
            LeftReason::Left => Some(format!("{name} left the session.")),
            LeftReason::Removed => Some(format!("{name} was removed from the session.")),
            LeftReason::LeftInQueue => Some(format!(
                "{name} left; the session waits in the queue again."
            )),
            LeftReason::ConnectionLost => {
                Some(format!("{name} lost the connection and left the session."))
            }
            LeftReason::TakenOver => {
                Some(format!("{name} left; a team lead took the session over."))
            }
            LeftReason::Transferred | LeftReason::Ended => None,
        }
    }
}
