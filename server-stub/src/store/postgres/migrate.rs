//! PostgreSQL's schema migrations: the same numbered list as SQLite's (`store/migrate.rs`),
//! each file's PostgreSQL twin from `server-stub/migrations/postgres/`, tracked in the
//! `schema_version` table. All of it runs in one transaction under
//! `pg_advisory_xact_lock(7304)`, so two servers starting together on a new database
//! cannot both migrate: the second waits, then finds the schema current.

use super::super::error::StoreError;
use super::super::migrate::latest_version;
use postgres::Client;

/// The advisory lock key the migrations hold (the lease uses 7305).
pub(super) const MIGRATION_LOCK: i64 = 7304;

/// Every migration, in order: `MIGRATIONS[i]` brings the schema to version `i + 1`, the
/// same version as SQLite's file of the same number. Append here when SQLite's list grows.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_initial.sql"),
    include_str!("../../../migrations/postgres/0002_contacts_and_files.sql"),
    include_str!("../../../migrations/postgres/0003_buttons.sql"),
    include_str!("../../../migrations/postgres/0004_jump_clients.sql"),
    include_str!("../../../migrations/postgres/0005_session_facts.sql"),
];

// The two engines must agree on what each version number means.
const _: () = assert!(MIGRATIONS.len() == super::super::migrate::MIGRATIONS.len());

/// Brings the schema up to date; refuses a database written by newer code.
pub(crate) fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let known = latest_version();
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             id      INTEGER PRIMARY KEY CHECK (id = 1),
             version BIGINT  NOT NULL
         );
         INSERT INTO schema_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;",
    )?;
    let found: i64 = tx
        .query_one("SELECT version FROM schema_version WHERE id = 1", &[])?
        .try_get(0)?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    let Ok(applied) = usize::try_from(found) else {
        return Err(StoreError::BadVersion(found));
    };
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let version = index + 1;
        tx.batch_execute(sql)
            .map_err(|source| StoreError::PostgresMigration { version, source })?;
        tracing::info!(version, "applied PostgreSQL database migration");
    }
    if applied < MIGRATIONS.len() {
        tx.execute(
            "UPDATE schema_version SET version = $1 WHERE id = 1",
            &[&known],
        )?;
    }
    tx.commit()?;
    Ok(())
}
