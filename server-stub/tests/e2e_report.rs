//! `switchboard-server report` end to end, on both engines: a known history with a fixed
//! clock (the router's own effects committed to a real store, SQLite or PostgreSQL, so the
//! facts are merged by the real SQL), then the real binary prints exact CSV figures per
//! team and per rep, the same from either engine; bad arguments are refused, a database
//! without session facts is refused with the same message on both, and a PostgreSQL
//! password is never printed. And a session through a real server (SQLite in process, or a
//! server process on PostgreSQL) lands in the report of its day.
//!
//! The PostgreSQL tests are skipped (with a loud line) only where no PostgreSQL binaries
//! exist and `CI` is unset.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use switchboard_protocol::{
    ClientKind, CloseMode, CustomerInfo, CustomerRequest, Platform, RepId, RepRequest, Route,
    SessionId, TeamId,
};
use switchboard_server::router::effects::Effect;
use switchboard_server::router::{Input, Router};
use switchboard_server::store::{Durability, Store};
use switchboard_testkit::failover::{ServerProcess, TAKEOVER_DEADLINE, until_active};
use switchboard_testkit::postgres::fresh_database;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// 2023-11-14 (day 19675 since 1970) at 09:00 UTC.
const NINE: u64 = 19_675 * DAY_MS + 9 * 60 * 60 * 1000;
const SEC: u64 = 1000;

/// A router with a fixed clock whose durable effects go to a real store.
struct History {
    router: Router,
    store: Store,
    next_conn: u64,
}

impl History {
    fn input(&mut self, at: u64, input: Input) -> Vec<Effect> {
        let (reply, effects) = self.router.handle(at, input);
        assert!(reply.is_ok(), "{reply:?}");
        let ops = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Persist(op) => Some(op.clone()),
                _ => None,
            })
            .collect();
        self.store.commit_blocking(ops).unwrap();
        effects
    }

    fn start(&mut self, at: u64, team: &str) -> SessionId {
        self.next_conn += 1;
        let effects = self.input(
            at,
            Input::CustomerStart {
                conn: self.next_conn,
                customer: CustomerInfo {
                    name: format!("Customer {}", self.next_conn),
                    company: None,
                    question: None,
                    contact: None,
                },
                route: Route::Team {
                    team: TeamId::new(team),
                },
                customer_token: format!("token-{}-abcdefghijklmnop", self.next_conn),
                client: ClientKind::Web,
                platform: Platform::Other,
            },
        );
        effects
            .iter()
            .find_map(|e| match e {
                Effect::BindCustomer(_, id) => Some(*id),
                _ => None,
            })
            .unwrap()
    }

    fn rep(&mut self, at: u64, rep: &str, request: RepRequest) {
        self.input(
            at,
            Input::Rep {
                rep: RepId::new(rep),
                request,
            },
        );
    }

    fn accept(&mut self, at: u64, rep: &str, session_id: SessionId) {
        self.rep(at, rep, RepRequest::Accept { session_id });
    }

    fn end(&mut self, at: u64, rep: &str, session_id: SessionId) {
        self.rep(
            at,
            rep,
            RepRequest::SetDisposition {
                session_id,
                disposition: "Resolved".into(),
            },
        );
        self.rep(
            at,
            rep,
            RepRequest::Close {
                session_id,
                mode: CloseMode::End,
            },
        );
    }
}

/// The database a report reads: what the binary is given.
enum Engine {
    Sqlite(PathBuf),
    Postgres(String),
    /// Neither `--db` nor `--database`: the configuration's `database`.
    None,
}

impl Engine {
    fn args(&self) -> Vec<OsString> {
        match self {
            Engine::Sqlite(path) => vec!["--db".into(), path.into()],
            Engine::Postgres(url) => vec!["--database".into(), url.into()],
            Engine::None => Vec::new(),
        }
    }

    /// A store on it, opened (and migrated) as the server opens it.
    fn open_store(&self) -> Store {
        match self {
            Engine::Sqlite(path) => Store::open(path).unwrap().0,
            Engine::Postgres(url) => {
                Store::open_postgres(url, None, Durability::Normal)
                    .unwrap()
                    .0
            }
            Engine::None => panic!("no store without a database"),
        }
    }
}

/// (success, stdout, stderr) of `report` with the configuration `config` on `engine`.
fn run_report(config: &Path, engine: &Engine, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
        .arg("report")
        .arg("--config")
        .arg(config)
        .args(engine.args())
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write_test_config(dir: &Path) -> PathBuf {
    let config_path = dir.join("config.toml");
    std::fs::write(&config_path, TEST_CONFIG).unwrap();
    config_path
}

#[test]
fn a_known_day_gives_exact_figures_from_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::Sqlite(dir.path().join("report.db"));
    a_known_day_gives_exact_figures(dir.path(), &engine);
}

