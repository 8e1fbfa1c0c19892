//! Which database the server stores into ([`Database`], parsed from `--database` or the
//! config file) and the lease's fencing token ([`Fence`]) a PostgreSQL store checks on
//! every commit.

use std::convert::Infallible;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the durable state lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (the default).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

/// The lease token this server holds (see `server/lease.rs`); a fenced store's commits fail
/// with `StoreError::LeaseLost` once another server's token replaced it or it expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fence {
    pub token: i64,
}

impl Database {
    /// A `postgres://` or `postgresql://` URL (scheme in any case) selects PostgreSQL;
    /// anything else is an SQLite file path.
    pub fn parse(text: &str) -> Database {
        let is_postgres = ["postgres://", "postgresql://"].iter().any(|scheme| {
            text.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        });
        if is_postgres {
            Database::Postgres(text.to_owned())
        } else {
            Database::Sqlite(PathBuf::from(text))
        }
    }

    /// For logs and error messages: a URL's password replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(url) => redact_url(url),
        }
    }
}

impl FromStr for Database {
    type Err = Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Database::parse(text))
    }
}

/// Never prints a password (configurations and errors get logged).
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Database::Postgres(_) => f.debug_tuple("Postgres").field(&self.redacted()).finish(),
        }
    }
}

/// `scheme://user:secret@host/db?password=secret` → `scheme://user:***@host/db?password=***`.
fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority_end, _) = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '/' | '?'))
        .unwrap_or((rest.len(), '/'));
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{user_info}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both URL schemes (any case) select PostgreSQL; anything else is a path.
    #[test]
    fn parse_selects_the_engine_by_scheme() {
        for url in [
            "postgres://u@h/db",
            "postgresql://u@h:5433/db",
            "POSTGRES://u@h/db",
        ] {
            assert_eq!(Database::parse(url), Database::Postgres(url.to_owned()));
        }
        for path in ["data/switchboard.db", "/var/lib/s.db", "postgres", "pg://x"] {
            assert_eq!(Database::parse(path), Database::Sqlite(PathBuf::from(path)));
        }
        assert_eq!(
            "x.db".parse::<Database>(),
            Ok(Database::Sqlite("x.db".into()))
        );
    }

    /// Passwords never appear in the redacted form or in Debug output.
    #[test]
    fn passwords_are_redacted() {
        let db = Database::parse(
            "postgres://sb:s3cret@db.example:5432/main?sslmode=off&password=s3cret",
        );
        assert_eq!(
            db.redacted(),
            "postgres://sb:***@db.example:5432/main?sslmode=off&password=***"
        );
        assert!(!format!("{db:?}").contains("s3cret"));
        assert_eq!(
            Database::parse("postgresql://sb@h/db").redacted(),
            "postgresql://sb@h/db"
        );
    }
}
