//! The email outbox: emails written by `StoreOp::Email`, waiting for a mailer.

use super::error::StoreError;
use super::int::{from_sql, to_sql};
use rusqlite::{Connection, params};

/// An email waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: i64,
    pub rep: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: u64,
}

/// The emails not yet sent, oldest first.
pub(crate) fn unsent(conn: &Connection) -> Result<Vec<OutboxEmail>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, rep, to_addr, subject, body, created_at FROM outbox
         WHERE sent_at IS NULL ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut emails = Vec::new();
    while let Some(row) = rows.next()? {
        emails.push(OutboxEmail {
            id: row.get(0)?,
            rep: row.get(1)?,
            to: row.get(2)?,
            subject: row.get(3)?,
            body: row.get(4)?,
            created_at: from_sql("outbox.created_at", row.get(5)?)?,
        });
    }
    Ok(emails)
}

/// Marks an email sent, so [`unsent`] no longer returns it. Returns whether it existed.
pub(crate) fn mark_sent(conn: &Connection, id: i64, now: u64) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached("UPDATE outbox SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL")?
        .execute(params![id, to_sql(now)?])?;
    Ok(changed > 0)
}
