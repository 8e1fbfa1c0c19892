//! The transcript database's thread and its async handle. Appends queued back to back share
//! one transaction (group commit), so a shell pouring out output costs one commit per batch,
//! not per chunk; each caller still learns whether its own records are durable, and the
//! relay passes nothing on before they are.

use super::error::StoreError;
use super::transcripts::{self, ShellRecord};
use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use switchboard_protocol::SessionId;
use tokio::sync::oneshot;

/// Appends taken into one transaction at most.
const MAX_GROUP: usize = 256;

enum Job {
    Append {
        records: Vec<ShellRecord>,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    Read {
        session_id: SessionId,
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
        let (jobs, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("switchboard-shell-log".to_owned())
            .spawn(move || run(conn, receiver))
            .map_err(StoreError::Spawn)?;
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

    /// A session's records, oldest first.
    pub async fn read(&self, session_id: SessionId) -> Result<Vec<ShellRecord>, StoreError> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Job::Read { session_id, done })
            .map_err(|_| StoreError::Closed)?;
        result.await.map_err(|_| StoreError::Closed)?
    }
}

/// The thread: one job at a time; appends waiting behind each other go in one transaction.
fn run(mut conn: Connection, receiver: mpsc::Receiver<Job>) {
    let mut next = receiver.recv().ok();
    while let Some(job) = next.take() {
        match job {
            Job::Read { session_id, done } => {
                let _ = done.send(transcripts::read(&conn, session_id));
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
                match transcripts::append(&mut conn, all) {
                    Ok(()) => {
                        for (_, done) in group {
                            let _ = done.send(Ok(()));
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not store a shell transcript");
                        for (_, done) in group {
                            let _ = done.send(Err(StoreError::Closed));
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
