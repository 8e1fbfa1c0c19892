//! The database thread: one OS thread owns the connection and runs jobs from a channel,
//! one at a time. Commits queued back to back are grouped into one transaction.

use super::error::StoreError;
use super::ops::{apply_all, log_emails};
use crate::router::effects::StoreOp;
use rusqlite::{Connection, TransactionBehavior};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// At most this many queued commits are grouped into one transaction.
const MAX_GROUP: usize = 64;

/// A closure run on the database thread; it sends its own result back.
pub(crate) type Call = Box<dyn FnOnce(&mut Connection) + Send + 'static>;

/// One batch of ops to commit in a transaction, and where to send the outcome.
pub(crate) struct Batch {
    pub(crate) ops: Vec<StoreOp>,
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
        match commit_ops(conn, group.iter().map(|batch| batch.ops.as_slice())) {
            Ok(()) => {
                for batch in group {
                    log_emails(&batch.ops);
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
        let outcome = commit_ops(conn, std::iter::once(batch.ops.as_slice()));
        if outcome.is_ok() {
            log_emails(&batch.ops);
        }
        let _ = batch.reply.send(outcome);
    }
}

fn commit_ops<'a>(
    conn: &mut Connection,
    batches: impl Iterator<Item = &'a [StoreOp]>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for ops in batches {
        apply_all(&tx, ops)?;
    }
    tx.commit()?;
    Ok(())
}
