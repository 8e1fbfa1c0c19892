//! What applying one server frame changed, as the rest of the console needs to know it.
//! [`Model::apply`](super::Model::apply) returns these; alerts, reminders and "bring the
//! tab forward" are all driven from that one answer, so nothing outside the model repeats
//! its novelty checks (a repeated message, a known entry, a replayed event change nothing
//! and so report nothing).

use switchboard_protocol::{LeftReason, MessageId, QueueRef, SessionId};

/// One thing a frame changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The connection is (re)established: messages still pending go again.
    Welcomed,
    /// A new entry in one of the rep's queues (an update of a known entry is not one).
    EntryAdded { queue: QueueRef, entry_id: String },
    /// The customer wrote a new message in a session this rep is in.
    CustomerWrote {
        session_id: SessionId,
        message_id: MessageId,
    },
    /// A team lead whispered to this rep (a new whisper addressed to them, not their own)
    /// in a session that goes on. Alerted like a customer's message: a whisper often asks
    /// for something now.
    WhisperReceived {
        session_id: SessionId,
        message_id: MessageId,
    },
    /// A push offer was made to this rep.
    OfferMade { session_id: SessionId },
    /// This rep is now in the session (its tab opened). `asked`: the rep accepted or
    /// joined it from this console (rather than, say, a transfer to them).
    Joined { session_id: SessionId, asked: bool },
    /// This rep is no longer in the session (its tab closed). `reason`: the server's, or
    /// `None` when a new snapshot simply no longer lists the session (after a resume
    /// whose gap was gone). The app forgets what it kept for the session: its draft,
    /// toasts, reminders and dialogs.
    Left {
        session_id: SessionId,
        reason: Option<LeftReason>,
    },
}
