//! Files shared in sessions: the bytes and what the chat needs to show them, in a database
//! file of their own beside the main one (`switchboard.db` → `switchboard-files.db`). This
//! is SQLite's; with PostgreSQL the same calls are in `postgres/files.rs`, and the files
//! thread (`file_store.rs`) holds whichever the server runs on.
//!
//! Why a second file: a file's bytes (up to `max_file_bytes`) written on the connection that
//! commits chat would hold its write lock, and every chat acknowledgement would wait behind
//! it. Here they have their own connection, thread and lock. The database runs with
//! `auto_vacuum = INCREMENTAL`, so the space of a deleted file is given back to the OS at
//! once (`incremental_vacuum`, then a truncating checkpoint of the WAL).
//!
//! Older servers kept the files in the main database's `files` table; [`move_from_main`]
//! carries them over on the first open and vacuums the main database once.

use super::connection::open_connection;
use super::error::StoreError;
use super::int::{from_sql, to_sql};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use switchboard_protocol::{Attachment, SessionId};

/// A stored file's description, read without its bytes (to check who may read it first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub session_id: SessionId,
    pub attachment: Attachment,
}

/// The WAL is cut back to this size after a checkpoint, so one large file does not leave
/// a large WAL behind for good.
const JOURNAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;

/// The files database's schema (`auto_vacuum` is set before it is created).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    id           TEXT    PRIMARY KEY,
    session_id   INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_session_id ON files (session_id);
";

/// The files database that goes with the main database at `main`: same folder, `-files`
/// added to the name (`data/switchboard.db` → `data/switchboard-files.db`).
pub(crate) fn files_path(main: &Path) -> PathBuf {
    sibling_path(main, "files")
}

/// A database file beside the main one, `-{part}` added to its name
/// (`data/switchboard.db` → `data/switchboard-{part}.db`).
pub(crate) fn sibling_path(main: &Path, part: &str) -> PathBuf {
    let stem = main
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match main.extension() {
        Some(ext) => format!("{stem}-{part}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{part}.db"),
    };
    main.with_file_name(name)
}

/// Opens (creating if needed) the files database with incremental auto-vacuum and its table.
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = open_connection(path)?;
    let mode: i64 = conn.pragma_query_value(None, "auto_vacuum", |row| row.get(0))?;
    // 2 = INCREMENTAL. Switching to WAL already wrote the file's header, so the setting
    // takes a VACUUM to apply: instant on a new file, and done once on any other.
    if mode != 2 {
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        conn.execute_batch("VACUUM")?;
    }
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Moves the files an older server kept in the main database into the files database, then
/// deletes them there and vacuums the main database once so their space is returned.
/// Safe to repeat after a crash half-way: rows already copied are skipped, then deleted.
/// Returns how many files were copied.
pub(crate) fn move_from_main(
    main: &mut Connection,
    files: &mut Connection,
) -> Result<usize, StoreError> {
    let has_table: bool = main
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'files'",
            [],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    if !has_table {
        return Ok(0);
    }
    let waiting: i64 = main.query_row("SELECT count(*) FROM files", [], |row| row.get(0))?;
    if waiting == 0 {
        return Ok(0);
    }
    let tx = files.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut moved = 0;
    {
        let mut read = main.prepare(
            "SELECT id, session_id, name, content_type, size, data, created_at FROM files",
        )?;
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO files (id, session_id, name, content_type, size, data, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        // One row in memory at a time: old databases may hold many large files.
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            moved += insert.execute(params![
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
                row.get_ref(5)?.as_blob().map_err(rusqlite::Error::from)?,
                row.get::<_, i64>(6)?,
            ])?;
        }
    }
    tx.commit()?;
    main.execute("DELETE FROM files", [])?;
    main.execute_batch("VACUUM")?;
    tracing::info!(moved, "files moved out of the main database");
    Ok(moved)
}

pub(crate) fn put(
    conn: &Connection,
    session_id: SessionId,
    attachment: &Attachment,
    data: &[u8],
    now: u64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO files (id, session_id, name, content_type, size, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        attachment.file_id,
        to_sql(session_id.0)?,
        attachment.name,
        attachment.content_type,
        to_sql(attachment.size)?,
        data,
        to_sql(now)?
    ])?;
    Ok(())
}

