//! The shell's socket: one `/ws/media` connection (channel `shell`) per granted `shell`
//! grant. It authenticates with the ticket from `open_media`, starts the engine
//! ([`ShellSession`]), and then carries the engine's output to the rep (`shell_output`, each
//! chunk at its byte offset in the whole output, then `shell_exit`) and the rep's frames to
//! the engine (`shell_input`, `shell_resize`, `shell_ack`).
//!
//! Why a loop of its own, beside the screen's publisher: the shell has its own ticket, its
//! own flow control and its own lifetime. The flow control is end to end: the engine never
//! has more than [`OUTPUT_WINDOW`](super::OUTPUT_WINDOW) bytes unacknowledged, and only the
//! rep's `shell_ack` (relayed, or sent by the relay for a console that went away) frees them,
//! so a flood holds a bounded amount of memory here, in the relay and in the console.
//!
//! The shell lives exactly as long as its grant: it is killed (process group and all) when
//! the share state stops naming the grant (Stop, the server's list, the session's end or a
//! dropped connection), when the relay closes the socket, or when the socket fails; and
//! dropping a running link kills it too, off the runtime's threads. A shell that exits by
//! itself sends `shell_exit` after its last output and closes the socket normally.
//!
//! An **elevated** shell ([`Start::Elevated`]) is the same link with another start: the
//! socket opens first (its ticket lasts a minute; pkexec's dialog may take two), and while
//! the elevation runs (the credentials awaited, `su`'s prompt answered) the link keeps
//! reading the socket, so pings are answered, a close or a revocation ends the start, and
//! the rep's last resize and what they typed ahead (at most [`MAX_TYPEAHEAD`] bytes) reach
//! the shell once it runs. Then the shell's first output (it
//! came with the elevation's marker) goes out first, and the rest is the ordinary shell's
//! loop. An elevation that fails sends nothing on the socket but a normal close: the actor
//! reports why with `elevation_failed`.

use super::{ShellConfig, ShellError, ShellEvent, ShellOutput, ShellSession};
use crate::elevate::Elevated;
use crate::session::ShareState;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::GrantId;
use switchboard_protocol::media::{
    MAX_SHELL_CHUNK, MediaError, MediaFrame, decode_media, encode_media,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

/// The terminal's size until the rep's first `shell_resize`.
pub const START_ROWS: u16 = 24;
/// The terminal's size until the rep's first `shell_resize`.
pub const START_COLS: u16 = 80;
/// How long opening the socket may take: a relay that accepts and stalls must not hold a
/// granted shell in limbo.
const CONNECT_LIMIT: Duration = Duration::from_secs(10);
/// The most keystrokes kept while an elevated shell starts (typed ahead, as a terminal
/// keeps them); more are dropped.
const MAX_TYPEAHEAD: usize = 4 * 1024;
/// How long a normal close waits for the relay's answering close.
const CLOSE_LIMIT: Duration = Duration::from_secs(2);

/// How a link ended. In every case the shell is dead when [`run`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkEnd {
    /// The grant ended here first (Stop, the server's grant list, the session's end, a
    /// dropped connection): the shell was killed and the socket closed.
    Revoked,
    /// The shell exited by itself with this code (-1: no code); `shell_exit` was sent after
    /// all its output and the socket closed normally.
    Exited(i32),
    /// The relay closed the socket, with this close code (`4410`: the grant ended); the
    /// shell was killed.
    Closed(Option<u16>),
}

