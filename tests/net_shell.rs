//! The console's shell client (net/shell.rs) against a `/ws/media` peer played by the test
//! (the customer's side, as the relay passes it on): it authenticates with its ticket, sends
//! the rep's input in protocol-sized chunks and the terminal's size, hands output and the
//! exit over in order, acknowledges only what was fed, keeps its queue bounded under a
//! flood, and ends for good on close code 4410.

#![allow(clippy::unwrap_used)]

use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use switchboard::model::shell::ShellFeed;
use switchboard::net::{CLOSE_REVOKED, ShellOutput, ShellStream, StreamState, open_shell_at};
use switchboard::terminal::{TermSize, TerminalModel};
use switchboard_protocol::media::{MAX_SHELL_CHUNK, MediaFrame, decode_media, encode_media};
use switchboard_protocol::{MediaTicket, SessionId};
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const DEADLINE: Duration = switchboard_testkit::DEADLINE;
/// What the customer's side keeps unacknowledged at most.
const WINDOW: u64 = 256 * 1024;

type Peer = WebSocketStream<tokio::net::TcpStream>;

/// A runtime for the stream's task and the peer, a listener, and the console's stream to it
/// with a wake that the test waits on.
struct Rig {
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    stream: ShellStream,
    woken: std::sync::mpsc::Receiver<()>,
}

fn rig() -> Rig {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("ws://{}/ws/media", listener.local_addr().unwrap());
    let (woken, woken_rx) = std::sync::mpsc::channel();
    let woken = std::sync::Mutex::new(woken);
    let ticket = MediaTicket {
        token: "shell-ticket".into(),
        expires_at: 0,
    };
    let stream = open_shell_at(runtime.handle(), &url, SessionId(5), ticket, move || {
        let _ = woken.lock().unwrap().send(());
    });
    Rig {
        runtime,
        listener,
        stream,
        woken: woken_rx,
    }
}

/// Accepts the console's socket and checks its `auth`.
async fn accept(listener: &TcpListener) -> Peer {
    let (tcp, _) = tokio::time::timeout(DEADLINE, listener.accept())
        .await
        .unwrap()
        .unwrap();
    let mut peer = tokio_tungstenite::accept_async(tcp).await.unwrap();
    assert_eq!(
        read_frame(&mut peer).await,
        MediaFrame::Auth {
            token: "shell-ticket".into()
        }
    );
    peer
}

async fn read_frame(peer: &mut Peer) -> MediaFrame {
    loop {
        let message = tokio::time::timeout(DEADLINE, peer.next())
            .await
            .expect("a frame from the console in time")
            .expect("the socket open")
            .unwrap();
        if let Message::Binary(bytes) = message {
            return decode_media(&bytes).unwrap();
        }
    }
}

async fn send(peer: &mut Peer, frame: &MediaFrame) {
    let bytes = encode_media(frame).unwrap();
    peer.send(Message::Binary(bytes.into())).await.unwrap();
}

/// Waits (woken by the stream, with a deadline) for its next output.
fn next_output(rig: &mut Rig) -> ShellOutput {
    let start = Instant::now();
    loop {
        if let Some(output) = rig.stream.try_output() {
            return output;
        }
        let left = DEADLINE
            .checked_sub(start.elapsed())
            .expect("output from the stream within the deadline");
        let _ = rig.woken.recv_timeout(left);
    }
}

/// Auth with the ticket; the size and the rep's input (a paste larger than a frame in
/// chunks) reach the customer's side; output and the exit come in order; the ack says how
/// far the terminal was fed; 4410 ends the stream as revoked.
#[test]
fn frames_both_ways_and_revocation() {
    let mut rig = rig();
    let mut peer = rig.runtime.block_on(accept(&rig.listener));
    rig.stream.resize(120, 40);
    let paste: Vec<u8> = (0..150_000u32).map(|n| b'a' + (n % 26) as u8).collect();
    rig.stream.input(b"echo hello\r");
    rig.stream.input(&paste);
    let received = rig.runtime.block_on(async {
        assert_eq!(
            read_frame(&mut peer).await,
            MediaFrame::ShellResize {
                cols: 120,
                rows: 40
            }
        );
        let mut typed = Vec::new();
        while typed.len() < 11 + paste.len() {
            match read_frame(&mut peer).await {
                MediaFrame::ShellInput { data } => {
                    assert!(!data.is_empty() && data.len() <= MAX_SHELL_CHUNK);
                    typed.extend(data);
                }
                other => panic!("input expected, got {other:?}"),
            }
        }
        send(
            &mut peer,
            &MediaFrame::ShellOutput {
                offset: 0,
                data: b"echo hello\r\nhello\r\n".to_vec(),
            },
        )
        .await;
        send(&mut peer, &MediaFrame::ShellExit { code: 3 }).await;
        typed
    });
    assert_eq!(&received[..11], b"echo hello\r");
    assert_eq!(&received[11..], &paste[..]);
    assert_eq!(rig.stream.state(), StreamState::Live);

    let mut terminal = TerminalModel::new(TermSize { rows: 4, cols: 20 });
    let mut feed = ShellFeed::default();
    match next_output(&mut rig) {
        ShellOutput::Output { offset, data } => {
            terminal.process(feed.accept(offset, &data).new);
            rig.stream.fed(feed.fed());
        }
        other => panic!("output expected first, got {other:?}"),
    }
    assert_eq!(next_output(&mut rig), ShellOutput::Exit { code: 3 });
    assert_eq!(terminal.row_text(1), "hello");
    assert_eq!(rig.stream.queued_bytes(), 0);

    rig.runtime.block_on(async {
        // Fed, then acknowledged: the whole chunk (the console caught up).
        assert_eq!(
            read_frame(&mut peer).await,
            MediaFrame::ShellAck { offset: 19 }
        );
        peer.close(Some(CloseFrame {
            code: CloseCode::from(CLOSE_REVOKED),
            reason: "grant ended".into(),
        }))
        .await
        .unwrap();
    });
    let start = Instant::now();
    while rig.stream.state() != StreamState::Revoked {
        let left = DEADLINE
            .checked_sub(start.elapsed())
            .expect("the stream ends as revoked within the deadline");
        let _ = rig.woken.recv_timeout(left);
    }
}

