//! Shell transcripts: everything that crossed a shell socket (docs/PROTOCOL.md §11, "Shell"),
//! written before the relay passes it on. With SQLite, in a database file of its own beside
//! the main one (`switchboard.db` → `switchboard-shell.db`); with PostgreSQL, in its
//! `shell_records` table on a connection of its own (`postgres/transcripts.rs`). How a
//! record maps to columns and back ([`Columns`], [`StoredRow`]) and the read bounds are
//! here, shared by both.
//!
//! Why a file (or connection) of its own: a shell pouring out output commits often, and on
//! the main connection those commits would queue with the chat's. Rep names are not stored:
//! they come from the configuration when the transcript is read.

use super::connection::open_connection;
use super::error::StoreError;
use super::int::{from_sql, to_sql};
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use switchboard_protocol::{GrantId, RepId, SessionId, UnixMillis};

/// The transcript database's schema.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS shell_records (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    grant_id   INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    rep        TEXT,
    data       BLOB,
    a          INTEGER,
    b          INTEGER
);
CREATE INDEX IF NOT EXISTS shell_records_session ON shell_records (session_id, id);
";

/// The most records one read returns (oldest first); a longer transcript is cut at its end.
pub const MAX_RECORDS_READ: usize = 200_000;

/// The most bytes of input and output one read returns: a session of many shells (each
/// keeps up to 16 MiB of output) is cut there rather than answered with a body of any size.
pub const MAX_BYTES_READ: usize = 64 * 1024 * 1024;

/// One thing that happened on a shell, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellRecord {
    pub session_id: SessionId,
    pub grant_id: GrantId,
    pub at: UnixMillis,
    pub what: ShellEvent,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellEvent {
    /// The customer's shell socket attached; `rep` has the shell.
    Started { rep: RepId },
    /// `rep` typed or pasted `data`.
    Input { rep: RepId, data: Vec<u8> },
    /// The shell printed `data`.
    Output { data: Vec<u8> },
    /// Output past the per-shell cap: only its length is kept.
    Omitted { bytes: u64 },
    /// `rep` resized the terminal.
    Resized { rep: RepId, cols: u16, rows: u16 },
    /// The shell exited.
    Exited { code: i32 },
}

/// The transcript database that goes with the main database at `main`
/// (`data/switchboard.db` → `data/switchboard-shell.db`).
pub(crate) fn transcripts_path(main: &Path) -> PathBuf {
    super::files::sibling_path(main, "shell")
}

/// Opens (creating if needed) the transcript database and its table.
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = open_connection(path)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// One record's columns as both engines store them: kind, rep, data, a, b.
pub(crate) struct Columns<'a> {
    pub(crate) kind: &'static str,
    pub(crate) rep: Option<&'a str>,
    pub(crate) data: Option<&'a [u8]>,
    pub(crate) a: Option<i64>,
    pub(crate) b: Option<i64>,
}

