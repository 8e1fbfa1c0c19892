//! The connection actor: everything the console does over the network, off the UI thread.
//!
//! The UI holds a [`NetHandle`] and sends it [`Command`]s; the actor runs on its own thread
//! with a tokio runtime, logs in over HTTP, keeps a WebSocket to `/ws/rep`, reconnects
//! with resume after a drop, and reports everything back as [`NetEvent`]s on a plain
//! `std::sync::mpsc` channel that the UI drains at the top of each frame. After each event
//! it calls the `wake` function given to [`NetHandle::spawn`] (the app passes
//! `ctx.request_repaint`). Nothing here blocks the caller.
//!
//! The pattern is Alice Ryhl's "actors with Tokio" (a handle around a channel sender, a
//! task that owns the connection).
//!
//! - `actor`: the loop: log in, connect, forward frames, reconnect.
//! - `login`: `POST /api/login` and `/api/logout`, with errors as [`LoginError`].
//! - `socket`: opening the WebSocket, the hello, reading and writing frames.
//! - `resume`: where to resume from, tracked from the frames forwarded.
//! - `backoff`: the delay before each reconnect attempt.
//! - `url`: turning what the user typed into the HTTP and WebSocket addresses.
//! - `sink`: the event channel plus the wake-up call.
//! - `files`: uploading and downloading files over HTTP with the current login.
//! - `media`: the customer's screen over `/ws/media` (one [`ScreenStream`] per session);
//!   `media_picture`: the decoder thread and the picture it shares with the UI.
//! - `shell`: a command shell on the customer's machine over `/ws/media` (one
//!   [`ShellStream`] per session), with bounded queues and acks as flow control.
//! - `transcript`: a session's shell transcript over HTTP, read into lines.
//!
//! Every connection, HTTP or WebSocket, dials with one TLS configuration
//! ([`switchboard_tls::ClientTls`]: the platform's roots plus `--ca-file`), given to
//! [`NetHandle::spawn_with_tls`].

mod actor;
pub use actor::REPLACED_MESSAGE;
mod backoff;
mod files;
mod login;
mod media;
mod media_picture;
pub use media::{CLOSE_REVOKED, ScreenStream, StreamState};

/// Opens a screen stream straight to a `/ws/media` URL on `runtime` (tests and benches; the
/// console opens its streams with [`NetHandle::open_screen`]). `wake` is called whenever the
/// picture changes.
pub fn open_screen_at(
    runtime: &tokio::runtime::Handle,
    url: &str,
    session_id: SessionId,
    ticket: MediaTicket,
    wake: impl Fn() + Send + Sync + 'static,
) -> ScreenStream {
    media::open(
        runtime,
        platform_dial(url),
        session_id,
        ticket,
        Arc::new(wake),
    )
}

/// `url` with the platform's roots only (the `*_at` helpers for tests and benches).
fn platform_dial(url: &str) -> media::Dial {
    media::Dial {
        url: url.to_owned(),
        tls: switchboard_tls::ClientTls::platform(),
    }
}
pub use media_picture::{Damage, Painter, Picture, Rect, SharedPicture};
mod shell;
pub use shell::{ACK_EVERY, ShellOutput, ShellStream};

/// Opens a shell stream straight to a `/ws/media` URL on `runtime` (tests; the console
/// opens its streams with [`NetHandle::open_shell`]). `wake` is called whenever output
/// arrives or the state changes.
pub fn open_shell_at(
    runtime: &tokio::runtime::Handle,
    url: &str,
    session_id: SessionId,
    ticket: MediaTicket,
    wake: impl Fn() + Send + Sync + 'static,
) -> ShellStream {
    shell::open(
        runtime,
        platform_dial(url),
        session_id,
        ticket,
        Arc::new(wake),
    )
}
mod resume;
mod sink;
mod socket;
mod transcript;
mod url;

use files::SharedAuth;
use sink::EventSink;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use switchboard_protocol::{ChatMessage, MediaTicket, SessionId};
use tokio::sync::mpsc;

pub use switchboard_protocol::{RepId, RepRequest, RepServerMessage, RequestId};

/// The `reason` of [`NetEvent::SendFailed`] when there is no connection right now.
pub const NOT_CONNECTED: &str = "Not connected to the server; will retry when reconnected";

/// Request ids from this value up are the actor's own (its pings); the model must use
/// smaller ones. A `Send` with a reserved id is answered with [`NetEvent::SendFailed`].
pub const RESERVED_ID_BASE: u64 = 1 << 62;

/// What the console asks the network to do.
pub enum Command {
    /// Log in over HTTP (POST {server_url}/api/login) and keep a WebSocket session to {ws url}/ws/rep until Logout.
    Connect {
        server_url: String,
        username: String,
        password: String,
    },
    /// Send one request; the id is chosen by the caller (the model).
    Send { id: RequestId, request: RepRequest },
    /// Close the session and forget the token (POST /api/logout).
    Logout,
}