/// Why a link failed. The shell, if it had started, was killed.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("cannot open the shell's socket: {0}")]
    Connect(#[source] tungstenite::Error),
    #[error("the shell's socket did not open within {0:?}")]
    ConnectTimeout(Duration),
    #[error("the shell's socket failed: {0}")]
    Socket(#[source] tungstenite::Error),
    #[error("the shell could not start: {0}")]
    Start(#[source] ShellError),
    #[error("the shell's start was interrupted: {0}")]
    StartInterrupted(String),
    #[error("a shell frame could not be encoded: {0}")]
    Encode(#[from] MediaError),
    /// The elevated shell did not start: the reason, in words fit for the rep and the
    /// customer (the tool's own, such as "su: Authentication failure"; never the password).
    #[error("the administrator shell could not start: {0}")]
    Elevation(String),
}

/// The elevated shell being started: resolves to the running shell or the reason it did
/// not start (see [`LinkError::Elevation`]).
pub type Elevating = Pin<Box<dyn Future<Output = Result<Elevated, String>> + Send>>;

/// How the link's shell starts.
pub enum Start {
    /// The customer's own shell (or a given command), started once the socket is open.
    Shell(ShellConfig),
    /// An elevated shell (`crate::elevate`), at [`START_ROWS`] x [`START_COLS`]: awaited
    /// while the socket is kept open.
    Elevated(Elevating),
}

/// Runs the shell for `grant` on the media socket at `url` with `token` (from `open_media`,
/// channel `shell`), as `config` says (the actor passes the login shell, [`START_ROWS`] x
/// [`START_COLS`]), until the grant ends in `share`, the shell exits, or the socket closes.
pub async fn run(
    url: &str,
    token: &str,
    grant: GrantId,
    share: watch::Receiver<ShareState>,
    config: ShellConfig,
) -> Result<LinkEnd, LinkError> {
    run_with(url, token, grant, share, Start::Shell(config)).await
}

/// [`run`], with the shell started as `start` says (the customer's own shell, or an
/// elevated one).
pub async fn run_with(
    url: &str,
    token: &str,
    grant: GrantId,
    mut share: watch::Receiver<ShareState>,
    start: Start,
) -> Result<LinkEnd, LinkError> {
    if !holds(&share.borrow_and_update(), grant) {
        return Ok(LinkEnd::Revoked);
    }
    let connect = tokio::time::timeout(CONNECT_LIMIT, crate::tls::connect(url, None));
    let socket = tokio::select! {
        biased;
        () = revoked(&mut share, grant) => return Ok(LinkEnd::Revoked),
        connected = connect => match connected {
            Ok(Ok((socket, _))) => socket,
            Ok(Err(error)) => return Err(LinkError::Connect(error)),
            Err(_) => return Err(LinkError::ConnectTimeout(CONNECT_LIMIT)),
        },
    };
    let (mut sink, mut stream) = socket.split();
    let auth = MediaFrame::Auth {
        token: token.to_owned(),
    };
    send_frame(&mut sink, &auth).await?;
    let (session, mut output, first_output, ahead) = match start {
        Start::Shell(config) => {
            // Starting forks the shell and opens the PTY: off the runtime's threads.
            let started = tokio::task::spawn_blocking(move || ShellSession::start(config)).await;
            match started {
                Ok(Ok((session, output))) => (session, output, Vec::new(), Ahead::default()),
                Ok(Err(error)) => {
                    exit_and_close(&mut sink, &mut stream, -1).await;
                    return Err(LinkError::Start(error));
                }
                Err(error) => {
                    exit_and_close(&mut sink, &mut stream, -1).await;
                    return Err(LinkError::StartInterrupted(error.to_string()));
                }
            }
        }
        Start::Elevated(elevating) => {
            match elevate(elevating, &mut stream, grant, &mut share).await {
                Ok(ElevatedStart::Started(elevated, ahead)) => (
                    elevated.session,
                    elevated.output,
                    elevated.first_output,
                    ahead,
                ),
                Ok(ElevatedStart::Ended(end)) => {
                    if end == LinkEnd::Revoked {
                        close(&mut sink, &mut stream).await;
                    }
                    return Ok(end);
                }
                Err(error) => {
                    if !matches!(error, LinkError::Socket(_)) {
                        close(&mut sink, &mut stream).await;
                    }
                    return Err(error);
                }
            }
        }
    };
    let mut shell = Running::new(session);
    if let Some((rows, cols)) = ahead.resize
        && let Err(error) = shell.session.resize(rows, cols)
    {
        tracing::debug!(%error, "shell: resize failed");
    }
    // Before anything newer (one chunk into an empty queue: no wait). Never logged.
    if !ahead.typed.is_empty() && shell.session.write_input(&ahead.typed).await.is_err() {
        tracing::debug!("shell: typed-ahead input not delivered");
    }
    let mut offsets = Offsets::default();
    // The elevated shell's first output came with the marker, acknowledged to its window
    // already: it goes out first, and the rep's acks for it free nothing again.
    if !first_output.is_empty() {
        let sent = send_output(&mut sink, &mut offsets, &first_output, grant, &mut share).await;
        offsets.acked = offsets.sent;
        let early = match sent {
            Ok(false) => None,
            Ok(true) => Some(Ok(LinkEnd::Revoked)),
            Err(error) => Some(Err(error)),
        };
        if let Some(ended) = early {
            let killing = shell.kill();
            if matches!(ended, Ok(LinkEnd::Revoked)) {
                close(&mut sink, &mut stream).await;
            }
            if let Err(error) = killing.await {
                tracing::error!(%error, "shell: the task killing the shell failed");
            }
            return ended;
        }
    }
    let ended = pump(
        &shell.session,
        &mut output,
        offsets,
        &mut sink,
        &mut stream,
        grant,
        &mut share,
    )
    .await;
    // The shell dies first (it may be running anything); the socket is closed meanwhile.
    let killing = shell.kill();
    match &ended {
        Ok(LinkEnd::Revoked) => close(&mut sink, &mut stream).await,
        Ok(LinkEnd::Exited(_)) => close(&mut sink, &mut stream).await,
        Ok(LinkEnd::Closed(_)) | Err(_) => {}
    }
    if let Err(error) = killing.await {
        tracing::error!(%error, "shell: the task killing the shell failed");
    }
    ended
}

/// Keystrokes on their way into the engine (which waits while its input queue is full).
type Typing = Pin<Box<dyn Future<Output = Result<(), ShellError>> + Send>>;

/// The loop: the rep's frames to the engine, the engine's output to the rep, until the
/// grant ends, the shell exits or the socket closes.
async fn pump<W, R>(
    shell: &Arc<ShellSession>,
    output: &mut ShellOutput,
    mut offsets: Offsets,
    sink: &mut W,
    stream: &mut R,
    grant: GrantId,
    share: &mut watch::Receiver<ShareState>,
) -> Result<LinkEnd, LinkError>
where
    W: Sink<Message, Error = tungstenite::Error> + Unpin,
    R: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    let mut typing: Option<Typing> = None;
    loop {
        tokio::select! {
            biased;
            // The grant ended here (Stop, the server's list, the session's end): at once.
            () = revoked(share, grant) => return Ok(LinkEnd::Revoked),
            // The engine took the last keystrokes: read the socket again.
            written = async {
                match typing.as_mut() {
                    Some(write) => write.await,
                    None => std::future::pending().await,
                }
            }, if typing.is_some() => {
                typing = None;
                if let Err(error) = written {
                    // The shell is ending; its exit (or the kill) comes next.
                    tracing::debug!(%error, "shell: input not delivered");
                }
            }
            // The rep (through the relay): keystrokes, resizes, acknowledgements, the close.
            // Not read while keystrokes wait for the engine, so input stays bounded.
            message = stream.next(), if typing.is_none() => match message {
                Some(Ok(Message::Binary(bytes))) => typing = from_rep(shell, &mut offsets, &bytes),
                Some(Ok(Message::Close(close))) => {
                    return Ok(LinkEnd::Closed(close.map(|c| u16::from(c.code))));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(LinkError::Socket(error)),
                None => return Ok(LinkEnd::Closed(None)),
            },
            // The shell printed something, or ended after its last output.
            event = output.recv() => match event {
                Some(ShellEvent::Output(bytes)) => {
                    if send_output(sink, &mut offsets, &bytes, grant, share).await? {
                        return Ok(LinkEnd::Revoked);
                    }
                }
                Some(ShellEvent::Exited(code)) => {
                    let code = i32::try_from(code).unwrap_or(-1);
                    send_frame(sink, &MediaFrame::ShellExit { code }).await?;
                    return Ok(LinkEnd::Exited(code));
                }
                None => {
                    send_frame(sink, &MediaFrame::ShellExit { code: -1 }).await?;
                    return Ok(LinkEnd::Exited(-1));
                }
            },
        }
    }
}

/// Sends `bytes` of output in chunks at their offsets; `true` when the grant ended
/// meanwhile (nothing more is sent then).
async fn send_output<W>(
    sink: &mut W,
    offsets: &mut Offsets,
    bytes: &[u8],
    grant: GrantId,
    share: &mut watch::Receiver<ShareState>,
) -> Result<bool, LinkError>
where
    W: Sink<Message, Error = tungstenite::Error> + Unpin,
{
    for chunk in bytes.chunks(MAX_SHELL_CHUNK) {
        let frame = MediaFrame::ShellOutput {
            offset: offsets.send(chunk.len()),
            data: chunk.to_vec(),
        };
        tokio::select! {
            biased;
            () = revoked(share, grant) => return Ok(true),
            sent = send_frame(sink, &frame) => sent?,
        }
    }
    Ok(false)
}

/// What the rep sent while an elevated shell was starting, for the shell once it runs.
#[derive(Default)]
struct Ahead {
    /// The last resize (rows, cols).
    resize: Option<(u16, u16)>,
    /// Keystrokes, at most [`MAX_TYPEAHEAD`] bytes.
    typed: Vec<u8>,
}

/// How an elevated start ended, for [`run_with`].
enum ElevatedStart {
    /// The shell runs; what the rep sent meanwhile, to apply.
    Started(Elevated, Ahead),
    /// The grant ended, or the relay closed the socket, first (the start is dropped, which
    /// kills whatever it had started).
    Ended(LinkEnd),
}

/// Awaits the elevated start while reading the socket: pings are answered (by reading),
/// the rep's last resize and their keystrokes (up to [`MAX_TYPEAHEAD`]; never logged) kept
/// for the shell, and a close, a failure or the grant's end stops the start.
async fn elevate<R>(
    mut elevating: Elevating,
    stream: &mut R,
    grant: GrantId,
    share: &mut watch::Receiver<ShareState>,
) -> Result<ElevatedStart, LinkError>
where
    R: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    let mut ahead = Ahead::default();
    loop {
        tokio::select! {
            biased;
            // The grant ended here (Stop, the server's list, the session's end).
            () = revoked(share, grant) => return Ok(ElevatedStart::Ended(LinkEnd::Revoked)),
            // The credentials came and the tool let the shell start, or it refused.
            started = &mut elevating => {
                return match started {
                    Ok(elevated) => Ok(ElevatedStart::Started(elevated, ahead)),
                    Err(reason) => Err(LinkError::Elevation(reason)),
                };
            }
            // The relay: a resize kept for later, the close, a failure.
            message = stream.next() => match message {
                Some(Ok(Message::Binary(bytes))) => match decode_media(&bytes) {
                    Ok(MediaFrame::ShellResize { cols, rows }) => ahead.resize = Some((rows, cols)),
                    Ok(MediaFrame::ShellInput { data }) => {
                        let room = MAX_TYPEAHEAD.saturating_sub(ahead.typed.len());
                        ahead.typed.extend_from_slice(&data[..data.len().min(room)]);
                    }
                    _ => {}
                },
                Some(Ok(Message::Close(close))) => {
                    let code = close.map(|c| u16::from(c.code));
                    return Ok(ElevatedStart::Ended(LinkEnd::Closed(code)));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(LinkError::Socket(error)),
                None => return Ok(ElevatedStart::Ended(LinkEnd::Closed(None))),
            },
        }
    }
}

/// Carries out one frame from the rep; keystrokes come back as a write to await.
fn from_rep(shell: &Arc<ShellSession>, offsets: &mut Offsets, bytes: &[u8]) -> Option<Typing> {
    match decode_media(bytes) {
        Ok(MediaFrame::ShellInput { data }) => {
            let shell = Arc::clone(shell);
            return Some(Box::pin(async move { shell.write_input(&data).await }));
        }
        Ok(MediaFrame::ShellResize { cols, rows }) => {
            if let Err(error) = shell.resize(rows, cols) {
                tracing::debug!(%error, "shell: resize failed");
            }
        }
        Ok(MediaFrame::ShellAck { offset }) => {
            let freed = offsets.ack(offset);
            if freed > 0
                && let Err(error) = shell.ack(freed)
            {
                tracing::warn!(%error, "shell: an acknowledgement the window refused");
            }
        }
        // Input bytes are never logged (they may be a password); only that a frame was odd.
        Ok(_) => tracing::debug!("shell: a frame that does not belong on a shell socket"),
        Err(error) => tracing::debug!(%error, "shell: an undecodable frame"),
    }
    None
}

/// The byte offsets of the output: how far it was sent and how far the rep acknowledged.
/// Pure: the acknowledgement rules are unit tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Offsets {
    sent: u64,
    acked: u64,
}

impl Offsets {
    /// Takes `len` more bytes to send; the offset of their first byte.
    fn send(&mut self, len: usize) -> u64 {
        let at = self.sent;
        self.sent += len as u64;
        at
    }

    /// The rep has shown every byte before `offset`: how many bytes that frees. An offset
    /// that does not rise frees nothing; one beyond what was sent counts as everything sent
    /// (the window never frees bytes it has not sent).
    fn ack(&mut self, offset: u64) -> usize {
        let to = offset.min(self.sent);
        if to <= self.acked {
            return 0;
        }
        let freed = to - self.acked;
        self.acked = to;
        usize::try_from(freed).unwrap_or(usize::MAX)
    }
}

/// The running shell; dropping it kills the shell off the runtime's threads (`kill` waits
/// for the hang-up's grace period), so a link dropped mid-way leaves nothing running.
struct Running {
    session: Arc<ShellSession>,
    killed: bool,
}

impl Running {
    fn new(session: ShellSession) -> Self {
        Self {
            session: Arc::new(session),
            killed: false,
        }
    }

    /// Starts killing the shell on a blocking thread; the task ends once it is dead.
    fn kill(&mut self) -> JoinHandle<()> {
        self.killed = true;
        let session = Arc::clone(&self.session);
        tokio::task::spawn_blocking(move || session.kill())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.killed {
            return;
        }
        let session = Arc::clone(&self.session);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(move || session.kill())),
            Err(_) => session.kill(),
        }
    }
}

