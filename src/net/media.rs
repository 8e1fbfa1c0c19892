//! The console's side of `/ws/media` (PROTOCOL.md §11): one stream per session whose screen
//! the rep may see. A task on the network runtime connects with the ticket from
//! `open_media`, sends `auth`, hands every `screen_update` to a decoder thread
//! ([`super::media_picture`]) and writes what goes back: its acks, the rep's input, refresh
//! requests. The UI holds a [`ScreenStream`]; dropping it closes the socket.

use super::media_picture::{SharedPicture, decode_loop};
use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_protocol::media::{
    InputEvent, MAX_FRAME_BYTES, MediaFrame, decode_media, encode_media,
};
use switchboard_protocol::{MediaTicket, SessionId};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// The close code the server uses when the grant behind the socket ended.
pub const CLOSE_REVOKED: u16 = 4410;
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a stream stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamState {
    Connecting,
    /// Authenticated (the first update may not have come yet).
    Live,
    /// The grant ended (close 4410): do not reconnect.
    Revoked,
    /// The socket failed or closed otherwise; the reason is for the log.
    Lost(String),
}

impl StreamState {
    pub fn is_over(&self) -> bool {
        matches!(self, StreamState::Revoked | StreamState::Lost(_))
    }
}

/// The UI's handle on one session's stream. Dropping it ends the stream.
pub struct ScreenStream {
    pub session_id: SessionId,
    picture: SharedPicture,
    state: Arc<Mutex<StreamState>>,
    out: mpsc::UnboundedSender<MediaFrame>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// When it was opened, for reconnect pacing.
    pub opened_at: Instant,
}

impl std::fmt::Debug for ScreenStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScreenStream")
            .field("session_id", &self.session_id)
            .field("state", &self.state())
            .finish()
    }
}

impl Drop for ScreenStream {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl ScreenStream {
    /// The picture and its figures.
    pub fn picture(&self) -> &SharedPicture {
        &self.picture
    }

    pub fn state(&self) -> StreamState {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// A stream with no socket whose picture the caller paints (benches, tests): it stays
    /// `Live`, and input sent to it goes nowhere.
    pub fn detached(session_id: SessionId) -> ScreenStream {
        let (out, _) = mpsc::unbounded_channel();
        ScreenStream {
            session_id,
            picture: SharedPicture::default(),
            state: Arc::new(Mutex::new(StreamState::Live)),
            out,
            task: None,
            opened_at: Instant::now(),
        }
    }

    /// Sends the rep's pointer or key event (the server forwards it only with control).
    pub fn input(&self, event: InputEvent) {
        let _ = self.out.send(MediaFrame::Input(event));
    }

    /// Asks the customer for the whole screen again.
    pub fn refresh(&self) {
        let _ = self.out.send(MediaFrame::RefreshRequest);
    }
}

/// `ws(s)://host[:port][/prefix]/ws/media` from the HTTP base the login used.
pub(crate) fn media_url(http_base: &str) -> String {
    let ws = if let Some(rest) = http_base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = http_base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        http_base.to_owned()
    };
    format!("{ws}/ws/media")
}

/// Where a media socket goes: its `ws(s)://…/ws/media` URL and the TLS configuration for
/// `wss://` (the platform's roots plus `--ca-file`).
#[derive(Clone, Debug)]
pub(crate) struct Dial {
    pub(crate) url: String,
    pub(crate) tls: switchboard_tls::ClientTls,
}

/// Opens a stream to `dial` with `ticket` on `runtime`; `wake` repaints the UI.
pub(crate) fn open(
    runtime: &tokio::runtime::Handle,
    dial: Dial,
    session_id: SessionId,
    ticket: MediaTicket,
    wake: Arc<dyn Fn() + Send + Sync>,
) -> ScreenStream {
    let picture = SharedPicture::default();
    let state = Arc::new(Mutex::new(StreamState::Connecting));
    let (out, out_rx) = mpsc::unbounded_channel();
    let task = runtime.spawn(run(
        dial,
        ticket.token,
        picture.clone(),
        state.clone(),
        out.clone(),
        out_rx,
        wake,
    ));
    ScreenStream {
        session_id,
        picture,
        state,
        out,
        task: Some(task),
        opened_at: Instant::now(),
    }
}

/// The stream's task: connect, authenticate, then relay frames until the socket ends.
async fn run(
    dial: Dial,
    token: String,
    picture: SharedPicture,
    state: Arc<Mutex<StreamState>>,
    out: mpsc::UnboundedSender<MediaFrame>,
    out_rx: mpsc::UnboundedReceiver<MediaFrame>,
    wake: Arc<dyn Fn() + Send + Sync>,
) {
    let end = stream(&dial, token, &picture, &state, out, out_rx, wake.clone()).await;
    tracing::debug!(?end, "media stream ended");
    if let Ok(mut state) = state.lock() {
        *state = end;
    }
    wake();
}

/// A `/ws/media` socket, as tungstenite gives it.
pub(crate) type MediaSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects to `dial` (within [`CONNECT_TIMEOUT`]) and sends `auth` with `token`; the server
/// answers nothing on success, so the socket is ready for the stream's frames. Shared by the
/// screen and the shell streams. A refused certificate is said in words naming the host.
pub(crate) async fn connect(dial: &Dial, token: String) -> Result<MediaSocket, StreamState> {
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(MAX_FRAME_BYTES);
    config.max_frame_size = Some(MAX_FRAME_BYTES);
    let connecting = dial.tls.connect_ws(dial.url.as_str(), Some(config), true);
    let mut socket = match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Ok(Ok((socket, _))) => socket,
        Ok(Err(error)) => {
            let host = switchboard_tls::host_of(&dial.url);
            return Err(StreamState::Lost(
                switchboard_tls::describe(&host, &error)
                    .unwrap_or_else(|| format!("connect: {error}")),
            ));
        }
        Err(_) => return Err(StreamState::Lost("connect: timed out".into())),
    };
    let auth = encode_media(&MediaFrame::Auth { token })
        .map_err(|error| StreamState::Lost(format!("auth: {error}")))?;
    socket
        .send(Message::Binary(auth.into()))
        .await
        .map_err(|error| StreamState::Lost(format!("auth: {error}")))?;
    Ok(socket)
}

