//! One `/ws/media` connection (docs/PROTOCOL.md §11): the `auth` frame within
//! [`AUTH_TIMEOUT`], then the publisher's loop (updates in; acks, refresh requests and input
//! out) or the viewer's (updates out; acks, refresh requests and input in). The only media
//! file that knows the WebSocket: frames are decoded once, to check and classify them, and
//! relayed as the bytes that arrived.

use super::relay::{Attached, Close, Endpoint, InputFate, Mail};
use super::{
    AUTH_TIMEOUT, MediaRelay, PUBLISHER_BYTE_BURST, PUBLISHER_BYTES_PER_SEC, REFRESH_INTERVAL,
    UPDATES_PER_SEC, close,
};
use crate::server::core::now_ms;
use crate::server::socket::WebSocket;
use axum::body::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_protocol::RepId;
use switchboard_protocol::media::{MediaFrame, decode_media, encode_media};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

pub(super) type Sink = SplitSink<WebSocket, Message>;
pub(super) type Source = SplitStream<WebSocket>;

/// How long a close frame may take to leave, and the peer's close to come back, before the
/// connection is simply dropped.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// What arrived.
pub(super) enum Read {
    Binary(Bytes),
    /// A text message (or one that is not valid UTF-8): media is binary only.
    Text,
    /// Over `MAX_FRAME_BYTES`; the library refused it from its header.
    TooBig,
    Closed,
}

impl Read {
    /// The frame that arrived, or how the connection ends: a text message or one over the
    /// limit closes it (`4400`, `1009`); a closed connection just ends.
    pub(super) fn into_frame(self) -> Result<Bytes, Option<Close>> {
        match self {
            Read::Binary(frame) => Ok(frame),
            Read::Text => Err(Some(close::bad_frame("media frames are binary"))),
            Read::TooBig => Err(Some(too_big())),
            Read::Closed => Err(None),
        }
    }
}

/// Spends a frame's bytes from its sender's `budget`; over it, the socket's next read waits
/// (`read_at`) until the budget has refilled, so the sender slows down and nothing is
/// dropped.
pub(super) fn pace(
    budget: &mut super::flow::ByteBudget,
    frame: &Bytes,
    now: Duration,
    read_at: &mut Option<tokio::time::Instant>,
) {
    let wait = budget.spend(frame.len(), now);
    if !wait.is_zero() {
        *read_at = Some(tokio::time::Instant::now() + wait);
    }
}

/// When the peer was last heard from, against the idle limit (pings at a third of it).
pub(super) struct Liveness {
    pub(super) heard: Instant,
    pub(super) idle: Duration,
}

