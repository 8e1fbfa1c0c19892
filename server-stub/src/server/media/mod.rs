//! The media relay behind `/ws/media` (docs/PROTOCOL.md §11): tickets the router issued,
//! who may view and control each session's screen right now, and the sockets that carry the
//! pictures and the input. It runs beside the core task, not through it: the core only tells
//! it (through [`MediaRelay::issue`] and [`MediaRelay::set_access`]) what the router decided.
//!
//! - [`tickets`]: the bounded map of one-use, expiring tokens.
//! - [`flow`]: per-viewer flow control (at most 2 unacknowledged) and a token bucket; pure.
//! - [`relay`]: the state behind the one lock: access, streams, fan-out, revocation.
//! - [`socket`]: one `/ws/media` connection: auth, then the publisher's or viewer's loop.
//! - [`shell`]: the shells' state (customer socket, the holder's socket, output window);
//!   `shell_socket`: their two loops, which store each record before passing it on.
//! - [`close`]: the close codes.

pub mod close;
pub mod flow;
pub mod relay;
pub mod shell;
mod shell_socket;
mod socket;
pub mod tickets;

pub use socket::serve;

pub use crate::router::effects::MediaRights;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use switchboard_protocol::{GrantId, MediaChannel, RepId, SessionId, UnixMillis};

/// How long a new socket has to send its `auth` frame (`4408` after).
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// Read buffer of a media socket: a 150 KB picture in 64 KiB reads, not 1 KiB ones.
pub const READ_BUFFER_BYTES: usize = 64 * 1024;
/// Screen updates a publisher may send a second (and at once); more are not relayed and
/// every viewer counts as stale (so each gets a whole picture when it has caught up).
pub const UPDATES_PER_SEC: u32 = 60;
/// Bytes a second a publisher may send (16 MiB/s: a whole 1080p screen of JPEG changing at
/// 15 fps is about 10 MB/s); reading pauses while it is over, so its socket slows.
pub const PUBLISHER_BYTES_PER_SEC: u64 = 16 * 1024 * 1024;
/// Bytes a publisher may send at once before [`PUBLISHER_BYTES_PER_SEC`] paces it: two
/// frames of the largest size.
pub const PUBLISHER_BYTE_BURST: u64 = 2 * switchboard_protocol::media::MAX_FRAME_BYTES as u64;
/// The least time between two `refresh_request`s to one publisher; requests in between
/// are merged into the next.
pub const REFRESH_INTERVAL: Duration = Duration::from_millis(250);
/// Media sockets that may wait for their `auth` at once, server-wide. Before `auth` a
/// stranger may declare a frame of up to `MAX_FRAME_BYTES`, which the WebSocket library
/// reserves as it reads; this keeps that at 32 × 8 MiB in all. A real client sends `auth`
/// first thing, so a slot is held for a round trip; beyond, the upgrade is refused with 503.
pub const MAX_UNAUTHENTICATED: usize = 32;

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
    /// The stream the socket carries: the screen or the shell.
    pub channel: MediaChannel,
    /// Unused after this, the token is refused (`4401`).
    pub expires_at: UnixMillis,
}

/// What a session's grants allow right now, as the router decided. Replaces the previous
/// access of the session whole: a screen viewer whose rep may no longer view is closed
/// (`4410`), one whose control ended keeps viewing but its input is no longer forwarded; a
/// shell socket whose rep lost the shell is closed; and a publisher with nobody left to
/// serve on its channel is closed too.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionAccess {
    /// What each rep with a granted grant may do.
    pub viewers: BTreeMap<RepId, MediaRights>,
}

impl SessionAccess {
    /// Whether nobody may do anything (every socket of the session closes).
    pub fn is_empty(&self) -> bool {
        self.viewers.values().all(|rights| rights.is_none())
    }

