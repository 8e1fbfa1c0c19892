//! Shell transcripts: everything that crossed a shell socket (docs/PROTOCOL.md §11, "Shell"),
//! in a database file of its own beside the main one (`switchboard.db` →
//! `switchboard-shell.db`), written before the relay passes it on.
//!
//! Why a third file: a shell pouring out output commits often, and on the main connection
//! those commits would queue with the chat's. Rep names are not stored: they come from the
//! configuration when the transcript is read.

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

/// One record's columns: kind, rep, data, a, b.
struct Row<'a>(
    &'static str,
    Option<&'a str>,
    Option<&'a [u8]>,
    Option<i64>,
    Option<i64>,
);

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
            let Row(kind, rep, data, a, b) = match &record.what {
                ShellEvent::Started { rep } => Row("started", Some(rep.as_str()), None, None, None),
                ShellEvent::Input { rep, data } => Row(
                    "input",
                    Some(rep.as_str()),
                    Some(data.as_slice()),
                    None,
                    None,
                ),
                ShellEvent::Output { data } => {
                    Row("output", None, Some(data.as_slice()), None, None)
                }
                ShellEvent::Omitted { bytes } => {
                    Row("omitted", None, None, Some(to_sql(*bytes)?), None)
                }
                ShellEvent::Resized { rep, cols, rows } => Row(
                    "resized",
                    Some(rep.as_str()),
                    None,
                    Some(i64::from(*cols)),
                    Some(i64::from(*rows)),
                ),
                ShellEvent::Exited { code } => {
                    Row("exited", None, None, Some(i64::from(*code)), None)
                }
            };
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

/// A session's records, oldest first (at most [`MAX_RECORDS_READ`], and records only while
/// their data stays within [`MAX_BYTES_READ`]).
pub(crate) fn read(
    conn: &Connection,
    session_id: SessionId,
) -> Result<Vec<ShellRecord>, StoreError> {
    read_within(conn, session_id, MAX_BYTES_READ)
}

/// [`read`] with another byte limit.
fn read_within(
    conn: &Connection,
    session_id: SessionId,
    max_bytes: usize,
) -> Result<Vec<ShellRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT id, grant_id, at, kind, rep, data, a, b FROM shell_records
         WHERE session_id = ?1 ORDER BY id LIMIT ?2",
    )?;
    let limit = to_sql(MAX_RECORDS_READ as u64)?;
    let mut rows = select.query(params![to_sql(session_id.0)?, limit])?;
    let mut records = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let kind: String = row.get(3)?;
        let rep: Option<String> = row.get(4)?;
        let data: Option<Vec<u8>> = row.get(5)?;
        bytes = bytes.saturating_add(data.as_ref().map_or(0, Vec::len));
        if bytes > max_bytes {
            break;
        }
        let a: Option<i64> = row.get(6)?;
        let b: Option<i64> = row.get(7)?;
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
        records.push(ShellRecord {
            session_id,
            grant_id: GrantId(from_sql("grant id", row.get(1)?)?),
            at: from_sql("time", row.get(2)?)?,
            what,
        });
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
        let read_back: Vec<ShellRecord> = read(&conn, SessionId(1)).unwrap();
        assert_eq!(
            read_back,
            [records[0].clone(), records[2].clone(), records[3].clone()]
        );
        // 5 + 6 bytes fit in 12; the third record would pass it and is left out.
        assert_eq!(read_within(&conn, SessionId(1), 12).unwrap().len(), 2);
    }
}
