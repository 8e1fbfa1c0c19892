//! The TCP edge: accepts connections and hands each to HTTP/1 (with WebSocket upgrades),
//! enforcing the limits that must hold before any request exists: how many connections in
//! all and per address, and how long a client may take to send its headers.
//!
//! axum's own `serve` exposes neither, so this is a small accept loop around hyper's HTTP/1
//! connection: a connection over a cap is answered `503` (an `HttpError`) and closed without
//! reading; headers not complete within `header_timeout_secs` close the connection
//! (slowloris); an accept error (out of file descriptors, say) backs off instead of
//! spinning.
//!
//! With `--tls-cert`/`--tls-key` each connection first completes a TLS handshake, bounded by
//! the same header timeout (a client that opens TCP and never says hello is dropped), then
//! is served exactly as a plain one. With `[server] trusted_proxies`, a request from a
//! trusted proxy carries the client address its `X-Forwarded-For` names
//! (`server/proxy.rs`) as its `ConnectInfo`, so every per-address limit counts the client,
//! and the proxy's own connections are capped only in all, not per address.

use super::proxy::{FORWARDED_FOR, TrustedProxies};
use crate::limits::Limits;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
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
    /// `None` for a trusted proxy's connection, counted in all only.
    address: Option<IpAddr>,
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
            address: Some(address),
        })
    }

    /// Takes a slot counted in all only: a trusted proxy carries many clients' connections,
    /// which its one address must not cap together.
    pub fn take_for_proxy(self: &Arc<Self>, limits: &Limits) -> Option<ConnectionSlot> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if guard.0 >= limits.max_connections {
            return None;
        }
        guard.0 += 1;
        Some(ConnectionSlot {
            counts: self.clone(),
            address: None,
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
        let Some(address) = self.address else {
            return;
        };
        if let Some(count) = per_address.get_mut(&address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                per_address.remove(&address);
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

/// How the edge treats each connection beyond the limits: TLS, and whom to believe about
/// the client's address.
#[derive(Clone, Default)]
pub struct Edge {
    /// `Some` with `--tls-cert`/`--tls-key`: every connection is TLS.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// `[server] trusted_proxies`.
    pub proxies: Arc<TrustedProxies>,
}

/// Serves `app` on `listener` until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Arc<Limits>,
    edge: Edge,
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
        let slot = if edge.proxies.contains(peer.ip()) {
            counts.take_for_proxy(&limits)
        } else {
            counts.take(peer.ip(), &limits)
        };
        let Some(slot) = slot else {
            tracing::debug!(peer = %peer.ip(), "connection over the cap refused");
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            stream,
            peer,
            app.clone(),
            edge.clone(),
            Duration::from_secs(limits.header_timeout_secs),
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

/// One connection, holding its slot: the TLS handshake first when the edge has TLS (within
/// the header timeout, and given up at shutdown), then HTTP/1.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: axum::Router,
    edge: Edge,
    header_timeout: Duration,
    mut shutdown: watch::Receiver<bool>,
    _slot: ConnectionSlot,
) {
    let Some(acceptor) = edge.tls.clone() else {
        return http(stream, peer, app, edge.proxies, header_timeout, shutdown).await;
    };
    let handshake = tokio::select! {
        handshake = tokio::time::timeout(header_timeout, acceptor.accept(stream)) => handshake,
        _ = wait_for(&mut shutdown) => return,
    };
    match handshake {
        Ok(Ok(stream)) => http(stream, peer, app, edge.proxies, header_timeout, shutdown).await,
        Ok(Err(error)) => tracing::debug!(peer = %peer.ip(), %error, "TLS handshake failed"),
        Err(_) => tracing::debug!(peer = %peer.ip(), "TLS handshake not completed in time"),
    }
}

/// HTTP/1 (and the WebSocket it may become) on an open connection, plain or TLS.
async fn http<S>(
    stream: S,
    peer: SocketAddr,
    app: axum::Router,
    proxies: Arc<TrustedProxies>,
    header_timeout: Duration,
    mut shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = app.map_request(move |mut request: hyper::Request<Incoming>| {
        let forwarded = request.headers().get_all(FORWARDED_FOR);
        let client = proxies.client_address(peer.ip(), forwarded.iter().map(|v| v.as_bytes()));
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        request.map(axum::body::Body::new)
    });
    let service = TowerToHyperService::new(service);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
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
    fn a_trusted_proxy_is_capped_in_all_only() {
        let limits = Limits {
            max_connections: 3,
            max_connections_per_address: 1,
            ..Limits::default()
        };
        let counts = Arc::new(ConnectionCounts::default());
        let first = counts.take_for_proxy(&limits).unwrap();
        let _second = counts.take_for_proxy(&limits).unwrap();
        let _other = counts.take([10, 0, 0, 1].into(), &limits).unwrap();
        assert!(counts.take_for_proxy(&limits).is_none(), "in all");
        drop(first);
        assert_eq!(counts.total(), 2);
        assert!(counts.take_for_proxy(&limits).is_some());
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
