//! The database thread: one OS thread owns the [`Engine`] and runs jobs from a channel,
//! one at a time. Commits queued back to back are grouped into one transaction; this
//! policy (grouping, retrying batch by batch, logging emails once committed) is the same
//! for every engine, so it lives here and not in them.

use super::batch::CommitBatch;
use super::engine::Engine;
use super::error::StoreError;
use super::ops::log_emails;
use super::restore::Restored;
use std::sync::{Arc, mpsc};
use tokio::sync::oneshot;

/// At most this many queued commits are grouped into one transaction.
const MAX_GROUP: usize = 64;

/// A closure run on the database thread; it sends its own result back.
pub(crate) type Call = Box<dyn FnOnce(&mut dyn Engine) + Send + 'static>;

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
pub(crate) fn spawn(engine: Box<dyn Engine>) -> Result<mpsc::Sender<Job>, StoreError> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("switchboard-store".to_owned())
        .spawn(move || run(engine, &receiver))
        .map_err(StoreError::Spawn)?;
    Ok(sender)
}

/// Starts the database thread and has it open its engine first (connect, migrate,
/// restore), so an engine that must not be used from an async runtime (PostgreSQL's
/// blocking client) lives on this one thread from start to end; waits for the opening.
pub(crate) fn spawn_opening<F>(open: F) -> Result<(mpsc::Sender<Job>, Restored), StoreError>
where
    F: FnOnce() -> Result<(Box<dyn Engine>, Restored), StoreError> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel();
    let (opened, opening) = mpsc::sync_channel(1);
    // Opening logs (corrupt rows skipped, migrations applied) go where the caller's go.
    let dispatch = tracing::dispatcher::get_default(|dispatch| dispatch.clone());
    std::thread::Builder::new()
        .name("switchboard-store".to_owned())
        .spawn(
            move || match tracing::dispatcher::with_default(&dispatch, open) {
                Ok((engine, restored)) => {
                    if opened.send(Ok(restored)).is_ok() {
                        run(engine, &receiver);
                    }
                }
                Err(error) => {
                    let _ = opened.send(Err(error));
                }
            },
        )
        .map_err(StoreError::Spawn)?;
    let restored = opening.recv().map_err(|_| StoreError::Closed)??;
    Ok((sender, restored))
}

fn run(mut engine: Box<dyn Engine>, receiver: &mpsc::Receiver<Job>) {
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
            Job::Call(call) => call(engine.as_mut()),
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
                commit_group(engine.as_mut(), group);
            }
        }
    }
    tracing::debug!("database thread stopped");
}

/// Commits the batches in one transaction. If that fails, each batch is retried in its own
/// transaction, so a bad batch fails alone and every caller gets its own outcome. A lost
/// lease is not retried: no batch can commit without it, so every caller learns at once.
pub(crate) fn commit_group(engine: &mut dyn Engine, group: Vec<Batch>) {
    if group.len() > 1 {
        let all: Vec<&CommitBatch> = group.iter().map(|batch| &*batch.ops).collect();
        match engine.commit(&all) {
            Ok(()) => {
                for batch in group {
                    log_emails(batch.ops.ops());
                    // The caller may have stopped waiting; the batch is committed anyway.
                    let _ = batch.reply.send(Ok(()));
                }
                return;
            }
            Err(StoreError::LeaseLost) => {
                for batch in group {
                    let _ = batch.reply.send(Err(StoreError::LeaseLost));
                }
                return;
            }
            Err(err) => {
                tracing::warn!(%err, batches = group.len(), "grouped commit failed; retrying batch by batch");
            }
        }
    }
    for batch in group {
        let outcome = engine.commit(&[&*batch.ops]);
        if outcome.is_ok() {
            log_emails(batch.ops.ops());
        }
        let _ = batch.reply.send(outcome);
    }
}
