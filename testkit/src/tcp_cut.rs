//! A loopback TCP proxy in front of the test PostgreSQL that a test can cut, for the
//! failover tests of a network cut between the active server and its database (issue 17).
//!
//! [`TcpCut::start`] forwards every connection made to [`TcpCut::addr`] to the target.
//! Two ways to cut it:
//! - [`TcpCut::blackhole`], a pulled cable or a hung database host: connections stay open,
//!   but no byte is forwarded in either direction any more, and new connections are
//!   accepted but never forwarded. No RST, no FIN: the client's TCP stack sees nothing.
//!   (This proxy's own kernel still ACKs what the client sends, so keepalives and
//!   `tcp_user_timeout` cannot notice either: only the client's own timeouts, or the
//!   lease's guard, can. That is the hard case.)
//! - [`TcpCut::reset`], a database restart or a firewall that answers with RSTs: every
//!   connection is reset at once and new ones are refused (the listening socket is closed).
//!
//! [`TcpCut::hold_new`] is a narrower fault: connections already open go on forwarding,
//! new ones are accepted but held (a database whose new sessions hang in their startup, an
//! authentication backend that does not answer): a client's connect succeeds and its
//! startup message is never answered.
//!
//! [`TcpCut::restore`] goes back to forwarding: blackholed connections go on where they
//! stopped (nothing was read and dropped: the bytes waited in the kernels' buffers, as
//! they wait on a cable plugged back in), and after a reset the same port listens again.
//!
//! The proxy runs on a thread of its own with its own small runtime, so a test's runtime
//! (busy, or blocked in a sync call) never holds its bytes up; dropping the [`TcpCut`]
//! closes everything.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with bytes and connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Forward,
    Blackhole,
    Reset,
    HoldNew,
}

/// How many times re-listening on the same port after a reset is tried before giving up
/// (the port is free; only a process that took it meanwhile could hold it).
const REBIND_ATTEMPTS: usize = 50;
/// The pause between those attempts.
const REBIND_PAUSE: Duration = Duration::from_millis(20);

/// A running proxy. Dropping it closes its listening socket and every connection.
pub struct TcpCut {
    addr: SocketAddr,
    mode: watch::Sender<Mode>,
}

impl TcpCut {
    /// Listens on a free loopback port and forwards every connection to `target`.
    pub fn start(target: SocketAddr) -> TcpCut {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("the proxy's address");
        let (mode, mode_rx) = watch::channel(Mode::Forward);
        std::thread::Builder::new()
            .name(format!("tcp-cut {addr}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the proxy's runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("the proxy's listener");
                    serve(listener, addr, target, mode_rx).await;
                });
            })
            .expect("the proxy's thread");
        TcpCut { addr, mode }
    }

    /// [`TcpCut::start`] in front of the database of `url` (`postgres://user@host:port/db`);
    /// the proxy and `url` rewritten to go through it.
    pub fn in_front_of(url: &str) -> (TcpCut, String) {
        let cut = TcpCut::start(database_addr(url));
        let through = cut.url_through(url);
        (cut, through)
    }

    /// Where clients connect to be forwarded.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `url` (`postgres://user@host:port/db`) with its host and port replaced by this proxy's.
    pub fn url_through(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let user = match authority.rsplit_once('@') {
            Some((user, _)) => format!("{user}@"),
            None => String::new(),
        };
        format!("{scheme}://{user}{}{path}", self.addr)
    }

    /// Like a pulled cable: nothing is forwarded any more, in either direction, and new
    /// connections are accepted but never forwarded; nobody is told.
    pub fn blackhole(&self) {
        self.mode.send_replace(Mode::Blackhole);
    }

    /// Connections already open go on forwarding; new ones are accepted and held, never
    /// forwarded (until restored), and nobody is told.
    pub fn hold_new(&self) {
        self.mode.send_replace(Mode::HoldNew);
    }

    /// Every connection is reset (RST) at once and new ones are refused.
    pub fn reset(&self) {
        self.mode.send_replace(Mode::Reset);
    }

    /// Forwards again: blackholed connections go on where they stopped; after a reset the
    /// same port accepts connections again.
    pub fn restore(&self) {
        self.mode.send_replace(Mode::Forward);
    }
}

/// The `host:port` of a `postgres://user@host:port/db` URL (the port defaults to 5432).
pub fn database_addr(url: &str) -> SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let with_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    with_port
        .parse()
        .unwrap_or_else(|_| panic!("{url}: the database's address must be an IP and a port"))
}