impl<'a> Columns<'a> {
    /// The columns of `what`.
    pub(crate) fn of(what: &'a ShellEvent) -> Result<Columns<'a>, StoreError> {
        let columns = |kind, rep: Option<&'a RepId>, data: Option<&'a Vec<u8>>, a, b| Columns {
            kind,
            rep: rep.map(RepId::as_str),
            data: data.map(Vec::as_slice),
            a,
            b,
        };
        Ok(match what {
            ShellEvent::Started { rep } => columns("started", Some(rep), None, None, None),
            ShellEvent::Input { rep, data } => columns("input", Some(rep), Some(data), None, None),
            ShellEvent::Output { data } => columns("output", None, Some(data), None, None),
            ShellEvent::Omitted { bytes } => {
                columns("omitted", None, None, Some(to_sql(*bytes)?), None)
            }
            ShellEvent::Resized { rep, cols, rows } => columns(
                "resized",
                Some(rep),
                None,
                Some(i64::from(*cols)),
                Some(i64::from(*rows)),
            ),
            ShellEvent::Exited { code } => {
                columns("exited", None, None, Some(i64::from(*code)), None)
            }
        })
    }
}

/// One stored row as both engines read it back (`id` only to name a corrupt row).
pub(crate) struct StoredRow {
    pub(crate) id: i64,
    pub(crate) grant_id: i64,
    pub(crate) at: i64,
    pub(crate) kind: String,
    pub(crate) rep: Option<String>,
    pub(crate) data: Option<Vec<u8>>,
    pub(crate) a: Option<i64>,
    pub(crate) b: Option<i64>,
}

impl StoredRow {
    /// The record this row of `session_id` stores; a row no writer could have made is
    /// [`StoreError::Corrupt`].
    pub(crate) fn decode(self, session_id: SessionId) -> Result<ShellRecord, StoreError> {
        let StoredRow {
            id,
            grant_id,
            at,
            kind,
            rep,
            data,
            a,
            b,
        } = self;
        let corrupt = |message: &str| StoreError::Corrupt {
            table: "shell_records",
            id,
            message: message.to_owned(),
        };
        let rep = || rep.clone().map(RepId::new).ok_or_else(|| corrupt("no rep"));
        let small = |value: Option<i64>| {
            value
                .and_then(|v| u16::try_from(v).ok())
                .ok_or_else(|| corrupt("a size out of range"))
        };
        let what = match kind.as_str() {
            "started" => ShellEvent::Started { rep: rep()? },
            "input" => ShellEvent::Input {
                rep: rep()?,
                data: data.unwrap_or_default(),
            },
            "output" => ShellEvent::Output {
                data: data.unwrap_or_default(),
            },
            "omitted" => ShellEvent::Omitted {
                bytes: from_sql("omitted bytes", a.unwrap_or_default())?,
            },
            "resized" => ShellEvent::Resized {
                rep: rep()?,
                cols: small(a)?,
                rows: small(b)?,
            },
            "exited" => ShellEvent::Exited {
                code: a
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or_else(|| corrupt("an exit code out of range"))?,
            },
            _ => return Err(corrupt("an unknown kind")),
        };
        Ok(ShellRecord {
            session_id,
            grant_id: GrantId(from_sql("grant id", grant_id)?),
            at: from_sql("time", at)?,
            what,
        })
    }
}

/// Writes `records` in one transaction: all of them or none.
pub(crate) fn append<'a>(
    conn: &mut Connection,
    records: impl IntoIterator<Item = &'a ShellRecord>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO shell_records (session_id, grant_id, at, kind, rep, data, a, b)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for record in records {
            let Columns {
                kind,
                rep,
                data,
                a,
                b,
            } = Columns::of(&record.what)?;
            insert.execute(params![
                to_sql(record.session_id.0)?,
                to_sql(record.grant_id.0)?,
                to_sql(record.at)?,
                kind,
                rep,
                data,
                a,
                b
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// How much one read of a transcript returns at most (the server always reads with
/// [`ReadBounds::DEFAULT`]; tests use smaller ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReadBounds {
    pub(crate) records: usize,
    pub(crate) bytes: usize,
}

impl ReadBounds {
    /// [`MAX_RECORDS_READ`] and [`MAX_BYTES_READ`].
    pub(crate) const DEFAULT: ReadBounds = ReadBounds {
        records: MAX_RECORDS_READ,
        bytes: MAX_BYTES_READ,
    };
}

/// A session's records, oldest first: at most `bounds.records`, and records only while
/// the running total of their data stays within `bounds.bytes` (the first record past it
/// and everything after are left out).
pub(crate) fn read(
    conn: &Connection,
    session_id: SessionId,
    bounds: ReadBounds,
) -> Result<Vec<ShellRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT id, grant_id, at, kind, rep, data, a, b FROM shell_records
         WHERE session_id = ?1 ORDER BY id LIMIT ?2",
    )?;
    let limit = to_sql(bounds.records as u64)?;
    let max_bytes = bounds.bytes;
    let mut rows = select.query(params![to_sql(session_id.0)?, limit])?;
    let mut records = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next()? {
        let data: Option<Vec<u8>> = row.get(5)?;
        bytes = bytes.saturating_add(data.as_ref().map_or(0, Vec::len));
        if bytes > max_bytes {
            break;
        }
        let stored = StoredRow {
            id: row.get(0)?,
            grant_id: row.get(1)?,
            at: row.get(2)?,
            kind: row.get(3)?,
            rep: row.get(4)?,
            data,
            a: row.get(6)?,
            b: row.get(7)?,
        };
        records.push(stored.decode(session_id)?);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(session: u64, data: &[u8]) -> ShellRecord {
        ShellRecord {
            session_id: SessionId(session),
            grant_id: GrantId(1),
            at: 1,
            what: ShellEvent::Output {
                data: data.to_vec(),
            },
        }
    }

    #[test]
    fn records_come_back_in_order_per_session_and_a_read_is_bounded_in_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("t-shell.db")).unwrap();
        let records = [
            output(1, b"first"),
            output(2, b"another session"),
            output(1, b"second"),
            output(1, b"third"),
        ];
        append(&mut conn, &records).unwrap();
        let read_back: Vec<ShellRecord> = read(&conn, SessionId(1), ReadBounds::DEFAULT).unwrap();
        assert_eq!(
            read_back,
            [records[0].clone(), records[2].clone(), records[3].clone()]
        );
        // 5 + 6 bytes fit in 12; the third record would pass it and is left out.
        let bounds = ReadBounds {
            records: MAX_RECORDS_READ,
            bytes: 12,
        };
        assert_eq!(read(&conn, SessionId(1), bounds).unwrap().len(), 2);
    }
}