#[test]
fn a_known_day_gives_exact_figures_from_postgres() {
    let Some(db) = fresh_database() else { return };
    let dir = tempfile::tempdir().unwrap();
    a_known_day_gives_exact_figures(dir.path(), &Engine::Postgres(db.url));
}

/// The same history and the same expected CSV on either engine.
fn a_known_day_gives_exact_figures(dir: &Path, engine: &Engine) {
    let config_path = write_test_config(dir);
    let mut h = History {
        router: Router::new(test_config(), 7),
        store: engine.open_store(),
        next_conn: 0,
    };
    for rep in ["alice", "dave"] {
        h.input(
            NINE,
            Input::RepConnected {
                rep: RepId::new(rep),
            },
        );
    }
    // Billing: waits 10 s and 30 s, handled 60 s and 200 s; one customer gives up.
    let s1 = h.start(NINE, "billing");
    let s2 = h.start(NINE + 20 * SEC, "billing");
    let s3 = h.start(NINE + 30 * SEC, "billing");
    let s4 = h.start(NINE + 40 * SEC, "tech");
    h.accept(NINE + 10 * SEC, "alice", s1);
    h.accept(NINE + 50 * SEC, "dave", s2);
    h.end(NINE + 70 * SEC, "alice", s1);
    h.input(
        NINE + 90 * SEC,
        Input::Customer {
            session_id: s3,
            request: CustomerRequest::Leave,
        },
    );
    // Tech: a 60 s wait, still in progress.
    h.accept(NINE + 100 * SEC, "alice", s4);
    h.end(NINE + 250 * SEC, "dave", s2);
    // The next day is outside the range.
    let s5 = h.start(NINE + DAY_MS, "billing");
    h.accept(NINE + DAY_MS + 5 * SEC, "dave", s5);
    drop(h);

    let (ok, csv, err) = run_report(
        &config_path,
        engine,
        &["--from", "2023-11-14", "--to", "2023-11-14"],
    );
    assert!(ok, "{err}");
    assert_eq!(
        csv,
        "team,sessions,wait_p50_secs,wait_p90_secs,handle_p50_secs,abandoned\n\
         billing,3,10.0,30.0,60.0,1\n\
         sales,0,0.0,0.0,0.0,0\n\
         slow,0,0.0,0.0,0.0,0\n\
         tech,1,60.0,60.0,0.0,0\n"
    );
    let (ok, csv, err) = run_report(
        &config_path,
        engine,
        &["--from", "2023-11-14", "--to", "2023-11-15", "--by", "rep"],
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "rep,sessions,wait_p50_secs,wait_p90_secs,handle_p50_secs,abandoned"
    );
    assert!(lines.contains(&"alice,2,10.0,60.0,60.0,0"), "{csv}");
    assert!(lines.contains(&"dave,2,5.0,30.0,200.0,0"), "{csv}");
    assert!(lines.contains(&"carol,0,0.0,0.0,0.0,0"), "{csv}");

    for bad in [
        ["--from", "2023-11-15", "--to", "2023-11-14"],
        ["--from", "2023-02-30", "--to", "2023-03-01"],
    ] {
        let (ok, _, err) = run_report(&config_path, engine, &bad);
        assert!(!ok, "{bad:?} was accepted");
        assert!(err.contains("report") || err.contains("date"), "{err}");
    }
}

/// A database without session facts (a new one, never opened by a server) is refused with
/// the same message on both engines, and nothing is written to it.
#[test]
fn a_database_without_session_facts_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_test_config(dir.path());
    let sqlite = dir.path().join("empty.db");
    rusqlite::Connection::open(&sqlite)
        .unwrap()
        .execute_batch("CREATE TABLE unrelated (x INTEGER)")
        .unwrap();
    let mut engines = vec![Engine::Sqlite(sqlite)];
    engines.extend(fresh_database().map(|db| Engine::Postgres(db.url)));
    for engine in &engines {
        let (ok, csv, err) = run_report(
            &config_path,
            engine,
            &["--from", "2023-11-14", "--to", "2023-11-14"],
        );
        assert!(!ok, "{csv}");
        assert!(
            err.contains(
                "the database has schema version 0, without session facts: start the server on it once"
            ),
            "{err}"
        );
    }
    if let Some(Engine::Postgres(url)) = engines.get(1) {
        assert_eq!(
            postgres_tables(url),
            0,
            "the report created something in {url}"
        );
    }
}

/// How many tables the public schema of `url` has (on a thread of its own: the synchronous
/// client must not run inside a runtime).
fn postgres_tables(url: &str) -> i64 {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        client
            .query_one(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                &[],
            )
            .unwrap()
            .get(0)
    })
    .join()
    .unwrap()
}

