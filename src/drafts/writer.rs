//! Writes drafts off the UI thread: the app hands over a store and its drafts when the
//! book says a save is due; a small thread writes the newest set per file (skipping any
//! superseded before it got to them), so typing never waits on the disk.

use super::book::Draft;
use super::store::DraftStore;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long [`DraftWriter::flush`] waits for the disk at most (exit must not hang).
const FLUSH_WAIT: Duration = Duration::from_secs(5);

enum Job {
    Save(DraftStore, Vec<Draft>),
    /// Answered once everything before it is on disk.
    Flush(Arc<(Mutex<bool>, Condvar)>),
}

/// The handle; dropping it lets the thread finish what was queued and stop.
pub struct DraftWriter {
    jobs: Sender<Job>,
}

impl DraftWriter {
    pub fn spawn() -> DraftWriter {
        let (jobs, queue) = channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("drafts-writer".to_owned())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    // Only the newest set of each file matters, in the order first asked.
                    let mut newest: Vec<(DraftStore, Vec<Draft>)> = Vec::new();
                    let mut flushes = Vec::new();
                    let mut next = Some(job);
                    while let Some(job) = next {
                        match job {
                            Job::Save(store, drafts) => {
                                match newest.iter_mut().find(|(s, _)| *s == store) {
                                    Some(slot) => slot.1 = drafts,
                                    None => newest.push((store, drafts)),
                                }
                            }
                            Job::Flush(done) => flushes.push(done),
                        }
                        next = queue.try_recv().ok();
                    }
                    for (store, drafts) in newest {
                        if let Err(error) = store.save(&drafts) {
                            tracing::warn!(%error, path = %store.path().display(), "could not save drafts");
                        }
                    }
                    for done in flushes {
                        let (flag, signal) = &*done;
                        if let Ok(mut finished) = flag.lock() {
                            *finished = true;
                            signal.notify_all();
                        }
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "no thread to save drafts; unsent text will not be kept");
        }
        DraftWriter { jobs }
    }

    /// Queues `drafts` to replace what `store` holds.
    pub fn save(&self, store: DraftStore, drafts: Vec<Draft>) {
        // No thread (it could not start): nothing is kept, as warned at spawn.
        let _ = self.jobs.send(Job::Save(store, drafts));
    }

    /// Blocks until every save queued so far is written, or [`FLUSH_WAIT`] (exit, tests).
    pub fn flush(&self) {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        if self.jobs.send(Job::Flush(done.clone())).is_err() {
            return;
        }
        let (flag, signal) = &*done;
        let Ok(finished) = flag.lock() else {
            return;
        };
        // Poisoned or timed out: give up waiting; the writes go on without us.
        let _ = signal.wait_timeout_while(finished, FLUSH_WAIT, |finished| !*finished);
    }
}
