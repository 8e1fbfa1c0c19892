//! `switchboard-server check-config` end to end: after its summary lines (unchanged) it
//! prints one line about the database the server would use. SQLite: the file and whether it
//! exists. PostgreSQL (`--database`, or the configuration's `database`; the CLI first):
//! reached read-only with a short timeout, where it is, its schema version and which server
//! holds the lease; unreachable is one clear line on stderr and a non-zero exit. The URL's
//! password is never printed.
//!
//! The tests on a live PostgreSQL are skipped (with a loud line) only where no PostgreSQL
//! binaries exist and `CI` is unset.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use switchboard_server::server::lease::holder_name;
use switchboard_testkit::config::TEST_CONFIG;
use switchboard_testkit::failover::{ServerProcess, TAKEOVER_DEADLINE, until_active};
use switchboard_testkit::postgres::fresh_database;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchboard-server"))
}

/// What a run of the binary left: exit success, stdout, stderr.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// `switchboard-server [global args] check-config` with the configuration text `config`.
fn check_config(config: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).unwrap();
    let output = Command::new(binary())
        .arg("--config")
        .arg(&config_path)
        .args(args)
        .arg("check-config")
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .output()
        .unwrap();
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The test configuration with `database = "url"` in its `[server]` section.
fn config_with_database(url: &str) -> String {
    let config = TEST_CONFIG.replacen(
        "[server]\n",
        &format!("[server]\ndatabase = \"{url}\"\n"),
        1,
    );
    assert_ne!(
        config, TEST_CONFIG,
        "the test configuration has no [server] line"
    );
    config
}

/// The summary lines come first, as before; then the database line.
fn database_line(run: &Run) -> &str {
    assert!(run.ok, "check-config failed: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("ok: ") && lines[0].contains(" reps, "),
        "{}",
        run.stdout
    );
    assert!(lines[1].starts_with("mail: "), "{}", run.stdout);
    lines[2]
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `postgres://switchboard:s3cret@…`: the test cluster trusts loopback, so a password in
/// the URL is accepted and ignored, and must not be printed.
fn with_password(url: &str) -> String {
    let with = url.replacen(
        "postgres://switchboard@",
        "postgres://switchboard:s3cret@",
        1,
    );
    assert_ne!(with, url, "the test database's URL changed form: {url}");
    with
}

/// `127.0.0.1:PORT/t_N` of a test database's URL.
fn place(url: &str) -> &str {
    url.strip_prefix("postgres://switchboard@").unwrap()
}

#[test]
fn sqlite_names_the_file_and_whether_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("switchboard.db");
    let db_arg = db.to_str().unwrap();
    let run = check_config(TEST_CONFIG, &["--db", db_arg]);
    assert_eq!(
        database_line(&run),
        format!("database: SQLite at {db_arg} (will be created)")
    );
    assert!(!db.exists(), "check-config created the database");
    std::fs::write(&db, b"").unwrap();
    let run = check_config(TEST_CONFIG, &["--db", db_arg]);
    assert_eq!(
        database_line(&run),
        format!("database: SQLite at {db_arg} (exists)")
    );
}

/// A new database: schema version 0 and nobody active; with a server running: its schema
/// and the server holding the lease; after the server's clean stop: nobody active again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_shows_the_schema_and_who_holds_the_lease() {
    let Some(db) = fresh_database() else { return };
    let url = with_password(&db.url);
    let at = place(&db.url);
    let run = check_async(TEST_CONFIG, &["--database", &url]).await;
    assert_eq!(
        database_line(&run),
        format!(
            "database: PostgreSQL at {at}, schema version 0 (empty: the server creates the \
             schema when it starts), no server active"
        )
    );

    let mut server = ServerProcess::start(binary(), &db.url).await;
    until_active(&[&server], TAKEOVER_DEADLINE).await;
    let run = check_async(TEST_CONFIG, &["--database", &url]).await;
    let line = database_line(&run);
    let prefix = format!("database: PostgreSQL at {at}, schema version ");
    let rest = line
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{line}"));
    let (version, lease) = rest.split_once(", ").unwrap();
    assert!(version.parse::<i64>().unwrap() >= 5, "{line}");
    let holder = format!(
        "lease held by {} until ",
        holder_name_of(server.pid, server.addr)
    );
    let until = lease
        .strip_prefix(&holder)
        .unwrap_or_else(|| panic!("{line}"));
    // `YYYY-MM-DD HH:MM:SS.mmm UTC`
    assert_eq!(until.len(), 27, "{line}");
    assert!(
        until.ends_with(" UTC") && until.as_bytes()[10] == b' ',
        "{line}"
    );
    assert!(!run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"));

    // A clean stop (SIGTERM) hands the lease back at once.
    server.term();
    assert!(server.wait_exit(Duration::from_secs(20)).await.success());
    let run = check_async(TEST_CONFIG, &["--database", &url]).await;
    assert!(
        database_line(&run).ends_with(", no server active"),
        "{}",
        run.stdout
    );
}