/// Serves one media socket to its end.
/// `slot` is the socket's place among those waiting to authenticate: given back once the
/// first frame has been read.
pub async fn serve(
    socket: WebSocket,
    relay: MediaRelay,
    idle: Duration,
    slot: tokio::sync::OwnedSemaphorePermit,
) {
    let (mut sink, mut source) = socket.split();
    let mut live = Liveness {
        heard: Instant::now(),
        idle,
    };
    let attached = match tokio::time::timeout(AUTH_TIMEOUT, read(&mut source, &mut live)).await {
        Err(_) => Err(Close {
            code: close::AUTH_TIMEOUT,
            reason: "no auth frame within 10 seconds",
        }),
        Ok(Read::Closed) => return,
        Ok(Read::TooBig) => Err(too_big()),
        Ok(Read::Text) => Err(close::bad_frame("media frames are binary")),
        Ok(Read::Binary(bytes)) => match decode_media(&bytes) {
            Err(_) => Err(close::bad_frame("the frame does not decode")),
            Ok(MediaFrame::Auth { token }) => relay
                .lock()
                .attach(&token, now_ms(), relay.elapsed())
                .map_err(|refused| refused.close()),
            Ok(_) => Err(close::unauthorized("the first frame must be auth")),
        },
    };
    drop(slot);
    let attached = match attached {
        Ok(attached) => attached,
        Err(reason) => {
            close_socket(&mut sink, &mut source, reason).await;
            return;
        }
    };
    let Attached {
        session,
        id,
        close: mut revoked,
        endpoint,
    } = attached;
    let end = match endpoint {
        Endpoint::Publisher { input, wake } => {
            let publisher = Publisher {
                relay: &relay,
                session,
                id,
                input,
                wake,
            };
            publisher
                .run(&mut sink, &mut source, &mut revoked, &mut live)
                .await
        }
        Endpoint::ShellCustomer(side) => {
            super::shell_socket::customer(&relay, session, id, side)
                .run(&mut sink, &mut source, &mut revoked, &mut live)
                .await
        }
        Endpoint::ShellRep { rep, side } => {
            super::shell_socket::rep(&relay, session, id, rep, side)
                .run(&mut sink, &mut source, &mut revoked, &mut live)
                .await
        }
        Endpoint::Viewer { rep, frames } => {
            let viewer = Viewer {
                relay: &relay,
                session,
                id,
                rep,
                frames,
            };
            viewer
                .run(&mut sink, &mut source, &mut revoked, &mut live)
                .await
        }
    };
    relay.lock().detach(session, id);
    if let Some(reason) = end {
        close_socket(&mut sink, &mut source, reason).await;
    }
}

pub(super) fn too_big() -> Close {
    Close {
        code: close::TOO_BIG,
        reason: "a media frame is at most 8 MiB",
    }
}

/// Reads the next data message; pings and pongs count as signs of life.
pub(super) async fn read(source: &mut Source, live: &mut Liveness) -> Read {
    loop {
        let message = source.next().await;
        live.heard = Instant::now();
        match message {
            Some(Ok(Message::Binary(bytes))) => return Read::Binary(bytes),
            Some(Ok(Message::Text(_))) => return Read::Text,
            // Raw frames are never read (tungstenite reassembles them).
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Err(error)) => return classify(&error),
            Some(Ok(Message::Close(_))) | None => return Read::Closed,
        }
    }
}

/// A read error: a message over the limit, a text message that is not UTF-8, or a broken
/// connection.
fn classify(error: &WsError) -> Read {
    match error {
        WsError::Capacity(_) => Read::TooBig,
        WsError::Utf8(_) => Read::Text,
        _ => Read::Closed,
    }
}

/// Sends the close frame and waits (briefly) for the peer's, so the close is read before the
/// connection drops; a peer that is gone or mid-message is cut off after [`CLOSE_WAIT`].
async fn close_socket(sink: &mut Sink, source: &mut Source, reason: Close) {
    let frame = CloseFrame {
        code: CloseCode::from(reason.code),
        reason: Utf8Bytes::from_static(reason.reason),
    };
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        if sink.send(Message::Close(Some(frame))).await.is_err() {
            return;
        }
        while let Some(Ok(message)) = source.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// Sends one message unless the relay lets go of the socket first. `Err` carries how the
/// connection ends (`None`: it is already gone).
pub(super) async fn send(
    sink: &mut Sink,
    message: Message,
    revoked: &mut oneshot::Receiver<Close>,
) -> Result<(), Option<Close>> {
    tokio::select! {
        biased;
        reason = revoked => Err(Some(reason.unwrap_or(close::SHUTTING_DOWN))),
        sent = sink.send(message) => sent.map_err(|_| None),
    }
}

/// On a ping tick: pings, or ends the connection when the peer was silent too long.
pub(super) async fn keep_alive(
    sink: &mut Sink,
    live: &Liveness,
    revoked: &mut oneshot::Receiver<Close>,
) -> Result<(), Option<Close>> {
    if live.heard.elapsed() >= live.idle {
        return Err(Some(Close {
            code: 1001,
            reason: "no answer to pings",
        }));
    }
    send(sink, Message::Ping(Bytes::new()), revoked).await
}

pub(super) fn pinger(idle: Duration) -> tokio::time::Interval {
    let period = (idle / 3).max(Duration::from_millis(100));
    let mut pinger = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    pinger.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    pinger
}

/// The customer's side: its updates go out to the viewers; acks, refresh requests and
/// input come back.
struct Publisher<'a> {
    relay: &'a MediaRelay,
    session: switchboard_protocol::SessionId,
    id: u64,
    input: mpsc::Receiver<Bytes>,
    wake: Arc<Notify>,
}

