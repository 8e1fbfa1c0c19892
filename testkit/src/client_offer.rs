//! Click-to-chat → full client in tests: a rep's `offer_client`, the web customer's
//! `client_offered` card, the program's `join` hello with the code, and a configuration
//! whose server hands out a program file (`client_download`).

use crate::config::TEST_CONFIG;
use crate::customer::CustomerClient;
use crate::rep::RepClient;
use crate::wait::DEADLINE;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use switchboard_protocol::{
    CustomerHello, CustomerServerMessage, OkResult, PROTOCOL_VERSION, PortalMessage, RepRequest,
    SessionId, UnixMillis,
};
use switchboard_server::config::Config;

/// What a page is shown when a rep offers the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub code: String,
    pub expires_at: UnixMillis,
    pub download_url: Option<String>,
}

/// `rep` offers the program in `session_id`: the code and its expiry, as the rep reads them.
pub async fn offer_client(rep: &mut RepClient, session_id: SessionId) -> (String, UnixMillis) {
    match rep.ok(RepRequest::OfferClient { session_id }).await {
        Some(OkResult::ClientOffer { code, expires_at }) => (code, expires_at),
        other => panic!("offer_client answered {other:?}"),
    }
}

impl CustomerClient {
    /// The program's `join` hello with `code`: the session it joined, or the refusal.
    pub async fn join(
        addr: SocketAddr,
        code: &str,
    ) -> Result<CustomerClient, CustomerServerMessage> {
        Self::hello(
            addr,
            CustomerHello::Join {
                protocol_version: PROTOCOL_VERSION,
                code: code.to_owned(),
            },
        )
        .await
    }

    /// Waits (with the deadline) for the page's `client_offered`; other messages stay in
    /// `inbox`.
    pub async fn client_offered(&mut self) -> Offered {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            if let Some(PortalMessage::ClientOffered {
                code,
                expires_at,
                download_url,
            }) = self.portal.pop_front()
            {
                return Offered {
                    code,
                    expires_at,
                    download_url,
                };
            }
            self.receive_message(deadline, "client_offered").await;
        }
    }
}

/// The kit's test configuration with `[server] client_download` set to `path`. Parsed each
/// call.
pub fn test_config_with_client_download(path: &Path) -> Arc<Config> {
    let line = format!(
        "[server]\nclient_download = {}\n",
        toml_string(&path.to_string_lossy())
    );
    let text = TEST_CONFIG.replacen("[server]\n", &line, 1);
    Arc::new(Config::from_toml(&text).expect("test config with a client download"))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}
