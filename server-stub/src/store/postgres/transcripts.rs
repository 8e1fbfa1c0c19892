//! Shell transcripts in PostgreSQL: the twin of `store/transcripts.rs`'s append and read,
//! on a connection of its own that the transcript thread (`store/transcript_log.rs`) keeps,
//! so a chatty shell's commits never queue with the chat's.
//!
//! An append (a whole group of them) is one fenced transaction (`fence.rs`). A read is
//! bounded exactly as SQLite's ([`ReadBounds`]): at most so many records, oldest first, and
//! only while the running total of their data stays within the byte limit. The running total is
//! summed by PostgreSQL (`octet_length` reads a stored value's size without fetching it),
//! so a session with gigabytes of output sends at most the limit over the wire.

use super::super::database::Fence;
use super::super::error::StoreError;
use super::super::int::to_sql;
use super::super::transcripts::{Columns, ReadBounds, ShellRecord, StoredRow};
use super::fence::write_transaction;
use super::side_tables;
use super::statements::{Cached, Statements};
use postgres::Client;
use switchboard_protocol::SessionId;

/// The transcripts' own PostgreSQL connection, with its statements and the server's fence.
pub(crate) struct PostgresTranscripts {
    client: Client,
    statements: Statements,
    fence: Option<Fence>,
}

impl PostgresTranscripts {
    /// Connects and creates the side tables if missing. Blocking; run it on the thread
    /// that keeps the connection (never inside an async runtime).
    pub(crate) fn open(url: &str, fence: Option<Fence>) -> Result<PostgresTranscripts, StoreError> {
        let mut client = super::connect(url)?;
        side_tables::create(&mut client)?;
        Ok(PostgresTranscripts {
            client,
            statements: Statements::default(),
            fence,
        })
    }

    /// Writes `records` in one transaction: all of them or none.
    pub(crate) fn append<'a>(
        &mut self,
        records: impl IntoIterator<Item = &'a ShellRecord>,
    ) -> Result<(), StoreError> {
        write_transaction(&mut self.client, &mut self.statements, self.fence, |db| {
            for record in records {
                let Columns {
                    kind,
                    rep,
                    data,
                    a,
                    b,
                } = Columns::of(&record.what)?;
                db.execute(
                    "INSERT INTO shell_records (session_id, grant_id, at, kind, rep, data, a, b)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &to_sql(record.session_id.0)?,
                        &to_sql(record.grant_id.0)?,
                        &to_sql(record.at)?,
                        &kind,
                        &rep,
                        &data,
                        &a,
                        &b,
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// A session's records, oldest first, within `bounds` (see the module documentation).
    pub(crate) fn read(
        &mut self,
        session_id: SessionId,
        bounds: ReadBounds,
    ) -> Result<Vec<ShellRecord>, StoreError> {
        let mut db = Cached {
            client: &mut self.client,
            statements: &mut self.statements,
        };
        let limit = to_sql(bounds.records as u64)?;
        let max_bytes = to_sql(bounds.bytes as u64)?;
        let rows = db.query(
            "SELECT id, grant_id, at, kind, rep, data, a, b FROM (
                 SELECT *, sum(coalesce(octet_length(data), 0)) OVER (ORDER BY id) AS running
                 FROM shell_records WHERE session_id = $1 ORDER BY id LIMIT $2
             ) AS first_records
             WHERE running <= $3 ORDER BY id",
            &[&to_sql(session_id.0)?, &limit, &max_bytes],
        )?;
        rows.into_iter()
            .map(|row| {
                StoredRow {
                    id: row.try_get(0)?,
                    grant_id: row.try_get(1)?,
                    at: row.try_get(2)?,
                    kind: row.try_get(3)?,
                    rep: row.try_get(4)?,
                    data: row.try_get(5)?,
                    a: row.try_get(6)?,
                    b: row.try_get(7)?,
                }
                .decode(session_id)
            })
            .collect()
    }
}
