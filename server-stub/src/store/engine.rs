//! [`Engine`]: what the store thread needs from a database, so the thread (group commit,
//! per-batch retry, the order of jobs) is written once and SQLite (`sqlite.rs`) and
//! PostgreSQL (`postgres/`) only say how each operation is done in their SQL.
//!
//! Why a trait object (`Box<dyn Engine>`) and not a generic: the [`crate::store::Store`]
//! handle is one concrete type used all over the server, and its jobs (closures run on
//! the thread) would otherwise carry the engine's type too. One dynamic call per
//! transaction or lookup costs nothing next to the database work behind it.
//!
//! Opening is not here: each engine's constructor connects and migrates, then
//! [`Engine::restore`] reads the state back before the thread starts.

use super::batch::CommitBatch;
use super::error::StoreError;
use super::outbox::OutboxEmail;
use super::restore::Restored;
use crate::router::state::Session;
use switchboard_protocol::{PastChat, SessionId};

/// One database behind the store thread. Every method runs on that thread only.
pub(crate) trait Engine: Send {
    /// Writes every op of `batches` in ONE transaction, committed before this returns
    /// `Ok`; on any error nothing of them is written. A `PutChat` whose JSON the core
    /// already encoded (`CommitBatch::ops_with_json`) is stored as exactly that text.
    /// A fenced engine fails with [`StoreError::LeaseLost`] when it no longer holds the
    /// lease, checked inside the same transaction.
    fn commit(&mut self, batches: &[&CommitBatch]) -> Result<(), StoreError>;

    /// Reads back everything the router needs to resume.
    fn restore(&mut self) -> Result<Restored, StoreError>;

    /// Stores (or replaces) a login token's hash for `rep`.
    fn put_token(
        &mut self,
        hash: &str,
        rep: &str,
        expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError>;

    /// The rep of a live token (`expires_at > now`) and when it expires.
    fn token(&mut self, hash: &str, now: u64) -> Result<Option<(String, u64)>, StoreError>;

    /// Deletes a token; whether it was live.
    fn delete_token(&mut self, hash: &str, now: u64) -> Result<bool, StoreError>;

    /// Deletes every token expired at `now`; how many.
    fn purge_expired_tokens(&mut self, now: u64) -> Result<usize, StoreError>;

    /// The outbox's unsent emails, oldest first.
    fn unsent_emails(&mut self) -> Result<Vec<OutboxEmail>, StoreError>;

    /// Marks an unsent email sent; whether there was one with that id.
    fn mark_email_sent(&mut self, id: i64, now: u64) -> Result<bool, StoreError>;

    /// A session's record, ended or not, with its whole chat.
    fn session_with_chat(&mut self, id: u64) -> Result<Option<Session>, StoreError>;

    /// Up to `limit` ended chats of `contact` older than `before`, newest first, and
    /// whether there are more.
    fn past_chats(
        &mut self,
        contact: &str,
        before: SessionId,
        limit: u32,
    ) -> Result<(Vec<PastChat>, bool), StoreError>;

    /// A connection setting as text (SQLite: a pragma; PostgreSQL: `SHOW`), for tests
    /// that check what the engine configured.
    #[cfg(test)]
    fn setting(&mut self, name: &str) -> Result<String, StoreError>;
}
