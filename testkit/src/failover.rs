//! Failover seen from outside: real `switchboard-server` processes sharing one PostgreSQL
//! database ([`ServerProcess`]), what their `/healthz` says ([`Health`]), which of them is
//! active ([`until_active`]), how a standby refuses a WebSocket upgrade
//! ([`upgrade_refusal`]), and the chat rows as PostgreSQL holds them ([`stored_chat`]).
//!
//! The failover tests need separate processes, not servers in the test process: only a
//! process can be killed with SIGKILL or paused with SIGSTOP while the other one keeps
//! running. Signals other than SIGKILL are sent with the shell's `kill` builtin: calling
//! `libc::kill` needs `unsafe`, which the workspace forbids.

use crate::config::TEST_CONFIG;
use crate::process::{listening_address_async, server_command, spawn_server};
use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_protocol::ChatMessage;
use tokio::time::Instant;

/// How long a standby may take to become active after the active died or paused: the
/// lease's TTL (3 s) plus a restore, with room for a loaded machine.
pub const TAKEOVER_DEADLINE: Duration = Duration::from_secs(15);

/// How long one `/healthz` may take before the process counts as down (a paused process
/// accepts the connection in the kernel but never answers).
const HEALTH_TIMEOUT: Duration = Duration::from_millis(500);

/// How often [`until_active`] and [`ServerProcess::wait_exit`] look again.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// What a server process's `/healthz` answered: the same reading as the server's own
/// subcommands (200 `ok` active, 503 `standby`, anything else or nothing down).
pub use switchboard_server::child_server::Health;

/// A real `switchboard-server` process with `--database URL`, `--listen 127.0.0.1:0`, the
/// test configuration, and a `--db` of its own in its own temp directory (unused with
/// `--database`: a server that wrote anything locally would lose it to the other one). Its stderr is
/// captured all along (so a test can read what it said before it exited); it is killed
/// when dropped.
pub struct ServerProcess {
    pub addr: SocketAddr,
    pub pid: u32,
    /// The configuration, the log and the (unused) `--db` path.
    pub dir: tempfile::TempDir,
    child: Child,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    exited: Option<ExitStatus>,
}

impl ServerProcess {
    /// Starts `binary` (a test's `env!("CARGO_BIN_EXE_switchboard-server")`) on
    /// `database_url` with the end-to-end test configuration; returns once it printed its
    /// address (an active and a standby both do as soon as the socket is bound).
    pub async fn start(binary: &Path, database_url: &str) -> ServerProcess {
        ServerProcess::start_with(binary, database_url, TEST_CONFIG).await
    }

    /// [`ServerProcess::start`] with another configuration.
    pub async fn start_with(binary: &Path, database_url: &str, config_toml: &str) -> ServerProcess {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, config_toml).expect("config written");
        let (mut child, first_line) = spawn_server(
            server_command(binary, &config, &dir.path().join("side.db"))
                .args(["--database", database_url])
                .env("NO_COLOR", "1")
                // Its exit error on one line, without a backtrace, whatever the test run sets.
                .env("RUST_BACKTRACE", "0")
                .env("RUST_LIB_BACKTRACE", "0")
                .stderr(Stdio::piped()),
        );
        let pid = child.id();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_reader = {
            let mut pipe = child.stderr.take().expect("stderr piped");
            let stderr = stderr.clone();
            // Read as it comes (the pipe must never fill up), so it can be looked at while
            // the process still runs.
            std::thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    stderr.lock().unwrap().extend_from_slice(&chunk[..n]);
                }
            })
        };
        let mut process = ServerProcess {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            pid,
            dir,
            child,
            stderr,
            stderr_reader: Some(stderr_reader),
            exited: None,
        };
        process.addr = listening_address_async(first_line, pid, || process.stderr()).await;
        process
    }

    /// What `/healthz` answers now.
    pub async fn healthz(&self) -> Health {
        health_of(self.addr).await
    }

    /// SIGKILL, and reaps it: no shutdown code runs, its connections drop.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        if let Ok(status) = self.child.wait() {
            self.exited = Some(status);
        }
    }

    /// SIGSTOP: the process is paused with its sockets and database connections open.
    pub fn stop(&self) {
        self.signal("STOP");
    }

    /// SIGCONT: a paused process runs on.
    pub fn cont(&self) {
        self.signal("CONT");
    }

    /// SIGTERM: a clean stop (an active server hands the lease back at once).
    pub fn term(&self) {
        self.signal("TERM");
    }

    fn signal(&self, name: &str) {
        let status = Command::new("sh")
            .args(["-c", "kill -s \"$1\" \"$2\"", "sh", name])
            .arg(self.pid.to_string())
            .status()
            .expect("sh runs");
        assert!(status.success(), "kill -s {name} {} failed", self.pid);
    }

    /// Waits (at most `limit`) for the process to exit by itself; its exit status. Fails
    /// the test with what it wrote on stderr when it is still running.
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.exited {
                return status;
            }
            if let Some(status) = self.child.try_wait().expect("waitpid") {
                self.exited = Some(status);
                // Its stderr ends with it: read the rest before anyone looks.
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = reader.join();
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server {} still running after {limit:?}; stderr so far: {}",
                self.pid,
                self.stderr()
            );
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Everything it wrote on stderr so far (all of it once [`ServerProcess::wait_exit`]
    /// returned).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // A paused process dies of SIGKILL too.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `/healthz` at `addr` answers now ([`Health::Down`] after [`HEALTH_TIMEOUT`]).
pub async fn health_of(addr: SocketAddr) -> Health {
    let client = health_client();
    switchboard_server::child_server::health_of(&client, addr).await
}

/// An HTTP client whose every request ends after [`HEALTH_TIMEOUT`].
fn health_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HEALTH_TIMEOUT)
        .build()
        .expect("an HTTP client")
}

