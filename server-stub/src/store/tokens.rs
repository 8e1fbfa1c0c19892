//! Rep login tokens, stored by hash with an expiry.

use super::error::StoreError;
use super::int::to_sql;
use rusqlite::{Connection, OptionalExtension, params};

/// Stores (or replaces) a token hash for `rep`.
pub(crate) fn put(
    conn: &Connection,
    hash: &str,
    rep: &str,
    expires_at: u64,
    now: u64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO tokens (hash, rep, expires_at, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![hash, rep, to_sql(expires_at)?, to_sql(now)?])?;
    Ok(())
}

/// The rep of a token that exists and has not expired (`expires_at > now`).
pub(crate) fn rep(conn: &Connection, hash: &str, now: u64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT rep FROM tokens WHERE hash = ?1 AND expires_at > ?2")?
        .query_row(params![hash, to_sql(now)?], |row| row.get(0))
        .optional()?)
}

/// Deletes a token (logout); deleting an unknown token is not an error.
pub(crate) fn delete(conn: &Connection, hash: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM tokens WHERE hash = ?1")?
        .execute(params![hash])?;
    Ok(())
}

/// Deletes every expired token; returns how many.
pub(crate) fn purge_expired(conn: &Connection, now: u64) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM tokens WHERE expires_at <= ?1")?
        .execute(params![to_sql(now)?])?)
}