    /// Whether `rep` may view the screen, and if so whether they may also control it.
    pub fn screen(&self, rep: &RepId) -> Option<bool> {
        self.viewers
            .get(rep)
            .filter(|rights| rights.view)
            .map(|rights| rights.control)
    }

    /// Whether anyone may view the screen (else its publisher has nobody to send to).
    pub fn anyone_views(&self) -> bool {
        self.viewers.values().any(|rights| rights.view)
    }

    /// The rep who has the shell now, and its grant (one per session).
    pub fn shell(&self) -> Option<(&RepId, GrantId)> {
        self.viewers
            .iter()
            .find_map(|(rep, rights)| rights.shell.map(|grant| (rep, grant)))
    }

    /// Whether `channel` has anyone to serve.
    pub fn serves(&self, channel: MediaChannel) -> bool {
        match channel {
            MediaChannel::Screen => self.anyone_views(),
            MediaChannel::Shell => self.shell().is_some(),
        }
    }

    /// Whether `rep` may open a socket of `channel`.
    pub fn allows(&self, rep: &RepId, channel: MediaChannel) -> bool {
        match channel {
            MediaChannel::Screen => self.screen(rep).is_some(),
            MediaChannel::Shell => self.shell().is_some_and(|(holder, _)| holder == rep),
        }
    }
}

/// The relay's shared state; cheap to clone (one per connection task and one in the core).
/// A std mutex, not tokio's: every method holding it is short and never awaits.
#[derive(Clone)]
pub struct MediaRelay {
    inner: Arc<Mutex<relay::RelayState>>,
    /// The relay's clock for rate limits (time since this relay started).
    started: Instant,
    /// Slots for sockets not yet authenticated ([`MAX_UNAUTHENTICATED`]).
    unauthenticated: Arc<tokio::sync::Semaphore>,
    /// Where shell records are made durable before they are relayed (none: a relay built
    /// for tests of the screen alone, whose shells are refused).
    transcripts: Option<crate::store::TranscriptLog>,
}

impl Default for MediaRelay {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            started: Instant::now(),
            unauthenticated: Arc::new(tokio::sync::Semaphore::new(MAX_UNAUTHENTICATED)),
            transcripts: None,
        }
    }
}

impl MediaRelay {
    pub fn new() -> Self {
        Self::default()
    }

    /// A relay whose shells record through `transcripts`.
    pub fn with_transcripts(transcripts: crate::store::TranscriptLog) -> Self {
        MediaRelay {
            transcripts: Some(transcripts),
            ..Self::default()
        }
    }

    /// The transcript log shell sockets record through.
    pub(crate) fn transcripts(&self) -> Option<&crate::store::TranscriptLog> {
        self.transcripts.as_ref()
    }

    /// The state; a panic elsewhere while holding the lock leaves it usable (each method
    /// leaves it consistent before anything can panic).
    pub(crate) fn lock(&self) -> MutexGuard<'_, relay::RelayState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot for one socket until it has authenticated, or `None` when
    /// [`MAX_UNAUTHENTICATED`] sockets already wait for theirs.
    pub fn unauthenticated_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.unauthenticated.clone().try_acquire_owned().ok()
    }

    /// Time since the relay started, for its token buckets.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Registers a ticket the router minted (called by the core after the batch is durable).
    pub fn issue(&self, token: String, ticket: Ticket) {
        self.lock()
            .issue(token, ticket, crate::server::core::now_ms());
    }

    /// Sets who may view and control `session` now; closes (`4410`) what is no longer
    /// allowed and drops the tickets it no longer allows.
    pub fn set_access(&self, session: SessionId, access: SessionAccess) {
        self.lock().set_access(session, access);
    }

    /// Closes every media socket (`1001`) and refuses new ones: the server is stopping.
    pub fn close_all(&self) {
        self.lock().close_all();
    }

    /// Tickets waiting and sockets attached (for tests and logs).
    pub fn counts(&self) -> (usize, usize) {
        self.lock().counts()
    }
}
