//! A private PostgreSQL cluster per test process and a fresh, empty database per test, for
//! the store's PostgreSQL tests, the lease tests and the failover tests.
//!
//! The cluster is started on first use (one per test process, behind a `OnceLock`):
//! `initdb` (trust auth, superuser `switchboard`, `--no-sync`) in a directory of its own under
//! the temp dir, then `postgres -D dir -p PORT -k dir -c listen_addresses=127.0.0.1 -c
//! fsync=off` on a free loopback port. Each [`fresh_database`] is a `CREATE DATABASE t_N`.
//!
//! Why it is built the way it is:
//! - PostgreSQL refuses to run as root, and this machine and CI run the tests as root: then
//!   `initdb` and `postgres` run as `nobody` (uid/gid 65534), the directory chowned to it.
//! - The cluster must die with the test process, however it ends (a panic, `kill -9`), and
//!   `unsafe` (hence `pre_exec` + `prctl`) is forbidden in this workspace: the server is
//!   started through util-linux's `setpriv --pdeathsig KILL`, which sets the same
//!   `PR_SET_PDEATHSIG` (after its own uid change, which would clear it) and execs
//!   `postgres`. The kernel sends that signal when the *thread* that forked dies, and
//!   the test harness ends a test's thread with the test, so the spawn happens on a thread
//!   of its own that never ends (it parks) while the process lives.
//! - Readiness is awaited from the server's own log line ("ready to accept connections")
//!   with a deadline, never by sleeping; a port taken between choosing and binding (another
//!   test process) is retried on a new port.
//! - A directory left by a test process that was killed is removed by the next one (its
//!   name carries the pid, which no longer runs).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

/// A fresh, empty database on the test process's private PostgreSQL cluster.
pub struct TestDatabase {
    /// e.g. `postgres://switchboard@127.0.0.1:PORT/t_3`
    pub url: String,
}

/// The cluster's superuser (trust auth on loopback: no password).
const SUPERUSER: &str = "switchboard";
/// How long `initdb` plus the server's start may take on a loaded 2-core machine.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// The line PostgreSQL logs once it accepts connections.
const READY_LINE: &str = "ready to accept connections";
/// The unprivileged user the cluster runs as when the tests run as root (`nobody`).
const UNPRIVILEGED_ID: u32 = 65534;
/// A port taken by someone else between choosing it and the server binding it is retried.
const START_ATTEMPTS: usize = 3;
/// The directory under the temp dir that holds one cluster directory per test process.
const CLUSTERS_DIR: &str = "switchboard-test-postgres";

/// The running cluster: where to reach it. Its process lives as long as the test process.
struct Cluster {
    port: u16,
}

/// The cluster of this test process, or why there is none (no binaries, CI unset).
static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
/// The `N` of the next `t_N`.
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(1);

