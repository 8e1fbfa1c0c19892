//! `GET /download/switchboard-customer`: the customer client program, for a web customer a
//! rep offered it to (`offer_client`). Served only when `client_download` names a file; the
//! file is streamed from disk in chunks (never read into memory whole), with its exact
//! length, as an attachment. Each address may fetch it a few times a minute: a person needs
//! one copy, a script hammering it gets `429`.

use super::AppState;
use super::core::now_ms;
use super::http::http_error;
use crate::router::rate::Buckets;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use switchboard_protocol::ErrorCode;
use tokio::io::AsyncReadExt;

/// The name the browser saves the program as.
pub const FILE_NAME: &str = "switchboard-customer";
/// Bytes read from disk per chunk.
const CHUNK: usize = 64 * 1024;

/// Downloads per address: a sustained rate per minute with a burst.
pub struct DownloadRate(Mutex<Buckets<IpAddr>>);

impl DownloadRate {
    pub fn new() -> Self {
        DownloadRate(Mutex::new(Buckets::per_minute(6, 3)))
    }

    fn take(&self, source: IpAddr) -> Result<(), u64> {
        match self.0.lock() {
            Ok(mut buckets) => buckets.take(&source, now_ms()),
            // A poisoned lock only means another download panicked midway: still count.
            Err(poisoned) => poisoned.into_inner().take(&source, now_ms()),
        }
    }
}

impl Default for DownloadRate {
    fn default() -> Self {
        Self::new()
    }
}

fn not_here() -> Response {
    http_error(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "This server does not hand out the Switchboard program. Ask your representative for it.",
        None,
    )
}

pub async fn customer_program(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    let Some(path) = state.config.settings.client_download.clone() else {
        return not_here();
    };
    if let Err(wait_ms) = state.downloads.take(peer.ip()) {
        let secs = wait_ms.div_ceil(1000).max(1);
        return http_error(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("Too many downloads from your network. Try again in {secs} seconds."),
            Some(secs),
        );
    }
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "client_download cannot be opened");
            return not_here();
        }
    };
    let length = match file.metadata().await {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => return not_here(),
    };
    // Exactly `length` bytes: a file that grows while it is sent is cut at its old length.
    let stream = futures_util::stream::unfold(
        (file.take(length), vec![0u8; CHUNK]),
        |(mut file, mut buffer)| async move {
            match file.read(&mut buffer).await {
                Ok(0) => None,
                Ok(n) => {
                    let chunk = axum::body::Bytes::copy_from_slice(&buffer[..n]);
                    Some((Ok::<_, std::io::Error>(chunk), (file, buffer)))
                }
                Err(error) => Some((Err(error), (file, buffer))),
            }
        },
    );
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (header::CONTENT_LENGTH, length.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{FILE_NAME}\""),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
    ];
    (headers, Body::from_stream(stream)).into_response()
}