/// How a media socket's close reads: 4410 (the grant ended) is for good.
pub(crate) fn closed(
    frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>,
) -> StreamState {
    match frame {
        Some(frame) if frame.code == CloseCode::from(CLOSE_REVOKED) => StreamState::Revoked,
        Some(frame) => StreamState::Lost(format!(
            "closed: {} {}",
            u16::from(frame.code),
            frame.reason
        )),
        None => StreamState::Lost("closed".into()),
    }
}

async fn stream(
    dial: &Dial,
    token: String,
    picture: &SharedPicture,
    state: &Mutex<StreamState>,
    out: mpsc::UnboundedSender<MediaFrame>,
    mut out_rx: mpsc::UnboundedReceiver<MediaFrame>,
    wake: Arc<dyn Fn() + Send + Sync>,
) -> StreamState {
    let mut socket = match connect(dial, token).await {
        Ok(socket) => socket,
        Err(lost) => return lost,
    };
    if let Ok(mut state) = state.lock() {
        *state = StreamState::Live;
    }
    wake();

    // The decoder thread: updates in, acks out. Ends when `updates` is dropped.
    let (updates, updates_rx) = std::sync::mpsc::channel();
    let decoder_picture = picture.clone();
    let decoder_wake = wake.clone();
    let decoder = std::thread::Builder::new()
        .name("switchboard-screen".into())
        .spawn(move || decode_loop(updates_rx, decoder_picture, out, decoder_wake));
    if let Err(error) = decoder {
        return StreamState::Lost(format!("decoder thread: {error}"));
    }

    loop {
        tokio::select! {
            // From the server: screen updates (anything else is not for a viewer).
            incoming = socket.next() => match incoming {
                Some(Ok(Message::Binary(bytes))) => {
                    picture.lock().received(Instant::now(), bytes.len());
                    match decode_media(&bytes) {
                        Ok(MediaFrame::ScreenUpdate(update)) => {
                            if updates.send(update).is_err() {
                                return StreamState::Lost("the decoder stopped".into());
                            }
                        }
                        Ok(other) => tracing::debug!(?other, "media frame ignored"),
                        Err(error) => tracing::warn!(%error, "a media frame could not be read"),
                    }
                }
                Some(Ok(Message::Close(frame))) => return closed(frame),
                Some(Ok(_)) => {}
                Some(Err(error)) => return StreamState::Lost(error.to_string()),
                None => return StreamState::Lost("the socket ended".into()),
            },
            // To the server: acks from the decoder, the rep's input and refresh requests.
            Some(frame) = out_rx.recv() => {
                let bytes = match encode_media(&frame) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        tracing::warn!(%error, "a media frame could not be encoded");
                        continue;
                    }
                };
                if let Err(error) = socket.send(Message::Binary(bytes.into())).await {
                    return StreamState::Lost(error.to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The media socket is beside the rep socket, with the same scheme and prefix.
    #[test]
    fn media_url_follows_the_login() {
        assert_eq!(
            media_url("http://127.0.0.1:8080"),
            "ws://127.0.0.1:8080/ws/media"
        );
        assert_eq!(
            media_url("https://example.com/switchboard"),
            "wss://example.com/switchboard/ws/media"
        );
    }
}