impl Publisher<'_> {
    /// Runs until the connection ends; how to close it, if it is still there.
    async fn run(
        mut self,
        sink: &mut Sink,
        source: &mut Source,
        revoked: &mut oneshot::Receiver<Close>,
        live: &mut Liveness,
    ) -> Option<Close> {
        let mut pinger = pinger(live.idle);
        let mut rate =
            super::flow::Bucket::new(UPDATES_PER_SEC, UPDATES_PER_SEC, self.relay.elapsed());
        let mut bytes = super::flow::ByteBudget::new(
            PUBLISHER_BYTES_PER_SEC,
            PUBLISHER_BYTE_BURST,
            self.relay.elapsed(),
        );
        // While the publisher is over its byte budget: when the next frame may be read.
        let mut read_at: Option<tokio::time::Instant> = None;
        let mut last_seq: Option<u64> = None;
        let mut last_refresh: Option<Instant> = None;
        // When a paced refresh may go out (set while one waits).
        let mut refresh_at: Option<tokio::time::Instant> = None;
        loop {
            let result = tokio::select! {
                biased;
                // The relay let go of us: revoked (4410), replaced (4001) or shutting down.
                reason = &mut *revoked => return Some(reason.unwrap_or(close::SHUTTING_DOWN)),
                // An ack or a refresh request waits in the relay, or a paced refresh is due.
                _ = self.wake.notified() => {
                    self.mail(sink, revoked, &mut last_refresh, &mut refresh_at).await
                }
                _ = sleep_until(refresh_at), if refresh_at.is_some() => {
                    refresh_at = None;
                    self.mail(sink, revoked, &mut last_refresh, &mut refresh_at).await
                }
                // A viewer's input (with control): to the customer as it arrived.
                Some(event) = self.input.recv() => send(sink, Message::Binary(event), revoked).await,
                _ = sleep_until(read_at), if read_at.is_some() => {
                    read_at = None;
                    Ok(())
                }
                read = read(source, live), if read_at.is_none() => match read.into_frame() {
                    Ok(frame) => {
                        pace(&mut bytes, &frame, self.relay.elapsed(), &mut read_at);
                        self.update(frame, &mut rate, &mut last_seq)
                    }
                    Err(end) => Err(end),
                },
                // A customer gone without a word is let go.
                _ = pinger.tick() => keep_alive(sink, live, revoked).await,
            };
            if let Err(end) = result {
                return end;
            }
        }
    }

    /// A frame from the publisher: only screen updates, with rising seqs.
    fn update(
        &self,
        bytes: Bytes,
        rate: &mut super::flow::Bucket,
        last_seq: &mut Option<u64>,
    ) -> Result<(), Option<Close>> {
        let seq = match decode_media(&bytes) {
            Ok(MediaFrame::ScreenUpdate(update)) => update.seq,
            Ok(_) => {
                return Err(Some(close::bad_frame(
                    "a publisher sends screen updates only",
                )));
            }
            Err(_) => return Err(Some(close::bad_frame("the frame does not decode"))),
        };
        if last_seq.is_some_and(|last| seq <= last) {
            return Err(Some(close::bad_frame("update seqs must rise")));
        }
        *last_seq = Some(seq);
        let mut relay = self.relay.lock();
        if rate.take(self.relay.elapsed()) {
            relay.publish(self.session, self.id, seq, &bytes);
        } else {
            relay.missed(self.session, self.id);
        }
        Ok(())
    }

    /// Sends what waits in the relay: the latest ack, and a refresh request if one is due
    /// (at most one per [`REFRESH_INTERVAL`]; one wanted sooner waits for `refresh_at`).
    async fn mail(
        &self,
        sink: &mut Sink,
        revoked: &mut oneshot::Receiver<Close>,
        last_refresh: &mut Option<Instant>,
        refresh_at: &mut Option<tokio::time::Instant>,
    ) -> Result<(), Option<Close>> {
        let allowed = last_refresh.is_none_or(|at| at.elapsed() >= REFRESH_INTERVAL);
        let mail: Mail = self.relay.lock().take_mail(self.session, self.id, allowed);
        if let Some(seq) = mail.ack {
            send(sink, encoded(&MediaFrame::Ack { seq }), revoked).await?;
        }
        if mail.refresh {
            *last_refresh = Some(Instant::now());
            send(sink, encoded(&MediaFrame::RefreshRequest), revoked).await?;
        }
        if mail.refresh_waiting && refresh_at.is_none() {
            let since = last_refresh.map_or(Duration::ZERO, |at| at.elapsed());
            *refresh_at =
                Some(tokio::time::Instant::now() + REFRESH_INTERVAL.saturating_sub(since));
        }
        Ok(())
    }
}

