//! The load bench on PostgreSQL (`bench --database postgres://…`): the run's server must
//! start from an empty store, as it does with its fresh SQLite file, so the bench creates a
//! database of its own on that PostgreSQL server (`switchboard_bench_<pid>_<random>`), points the
//! server process at it, waits until that server holds the lease, and drops the database
//! afterwards. The URL given names the server and a database to connect to for that (its
//! user needs CREATEDB); nothing in that database is touched.

use crate::child_server::{Health, poll_health};
use anyhow::Context as _;
use std::net::SocketAddr;
use std::time::Duration;

/// How long the bench's server may take to become active (take the lease).
const ACTIVE_LIMIT: Duration = Duration::from_secs(30);

/// How long connecting to PostgreSQL to create or drop the bench's database may take.
const ADMIN_CONNECT_LIMIT: Duration = Duration::from_secs(10);

/// A database made for one bench run.
pub(crate) struct BenchDatabase {
    admin_url: String,
    name: String,
    /// The URL of the bench's own database, for the server process's `--database`.
    pub(crate) url: String,
}

impl BenchDatabase {
    /// Creates `switchboard_bench_<pid>_<random>` on the server of `admin_url`: its own,
    /// even beside another bench of the same pid (another container) on that server.
    pub(crate) async fn create(admin_url: &str) -> anyhow::Result<BenchDatabase> {
        let name = format!(
            "switchboard_bench_{}_{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let url = with_database(admin_url, &name)?;
        let admin_url = admin_url.to_owned();
        // CREATE DATABASE alone (it refuses to run inside a transaction, and several
        // statements in one simple query are one). No DROP first: a name already taken fails loudly instead of dropping another's.
        let statements = vec![format!("CREATE DATABASE {name}")];
        run_admin(admin_url.clone(), statements)
            .await
            .context("creating the bench's database (the URL's user needs CREATEDB)")?;
        Ok(BenchDatabase {
            admin_url,
            name,
            url,
        })
    }

    /// Drops the bench's database (the server process must have exited).
    pub(crate) async fn drop_database(self) {
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = run_admin(self.admin_url, vec![statement]).await {
            eprintln!(
                "could not drop the bench's database {}: {error:#}",
                self.name
            );
        }
    }
}

/// Runs each of `statements` on `url` with the blocking client, off the runtime (the
/// blocking client runs its own runtime, which may not start inside tokio's), the connect
/// bounded as every connection of the server is (`pg_connect.rs`).
async fn run_admin(url: String, statements: Vec<String>) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let config: postgres::Config = url.parse()?;
        let mut client =
            crate::pg_connect::connect_within(config, ADMIN_CONNECT_LIMIT, "bench-admin")?;
        for statement in &statements {
            client.batch_execute(statement)?;
        }
        Ok(())
    })
    .await
    .context("the database task")?
}

/// `url` with its database (the path after the host) replaced by `name`; the query kept.
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let scheme_end = url
        .find("://")
        .map(|at| at + 3)
        .context("a PostgreSQL URL: postgres://user@host/database")?;
    let (head, rest) = url.split_at(scheme_end);
    let query_at = rest.find('?').unwrap_or(rest.len());
    let (authority_and_path, query) = rest.split_at(query_at);
    let authority = authority_and_path
        .split_once('/')
        .map_or(authority_and_path, |(authority, _)| authority);
    Ok(format!("{head}{authority}/{name}{query}"))
}

/// Waits until the server at `addr` answers `/healthz` with `ok` (it holds the lease).
pub(crate) async fn until_active(addr: SocketAddr) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .context("an HTTP client")?;
    poll_health(
        &http,
        &[addr],
        Duration::from_millis(50),
        ACTIVE_LIMIT,
        |seen| (seen == [Health::Active]).then_some(()),
    )
    .await
    .map_err(|timeout| {
        anyhow::anyhow!(
            "the bench's server did not become active within {ACTIVE_LIMIT:?}: {timeout}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_in_a_url_is_replaced_and_the_rest_kept() {
        let cases = [
            ("postgres://u@h:5432/postgres", "postgres://u@h:5432/b"),
            ("postgres://u@h:5432", "postgres://u@h:5432/b"),
            (
                "postgresql://u:p@h/db?sslmode=disable",
                "postgresql://u:p@h/b?sslmode=disable",
            ),
            (
                "postgres://h?connect_timeout=5",
                "postgres://h/b?connect_timeout=5",
            ),
        ];
        for (given, expected) in cases {
            assert_eq!(with_database(given, "b").unwrap(), expected, "{given}");
        }
        assert!(with_database("not a url", "b").is_err());
    }
}
