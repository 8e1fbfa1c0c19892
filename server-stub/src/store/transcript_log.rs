//! The transcript database's thread and its async handle. Appends queued back to back share
//! one transaction (group commit), so a shell pouring out output costs one commit per batch,
//! not per chunk; each caller still learns whether its own records are durable, and the
//! relay passes nothing on before they are.
//!
//! The database is SQLite's side file (`transcripts.rs`) or, with PostgreSQL, a PostgreSQL
//! connection of its own (`postgres/transcripts.rs`, appends fenced by the lease):
//! [`TranscriptDb`] says which; appends and reads mean the same on both.

use super::database::Fence;
use super::error::StoreError;
use super::postgres::transcripts::PostgresTranscripts;
use super::side_thread::spawn_opening;
use super::transcripts::{self, ReadBounds, ShellRecord};
use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use switchboard_protocol::SessionId;
use tokio::sync::oneshot;

/// Appends taken into one transaction at most.
const MAX_GROUP: usize = 256;

/// The transcripts' database, on either engine.
enum TranscriptDb {
    Sqlite(Connection),
    Postgres(Box<PostgresTranscripts>),
}

impl TranscriptDb {
    fn append<'a>(
        &mut self,
        records: impl IntoIterator<Item = &'a ShellRecord>,
    ) -> Result<(), StoreError> {
        match self {
            TranscriptDb::Sqlite(conn) => transcripts::append(conn, records),
            TranscriptDb::Postgres(db) => db.append(records),
        }
    }

    fn read(
        &mut self,
        session_id: SessionId,
        bounds: ReadBounds,
    ) -> Result<Vec<ShellRecord>, StoreError> {
        match self {
            TranscriptDb::Sqlite(conn) => transcripts::read(conn, session_id, bounds),
            TranscriptDb::Postgres(db) => db.read(session_id, bounds),
        }
    }
}

enum Job {
    Append {
        records: Vec<ShellRecord>,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    Read {
        session_id: SessionId,
        bounds: ReadBounds,
        done: oneshot::Sender<Result<Vec<ShellRecord>, StoreError>>,
    },
}

/// A handle to the transcript thread. Cheap to clone; the thread stops when the last clone
/// is dropped, after the jobs already sent.
#[derive(Debug, Clone)]
pub struct TranscriptLog {
    jobs: mpsc::Sender<Job>,
    /// Appends still to fail on purpose (the tests' fault hook; zero in production).
    injected_failures: Arc<AtomicU64>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Append { .. } => "Append",
            Job::Read { .. } => "Read",
        })
    }
}

impl TranscriptLog {
    /// Opens (or creates) the transcript database beside the main database at `main_path`
    /// and starts its thread. Blocking.
    pub(crate) fn open(main_path: &Path) -> Result<TranscriptLog, StoreError> {
        let conn = transcripts::open(&transcripts::transcripts_path(main_path))?;
        Self::spawn(move || Ok(TranscriptDb::Sqlite(conn)))
    }

    /// Connects to PostgreSQL at `url` for the transcripts (creating their table if
    /// missing), on the transcript thread itself. Blocking, but safe to call from an async
    /// task.
    pub(crate) fn open_postgres(
        url: &str,
        fence: Option<Fence>,
    ) -> Result<TranscriptLog, StoreError> {
        let url = url.to_owned();
        Self::spawn(move || {
            Ok(TranscriptDb::Postgres(Box::new(PostgresTranscripts::open(
                &url, fence,
            )?)))
        })
    }

    fn spawn(
        open: impl FnOnce() -> Result<TranscriptDb, StoreError> + Send + 'static,
    ) -> Result<TranscriptLog, StoreError> {
        let (jobs, receiver) = mpsc::channel::<Job>();
        spawn_opening("switchboard-shell-log", open, move |db| run(db, &receiver))?;
        Ok(TranscriptLog {
            jobs,
            injected_failures: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The fault hook for tests: the next `count` appends fail without touching the
    /// database. Nothing in the server calls it.
    pub fn inject_failures(&self, count: u64) {
        self.injected_failures.store(count, Ordering::Release);
    }

    /// Makes `records` durable (one transaction with whatever else is queued).
    pub async fn append(&self, records: Vec<ShellRecord>) -> Result<(), StoreError> {
        let injected =
            self.injected_failures
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        if injected.is_ok() {
            return Err(StoreError::Injected);
        }
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Job::Append { records, done })
            .map_err(|_| StoreError::Closed)?;
        result.await.map_err(|_| StoreError::Closed)?
    }

    /// A session's records, oldest first (at most `MAX_RECORDS_READ` records and
    /// `MAX_BYTES_READ` bytes of data, `transcripts.rs`).
    pub async fn read(&self, session_id: SessionId) -> Result<Vec<ShellRecord>, StoreError> {
        self.read_within(session_id, ReadBounds::DEFAULT).await
    }

    /// [`TranscriptLog::read`] within other bounds (the tests' smaller ones).
    pub(crate) async fn read_within(
        &self,
        session_id: SessionId,
        bounds: ReadBounds,
    ) -> Result<Vec<ShellRecord>, StoreError> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Job::Read {
                session_id,
                bounds,
                done,
            })
            .map_err(|_| StoreError::Closed)?;
        result.await.map_err(|_| StoreError::Closed)?
    }
}

/// The thread: one job at a time; appends waiting behind each other go in one transaction.
fn run(mut db: TranscriptDb, receiver: &mpsc::Receiver<Job>) {
    let mut next = receiver.recv().ok();
    while let Some(job) = next.take() {
        match job {
            Job::Read {
                session_id,
                bounds,
                done,
            } => {
                let _ = done.send(db.read(session_id, bounds));
            }
            Job::Append { records, done } => {
                let mut group = vec![(records, done)];
                while group.len() < MAX_GROUP {
                    match receiver.try_recv() {
                        Ok(Job::Append { records, done }) => group.push((records, done)),
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                let all = group.iter().flat_map(|(records, _)| records.iter());
                match db.append(all) {
                    Ok(()) => {
                        for (_, done) in group {
                            let _ = done.send(Ok(()));
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not store a shell transcript");
                        // A lost lease says so to every caller (the relay stops); any
                        // other error is not cloneable and reads as a closed store.
                        let lease_lost = matches!(error, StoreError::LeaseLost);
                        for (_, done) in group {
                            let _ = done.send(Err(if lease_lost {
                                StoreError::LeaseLost
                            } else {
                                StoreError::Closed
                            }));
                        }
                    }
                }
            }
        }
        if next.is_none() {
            next = receiver.recv().ok();
        }
    }
    tracing::debug!("shell transcript thread stopped");
}
