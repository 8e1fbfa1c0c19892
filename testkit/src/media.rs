//! A media test client (docs/PROTOCOL.md §11): a real WebSocket to `/ws/media` that sends
//! `auth` and other [`MediaFrame`]s, and reads frames, raw bytes or the close code, each
//! within the deadline. Also the frames tests send: screen updates of a chosen size, inputs.

use crate::socket::{Socket, open_socket};
use crate::wait::DEADLINE;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_protocol::media::{
    InputEvent, MediaFrame, ScreenUpdate, Tile, TileEncoding, decode_media, encode_media,
};
use tokio_tungstenite::tungstenite::Message;

/// One `/ws/media` connection.
pub struct MediaClient {
    pub socket: Socket,
}

impl MediaClient {
    /// Opens `/ws/media` without sending anything.
    pub async fn connect(addr: SocketAddr) -> MediaClient {
        MediaClient {
            socket: open_socket(addr, "/ws/media").await,
        }
    }

    /// Opens `/ws/media` and sends `auth` with `token` (the server answers nothing on
    /// success: the next frames are the stream's, or a close).
    pub async fn auth(addr: SocketAddr, token: &str) -> MediaClient {
        let mut client = MediaClient::connect(addr).await;
        client
            .send(&MediaFrame::Auth {
                token: token.to_owned(),
            })
            .await;
        client
    }

    /// Sends one frame (encoded); the bytes sent.
    pub async fn send(&mut self, frame: &MediaFrame) -> Vec<u8> {
        let bytes = encode_media(frame).expect("the test's frame encodes");
        self.send_raw(bytes.clone()).await;
        bytes
    }

    /// Sends one binary message as it is (for malformed frames). A server that already
    /// closed may make this fail; the close is read with [`MediaClient::closed`].
    pub async fn send_raw(&mut self, bytes: Vec<u8>) {
        let _ = self.socket.send(Message::Binary(bytes.into())).await;
    }

    /// Sends a text message (which media sockets refuse).
    pub async fn send_text(&mut self, text: &str) {
        let _ = self.socket.send(Message::Text(text.into())).await;
    }

    /// The next binary message within the deadline; fails the test on a close.
    pub async fn recv_raw(&mut self) -> Vec<u8> {
        match self.next_within(DEADLINE).await {
            Next::Binary(bytes) => bytes,
            Next::Closed(code) => panic!("media socket closed ({code:?}) while a frame was due"),
            Next::Nothing => panic!("no media frame within {DEADLINE:?}"),
        }
    }

    /// The next frame within the deadline, decoded.
    pub async fn recv(&mut self) -> MediaFrame {
        let bytes = self.recv_raw().await;
        decode_media(&bytes).expect("the server's frame decodes")
    }

    /// Reads until a frame `pred` accepts (within the deadline), skipping the others.
    pub async fn recv_until<T>(&mut self, mut pred: impl FnMut(&MediaFrame) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Next::Binary(bytes) => {
                    let frame = decode_media(&bytes).expect("the server's frame decodes");
                    if let Some(found) = pred(&frame) {
                        return found;
                    }
                }
                Next::Closed(code) => panic!("media socket closed ({code:?}) while waiting"),
                Next::Nothing => panic!("the awaited media frame did not come within {DEADLINE:?}"),
            }
        }
    }

    /// The next message within `limit`: a frame, a close, or nothing.
    pub async fn next_within(&mut self, limit: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.socket.next()).await else {
                return Next::Nothing;
            };
            match message {
                Some(Ok(Message::Binary(bytes))) => return Next::Binary(bytes.to_vec()),
                Some(Ok(Message::Close(frame))) => {
                    return Next::Closed(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Next::Closed(None),
            }
        }
    }

    /// Sends a WebSocket ping and reads (dropping frames) until its pong, within the
    /// deadline. The server reads in order, so the pong also says it has read everything
    /// sent before the ping.
    pub async fn ping_pong(&mut self) {
        let payload = b"switchboard-testkit".to_vec();
        self.socket
            .send(Message::Ping(payload.clone().into()))
            .await
            .expect("the ping goes out");
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Ok(Some(Ok(Message::Pong(echo)))) if echo[..] == payload[..] => return,
                Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => {
                    panic!("media socket closed while a pong was due")
                }
                Ok(Some(Ok(_))) => continue,
                Err(_) => panic!("no pong within {DEADLINE:?}"),
            }
        }
    }

    /// Sends a ping and returns the frames that came before its pong (within the deadline):
    /// everything the server had queued for this socket when it read the ping.
    pub async fn frames_before_pong(&mut self) -> Vec<MediaFrame> {
        let payload = b"switchboard-testkit-frames".to_vec();
        self.socket
            .send(Message::Ping(payload.clone().into()))
            .await
            .expect("the ping goes out");
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let mut frames = Vec::new();
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Ok(Some(Ok(Message::Pong(echo)))) if echo[..] == payload[..] => return frames,
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    frames.push(decode_media(&bytes).expect("the server's frame decodes"));
                }
                Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => {
                    panic!("media socket closed while a pong was due")
                }
                Ok(Some(Ok(_))) => continue,
                Err(_) => panic!("no pong within {DEADLINE:?}"),
            }
        }
    }

    /// Reads (and drops) frames until the server closes, within the deadline; the close code.
    pub async fn closed(&mut self) -> Option<u16> {
        self.closed_within(DEADLINE).await
    }

    /// [`MediaClient::closed`] with another time limit.
    pub async fn closed_within(&mut self, limit: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Next::Binary(_) => continue,
                Next::Closed(code) => return code,
                Next::Nothing => panic!("the media socket was not closed within {limit:?}"),
            }
        }
    }
}

