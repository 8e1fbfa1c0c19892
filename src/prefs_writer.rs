//! Writes preferences off the UI thread: the app hands over a copy after each change; a
//! small thread saves the newest one (skipping any superseded before it got to them).

use crate::prefs::{Prefs, PrefsStore};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

enum Job {
    Save(Box<Prefs>),
    /// Answered once everything before it is on disk.
    Flush(Arc<(Mutex<bool>, Condvar)>),
}

/// The handle; dropping it lets the thread finish what was queued and stop.
pub struct PrefsWriter {
    jobs: Sender<Job>,
}

impl PrefsWriter {
    pub fn spawn(store: PrefsStore) -> PrefsWriter {
        let (jobs, queue) = channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("prefs-writer".to_owned())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    // Only the newest of several queued saves matters.
                    let mut newest = None;
                    let mut flushes = Vec::new();
                    let mut next = Some(job);
                    while let Some(job) = next {
                        match job {
                            Job::Save(prefs) => newest = Some(prefs),
                            Job::Flush(done) => flushes.push(done),
                        }
                        next = queue.try_recv().ok();
                    }
                    if let Some(prefs) = newest
                        && let Err(error) = store.save(&prefs)
                    {
                        tracing::warn!(%error, path = %store.path().display(), "could not save preferences");
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
            tracing::warn!(%error, "no thread to save preferences; changes will not be kept");
        }
        PrefsWriter { jobs }
    }

    pub fn save(&self, prefs: Prefs) {
        let _ = self.jobs.send(Job::Save(Box::new(prefs)));
    }

    /// Blocks until every save queued so far is written (exit, tests).
    pub fn flush(&self) {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        if self.jobs.send(Job::Flush(done.clone())).is_err() {
            return;
        }
        let (flag, signal) = &*done;
        let Ok(mut finished) = flag.lock() else {
            return;
        };
        while !*finished {
            match signal.wait_timeout(finished, std::time::Duration::from_secs(5)) {
                Ok((guard, timeout)) => {
                    finished = guard;
                    if timeout.timed_out() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    }
}
