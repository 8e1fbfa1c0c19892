//! The durable store: SQLite (the default) or PostgreSQL on one dedicated thread, behind a
//! cloneable async handle.
//!
//! - [`Store::open`] opens (or creates) an SQLite database, applies the migrations and
//!   reads back what the router needs to resume ([`Restored`]); [`Store::open_postgres`]
//!   does the same with PostgreSQL ([`Database`] says which one a setting names).
//! - [`Store::commit`] writes a batch of the router's [`StoreOp`]s in one transaction.
//! - Tokens, the email outbox and ended sessions have their own calls.
//!
//! One OS thread owns the database's [`engine::Engine`] (`sqlite.rs` or `postgres/`) and
//! runs jobs in order from a channel; async callers get results over oneshot channels, so
//! no database call ever blocks a runtime worker. Commits queued back to back share one transaction (group commit); each caller
//! still gets its own outcome. SQLite's durability: WAL with `synchronous=NORMAL` (see
//! `connection.rs`): a committed batch survives a process crash, including `kill -9`; a
//! power loss may lose the last commits. PostgreSQL's: its own (`postgres/mod.rs`).
//!
//! Shared files' bytes have their own thread and connection (`files`, `file_store`), so
//! writing a large file never holds the lock chat commits need; shell transcripts another
//! (`transcripts`, `transcript_log`), for the same reason. With SQLite those are a second
//! and a third database file beside the main one; with PostgreSQL, two more connections to
//! the same database (`postgres/files.rs`, `postgres/transcripts.rs`), fenced as commits are.
//!
//! Files: `batch` ([`CommitBatch`]: a commit's ops, shared, with its chat JSON encoded
//! once), `error` (the error type), `database` ([`Database`], [`Fence`]), `engine` (what
//! the thread needs from a database), `sqlite` and `postgres/` (the two engines),
//! `connection` (opening SQLite and its pragmas), `migrate` (schema versions), `worker`
//! (the thread and group commit), `ops` (applying [`StoreOp`]s),
//! `restore` ([`Restored`]), `rows` (decoding JSON rows), `lookup` (one session),
//! `history` (ended chats by contact), `files` (the files database) and `file_store` (its
//! thread), `transcripts` and `transcript_log` (likewise), `side_thread` (starting those
//! threads), `tokens`, `outbox`, `int` (u64 <-> SQLite integers).

mod batch;
mod connection;
mod database;
mod engine;
mod error;
mod file_store;
mod files;
mod history;
mod int;
mod lookup;
mod migrate;
mod ops;
mod outbox;
mod postgres;
mod restore;
mod rows;
mod side_thread;
mod sqlite;
mod tokens;
mod transcript_log;
mod transcripts;
mod worker;

#[cfg(test)]
mod tests;

pub use batch::CommitBatch;
pub use connection::Durability;
pub use database::{Database, Fence};
pub use error::StoreError;
pub use files::FileInfo;
pub use outbox::OutboxEmail;
pub use restore::{Restored, TEAM_CHAT_RESTORED};
pub use transcript_log::TranscriptLog;
pub use transcripts::{ShellEvent, ShellRecord};

use crate::router::effects::StoreOp;
use crate::router::state::Session;
use engine::Engine;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use switchboard_protocol::{Attachment, PastChat, SessionId};
use tokio::sync::oneshot;
use worker::{Batch, Job};

/// A handle to the database thread. Cheap to clone; the thread stops (and the database
/// closes) when the last clone is dropped, after finishing the jobs already sent.
#[derive(Debug, Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    /// Commits still to fail on purpose (the tests' fault hook; zero in production).
    injected_failures: Arc<AtomicU64>,
    /// The files database, on a thread of its own.
    files: file_store::FileStore,
    /// Shell transcripts, in a third database file on a thread of its own.
    transcripts: TranscriptLog,
    /// The server's `/metrics` figures: kept here because every part of the server holds
    /// the store (the core's commit path counts and times batches, the HTTP edge reads).
    metrics: Arc<crate::server::metrics::Metrics>,
}

impl Store {
    /// Opens or creates the database at `path` (and its parent directories), migrates it
    /// and reads back the state to resume. Blocking: call it before the server starts
    /// serving, or from `spawn_blocking`.
    pub fn open(path: &Path) -> Result<(Store, Restored), StoreError> {
        Self::open_with(path, Durability::Normal)
    }

