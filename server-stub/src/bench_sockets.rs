//! The load run's client sockets (`switchboard-server bench`): where they connect from,
//! and whether a process can hold them all. Kept apart from bench.rs, which drives the
//! run, because both answer why a large setup (10,000 reps and 10,000 customers) stalled
//! for reasons outside the server: the kernel's search for a free source port, and the
//! open-files limit (issue 11).

use super::bench::BenchArgs;
use anyhow::Context;
use std::net::SocketAddr;

/// Loopback source addresses the bench's connections are spread over (127.0.1.0 and up).
const SOURCE_ADDRESSES: usize = 250;

/// Connects its `index`th WebSocket with small buffers (the bench holds 20,000 sockets in
/// one process), from one of `SOURCE_ADDRESSES` loopback addresses when the server is on
/// loopback: with every connection from 127.0.0.1 to one address and port, each connect's
/// search for a free source port walks the ports already taken (the kernel's
/// `__inet_hash_connect`), and at 10,000 reps and 10,000 customers that search was over
/// half of the bench's CPU and most of its wall time.
pub(crate) async fn connect(
    server: SocketAddr,
    path: &str,
    index: usize,
) -> anyhow::Result<(
    Socket,
    tokio_tungstenite::tungstenite::handshake::client::Response,
)> {
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let socket = match server {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    if server.ip().is_loopback() && server.is_ipv4() {
        let spread = (index % SOURCE_ADDRESSES) as u8;
        socket.bind(SocketAddr::from(([127, 0, 1, spread], 0)))?;
    }
    let stream = socket
        .connect(server)
        .await
        .with_context(|| format!("connecting to {server}"))?;
    stream.set_nodelay(true)?;
    Ok(tokio_tungstenite::client_async_with_config(
        format!("ws://{server}{path}"),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
        Some(config),
    )
    .await?)
}

/// Files a process needs besides one socket per rep and customer (its store, listener,
/// login connections, runtime): measured as about 25 for the server.
const SPARE_FILES: usize = 64;

/// Refuses a run that a process's open-files limit cannot hold: at that limit the server
/// backs off its accepts and the setup stalls (it once finished only because idle
/// customers were closed). Nothing is checked when the limit cannot be read.
pub(crate) fn enough_files(pid: u32, args: &BenchArgs) -> anyhow::Result<()> {
    let Some(limit) = open_files_limit(pid) else {
        return Ok(());
    };
    let needed = args.reps + args.customers + SPARE_FILES;
    anyhow::ensure!(
        needed <= limit,
        "process {pid} may open {limit} files; {} reps + {} customers need about {needed}",
        args.reps,
        args.customers
    );
    Ok(())
}

/// The soft limit on open files of a process (`/proc/PID/limits`).
fn open_files_limit(pid: u32) -> Option<usize> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files")
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;
