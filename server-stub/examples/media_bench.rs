//! The media relay's benchmark (docs/PROTOCOL.md §11; issue 13's "the relay: ≥ 50
//! concurrent 1080p streams at 15 fps, ≤ 1 ms added latency"): a real server on
//! 127.0.0.1, N sessions each with a publisher sending ~150 KB screen updates at a steady
//! rate and one viewer acknowledging each as it arrives. Reports what was delivered, the
//! throughput, the latency from the publisher's send to the viewer's receipt (p50/p99: an
//! upper bound of what the relay adds, loopback and both clients' WebSocket work included),
//! and the CPU time of the server's threads and of the clients' threads, read per thread from
//! `/proc/self/task` (Linux).
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-perf cargo run --release -p switchboard-server \
//!     --example media_bench -- [streams=50] [fps=15] [bytes=150000] [seconds=10] [server_threads=1]
//! ```

use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_protocol::SessionId;
use switchboard_protocol::media::{MediaFrame, encode_media};
use switchboard_server::server::media::MediaRole;
use switchboard_testkit::TestServer;
use switchboard_testkit::media::{
    MediaClient, access, issue, now_micros, update, viewer, wait_attached,
};
use tokio_tungstenite::tungstenite::Message;

struct Args {
    streams: u64,
    fps: u64,
    bytes: usize,
    seconds: u64,
    server_threads: usize,
}

fn args() -> Args {
    let mut numbers = std::env::args().skip(1).map(|a| {
        a.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a number: {a}"))
    });
    let mut next = |default: u64| numbers.next().unwrap_or(default);
    Args {
        streams: next(50),
        fps: next(15),
        bytes: next(150_000) as usize,
        seconds: next(10),
        server_threads: next(1) as usize,
    }
}

/// What the viewers measured.
#[derive(Default)]
struct Tally {
    latencies_micros: Vec<u64>,
    delivered: u64,
    delivered_bytes: u64,
}

fn main() {
    let args = args();
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("srv")
        .enable_all()
        .build()
        .expect("server runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("cli")
        .enable_all()
        .build()
        .expect("client runtime");
    let server = server_rt.block_on(TestServer::start());
    let relay = server.server.as_ref().expect("running").media();
    let addr = server.addr;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let warmup = Duration::from_secs(1);
    let run = Duration::from_secs(args.seconds);

    let sent = client_rt.block_on(async {
        let mut streams = Vec::new();
        for session in 1..=args.streams {
            relay.set_access(SessionId(session), access(&[("alice", false)]));
            let publisher =
                MediaClient::auth(addr, &issue(&relay, session, MediaRole::Publisher)).await;
            let viewer_socket =
                MediaClient::auth(addr, &issue(&relay, session, viewer("alice"))).await;
            streams.push((publisher, viewer_socket));
        }
        wait_attached(&relay, 2 * args.streams as usize).await;
        let start = Instant::now();
        let measure_from = start + warmup;
        let end = measure_from + run;
        let mut publishers = Vec::new();
        for (index, (publisher, viewer_socket)) in streams.into_iter().enumerate() {
            let tally = tally.clone();
            tokio::spawn(view(viewer_socket, tally, measure_from));
            // Spread the streams' ticks over the frame interval, as real screens would be.
            let period = Duration::from_micros(1_000_000 / args.fps);
            let offset = period * index as u32 / args.streams as u32;
            publishers.push(tokio::spawn(publish(
                publisher,
                args.bytes,
                period,
                start + offset,
                measure_from,
                end,
            )));
        }
        tokio::time::sleep_until((measure_from).into()).await;
        let cpu_start = cpu_by_thread();
        let mut sent = 0;
        for publisher in publishers {
            sent += publisher.await.expect("publisher task");
        }
        let cpu_end = cpu_by_thread();
        (sent, cpu_start, cpu_end)
    });
    let (sent, cpu_start, cpu_end) = sent;
    // The last updates' receipts.
    client_rt.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
    let tally = tally.lock().expect("tally");
    let mut latencies = tally.latencies_micros.clone();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let secs = run.as_secs_f64();
    let cpu = |prefix: &str| {
        let used = cpu_end
            .iter()
            .filter(|(n, _)| n.starts_with(prefix))
            .map(|(_, t)| t)
            .sum::<u64>()
            - cpu_start
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(_, t)| t)
                .sum::<u64>();
        used as f64 / ticks_per_sec() / secs * 100.0
    };
    println!(
        "media relay: {} streams x {} fps x {} bytes for {:.0} s (release: {})",
        args.streams,
        args.fps,
        args.bytes,
        secs,
        !cfg!(debug_assertions)
    );
    println!(
        "  updates sent {sent}, delivered {} ({:.1}%), {:.1} updates/s, {:.1} MB/s relayed",
        tally.delivered,
        tally.delivered as f64 / sent.max(1) as f64 * 100.0,
        tally.delivered as f64 / secs,
        tally.delivered_bytes as f64 / secs / 1e6
    );
    println!(
        "  send → receive latency: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        latencies.last().copied().unwrap_or(0) as f64 / 1000.0,
        latencies.len()
    );
    println!(
        "  CPU (% of one core): server {:.1} ({} worker thread(s)), clients {:.1}",
        cpu("srv"),
        args.server_threads,
        cpu("cli")
    );
}

