//! The one file that knows the WebSocket type (tokio-tungstenite's stream over hyper's
//! upgraded connection, made by `ws_upgrade.rs`): text in, typed frames out, large frames
//! out as fragments, and the per-connection rules for bad frames (answer, count, cut off a
//! flood).

use super::core::Outbound;
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{Frame, Utf8Bytes};
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Message, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError};

/// A server-side WebSocket connection, as every endpoint holds it.
pub type WebSocket = tokio_tungstenite::WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// A text frame longer than this leaves as fragments of this size. tungstenite copies each
/// frame it writes into one write buffer (a `Vec`) that keeps the capacity of the largest
/// frame it ever held; a console's 13 KiB snapshot, sent whole, would hold 13 KiB on every
/// console for the connection's life. In fragments, the buffer stays about one fragment
/// (plus the [`WRITE_BUFFER_BYTES`] of small frames batched before it). 2 KiB rather than 4:
/// 14.8 instead of 15.4–15.8 KiB per idle connection at 5,000 reps + 5,000 customers (issue
/// 11 asks for under 16); a fragment costs a 4-byte header and one more call into tungstenite.
pub const FRAGMENT_BYTES: usize = 2 * 1024;

/// Bytes of small frames tungstenite gathers before writing them to the socket (one `send`
/// for several frames). Below [`FRAGMENT_BYTES`], so each fragment goes out to the socket
/// before the next is copied in (a socket that is full is drained before the next frame is
/// taken: tokio-tungstenite's `poll_ready`).
pub const WRITE_BUFFER_BYTES: usize = FRAGMENT_BYTES / 2;

/// The configuration of the JSON sockets (rep, customer, jump): a small read buffer, so
/// thousands of idle connections stay cheap (a frame larger than it is read in several
/// pieces; 4 KiB here cost 3 KiB more per connection), the small write buffer above, and
/// frames up to [`HARD_FRAME_LIMIT`].
pub fn json_socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_message_size(Some(HARD_FRAME_LIMIT))
        .max_frame_size(Some(HARD_FRAME_LIMIT))
}

/// The configuration of the media sockets (screen and shell streams): their own read
/// buffer and frame limit; their messages are binary and sent whole, so the write buffer
/// keeps 4 KiB of batching (media sockets are few, one per viewer).
pub fn media_socket_config() -> WebSocketConfig {
    let limit = switchboard_protocol::media::MAX_FRAME_BYTES;
    WebSocketConfig::default()
        .read_buffer_size(super::media::READ_BUFFER_BYTES)
        .write_buffer_size(4 * 1024)
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit))
}

/// A text frame as the WebSocket frames that carry it: one final `Text` frame when it is
/// at most [`FRAGMENT_BYTES`], otherwise a `Text` frame without FIN, `Continue` frames, and
/// a final `Continue` with FIN. Each piece is a slice of the frame's shared bytes (no copy).
/// A piece may end inside a UTF-8 character: the receiver checks the reassembled message.
pub fn text_frames(text: Utf8Bytes) -> impl Iterator<Item = Frame> {
    let bytes = Bytes::from(text);
    let len = bytes.len();
    // An empty frame is still one frame.
    let starts = (0..len.max(1)).step_by(FRAGMENT_BYTES);
    starts.map(move |start| {
        let end = (start + FRAGMENT_BYTES).min(len);
        let opcode = if start == 0 {
            Data::Text
        } else {
            Data::Continue
        };
        Frame::message(bytes.slice(start..end), OpCode::Data(opcode), end == len)
    })
}

/// Queues one text frame (as fragments when large) without flushing; false if the socket
/// is gone.
async fn feed_text(socket: &mut WebSocket, text: Utf8Bytes) -> bool {
    for frame in text_frames(text) {
        if socket.feed(Message::Frame(frame)).await.is_err() {
            return false;
        }
    }
    true
}

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
    socket.send(Message::Ping(Bytes::new())).await.is_ok()
}

