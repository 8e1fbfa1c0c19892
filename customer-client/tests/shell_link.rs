//! The shell's socket loop (`switchboard_customer::shell::link`) against a stand-in relay: a
//! real WebSocket on 127.0.0.1 that plays the relay and the rep, with `/bin/sh` as the shell,
//! so the link's rules are tested without the server: auth first, output at continuous
//! offsets, resizes, the output window held until acknowledged, odd acks, the exit code and
//! a normal close, and the shell killed however the link ends (the grant revoked, the relay's
//! close, a dropped socket, the link dropped).
//!
//! Every wait has a deadline. The tests take one lock so they run one at a time (the flood
//! beside the others would only slow them on a shared machine).

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use common::shell::{ShellScreen, flood_command, process_gone};
use futures_util::{SinkExt, StreamExt};
use switchboard_customer::elevate::Elevated;
use switchboard_customer::session::{ShareState, ShellUser};
use switchboard_customer::shell::link::{self, LinkEnd, LinkError, START_COLS, START_ROWS, Start};
use switchboard_customer::shell::{OUTPUT_WINDOW, ShellConfig, ShellSession};
use switchboard_protocol::GrantId;
use switchboard_protocol::media::{MediaFrame, decode_media, encode_media};
use switchboard_testkit::{DEADLINE, poll_until};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

static SERIAL: Mutex<()> = Mutex::const_new(());

/// A share state in which grant `grant` has the shell.
fn granted(grant: u64) -> ShareState {
    ShareState {
        shell: Some(ShellUser {
            grant_id: GrantId(grant),
            rep_name: "Alice Martin".into(),
            elevation: None,
        }),
        ..ShareState::default()
    }
}

/// What the stand-in relay read.
#[derive(Debug)]
enum Got {
    Frame(MediaFrame),
    Closed(Option<u16>),
}

/// The stand-in relay with the rep's side of the shell, and the link under test.
struct Relay {
    socket: WebSocketStream<TcpStream>,
    screen: ShellScreen,
    link: JoinHandle<Result<LinkEnd, LinkError>>,
    share: watch::Sender<ShareState>,
}

impl Relay {
    /// Runs a link for grant 1 (granted) with `/bin/sh` and accepts its socket; checks that
    /// its first frame is `auth` with the ticket.
    async fn start() -> Relay {
        let mut config = ShellConfig::command(["/bin/sh"], START_ROWS, START_COLS);
        config.env.push(("PS1".into(), "$ ".into()));
        Relay::start_with(config).await
    }

    /// [`Relay::start`] with another shell.
    async fn start_with(config: ShellConfig) -> Relay {
        Relay::start_as(Start::Shell(config)).await
    }

