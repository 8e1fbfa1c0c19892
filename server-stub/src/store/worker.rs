//! The database thread: one OS thread owns the connection and runs jobs from a channel,
//! one at a time. Commits queued back to back are grouped into one transaction.

use super::batch::CommitBatch;
use super::error::StoreError;
use super::ops::{apply_batch, log_emails};
use rusqlite::Connection;
use std::sync::{Arc, mpsc};
use tokio::sync::oneshot;

/// At most this many queued commits are grouped into one transaction.
const MAX_GROUP: usize = 64;

/// A closure run on the database thread; it sends its own result back.
pub(crate) type Call = Box<dyn FnOnce(&mut Connection) + Send + 'static>;

/// One batch of ops to commit in a transaction, and where to send the outcome. The ops are
/// shared with the caller, who keeps them for a retry and for the chat JSON it delivers.
pub(crate) struct Batch {
    pub(crate) ops: Arc<CommitBatch>,
    pub(crate) reply: oneshot::Sender<Result<(), StoreError>>,
}

/// Work for the database thread.
pub(crate) enum Job {
    Commit(Batch),
    Call(Call),
}

/// Starts the database thread; it stops when every sender is dropped.
pub(crate) fn spawn(conn: Connection) -> Result<mpsc::Sender<Job>, StoreError> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("switchboard-store".to_owned())
        .spawn(move || run(conn, &receiver))
        .map_err(StoreError::Spawn)?;
    Ok(sender)
}

fn run(mut conn: Connection, receiver: &mpsc::Receiver<Job>) {
    let mut next: Option<Job> = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match receiver.recv() {
                Ok(job) => job,
                Err(mpsc::RecvError) => break,
            },
        };
        match job {
            Job::Call(call) => call(&mut conn),
            Job::Commit(first) => {
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match receiver.try_recv() {
                        Ok(Job::Commit(batch)) => group.push(batch),
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                commit_group(&mut conn, group);
            }
        }
    }
    tracing::debug!("database thread stopped");
}

/// Commits the batches in one transaction. If that fails, each batch is retried in its own
/// transaction, so a bad batch fails alone and every caller gets its own outcome.
pub(crate) fn commit_group(conn: &mut Connection, group: Vec<Batch>) {
    if group.len() > 1 {
        match commit_ops(conn, group.iter().map(|batch| &*batch.ops)) {
            Ok(()) => {
                for batch in group {
                    log_emails(batch.ops.ops());
                    // The caller may have stopped waiting; the batch is committed anyway.
                    let _ = batch.reply.send(Ok(()));
                }
                return;
            }
            Err(err) => {
                tracing::warn!(%err, batches = group.len(), "grouped commit failed; retrying batch by batch");
            }
        }
    }
    for batch in group {
        let outcome = commit_ops(conn, std::iter::once(&*batch.ops));
        if outcome.is_ok() {
            log_emails(batch.ops.ops());
        }
        let _ = batch.reply.send(outcome);
    }
}

/// BEGIN IMMEDIATE, the batches, COMMIT; ROLLBACK if any of it fails. The two statements
/// are prepared once and cached: `Connection::transaction` parses them with
/// `execute_batch` on every commit, which at one small commit per chat message was a
/// visible share of the store thread's work.
fn commit_ops<'a>(
    conn: &mut Connection,
    batches: impl Iterator<Item = &'a CommitBatch>,
) -> Result<(), StoreError> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    let applied = apply_and_commit(conn, batches);
    if applied.is_err() && !conn.is_autocommit() {
        // As `Transaction`'s drop does; a failed rollback leaves nothing more to do here,
        // and the next BEGIN reports a connection that is still in a transaction.
        if let Err(error) = conn
            .prepare_cached("ROLLBACK")
            .and_then(|mut rollback| rollback.execute([]))
        {
            tracing::error!(%error, "could not roll back a failed commit");
        }
    }
    applied
}

fn apply_and_commit<'a>(
    conn: &Connection,
    batches: impl Iterator<Item = &'a CommitBatch>,
) -> Result<(), StoreError> {
    for batch in batches {
        apply_batch(conn, batch)?;
    }
    conn.prepare_cached("COMMIT")?.execute([])?;
    Ok(())
}
