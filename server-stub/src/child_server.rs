//! A `switchboard-server` process seen from the process that started it: the address it
//! prints first on stdout (`listening on http://ADDR`, read with a deadline:
//! [`ListeningLine`]) and what its `/healthz` answers ([`health_of`], polled by
//! [`poll_health`]).
//!
//! The `bench`, `attack` and `failover-bench` subcommands start this binary as a child and
//! the test kit starts it in the end-to-end tests; they all read the same line and ask the
//! same endpoint, so the reading and the asking live here once.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the server prints before the address on its first stdout line.
const LISTENING_PREFIX: &str = "listening on http://";

/// How long a bench's or attack's server child may take to print its address.
pub const START_LIMIT: Duration = Duration::from_secs(30);

/// Why a child server's address or health could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ChildServerError {
    #[error("the server's stdout is not piped")]
    StdoutNotPiped,
    #[error("the server printed no address within {0:?}")]
    NoAddressInTime(Duration),
    #[error("the server's stdout closed before its address")]
    StdoutClosed,
    #[error("the server did not print its address: unexpected first line {0:?}")]
    UnexpectedLine(String),
    #[error("the printed address {text:?}: {source}")]
    BadAddress {
        text: String,
        source: std::net::AddrParseError,
    },
    #[error("the reader of the server's stdout stopped: {0}")]
    ReaderGone(String),
    #[error("healthz still said {last:?} after {limit:?}")]
    HealthTimeout { limit: Duration, last: Vec<Health> },
}

/// The first line a child server prints on stdout, read on a thread of its own so that
/// waiting for it has a deadline. The thread then reads stdout to its end: the child never
/// writes to a closed or a full pipe, however long it runs.
pub struct ListeningLine {
    first_line: mpsc::Receiver<String>,
}

impl ListeningLine {
    /// Takes `child`'s stdout (spawned with `Stdio::piped()`) and starts reading it.
    pub fn read_from(child: &mut Child) -> Result<ListeningLine, ChildServerError> {
        let stdout = child
            .stdout
            .take()
            .ok_or(ChildServerError::StdoutNotPiped)?;
        let (sender, first_line) = mpsc::sync_channel(1);
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            // An empty line on a read error: the waiting side reports the stdout closed.
            let _ = stdout.read_line(&mut line);
            let _ = sender.send(line);
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        Ok(ListeningLine { first_line })
    }

    /// Blocks at most `limit` for the line; the address it names.
    pub fn address_blocking(self, limit: Duration) -> Result<SocketAddr, ChildServerError> {
        let line = self
            .first_line
            .recv_timeout(limit)
            .map_err(|error| match error {
                mpsc::RecvTimeoutError::Timeout => ChildServerError::NoAddressInTime(limit),
                mpsc::RecvTimeoutError::Disconnected => ChildServerError::StdoutClosed,
            })?;
        parse_listening_line(&line)
    }

    /// [`ListeningLine::address_blocking`] without blocking the async runtime's thread.
    pub async fn address(self, limit: Duration) -> Result<SocketAddr, ChildServerError> {
        tokio::task::spawn_blocking(move || self.address_blocking(limit))
            .await
            .map_err(|error| ChildServerError::ReaderGone(error.to_string()))?
    }
}

/// The address in a `listening on http://ADDR` line.
fn parse_listening_line(line: &str) -> Result<SocketAddr, ChildServerError> {
    if line.is_empty() {
        return Err(ChildServerError::StdoutClosed);
    }
    let text = line
        .trim()
        .strip_prefix(LISTENING_PREFIX)
        .ok_or_else(|| ChildServerError::UnexpectedLine(line.to_owned()))?;
    text.parse().map_err(|source| ChildServerError::BadAddress {
        text: text.to_owned(),
        source,
    })
}

/// What a server's `/healthz` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// 200 `ok`: it holds the lease and serves.
    Active,
    /// 503 `standby`: it waits for the lease.
    Standby,
    /// No answer within `http`'s timeout (dead, paused, not listening) or another answer.
    Down,
}

/// What `/healthz` at `addr` answers now, asked with `http` (whose timeout bounds the
/// wait: a paused process accepts the connection in the kernel but never answers).
pub async fn health_of(http: &reqwest::Client, addr: SocketAddr) -> Health {
    let Ok(response) = http.get(format!("http://{addr}/healthz")).send().await else {
        return Health::Down;
    };
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    match (status, body.trim()) {
        (200, "ok") => Health::Active,
        (503, "standby") => Health::Standby,
        _ => Health::Down,
    }
}

/// Asks every server in `addrs` for its health every `interval` until `decide` returns
/// something for what they answered (in `addrs`' order), at most `limit`.
pub async fn poll_health<T>(
    http: &reqwest::Client,
    addrs: &[SocketAddr],
    interval: Duration,
    limit: Duration,
    mut decide: impl FnMut(&[Health]) -> Option<T>,
) -> Result<T, ChildServerError> {
    let deadline = Instant::now() + limit;
    loop {
        let mut seen = Vec::with_capacity(addrs.len());
        for addr in addrs {
            seen.push(health_of(http, *addr).await);
        }
        if let Some(decided) = decide(&seen) {
            return Ok(decided);
        }
        if Instant::now() >= deadline {
            return Err(ChildServerError::HealthTimeout { limit, last: seen });
        }
        tokio::time::sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_line_gives_the_address_and_anything_else_an_error() {
        assert_eq!(
            parse_listening_line("listening on http://127.0.0.1:4000\n").ok(),
            Some(SocketAddr::from(([127, 0, 0, 1], 4000)))
        );
        assert!(matches!(
            parse_listening_line(""),
            Err(ChildServerError::StdoutClosed)
        ));
        assert!(matches!(
            parse_listening_line("error: no config\n"),
            Err(ChildServerError::UnexpectedLine(_))
        ));
        assert!(matches!(
            parse_listening_line("listening on http://nowhere\n"),
            Err(ChildServerError::BadAddress { .. })
        ));
    }

    #[test]
    fn a_child_that_prints_nothing_in_time_is_an_error_not_a_hang() {
        // `sleep` keeps stdout open and silent: the wait must end at the limit.
        let Ok(mut child) = std::process::Command::new("sleep")
            .arg("30")
            .stdout(std::process::Stdio::piped())
            .spawn()
        else {
            panic!("`sleep` runs");
        };
        let waited = ListeningLine::read_from(&mut child)
            .map(|line| line.address_blocking(Duration::from_millis(100)));
        let _ = child.kill();
        let _ = child.wait();
        assert!(matches!(
            waited,
            Ok(Err(ChildServerError::NoAddressInTime(_)))
        ));
    }
}