    /// [`Relay::start`] with the shell started as `start` says.
    async fn start_as(start: Start) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/ws/media", listener.local_addr().unwrap());
        let (share, watched) = watch::channel(granted(1));
        let link = tokio::spawn(async move {
            link::run_with(&url, "ticket-1", GrantId(1), watched, start).await
        });
        let (tcp, _) = timeout(DEADLINE, listener.accept()).await.unwrap().unwrap();
        let socket = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let mut relay = Relay {
            socket,
            screen: ShellScreen::default(),
            link,
            share,
        };
        match relay.next().await {
            Got::Frame(MediaFrame::Auth { token }) => assert_eq!(token, "ticket-1"),
            other => panic!("the first frame is auth, not {other:?}"),
        }
        relay
    }

    /// The next frame or the close, within the deadline.
    async fn next(&mut self) -> Got {
        loop {
            let message = timeout(DEADLINE, self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("nothing within {DEADLINE:?}"));
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    return Got::Frame(decode_media(&bytes).expect("the link's frame decodes"));
                }
                Some(Ok(Message::Close(close))) => {
                    return Got::Closed(close.map(|c| u16::from(c.code)));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Got::Closed(None),
            }
        }
    }

    async fn send(&mut self, frame: &MediaFrame) {
        let bytes = encode_media(frame).unwrap();
        self.socket
            .send(Message::Binary(bytes.into()))
            .await
            .unwrap();
    }

    async fn type_text(&mut self, text: &str) {
        let data = text.as_bytes().to_vec();
        self.send(&MediaFrame::ShellInput { data }).await;
    }

    /// Acknowledges everything received so far.
    async fn ack_all(&mut self) {
        let offset = self.screen.received();
        self.send(&MediaFrame::ShellAck { offset }).await;
    }

    /// Reads output until `needle` appears (after the last match), acknowledging each chunk
    /// when `ack`.
    async fn read_until(&mut self, needle: &str, ack: bool) {
        while !self.screen.find(needle) {
            match self.next().await {
                Got::Frame(frame) => self.screen.take(&frame),
                Got::Closed(code) => panic!(
                    "closed ({code:?}) before {needle:?}; output ends {:?}",
                    self.screen.tail(200)
                ),
            }
            if ack {
                self.ack_all().await;
            }
        }
    }

    /// The shell's pid, from `echo pid=$$`.
    async fn shell_pid(&mut self) -> i32 {
        self.read_until("$ ", true).await;
        self.type_text("echo pid=$$\r").await;
        self.read_until("pid=", true).await;
        self.read_until("$ ", true).await;
        self.screen.pid().expect("the shell printed its pid")
    }

    /// Reads (taking output) until the link closes; the close code. Reads on after the close
    /// so the answering close goes out.
    async fn closed(&mut self) -> Option<u16> {
        loop {
            match self.next().await {
                Got::Frame(frame) => self.screen.take(&frame),
                Got::Closed(code) => {
                    while let Ok(Some(Ok(_))) = timeout(DEADLINE, self.socket.next()).await {}
                    return code;
                }
            }
        }
    }

    /// How the link ended, within the deadline.
    async fn ended(self) -> Result<LinkEnd, LinkError> {
        timeout(DEADLINE, self.link)
            .await
            .expect("the link ends")
            .expect("the link's task did not panic")
    }
}

/// Typed input reaches the shell and its output comes back, every chunk at the offset where
/// the previous one ended, starting at 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_input_comes_back_as_output_at_continuous_offsets() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    relay.read_until("$ ", true).await;
    relay.type_text("echo hello $((6*7))\r").await;
    relay.read_until("hello 42", true).await;
    assert!(relay.screen.received() > 0);
}

/// The terminal starts at 80x24 and takes the rep's size from `shell_resize`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_starts_at_80x24_and_follows_resizes() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    relay.read_until("$ ", true).await;
    relay.type_text("stty size\r").await;
    relay.read_until("24 80", true).await;
    relay
        .send(&MediaFrame::ShellResize {
            cols: 100,
            rows: 30,
        })
        .await;
    relay.type_text("stty size\r").await;
    relay.read_until("30 100", true).await;
}

/// Without acknowledgements a flood stops at exactly the output window past the last ack
/// (an ack of one byte then lets exactly one more byte out); acknowledged, all of it arrives
/// in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_waits_for_acks_at_the_window_then_arrives_whole() {
    let _serial = SERIAL.lock().await;
    let lines = 100_000;
    let mut relay = Relay::start().await;
    relay.read_until("$ ", true).await;
    let acked = relay.screen.received();
    relay.type_text(&flood_command(lines)).await;
    let window = OUTPUT_WINDOW as u64;
    while relay.screen.received() < acked + window {
        match relay.next().await {
            Got::Frame(frame) => relay.screen.take(&frame),
            Got::Closed(code) => panic!("closed ({code:?}) during the flood"),
        }
        assert!(
            relay.screen.received() <= acked + window,
            "at most the window beyond the last ack"
        );
    }
    // The window is full: one more byte acknowledged lets exactly one more byte out.
    relay
        .send(&MediaFrame::ShellAck { offset: acked + 1 })
        .await;
    match relay.next().await {
        Got::Frame(MediaFrame::ShellOutput { offset, data }) => {
            assert_eq!((offset, data.len()), (acked + window, 1));
            relay.screen.take(&MediaFrame::ShellOutput { offset, data });
        }
        other => panic!("one byte after a one-byte ack, not {other:?}"),
    }
    relay.ack_all().await;
    relay.read_until("DONE-42", true).await;
    let numbers = relay.screen.flood_numbers();
    assert!(
        numbers.iter().copied().eq(1..=lines),
        "every line once, in order ({} lines, last {:?})",
        numbers.len(),
        numbers.last()
    );
}