    /// [`Store::open`] with the given commit durability.
    pub fn open_with(path: &Path, durability: Durability) -> Result<(Store, Restored), StoreError> {
        let mut conn = connection::open_connection(path)?;
        connection::apply_durability(&conn, durability)?;
        migrate::migrate(&mut conn)?;
        let files = file_store::FileStore::open(path, &mut conn)?;
        let transcripts = TranscriptLog::open(path)?;
        let mut engine = sqlite::SqliteEngine::new(conn);
        let restored = engine.restore()?;
        tracing::info!(
            path = %path.display(),
            sessions = restored.sessions.len(),
            invitations = restored.invitations.len(),
            "database opened"
        );
        Ok((Self::start(Box::new(engine), files, transcripts)?, restored))
    }

    /// Opens PostgreSQL at `url`: migrates (under `pg_advisory_xact_lock` so two servers
    /// starting together cannot both migrate), restores, starts the store thread, and the
    /// files' and transcripts' threads, each with a PostgreSQL connection of its own (their
    /// tables created if missing). Nothing is written locally: a standby that takes over
    /// finds every file and transcript the dead server stored. With `fence`, every write
    /// transaction of all three connections (commits, tokens, the outbox's marks, files,
    /// transcripts) first checks the lease and fails with [`StoreError::LeaseLost`] when
    /// this server no longer holds it. Blocking, like [`Store::open`]; safe to call from an
    /// async task too (each PostgreSQL client only ever runs on its own thread).
    pub fn open_postgres(
        url: &str,
        fence: Option<Fence>,
        durability: Durability,
    ) -> Result<(Store, Restored), StoreError> {
        let owned_url = url.to_owned();
        let (jobs, restored) = worker::spawn_opening(move || {
            let (engine, restored) = postgres::PostgresEngine::open(&owned_url, fence, durability)?;
            Ok((Box::new(engine) as Box<dyn Engine>, restored))
        })?;
        // After the main schema's migrations, so a new database gets those first.
        let files = file_store::FileStore::open_postgres(url, fence)?;
        let transcripts = TranscriptLog::open_postgres(url, fence)?;
        tracing::info!(
            database = %Database::Postgres(url.to_owned()).redacted(),
            fenced = fence.is_some(),
            sessions = restored.sessions.len(),
            invitations = restored.invitations.len(),
            "PostgreSQL database opened"
        );
        Ok((Self::with_thread(jobs, files, transcripts), restored))
    }

    /// Starts the store thread on an opened, migrated and restored engine.
    fn start(
        engine: Box<dyn Engine>,
        files: file_store::FileStore,
        transcripts: TranscriptLog,
    ) -> Result<Store, StoreError> {
        Ok(Self::with_thread(
            worker::spawn(engine)?,
            files,
            transcripts,
        ))
    }

    fn with_thread(
        jobs: mpsc::Sender<Job>,
        files: file_store::FileStore,
        transcripts: TranscriptLog,
    ) -> Store {
        Store {
            jobs,
            files,
            transcripts,
            injected_failures: Arc::new(AtomicU64::new(0)),
            metrics: Arc::default(),
        }
    }

    /// The server's `/metrics` figures.
    pub fn metrics(&self) -> &crate::server::metrics::Metrics {
        &self.metrics
    }

    /// The shell transcripts' handle (the media relay records through it).
    pub fn transcripts(&self) -> TranscriptLog {
        self.transcripts.clone()
    }

    /// The fault hook for tests of the fail-stop policy: the next `count` commits fail
    /// without touching the database (`u64::MAX`: every one from now on). Nothing in the
    /// server calls it.
    pub fn inject_commit_failures(&self, count: u64) {
        self.injected_failures.store(count, Ordering::Release);
    }

    /// Writes all `ops` in one transaction: either all of them are durable or none is.
    /// An empty batch does nothing.
    pub async fn commit(&self, ops: Vec<StoreOp>) -> Result<(), StoreError> {
        self.commit_batch(Arc::new(CommitBatch::plain(ops))).await
    }

