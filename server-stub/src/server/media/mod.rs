//! The media relay behind `/ws/media` (docs/PROTOCOL.md §11): tickets the router issued,
//! who may view and control each session's screen right now, and the sockets that carry the
//! pictures and the input. It runs beside the core task, not through it: the core only tells
//! it (through [`MediaRelay::issue`] and [`MediaRelay::set_access`]) what the router decided.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use switchboard_protocol::RepId;
use switchboard_protocol::{SessionId, UnixMillis};

/// Who a ticket's socket speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaRole {
    /// The customer's program or page: sends the screen.
    Publisher,
    /// A rep's console: receives the screen, acknowledges, and (with control) sends input.
    Viewer { rep: RepId },
}

/// A token the router minted with `open_media`, waiting for its socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub session: SessionId,
    pub role: MediaRole,
    /// Unused after this, the token is refused (`4401`).
    pub expires_at: UnixMillis,
}

/// What a session's grants allow right now, as the router decided. Replaces the previous
/// access of the session whole: a viewer left out is closed (`4410`), a viewer whose
/// `control` became false keeps viewing but its input is no longer forwarded, and with no
/// viewer left at all the publisher is closed too.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionAccess {
    /// Reps who may view, each with whether they may also control.
    pub viewers: BTreeMap<RepId, bool>,
}

impl SessionAccess {
    /// Whether anyone may view (else the publisher has nobody to send to).
    pub fn is_empty(&self) -> bool {
        self.viewers.is_empty()
    }
}

/// The relay's shared state; cheap to clone (one per connection task and one in the core).
#[derive(Clone, Default)]
pub struct MediaRelay {
    inner: Arc<Mutex<RelayState>>,
}

#[derive(Default)]
struct RelayState {
    tickets: BTreeMap<String, Ticket>,
    access: BTreeMap<SessionId, SessionAccess>,
}

impl MediaRelay {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a ticket the router minted (called by the core after the batch is durable).
    pub fn issue(&self, token: String, ticket: Ticket) {
        if let Ok(mut state) = self.inner.lock() {
            state.tickets.insert(token, ticket);
        }
    }

    /// Sets who may view and control `session` now; closes what is no longer allowed.
    pub fn set_access(&self, session: SessionId, access: SessionAccess) {
        if let Ok(mut state) = self.inner.lock() {
            if access.is_empty() {
                state.access.remove(&session);
            } else {
                state.access.insert(session, access);
            }
        }
    }
}
