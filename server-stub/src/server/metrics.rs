//! `GET /metrics`: the server's figures in the Prometheus text format (0.0.4), for whoever
//! holds the `[metrics] token` (sent as `Authorization: Bearer TOKEN`).
//!
//! A small registry of atomics shared by `Arc` (no metrics library): the core's commit path
//! counts messages, accepts and abandons and times each batch commit (`commit.rs`), the core
//! publishes its connection and queue gauges on every tick, and a scrape reads them all.
//!
//! Hostile input: without a token configured the endpoint does not exist (404); a missing
//! or wrong token is 401, compared in constant time, and an address with too many wrong
//! tokens is refused (429) for a minute; every answer is bounded (the queue labels are the
//! configured teams, `general` and one `personal` for all personal queues).

use super::AppState;
use super::http::not_found;
use super::throttle::Throttle;
use crate::router::effects::StoreOp;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Wrong tokens an address may send per minute before it is refused.
const WRONG_TOKENS_PER_MINUTE: usize = 10;
/// Upper bounds of the wait histogram's buckets, in seconds.
const WAIT_BUCKETS: [f64; 10] = [
    5.0, 10.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 1800.0, 3600.0,
];
/// Upper bounds of the commit histogram's buckets, in seconds.
const COMMIT_BUCKETS: [f64; 11] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
];
/// The most queue gauges published: the general queue, personal, and this many teams.
const MAX_TEAM_GAUGES: usize = 1000;

/// A histogram of atomics: one counter per bucket (not cumulative; the exposition sums),
/// the sum in microseconds, the count.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    buckets: Vec<AtomicU64>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            buckets: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, value: Duration) {
        let secs = value.as_secs_f64();
        if let Some(i) = self.bounds.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(value.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, bucket) in self.bounds.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// What the core publishes on every tick.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreGauges {
    pub rep_connections: usize,
    pub customer_connections: usize,
    pub jump_connections: usize,
    /// Waiting sessions per queue label (teams, `general`, `personal`), sorted.
    pub waiting: Vec<(String, usize)>,
}

/// Every figure `/metrics` shows.
pub struct Metrics {
    accepts: AtomicU64,
    abandons: AtomicU64,
    messages: AtomicU64,
    waits: Histogram,
    commits: Histogram,
    core: Mutex<CoreGauges>,
    wrong_tokens: Mutex<Throttle<IpAddr>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            accepts: AtomicU64::new(0),
            abandons: AtomicU64::new(0),
            messages: AtomicU64::new(0),
            waits: Histogram::new(&WAIT_BUCKETS),
            commits: Histogram::new(&COMMIT_BUCKETS),
            core: Mutex::new(CoreGauges::default()),
            wrong_tokens: Mutex::new(Throttle::new(WRONG_TOKENS_PER_MINUTE, 60_000)),
        }
    }
}

impl Metrics {
    /// Counts what a batch made durable (called once it is committed): chat messages, and
    /// from the session facts, accepts (with their waits) and abandons.
    pub fn committed(&self, ops: &[StoreOp], took: Duration) {
        self.commits.observe(took);
        for op in ops {
            match op {
                StoreOp::PutChat(_) => {
                    self.messages.fetch_add(1, Ordering::Relaxed);
                }
                StoreOp::PutSessionFacts(facts) => {
                    if let Some(waited_ms) = facts.waited_ms {
                        self.accepts.fetch_add(1, Ordering::Relaxed);
                        self.waits.observe(Duration::from_millis(waited_ms));
                    }
                    if facts.abandoned {
                        self.abandons.fetch_add(1, Ordering::Relaxed);
                    }
                }
                _ => {}
            }
        }
    }

    /// The core's gauges, replacing the previous ones.
    pub fn publish(&self, mut gauges: CoreGauges) {
        gauges.waiting.truncate(MAX_TEAM_GAUGES + 2);
        if let Ok(mut core) = self.core.lock() {
            *core = gauges;
        }
    }

    /// The text exposition; `media_streams` is read from the relay at scrape time.
    pub fn render(&self, media_streams: usize) -> String {
        let core = self.core.lock().map(|c| c.clone()).unwrap_or_default();
        let mut out = String::with_capacity(4096);
        let gauge = |out: &mut String, name: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
        };
        gauge(
            &mut out,
            "switchboard_connections",
            "Open WebSocket connections by kind.",
        );
        for (kind, n) in [
            ("rep", core.rep_connections),
            ("customer", core.customer_connections),
            ("media", media_streams),
            ("jump", core.jump_connections),
        ] {
            let _ = writeln!(out, "switchboard_connections{{kind=\"{kind}\"}} {n}");
        }
        gauge(
            &mut out,
            "switchboard_waiting",
            "Sessions waiting, by queue.",
        );
        for (queue, n) in &core.waiting {
            let _ = writeln!(out, "switchboard_waiting{{queue=\"{}\"}} {n}", label(queue));
        }
        gauge(
            &mut out,
            "switchboard_media_streams",
            "Media sockets attached (screens and shells, both ends).",
        );
        let _ = writeln!(out, "switchboard_media_streams {media_streams}");
        self.waits.write(
            &mut out,
            "switchboard_wait_seconds",
            "Time accepted sessions waited in their queue.",
        );
        self.commits.write(
            &mut out,
            "switchboard_commit_seconds",
            "Time to commit one batch of changes (the core's group commit).",
        );
        for (name, help, counter) in [
            (
                "switchboard_accepts_total",
                "Sessions taken from a queue.",
                &self.accepts,
            ),
            (
                "switchboard_abandons_total",
                "Sessions that ended while waiting.",
                &self.abandons,
            ),
            (
                "switchboard_messages_total",
                "Chat messages kept.",
                &self.messages,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
        }
        out
    }
}

/// A label value escaped as the format wants (ids are plain already; this is a guard).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Compares two secrets in time that does not depend on where they differ: their SHA-256
/// digests are compared byte by byte without stopping early.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// `GET /metrics`.
pub async fn scrape(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(expected) = &state.config.metrics_token else {
        return not_found(headers).await;
    };
    let metrics = state.store.metrics();
    let now = super::core::now_ms();
    if let Ok(mut wrong) = metrics.wrong_tokens.lock()
        && let Err(wait_secs) = wrong.check(&peer.ip(), now)
    {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait_secs.to_string())],
            "too many wrong tokens\n",
        )
            .into_response();
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given, expected) {
        if let Ok(mut wrong) = metrics.wrong_tokens.lock() {
            wrong.fail(&peer.ip(), now);
        }
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a bearer token is required\n",
        )
            .into_response();
    }
    let (_, media_streams) = state.media.counts();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(media_streams),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content() {
        assert!(same_secret("abcdefghijklmnop", "abcdefghijklmnop"));
        assert!(!same_secret("abcdefghijklmnoq", "abcdefghijklmnop"));
        assert!(!same_secret("", "abcdefghijklmnop"));
    }

    #[test]
    fn histograms_are_cumulative_in_the_text() {
        let metrics = Metrics::default();
        metrics.waits.observe(Duration::from_secs(7));
        metrics.waits.observe(Duration::from_secs(4000));
        let text = metrics.render(0);
        assert!(
            text.contains("switchboard_wait_seconds_bucket{le=\"5\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("switchboard_wait_seconds_bucket{le=\"10\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("switchboard_wait_seconds_bucket{le=\"3600\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("switchboard_wait_seconds_bucket{le=\"+Inf\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("switchboard_wait_seconds_count 2\n"),
            "{text}"
        );
        assert!(
            text.contains("switchboard_wait_seconds_sum 4007\n"),
            "{text}"
        );
    }
}