/// Reads the next meaningful frame (pings are answered by the library); any frame, pongs
/// included, counts as a sign of life.
pub async fn recv(socket: &mut WebSocket, liveness: &mut Liveness) -> Incoming {
    loop {
        let frame = socket.next().await;
        liveness.heard();
        match frame {
            Some(Ok(Message::Text(text))) => return Incoming::Text(text),
            Some(Ok(Message::Binary(_))) => {
                return Incoming::NotText {
                    code: CLOSE_UNSUPPORTED_DATA,
                    reason: "binary frames are not part of the protocol",
                };
            }
            // Raw frames are never read (tungstenite reassembles them); only pings and pongs
            // are skipped.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Err(WsError::Utf8(_))) => {
                return Incoming::NotText {
                    code: CLOSE_INVALID_PAYLOAD,
                    reason: "text frames must be UTF-8",
                };
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Incoming::Closed,
        }
    }
}

/// Closes with a close code and reason (best effort: the peer may be gone).
pub async fn close_with(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Sends one text frame (as fragments when large); false if the socket is gone.
pub async fn send_text(socket: &mut WebSocket, text: &str) -> bool {
    feed_text(socket, Utf8Bytes::from(text)).await && socket.flush().await.is_ok()
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
    let mut next = first;
    let mut written = 0;
    loop {
        match next {
            // The frame's shared bytes go to the socket as they are: no copy per write.
            Some(Outbound::Text(text)) => {
                if !feed_text(socket, text).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Puts the pieces back together as a receiver does, checking the framing rules on the way.
    fn reassemble(frames: &[Frame]) -> Vec<u8> {
        let mut whole = Vec::new();
        for (i, frame) in frames.iter().enumerate() {
            let header = frame.header();
            let expected = if i == 0 { Data::Text } else { Data::Continue };
            assert_eq!(header.opcode, OpCode::Data(expected), "frame {i}'s opcode");
            assert_eq!(header.is_final, i + 1 == frames.len(), "FIN on frame {i}");
            assert!(
                frame.payload().len() <= FRAGMENT_BYTES,
                "frame {i} too long"
            );
            whole.extend_from_slice(frame.payload());
        }
        whole
    }

    #[test]
    fn large_frames_leave_as_fragments_that_reassemble_with_fin_only_on_the_last() {
        // Multi-byte characters, so that pieces end inside a character.
        let large: String = "héllo wörld ✓ ".repeat(1_000);
        assert!(large.len() > 3 * FRAGMENT_BYTES);
        let frames: Vec<Frame> = text_frames(Utf8Bytes::from(large.as_str())).collect();
        assert_eq!(frames.len(), large.len().div_ceil(FRAGMENT_BYTES));
        assert_eq!(reassemble(&frames), large.as_bytes());
    }

    #[test]
    fn frames_up_to_one_fragment_leave_whole() {
        for len in [0, 1, FRAGMENT_BYTES] {
            let text = "x".repeat(len);
            let frames: Vec<Frame> = text_frames(Utf8Bytes::from(text.as_str())).collect();
            assert_eq!(frames.len(), 1, "{len} bytes");
            assert_eq!(reassemble(&frames), text.as_bytes());
        }
        let just_over = "y".repeat(FRAGMENT_BYTES + 1);
        let frames: Vec<Frame> = text_frames(Utf8Bytes::from(just_over.as_str())).collect();
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[1].payload(), b"y");
        assert_eq!(reassemble(&frames), just_over.as_bytes());
    }

    #[test]
    fn pieces_share_the_frames_bytes() {
        let text = Utf8Bytes::from("z".repeat(3 * FRAGMENT_BYTES).as_str());
        let start = text.as_ptr();
        let frames: Vec<Frame> = text_frames(text).collect();
        assert_eq!(
            frames[1].payload().as_ptr(),
            start.wrapping_add(FRAGMENT_BYTES)
        );
    }

    #[test]
    fn each_fragment_is_written_out_before_the_next_is_buffered() {
        // tungstenite writes its buffer out once it holds more than `write_buffer_size`.
        const { assert!(WRITE_BUFFER_BYTES < FRAGMENT_BYTES) };
        assert_eq!(json_socket_config().write_buffer_size, WRITE_BUFFER_BYTES);
    }
}