/// A fresh, empty database on this test process's private cluster.
///
/// `None` (after a loud `SKIPPED: no PostgreSQL ...` line on stderr) only when no PostgreSQL
/// binaries exist and the environment variable `CI` is unset; with `CI` set and no binaries
/// it panics, so CI can never pass by skipping. Any other failure (initdb, start, create)
/// panics with what went wrong.
pub fn fresh_database() -> Option<TestDatabase> {
    let cluster = CLUSTER.get_or_init(start_cluster).as_ref()?;
    let name = format!("t_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
    let admin_url = format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", cluster.port);
    // The synchronous client runs a runtime of its own, which panics inside a tokio test's
    // runtime: its work happens on a plain thread.
    let statement = format!("CREATE DATABASE {name}");
    std::thread::spawn(move || {
        let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to the test cluster at {admin_url}: {e}"));
        admin
            .batch_execute(&statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    })
    .join()
    .expect("creating the test database");
    Some(TestDatabase {
        url: format!("postgres://{SUPERUSER}@127.0.0.1:{}/{name}", cluster.port),
    })
}

/// Finds the binaries and starts the cluster; `None` only for "no binaries, CI unset".
fn start_cluster() -> Option<Cluster> {
    let Some(bin) = postgres_bin_dir() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no PostgreSQL binaries (looked in $SWITCHBOARD_PG_BIN and /usr/lib/postgresql/*/bin) \
             and CI is set: CI must run the PostgreSQL tests (`cargo xtask setup test` installs them)"
        );
        eprintln!(
            "SKIPPED: no PostgreSQL binaries (looked in $SWITCHBOARD_PG_BIN and \
             /usr/lib/postgresql/*/bin): this test did not run. Install Debian's `postgresql` \
             (`cargo xtask setup test`) to run it."
        );
        return None;
    };
    let base = std::env::temp_dir().join(CLUSTERS_DIR);
    std::fs::create_dir_all(&base).expect("creating the test clusters' directory");
    // `nobody` must be able to pass through it whatever the umask made it (it may belong
    // to another user's earlier run: then it is left as it is).
    let _ = std::fs::set_permissions(&base, std::os::unix::fs::PermissionsExt::from_mode(0o755));
    remove_clusters_of_dead_processes(&base);
    let dir = base.join(format!("pid-{}", std::process::id()));
    // A leftover of an earlier process that had the same pid.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the test cluster's directory");
    let as_root = running_as_root();
    if as_root {
        std::os::unix::fs::chown(&dir, Some(UNPRIVILEGED_ID), Some(UNPRIVILEGED_ID))
            .expect("handing the test cluster's directory to nobody");
    }
    let data = dir.join("data");
    run_initdb(&bin, &dir, &data, as_root);
    let mut last_failure = String::new();
    for _ in 0..START_ATTEMPTS {
        match start_server(&bin, &dir, &data, as_root) {
            Ok(port) => return Some(Cluster { port }),
            Err(failure) => last_failure = failure,
        }
    }
    panic!(
        "the test PostgreSQL cluster did not start after {START_ATTEMPTS} attempts: {last_failure}"
    );
}

/// `$SWITCHBOARD_PG_BIN`, else the newest `/usr/lib/postgresql/<major>/bin` that has `postgres`.
fn postgres_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SWITCHBOARD_PG_BIN") {
        let dir = PathBuf::from(dir);
        return dir.join("postgres").is_file().then_some(dir);
    }
    let versions = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    versions
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").is_file().then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    // The owner of our own /proc entry is our effective uid (no `unsafe` geteuid needed).
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// A command that runs as `nobody` when we are root.
fn command_as(program: &Path, as_root: bool) -> Command {
    let mut command = Command::new(program);
    if as_root {
        use std::os::unix::process::CommandExt;
        command.uid(UNPRIVILEGED_ID).gid(UNPRIVILEGED_ID);
    }
    command
}