impl fmt::Debug for Command {
    // By hand, so a password never reaches a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Connect {
                server_url,
                username,
                ..
            } => f
                .debug_struct("Connect")
                .field("server_url", server_url)
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Command::Send { id, request } => f
                .debug_struct("Send")
                .field("id", id)
                .field("request", request)
                .finish(),
            Command::Logout => f.write_str("Logout"),
        }
    }
}

/// Where the connection stands; every change is reported as [`NetEvent::Status`].
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionStatus {
    Offline,
    Connecting,
    Connected,
    /// Waiting before the next attempt; `retry_at` is when it will be made.
    /// `attempt` numbers the retries since the connection was lost, from 1.
    Reconnecting {
        retry_at: std::time::Instant,
        attempt: u32,
    },
}

/// Why logging in failed.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginError {
    /// The server could not be reached (connection refused, DNS, timeout).
    Unreachable(String),
    WrongPassword,
    RateLimited {
        retry_after_secs: u64,
    },
    /// The server speaks another protocol version.
    VersionMismatch(String),
    Other(String),
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginError::Unreachable(message)
            | LoginError::VersionMismatch(message)
            | LoginError::Other(message) => f.write_str(message),
            LoginError::WrongPassword => f.write_str("Wrong username or password."),
            LoginError::RateLimited { retry_after_secs } => write!(
                f,
                "Too many failed logins. Try again in {retry_after_secs} seconds."
            ),
        }
    }
}

/// What the network tells the console.
// Nearly every event is a server frame, the largest variant: boxing it would allocate once
// per frame to save a few hundred bytes in a channel slot that the frame fills anyway.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum NetEvent {
    Status(ConnectionStatus),
    /// The first login failed; the actor is Offline and waits for a new Connect.
    ///
    /// "Login" is the HTTP login and the WebSocket handshake together: a `Connect` ends in
    /// either `LoggedIn` or `LoginFailed`. Also sent when logging in again during a
    /// reconnect is refused for good (wrong password, other protocol version).
    LoginFailed(LoginError),
    /// Sent once per `Connect`, when the first `welcome` arrives (just before
    /// `Status(Connected)` and `Server(Welcome)`).
    LoggedIn {
        rep: RepId,
        display_name: String,
    },
    /// Every frame from the server, in order, as received (welcome, snapshot, event, ok, error).
    ///
    /// Only the replies to the actor's own pings are left out.
    Server(RepServerMessage),
    /// A request could not be sent (not connected right now); nothing was sent.
    SendFailed {
        id: RequestId,
        reason: String,
    },
    /// A file was uploaded and is in the session's chat (its `chat` event comes too).
    FileSent {
        message: ChatMessage,
    },
    /// A shared file was saved to disk.
    FileSaved {
        path: PathBuf,
    },
    /// An upload or download failed; `reason` is a sentence for the rep.
    FileFailed {
        name: String,
        reason: String,
    },
    /// A session's shell transcript, read into lines, or why it could not be had.
    Transcript {
        session_id: SessionId,
        result: Result<crate::terminal::transcript::TranscriptView, String>,
    },
}

/// A cloneable handle; the actor runs on its own thread with a tokio runtime.
///
/// The actor stops (closing its connection) when the last handle is dropped.
#[derive(Clone)]
pub struct NetHandle {
    commands: mpsc::UnboundedSender<Command>,
    /// To answer a command here if the actor is gone, so nothing is dropped silently.
    sink: EventSink,
    /// The actor's runtime, which also runs file transfers (`None` if it could not start).
    runtime: Option<tokio::runtime::Handle>,
    /// The current login, for file transfers.
    auth: SharedAuth,
    http: reqwest::Client,
    /// How every `https://`/`wss://` connection is verified.
    tls: switchboard_tls::ClientTls,
}

impl fmt::Debug for NetHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetHandle")
            .field("running", &!self.commands.is_closed())
            .finish()
    }
}

impl NetHandle {
    /// Starts the actor thread, trusting the platform's roots. `wake` is called after every
    /// event is queued (the app passes `ctx.request_repaint`).
    pub fn spawn(
        wake: impl Fn() + Send + Sync + 'static,
    ) -> (NetHandle, std::sync::mpsc::Receiver<NetEvent>) {
        NetHandle::spawn_with_tls(wake, switchboard_tls::ClientTls::platform())
    }

