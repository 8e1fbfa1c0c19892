//! The PostgreSQL [`Engine`], with the synchronous `postgres` client: the store thread is a
//! plain OS thread that does one thing at a time, so a blocking client fits it exactly and
//! brings no second async runtime into the server's (the client runs its own small one
//! inside; it must never be called from an async task, and is not: only the store thread
//! touches it, from opening to closing).
//!
//! Same semantics as SQLite: a group of batches is committed in one transaction before
//! anything from it is acknowledged; statements are prepared once per connection
//! (`statements.rs`). Durability is PostgreSQL's own: the connection sets
//! `synchronous_commit = on` for both [`Durability`] levels (a commit returns once its WAL
//! is flushed on the server, and on synchronous standbys if the operator configured any);
//! `off` could lose acknowledged messages when PostgreSQL itself crashes, which the
//! SQLite `normal` level does not risk either (there only a power loss can).
//!
//! The fence: with a [`Fence`], every write transaction (commits, and the token and outbox
//! writes) first checks, with a row lock held to its end, that this server's token still
//! holds an unexpired lease; if not it rolls back and fails with [`StoreError::LeaseLost`]
//! (`fence.rs`, shared with the files' and transcripts' connections). Every connection's
//! `idle_in_transaction_session_timeout = '2s'` ends the transaction (and that lock) of a
//! server paused mid-commit, so a standby taking over is never blocked by it.
//!
//! Shared files' bytes and shell transcripts are in PostgreSQL too, each on a connection
//! and thread of its own (`files.rs`, `transcripts.rs`, their tables in `side_tables.rs`),
//! so a large file or a chatty shell never waits for, or holds up, a chat commit.
//!
//! Files: `migrate` (schema versions under an advisory lock), `ops` (the ops' SQL),
//! `restore`, `queries` (tokens, outbox, lookups), `rows` (JSON rows), `statements`
//! (the prepared statement cache), `fence` (the lease check of every write), `files`,
//! `transcripts` and `side_tables` (the side stores' SQL and tables).

mod fence;
pub(crate) mod files;
mod migrate;
mod ops;
mod queries;
mod restore;
mod rows;
mod side_tables;
mod statements;
pub(crate) mod transcripts;

use super::batch::CommitBatch;
use super::connection::Durability;
use super::database::Fence;
use super::engine::Engine;
use super::error::StoreError;
use super::ops::now_millis;
use super::outbox::OutboxEmail;
use super::restore::Restored;
use crate::pg_connect::{ConnectError, connect_within};
use crate::router::state::Session;
use postgres::Client;
use statements::{Cached, Statements};
use std::time::Duration;
use switchboard_protocol::{PastChat, SessionId};

/// How long connecting may take before opening fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long sent data may stay unacknowledged by the database host before the connection
/// is dropped (a cut network fails the commit instead of hanging the store thread).
const TCP_USER_TIMEOUT: Duration = Duration::from_secs(10);

/// What every store connection sets first (see the module documentation).
const SESSION_SETTINGS: &str = "SET idle_in_transaction_session_timeout = '2s';
     SET synchronous_commit = on;";

/// Connects to `url` with the store's timeouts and session settings (every connection of
/// the store: the main one, the files' and the transcripts'). Blocking, and it must not
/// run inside an async runtime: each caller runs it on the thread that keeps the client.
pub(crate) fn connect(url: &str) -> Result<Client, StoreError> {
    let mut config: postgres::Config = url
        .parse()
        .map_err(|error| StoreError::PostgresConnect(ConnectError::Postgres(error)))?;
    config
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_user_timeout(TCP_USER_TIMEOUT);
    if config.get_application_name().is_none() {
        config.application_name("switchboard-server");
    }
    // The whole attempt bounded, startup included (`pg_connect.rs` says why).
    let mut client = connect_within(config, CONNECT_TIMEOUT, "store-connect")
        .map_err(StoreError::PostgresConnect)?;
    client.batch_execute(SESSION_SETTINGS)?;
    Ok(client)
}

/// PostgreSQL behind the store thread: one connection, migrated, with its statements.
pub(crate) struct PostgresEngine {
    client: Client,
    statements: Statements,
    fence: Option<Fence>,
}

impl PostgresEngine {
    /// Connects to `url`, migrates and restores. Blocking, and it must not run inside an
    /// async runtime: `Store::open_postgres` runs it on the store thread itself, which
    /// then keeps the connection for good.
    pub(crate) fn open(
        url: &str,
        fence: Option<Fence>,
        durability: Durability,
    ) -> Result<(PostgresEngine, Restored), StoreError> {
        // Both levels: see the module documentation.
        let (Durability::Normal | Durability::Full) = durability;
        let mut client = connect(url)?;
        migrate::migrate(&mut client)?;
        let mut statements = Statements::default();
        let restored = restore::restore(&mut client, &mut statements)?;
        Ok((
            PostgresEngine {
                client,
                statements,
                fence,
            },
            restored,
        ))
    }

    /// [`fence::write_transaction`] on this engine's connection and fence.
    fn write<T>(
        &mut self,
        write: impl FnOnce(&mut Cached<'_, postgres::Transaction<'_>>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        fence::write_transaction(&mut self.client, &mut self.statements, self.fence, write)
    }

    fn db(&mut self) -> Cached<'_, Client> {
        Cached {
            client: &mut self.client,
            statements: &mut self.statements,
        }
    }
}

impl Engine for PostgresEngine {
    fn commit(&mut self, batches: &[&CommitBatch]) -> Result<(), StoreError> {
        let now = now_millis();
        // Deferred foreign keys are checked at the commit: a failure rolls the group back.
        self.write(|db| {
            batches
                .iter()
                .try_for_each(|batch| ops::apply_batch(db, batch, now))
        })
    }

    fn restore(&mut self) -> Result<Restored, StoreError> {
        restore::restore(&mut self.client, &mut self.statements)
    }

    fn put_token(
        &mut self,
        hash: &str,
        rep: &str,
        expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        self.write(|db| queries::put_token(db, hash, rep, expires_at, now))
    }

    fn token(&mut self, hash: &str, now: u64) -> Result<Option<(String, u64)>, StoreError> {
        queries::token(&mut self.db(), hash, now)
    }

    fn delete_token(&mut self, hash: &str, now: u64) -> Result<bool, StoreError> {
        self.write(|db| queries::delete_token(db, hash, now))
    }

    fn purge_expired_tokens(&mut self, now: u64) -> Result<usize, StoreError> {
        self.write(|db| queries::purge_expired_tokens(db, now))
    }

    fn unsent_emails(&mut self) -> Result<Vec<OutboxEmail>, StoreError> {
        queries::unsent_emails(&mut self.db())
    }

    fn mark_email_sent(&mut self, id: i64, now: u64) -> Result<bool, StoreError> {
        self.write(|db| queries::mark_email_sent(db, id, now))
    }

    fn session_with_chat(&mut self, id: u64) -> Result<Option<Session>, StoreError> {
        queries::session_with_chat(&mut self.db(), id)
    }

    fn past_chats(
        &mut self,
        contact: &str,
        before: SessionId,
        limit: u32,
    ) -> Result<(Vec<PastChat>, bool), StoreError> {
        queries::past_chats(&mut self.db(), contact, before, limit)
    }

    #[cfg(test)]
    fn setting(&mut self, name: &str) -> Result<String, StoreError> {
        Ok(self
            .client
            .query_one("SELECT current_setting($1)", &[&name])?
            .try_get(0)?)
    }
}
