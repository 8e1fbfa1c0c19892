//! `switchboard-server failover-bench --database postgres://… [--trials 20]`: how long a
//! standby takes to serve after the active server dies. Per trial it starts two server
//! processes (this binary) on the database, waits until one is active and the other a
//! standby, has a rep log in and open a console stream on the active (so it really
//! serves), kills the active with SIGKILL, and times from the kill to the first request the
//! standby accepts (`POST /api/login` polled every 20 ms). It prints each trial, then the
//! median and the maximum against the target (median < 5 s, max < 10 s).
//!
//! The database is used as a deployment uses it (its lease row, its tables): point it at a
//! scratch database, never at one that serves customers.

use crate::bench::bench_config_toml;
use crate::child_server::{Health, ListeningLine, poll_health};
use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use switchboard_protocol::{
    LoginRequest, LoginResponse, PROTOCOL_VERSION, RepHello, RepServerMessage,
};
use tokio_tungstenite::tungstenite::Message;

/// What to measure.
#[derive(Debug, Clone, clap::Args)]
pub struct FailoverBenchArgs {
    /// How many kills to time (each with two fresh server processes).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub trials: u32,
}

/// The target: the median and the worst failover time.
const TARGET_MEDIAN: Duration = Duration::from_secs(5);
const TARGET_MAX: Duration = Duration::from_secs(10);
/// How often the standby is asked whether it serves yet.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// How long one request may take (a paused or dying server may never answer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a start may take: printing the address, then one active and one standby (the
/// lease of the previous trial's killed server must expire first: its TTL is 3 s).
const START_LIMIT: Duration = Duration::from_secs(30);
/// A takeover slower than this is reported as a failure, not a figure.
const TAKEOVER_LIMIT: Duration = Duration::from_secs(60);
/// The bench configuration's rep and password (bench.rs's `bench_config_toml`).
const REP: &str = "r0";
const PASSWORD: &str = "bench";

/// Runs the trials on `database` (the global `--database`) and prints the figures.
pub async fn run(database: Option<&str>, args: FailoverBenchArgs) -> anyhow::Result<()> {
    let database = database.context("failover-bench needs --database postgres://…")?;
    anyhow::ensure!(
        database.starts_with("postgres://") || database.starts_with("postgresql://"),
        "failover-bench needs a PostgreSQL --database (postgres://…)"
    );
    let binary = std::env::current_exe().context("this program's path")?;
    let http = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("an HTTP client")?;
    println!(
        "switchboard failover-bench: {} trials, kill -9 of the active to the first login the standby accepts",
        args.trials
    );
    let mut times = Vec::new();
    for trial in 1..=args.trials {
        let dir = std::env::temp_dir().join(format!(
            "switchboard-failover-bench-{}-{trial}",
            std::process::id()
        ));
        let taken = one_trial(&binary, database, &dir, &http).await;
        let _ = std::fs::remove_dir_all(&dir);
        let taken = taken.with_context(|| format!("trial {trial}"))?;
        println!("trial {trial:>3}: {:.3} s", taken.as_secs_f64());
        times.push(taken);
    }
    times.sort();
    let median = median(&times);
    let max = times.last().copied().unwrap_or_default();
    let met = median < TARGET_MEDIAN && max < TARGET_MAX;
    println!(
        "failover over {} trials: median {:.3} s, max {:.3} s, min {:.3} s (target: median < {} s, max < {} s: {})",
        times.len(),
        median.as_secs_f64(),
        max.as_secs_f64(),
        times.first().copied().unwrap_or_default().as_secs_f64(),
        TARGET_MEDIAN.as_secs(),
        TARGET_MAX.as_secs(),
        if met { "met" } else { "NOT met" }
    );
    Ok(())
}

/// The median of sorted `times` (the mean of the middle two for an even count).
fn median(times: &[Duration]) -> Duration {
    match times.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => times[n / 2],
        n => (times[n / 2 - 1] + times[n / 2]) / 2,
    }
}

