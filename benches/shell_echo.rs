//! `cargo bench -p switchboard --bench shell_echo`: the command shell through the whole path.
//! The real server on 127.0.0.1 relays (and stores every record of) a shell that the real
//! customer client runs on a PTY (`shell::link`), to the console's own shell stream
//! (`net/shell.rs`) feeding the console's terminal model (`terminal/`), which acknowledges
//! what it fed. Reported:
//!
//! - keystroke echo: one key typed in the console until its echo is in the terminal model
//!   (`sh` in cooked mode: the PTY echoes the key), p50 and p95;
//! - `seq 1 100000` typed until `100000` is on the terminal's screen (590 KB of output
//!   through the 256 KiB window, every chunk stored in the transcript first).
//!
//! `cargo test --benches` (no `--bench` argument) runs a short version.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use switchboard::net::{ShellOutput, ShellStream, open_shell_at};
use switchboard::terminal::{TermSize, TerminalModel};
use switchboard_customer::session::{ShareState, ShellUser};
use switchboard_customer::shell::ShellConfig;
use switchboard_customer::shell::link;
use switchboard_protocol::MediaChannel;
use switchboard_testkit::TestServer;
use switchboard_testkit::shell::GrantedShell;
use tokio::sync::watch;

/// How long one step may take before the bench gives up.
const LIMIT: Duration = Duration::from_secs(20);

/// The console's side: the stream and the terminal it feeds, as `app/shells.rs` does.
struct Console {
    stream: ShellStream,
    terminal: TerminalModel,
    fed: u64,
    /// Everything fed so far, for finding echoes.
    seen: Vec<u8>,
}

impl Console {
    /// Feeds what arrived; true if anything did.
    fn pump(&mut self) -> bool {
        let mut any = false;
        while let Some(output) = self.stream.try_output() {
            if let ShellOutput::Output { offset, data } = output {
                self.terminal.process(&data);
                self.seen.extend_from_slice(&data);
                self.fed = offset + data.len() as u64;
                any = true;
            }
        }
        if any {
            self.stream.fed(self.fed);
        }
        self.stream.flush();
        any
    }

    /// Pumps until `done`, with a short park between empty polls.
    fn until(&mut self, what: &str, mut done: impl FnMut(&Console) -> bool) {
        let start = Instant::now();
        while !done(self) {
            if !self.pump() {
                std::thread::park_timeout(Duration::from_micros(200));
            }
            assert!(
                start.elapsed() < LIMIT,
                "timed out waiting for {what}: stream {:?}, {} bytes seen: {:?}",
                self.stream.state(),
                self.seen.len(),
                String::from_utf8_lossy(&self.seen[self.seen.len().saturating_sub(200)..])
            );
        }
    }

    fn screen_has(&self, needle: &str) -> bool {
        (0..self.terminal.size().rows).any(|row| self.terminal.row_text(row).contains(needle))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (keys, seq_runs) = if full { (200, 3) } else { (10, 1) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(TestServer::start());
    let mut shell = runtime.block_on(GrantedShell::start(&server, "alice"));
    let media_url = format!("ws://{}/ws/media", server.addr);

    // The customer's side: the real link with `sh` on a PTY, for the granted grant.
    let customer_ticket = runtime.block_on(shell.customer.open_channel(MediaChannel::Shell));
    let share = ShareState {
        shell: Some(ShellUser {
            grant_id: shell.grant,
            rep_name: "Alice".into(),
            elevation: None,
        }),
        ..ShareState::default()
    };
    let (_share_tx, share_rx) = watch::channel(share);
    let link_url = media_url.clone();
    let grant = shell.grant;
    let customer = runtime.spawn(async move {
        link::run(
            &link_url,
            &customer_ticket.token,
            grant,
            share_rx,
            ShellConfig::command(["sh"], 24, 80),
        )
        .await
    });

    // The console's side.
    let ticket = runtime.block_on(shell.rep.open_shell_media(shell.session_id));
    let woken = Arc::new(AtomicBool::new(false));
    let wake = woken.clone();
    let stream = open_shell_at(
        runtime.handle(),
        &media_url,
        shell.session_id,
        ticket,
        move || wake.store(true, Ordering::Release),
    );
    let mut console = Console {
        stream,
        terminal: TerminalModel::new(TermSize {
            rows: 60,
            cols: 200,
        }),
        fed: 0,
        seen: Vec::new(),
    };
    console.stream.resize(200, 60);
    console.until("the prompt", |c| !c.seen.is_empty());

    // Keystroke echo: a letter, then its echo in the model.
    let mut echoes = Vec::with_capacity(keys);
    for i in 0..keys {
        let key = b'a' + (i % 26) as u8;
        let before = console.seen.len();
        let start = Instant::now();
        console.stream.input(&[key]);
        console.until("an echo", |c| c.seen[before..].contains(&key));
        echoes.push(start.elapsed());
        if i % 40 == 39 {
            // Keep the line short: erase it (Ctrl+U) and wait for the shell to redraw nothing.
            console.stream.input(b"\x15");
            console.pump();
        }
    }
    console.stream.input(b"\x15");
    echoes.sort();
    println!(
        "keystroke echo ({keys} keys, server + customer PTY + console model): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&echoes, 0.5)),
        ms(percentile(&echoes, 0.95)),
        ms(*echoes.last().unwrap()),
    );

    // seq 1 100000: until the last number is on the screen.
    let mut runs = Vec::new();
    for _ in 0..seq_runs {
        console.stream.input(b"clear\r");
        console.until("a clear screen", |c| !c.screen_has("100000"));
        let start = Instant::now();
        console.stream.input(b"seq 1 100000\r");
        console.until("100000 on the screen", |c| {
            (0..c.terminal.size().rows).any(|row| c.terminal.row_text(row).trim() == "100000")
        });
        runs.push(start.elapsed());
    }
    runs.sort();
    println!(
        "seq 1 100000 fully shown (588,895 bytes, {} runs): best {:.0} ms, worst {:.0} ms",
        runs.len(),
        ms(runs[0]),
        ms(*runs.last().unwrap()),
    );

    console.stream.input(b"exit\r");
    let end = runtime
        .block_on(async { tokio::time::timeout(LIMIT, customer).await })
        .expect("the shell ends")
        .expect("the link task");
    println!("shell ended: {end:?}");
    drop(console);
    drop(server);
}