/// Accepts while forwarding or blackholing; closes the listening socket on a reset and
/// listens on the same address again once restored. Ends when the [`TcpCut`] is dropped.
async fn serve(
    listener: TcpListener,
    addr: SocketAddr,
    target: SocketAddr,
    mut mode: watch::Receiver<Mode>,
) {
    let mut listener = Some(listener);
    loop {
        let current = *mode.borrow_and_update();
        match (current, &listener) {
            (Mode::Reset, Some(_)) => listener = None,
            (Mode::Forward | Mode::Blackhole | Mode::HoldNew, None) => {
                listener = Some(rebind(addr).await)
            }
            _ => {}
        }
        let accepted = match &listener {
            Some(listener) => tokio::select! {
                accepted = listener.accept() => accepted,
                changed = mode.changed() => match changed {
                    Ok(()) => continue,
                    Err(_) => return,
                },
            },
            None => match mode.changed().await {
                Ok(()) => continue,
                Err(_) => return,
            },
        };
        if let Ok((client, _)) = accepted {
            tokio::spawn(relay(client, target, mode.clone()));
        }
    }
}

/// Listens on `addr` again (after a reset closed it).
async fn rebind(addr: SocketAddr) -> TcpListener {
    for _ in 0..REBIND_ATTEMPTS {
        if let Ok(listener) = TcpListener::bind(addr).await {
            return listener;
        }
        tokio::time::sleep(REBIND_PAUSE).await;
    }
    panic!("the proxy could not listen on {addr} again after a reset");
}

/// One client connection: held while blackholed, then connected to `target` and relayed
/// both ways until either side closes or the proxy is reset (then both get an RST).
async fn relay(mut client: TcpStream, target: SocketAddr, mut mode: watch::Receiver<Mode>) {
    if !until_forwarding(&mut mode, Mode::HoldNew).await {
        let _ = client.set_zero_linger();
        return;
    }
    let Ok(mut server) = TcpStream::connect(target).await else {
        let _ = client.set_zero_linger();
        return;
    };
    let was_reset = {
        let (client_read, client_write) = client.split();
        let (server_read, server_write) = server.split();
        let (to_server, to_client) = (mode.clone(), mode.clone());
        let both_ways = async {
            tokio::join!(
                pump(client_read, server_write, to_server),
                pump(server_read, client_write, to_client),
            )
        };
        tokio::select! {
            _ = both_ways => false,
            () = until_reset(&mut mode) => true,
        }
    };
    if was_reset {
        // Closed with SO_LINGER 0: an RST, not a FIN.
        let _ = client.set_zero_linger();
        let _ = server.set_zero_linger();
    }
}

