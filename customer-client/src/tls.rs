//! The customer program's TLS settings, one per process: the platform's roots, plus the
//! certificate authorities of `--ca-file` for a private deployment. Every socket the
//! program opens (the session, the screen publisher, the shell link, a Jump Client's agent)
//! dials the one server it was pointed at, so the setting is process-wide and the connect
//! lines stay one call; it is set by `main` before anything connects.

use std::path::Path;
use std::sync::OnceLock;
pub use switchboard_tls::{ClientTls, TlsSetupError, WsStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

static SETTINGS: OnceLock<ClientTls> = OnceLock::new();

/// Trusts the certificates in `ca_file` too, from now on. Call once, before connecting;
/// a later call (or one after the first connect) changes nothing.
pub fn trust_ca_file(ca_file: &Path) -> Result<(), TlsSetupError> {
    let tls = ClientTls::new(Some(ca_file))?;
    if SETTINGS.set(tls).is_err() {
        tracing::warn!("the TLS settings were already in use; --ca-file not applied");
    }
    Ok(())
}

/// The process's TLS settings (the platform's roots unless [`trust_ca_file`] was called).
pub fn settings() -> &'static ClientTls {
    SETTINGS.get_or_init(ClientTls::platform)
}

/// Opens a WebSocket (`ws://`, or `wss://` verified with [`settings`]).
pub async fn connect(
    request: impl IntoClientRequest + Unpin,
    config: Option<WebSocketConfig>,
) -> Result<(WsStream, Response), tokio_tungstenite::tungstenite::Error> {
    settings().connect_ws(request, config, false).await
}