/// Whether `state` still grants the shell of `grant`.
fn holds(state: &ShareState, grant: GrantId) -> bool {
    state
        .shell
        .as_ref()
        .is_some_and(|user| user.grant_id == grant)
}

/// Resolves once `share` no longer grants the shell of `grant` (or its sender is gone).
async fn revoked(share: &mut watch::Receiver<ShareState>, grant: GrantId) {
    loop {
        if !holds(&share.borrow_and_update(), grant) {
            return;
        }
        if share.changed().await.is_err() {
            return;
        }
    }
}

async fn send_frame<W>(sink: &mut W, frame: &MediaFrame) -> Result<(), LinkError>
where
    W: Sink<Message, Error = tungstenite::Error> + Unpin,
{
    let bytes = encode_media(frame)?;
    sink.send(Message::Binary(bytes.into()))
        .await
        .map_err(LinkError::Socket)
}

/// `shell_exit` with `code`, then a normal close (the shell could not start).
async fn exit_and_close<W, R>(sink: &mut W, stream: &mut R, code: i32)
where
    W: Sink<Message, Error = tungstenite::Error> + Unpin,
    R: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    if send_frame(sink, &MediaFrame::ShellExit { code })
        .await
        .is_ok()
    {
        close(sink, stream).await;
    }
}

