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
//! then it counts against [`MAX_PENDING`] (attempts still within their limit do not), so a caller that retries in a loop against a host
//! that never answers cannot pile up threads without bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;

/// Connection attempts abandoned and still running, at most; past it a new attempt fails at
/// once with [`ConnectError::Pending`].
pub const MAX_PENDING: usize = 8;

/// Attempts the caller gave up on that are still running.
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

/// [`connect_within`], its abandoned attempts counted in `pending` (the tests count their
/// own, apart from the other tests' connections in the same process).
fn connect_counted(
    pending: &'static AtomicUsize,
    config: postgres::Config,
    limit: Duration,
    name: &str,
) -> Result<postgres::Client, ConnectError> {
    // Only attempts given up on count: any number of healthy connects may run at once.
    if pending.load(Ordering::Acquire) >= MAX_PENDING {
        return Err(ConnectError::Pending);
    }
    let state = Arc::new(AtomicU8::new(RUNNING));
    let attempt = state.clone();
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let connected = config.connect(postgres::NoTls);
            // Abandoned meanwhile: the caller counted it, so this uncounts it.
            if attempt
                .compare_exchange(RUNNING, DONE, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                pending.fetch_sub(1, Ordering::AcqRel);
            }
            // The receiver is gone only when the caller stopped waiting.
            let _ = sender.send(connected);
        })
        .map_err(ConnectError::Thread)?;
    match receiver.recv_timeout(limit) {
        Ok(connected) => Ok(connected?),
        Err(_) => {
            // Counted before it is marked, so the thread never uncounts what was not
            // counted; if the attempt ended in between, the count is taken back.
            pending.fetch_add(1, Ordering::AcqRel);
            if state
                .compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                pending.fetch_sub(1, Ordering::AcqRel);
            }
            Err(ConnectError::NoAnswer(limit))
        }
    }
}

/// An attempt's state: running, ended (its answer sent or dropped), or abandoned by the
/// caller while still running (then counted in the pending attempts until it ends).
const RUNNING: u8 = 0;
const DONE: u8 = 1;
const ABANDONED: u8 = 2;

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

    /// A host that accepts and never answers the startup fails within the bound; attempts
    /// still running do not count against [`MAX_PENDING`] (more than it may connect at
    /// once), attempts given up on do, until they end (when the host goes away).
    #[test]
    fn a_silent_host_fails_within_the_limit_and_abandoned_attempts_are_bounded() {
        static COUNTED: AtomicUsize = AtomicUsize::new(0);
        let (listener, config) = silent_server();
        let limit = Duration::from_secs(1);
        let attempts = MAX_PENDING + 2;
        let started = std::time::Instant::now();
        let errors: Vec<ConnectError> = std::thread::scope(|scope| {
            let running: Vec<_> = (0..attempts)
                .map(|_| {
                    let config = config.clone();
                    scope.spawn(move || connect_counted(&COUNTED, config, limit, "test"))
                })
                .collect();
            running
                .into_iter()
                .map(
                    |attempt| match attempt.join().expect("the attempt's thread") {
                        Ok(_) => panic!("a silent host cannot be connected to"),
                        Err(error) => error,
                    },
                )
                .collect()
        });
        assert!(
            started.elapsed() < limit + Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        assert!(
            errors
                .iter()
                .all(|e| matches!(e, ConnectError::NoAnswer(_))),
            "{attempts} attempts at once all wait their limit: {errors:?}"
        );
        assert_eq!(COUNTED.load(Ordering::Acquire), attempts, "all abandoned");
        assert!(
            matches!(
                connect_counted(&COUNTED, config.clone(), limit, "test"),
                Err(ConnectError::Pending)
            ),
            "past {MAX_PENDING} abandoned attempts, a new one is refused at once"
        );
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