/// What [`MediaClient::next_within`] read.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Binary(Vec<u8>),
    /// Closed, with the close code if the server sent one.
    Closed(Option<u16>),
    /// Nothing within the time limit.
    Nothing,
}

/// A screen update `seq` of a 1920x1080 screen whose one JPEG tile carries `payload_bytes`
/// bytes (the relay does not look inside, so any bytes do): the frame is about that size.
pub fn update(seq: u64, payload_bytes: usize) -> MediaFrame {
    let fill = (seq % 251) as u8;
    MediaFrame::ScreenUpdate(ScreenUpdate {
        seq,
        captured_micros: now_micros(),
        width: 1920,
        height: 1080,
        tiles: vec![Tile {
            x: 0,
            y: 0,
            w: 1920,
            h: 1080,
            encoding: TileEncoding::Jpeg {
                quality: 70,
                data: vec![fill; payload_bytes.max(1)],
            },
        }],
    })
}

/// A small update (one solid tile).
pub fn small_update(seq: u64) -> MediaFrame {
    MediaFrame::ScreenUpdate(ScreenUpdate {
        seq,
        captured_micros: now_micros(),
        width: 64,
        height: 64,
        tiles: vec![Tile {
            x: 0,
            y: 0,
            w: 64,
            h: 64,
            encoding: TileEncoding::Solid([seq as u8, 0, 0, 255]),
        }],
    })
}

/// A pointer click at (x, y).
pub fn click(x: u16, y: u16) -> MediaFrame {
    MediaFrame::Input(InputEvent::PointerButton {
        x,
        y,
        button: 1,
        pressed: true,
    })
}

/// The seq of a screen update, if `frame` is one.
pub fn seq_of(frame: &MediaFrame) -> Option<u64> {
    match frame {
        MediaFrame::ScreenUpdate(update) => Some(update.seq),
        _ => None,
    }
}

/// Microseconds since the Unix epoch (a screen update's `captured_micros`).
pub fn now_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// Issues a ticket on `relay` for `session` and `role`, valid for a minute, as the core does
/// for an `open_media`; its token.
pub fn issue(
    relay: &switchboard_server::server::media::MediaRelay,
    session: u64,
    role: switchboard_server::server::media::MediaRole,
) -> String {
    issue_until(relay, session, role, now_millis() + 60_000)
}

/// [`issue`] for a shell socket.
pub fn issue_shell(
    relay: &switchboard_server::server::media::MediaRelay,
    session: u64,
    role: switchboard_server::server::media::MediaRole,
) -> String {
    issue_ticket(
        relay,
        session,
        role,
        switchboard_protocol::MediaChannel::Shell,
        now_millis() + 60_000,
    )
}

/// [`issue`] with another expiry (a past one makes an expired ticket).
pub fn issue_until(
    relay: &switchboard_server::server::media::MediaRelay,
    session: u64,
    role: switchboard_server::server::media::MediaRole,
    expires_at: u64,
) -> String {
    issue_ticket(
        relay,
        session,
        role,
        switchboard_protocol::MediaChannel::Screen,
        expires_at,
    )
}

fn issue_ticket(
    relay: &switchboard_server::server::media::MediaRelay,
    session: u64,
    role: switchboard_server::server::media::MediaRole,
    channel: switchboard_protocol::MediaChannel,
    expires_at: u64,
) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let token = format!(
        "test-{}-{}",
        NEXT.fetch_add(1, Ordering::Relaxed),
        now_micros()
    );
    relay.issue(
        token.clone(),
        switchboard_server::server::media::Ticket {
            session: switchboard_protocol::SessionId(session),
            role,
            channel,
            expires_at,
        },
    );
    token
}

/// A viewer role for `rep`.
pub fn viewer(rep: &str) -> switchboard_server::server::media::MediaRole {
    switchboard_server::server::media::MediaRole::Viewer {
        rep: switchboard_protocol::RepId::from(rep),
    }
}

/// Access for `session` naming each rep who may view the screen, with whether it controls.
pub fn access(reps: &[(&str, bool)]) -> switchboard_server::server::media::SessionAccess {
    use switchboard_server::server::media::MediaRights;
    switchboard_server::server::media::SessionAccess {
        viewers: reps
            .iter()
            .map(|(rep, control)| {
                let rights = MediaRights {
                    view: true,
                    control: *control,
                    shell: None,
                };
                (switchboard_protocol::RepId::from(*rep), rights)
            })
            .collect(),
    }
}

/// Access in which `rep` has the shell of grant `grant` (and nobody views the screen).
pub fn shell_access(rep: &str, grant: u64) -> switchboard_server::server::media::SessionAccess {
    use switchboard_server::server::media::MediaRights;
    let rights = MediaRights {
        shell: Some(switchboard_protocol::GrantId(grant)),
        ..MediaRights::default()
    };
    switchboard_server::server::media::SessionAccess {
        viewers: [(switchboard_protocol::RepId::from(rep), rights)].into(),
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> u64 {
    now_micros() / 1000
}

/// Waits (within the deadline) until `relay` has `sockets` media sockets attached: an `auth`
/// has no answer, so a test that needs a socket in place before it publishes waits here.
pub async fn wait_attached(relay: &switchboard_server::server::media::MediaRelay, sockets: usize) {
    crate::wait::poll_until(
        &format!("{sockets} media sockets attached"),
        || relay.counts().1 == sockets,
        || format!("{} attached", relay.counts().1),
    )
    .await;
}
