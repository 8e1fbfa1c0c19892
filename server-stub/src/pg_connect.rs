//! Connecting to PostgreSQL with the whole attempt bounded in time, for every connection the
//! server makes (the store's three, the lease's, `report` and `check-config`).
//!
//! Why: the `postgres` client's `connect_timeout` covers only the TCP connect. A host whose
//! kernel accepts the connection but whose PostgreSQL never answers the startup (a frozen
//! postmaster, a proxy holding new connections) would hang the caller for good: a standby
//! that took the lease would then hold it without ever serving, and nobody else could take
//! over (found by `e2e_failover_netcut`). Here the attempt runs on a thread of its own and
//! the caller gives up after `limit`.
//!
//! An abandoned attempt's thread ends when the host finally answers or drops the connection
//! (PostgreSQL's own `authentication_timeout`, 60 s by default, or the TCP timeouts); until
//! then it counts against [`MAX_PENDING`], so a caller that retries in a loop against a host
//! that never answers cannot pile up threads without bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Connection attempts abandoned and still running, at most; past it a new attempt fails at
/// once with [`ConnectError::Pending`].
pub const MAX_PENDING: usize = 8;

/// Attempts started and not yet finished (answered or failed), abandoned or not.
static PENDING: AtomicUsize = AtomicUsize::new(0);

/// Why a bounded connect failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// PostgreSQL's own error (a bad URL, refused, authentication…); never holds the URL.
    #[error("{0}")]
    Postgres(#[from] postgres::Error),
    #[error("PostgreSQL did not answer within {0:?}")]
    NoAnswer(Duration),
    #[error(
        "PostgreSQL did not answer: {MAX_PENDING} earlier connection attempts are still waiting for it"
    )]
    Pending,
    #[error("could not start a thread to connect to the database: {0}")]
    Thread(std::io::Error),
}

/// Connects with `config` (without TLS, as every connection of the server does), giving up
/// after `limit` however far the attempt got. `name` names the attempt's thread.
pub fn connect_within(
    config: postgres::Config,
    limit: Duration,
    name: &str,
) -> Result<postgres::Client, ConnectError> {
    connect_counted(&PENDING, config, limit, name)
}

/// [`connect_within`], its attempts counted in `pending` (the tests count their own, apart
/// from the other tests' connections in the same process).
fn connect_counted(
    pending: &'static AtomicUsize,
    config: postgres::Config,
    limit: Duration,
    name: &str,
) -> Result<postgres::Client, ConnectError> {
    let pending = PendingAttempt::start(pending)?;
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let connected = config.connect(postgres::NoTls);
            drop(pending);
            // The receiver is gone only when the caller stopped waiting.
            let _ = sender.send(connected);
        })
        .map_err(ConnectError::Thread)?;
    match receiver.recv_timeout(limit) {
        Ok(connected) => Ok(connected?),
        Err(_) => Err(ConnectError::NoAnswer(limit)),
    }
}

/// One attempt counted in its counter from its start until it is dropped.
struct PendingAttempt(&'static AtomicUsize);

impl PendingAttempt {
    fn start(pending: &'static AtomicUsize) -> Result<PendingAttempt, ConnectError> {
        pending
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_PENDING).then_some(n + 1)
            })
            .map(|_| PendingAttempt(pending))
            .map_err(|_| ConnectError::Pending)
    }
}

impl Drop for PendingAttempt {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A config for a "server" that accepts TCP (the kernel does) and never says a word.
    fn silent_server() -> (TcpListener, postgres::Config) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = format!("postgres://nobody@127.0.0.1:{port}/nothing")
            .parse()
            .unwrap();
        (listener, config)
    }

    /// A host that accepts and never answers the startup fails within the bound, and the
    /// attempts left waiting on it are bounded too; when it goes away they end and count no
    /// more.
    #[test]
    fn a_silent_host_fails_within_the_limit_and_abandoned_attempts_are_bounded() {
        let (listener, config) = silent_server();
        let limit = Duration::from_millis(200);
        let started = std::time::Instant::now();
        let mut errors = Vec::new();
        static COUNTED: AtomicUsize = AtomicUsize::new(0);
        for _ in 0..MAX_PENDING + 2 {
            match connect_counted(&COUNTED, config.clone(), limit, "test") {
                Ok(_) => panic!("a silent host cannot be connected to"),
                Err(error) => errors.push(error),
            }
        }
        assert!(
            started.elapsed() < limit * (MAX_PENDING as u32 + 2) + Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        let no_answer = errors
            .iter()
            .filter(|e| matches!(e, ConnectError::NoAnswer(_)))
            .count();
        let refused_at_once = errors
            .iter()
            .filter(|e| matches!(e, ConnectError::Pending))
            .count();
        assert_eq!((no_answer, refused_at_once), (MAX_PENDING, 2), "{errors:?}");
        // The host goes away: the waiting attempts fail, and new attempts may start again.
        drop(listener);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while COUNTED.load(Ordering::Acquire) > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "abandoned attempts never ended"
            );
            std::thread::yield_now();
        }
    }
}