/// Closes the socket normally and reads (dropping frames) until the relay's answering close,
/// for at most [`CLOSE_LIMIT`].
async fn close<W, R>(sink: &mut W, stream: &mut R)
where
    W: Sink<Message, Error = tungstenite::Error> + Unpin,
    R: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let handshake = async {
        if sink.send(Message::Close(Some(frame))).await.is_err() {
            return;
        }
        while let Some(Ok(message)) = stream.next().await {
            if let Message::Close(_) = message {
                break;
            }
        }
    };
    if tokio::time::timeout(CLOSE_LIMIT, handshake).await.is_err() {
        tracing::debug!("shell: no answering close within {CLOSE_LIMIT:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::ShellUser;

    /// How long a unit test waits for something that should happen at once.
    const DEADLINE: Duration = Duration::from_secs(10);

    /// Offsets are continuous from 0, chunk after chunk.
    #[test]
    fn offsets_are_continuous_from_zero() {
        let mut offsets = Offsets::default();
        assert_eq!(offsets.send(10), 0);
        assert_eq!(offsets.send(5), 10);
        assert_eq!(offsets.send(MAX_SHELL_CHUNK), 15);
        assert_eq!(offsets.sent, 15 + MAX_SHELL_CHUNK as u64);
    }

    /// An ack frees what it newly covers; one that does not rise frees nothing; one beyond
    /// what was sent frees only what was sent, and later acks go on from there.
    #[test]
    fn acks_free_only_what_was_sent_and_not_yet_freed() {
        let mut offsets = Offsets::default();
        offsets.send(100);
        assert_eq!(offsets.ack(40), 40);
        assert_eq!(offsets.ack(40), 0, "the same offset again");
        assert_eq!(offsets.ack(10), 0, "an offset that went back");
        assert_eq!(offsets.ack(u64::MAX), 60, "beyond what was sent: clamped");
        assert_eq!(offsets.ack(200), 0);
        offsets.send(50);
        assert_eq!(offsets.ack(130), 30);
        assert_eq!(offsets.ack(150), 20);
    }

    fn state(grant: u64) -> ShareState {
        ShareState {
            shell: Some(ShellUser {
                grant_id: GrantId(grant),
                rep_name: "Alice".into(),
                elevation: None,
            }),
            ..ShareState::default()
        }
    }

    /// The link runs while its own grant is the shell; another grant or none ends it, and so
    /// does a session that went away (the sender dropped).
    #[tokio::test]
    async fn revocation_follows_the_share_state() {
        assert!(holds(&state(3), GrantId(3)));
        assert!(!holds(&state(4), GrantId(3)));
        assert!(!holds(&ShareState::default(), GrantId(3)));

        let (sender, mut share) = watch::channel(state(3));
        let mut pending = Box::pin(async {
            revoked(&mut share, GrantId(3)).await;
        });
        let polled_once = tokio::time::timeout(Duration::ZERO, &mut pending).await;
        assert!(polled_once.is_err(), "its own grant holds the shell");
        sender.send_replace(state(4));
        tokio::time::timeout(DEADLINE, &mut pending)
            .await
            .expect("a new grant revokes the old one's shell");

        let (sender, mut share) = watch::channel(state(3));
        drop(sender);
        tokio::time::timeout(DEADLINE, revoked(&mut share, GrantId(3)))
            .await
            .expect("a session gone revokes the shell");
    }
}
