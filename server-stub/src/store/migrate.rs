//! Schema migrations: the numbered `.sql` files of `server-stub/migrations/`, applied in
//! order inside one transaction and tracked with `PRAGMA user_version`.

use super::error::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// Every migration, in order: `MIGRATIONS[i]` brings the schema to version `i + 1`.
/// Append new files here; never edit or reorder a released one.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_contacts_and_files.sql"),
    include_str!("../../migrations/0003_buttons.sql"),
    include_str!("../../migrations/0004_jump_clients.sql"),
    include_str!("../../migrations/0005_session_facts.sql"),
];

/// The schema version this code writes.
pub(crate) fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Brings the schema up to date; refuses a database written by newer code.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let known = latest_version();
    // IMMEDIATE: take the write lock before reading the version, so two processes opening
    // the same new file cannot both apply the migrations.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    let Ok(applied) = usize::try_from(found) else {
        return Err(StoreError::BadVersion(found));
    };
    if applied == MIGRATIONS.len() {
        return Ok(());
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let version = index + 1;
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { version, source })?;
        tracing::info!(version, "applied database migration");
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(())
}