    /// [`NetHandle::spawn`] with a TLS configuration of the caller's (`--ca-file`).
    pub fn spawn_with_tls(
        wake: impl Fn() + Send + Sync + 'static,
        tls: switchboard_tls::ClientTls,
    ) -> (NetHandle, std::sync::mpsc::Receiver<NetEvent>) {
        let (event_tx, event_rx) = std::sync::mpsc::channel();
        let sink = EventSink::new(event_tx, Arc::new(wake));
        let (commands, inbox) = mpsc::unbounded_channel();
        let actor_sink = sink.clone();
        let auth = SharedAuth::default();
        let actor_auth = auth.clone();
        let actor_tls = tls.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let handle = runtime.as_ref().ok().map(|r| r.handle().clone());
        let started = std::thread::Builder::new()
            .name("switchboard-net".into())
            .spawn(move || {
                actor::run_on_own_runtime(runtime, inbox, actor_sink, actor_auth, actor_tls)
            });
        if let Err(error) = started {
            // `send` answers every command with a failure from now on.
            tracing::error!(%error, "could not start the network thread");
        }
        let handle = NetHandle {
            commands,
            sink,
            runtime: handle,
            auth,
            // Without TLS settings reqwest's own defaults; the login says why https fails.
            http: tls.reqwest_builder().build().unwrap_or_default(),
            tls,
        };
        (handle, event_rx)
    }

    /// Uploads the file at `path` into the session, in the background; reported as
    /// [`NetEvent::FileSent`] or [`NetEvent::FileFailed`].
    pub fn upload_file(&self, session_id: SessionId, path: PathBuf) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (sink, auth, http) = (self.sink.clone(), self.auth.clone(), self.http.clone());
        self.run(name.clone(), async move {
            sink.emit(match files::upload(&http, &auth, session_id, &path).await {
                Ok(message) => NetEvent::FileSent { message },
                Err(reason) => NetEvent::FileFailed { name, reason },
            });
        });
    }

    /// Downloads a shared file to `dest`, in the background; reported as
    /// [`NetEvent::FileSaved`] or [`NetEvent::FileFailed`].
    pub fn download_file(&self, file_id: String, name: String, dest: PathBuf) {
        let (sink, auth, http) = (self.sink.clone(), self.auth.clone(), self.http.clone());
        self.run(name.clone(), async move {
            sink.emit(match files::download(&http, &auth, &file_id, &dest).await {
                Ok(()) => NetEvent::FileSaved { path: dest },
                Err(reason) => NetEvent::FileFailed { name, reason },
            });
        });
    }

    /// Opens the session's screen stream with a ticket from `open_media`, on the network
    /// runtime; `None` while not logged in (or without a runtime).
    pub fn open_screen(&self, session_id: SessionId, ticket: MediaTicket) -> Option<ScreenStream> {
        let runtime = self.runtime.as_ref()?;
        let http_base = self.auth.http_base()?;
        Some(media::open(
            runtime,
            self.dial(&http_base),
            session_id,
            ticket,
            self.sink.waker(),
        ))
    }

    /// Opens the session's shell stream with a ticket from `open_media` (channel `shell`),
    /// on the network runtime; `None` while not logged in (or without a runtime).
    pub fn open_shell(&self, session_id: SessionId, ticket: MediaTicket) -> Option<ShellStream> {
        let runtime = self.runtime.as_ref()?;
        let http_base = self.auth.http_base()?;
        Some(shell::open(
            runtime,
            self.dial(&http_base),
            session_id,
            ticket,
            self.sink.waker(),
        ))
    }

    /// Fetches a session's shell transcript in the background; reported as
    /// [`NetEvent::Transcript`].
    pub fn fetch_transcript(&self, session_id: SessionId) {
        let (sink, auth, http) = (self.sink.clone(), self.auth.clone(), self.http.clone());
        let work = async move {
            let result = transcript::fetch(&http, &auth, session_id).await;
            sink.emit(NetEvent::Transcript { session_id, result });
        };
        match &self.runtime {
            Some(runtime) => {
                runtime.spawn(work);
            }
            None => self.sink.emit(NetEvent::Transcript {
                session_id,
                result: Err("The network thread is not running.".into()),
            }),
        }
    }

    /// The media socket beside `http_base`, dialled with this handle's TLS settings.
    fn dial(&self, http_base: &str) -> media::Dial {
        media::Dial {
            url: media::media_url(http_base),
            tls: self.tls.clone(),
        }
    }

    fn run(&self, name: String, work: impl std::future::Future<Output = ()> + Send + 'static) {
        match &self.runtime {
            Some(runtime) => {
                runtime.spawn(work);
            }
            None => self.sink.emit(NetEvent::FileFailed {
                name,
                reason: "The network thread is not running.".into(),
            }),
        }
    }

    /// Queues a command for the actor; returns at once.
    pub fn send(&self, command: Command) {
        tracing::debug!(?command, "command");
        if let Err(mpsc::error::SendError(command)) = self.commands.send(command) {
            let reason = "The network thread is not running.";
            self.sink.emit(match command {
                Command::Connect { .. } => NetEvent::LoginFailed(LoginError::Other(reason.into())),
                Command::Send { id, .. } => NetEvent::SendFailed {
                    id,
                    reason: reason.into(),
                },
                Command::Logout => NetEvent::Status(ConnectionStatus::Offline),
            });
        }
    }
}