/// Acks that go back, repeat, or name more than was sent break nothing: the shell goes on,
/// and the window still holds (no byte is freed that was not sent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_acks_are_harmless() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    relay.read_until("$ ", true).await;
    relay.send(&MediaFrame::ShellAck { offset: u64::MAX }).await;
    relay.send(&MediaFrame::ShellAck { offset: 0 }).await;
    relay.send(&MediaFrame::ShellAck { offset: 1 }).await;
    // A screen frame on a shell socket is ignored too.
    relay.send(&MediaFrame::RefreshRequest).await;
    relay.type_text("echo still $((6*7))\r").await;
    relay.read_until("still 42", true).await;
}

/// A shell that exits by itself sends `shell_exit` with its code after all its output, then
/// the socket closes normally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_sends_the_code_after_the_output_then_closes_normally() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    relay.read_until("$ ", true).await;
    relay.type_text("echo bye $((6*7)); exit 3\r").await;
    assert_eq!(relay.closed().await, Some(u16::from(CloseCode::Normal)));
    assert!(
        relay.screen.find("bye 42"),
        "the output came before the exit"
    );
    assert_eq!(relay.screen.exit, Some(3));
    assert!(matches!(relay.ended().await, Ok(LinkEnd::Exited(3))));
}

/// A shell that cannot start is reported as `shell_exit` -1 and a normal close, and the
/// link says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_that_cannot_start_exits_with_minus_1() {
    let _serial = SERIAL.lock().await;
    let config = ShellConfig::command(["/nonexistent/shell"], START_ROWS, START_COLS);
    let mut relay = Relay::start_with(config).await;
    assert_eq!(relay.closed().await, Some(u16::from(CloseCode::Normal)));
    assert_eq!(relay.screen.exit, Some(-1));
    assert_eq!(relay.screen.received(), 0);
    assert!(matches!(relay.ended().await, Err(LinkError::Start(_))));
}

/// When the grant stops naming this shell (Stop, the server's list, the session's end), the
/// shell is killed and the socket closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_grant_kills_the_shell_and_closes_the_socket() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    let pid = relay.shell_pid().await;
    assert!(!process_gone(pid));
    relay.share.send_replace(ShareState::default());
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
    assert_eq!(relay.closed().await, Some(u16::from(CloseCode::Normal)));
    assert_eq!(relay.screen.exit, None, "no exit is reported for a kill");
    assert!(matches!(relay.ended().await, Ok(LinkEnd::Revoked)));
}

/// The relay closing the socket (4410: the grant ended there) kills the shell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relays_close_kills_the_shell() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    let pid = relay.shell_pid().await;
    let close = CloseFrame {
        code: CloseCode::from(4410),
        reason: "revoked".into(),
    };
    relay.socket.close(Some(close)).await.unwrap();
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
    assert!(matches!(
        relay.ended().await,
        Ok(LinkEnd::Closed(Some(4410)))
    ));
}

/// A socket that drops without a close (the network) kills the shell too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_socket_kills_the_shell() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    let pid = relay.shell_pid().await;
    let Relay { socket, link, .. } = relay;
    drop(socket);
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
    let ended = timeout(DEADLINE, link).await.unwrap().unwrap();
    assert!(
        matches!(ended, Ok(LinkEnd::Closed(None)) | Err(LinkError::Socket(_))),
        "{ended:?}"
    );
}

/// Dropping a running link (its task aborted) kills the shell: nothing is left running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_link_kills_the_shell() {
    let _serial = SERIAL.lock().await;
    let mut relay = Relay::start().await;
    let pid = relay.shell_pid().await;
    relay.link.abort();
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
}

