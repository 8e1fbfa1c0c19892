//! The command shell end to end through the console's own network code: the real server on
//! 127.0.0.1 (its shell relay), the kit's native customer allowing the shell and sending on
//! its own shell socket (the kit's media client, keeping at most 256 KiB unacknowledged as
//! the customer client does), and the console's shell stream (`net/shell.rs`) feeding a
//! terminal model as the app does. 10 MB arrive whole and in order while nobody's queue
//! grows past the window; a reconnected console goes on from where the relay left off; the
//! rep's Stop ends the stream as revoked (4410).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use switchboard::model::shell::ShellFeed;
use switchboard::net::{ShellOutput, ShellStream, StreamState, open_shell_at};
use switchboard::terminal::{TermSize, TerminalModel};
use switchboard_protocol::RepRequest;
use switchboard_protocol::media::{MAX_SHELL_CHUNK, MediaFrame};
use switchboard_testkit::media::MediaClient;
use switchboard_testkit::shell::{GrantedShell, output};
use switchboard_testkit::{DEADLINE, TestServer};
use tokio::sync::Notify;

/// What the customer's side keeps unacknowledged at most (the customer client's window).
const WINDOW: u64 = 256 * 1024;

/// The console's side: its shell stream, what wakes it, and the terminal it feeds.
struct Console {
    stream: ShellStream,
    woken: Arc<Notify>,
    feed: ShellFeed,
    terminal: TerminalModel,
    /// Every byte fed, in order.
    fed_bytes: Vec<u8>,
    /// The most output bytes the stream ever had queued for the UI.
    max_queued: u64,
}

impl Console {
    /// Alice's console stream for the granted shell, opened with her own `open_media`
    /// ticket (channel `shell`) as `app/shells.rs` does.
    async fn open(server: &TestServer, shell: &mut GrantedShell) -> Console {
        let ticket = shell.rep.open_shell_media(shell.session_id).await;
        let woken = Arc::new(Notify::new());
        let notify = woken.clone();
        let stream = open_shell_at(
            &tokio::runtime::Handle::current(),
            &format!("ws://{}/ws/media", server.addr),
            shell.session_id,
            ticket,
            move || notify.notify_one(),
        );
        Console {
            stream,
            woken,
            feed: ShellFeed::default(),
            terminal: TerminalModel::new(TermSize { rows: 24, cols: 80 }),
            fed_bytes: Vec::new(),
            max_queued: 0,
        }
    }

    /// Waits (woken by the stream, within the deadline) for the next output or the exit,
    /// and feeds output to the terminal as the app does, then tells the stream.
    async fn next(&mut self) -> ShellOutput {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            self.max_queued = self.max_queued.max(self.stream.queued_bytes());
            if let Some(next) = self.stream.try_output() {
                if let ShellOutput::Output { offset, data } = &next {
                    let new = self.feed.accept(*offset, data).new;
                    self.terminal.process(new);
                    self.fed_bytes.extend_from_slice(new);
                    self.stream.fed(self.feed.fed());
                }
                return next;
            }
            tokio::time::timeout_at(deadline, self.woken.notified())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "no shell output within {DEADLINE:?} (stream {:?}, {} bytes fed)",
                        self.stream.state(),
                        self.fed_bytes.len()
                    )
                });
        }
    }

    /// Waits (deadline) until the stream's state matches `pred`.
    async fn state_until(&self, what: &str, pred: impl Fn(&StreamState) -> bool) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while !pred(&self.stream.state()) {
            if tokio::time::timeout_at(deadline, self.woken.notified())
                .await
                .is_err()
            {
                panic!("the shell stream {what}: still {:?}", self.stream.state());
            }
        }
    }
}

/// Alice has a granted shell with a native customer; the customer's shell socket is
/// attached.
async fn granted(server: &TestServer) -> (GrantedShell, MediaClient) {
    let mut shell = GrantedShell::start(server, "alice").await;
    let ticket = shell
        .customer
        .open_channel(switchboard_protocol::MediaChannel::Shell)
        .await;
    let mut customer = MediaClient::auth(server.addr, &ticket.token).await;
    customer.ping_pong().await;
    (shell, customer)
}

/// How the customer's side of a flood went.
struct Flood {
    max_unacked: u64,
    acks: usize,
}

/// The customer's side: `content` from offset 0 in chunks, never more than [`WINDOW`]
/// unacknowledged (acks come from the console through the relay), then the exit once all
/// of it is acknowledged.
async fn flood(mut customer: MediaClient, content: Arc<Vec<u8>>) -> Flood {
    let total = content.len() as u64;
    let (mut sent, mut acked, mut max_unacked, mut acks) = (0u64, 0u64, 0u64, 0usize);
    while sent < total {
        while sent - acked >= WINDOW {
            acked = next_ack(&mut customer, acked).await;
            acks += 1;
        }
        let room = WINDOW - (sent - acked);
        let n = room.min(MAX_SHELL_CHUNK as u64).min(total - sent) as usize;
        let start = sent as usize;
        customer
            .send(&output(sent, &content[start..start + n]))
            .await;
        sent += n as u64;
        max_unacked = max_unacked.max(sent - acked);
    }
    while acked < total {
        acked = next_ack(&mut customer, acked).await;
        acks += 1;
    }
    customer.send(&MediaFrame::ShellExit { code: 0 }).await;
    Flood { max_unacked, acks }
}

