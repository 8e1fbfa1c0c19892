//! The lease that makes exactly one of several servers on one PostgreSQL the active one
//! (issue 17): a row `switchboard_lease` with a fencing token, taken by the server that
//! finds it expired and renewed by it every second; the others are standbys and try again
//! every 250 ms.
//!
//! Why a row and not an advisory lock: a lock dies with its session, but a *paused* holder
//! (SIGSTOP, a VM stall) keeps its session and would keep the lock; a row with an expiry
//! judged by PostgreSQL's clock ends by itself, and its token lets every commit check, in
//! the same transaction, that its server still holds it (the store's fence, `store/`). The
//! expiry is PostgreSQL's `clock_timestamp()`, so no two machines' clocks are compared.
//!
//! Locally, [`LeaseGuard`] says how long this server may still act without asking: until
//! the Instant taken *before* sending the last successful renew, plus the TTL, minus a
//! margin. The core checks it after every commit before delivering anything
//! (`server/commit.rs`); when it has passed, the server fail-stops. Its arithmetic takes the
//! Instant as an argument, so it is tested without a clock.
//!
//! The connection uses the synchronous `postgres` client on a thread of its own
//! ([`spawn`]), as the store does: a renew never waits behind the async runtime, and the
//! runtime never blocks on the database. Nothing ever waits for that thread without a
//! bound ([`LeaseHandle::stop`]): on a blackholed network (a pulled cable, a hung database
//! host whose kernel still ACKs) a statement can wait for an answer forever, and a server
//! that lost its lease must still exit.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How long a lease lasts after its last renew (PostgreSQL's clock decides).
pub const LEASE_TTL: Duration = Duration::from_secs(3);
/// How often the active renews.
pub const RENEW_EVERY: Duration = Duration::from_secs(1);
/// How often a standby tries to take the lease.
pub const ACQUIRE_EVERY: Duration = Duration::from_millis(250);
/// The local guard ends this much before the lease could expire in PostgreSQL, for the
/// time a renew's answer takes to arrive and the difference of the two clocks' rates.
pub const GUARD_MARGIN: Duration = Duration::from_millis(500);

/// How often the async side looks at the guard (besides the thread's own reports).
const GUARD_CHECK_EVERY: Duration = Duration::from_millis(100);

/// How long [`LeaseHandle::stop`] waits for the thread's release: a round trip, unless
/// the network is cut, and then the lease expires by itself after its TTL anyway.
pub const RELEASE_WAIT: Duration = Duration::from_secs(2);

/// The advisory lock key under which the lease table is created (two servers starting
/// together must not both run the DDL).
pub const LEASE_TABLE_LOCK: i64 = 7305;

/// The lease table, idempotent (the store's fence tests create it the same way).
pub const LEASE_TABLE_DDL: &str = "\
CREATE TABLE IF NOT EXISTS switchboard_lease (
    id         INTEGER     PRIMARY KEY CHECK (id = 1),
    token      BIGINT      NOT NULL,
    holder     TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
INSERT INTO switchboard_lease (id, token, holder, expires_at)
VALUES (1, 0, '', 'epoch') ON CONFLICT (id) DO NOTHING;";

const ACQUIRE: &str = "UPDATE switchboard_lease SET token = token + 1, holder = $1, \
     expires_at = clock_timestamp() + $2::float8 * interval '1 second' \
     WHERE id = 1 AND expires_at <= clock_timestamp() RETURNING token";
const RENEW: &str = "UPDATE switchboard_lease \
     SET expires_at = clock_timestamp() + $2::float8 * interval '1 second' \
     WHERE id = 1 AND token = $1 AND expires_at > clock_timestamp()";
/// A clean stop hands the lease on at once instead of after the TTL.
const RELEASE: &str = "UPDATE switchboard_lease SET expires_at = clock_timestamp() \
     WHERE id = 1 AND token = $1";
const HOLDER: &str = "SELECT holder FROM switchboard_lease WHERE id = 1";

/// A lease statement that waits longer than this (a row lock held by a paused server's
/// open transaction, which PostgreSQL ends after 2 s) fails instead of hanging the thread.
const STATEMENT_TIMEOUT_MS: u64 = 2_000;
/// Connecting (and every TCP write) gives up after this, so a cut network is an error.
const NETWORK_TIMEOUT: Duration = Duration::from_secs(2);
/// A whole connection attempt, PostgreSQL's startup and authentication included, gives up
/// after this (the TCP connect alone is bounded by [`NETWORK_TIMEOUT`]).
const CONNECT_LIMIT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error("the lease's PostgreSQL connection: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("the lease's PostgreSQL connection: {0}")]
    Connect(#[from] crate::pg_connect::ConnectError),
    #[error("could not start the lease thread: {0}")]
    Thread(std::io::Error),
}

/// How long things take; [`LeaseTiming::default`] is the contract's, tests shorten it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseTiming {
    pub ttl: Duration,
    pub renew_every: Duration,
    pub acquire_every: Duration,
    pub guard_margin: Duration,
}