/// A peer that goes away without 4410 leaves the stream lost (the app asks for a new ticket).
#[test]
fn a_dropped_socket_is_lost_not_revoked() {
    let mut rig = rig();
    let peer = rig.runtime.block_on(accept(&rig.listener));
    drop(peer);
    let start = Instant::now();
    while !matches!(rig.stream.state(), StreamState::Lost(_)) {
        let left = DEADLINE
            .checked_sub(start.elapsed())
            .expect("the stream is lost within the deadline");
        let _ = rig.woken.recv_timeout(left);
    }
    // Input typed now goes nowhere, and nothing waits for it.
    rig.stream.input(b"ls\r");
    rig.stream.flush();
    assert!(rig.stream.state().is_over());
}

/// What the peer saw of a flood: the most bytes it ever had unacknowledged, and its acks.
struct FloodPeer {
    max_unacked: u64,
    acks: usize,
}

/// Reads the console's next frame, an ack: checks it covers only bytes the UI had fed and
/// never goes back; its offset.
async fn read_ack(peer: &mut Peer, acked: u64, fed: &AtomicU64) -> u64 {
    match read_frame(peer).await {
        MediaFrame::ShellAck { offset } => {
            let fed_now = fed.load(Ordering::SeqCst);
            assert!(
                offset <= fed_now,
                "acked {offset} while only {fed_now} bytes were fed"
            );
            assert!(offset >= acked, "acks never go back");
            offset
        }
        other => panic!("only acks expected, got {other:?}"),
    }
}

/// The customer's side of a flood: `total` bytes of `content` in chunks, never more than
/// [`WINDOW`] unacknowledged, checking that every ack covers only bytes the UI had fed
/// (`fed`); then the exit once all is acknowledged.
async fn flood(mut peer: Peer, content: Arc<Vec<u8>>, fed: Arc<AtomicU64>) -> FloodPeer {
    let total = content.len() as u64;
    let (mut sent, mut acked, mut max_unacked, mut acks) = (0u64, 0u64, 0u64, 0usize);
    while sent < total {
        while sent - acked >= WINDOW {
            acked = read_ack(&mut peer, acked, &fed).await;
            acks += 1;
        }
        let room = WINDOW - (sent - acked);
        let n = room.min(MAX_SHELL_CHUNK as u64).min(total - sent) as usize;
        let start = sent as usize;
        let data = content[start..start + n].to_vec();
        send(&mut peer, &MediaFrame::ShellOutput { offset: sent, data }).await;
        sent += n as u64;
        max_unacked = max_unacked.max(sent - acked);
    }
    while acked < total {
        acked = read_ack(&mut peer, acked, &fed).await;
        acks += 1;
    }
    send(&mut peer, &MediaFrame::ShellExit { code: 0 }).await;
    FloodPeer { max_unacked, acks }
}

/// 10 MB of output, sent as the customer's side does (at most 256 KiB unacknowledged),
/// reaches the terminal whole and in order while the UI feeds one chunk per wake: the
/// console's queue never holds more than the window, and every ack covers only fed bytes.
#[test]
fn a_flood_is_fed_whole_and_in_order_within_the_window() {
    let mut rig = rig();
    let mut content = Vec::with_capacity(10 * 1024 * 1024);
    let mut line = 0u64;
    while content.len() < 10 * 1024 * 1024 {
        content.extend(format!("line {line:07}\r\n").as_bytes());
        line += 1;
    }
    let content = Arc::new(content);
    let fed = Arc::new(AtomicU64::new(0));
    let peer = rig.runtime.block_on(accept(&rig.listener));
    let flooding = rig.runtime.spawn(flood(peer, content.clone(), fed.clone()));

    let mut got = Vec::with_capacity(content.len());
    let mut feed = ShellFeed::default();
    let mut terminal = TerminalModel::new(TermSize { rows: 24, cols: 80 });
    let mut max_queued = 0u64;
    let start = Instant::now();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the flood took over two minutes ({} of {} bytes fed)",
            got.len(),
            content.len()
        );
        max_queued = max_queued.max(rig.stream.queued_bytes());
        match next_output(&mut rig) {
            ShellOutput::Output { offset, data } => {
                let new = feed.accept(offset, &data).new;
                got.extend_from_slice(new);
                terminal.process(new);
                fed.store(feed.fed(), Ordering::SeqCst);
                rig.stream.fed(feed.fed());
            }
            ShellOutput::Exit { code } => {
                assert_eq!(code, 0);
                break;
            }
        }
    }
    let peer = rig.runtime.block_on(flooding).unwrap();
    assert!(got == *content, "the output arrived whole and in order");
    assert!(
        peer.max_unacked <= WINDOW,
        "the customer's side had {} bytes unacknowledged",
        peer.max_unacked
    );
    assert!(
        max_queued <= WINDOW,
        "the console queued {max_queued} bytes of output"
    );
    assert!(peer.acks >= content.len() / (64 * 1024), "acks kept coming");
    let last = format!("line {:07}", line - 1);
    assert!(
        terminal.screen_text().contains(&last),
        "the terminal shows the last line {last:?}:\n{}",
        terminal.screen_text()
    );
}
