//! A standby server's answers, while another server holds the lease (`lease.rs`): the same
//! listening socket the active server will use, served through the same edge (connection
//! caps, header timeout, TLS), but every request is refused so clients move on.
//!
//! - `GET /healthz` → `503`, body `standby` (a load balancer's health check skips it);
//! - everything else, WebSocket upgrades included → `503`, `Retry-After: 1`, body
//!   `not active, retry: this server is a standby`.
//!
//! Every answer closes its connection (`Connection: close`): a kept-alive connection would
//! otherwise go on reaching the standby's answers after the takeover. The service runs on
//! a clone of the listening socket ([`StandbyService::start`]); stopping it closes only
//! the clone, so connections that arrive during the takeover wait in the socket's backlog
//! for the active server instead of being refused.

use super::lease::{LeaseError, LeaseEvent, LeaseHandle};
use super::listen;
use crate::limits::Limits;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// `/healthz`'s body on a standby.
pub const HEALTH_BODY: &str = "standby";
/// Every other answer's body.
pub const REFUSAL_BODY: &str = "not active, retry: this server is a standby";
/// Seconds a client should wait before it tries again (here, or at another address).
pub const RETRY_AFTER_SECS: &str = "1";

/// The standby's routes: the health check and a refusal for everything else.
pub fn app() -> axum::Router {
    axum::Router::new()
        .route("/healthz", get(health))
        .fallback(refuse)
}

async fn health() -> Response {
    closing(StatusCode::SERVICE_UNAVAILABLE, HEALTH_BODY, false)
}

async fn refuse() -> Response {
    closing(StatusCode::SERVICE_UNAVAILABLE, REFUSAL_BODY, true)
}

fn closing(status: StatusCode, body: &'static str, retry: bool) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if retry {
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECS),
        );
    }
    response
}

/// The standby's answers being served on a clone of the listening socket.
pub struct StandbyService {
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl StandbyService {
    /// Serves the standby's answers on a clone of `listener` (which must be non-blocking);
    /// `listener` itself stays the caller's, for the active server.
    pub fn start(
        listener: &std::net::TcpListener,
        limits: Arc<Limits>,
        edge: listen::Edge,
    ) -> std::io::Result<StandbyService> {
        let clone = tokio::net::TcpListener::from_std(listener.try_clone()?)?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(listen::serve(
            clone,
            app(),
            limits,
            edge,
            Arc::new(listen::ConnectionCounts::default()),
            shutdown_rx,
        ));
        Ok(StandbyService { shutdown, task })
    }

    /// Stops accepting (the clone of the socket is closed once this returns); connections
    /// already open finish their one answer and close.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Why a server could not become the active one.
#[derive(Debug, thiserror::Error)]
pub enum StandbyError {
    #[error(transparent)]
    Lease(#[from] LeaseError),
    #[error("the lease thread ended before this server became active")]
    LeaseEnded,
    #[error("could not serve the standby's answers: {0}")]
    Serve(#[from] std::io::Error),
}

/// Waits until this server holds the lease and returns its fencing token. While another
/// server holds it, the standby's answers are served on a clone of `listener`; they stop
/// (the clone closed) before this returns, so the caller can serve `listener` as the
/// active server. Fails when the lease's database cannot be reached at the start.
pub async fn until_active(
    listener: &std::net::TcpListener,
    lease: &mut LeaseHandle,
    limits: Arc<Limits>,
    edge: listen::Edge,
) -> Result<i64, StandbyError> {
    let mut standby = None;
    let token = loop {
        match lease.events.recv().await {
            Some(LeaseEvent::Acquired { token }) => break Ok(token),
            Some(LeaseEvent::Standby { holder }) => {
                tracing::info!(%holder, "standby: another server holds the lease");
                if standby.is_none() {
                    standby = Some(StandbyService::start(
                        listener,
                        limits.clone(),
                        edge.clone(),
                    )?);
                }
            }
            Some(LeaseEvent::Failed(error)) => break Err(StandbyError::Lease(error)),
            Some(LeaseEvent::Lost { .. }) | None => break Err(StandbyError::LeaseEnded),
        }
    };
    if let Some(standby) = standby {
        standby.stop().await;
    }
    if token.is_ok() {
        tracing::info!("took the lease: this server is the active one now");
    }
    token
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn listener() -> (std::net::TcpListener, SocketAddr) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        (listener, addr)
    }

    fn standby(listener: &std::net::TcpListener) -> StandbyService {
        StandbyService::start(
            listener,
            Arc::new(Limits::default()),
            listen::Edge::default(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn health_says_standby_and_everything_else_says_retry() {
        let (listener, addr) = listener();
        let service = standby(&listener);
        let client = reqwest::Client::new();

        let health = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 503);
        assert_eq!(health.headers()["connection"], "close");
        assert_eq!(health.text().await.unwrap(), "standby");

        let login = client
            .post(format!("http://{addr}/api/login"))
            .json(&serde_json::json!({"rep": "alice", "password": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 503);
        assert_eq!(login.headers()["retry-after"], "1");
        assert_eq!(
            login.text().await.unwrap(),
            "not active, retry: this server is a standby"
        );
        service.stop().await;
    }

    #[tokio::test]
    async fn a_websocket_upgrade_is_refused_with_retry_after() {
        let (listener, addr) = listener();
        let service = standby(&listener);
        for path in ["/ws/rep", "/ws/customer", "/ws/media", "/ws/jump"] {
            let refused = tokio_tungstenite::connect_async(format!("ws://{addr}{path}")).await;
            let Err(tokio_tungstenite::tungstenite::Error::Http(response)) = refused else {
                panic!("{path}: expected an HTTP refusal, got {refused:?}");
            };
            assert_eq!(response.status(), 503, "{path}");
            assert_eq!(response.headers()["retry-after"], "1", "{path}");
            let body = response.body().as_deref().unwrap_or_default();
            assert_eq!(body, REFUSAL_BODY.as_bytes(), "{path}");
        }
        service.stop().await;
    }

    /// The takeover: once the standby stops, the same socket serves the active server's
    /// answers, and a connection made while nobody accepted is served, not refused.
    #[tokio::test]
    async fn the_same_socket_serves_on_after_the_standby_stops() {
        let (listener, addr) = listener();
        let service = standby(&listener);
        let client = reqwest::Client::new();
        let before = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(before.status(), 503);
        service.stop().await;

        // Between the two services: connected by the kernel, waiting in the backlog.
        let waiting = tokio::net::TcpStream::connect(addr).await.unwrap();
        let active = axum::Router::new().route("/healthz", get(|| async { "ok" }));
        let (_shutdown, shutdown_rx) = watch::channel(false);
        tokio::spawn(listen::serve(
            tokio::net::TcpListener::from_std(listener).unwrap(),
            active,
            Arc::new(Limits::default()),
            listen::Edge::default(),
            Arc::new(listen::ConnectionCounts::default()),
            shutdown_rx,
        ));
        let after = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), 200);
        assert_eq!(after.text().await.unwrap(), "ok");

        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut waiting = waiting;
        waiting
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        tokio::time::timeout(
            switchboard_testkit::DEADLINE,
            waiting.read_to_string(&mut answer),
        )
        .await
        .unwrap()
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}