impl Default for LeaseTiming {
    fn default() -> Self {
        LeaseTiming {
            ttl: LEASE_TTL,
            renew_every: RENEW_EVERY,
            acquire_every: ACQUIRE_EVERY,
            guard_margin: GUARD_MARGIN,
        }
    }
}

/// Until when this server may act as the active one without asking PostgreSQL again.
/// Cloned into the core; extended by the lease thread after each renew.
#[derive(Debug, Clone)]
pub struct LeaseGuard {
    /// The Instant the stored nanoseconds count from.
    base: Instant,
    /// Nanoseconds after `base` until which the lease is held; 0: not held.
    valid_until: Arc<AtomicU64>,
    /// The TTL minus the margin: how long a renew sent at an Instant keeps the guard.
    validity: Duration,
}

impl LeaseGuard {
    /// A guard not (yet) held, for leases of `timing`, counting from `base`.
    pub fn new(base: Instant, timing: LeaseTiming) -> LeaseGuard {
        LeaseGuard {
            base,
            valid_until: Arc::new(AtomicU64::new(0)),
            validity: timing.ttl.saturating_sub(timing.guard_margin),
        }
    }

    /// A renew (or the acquire) sent at `sent_at` succeeded: the guard holds until
    /// `sent_at + ttl - margin`. Never moves the end back (renews are answered in order,
    /// but a late answer must not shorten a later one).
    pub fn extend(&self, sent_at: Instant) {
        let until = sent_at.saturating_duration_since(self.base) + self.validity;
        let nanos = u64::try_from(until.as_nanos()).unwrap_or(u64::MAX).max(1);
        self.valid_until.fetch_max(nanos, Ordering::AcqRel);
    }

    /// The lease is lost (a renew found another holder): nothing more may be delivered.
    pub fn revoke(&self) {
        self.valid_until.store(0, Ordering::Release);
    }

    /// Whether the lease is held at `now`.
    pub fn held_at(&self, now: Instant) -> bool {
        let until = self.valid_until.load(Ordering::Acquire);
        let now =
            u64::try_from(now.saturating_duration_since(self.base).as_nanos()).unwrap_or(u64::MAX);
        until != 0 && now < until
    }

    /// Whether the lease is held now.
    pub fn held_now(&self) -> bool {
        self.held_at(Instant::now())
    }
}

/// One connection to the lease row, for one holder.
pub struct LeaseConnection {
    client: postgres::Client,
    holder: String,
    ttl_secs: f64,
    /// The token this connection took, while it holds the lease.
    token: Option<i64>,
}

impl LeaseConnection {
    /// Connects and creates the lease table if it is not there.
    pub fn connect(url: &str, holder: &str, ttl: Duration) -> Result<LeaseConnection, LeaseError> {
        let mut config: postgres::Config = url.parse()?;
        config
            .connect_timeout(NETWORK_TIMEOUT)
            .tcp_user_timeout(NETWORK_TIMEOUT)
            .keepalives_idle(NETWORK_TIMEOUT)
            .application_name("switchboard-lease")
            .options(&format!(
                "-c statement_timeout={STATEMENT_TIMEOUT_MS} -c client_min_messages=warning"
            ));
        // The whole attempt bounded, startup included (`pg_connect.rs` says why).
        let mut client = crate::pg_connect::connect_within(config, CONNECT_LIMIT, "lease-connect")?;
        ensure_table(&mut client)?;
        Ok(LeaseConnection {
            client,
            holder: holder.to_owned(),
            ttl_secs: ttl.as_secs_f64(),
            token: None,
        })
    }

    /// Takes the lease if it has expired: its new fencing token, or `None` while another
    /// server holds it.
    pub fn try_acquire(&mut self) -> Result<Option<i64>, LeaseError> {
        let row = self
            .client
            .query_opt(ACQUIRE, &[&self.holder, &self.ttl_secs])?;
        self.token = row.map(|row| row.get(0));
        Ok(self.token)
    }

