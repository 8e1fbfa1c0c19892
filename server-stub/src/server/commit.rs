//! The one policy for a batch that cannot be stored: nothing from it reaches anyone.
//!
//! Durable before acknowledged *and before delivered* (docs/ARCHITECTURE.md, principle 4):
//! the core commits each batch before it sends any reply or event the batch produced. When
//! the commit fails, it is retried a few times (a full disk being cleared, a lock held
//! too long); if it still fails, the server stops instead of going on with a router whose
//! state is ahead of the database. Nothing of the failed batch is sent; every connection
//! is closed; a restart rebuilds the router from the last durable state, and consoles and
//! customers resume from there (what they never got an `ok` for, they send again).

use crate::store::{CommitBatch, Store};
use std::sync::Arc;
use std::time::Duration;

/// Attempts at committing one batch before the server stops.
pub const COMMIT_ATTEMPTS: usize = 3;
/// The pause before each retry.
const RETRY_PAUSES: [Duration; COMMIT_ATTEMPTS - 1] =
    [Duration::from_millis(50), Duration::from_millis(250)];

/// Why the server stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailStop {
    pub reason: String,
}

/// Commits `ops`, retrying per the policy; `Err` means the server must stop now. The batch
/// is shared with the store thread, so an attempt copies no op.
pub async fn commit_or_stop(store: &Store, ops: &Arc<CommitBatch>) -> Result<(), FailStop> {
    let mut last_error = String::new();
    for attempt in 0..COMMIT_ATTEMPTS {
        if let Some(pause) = attempt.checked_sub(1).and_then(|i| RETRY_PAUSES.get(i)) {
            tokio::time::sleep(*pause).await;
        }
        let started = std::time::Instant::now();
        match store.commit_batch(Arc::clone(ops)).await {
            Ok(()) => {
                store.metrics().committed(ops.ops(), started.elapsed());
                return Ok(());
            }
            Err(error) => {
                tracing::error!(%error, attempt = attempt + 1, "could not store a batch of changes");
                last_error = error.to_string();
            }
        }
    }
    Err(FailStop {
        reason: format!(
            "a batch of changes could not be stored after {COMMIT_ATTEMPTS} attempts ({last_error}); \
             stopping so that nothing unstored is delivered. Restart to resume from the database."
        ),
    })
}
