//! The PostgreSQL tables of shared files' bytes (`files`) and shell transcripts
//! (`shell_records`): the same columns as SQLite's side files (`store/files.rs`,
//! `store/transcripts.rs`), created idempotently when the side stores open.
//!
//! Why not PostgreSQL migration 0006: the two engines' migration lists must stay the same
//! length (`migrate.rs` checks it at compile time), so 0006 would need an SQLite twin that
//! does nothing (SQLite keeps these tables in their own files). That empty step would still
//! raise every SQLite database's schema version, and an older server would then refuse the
//! file ("written by a newer Switchboard server") for no change at all. `CREATE ... IF NOT
//! EXISTS` in one transaction under the migrations' advisory lock (7304) gives the same
//! safety here: two servers starting together cannot race the DDL, and it never runs
//! half-applied. A later change to these tables would become a real migration of both
//! engines.

use super::super::error::StoreError;
use super::migrate::MIGRATION_LOCK;
use postgres::Client;

/// Both side tables and their indexes. `data` is `BYTEA`: its hard limit is 1 GB a value,
/// far above what reaches it (`max_file_bytes` is at most 100 MiB, config.rs; a transcript
/// record is one relay frame).
const SIDE_TABLES: &str = "
CREATE TABLE IF NOT EXISTS files (
    id           TEXT   PRIMARY KEY,
    session_id   BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA  NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_session_id ON files (session_id);
CREATE TABLE IF NOT EXISTS shell_records (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL,
    grant_id   BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    rep        TEXT,
    data       BYTEA,
    a          BIGINT,
    b          BIGINT
);
CREATE INDEX IF NOT EXISTS shell_records_session ON shell_records (session_id, id);
";

/// Creates the side tables if they are missing, in one transaction under the migration
/// lock (a server migrating the main schema at the same time is waited for, and so is
/// another server creating these).
pub(crate) fn create(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    // IF NOT EXISTS on a table that exists only notes it; silence that note.
    tx.batch_execute("SET LOCAL client_min_messages = warning")?;
    tx.batch_execute(SIDE_TABLES)?;
    tx.commit()?;
    Ok(())
}