/// A frame the relay makes itself (an ack, a refresh request): always encodes.
pub(super) fn encoded(frame: &MediaFrame) -> Message {
    Message::Binary(encode_media(frame).unwrap_or_default().into())
}

pub(super) async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A rep's console: updates come in from the relay; acks, refresh requests and input go
/// back to it.
struct Viewer<'a> {
    relay: &'a MediaRelay,
    session: switchboard_protocol::SessionId,
    id: u64,
    rep: RepId,
    frames: mpsc::Receiver<Bytes>,
}

impl Viewer<'_> {
    async fn run(
        mut self,
        sink: &mut Sink,
        source: &mut Source,
        revoked: &mut oneshot::Receiver<Close>,
        live: &mut Liveness,
    ) -> Option<Close> {
        let mut pinger = pinger(live.idle);
        let mut dropped_input = 0u64;
        let end = loop {
            let result = tokio::select! {
                biased;
                // The grant ended (4410) or the server is stopping: nothing more is sent.
                reason = &mut *revoked => break Some(reason.unwrap_or(close::SHUTTING_DOWN)),
                // An update the relay queued for us (at most 2 wait).
                Some(update) = self.frames.recv() => send(sink, Message::Binary(update), revoked).await,
                read = read(source, live) => read
                    .into_frame()
                    .and_then(|bytes| self.frame(bytes, &mut dropped_input)),
                _ = pinger.tick() => keep_alive(sink, live, revoked).await,
            };
            if let Err(end) = result {
                break end;
            }
        };
        if dropped_input > 0 {
            tracing::debug!(rep = %self.rep, session = %self.session, dropped_input, "viewer input dropped");
        }
        end
    }

    /// A frame from the viewer: acks, refresh requests and input only.
    fn frame(&self, bytes: Bytes, dropped_input: &mut u64) -> Result<(), Option<Close>> {
        match decode_media(&bytes) {
            Ok(MediaFrame::Ack { seq }) => self.relay.lock().ack(self.session, self.id, seq),
            Ok(MediaFrame::RefreshRequest) => self.relay.lock().refresh(self.session, self.id),
            Ok(MediaFrame::Input(_)) => {
                let now = self.relay.elapsed();
                let fate = self.relay.lock().input(self.session, self.id, bytes, now);
                if fate != InputFate::Forwarded {
                    *dropped_input += 1;
                }
            }
            Ok(_) => return Err(Some(close::bad_frame("a viewer may not send that frame"))),
            Err(_) => return Err(Some(close::bad_frame("the frame does not decode"))),
        }
        Ok(())
    }
}
