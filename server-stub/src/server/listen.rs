//! The TCP edge: accepts connections and hands each to HTTP/1 (with WebSocket upgrades),
//! enforcing the limits that must hold before any request exists: how many connections in
//! all and per address, and how long a client may take to send its headers.
//!
//! axum's own `serve` exposes neither, so this is a small accept loop around hyper's HTTP/1
//! connection: a connection over a cap is answered `503` (an `HttpError`) and closed without
//! reading; headers not complete within `header_timeout_secs` close the connection
//! (slowloris); an accept error (out of file descriptors, say) backs off instead of
//! spinning.

use crate::limits::Limits;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// Open connections, in all and per address. A [`ConnectionSlot`] holds one until dropped.
#[derive(Default)]
pub struct ConnectionCounts {
    inner: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One counted connection; dropping it frees the slot.
pub struct ConnectionSlot {
    counts: Arc<ConnectionCounts>,
    address: IpAddr,
}

impl ConnectionCounts {
    /// Takes a slot for `address`, or `None` when a cap is reached.
    pub fn take(self: &Arc<Self>, address: IpAddr, limits: &Limits) -> Option<ConnectionSlot> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_address) = &mut *guard;
        let mine = per_address.get(&address).copied().unwrap_or(0);
        if *total >= limits.max_connections || mine >= limits.max_connections_per_address {
            return None;
        }
        *total += 1;
        per_address.insert(address, mine + 1);
        Some(ConnectionSlot {
            counts: self.clone(),
            address,
        })
    }

    /// Open connections in all (for tests and logs).
    pub fn total(&self) -> usize {
        self.inner.lock().map(|g| g.0).unwrap_or(0)
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut guard = self.counts.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_address) = &mut *guard;
        *total = total.saturating_sub(1);
        if let Some(count) = per_address.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                per_address.remove(&self.address);
            }
        }
    }
}

/// What a connection over a cap gets before it is closed: a complete HTTP answer, so a
/// browser or script shows a reason rather than "connection reset".
fn over_capacity() -> Vec<u8> {
    let body = r#"{"code":"rate_limited","message":"Too many connections from here; try again soon.","retry_after_secs":5}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `app` on `listener` until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Arc<Limits>,
    counts: Arc<ConnectionCounts>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(5);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = wait_for(&mut shutdown) => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff = Duration::from_millis(5);
                accepted
            }
            Err(error) => {
                // EMFILE and friends: wait a little (doubling to 1 s) rather than spin.
                tracing::warn!(%error, backoff_ms = backoff.as_millis() as u64, "accept failed");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = wait_for(&mut shutdown) => break,
                }
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let Some(slot) = counts.take(peer.ip(), &limits) else {
            tracing::debug!(peer = %peer.ip(), "connection over the cap refused");
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            stream,
            peer,
            app.clone(),
            limits.header_timeout_secs,
            shutdown.clone(),
            slot,
        ));
    }
}

async fn wait_for(shutdown: &mut watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

/// Answers a connection over the cap without reading from it, and closes it.
async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(&over_capacity()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// One HTTP/1 connection (and the WebSocket it may become), holding its slot.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: axum::Router,
    header_timeout_secs: u64,
    mut shutdown: watch::Receiver<bool>,
    _slot: ConnectionSlot,
) {
    let service = app.map_request(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.map(axum::body::Body::new)
    });
    let service = TowerToHyperService::new(service);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(header_timeout_secs))
        .max_buf_size(64 * 1024);
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    let mut draining = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::trace!(%error, "connection ended with an error");
                }
                break;
            }
            _ = wait_for(&mut shutdown), if !draining => {
                draining = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_address_and_in_all() {
        let limits = Limits {
            max_connections: 3,
            max_connections_per_address: 2,
            ..Limits::default()
        };
        let counts = Arc::new(ConnectionCounts::default());
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = counts.take(a, &limits).unwrap();
        let _second = counts.take(a, &limits).unwrap();
        assert!(counts.take(a, &limits).is_none(), "per address");
        let _third = counts.take(b, &limits).unwrap();
        assert!(counts.take(b, &limits).is_none(), "in all");
        drop(first);
        let again = counts.take(a, &limits);
        assert!(again.is_some(), "a dropped slot is free again");
        assert_eq!(counts.total(), 3);
    }

    #[test]
    fn the_refusal_is_a_complete_http_answer() {
        let answer = over_capacity();
        let text = std::str::from_utf8(&answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let error: switchboard_protocol::HttpError = serde_json::from_str(body).unwrap();
        assert_eq!(error.code, switchboard_protocol::ErrorCode::RateLimited);
    }
}
