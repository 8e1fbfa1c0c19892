//! The one policy for a batch that cannot be stored: nothing from it reaches anyone.
//!
//! Durable before acknowledged *and before delivered* (docs/ARCHITECTURE.md, principle 4):
//! the core commits each batch before it sends any reply or event the batch produced. When
//! the commit fails, it is retried a few times (a full disk being cleared, a lock held
//! too long); if it still fails, the server stops instead of going on with a router whose
//! state is ahead of the database. Nothing of the failed batch is sent; every connection
//! is closed; a restart rebuilds the router from the last durable state, and consoles and
//! customers resume from there (what they never got an `ok` for, they send again).
//!
//! With a lease (PostgreSQL and standbys, `server/lease.rs`), the same policy covers a
//! server that is no longer the active one: after every commit and before anything is
//! delivered, the core asks [`lease_still_held`]; once the lease's local guard has passed
//! (a renew went unanswered, another server took over, the process was paused), the server
//! stops without sending anything of the batch. A commit the store refuses because the
//! lease is gone (the fence) stops it at once, without retries.

use super::lease::LeaseGuard;
use crate::store::{CommitBatch, Store, StoreError};
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
            // The fence: another server holds the lease; a retry cannot help.
            Err(StoreError::LeaseLost) => {
                return Err(FailStop {
                    reason: LOST_THE_LEASE.to_owned(),
                });
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

/// What a server that is no longer the active one says when it stops (main prints it;
/// the failover tests and operators look for `lost the lease`).
pub const LOST_THE_LEASE: &str = "lost the lease: another server may be active now; \
     stopping so that nothing is delivered without it. Restart to come back as a standby.";

/// Whether the server may still deliver what it just committed: always without a lease;
/// with one, only while its guard holds. `Err` means the server must stop now.
pub fn lease_still_held(lease: Option<&LeaseGuard>) -> Result<(), FailStop> {
    match lease {
        Some(guard) if !guard.held_now() => Err(FailStop {
            reason: LOST_THE_LEASE.to_owned(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::lease::LeaseTiming;
    use std::time::Instant;

    #[test]
    fn without_a_lease_delivery_is_always_allowed() {
        assert_eq!(lease_still_held(None), Ok(()));
    }

    #[test]
    fn a_held_lease_allows_delivery_and_a_lapsed_or_revoked_one_stops() {
        let guard = LeaseGuard::new(Instant::now(), LeaseTiming::default());
        let stop = lease_still_held(Some(&guard)).unwrap_err();
        assert!(stop.reason.contains("lost the lease"), "{}", stop.reason);
        guard.extend(Instant::now());
        assert_eq!(lease_still_held(Some(&guard)), Ok(()));
        guard.revoke();
        assert!(lease_still_held(Some(&guard)).is_err());
    }
}
