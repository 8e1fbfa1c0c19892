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

/// The rep of a token that exists and has not expired (`expires_at > now`), and when it
/// expires.
pub(crate) fn rep(
    conn: &Connection,
    hash: &str,
    now: u64,
) -> Result<Option<(String, u64)>, StoreError> {
    let row: Option<(String, i64)> = conn
        .prepare_cached("SELECT rep, expires_at FROM tokens WHERE hash = ?1 AND expires_at > ?2")?
        .query_row(params![hash, to_sql(now)?], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    row.map(|(rep, expires_at)| Ok((rep, super::int::from_sql("tokens.expires_at", expires_at)?)))
        .transpose()
}

/// Deletes a token (logout); returns whether it was a live one (known, not expired).
pub(crate) fn delete(conn: &Connection, hash: &str, now: u64) -> Result<bool, StoreError> {
    let live = conn
        .prepare_cached("DELETE FROM tokens WHERE hash = ?1 AND expires_at > ?2")?
        .execute(params![hash, to_sql(now)?])?;
    conn.prepare_cached("DELETE FROM tokens WHERE hash = ?1")?
        .execute(params![hash])?;
    Ok(live > 0)
}

/// Deletes every expired token; returns how many.
pub(crate) fn purge_expired(conn: &Connection, now: u64) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM tokens WHERE expires_at <= ?1")?
        .execute(params![to_sql(now)?])?)
}
