//! The WebSocket upgrade, ours instead of axum's `WebSocketUpgrade`: the same handshake
//! checks and refusals, but the connection becomes a plain tokio-tungstenite stream
//! ([`super::socket::WebSocket`]). axum's wrapper hides the stream's raw frames, and the
//! server needs them: a large text frame leaves as fragments so that tungstenite's write
//! buffer, which keeps the capacity of the largest thing it ever wrote, stays about one
//! fragment long on every idle connection (issue 11: memory per idle connection).
//!
//! The TCP edge (`listen.rs`) serves HTTP/1 with upgrades, so hyper hands the upgraded
//! connection over through the request's `OnUpgrade` extension.

use super::socket::WebSocket;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use std::future::Future;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// A request that asked to become a WebSocket and passed the handshake's checks.
pub struct WebSocketUpgrade {
    accept_key: HeaderValue,
    on_upgrade: hyper::upgrade::OnUpgrade,
    config: WebSocketConfig,
}

/// Why a request could not become a WebSocket: axum's statuses and words, so clients see
/// what they saw before (`json_errors` then wraps the words in the usual JSON error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeRefused {
    MethodNotGet,
    InvalidConnectionHeader,
    InvalidUpgradeHeader,
    WebSocketKeyHeaderMissing,
    InvalidWebSocketVersionHeader,
    ConnectionNotUpgradable,
}

impl UpgradeRefused {
    fn status_and_words(self) -> (StatusCode, &'static str) {
        match self {
            Self::MethodNotGet => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Request method must be `GET`",
            ),
            Self::InvalidConnectionHeader => (
                StatusCode::BAD_REQUEST,
                "Connection header did not include 'upgrade'",
            ),
            Self::InvalidUpgradeHeader => (
                StatusCode::BAD_REQUEST,
                "`Upgrade` header did not include 'websocket'",
            ),
            Self::WebSocketKeyHeaderMissing => (
                StatusCode::BAD_REQUEST,
                "`Sec-WebSocket-Key` header missing",
            ),
            Self::InvalidWebSocketVersionHeader => (
                StatusCode::BAD_REQUEST,
                "`Sec-WebSocket-Version` header did not include '13'",
            ),
            Self::ConnectionNotUpgradable => (
                StatusCode::UPGRADE_REQUIRED,
                "WebSocket request couldn't be upgraded since no upgrade state was present",
            ),
        }
    }
}

impl IntoResponse for UpgradeRefused {
    fn into_response(self) -> Response {
        self.status_and_words().into_response()
    }
}

/// The handshake's checks, in axum's order (HTTP/1 only: the edge speaks nothing else).
fn check_handshake(parts: &Parts) -> Result<HeaderValue, UpgradeRefused> {
    if parts.method != Method::GET {
        return Err(UpgradeRefused::MethodNotGet);
    }
    if !header_contains(&parts.headers, header::CONNECTION, "upgrade") {
        return Err(UpgradeRefused::InvalidConnectionHeader);
    }
    if !header_eq(&parts.headers, header::UPGRADE, "websocket") {
        return Err(UpgradeRefused::InvalidUpgradeHeader);
    }
    let key = parts
        .headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or(UpgradeRefused::WebSocketKeyHeaderMissing)?;
    if !header_eq(&parts.headers, header::SEC_WEBSOCKET_VERSION, "13") {
        return Err(UpgradeRefused::InvalidWebSocketVersionHeader);
    }
    HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
        .map_err(|_| UpgradeRefused::WebSocketKeyHeaderMissing)
}

impl<S: Send + Sync> FromRequestParts<S> for WebSocketUpgrade {
    type Rejection = UpgradeRefused;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let accept_key = check_handshake(parts)?;
        let on_upgrade = parts
            .extensions
            .remove::<hyper::upgrade::OnUpgrade>()
            .ok_or(UpgradeRefused::ConnectionNotUpgradable)?;
        Ok(Self {
            accept_key,
            on_upgrade,
            config: WebSocketConfig::default(),
        })
    }
}

impl WebSocketUpgrade {
    /// The stream's buffers and limits.
    pub fn config(mut self, config: WebSocketConfig) -> Self {
        self.config = config;
        self
    }

    /// Answers `101 Switching Protocols`; once hyper has handed the connection over, runs
    /// `serve` on it in a task of its own. A connection lost before that is simply dropped
    /// (as axum's default did).
    pub fn on_upgrade<F, Fut>(self, serve: F) -> Response
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self {
            accept_key,
            on_upgrade,
            config,
        } = self;
        tokio::spawn(async move {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let socket = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            serve(socket).await;
        });
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept_key);
        response
    }
}

fn header_eq(headers: &HeaderMap, key: HeaderName, value: &'static str) -> bool {
    headers
        .get(&key)
        .is_some_and(|header| header.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

/// Whether a header, lowercased, contains `value` (`Connection: keep-alive, Upgrade`).
fn header_contains(headers: &HeaderMap, key: HeaderName, value: &'static str) -> bool {
    headers
        .get(&key)
        .and_then(|header| std::str::from_utf8(header.as_bytes()).ok())
        .is_some_and(|header| header.to_ascii_lowercase().contains(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: Method, headers: &[(HeaderName, &str)]) -> Parts {
        let mut request = axum::http::Request::builder().method(method).uri("/ws/rep");
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    fn good_headers() -> Vec<(HeaderName, &'static str)> {
        vec![
            (header::CONNECTION, "keep-alive, Upgrade"),
            (header::UPGRADE, "WebSocket"),
            (header::SEC_WEBSOCKET_VERSION, "13"),
            (header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="),
        ]
    }

    #[test]
    fn a_good_handshake_gets_rfc_6455s_accept_key() {
        let accept = check_handshake(&parts(Method::GET, &good_headers()));
        // RFC 6455 §1.3's own example.
        assert_eq!(
            accept,
            Ok(HeaderValue::from_static("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        );
    }

    #[test]
    fn each_missing_or_wrong_piece_is_refused_as_axum_did() {
        let without = |name: HeaderName| {
            let headers: Vec<_> = good_headers()
                .into_iter()
                .filter(|(n, _)| *n != name)
                .collect();
            check_handshake(&parts(Method::GET, &headers))
        };
        assert_eq!(
            check_handshake(&parts(Method::POST, &good_headers())),
            Err(UpgradeRefused::MethodNotGet)
        );
        assert_eq!(
            without(header::CONNECTION),
            Err(UpgradeRefused::InvalidConnectionHeader)
        );
        assert_eq!(
            without(header::UPGRADE),
            Err(UpgradeRefused::InvalidUpgradeHeader)
        );
        assert_eq!(
            without(header::SEC_WEBSOCKET_KEY),
            Err(UpgradeRefused::WebSocketKeyHeaderMissing)
        );
        assert_eq!(
            without(header::SEC_WEBSOCKET_VERSION),
            Err(UpgradeRefused::InvalidWebSocketVersionHeader)
        );
        let mut old_version = good_headers();
        old_version[2].1 = "8";
        assert_eq!(
            check_handshake(&parts(Method::GET, &old_version)),
            Err(UpgradeRefused::InvalidWebSocketVersionHeader)
        );
        let (status, _) = UpgradeRefused::MethodNotGet.status_and_words();
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    }
}