/// Sends an update every `period` from `first` until `end`; the updates sent in
/// `[measure_from, end)`. Acks and refresh requests are read and dropped.
async fn publish(
    publisher: MediaClient,
    bytes: usize,
    period: Duration,
    first: Instant,
    measure_from: Instant,
    end: Instant,
) -> u64 {
    let (mut sink, mut source) = publisher.socket.split();
    tokio::spawn(async move { while let Some(Ok(_)) = source.next().await {} });
    let mut frame = encode_media(&update(1, bytes)).expect("update encodes");
    let mut ticker = tokio::time::interval_at(first.into(), period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sent = 0;
    for seq in 1.. {
        let tick = ticker.tick().await;
        if tick.into_std() >= end {
            break;
        }
        // seq at offset 8, captured_micros at 16 (PROTOCOL.md §11): patched, not re-encoded.
        frame[8..16].copy_from_slice(&(seq as u64).to_le_bytes());
        frame[16..24].copy_from_slice(&now_micros().to_le_bytes());
        if sink
            .send(Message::Binary(frame.clone().into()))
            .await
            .is_err()
        {
            break;
        }
        if tick.into_std() >= measure_from {
            sent += 1;
        }
    }
    let _ = sink.close().await;
    sent
}

/// Receives updates, notes their latency after `measure_from`, and acknowledges each.
async fn view(viewer: MediaClient, tally: Arc<Mutex<Tally>>, measure_from: Instant) {
    let (mut sink, mut source) = viewer.socket.split();
    while let Some(Ok(message)) = source.next().await {
        let Message::Binary(bytes) = message else {
            continue;
        };
        let received = now_micros();
        if bytes.len() < 24 {
            continue;
        }
        let seq = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let captured = u64::from_le_bytes(bytes[16..24].try_into().expect("8 bytes"));
        if Instant::now() >= measure_from {
            let mut tally = tally.lock().expect("tally");
            tally
                .latencies_micros
                .push(received.saturating_sub(captured));
            tally.delivered += 1;
            tally.delivered_bytes += bytes.len() as u64;
        }
        let ack = encode_media(&MediaFrame::Ack { seq }).expect("ack encodes");
        if sink.send(Message::Binary(ack.into())).await.is_err() {
            break;
        }
    }
}

/// CPU time (user + system, in clock ticks) of each of this process's threads, by name.
fn cpu_by_thread() -> Vec<(String, u64)> {
    let mut threads = Vec::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return threads;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ..." — comm may hold spaces; fields after ')' are fixed.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
        let utime = fields
            .get(11)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0);
        let stime = fields
            .get(12)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0);
        threads.push((name, utime + stime));
    }
    threads
}

fn ticks_per_sec() -> f64 {
    // USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) needs libc).
    100.0
}
