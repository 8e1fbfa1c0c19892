//! `check-config`'s one line about the configured database, so an operator learns before
//! starting the server whether it can reach its store: for SQLite the file and whether it
//! exists; for PostgreSQL where it is, its schema version and who holds the lease (which
//! server is active), or why it cannot be reached. Read-only and bounded in time, like the
//! report (`postgres.rs`); the URL's password never appears (only host, port and database
//! are shown, and PostgreSQL's errors do not carry the URL).

use super::ReportError;
use super::postgres::{connect, read_only, schema_version, table_exists};
use crate::store::Database;
use std::time::Duration;

/// How long check-config waits for PostgreSQL: connecting, then each statement.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// A lease holder's name is shown up to this many characters (it comes from the database).
const MAX_HOLDER_CHARS: usize = 100;

/// Why the configured database could not be checked. One line each, with every cause
/// (PostgreSQL's errors say "error connecting to server" and keep the why in their source).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("database: cannot reach PostgreSQL at {at}: {reason}")]
    Unreachable { at: String, reason: String },
    #[error("database: PostgreSQL at {at} could not be read: {reason}")]
    Unreadable { at: String, reason: String },
}

/// `database: SQLite at PATH (exists)` or `database: PostgreSQL at HOST:PORT/DB, schema
/// version N, lease held by HOLDER until TIME UTC` (or `no server active`). Blocking: call
/// it from `spawn_blocking` or a plain thread.
pub fn describe_database(database: &Database) -> Result<String, CheckError> {
    match database {
        Database::Sqlite(path) => {
            let state = match path.try_exists() {
                Ok(true) => "exists".to_owned(),
                Ok(false) => "will be created".to_owned(),
                Err(error) => format!("cannot be looked at: {error}"),
            };
            Ok(format!("database: SQLite at {} ({state})", path.display()))
        }
        Database::Postgres(url) => describe_postgres(url),
    }
}

fn describe_postgres(url: &str) -> Result<String, CheckError> {
    let at = place(url);
    let mut client =
        connect(url, CHECK_TIMEOUT, "switchboard-server check-config").map_err(|error| {
            CheckError::Unreachable {
                at: at.clone(),
                reason: match &error {
                    ReportError::Postgres(error) => with_causes(error),
                    other => with_causes(other),
                },
            }
        })?;
    let unreadable = |error: ::postgres::Error| CheckError::Unreadable {
        at: at.clone(),
        reason: with_causes(&error),
    };
    let mut tx = read_only(&mut client, CHECK_TIMEOUT).map_err(unreadable)?;
    let version = schema_version(&mut tx).map_err(unreadable)?;
    let lease = lease_holder(&mut tx).map_err(unreadable)?;
    tx.commit().map_err(unreadable)?;
    let empty = if version == 0 {
        " (empty: the server creates the schema when it starts)"
    } else {
        ""
    };
    let lease = match lease {
        Some((holder, until)) => format!("lease held by {holder} until {until}"),
        None => "no server active".to_owned(),
    };
    Ok(format!(
        "database: PostgreSQL at {at}, schema version {version}{empty}, {lease}"
    ))
}

/// The active server's name and the lease's expiry (UTC), when a server holds it now.
fn lease_holder(
    tx: &mut ::postgres::Transaction<'_>,
) -> Result<Option<(String, String)>, ::postgres::Error> {
    if !table_exists(tx, "switchboard_lease")? {
        return Ok(None);
    }
    let row = tx.query_opt(
        "SELECT holder,
                to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || ' UTC'
         FROM switchboard_lease
         WHERE id = 1 AND holder <> '' AND expires_at > clock_timestamp()",
        &[],
    )?;
    let Some(row) = row else { return Ok(None) };
    let holder: String = row.try_get(0)?;
    Ok(Some((printable(&holder), row.try_get(1)?)))
}

/// An error's message followed by its causes' (each only once).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let message = next.to_string();
        if !text.ends_with(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        cause = next.source();
    }
    text
}

/// Text from the database made safe for a terminal: control characters replaced, bounded.
fn printable(text: &str) -> String {
    text.chars()
        .take(MAX_HOLDER_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `HOST:PORT/DB` of a URL, without user or password (the redacted URL if it does not parse).
fn place(url: &str) -> String {
    let Ok(config) = url.parse::<::postgres::Config>() else {
        return Database::Postgres(url.to_owned()).redacted();
    };
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(index, host)| {
            let port = ports.get(index).or(ports.first()).copied().unwrap_or(5432);
            match host {
                ::postgres::config::Host::Tcp(name) => format!("{name}:{port}"),
                ::postgres::config::Host::Unix(dir) => format!("{}:{port}", dir.display()),
            }
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "localhost".to_owned()
    } else {
        hosts.join(",")
    };
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("{hosts}/{database}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The place shown has host, port and database, never the user's password.
    #[test]
    fn the_place_shows_no_password() {
        assert_eq!(
            place("postgres://sb:s3cret@db.example:5433/main?sslmode=disable"),
            "db.example:5433/main"
        );
        assert_eq!(place("postgresql://sb@h/db"), "h:5432/db");
        assert_eq!(place("postgres://sb@h"), "h:5432/sb");
        assert!(!place("postgres://sb:s3cret@h:notaport/db").contains("s3cret"));
    }

    #[test]
    fn holder_names_are_made_printable() {
        assert_eq!(printable("a\u{1b}[2Jb"), "a?[2Jb");
        assert_eq!(printable(&"x".repeat(500)).len(), MAX_HOLDER_CHARS);
    }
}