/// A link whose grant is no longer the shell's starts nothing and opens nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_already_ended_starts_nothing() {
    let (_share, watched) = watch::channel(granted(2));
    let config = ShellConfig::command(["/bin/sh"], START_ROWS, START_COLS);
    // Nothing listens on port 9: a link that tried to connect would fail, not end revoked.
    let ended = link::run(
        "ws://127.0.0.1:9/ws/media",
        "t",
        GrantId(1),
        watched,
        config,
    )
    .await;
    assert!(matches!(ended, Ok(LinkEnd::Revoked)), "{ended:?}");
}

/// `/bin/sh` as a stand-in for an elevated shell that printed `first` with its marker,
/// once `go` fires (or at once when `go` is `None`).
fn elevated(first: &str, go: Option<tokio::sync::oneshot::Receiver<()>>) -> Start {
    let first = first.as_bytes().to_vec();
    Start::Elevated(Box::pin(async move {
        if let Some(go) = go {
            go.await.map_err(|_| "never started".to_owned())?;
        }
        let mut config = ShellConfig::command(["/bin/sh"], START_ROWS, START_COLS);
        config.env.push(("PS1".into(), "$ ".into()));
        let (session, output) = ShellSession::start(config).map_err(|e| e.to_string())?;
        Ok(Elevated {
            session,
            output,
            first_output: first,
            user: "sbadmin".into(),
        })
    }))
}

/// An elevated shell's first output (it came with the marker) goes out first, at offset 0;
/// what the rep typed and the size they set while it started reach the shell once it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_elevated_shell_sends_its_first_output_first_and_takes_what_was_typed_ahead() {
    let _serial = SERIAL.lock().await;
    let (go, wait) = tokio::sync::oneshot::channel();
    let mut relay = Relay::start_as(elevated("FIRST-OUTPUT ", Some(wait))).await;
    relay
        .send(&MediaFrame::ShellResize {
            cols: 100,
            rows: 30,
        })
        .await;
    relay.type_text("echo typed=$((6*7)); stty size\r").await;
    // Sent before the shell exists; whether the link read them before or after it started,
    // they must reach it.
    go.send(()).unwrap();
    match relay.next().await {
        Got::Frame(MediaFrame::ShellOutput { offset, data }) => {
            assert_eq!((offset, data.as_slice()), (0, &b"FIRST-OUTPUT "[..]));
            relay.screen.take(&MediaFrame::ShellOutput { offset, data });
        }
        other => panic!("the first output first, not {other:?}"),
    }
    relay.ack_all().await;
    relay.read_until("typed=42", true).await;
    relay.read_until("30 100", true).await;
    relay.share.send_replace(ShareState::default());
    assert_eq!(relay.closed().await, Some(u16::from(CloseCode::Normal)));
    assert!(matches!(relay.ended().await, Ok(LinkEnd::Revoked)));
}

/// An elevation that fails sends nothing but a normal close; the link ends with the reason
/// (for `elevation_failed`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_elevation_closes_with_its_reason() {
    let _serial = SERIAL.lock().await;
    let failing = Start::Elevated(Box::pin(async {
        Err::<Elevated, _>("su: Authentication failure".to_owned())
    }));
    let mut relay = Relay::start_as(failing).await;
    assert_eq!(relay.closed().await, Some(u16::from(CloseCode::Normal)));
    assert_eq!(relay.screen.received(), 0);
    assert_eq!(relay.screen.exit, None);
    match relay.ended().await {
        Err(LinkError::Elevation(reason)) => assert_eq!(reason, "su: Authentication failure"),
        other => panic!("{other:?}"),
    }
}

/// The grant ending while the elevation still runs drops the start and closes the socket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_revoked_during_the_elevation_ends_it() {
    let _serial = SERIAL.lock().await;
    let (_go, wait) = tokio::sync::oneshot::channel();
    let mut relay = Relay::start_as(elevated("", Some(wait))).await;
    relay.share.send_replace(ShareState::default());
    assert_eq!(relay.closed().await, Some(u16::from(CloseCode::Normal)));
    assert_eq!(relay.screen.received(), 0);
    assert!(matches!(relay.ended().await, Ok(LinkEnd::Revoked)));
}
