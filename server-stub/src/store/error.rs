//! `StoreError`: everything that can go wrong opening or using the database.

use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not create the database directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the database has schema version {found}, but this server knows versions up to {known}: \
         it was written by a newer Switchboard server; run that version or use another database file"
    )]
    TooNew { found: i64, known: i64 },
    #[error("the database has an invalid schema version {0} (not a Switchboard database?)")]
    BadVersion(i64),
    #[error("database migration {version} failed: {source}")]
    Migration {
        version: usize,
        source: rusqlite::Error,
    },
    #[error("row {id} of table `{table}` is corrupt: {message}")]
    Corrupt {
        table: &'static str,
        id: i64,
        message: String,
    },
    #[error("could not connect to PostgreSQL: {0}")]
    PostgresConnect(crate::pg_connect::ConnectError),
    #[error("PostgreSQL database migration {version} failed: {source}")]
    PostgresMigration {
        version: usize,
        source: postgres::Error,
    },
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] postgres::Error),
    /// A fenced commit found that another server took the lease (or it expired): this
    /// server must not write anything more. Nothing of the batch was stored.
    #[error("this server no longer holds the lease: another server is active")]
    LeaseLost,
    #[error("the number {0} does not fit in an SQLite integer")]
    TooLarge(u64),
    #[error("a negative number {value} is stored as {what}")]
    Negative { what: &'static str, value: i64 },
    #[error("could not encode a record as JSON: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not start the database thread: {0}")]
    Spawn(std::io::Error),
    #[error("the database thread has stopped")]
    Closed,
    /// A failure asked for by [`crate::store::Store::inject_commit_failures`] (tests).
    #[error("an injected commit failure (test fault hook)")]
    Injected,
}
