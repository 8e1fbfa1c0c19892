//! The report's rows from PostgreSQL, and the read-only connection `check-config` uses too.
//!
//! Nothing here can write or wait without end: the connection attempt is bounded as a
//! whole (on a thread of its own, see [`connect`]), every statement runs in a transaction
//! that starts with `SET TRANSACTION READ ONLY` and a `statement_timeout`, and the rows are
//! streamed into the tally instead of being collected first. The URL (and so its password)
//! is never part of an error: the errors are PostgreSQL's own messages.
//!
//! Blocking, with the synchronous client (which runs a runtime of its own): call it from a
//! plain thread or `spawn_blocking`, never from an async task.

use super::{DayRange, FACTS_VERSION, Fact, ReportError, Tally};
use crate::pg_connect::ConnectError;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Transaction};
use std::time::Duration;

/// How long the report may take to reach PostgreSQL (TCP, TLS-less startup, login).
const REPORT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The report's one query streams every session of the range (a debug build took 16 s for
/// a million on a loaded 2-core machine; years of a busy service are tens of millions):
/// past this PostgreSQL cancels it rather than keep a snapshot open without end.
const REPORT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(300);

const FACTS_QUERY: &str = "SELECT team, queued_at, accepted_at, accepted_by, ended_at, abandoned
     FROM session_facts WHERE queued_at >= $1 AND queued_at < $2";

/// Feeds `tally` every session that first entered a queue within `range`.
pub(super) fn read_facts(url: &str, range: DayRange, tally: &mut Tally) -> Result<(), ReportError> {
    let mut client = connect(url, REPORT_CONNECT_TIMEOUT, "switchboard-server report")?;
    let mut tx = read_only(&mut client, REPORT_STATEMENT_TIMEOUT)?;
    let version = schema_version(&mut tx)?;
    if version < FACTS_VERSION {
        return Err(ReportError::TooOld(version));
    }
    let params: [&(dyn ToSql + Sync); 2] = [&range.start_ms, &range.end_ms];
    let mut rows = tx.query_raw(FACTS_QUERY, params)?;
    while let Some(row) = rows.next()? {
        // Rows of sessions that never waited have no `queued_at` and are not in the range.
        let abandoned: i16 = row.try_get(5)?;
        tally.add(Fact {
            team: row.try_get(0)?,
            queued_at: row.try_get(1)?,
            accepted_at: row.try_get(2)?,
            accepted_by: row.try_get(3)?,
            ended_at: row.try_get(4)?,
            abandoned: abandoned != 0,
        });
    }
    drop(rows);
    // Read-only: committing and rolling back are the same; this ends it cleanly.
    tx.commit()?;
    Ok(())
}

/// Connects to `url`, the whole attempt bounded by `limit` (`pg_connect.rs`: the client's
/// own connect timeout covers only the TCP connect).
pub(super) fn connect(
    url: &str,
    limit: Duration,
    application: &str,
) -> Result<Client, ReportError> {
    let mut config: postgres::Config = url.parse()?;
    config.connect_timeout(limit).tcp_user_timeout(limit);
    if config.get_application_name().is_none() {
        config.application_name(application);
    }
    crate::pg_connect::connect_within(config, limit, "report-connect").map_err(
        |error| match error {
            ConnectError::Postgres(error) => ReportError::Postgres(error),
            ConnectError::NoAnswer(limit) => ReportError::NoAnswer(limit),
            ConnectError::Pending => ReportError::NoAnswer(limit),
            ConnectError::Thread(error) => ReportError::Thread(error),
        },
    )
}

/// A transaction that cannot write, whose every statement gives up after `statement_timeout`.
pub(super) fn read_only(
    client: &mut Client,
    statement_timeout: Duration,
) -> Result<Transaction<'_>, postgres::Error> {
    let mut tx = client.transaction()?;
    // Both must come first in the transaction; the number is milliseconds.
    tx.batch_execute(&format!(
        "SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {}",
        statement_timeout.as_millis()
    ))?;
    Ok(tx)
}

/// The schema version the server's migrations left (0: no schema yet, as on a new database).
pub(super) fn schema_version(tx: &mut Transaction<'_>) -> Result<i64, postgres::Error> {
    if !table_exists(tx, "schema_version")? {
        return Ok(0);
    }
    let row = tx.query_opt("SELECT version FROM schema_version WHERE id = 1", &[])?;
    row.map_or(Ok(0), |row| row.try_get(0))
}

/// Whether `table` exists on the connection's search path.
pub(super) fn table_exists(tx: &mut Transaction<'_>, table: &str) -> Result<bool, postgres::Error> {
    tx.query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])?
        .try_get(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use postgres::error::SqlState;
    use switchboard_testkit::postgres::fresh_database;

    /// What the report and check-config read through cannot write, and a statement that
    /// runs past the timeout is cancelled by PostgreSQL.
    #[test]
    fn the_read_only_transaction_cannot_write_or_run_long() {
        let Some(db) = fresh_database() else { return };
        let mut client = connect(&db.url, Duration::from_secs(10), "report test").unwrap();
        let mut tx = read_only(&mut client, Duration::from_secs(10)).unwrap();
        let error = tx
            .batch_execute("CREATE TABLE written (x INTEGER)")
            .unwrap_err();
        assert_eq!(
            error.code(),
            Some(&SqlState::READ_ONLY_SQL_TRANSACTION),
            "{error:?}"
        );
        drop(tx);
        let mut tx = read_only(&mut client, Duration::from_millis(100)).unwrap();
        let error = tx.batch_execute("SELECT pg_sleep(30)").unwrap_err();
        assert_eq!(error.code(), Some(&SqlState::QUERY_CANCELED), "{error:?}");
        drop(tx);
        // An empty database has no schema yet: version 0, which the report refuses.
        let mut tx = read_only(&mut client, Duration::from_secs(10)).unwrap();
        assert_eq!(schema_version(&mut tx).unwrap(), 0);
    }
}