/// Copies `from` to `to` while forwarding; pauses (reading nothing, so the bytes wait in
/// the kernel) while blackholed. Ends at end of stream, an error, or a reset.
async fn pump(
    mut from: tokio::net::tcp::ReadHalf<'_>,
    mut to: tokio::net::tcp::WriteHalf<'_>,
    mut mode: watch::Receiver<Mode>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if !until_forwarding(&mut mode, Mode::Blackhole).await {
            return;
        }
        let read = tokio::select! {
            read = from.read(&mut buffer) => read,
            // Reading is cancel-safe: nothing was taken from the socket. The proxy gone
            // (its sender dropped), the pump ends instead of spinning on the closed watch.
            changed = mode.changed() => match changed {
                Ok(()) => continue,
                Err(_) => return,
            },
        };
        match read {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => {
                if to.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Waits while blackholed (and, for a connection not yet forwarded, while `HoldNew`);
/// `true` once it may forward, `false` on a reset (or the proxy gone). `held` is the
/// other mode besides a blackhole that holds it: a new connection is held by `HoldNew`,
/// an open one goes on through it.
async fn until_forwarding(mode: &mut watch::Receiver<Mode>, held: Mode) -> bool {
    loop {
        let current = *mode.borrow_and_update();
        match current {
            Mode::Reset => return false,
            Mode::Blackhole => {}
            _ if current == held => {}
            Mode::Forward | Mode::HoldNew => return true,
        }
        if mode.changed().await.is_err() {
            return false;
        }
    }
}

/// Resolves on a reset (or when the proxy is gone).
async fn until_reset(mode: &mut watch::Receiver<Mode>) {
    loop {
        if *mode.borrow_and_update() == Mode::Reset {
            return;
        }
        if mode.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEADLINE;

    /// How long a test waits to see that nothing arrives (a blackhole's bytes never do).
    const NOTHING_FOR: Duration = Duration::from_millis(300);

    /// An echo server on loopback: every connection gets back what it sends.
    async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut read, mut write) = socket.split();
                    let _ = tokio::io::copy(&mut read, &mut write).await;
                });
            }
        });
        addr
    }

    async fn connect(addr: SocketAddr) -> TcpStream {
        tokio::time::timeout(DEADLINE, TcpStream::connect(addr))
            .await
            .expect("connected before the deadline")
            .expect("connected")
    }

    /// Sends `bytes` and reads exactly as many back, before the deadline.
    async fn round_trip(socket: &mut TcpStream, bytes: &[u8]) -> Vec<u8> {
        socket.write_all(bytes).await.unwrap();
        let mut back = vec![0u8; bytes.len()];
        tokio::time::timeout(DEADLINE, socket.read_exact(&mut back))
            .await
            .expect("the echo before the deadline")
            .expect("the echo");
        back
    }

    #[tokio::test]
    async fn forwards_bytes_both_ways() {
        let cut = TcpCut::start(echo_server().await);
        let mut socket = connect(cut.addr()).await;
        assert_eq!(round_trip(&mut socket, b"hello").await, b"hello");
        let big: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
        assert_eq!(round_trip(&mut socket, &big).await, big);
    }

    #[tokio::test]
    async fn a_blackhole_passes_nothing_and_says_nothing_until_restored() {
        let cut = TcpCut::start(echo_server().await);
        let mut open = connect(cut.addr()).await;
        assert_eq!(round_trip(&mut open, b"before").await, b"before");
        cut.blackhole();
        // The write is taken (the kernel ACKs), but nothing comes back: no echo, no EOF, no RST.
        open.write_all(b"into the hole").await.unwrap();
        let mut byte = [0u8; 1];
        assert!(
            tokio::time::timeout(NOTHING_FOR, open.read(&mut byte))
                .await
                .is_err(),
            "something came back through a blackhole"
        );
        // A new connection is accepted, and forwards nothing either.
        let mut fresh = connect(cut.addr()).await;
        fresh.write_all(b"new").await.unwrap();
        assert!(
            tokio::time::timeout(NOTHING_FOR, fresh.read(&mut byte))
                .await
                .is_err(),
            "a new connection was forwarded through a blackhole"
        );
        // Plugged back in: both go on where they stopped, nothing lost.
        cut.restore();
        let mut back = vec![0u8; b"into the hole".len()];
        tokio::time::timeout(DEADLINE, open.read_exact(&mut back))
            .await
            .expect("the held bytes after the restore")
            .unwrap();
        assert_eq!(back, b"into the hole");
        let mut back = [0u8; 3];
        tokio::time::timeout(DEADLINE, fresh.read_exact(&mut back))
            .await
            .expect("the new connection's bytes after the restore")
            .unwrap();
        assert_eq!(&back, b"new");
    }

    #[tokio::test]
    async fn a_reset_closes_every_connection_and_refuses_new_ones_until_restored() {
        let cut = TcpCut::start(echo_server().await);
        let mut open = connect(cut.addr()).await;
        assert_eq!(round_trip(&mut open, b"before").await, b"before");
        cut.reset();
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(DEADLINE, open.read(&mut byte))
            .await
            .expect("the reset reaches the client before the deadline");
        assert!(
            matches!(read, Ok(0) | Err(_)),
            "read after a reset: {read:?}"
        );
        // New connections are refused, as soon as the proxy has closed its socket.
        let addr = cut.addr();
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while TcpStream::connect(addr).await.is_ok() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "connections still accepted after a reset"
            );
            tokio::task::yield_now().await;
        }
        cut.restore();
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let mut again = loop {
            if let Ok(socket) = TcpStream::connect(addr).await {
                break socket;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no connection after the restore"
            );
            tokio::task::yield_now().await;
        };
        assert_eq!(round_trip(&mut again, b"after").await, b"after");
    }

    #[tokio::test]
    async fn hold_new_keeps_open_connections_and_holds_new_ones_until_restored() {
        let cut = TcpCut::start(echo_server().await);
        let mut open = connect(cut.addr()).await;
        assert_eq!(round_trip(&mut open, b"before").await, b"before");
        cut.hold_new();
        let mut fresh = connect(cut.addr()).await;
        fresh.write_all(b"held").await.unwrap();
        // The open one still goes through while the new one is held.
        assert_eq!(round_trip(&mut open, b"still").await, b"still");
        let mut byte = [0u8; 1];
        assert!(
            tokio::time::timeout(NOTHING_FOR, fresh.read(&mut byte))
                .await
                .is_err(),
            "a new connection was forwarded while held"
        );
        cut.restore();
        let mut back = [0u8; 4];
        tokio::time::timeout(DEADLINE, fresh.read_exact(&mut back))
            .await
            .expect("the held connection's bytes after the restore")
            .unwrap();
        assert_eq!(&back, b"held");
    }

    #[test]
    fn urls_are_rewritten_to_go_through_the_proxy() {
        let url = "postgres://switchboard@127.0.0.1:55440/t_3";
        assert_eq!(database_addr(url), "127.0.0.1:55440".parse().unwrap());
        let cut = TcpCut::start(database_addr(url));
        assert_eq!(
            cut.url_through(url),
            format!("postgres://switchboard@{}/t_3", cut.addr())
        );
        assert_eq!(
            cut.url_through("postgresql://127.0.0.1:1/db?x=1"),
            format!("postgresql://{}/db?x=1", cut.addr())
        );
    }
}
