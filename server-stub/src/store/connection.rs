//! Opening the SQLite connection with the pragmas the server relies on.
//!
//! Durability: the database runs in WAL mode. By default with `synchronous=NORMAL`: a
//! committed transaction survives the process crashing or being killed (`kill -9`
//! included), because the WAL is written before `commit` returns; on a power loss or OS
//! crash the last few commits may be lost (the WAL is not fsynced on every commit), but the
//! database stays consistent. [`Durability::Full`] (`synchronous=FULL`, `--durability
//! full`) fsyncs the WAL on every commit, so a commit also survives a power loss, at the
//! cost of one fsync per batch (see the README's benchmark for what that costs).

use super::error::StoreError;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// What a commit survives: see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `synchronous=NORMAL`: survives a crash or `kill -9`, not a power loss.
    #[default]
    Normal,
    /// `synchronous=FULL`: also survives a power loss or OS crash.
    Full,
}

impl Durability {
    pub fn as_str(self) -> &'static str {
        match self {
            Durability::Normal => "normal",
            Durability::Full => "full",
        }
    }
}

/// Sets the commit durability of a connection opened by [`open_connection`].
pub(crate) fn apply_durability(
    conn: &Connection,
    durability: Durability,
) -> Result<(), StoreError> {
    let level = match durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", level)?;
    Ok(())
}

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