    /// [`Store::commit`] of a shared batch: the caller keeps it (to retry, and to send
    /// the chat JSON it holds once it is durable) without copying any op.
    pub async fn commit_batch(&self, ops: Arc<CommitBatch>) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let injected =
            self.injected_failures
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        if injected.is_ok() {
            return Err(StoreError::Injected);
        }
        let receiver = self.send_commit(ops)?;
        receiver.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::commit`] for code outside the async runtime (plain threads, `spawn_blocking`,
    /// tests). Must not be called from an async task: it blocks the thread until done.
    pub fn commit_blocking(&self, ops: Vec<StoreOp>) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let receiver = self.send_commit(Arc::new(CommitBatch::plain(ops)))?;
        receiver.blocking_recv().map_err(|_| StoreError::Closed)?
    }

    /// Stores a login token's hash for `rep`, replacing an existing one with the same hash.
    pub async fn put_token(
        &self,
        hash: String,
        rep: String,
        expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        self.call(move |engine| engine.put_token(&hash, &rep, expires_at, now))
            .await
    }

    /// The rep a token hash belongs to; `None` if unknown or expired (`expires_at <= now`).
    pub async fn token_rep(&self, hash: String, now: u64) -> Result<Option<String>, StoreError> {
        Ok(self.token(hash, now).await?.map(|(rep, _)| rep))
    }

    /// The rep a token hash belongs to and when the token expires; `None` if unknown or
    /// expired.
    pub async fn token(&self, hash: String, now: u64) -> Result<Option<(String, u64)>, StoreError> {
        self.call(move |engine| engine.token(&hash, now)).await
    }

    /// Deletes a token hash (logout); whether it was live (known and not expired).
    pub async fn delete_token(&self, hash: String, now: u64) -> Result<bool, StoreError> {
        self.call(move |engine| engine.delete_token(&hash, now))
            .await
    }

    /// Deletes every token expired at `now`; returns how many were deleted.
    pub async fn purge_expired_tokens(&self, now: u64) -> Result<usize, StoreError> {
        self.call(move |engine| engine.purge_expired_tokens(now))
            .await
    }

    /// The emails not yet sent, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEmail>, StoreError> {
        self.call(|engine| engine.unsent_emails()).await
    }

    /// Marks an outbox email sent so [`Store::outbox`] no longer lists it; returns whether
    /// an unsent email with that id existed.
    pub async fn mark_email_sent(&self, id: i64, now: u64) -> Result<bool, StoreError> {
        self.call(move |engine| engine.mark_email_sent(id, now))
            .await
    }

    /// A session's record, ended or not, with its whole chat in `chat` (for a customer
    /// resuming an ended session); `None` if no such session was ever stored.
    pub async fn ended_session(&self, id: u64) -> Result<Option<Session>, StoreError> {
        self.call(move |engine| engine.session_with_chat(id)).await
    }

    /// Ended chats of `contact` older than session `before`, newest first (at most `limit`),
    /// and whether there are more.
    pub async fn past_chats(
        &self,
        contact: String,
        before: SessionId,
        limit: u32,
    ) -> Result<(Vec<PastChat>, bool), StoreError> {
        self.call(move |engine| engine.past_chats(&contact, before, limit))
            .await
    }

    /// Stores a shared file's bytes in the files database (durable when this returns).
    pub async fn put_file(
        &self,
        session_id: SessionId,
        attachment: Attachment,
        data: Vec<u8>,
        now: u64,
    ) -> Result<(), StoreError> {
        self.files.put(session_id, attachment, data, now).await
    }

    /// A stored file's session and description, without its bytes; `None` if there is none.
    pub async fn file_info(&self, file_id: String) -> Result<Option<FileInfo>, StoreError> {
        self.files.info(file_id).await
    }

    /// A stored file's bytes; `None` if there is none.
    pub async fn file_data(&self, file_id: String) -> Result<Option<Vec<u8>>, StoreError> {
        self.files.data(file_id).await
    }

    /// Removes a stored file and gives its space back to the OS.
    pub async fn delete_file(&self, file_id: String) -> Result<(), StoreError> {
        self.files.delete(file_id).await
    }

    fn send_commit(
        &self,
        ops: Arc<CommitBatch>,
    ) -> Result<oneshot::Receiver<Result<(), StoreError>>, StoreError> {
        let (reply, receiver) = oneshot::channel();
        self.jobs
            .send(Job::Commit(Batch { ops, reply }))
            .map_err(|_| StoreError::Closed)?;
        Ok(receiver)
    }

    /// Runs `f` on the database thread and waits for its result.
    async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Engine) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, receiver) = oneshot::channel();
        let job = Job::Call(Box::new(move |engine: &mut dyn Engine| {
            // The caller may have stopped waiting; nothing else to do with the result.
            let _ = reply.send(f(engine));
        }));
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        receiver.await.map_err(|_| StoreError::Closed)?
    }
}
