//! The publisher: the customer's side of `/ws/media` (docs/PROTOCOL.md §11). It authenticates
//! with the ticket from `open_media`, then sends the screen's changed tiles, paced by
//! [`FlowControl`] (at most two updates unacknowledged, a rate that follows how late the
//! relay's acknowledgements come), answers refresh requests with the whole screen, and hands
//! the rep's input to the worker while this customer's own grant list allows control. It stops
//! the moment the share state says nobody may view any more, whatever the socket is doing.

pub mod flow;
mod worker;

pub use flow::FlowControl;
pub(crate) use worker::now_micros;
pub use worker::{ScreenChoice, ScreenWorker, WorkerError};

use crate::session::ShareState;
use futures_util::{SinkExt, StreamExt};
use switchboard_protocol::media::{MediaFrame, decode_media, encode_media};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// What the worker answers a capture with.
type CaptureResult =
    Result<Vec<switchboard_protocol::media::ScreenUpdate>, crate::capture::CaptureError>;

/// The close code the relay uses when the grant behind a socket ended.
pub const CLOSE_REVOKED: u16 = 4410;

/// How a publishing run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishEnd {
    /// Nobody may view any more (Stop, a grant ended, the session ended): closed here.
    Stopped,
    /// The relay closed the socket with this code (`4410`: the grants behind it ended).
    Closed(Option<u16>),
}

/// Why a publishing run failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot open the media socket: {0}")]
    Connect(tokio_tungstenite::tungstenite::Error),
    #[error("the media socket failed: {0}")]
    Socket(tokio_tungstenite::tungstenite::Error),
    #[error("cannot capture the screen: {0}")]
    Capture(#[from] crate::capture::CaptureError),
    #[error("the screen worker stopped")]
    WorkerGone,
    #[error("a frame could not be encoded: {0}")]
    Encode(#[from] switchboard_protocol::media::MediaError),
}

/// The media socket's URL for a server base URL like `http://host:port`.
pub fn media_url(server: &str) -> String {
    format!("{}/ws/media", crate::session::ws_base(server))
}

/// What the publisher tells whoever watches it (the window's status line, the bench).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PublishStats {
    /// Updates sent in this run.
    pub updates: u64,
    /// Bytes of media frames sent in this run.
    pub bytes: u64,
    /// The current frame rate cap.
    pub fps: f64,
}

/// Publishes the screen through `worker` on the media socket at `url` with `token`, until
/// `share` says nobody may view or the relay closes the socket.
pub async fn publish(
    url: &str,
    token: &str,
    worker: &ScreenWorker,
    mut share: watch::Receiver<ShareState>,
    stats: Option<&watch::Sender<PublishStats>>,
) -> Result<PublishEnd, PublishError> {
    if !share.borrow_and_update().sharing() {
        return Ok(PublishEnd::Stopped);
    }
    let connect = crate::tls::connect(url, None);
    let (socket, _) = tokio::select! {
        connected = connect => connected.map_err(PublishError::Connect)?,
        () = unshared(&mut share) => return Ok(PublishEnd::Stopped),
    };
    let (mut sink, mut stream) = socket.split();
    let auth = encode_media(&MediaFrame::Auth {
        token: token.to_owned(),
    })?;
    sink.send(Message::Binary(auth.into()))
        .await
        .map_err(PublishError::Socket)?;
    worker.force_full();
    let mut flow = FlowControl::new();
    let mut totals = PublishStats::default();
    let mut pending: Option<tokio::sync::oneshot::Receiver<CaptureResult>> = None;
    loop {
        let poll_at = match pending {
            Some(_) => None,
            None => flow.next_poll_at(std::time::Instant::now()),
        };
        tokio::select! {
            biased;
            // Nobody may view any more (Stop, a grant ended): close at once.
            () = unshared(&mut share) => return Ok(PublishEnd::Stopped),
            // The relay: acknowledgements, refresh requests, the rep's input, the close.
            message = stream.next() => {
                let frame = match message {
                    Some(Ok(Message::Binary(bytes))) => decode_media(&bytes),
                    Some(Ok(Message::Close(close))) => {
                        return Ok(PublishEnd::Closed(close.map(|c| u16::from(c.code))));
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => return Err(PublishError::Socket(error)),
                    None => return Ok(PublishEnd::Closed(None)),
                };
                match frame {
                    Ok(MediaFrame::Ack { seq }) => flow.on_ack(seq, std::time::Instant::now()),
                    Ok(MediaFrame::RefreshRequest) => {
                        flow.on_refresh();
                        worker.force_full();
                    }
                    Ok(MediaFrame::Input(event)) => {
                        // The relay forwards input only with control; check our own list too.
                        if share.borrow().control {
                            worker.input(event);
                        }
                    }
                    Ok(other) => tracing::debug!(?other, "unexpected media frame"),
                    Err(error) => tracing::debug!(%error, "undecodable media frame"),
                }
            }
            // A capture came back: send its updates (stopping mid-way if sharing ends).
            result = async {
                match pending.as_mut() {
                    Some(answer) => answer.await,
                    None => std::future::pending().await,
                }
            }, if pending.is_some() => {
                pending = None;
                let updates = result.map_err(|_| PublishError::WorkerGone)??;
                for update in updates {
                    let seq = update.seq;
                    let bytes = encode_media(&MediaFrame::ScreenUpdate(update))?;
                    totals.bytes += bytes.len() as u64;
                    totals.updates += 1;
                    tokio::select! {
                        biased;
                        () = unshared(&mut share) => return Ok(PublishEnd::Stopped),
                        sent = sink.send(Message::Binary(bytes.into())) => sent.map_err(PublishError::Socket)?,
                    }
                    flow.on_sent(seq, std::time::Instant::now());
                }
                if let Some(stats) = stats {
                    totals.fps = flow.fps();
                    stats.send_replace(totals);
                }
            }
            // Time to look at the screen again.
            () = sleep_until(poll_at), if poll_at.is_some() => {
                flow.on_poll(std::time::Instant::now());
                pending = Some(worker.capture(flow.jpeg_quality()));
            }
        }
    }
}

/// Resolves once `share` says nobody may view (or its sender is gone).
async fn unshared(share: &mut watch::Receiver<ShareState>) {
    loop {
        if !share.borrow_and_update().sharing() {
            return;
        }
        if share.changed().await.is_err() {
            return;
        }
    }
}

async fn sleep_until(at: Option<std::time::Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(Instant::from_std(at)).await;
    }
}
