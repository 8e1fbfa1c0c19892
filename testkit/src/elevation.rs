//! Elevated shells seen from the kit's clients, and what the grep tests need: a rep's
//! `elevate_shell`, the customer program's `describe_elevation` and `elevation_credentials`,
//! and the real server binary started with its tracing output captured ([`LoggedServer`]),
//! so a test can read every byte the server wrote (its data directory and its log) and
//! look for a secret there ([`absent_everywhere`]).

use crate::customer::CustomerClient;
use crate::process::{listening_address, server_command, spawn_server};
use crate::rep::RepClient;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use switchboard_protocol::{
    CustomerRequest, CustomerServerMessage, ElevationRequest, ElevationSupport, GrantId, OkResult,
    RepEvent, RepRequest, Secret, SessionId,
};

/// The account `.ci/run` creates for real elevation tests, and its password.
pub const TEST_ADMIN: &str = "sbadmin";
pub const TEST_ADMIN_PASSWORD: &str = "Sb-test-elevation-1";

/// A `specific_user` request.
pub fn specific_user(username: &str, password: &str) -> ElevationRequest {
    ElevationRequest::SpecificUser {
        username: username.into(),
        password: Secret(password.into()),
    }
}

impl RepClient {
    /// `elevate_shell`; the new grant's id.
    pub async fn elevate_shell(
        &mut self,
        session_id: SessionId,
        elevation: ElevationRequest,
    ) -> GrantId {
        match self
            .ok(RepRequest::ElevateShell {
                session_id,
                elevation,
            })
            .await
        {
            Some(OkResult::Grant { grant_id }) => grant_id,
            other => panic!("elevate_shell answered {other:?}"),
        }
    }

    /// Waits for a `session_updated` of `session_id` showing `support` as its
    /// `remote.elevation`.
    pub async fn sees_elevation(&mut self, session_id: SessionId, support: &ElevationSupport) {
        self.pick("session_updated with remote.elevation", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id
                    && session.remote.elevation.as_ref() == Some(support) =>
            {
                Some(())
            }
            _ => None,
        })
        .await
    }
}

impl CustomerClient {
    /// The program's `describe_elevation` (answered `ok`).
    pub async fn describe_elevation(&mut self, support: ElevationSupport) {
        self.ok_ticket(CustomerRequest::DescribeElevation { support })
            .await;
    }

    /// Waits for `elevation_credentials` of `grant_id`: (username, password).
    pub async fn elevation_credentials(&mut self, grant_id: GrantId) -> (String, String) {
        self.pick("elevation_credentials", |m| match m {
            CustomerServerMessage::ElevationCredentials {
                grant_id: got,
                username,
                password,
            } if *got == grant_id => Some((username.clone(), password.0.clone())),
            _ => None,
        })
        .await
    }

    /// How many `elevation_credentials` are received and not yet taken.
    pub fn queued_credentials(&self) -> usize {
        self.inbox
            .iter()
            .filter(|m| matches!(m, CustomerServerMessage::ElevationCredentials { .. }))
            .count()
    }
}

/// The real server binary on a free port, its database in a temp directory and its whole
/// tracing output (stderr, at `log_filter`) captured.
pub struct LoggedServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    child: Child,
    /// Reads stderr to its end on its own thread (the pipe must never fill up).
    log: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl LoggedServer {
    /// Starts `binary` (a test's `env!("CARGO_BIN_EXE_switchboard-server")`) with
    /// `config_toml`, `RUST_LOG=log_filter` and no colours.
    pub fn start(binary: &Path, config_toml: &str, log_filter: &str) -> LoggedServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, config_toml).expect("config written");
        let (mut child, first_line) = spawn_server(
            server_command(binary, &config, &dir.path().join("server.db"))
                .env("RUST_LOG", log_filter)
                .env("NO_COLOR", "1")
                .stderr(Stdio::piped()),
        );
        let mut stderr = child.stderr.take().expect("stderr piped");
        let log = std::thread::spawn(move || {
            let mut all = Vec::new();
            let _ = stderr.read_to_end(&mut all);
            all
        });
        let addr = listening_address(first_line, child.id(), || {
            "(read to its end only once it exits)".to_owned()
        });
        LoggedServer {
            addr,
            dir,
            child,
            log: Some(log),
        }
    }

    /// Kills the server (SIGKILL: its WAL files stay as they were) and returns everything
    /// it logged.
    pub fn kill_and_log(&mut self) -> Vec<u8> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log
            .take()
            .map(|log| log.join().expect("the log reader ends"))
            .unwrap_or_default()
    }

    /// Every file under the server's data directory (the database, its WAL, the shell and
    /// files databases, the configuration), with its bytes.
    pub fn data_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut dirs = vec![self.dir.path().to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("a readable directory") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let bytes = std::fs::read(&path).expect("a readable file");
                    files.push((path, bytes));
                }
            }
        }
        files.sort();
        files
    }
}

impl Drop for LoggedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Panics naming the places (`(what, bytes)`) where `secret` occurs, byte for byte.
pub fn absent_everywhere(places: &[(String, Vec<u8>)], secret: &[u8]) {
    assert!(!secret.is_empty(), "an empty secret proves nothing");
    let found: Vec<String> = places
        .iter()
        .filter(|(_, bytes)| bytes.windows(secret.len()).any(|w| w == secret))
        .map(|(what, bytes)| {
            // The lines around it (the secret itself masked), to say what wrote it.
            let text = String::from_utf8_lossy(bytes);
            let masked = String::from_utf8_lossy(secret);
            let lines: Vec<String> = text
                .lines()
                .filter(|l| l.contains(masked.as_ref()))
                .take(3)
                .map(|l| {
                    l.replace(masked.as_ref(), "<SECRET>")
                        .chars()
                        .take(400)
                        .collect()
                })
                .collect();
            format!("{what}: {lines:#?}")
        })
        .collect();
    assert!(found.is_empty(), "the secret is in {found:#?}");
}

/// Whether `needle` occurs in any of `places` (to show a grep reads real data).
pub fn present_somewhere(places: &[(String, Vec<u8>)], needle: &[u8]) -> bool {
    places
        .iter()
        .any(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
}
