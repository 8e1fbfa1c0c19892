//! The SQLite [`Engine`]: one `rusqlite::Connection`, the default store. Each operation is
//! the SQL of its own file (`ops`, `restore`, `tokens`, `outbox`, `lookup`, `history`); this
//! file adds the transaction around a commit.

use super::batch::CommitBatch;
use super::engine::Engine;
use super::error::StoreError;
use super::ops::apply_batch;
use super::outbox::OutboxEmail;
use super::restore::Restored;
use super::{history, lookup, outbox, restore, tokens};
use crate::router::state::Session;
use rusqlite::Connection;
use switchboard_protocol::{PastChat, SessionId};

/// SQLite behind the store thread: a connection already opened and migrated.
pub(crate) struct SqliteEngine {
    conn: Connection,
}

impl SqliteEngine {
    pub(crate) fn new(conn: Connection) -> Self {
        Self { conn }
    }
}

impl Engine for SqliteEngine {
    /// BEGIN IMMEDIATE, the batches, COMMIT; ROLLBACK if any of it fails. The two
    /// statements are prepared once and cached: `Connection::transaction` parses them with
    /// `execute_batch` on every commit, which at one small commit per chat message was a
    /// visible share of the store thread's work.
    fn commit(&mut self, batches: &[&CommitBatch]) -> Result<(), StoreError> {
        let conn = &self.conn;
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        let applied = apply_and_commit(conn, batches);
        if applied.is_err() && !conn.is_autocommit() {
            // As `Transaction`'s drop does; a failed rollback leaves nothing more to do
            // here, and the next BEGIN reports a connection that is still in a transaction.
            if let Err(error) = conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut rollback| rollback.execute([]))
            {
                tracing::error!(%error, "could not roll back a failed commit");
            }
        }
        applied
    }

    fn restore(&mut self) -> Result<Restored, StoreError> {
        restore::restore(&self.conn)
    }

    fn put_token(
        &mut self,
        hash: &str,
        rep: &str,
        expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        tokens::put(&self.conn, hash, rep, expires_at, now)
    }

    fn token(&mut self, hash: &str, now: u64) -> Result<Option<(String, u64)>, StoreError> {
        tokens::rep(&self.conn, hash, now)
    }

    fn delete_token(&mut self, hash: &str, now: u64) -> Result<bool, StoreError> {
        tokens::delete(&self.conn, hash, now)
    }

    fn purge_expired_tokens(&mut self, now: u64) -> Result<usize, StoreError> {
        tokens::purge_expired(&self.conn, now)
    }

    fn unsent_emails(&mut self) -> Result<Vec<OutboxEmail>, StoreError> {
        outbox::unsent(&self.conn)
    }

    fn mark_email_sent(&mut self, id: i64, now: u64) -> Result<bool, StoreError> {
        outbox::mark_sent(&self.conn, id, now)
    }

    fn session_with_chat(&mut self, id: u64) -> Result<Option<Session>, StoreError> {
        lookup::session_with_chat(&self.conn, id)
    }

    fn past_chats(
        &mut self,
        contact: &str,
        before: SessionId,
        limit: u32,
    ) -> Result<(Vec<PastChat>, bool), StoreError> {
        history::past_chats(&self.conn, contact, before, limit)
    }

    #[cfg(test)]
    fn setting(&mut self, name: &str) -> Result<String, StoreError> {
        let value: rusqlite::types::Value =
            self.conn.pragma_query_value(None, name, |row| row.get(0))?;
        Ok(match value {
            rusqlite::types::Value::Integer(int) => int.to_string(),
            rusqlite::types::Value::Text(text) => text,
            other => format!("{other:?}"),
        })
    }
}

fn apply_and_commit(conn: &Connection, batches: &[&CommitBatch]) -> Result<(), StoreError> {
    for batch in batches {
        apply_batch(conn, batch)?;
    }
    conn.prepare_cached("COMMIT")?.execute([])?;
    Ok(())
}