pub(crate) fn info(conn: &Connection, file_id: &str) -> Result<Option<FileInfo>, StoreError> {
    let row = conn
        .prepare_cached("SELECT session_id, name, content_type, size FROM files WHERE id = ?1")?
        .query_row(params![file_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    let Some((session_id, name, content_type, size)) = row else {
        return Ok(None);
    };
    Ok(Some(FileInfo {
        session_id: SessionId(from_sql("file session id", session_id)?),
        attachment: Attachment {
            file_id: file_id.to_owned(),
            name,
            size: from_sql("file size", size)?,
            content_type,
        },
    }))
}

pub(crate) fn data(conn: &Connection, file_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT data FROM files WHERE id = ?1")?
        .query_row(params![file_id], |row| row.get::<_, Vec<u8>>(0))
        .optional()?)
}

/// Removes a file whose chat entry could not be made (the session ended meanwhile), and
/// gives its space back: free pages are cut off the file and the WAL is truncated.
pub(crate) fn delete(conn: &Connection, file_id: &str) -> Result<(), StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM files WHERE id = ?1")?
        .execute(params![file_id])?;
    if deleted > 0 {
        reclaim(conn)?;
    }
    Ok(())
}

/// Returns free pages to the OS: `incremental_vacuum` moves them to the end and cuts them
/// off; a truncating checkpoint writes that to the database file and empties the WAL.
fn reclaim(conn: &Connection) -> Result<(), StoreError> {
    let mut vacuum = conn.prepare("PRAGMA incremental_vacuum")?;
    let mut rows = vacuum.raw_query();
    while rows.next()?.is_some() {}
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
    if busy != 0 {
        tracing::debug!("the files database's checkpoint was busy; the WAL shrinks later");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(id: &str, size: u64) -> Attachment {
        Attachment {
            file_id: id.to_owned(),
            name: format!("{id}.txt"),
            size,
            content_type: "text/plain; charset=utf-8".to_owned(),
        }
    }

    fn size_on_disk(path: &Path) -> u64 {
        let wal = path.with_file_name(format!(
            "{}-wal",
            path.file_name().unwrap().to_string_lossy()
        ));
        [path.to_path_buf(), wal]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// The files database sits beside the main one, `-files` added to its name.
    #[test]
    fn the_files_database_is_named_after_the_main_one() {
        assert_eq!(
            files_path(Path::new("data/switchboard.db")),
            Path::new("data/switchboard-files.db")
        );
        assert_eq!(
            files_path(Path::new("/tmp/state")),
            Path::new("/tmp/state-files.db")
        );
    }

    /// A deleted file's space goes back to the OS: the database and its WAL return to about
    /// their size before the file was stored.
    #[test]
    fn a_deleted_file_gives_its_space_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x-files.db");
        let conn = open(&path).unwrap();
        let mode: i64 = conn
            .pragma_query_value(None, "auto_vacuum", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, 2, "incremental auto-vacuum");
        put(&conn, SessionId(1), &attachment("small", 3), b"abc", 1).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let before = size_on_disk(&path);
        let big = vec![7u8; 3 * 1024 * 1024];
        put(&conn, SessionId(1), &attachment("big", 3 << 20), &big, 2).unwrap();
        assert!(size_on_disk(&path) > before + (2 << 20), "stored");
        assert_eq!(data(&conn, "big").unwrap().unwrap().len(), big.len());
        delete(&conn, "big").unwrap();
        let after = size_on_disk(&path);
        assert!(
            after <= before + 64 * 1024,
            "before {before} bytes, after {after} bytes"
        );
        assert_eq!(info(&conn, "big").unwrap(), None);
        assert_eq!(
            info(&conn, "small").unwrap().unwrap().attachment,
            attachment("small", 3)
        );
    }

    /// Files an older server kept in the main database move over once (twice is harmless)
    /// and leave the main database.
    #[test]
    fn old_files_move_out_of_the_main_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut main = open_connection(&dir.path().join("main.db")).unwrap();
        main.execute_batch(SCHEMA).unwrap();
        put(&main, SessionId(4), &attachment("old", 5), b"hello", 9).unwrap();
        let mut files = open(&dir.path().join("main-files.db")).unwrap();
        assert_eq!(move_from_main(&mut main, &mut files).unwrap(), 1);
        assert_eq!(data(&files, "old").unwrap().unwrap(), b"hello");
        assert_eq!(
            info(&files, "old").unwrap().unwrap().session_id,
            SessionId(4)
        );
        assert_eq!(info(&main, "old").unwrap(), None);
        // Crashed after copying, before deleting: the copy is skipped, the row deleted.
        put(&main, SessionId(4), &attachment("old", 5), b"hello", 9).unwrap();
        assert_eq!(move_from_main(&mut main, &mut files).unwrap(), 0);
        assert_eq!(info(&main, "old").unwrap(), None);
        assert_eq!(move_from_main(&mut main, &mut files).unwrap(), 0);
    }
}