    /// Extends the lease this connection holds; `false` when it is no longer ours (another
    /// server took it, or it expired before this renew arrived).
    pub fn renew(&mut self) -> Result<bool, LeaseError> {
        let Some(token) = self.token else {
            return Ok(false);
        };
        let renewed = self.client.execute(RENEW, &[&token, &self.ttl_secs])? == 1;
        if !renewed {
            self.token = None;
        }
        Ok(renewed)
    }

    /// Ends the lease now (a clean stop), so a standby takes over without waiting the TTL.
    pub fn release(&mut self) -> Result<(), LeaseError> {
        if let Some(token) = self.token.take() {
            self.client.execute(RELEASE, &[&token])?;
        }
        Ok(())
    }

    /// Who holds (or last held) the lease, for the standby's log.
    pub fn holder(&mut self) -> Result<String, LeaseError> {
        Ok(self.client.query_one(HOLDER, &[])?.get(0))
    }
}

/// Creates the lease table and its one row, under the advisory lock, in one transaction.
pub fn ensure_table(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    let mut transaction = client.transaction()?;
    transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&LEASE_TABLE_LOCK])?;
    transaction.batch_execute(LEASE_TABLE_DDL)?;
    transaction.commit()
}

/// What the lease thread reports, in this order: at most one `Standby`, then `Acquired`,
/// then at most one `Lost`; or `Failed` at the start (no connection: a wrong URL, say).
#[derive(Debug)]
pub enum LeaseEvent {
    /// Another server holds the lease; this one is a standby until `Acquired`.
    Standby { holder: String },
    /// This server holds the lease with this fencing token; the guard holds.
    Acquired { token: i64 },
    /// This server no longer holds the lease (the guard is revoked): it must stop.
    Lost { reason: String },
    /// The first connection failed.
    Failed(LeaseError),
}

/// The running lease thread: its events, its guard, and the way to stop it (dropping
/// this stops it too, releasing a held lease).
pub struct LeaseHandle {
    pub events: mpsc::UnboundedReceiver<LeaseEvent>,
    pub guard: LeaseGuard,
    stop: Option<std_mpsc::Sender<Stop>>,
    /// Closed when the thread ends (its [`Keeper`], which holds the sender, is dropped):
    /// awaited with a bound instead of joining a thread that may hang in a read.
    ended: Option<oneshot::Receiver<()>>,
}

/// How the lease thread is told to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Hand the lease on now (a clean stop). Dropping the handle does the same.
    Release,
    /// Stop renewing and leave the row as it is, as a crashed or paused server would
    /// (the tests' way to make a lease expire).
    #[cfg_attr(not(test), allow(dead_code))]
    Abandon,
}

impl LeaseHandle {
    /// Stops the thread, which releases the lease if it holds it, and waits at most
    /// `limit` for it to end; `false` when it did not (it is left behind, detached, and
    /// dies with the process). Never a blocking wait: a thread stuck in a read on a cut
    /// network would otherwise keep this task, and the runtime's drop, waiting forever.
    pub async fn stop_within(mut self, limit: Duration) -> bool {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(Stop::Release);
        }
        match self.ended.take() {
            // Err (the sender dropped) is the thread ending.
            Some(ended) => tokio::time::timeout(limit, ended).await.is_ok(),
            None => true,
        }
    }

    /// [`LeaseHandle::stop_within`] [`RELEASE_WAIT`].
    pub async fn stop(self) -> bool {
        self.stop_within(RELEASE_WAIT).await
    }

    /// Resolves when this server, which holds the lease, has lost it: the thread says so
    /// (a renew found another holder), or the guard has passed without a renew (one that
    /// hangs on a cut network never answers). The reason says `lost the lease`.
    pub async fn lost(&mut self) -> String {
        let mut check = tokio::time::interval(GUARD_CHECK_EVERY);
        loop {
            tokio::select! {
                event = self.events.recv() => match event {
                    Some(LeaseEvent::Lost { reason }) => return reason,
                    Some(_) => {}
                    None => return "lost the lease: the lease thread ended".to_owned(),
                },
                _ = check.tick() => {
                    if !self.guard.held_now() {
                        return "lost the lease: it was not renewed in time".to_owned();
                    }
                }
            }
        }
    }

    /// Stops renewing without releasing: the lease runs out after its TTL, as a crashed
    /// server's does.
    #[cfg(test)]
    pub(crate) fn abandon(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(Stop::Abandon);
        }
    }
}

