//! The one file that knows axum's WebSocket type: text in, typed frames out, and the
//! per-connection rules for bad frames (answer, count, cut off a flood).

use super::core::Outbound;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A text frame larger than this closes the connection (smaller ones over 64 KiB get an error).
pub const HARD_FRAME_LIMIT: usize = 1024 * 1024;
/// More bad frames than this within [`BAD_FRAME_WINDOW`] is a flood: the connection closes.
const BAD_FRAME_LIMIT: usize = 20;
const BAD_FRAME_WINDOW: Duration = Duration::from_secs(10);

/// What arrived on a socket.
pub enum Incoming {
    /// The frame's text as the library read it (shared bytes, derefs to `str`): handing it
    /// on as it is saves a copy of every frame into a new `String`.
    Text(Utf8Bytes),
    /// A frame that is not protocol text: a binary frame, or a text frame that is not valid
    /// UTF-8. Either closes the connection, with the close code that says which.
    NotText { code: u16, reason: &'static str },
    /// Closed by the peer, or broken.
    Closed,
}

/// Close code for a binary frame (RFC 6455: "unsupported data").
pub const CLOSE_UNSUPPORTED_DATA: u16 = 1003;
/// Close code for a text frame that is not UTF-8 (RFC 6455: "invalid frame payload data").
pub const CLOSE_INVALID_PAYLOAD: u16 = 1007;

/// Whether the peer is still there: when it was last heard from (any frame, a pong
/// included), against the idle limit.
pub struct Liveness {
    heard: Instant,
    idle: Duration,
}

impl Liveness {
    pub fn new(idle: Duration) -> Self {
        Self {
            heard: Instant::now(),
            idle,
        }
    }

    /// A timer to ping the peer at a third of the idle limit.
    pub fn pinger(&self) -> tokio::time::Interval {
        let period = (self.idle / 3).max(Duration::from_millis(100));
        let mut pinger = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        pinger.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        pinger
    }

    /// True when the peer has said nothing, not even a pong, for the idle limit.
    pub fn silent_too_long(&self) -> bool {
        self.heard.elapsed() >= self.idle
    }

    fn heard(&mut self) {
        self.heard = Instant::now();
    }
}

/// On a ping tick: pings the peer, or closes the connection (close code 1001, "going away")
/// when it has been silent for the idle limit. Returns false when the connection is over.
pub async fn keep_alive(socket: &mut WebSocket, liveness: &Liveness) -> bool {
    if liveness.silent_too_long() {
        close_with(socket, 1001, "no answer to pings").await;
        return false;
    }
    socket.send(Message::Ping(Vec::new().into())).await.is_ok()
}

/// Reads the next meaningful frame (pings are answered by the library); any frame, pongs
/// included, counts as a sign of life.
pub async fn recv(socket: &mut WebSocket, liveness: &mut Liveness) -> Incoming {
    loop {
        let frame = socket.recv().await;
        liveness.heard();
        match frame {
            Some(Ok(Message::Text(text))) => return Incoming::Text(text),
            Some(Ok(Message::Binary(_))) => {
                return Incoming::NotText {
                    code: CLOSE_UNSUPPORTED_DATA,
                    reason: "binary frames are not part of the protocol",
                };
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Err(error)) if is_invalid_utf8(&error) => {
                return Incoming::NotText {
                    code: CLOSE_INVALID_PAYLOAD,
                    reason: "text frames must be UTF-8",
                };
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Incoming::Closed,
        }
    }
}

/// Whether a read failed because a text frame was not UTF-8.
fn is_invalid_utf8(error: &axum::Error) -> bool {
    use std::error::Error as _;
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(ws) = cause.downcast_ref::<tokio_tungstenite::tungstenite::Error>() {
            return matches!(ws, tokio_tungstenite::tungstenite::Error::Utf8(_));
        }
        source = cause.source();
    }
    false
}

/// Closes with a close code and reason (best effort: the peer may be gone).
pub async fn close_with(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = axum::extract::ws::CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Sends one text frame; false if the socket is gone.
pub async fn send_text(socket: &mut WebSocket, text: &str) -> bool {
    socket.send(Message::Text(text.into())).await.is_ok()
}

pub async fn close(socket: &mut WebSocket) {
    let _ = socket.send(Message::Close(None)).await;
}

/// Frames written before one flush, when several are queued.
const WRITE_BATCH: usize = 64;

/// Writes what the core queued, and whatever else is already waiting, with one flush.
/// Returns false when the connection should end.
pub async fn write_outbound(
    socket: &mut WebSocket,
    first: Option<Outbound>,
    queue: &mut mpsc::Receiver<Outbound>,
) -> bool {
    use futures_util::SinkExt;
    let mut next = first;
    let mut written = 0;
    loop {
        match next {
            // The frame's shared bytes go to the socket as they are: no copy per write.
            Some(Outbound::Text(text)) => {
                if socket.feed(Message::Text(text)).await.is_err() {
                    return false;
                }
            }
            Some(Outbound::Close) | None => {
                let _ = socket.flush().await;
                close(socket).await;
                return false;
            }
            Some(Outbound::CloseWith { code, reason }) => {
                let _ = socket.flush().await;
                close_with(socket, code, reason).await;
                return false;
            }
        }
        written += 1;
        // Take another frame only if this batch will write it; the rest waits in the queue.
        if written == WRITE_BATCH {
            break;
        }
        match queue.try_recv() {
            Ok(more) => next = Some(more),
            Err(_) => break,
        }
    }
    socket.flush().await.is_ok()
}

/// Answers a frame that could not be used with `error_frame` and counts it. Returns false
/// when the connection should close: the peer is gone, or it is flooding.
pub async fn refuse(socket: &mut WebSocket, bad: &mut BadFrames, error_frame: &str) -> bool {
    send_text(socket, error_frame).await && !bad.flooding()
}

/// The request id of a frame that failed to decode, so its error can name it. Frames over
/// the size limit are not parsed at all.
pub fn failed_request_id(text: &str) -> Option<switchboard_protocol::RequestId> {
    if text.len() <= switchboard_protocol::MAX_FRAME_BYTES {
        switchboard_protocol::codec::peek_request_id(text)
    } else {
        None
    }
}

/// Counts bad frames in a sliding window.
pub struct BadFrames {
    times: Vec<Instant>,
}

impl BadFrames {
    pub fn new() -> Self {
        Self { times: Vec::new() }
    }

    /// Records a bad frame; true if the peer is flooding and should be cut off.
    pub fn flooding(&mut self) -> bool {
        let now = Instant::now();
        self.times
            .retain(|t| now.duration_since(*t) < BAD_FRAME_WINDOW);
        self.times.push(now);
        self.times.len() > BAD_FRAME_LIMIT
    }
}

/// A bounded queue for frames to one connection.
pub fn outbound_queue() -> (mpsc::Sender<Outbound>, mpsc::Receiver<Outbound>) {
    mpsc::channel(super::core::OUTBOUND_QUEUE)
}