/// Waits (at most `limit`) until one of `servers` says it is active; its index. Fails the
/// test with every server's state and stderr after the limit.
pub async fn until_active(servers: &[&ServerProcess], limit: Duration) -> usize {
    until_health(servers, Health::Active, limit).await
}

/// Waits (at most `limit`) until one of `servers` answers `wanted`; its index.
pub async fn until_health(servers: &[&ServerProcess], wanted: Health, limit: Duration) -> usize {
    let client = health_client();
    let addrs: Vec<SocketAddr> = servers.iter().map(|server| server.addr).collect();
    let found = switchboard_server::child_server::poll_health(
        &client,
        &addrs,
        POLL_INTERVAL,
        limit,
        |seen| seen.iter().position(|health| *health == wanted),
    )
    .await;
    found.unwrap_or_else(|timeout| {
        let stderrs: Vec<String> = servers
            .iter()
            .map(|s| format!("--- server {} ({}):\n{}", s.pid, s.addr, s.stderr()))
            .collect();
        panic!(
            "none of the servers was {wanted:?}: {timeout}\n{}",
            stderrs.join("\n")
        )
    })
}

/// A refused WebSocket upgrade: the HTTP status, its `Retry-After` header and its body.
#[derive(Debug)]
pub struct UpgradeRefusal {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Tries a WebSocket upgrade on `path` at `addr`; `Some` with the answer when the server
/// refused it over HTTP, `None` when the upgrade went through.
pub async fn upgrade_refusal(addr: SocketAddr, path: &str) -> Option<UpgradeRefusal> {
    use tokio_tungstenite::tungstenite::Error;
    let attempt = tokio::time::timeout(
        crate::DEADLINE,
        tokio_tungstenite::connect_async(format!("ws://{addr}{path}")),
    )
    .await
    .expect("an answer to the upgrade before the deadline");
    match attempt {
        Ok(_) => None,
        Err(Error::Http(response)) => Some(UpgradeRefusal {
            status: response.status().as_u16(),
            retry_after: response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: response
                .body()
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        }),
        Err(other) => panic!("the upgrade failed without an HTTP answer: {other}"),
    }
}

/// Every session chat message in the database at `url`, read straight from PostgreSQL's
/// `chat` table (not through a server), in id order.
pub async fn stored_chat(url: &str) -> Vec<ChatMessage> {
    let url = url.to_owned();
    // The sync client runs its own runtime: never inside this one.
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        client
            .query("SELECT json::text FROM chat ORDER BY id", &[])
            .expect("SELECT json FROM chat")
            .iter()
            .map(|row| {
                let json: String = row.get(0);
                serde_json::from_str(&json).expect("a stored chat message")
            })
            .collect()
    })
    .await
    .expect("the query thread")
}

/// The test configuration with a long grace period for failover tests: a rep is away from
/// the kill (or cut) until the takeover and her resume are done, and the test
/// configuration's 1 s would hand her sessions back to the queue meanwhile.
pub fn failover_config() -> String {
    let config = TEST_CONFIG.replace("grace_secs = 1\n", "grace_secs = 120\n");
    assert_ne!(
        config, TEST_CONFIG,
        "the test configuration's grace_secs line moved"
    );
    config
}

/// How often each customer `client_msg_id` occurs in `chat` (exactly-once checks).
pub fn customer_counts(chat: &[ChatMessage]) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    for message in chat {
        if let (switchboard_protocol::Author::Customer { .. }, Some(id)) =
            (&message.author, &message.client_msg_id)
        {
            *counts.entry(id.clone()).or_default() += 1;
        }
    }
    counts
}
