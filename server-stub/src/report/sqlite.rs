//! The report's rows from an SQLite file: opened read-only (a running server's WAL database
//! is not disturbed), `user_version` checked, each row of the range handed to the tally.

use super::{DayRange, FACTS_VERSION, Fact, ReportError, Tally};
use rusqlite::{Connection, OpenFlags, params};
use std::path::Path;

/// Feeds `tally` every session that first entered a queue within `range`.
pub(super) fn read_facts(
    path: &Path,
    range: DayRange,
    tally: &mut Tally,
) -> Result<(), ReportError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version < FACTS_VERSION {
        return Err(ReportError::TooOld(version));
    }
    let mut statement = conn.prepare(
        "SELECT team, queued_at, accepted_at, accepted_by, ended_at, abandoned
         FROM session_facts WHERE queued_at >= ?1 AND queued_at < ?2",
    )?;
    let facts = statement.query_map(params![range.start_ms, range.end_ms], |row| {
        Ok(Fact {
            team: row.get(0)?,
            queued_at: row.get(1)?,
            accepted_at: row.get(2)?,
            accepted_by: row.get(3)?,
            ended_at: row.get(4)?,
            abandoned: row.get(5)?,
        })
    })?;
    for fact in facts {
        tally.add(fact?);
    }
    Ok(())
}