/// The lease's holder name of the server process `pid` listening on `addr`
/// (`server/lease.rs` names it after the host, the process and the address).
fn holder_name_of(pid: u32, addr: std::net::SocketAddr) -> String {
    let own = holder_name(addr);
    own.replacen(
        &format!(" pid {} on ", std::process::id()),
        &format!(" pid {pid} on "),
        1,
    )
}

/// [`check_config`] off the async runtime's threads (it waits for a process).
async fn check_async(config: &str, args: &[&str]) -> Run {
    let config = config.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check_config(&config, &args)
    })
    .await
    .unwrap()
}

/// The configuration's `database` is checked when no `--database` is given, and the
/// command line's wins over it (the server's own rule).
#[test]
fn the_configured_database_is_checked_and_the_cli_wins() {
    let Some(db) = fresh_database() else { return };
    let closed = format!("postgres://switchboard@127.0.0.1:{}/nowhere", closed_port());
    let run = check_config(&config_with_database(&closed), &[]);
    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stderr.contains("/nowhere"), "{}", run.stderr);
    let run = check_config(&config_with_database(&closed), &["--database", &db.url]);
    assert!(
        database_line(&run).starts_with(&format!("database: PostgreSQL at {}, ", place(&db.url))),
        "{}",
        run.stdout
    );
    let run = check_config(&config_with_database(&db.url), &[]);
    assert!(database_line(&run).ends_with(", no server active"));
}

/// Nothing listens: the summary lines still come, then one clear error line and exit 1.
#[test]
fn an_unreachable_postgres_is_one_clear_error_and_a_failed_exit() {
    let port = closed_port();
    let url = format!("postgres://sb:s3cret@127.0.0.1:{port}/main?password=s3cret");
    let run = check_config(TEST_CONFIG, &["--database", &url]);
    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stdout.starts_with("ok: "), "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!(
            "database: cannot reach PostgreSQL at 127.0.0.1:{port}/main: error connecting to \
             server: Connection refused"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("s3cret") && !run.stdout.contains("s3cret"));
}

/// A URL that is not PostgreSQL's is refused as the server refuses it.
#[test]
fn a_database_that_is_not_postgres_is_refused() {
    let run = check_config(TEST_CONFIG, &["--database", "mysql://u@h/db"]);
    assert!(!run.ok, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("database: only PostgreSQL is supported"),
        "{}",
        run.stderr
    );
}

/// A host that accepts the connection and then says nothing (PostgreSQL's startup never
/// answered): check-config gives up after its timeout instead of hanging.
#[test]
fn a_silent_server_is_an_error_within_the_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and keeps every connection open without a byte in reply, for as long as the
    // test process lives (the thread is never joined).
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept() {
            held.push(socket);
        }
    });
    let started = std::time::Instant::now();
    let run = check_config(
        TEST_CONFIG,
        &[
            "--database",
            &format!("postgres://sb@127.0.0.1:{port}/main"),
        ],
    );
    let took = started.elapsed();
    assert!(!run.ok, "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!(
            "database: cannot reach PostgreSQL at 127.0.0.1:{port}/main: PostgreSQL did not \
             answer within 5s"
        )),
        "{}",
        run.stderr
    );
    // The check's timeout is 5 s; a hang would be stopped by nothing.
    assert!(
        took < Duration::from_secs(15),
        "took {took:?}: {}",
        run.stderr
    );
}

/// PostgreSQL answers but the database does not exist: its own message, exit 1.
#[test]
fn a_missing_database_is_a_clear_error() {
    let Some(db) = fresh_database() else { return };
    let (server, _) = db.url.rsplit_once('/').unwrap();
    let run = check_config(
        TEST_CONFIG,
        &["--database", &format!("{server}/no_such_db")],
    );
    assert!(!run.ok, "{}", run.stdout);
    assert!(
        run.stderr.contains("database: cannot reach PostgreSQL at ")
            && run
                .stderr
                .contains("database \"no_such_db\" does not exist"),
        "{}",
        run.stderr
    );
}