/// Starts the lease thread for `holder` on `url`: it connects, tries to take the lease
/// every `acquire_every` until it has it, then renews it every `renew_every`, reporting
/// each step on `events`.
pub fn spawn(url: &str, holder: &str, timing: LeaseTiming) -> Result<LeaseHandle, LeaseError> {
    let (events_tx, events) = mpsc::unbounded_channel();
    let (stop, stopped) = std_mpsc::channel();
    let (ended_tx, ended) = oneshot::channel();
    let guard = LeaseGuard::new(Instant::now(), timing);
    let keeper = Keeper {
        url: url.to_owned(),
        holder: holder.to_owned(),
        timing,
        guard: guard.clone(),
        events: events_tx,
        stopped,
        _ended: ended_tx,
    };
    // Detached: it is never joined (see `LeaseHandle::stop_within`).
    std::thread::Builder::new()
        .name("lease".into())
        .spawn(move || keeper.run())
        .map_err(LeaseError::Thread)?;
    Ok(LeaseHandle {
        events,
        guard,
        stop: Some(stop),
        ended: Some(ended),
    })
}

/// The lease thread's state.
struct Keeper {
    url: String,
    holder: String,
    timing: LeaseTiming,
    guard: LeaseGuard,
    events: mpsc::UnboundedSender<LeaseEvent>,
    stopped: std_mpsc::Receiver<Stop>,
    /// Dropped with the keeper when the thread ends, which is what the handle awaits.
    _ended: oneshot::Sender<()>,
}

impl Keeper {
    fn run(self) {
        let mut connection =
            match LeaseConnection::connect(&self.url, &self.holder, self.timing.ttl) {
                Ok(connection) => connection,
                Err(error) => {
                    let _ = self.events.send(LeaseEvent::Failed(error));
                    return;
                }
            };
        let Some(token) = self.acquire(&mut connection) else {
            return;
        };
        let _ = self.events.send(LeaseEvent::Acquired { token });
        self.keep(connection);
    }

    /// Waits `pause`, or until told to stop: `Some` then (the handle gone counts as
    /// [`Stop::Release`]).
    fn pause(&self, pause: Duration) -> Option<Stop> {
        match self.stopped.recv_timeout(pause) {
            Err(std_mpsc::RecvTimeoutError::Timeout) => None,
            Ok(stop) => Some(stop),
            Err(std_mpsc::RecvTimeoutError::Disconnected) => Some(Stop::Release),
        }
    }

    /// Tries until the lease is ours; `None` when stopped first.
    fn acquire(&self, connection: &mut LeaseConnection) -> Option<i64> {
        let mut said_standby = false;
        loop {
            let sent_at = Instant::now();
            match connection.try_acquire() {
                Ok(Some(token)) => {
                    self.guard.extend(sent_at);
                    return Some(token);
                }
                Ok(None) if !said_standby => {
                    said_standby = true;
                    let holder = connection.holder().unwrap_or_default();
                    let _ = self.events.send(LeaseEvent::Standby { holder });
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "could not try to take the lease; trying again");
                    if let Ok(again) =
                        LeaseConnection::connect(&self.url, &self.holder, self.timing.ttl)
                    {
                        *connection = again;
                    }
                }
            }
            if self.pause(self.timing.acquire_every).is_some() {
                return None;
            }
        }
    }

    /// Renews until the lease is lost (then reports it) or the thread is told to stop
    /// (then releases it).
    fn keep(&self, mut connection: LeaseConnection) {
        loop {
            match self.pause(self.timing.renew_every) {
                None => {}
                Some(Stop::Abandon) => return,
                Some(Stop::Release) => {
                    if let Err(error) = connection.release() {
                        tracing::warn!(%error, "could not release the lease; it expires by itself");
                    }
                    return;
                }
            }
            let sent_at = Instant::now();
            match connection.renew() {
                Ok(true) => self.guard.extend(sent_at),
                Ok(false) => {
                    return self.lose("another server took the lease (or it expired first)");
                }
                Err(error) => {
                    tracing::warn!(%error, "could not renew the lease; trying again");
                    let token = connection.token;
                    if let Ok(mut again) =
                        LeaseConnection::connect(&self.url, &self.holder, self.timing.ttl)
                    {
                        again.token = token;
                        connection = again;
                    }
                }
            }
            if !self.guard.held_now() {
                return self.lose("the lease could not be renewed before it ran out");
            }
        }
    }

    fn lose(&self, why: &str) {
        self.guard.revoke();
        let _ = self.events.send(LeaseEvent::Lost {
            reason: format!("lost the lease: {why}"),
        });
    }
}

/// Who this server is, in the lease row: the host, the process and its address.
pub fn holder_name(listening: std::net::SocketAddr) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "unknown-host".to_owned());
    format!("{host} pid {} on {listening}", std::process::id())
}

#[cfg(test)]
#[path = "lease_tests.rs"]
mod tests;