fn run_initdb(bin: &Path, dir: &Path, data: &Path, as_root: bool) {
    let output = command_as(&bin.join("initdb"), as_root)
        .current_dir(dir)
        .arg("-D")
        .arg(data)
        .args(["--auth=trust", "--username", SUPERUSER, "--no-sync"])
        .args(["--encoding=UTF8", "--locale=C"])
        .stdin(Stdio::null())
        .output()
        .expect("running initdb");
    assert!(
        output.status.success(),
        "initdb failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What the log reader saw first.
enum StartEvent {
    Ready,
    /// The server's log ended before it was ready; the lines it wrote.
    Ended(String),
}

/// Starts the server on a free port; `Err` with its log when it ended before it was ready.
fn start_server(bin: &Path, dir: &Path, data: &Path, as_root: bool) -> Result<u16, String> {
    let port = free_loopback_port();
    let mut command = server_command(bin, dir, data, port, as_root);
    let (events, started) = mpsc::channel();
    // The thread that forks the server never ends: its death would deliver the
    // parent-death signal (see the module doc).
    std::thread::Builder::new()
        .name("test-postgres".into())
        .spawn(move || {
            let child = command.stderr(Stdio::piped()).stdout(Stdio::null()).spawn();
            let mut child: Child = match child {
                Ok(child) => child,
                Err(e) => {
                    let _ = events.send(StartEvent::Ended(format!("spawning postgres: {e}")));
                    return;
                }
            };
            if let Some(stderr) = child.stderr.take() {
                std::thread::spawn(move || read_log(stderr, events));
            }
            loop {
                std::thread::park();
            }
        })
        .expect("spawning the test cluster's thread");
    match started.recv_timeout(START_DEADLINE) {
        Ok(StartEvent::Ready) => Ok(port),
        Ok(StartEvent::Ended(log)) => Err(format!("postgres on port {port} ended: {log}")),
        Err(_) => panic!(
            "the test PostgreSQL cluster did not log {READY_LINE:?} within {START_DEADLINE:?}"
        ),
    }
}

/// `postgres` itself, through `setpriv --pdeathsig KILL` where util-linux has it.
fn server_command(bin: &Path, dir: &Path, data: &Path, port: u16, as_root: bool) -> Command {
    let postgres = bin.join("postgres");
    let setpriv = Path::new("/usr/bin/setpriv");
    let mut command = if setpriv.is_file() {
        let mut command = command_as(setpriv, as_root);
        command.args(["--pdeathsig", "KILL", "--"]).arg(&postgres);
        command
    } else {
        eprintln!(
            "warning: no /usr/bin/setpriv: the test PostgreSQL cluster may outlive a killed test process"
        );
        command_as(&postgres, as_root)
    };
    command
        .current_dir(dir)
        .arg("-D")
        .arg(data)
        .arg("-p")
        .arg(port.to_string())
        .arg("-k")
        .arg(dir)
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
        // Many tests, each with a server or two (store + lease connections), share it.
        .args(["-c", "max_connections=300"])
        .stdin(Stdio::null());
    command
}

/// Reports readiness (or the log so far, when it ends first), then keeps draining the
/// server's log so that a full pipe never blocks it.
fn read_log(stderr: std::process::ChildStderr, events: mpsc::Sender<StartEvent>) {
    let mut seen = String::new();
    let mut waiting = true;
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        if waiting {
            if line.contains(READY_LINE) {
                waiting = false;
                let _ = events.send(StartEvent::Ready);
            } else {
                seen.push_str(&line);
                seen.push('\n');
            }
        }
    }
    if waiting {
        let _ = events.send(StartEvent::Ended(seen));
    }
}

fn free_loopback_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Removes `base/pid-N` directories whose process no longer runs.
fn remove_clusters_of_dead_processes(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("pid-")) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select_one(url: &str) -> i32 {
        let url = url.to_owned();
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            client.query_one("SELECT 1", &[]).unwrap().get(0)
        })
        .join()
        .unwrap()
    }

    #[test]
    fn two_fresh_databases_answer_select_1() {
        let Some(first) = fresh_database() else {
            return;
        };
        let Some(second) = fresh_database() else {
            return;
        };
        assert_ne!(first.url, second.url, "each call makes a new database");
        assert_eq!(select_one(&first.url), 1);
        assert_eq!(select_one(&second.url), 1);
    }

    #[tokio::test]
    async fn works_from_inside_a_tokio_test() {
        let Some(db) = fresh_database() else { return };
        assert!(db.url.starts_with("postgres://switchboard@127.0.0.1:"));
        assert_eq!(select_one(&db.url), 1);
    }

    #[test]
    fn a_table_made_in_one_database_is_not_in_another() {
        let Some(first) = fresh_database() else {
            return;
        };
        let Some(second) = fresh_database() else {
            return;
        };
        let (a, b) = (first.url.clone(), second.url.clone());
        std::thread::spawn(move || {
            let mut one = postgres::Client::connect(&a, postgres::NoTls).unwrap();
            one.batch_execute("CREATE TABLE only_here (x INT)").unwrap();
            let mut two = postgres::Client::connect(&b, postgres::NoTls).unwrap();
            assert!(two.batch_execute("SELECT * FROM only_here").is_err());
        })
        .join()
        .unwrap();
    }
}
