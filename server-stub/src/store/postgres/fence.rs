//! Every PostgreSQL write goes through [`write_transaction`]: one transaction that, for a
//! fenced server, first checks the lease and only then writes. Commits, login tokens, the
//! outbox's "sent" marks, shared files and shell transcripts all use it, on whichever
//! connection they own, so a server that lost the lease (paused, cut off, slow) can write
//! nothing at all, not only no chat.
//!
//! The check (the contract with `server/lease.rs`, which creates and renews the row) locks
//! the lease row `FOR SHARE` until the transaction ends: a standby's takeover (an UPDATE of
//! that row) waits for a write already past the check, and every write after the takeover
//! finds another token and fails with [`StoreError::LeaseLost`], rolled back, nothing
//! stored. Reads are not fenced: a stale read harms nobody, a stale write could.

use super::super::database::Fence;
use super::super::error::StoreError;
use super::statements::{Cached, Statements};
use postgres::{Client, Transaction};

/// The lease check, first statement of every fenced write transaction.
const FENCE_CHECK: &str = "SELECT 1 FROM switchboard_lease
     WHERE id = 1 AND token = $1 AND expires_at > clock_timestamp() FOR SHARE";

/// Runs `write` in one transaction on `client`, committed before this returns `Ok`. With
/// `fence`, the transaction first checks that this server still holds the lease: if not,
/// it rolls back and fails with [`StoreError::LeaseLost`] before `write` runs. Any error
/// of `write` rolls everything back too.
pub(crate) fn write_transaction<T>(
    client: &mut Client,
    statements: &mut Statements,
    fence: Option<Fence>,
    write: impl FnOnce(&mut Cached<'_, Transaction<'_>>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tx = client.transaction()?;
    let mut db = Cached {
        client: &mut tx,
        statements,
    };
    if let Some(fence) = fence
        && db.query_opt(FENCE_CHECK, &[&fence.token])?.is_none()
    {
        // Dropping the transaction would roll back too; this says when it cannot.
        if let Err(error) = tx.rollback() {
            tracing::warn!(%error, "could not roll back after losing the lease");
        }
        return Err(StoreError::LeaseLost);
    }
    let value = write(&mut db)?;
    tx.commit()?;
    Ok(value)
}