/// The next ack on the customer's socket (resizes from the console are skipped); it never
/// goes back.
async fn next_ack(customer: &mut MediaClient, acked: u64) -> u64 {
    let offset = customer
        .recv_until(|frame| match frame {
            MediaFrame::ShellAck { offset } => Some(*offset),
            _ => None,
        })
        .await;
    assert!(
        offset >= acked,
        "acks never go back ({offset} after {acked})"
    );
    offset
}

/// 10 MB of output from the customer's side pass through the relay and the console's
/// stream into the terminal model whole and in order; the customer never has more than
/// 256 KiB unacknowledged (so acks follow what the console fed), and the console's queue
/// never holds more than that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_megabytes_reach_the_terminal_whole_within_the_window() {
    let server = TestServer::start().await;
    let (mut shell, customer) = granted(&server).await;
    let mut console = Console::open(&server, &mut shell).await;
    console
        .state_until("authenticates", |s| *s == StreamState::Live)
        .await;

    let mut content = Vec::with_capacity(10 * 1024 * 1024 + 64);
    let mut line = 0u64;
    while content.len() < 10 * 1024 * 1024 {
        content.extend(format!("line {line:07}\r\n").as_bytes());
        line += 1;
    }
    let content = Arc::new(content);
    let flooding = tokio::spawn(flood(customer, content.clone()));
    let started = std::time::Instant::now();
    loop {
        match console.next().await {
            ShellOutput::Output { .. } => {}
            ShellOutput::Exit { code } => {
                assert_eq!(code, 0);
                break;
            }
        }
    }
    let elapsed = started.elapsed();
    let flood = flooding.await.unwrap();
    assert!(
        console.fed_bytes == *content,
        "the output arrived whole and in order ({} of {} bytes)",
        console.fed_bytes.len(),
        content.len()
    );
    assert!(
        flood.max_unacked <= WINDOW,
        "the customer's side had {} bytes unacknowledged",
        flood.max_unacked
    );
    assert!(
        console.max_queued <= WINDOW,
        "the console queued {} bytes of output",
        console.max_queued
    );
    assert!(flood.acks > 0);
    let last = format!("line {:07}", line - 1);
    assert!(console.terminal.screen_text().contains(&last));
    eprintln!(
        "10 MB through the relay into the terminal in {elapsed:?} ({} acks)",
        flood.acks
    );
}

/// A console that reconnects (a new ticket, a new socket) goes on where the relay left off:
/// what the old socket was given counts as shown, so the first chunk on the new one starts
/// past 0 and is fed as it is; input still reaches the customer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnected_console_goes_on_from_the_relays_offset() {
    let server = TestServer::start().await;
    let (mut shell, mut customer) = granted(&server).await;
    let mut console = Console::open(&server, &mut shell).await;
    customer.send(&output(0, b"hello ")).await;
    assert!(matches!(
        console.next().await,
        ShellOutput::Output { offset: 0, .. }
    ));

    // The console's socket goes (a network blip); a new ticket, a new stream, the same
    // terminal and feed.
    let feed = console.feed;
    let terminal = std::mem::replace(
        &mut console.terminal,
        TerminalModel::new(TermSize { rows: 1, cols: 2 }),
    );
    drop(console);
    customer.send(&output(6, b"world")).await;
    let mut console = Console::open(&server, &mut shell).await;
    console.feed = feed;
    console.terminal = terminal;
    console.stream.fed(console.feed.fed());
    match console.next().await {
        ShellOutput::Output { offset, data } => {
            assert_eq!((offset, &data[..]), (6, &b"world"[..]));
        }
        other => panic!("output expected, got {other:?}"),
    }
    assert_eq!(console.terminal.row_text(0), "hello world");

    console.stream.input(b"ls\r");
    let typed = customer
        .recv_until(|frame| match frame {
            MediaFrame::ShellInput { data } => Some(data.clone()),
            _ => None,
        })
        .await;
    assert_eq!(typed, b"ls\r");
}

/// The rep's Stop ends the grant: the relay closes the console's shell socket with 4410,
/// and the stream ends as revoked (the app does not ask again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_revokes_the_stream() {
    let server = TestServer::start().await;
    let (mut shell, mut customer) = granted(&server).await;
    let mut console = Console::open(&server, &mut shell).await;
    customer.send(&output(0, b"$ ")).await;
    console.next().await;
    shell
        .rep
        .ok(RepRequest::StopRemote {
            session_id: shell.session_id,
            grant_id: shell.grant,
            keep_view: false,
        })
        .await;
    console
        .state_until("ends as revoked", |s| *s == StreamState::Revoked)
        .await;
    assert_eq!(customer.closed().await, Some(4410));
}
