//! Opening the SQLite connection with the pragmas the server relies on.
//!
//! Durability: the database runs in WAL mode with `synchronous=NORMAL`. A committed
//! transaction survives the process crashing or being killed (`kill -9` included), because
//! the WAL is written before `commit` returns. On a power loss or OS crash the last few
//! commits may be lost (the WAL is not fsynced on every commit), but the database stays
//! consistent.

use super::error::StoreError;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// How long a statement waits for a lock held by another connection before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed) the database at `path`, its parent directories included.
pub(crate) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), %mode, "SQLite refused WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}