/// One trial: two servers, a rep on the active, kill -9, time until the standby serves.
async fn one_trial(
    binary: &Path,
    database: &str,
    dir: &Path,
    http: &reqwest::Client,
) -> anyhow::Result<Duration> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let config = dir.join("bench.toml");
    std::fs::write(&config, bench_config_toml(1)?)?;
    let mut first = ServerProcess::start(binary, database, &config, &dir.join("a"))?;
    let mut second = ServerProcess::start(binary, database, &config, &dir.join("b"))?;
    let first_addr = first.address().await?;
    let second_addr = second.address().await?;
    let (mut active, active_addr, standby, standby_addr) =
        match until_active_and_standby(http, [first_addr, second_addr]).await {
            Ok(0) => (first, first_addr, second, second_addr),
            Ok(_) => (second, second_addr, first, first_addr),
            Err(e) => {
                return Err(e.context(format!(
                    "first server's log: {}\nsecond server's log: {}",
                    first.log_tail(),
                    second.log_tail()
                )));
            }
        };
    // A rep logs in and opens her console stream: the active really serves.
    let token = login(http, active_addr)
        .await?
        .context("the active refused the login")?;
    let _console = open_console(active_addr, &token).await?;

    let killed_at = Instant::now();
    active.kill9();
    let deadline = killed_at + TAKEOVER_LIMIT;
    loop {
        if let Ok(Some(_)) = login(http, standby_addr).await {
            return Ok(killed_at.elapsed());
        }
        if Instant::now() >= deadline {
            anyhow::bail!(
                "the standby accepted no login within {TAKEOVER_LIMIT:?} of the kill; its log: {}",
                standby.log_tail()
            );
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Polls both servers' `/healthz` until one says `ok` and the other `standby`; the index of
/// the active one.
async fn until_active_and_standby(
    http: &reqwest::Client,
    addrs: [SocketAddr; 2],
) -> anyhow::Result<usize> {
    poll_health(
        http,
        &addrs,
        POLL_INTERVAL,
        START_LIMIT,
        |seen| match seen {
            [Health::Active, Health::Standby] => Some(Ok(0)),
            [Health::Standby, Health::Active] => Some(Ok(1)),
            [Health::Active, Health::Active] => {
                Some(Err(anyhow::anyhow!("both servers say they are active")))
            }
            _ => None,
        },
    )
    .await
    .map_err(|timeout| anyhow::anyhow!("no active and standby pair: {timeout}"))?
}

/// Logs the bench rep in; `Some(token)` when the server accepted it, `None` for any other
/// answer (a standby's 503 among them), an error only when the request could not be made.
async fn login(http: &reqwest::Client, addr: SocketAddr) -> anyhow::Result<Option<String>> {
    let response = http
        .post(format!("http://{addr}/api/login"))
        .json(&LoginRequest {
            username: REP.into(),
            password: PASSWORD.into(),
        })
        .send()
        .await?;
    if !response.status().is_success() {
        return Ok(None);
    }
    Ok(Some(response.json::<LoginResponse>().await?.token))
}

/// Opens `/ws/rep` with `token` and waits for the welcome; the open socket.
async fn open_console(
    addr: SocketAddr,
    token: &str,
) -> anyhow::Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
> {
    let (mut socket, _) = tokio::time::timeout(
        REQUEST_TIMEOUT * 5,
        tokio_tungstenite::connect_async(format!("ws://{addr}/ws/rep")),
    )
    .await
    .context("the console's upgrade timed out")??;
    let hello = RepHello::Hello {
        protocol_version: PROTOCOL_VERSION,
        token: token.into(),
        resume: None,
    };
    socket
        .send(Message::Text(serde_json::to_string(&hello)?.into()))
        .await?;
    loop {
        let frame = tokio::time::timeout(REQUEST_TIMEOUT * 5, socket.next())
            .await
            .context("no welcome in time")?
            .context("the socket closed before the welcome")??;
        if let Message::Text(text) = frame {
            match serde_json::from_str::<RepServerMessage>(&text)? {
                RepServerMessage::Welcome { .. } => return Ok(socket),
                other => anyhow::bail!("expected a welcome, got {other:?}"),
            }
        }
    }
}

/// A server process of this binary; killed when dropped.
struct ServerProcess {
    child: Child,
    log: PathBuf,
    first_line: Option<ListeningLine>,
}

impl ServerProcess {
    /// Starts `binary` on `database` with its log (and an unused `--db`) under `side`.
    fn start(
        binary: &Path,
        database: &str,
        config: &Path,
        side: &Path,
    ) -> anyhow::Result<ServerProcess> {
        std::fs::create_dir_all(side)?;
        let log = side.join("server.log");
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(config)
            .arg("--db")
            .arg(side.join("side.db"))
            .args(["--listen", "127.0.0.1:0", "--database", database])
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?)
            .spawn()
            .context("starting a server process")?;
        let first_line = ListeningLine::read_from(&mut child)?;
        Ok(ServerProcess {
            child,
            log,
            first_line: Some(first_line),
        })
    }

    /// The address it printed (`listening on http://…`); read once.
    async fn address(&mut self) -> anyhow::Result<SocketAddr> {
        let first_line = self
            .first_line
            .take()
            .context("the address was already read")?;
        first_line
            .address(START_LIMIT)
            .await
            .map_err(|error| anyhow::anyhow!("{error}; log: {}", self.log_tail()))
    }

    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The last lines of what it logged, for an error message.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let s = Duration::from_secs;
        assert_eq!(median(&[]), Duration::ZERO);
        assert_eq!(median(&[s(1), s(2), s(9)]), s(2));
        assert_eq!(median(&[s(1), s(2), s(4), s(9)]), s(3));
    }
}