/// A PostgreSQL that cannot be reached: a clear error naming the database, non-zero exit,
/// and the URL's password is not in it.
#[test]
fn an_unreachable_postgres_is_a_clear_error_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_test_config(dir.path());
    let port = closed_port();
    let engine = Engine::Postgres(format!("postgres://sb:s3cret@127.0.0.1:{port}/main"));
    let (ok, csv, err) = run_report(
        &config_path,
        &engine,
        &["--from", "2023-11-14", "--to", "2023-11-14"],
    );
    assert!(!ok, "{csv}");
    assert!(
        err.contains(&format!(
            "report from postgres://sb:***@127.0.0.1:{port}/main"
        )),
        "{err}"
    );
    assert!(err.contains("Connection refused"), "{err}");
    assert!(!err.contains("s3cret") && !csv.contains("s3cret"), "{err}");
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Today's UTC date, YYYY-MM-DD.
fn today() -> String {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    day_text(now_ms / DAY_MS)
}

/// (sessions, abandoned) of `team`'s line of the CSV.
fn team_line(csv: &str, team: &str) -> (String, String) {
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{team},")))
        .unwrap_or_else(|| panic!("no {team} line in {csv}"));
    let fields: Vec<&str> = line.split(',').collect();
    (fields[1].to_owned(), fields[5].to_owned())
}

/// A session through a real server (running: the report reads its WAL database
/// read-only) counts on today's line of its team.
#[tokio::test]
async fn a_real_servers_session_is_in_todays_report() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let customer = server
        .customer(
            "Reportable",
            Route::Team {
                team: "billing".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    end_resolved(&mut alice, session_id).await;
    assert_one_billing_session_today(Engine::Sqlite(server.db_path())).await;
}

/// The same through a server process on PostgreSQL, with the report running while it is
/// active (a read-only transaction beside the server's own commits).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_servers_session_is_in_todays_report() {
    let Some(db) = fresh_database() else { return };
    let server =
        ServerProcess::start(Path::new(env!("CARGO_BIN_EXE_switchboard-server")), &db.url).await;
    until_active(&[&server], TAKEOVER_DEADLINE).await;
    let token = login(server.addr, "alice", "alice-pw").await;
    let mut alice = RepClient::connect(server.addr, &token, None).await;
    let customer = CustomerClient::start(
        server.addr,
        "Reportable",
        Route::Team {
            team: "billing".into(),
        },
    )
    .await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    end_resolved(&mut alice, session_id).await;
    assert_one_billing_session_today(Engine::Postgres(db.url)).await;
}

/// Today's report from `engine` counts one billing session, none abandoned.
async fn assert_one_billing_session_today(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_test_config(dir.path());
    let today = today();
    let (ok, csv, err) = tokio::task::spawn_blocking(move || {
        run_report(&config_path, &engine, &["--from", &today, "--to", &today])
    })
    .await
    .unwrap();
    assert!(ok, "{err}");
    assert_eq!(
        team_line(&csv, "billing"),
        ("1".into(), "0".into()),
        "{csv}"
    );
}

/// YYYY-MM-DD of a day number (Howard Hinnant's civil_from_days).
fn day_text(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Without `--database` the report reads the configuration's `database`; with it, the
/// command line's wins (the server's own rule).
#[test]
fn the_configured_database_is_read_and_the_cli_wins() {
    let Some(db) = fresh_database() else { return };
    drop(Engine::Postgres(db.url.clone()).open_store());
    let dir = tempfile::tempdir().unwrap();
    let with_database = |url: &str| {
        let path = dir.path().join(format!("config-{}.toml", url.len()));
        let config = TEST_CONFIG.replacen(
            "[server]\n",
            &format!("[server]\ndatabase = \"{url}\"\n"),
            1,
        );
        assert_ne!(
            config, TEST_CONFIG,
            "the test configuration has no [server] line"
        );
        std::fs::write(&path, config).unwrap();
        path
    };
    let range = ["--from", "2023-11-14", "--to", "2023-11-14"];
    let header = "team,sessions,wait_p50_secs,wait_p90_secs,handle_p50_secs,abandoned\n";
    let configured = with_database(&db.url);
    let (ok, csv, err) = run_report(&configured, &Engine::None, &range);
    assert!(ok && csv.starts_with(header), "{err}");
    let closed = format!(
        "postgres://switchboard@127.0.0.1:{}/elsewhere",
        closed_port()
    );
    let configured_closed = with_database(&closed);
    let (ok, _, err) = run_report(&configured_closed, &Engine::None, &range);
    assert!(!ok && err.contains("/elsewhere"), "{err}");
    let (ok, csv, err) = run_report(&configured_closed, &Engine::Postgres(db.url), &range);
    assert!(ok && csv.starts_with(header), "{err}");
}
