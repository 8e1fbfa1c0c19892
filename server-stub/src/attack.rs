//! `switchboard-server attack`: measures what an attack does to everyone else. It starts a
//! real server process (this binary, or `--server-bin` — an older build, to compare), keeps
//! a well-behaved rep and customer chatting from 127.0.0.1, measures the customer's chat
//! round trip (send → `ok`) unloaded, then again while one attack runs from other loopback
//! addresses (127.0.0.2 and up), and prints both, with the server's memory and database
//! size. Each attack is bounded in time and count; every address is on this machine.

use crate::child_server::ListeningLine;
use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    CustomerHello, CustomerInfo, CustomerRequest, CustomerServerMessage, LoginRequest,
    LoginResponse, PROTOCOL_VERSION, RepHello, RepRequest, RepServerMessage, RequestId, Route,
    SessionId,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Clone, clap::Args)]
pub struct AttackArgs {
    /// uploads, chat, login, slowloris, sessions, or all.
    #[arg(long, default_value = "all")]
    pub kind: String,
    /// The server binary to attack (default: this one).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Length of each attack, in seconds.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
}

const KINDS: &[&str] = &["uploads", "chat", "login", "slowloris", "sessions"];
/// The probe's pace: under the default chat rate (5/s), so the probe itself is never limited.
const PROBE_EVERY: Duration = Duration::from_millis(250);

type Ws = WebSocketStream<TcpStream>;

pub async fn run(args: AttackArgs) -> anyhow::Result<()> {
    let kinds: Vec<&str> = if args.kind == "all" {
        KINDS.to_vec()
    } else {
        anyhow::ensure!(
            KINDS.contains(&args.kind.as_str()),
            "unknown attack {}",
            args.kind
        );
        vec![args.kind.as_str()]
    };
    for kind in kinds {
        let server = ServerProcess::start(args.server_bin.clone()).await?;
        let result = attack_once(kind, &server, Duration::from_secs(args.seconds)).await;
        drop(server);
        result?;
    }
    Ok(())
}

async fn attack_once(kind: &str, server: &ServerProcess, length: Duration) -> anyhow::Result<()> {
    let addr = server.addr;
    let (mut probe, session_id) = Probe::start(addr).await?;
    let unloaded = probe.measure(length).await?;
    let rss_before = server.rss_kib();
    let db_before = server.db_bytes();
    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(Counts::default());
    let attack = tokio::spawn(attacker(
        kind.to_owned(),
        addr,
        session_id,
        stop.clone(),
        counts.clone(),
    ));
    let loaded = probe.measure(length).await?;
    let rss_peak = server.rss_kib();
    stop.store(true, Ordering::Relaxed);
    let _ = tokio::time::timeout(Duration::from_secs(30), attack).await;
    println!(
        "{kind:>9}: round trip unloaded p50 {:>8.2} ms max {:>8.2} ms | under attack p50 {:>8.2} ms p99 {:>8.2} ms max {:>8.2} ms ({} of {} probes answered) | attack: {} requests, {} refused | server RSS {} -> {} KiB, database {} -> {} KiB",
        ms(percentile(&unloaded, 50)),
        ms(percentile(&unloaded, 100)),
        ms(percentile(&loaded, 50)),
        ms(percentile(&loaded, 99)),
        ms(percentile(&loaded, 100)),
        loaded.iter().filter(|d| d.is_some()).count(),
        loaded.len(),
        counts.sent.load(Ordering::Relaxed),
        counts.refused.load(Ordering::Relaxed),
        rss_before,
        rss_peak,
        db_before / 1024,
        server.db_bytes() / 1024,
    );
    Ok(())
}

fn ms(d: Option<Duration>) -> f64 {
    d.map_or(f64::INFINITY, |d| d.as_secs_f64() * 1000.0)
}

/// The `p`th percentile of the answered probes (`None` counts as infinitely slow).
fn percentile(times: &[Option<Duration>], p: usize) -> Option<Duration> {
    let mut sorted: Vec<Duration> = times.iter().map(|t| t.unwrap_or(Duration::MAX)).collect();
    sorted.sort();
    let index = ((sorted.len() * p).div_ceil(100)).saturating_sub(1);
    sorted.get(index).copied().filter(|d| *d != Duration::MAX)
}

#[derive(Default)]
struct Counts {
    sent: AtomicU64,
    refused: AtomicU64,
}

/// The server under attack, as its own process.
struct ServerProcess {
    child: std::process::Child,
    addr: SocketAddr,
    dir: PathBuf,
}

/// A small configuration every server version reads: one team, the probe's rep (`probe`)
/// and a rep to guess at (`bob`, a real argon2id hash with the default parameters).
fn config_toml() -> anyhow::Result<String> {
    let bob = crate::config::hash_password("bob-password").map_err(|e| anyhow::anyhow!(e))?;
    let probe = crate::config::hash_password("probe").map_err(|e| anyhow::anyhow!(e))?;
    Ok(format!(
        "[[teams]]\nid = \"t\"\nname = \"T\"\n\n\
         [[reps]]\nid = \"probe\"\nname = \"Probe\"\npassword_hash = \"{probe}\"\nteams = [\"t\"]\ngeneral_queue = true\nmax_sessions = 100\n\n\
         [[reps]]\nid = \"bob\"\nname = \"Bob\"\npassword_hash = \"{bob}\"\nteams = [\"t\"]\n"
    ))
}

impl ServerProcess {
    async fn start(bin: Option<PathBuf>) -> anyhow::Result<ServerProcess> {
        let dir = std::env::temp_dir().join(format!(
            "switchboard-attack-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir)?;
        let config = dir.join("attack.toml");
        std::fs::write(&config, config_toml()?)?;
        let bin = match bin {
            Some(bin) => bin,
            None => std::env::current_exe()?,
        };
        let mut child = std::process::Command::new(bin)
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(dir.join("attack.db"))
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("starting the server process")?;
        let addr = ListeningLine::read_from(&mut child)?
            .address(crate::child_server::START_LIMIT)
            .await;
        match addr {
            Ok(addr) => Ok(ServerProcess { child, addr, dir }),
            Err(error) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(error.into())
            }
        }
    }

    fn rss_kib(&self) -> u64 {
        crate::bench_proc::rss_kib(self.child.id()).unwrap_or(0)
    }

    /// The database files' size, every file of the server's data folder included.
    fn db_bytes(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().contains(".db"))
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A TCP connection to `server` from the local address `from` (the abuse tests use it too).
pub async fn tcp_from(from: IpAddr, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(server).await
}

/// The `n`th attacker address: 127.0.0.2 and up.
fn attacker_address(n: u32) -> IpAddr {
    let n = n % 60_000;
    IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        0,
        (n / 250) as u8 + 1,
        (n % 250) as u8 + 2,
    ))
}

async fn send_json<T: serde::Serialize>(ws: &mut Ws, value: &T) -> anyhow::Result<()> {
    ws.send(Message::Text(serde_json::to_string(value)?.into()))
        .await?;
    Ok(())
}

async fn next_json<T: serde::de::DeserializeOwned>(ws: &mut Ws) -> anyhow::Result<T> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await? {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text)?),
            Some(Ok(_)) => continue,
            other => anyhow::bail!("socket ended: {other:?}"),
        }
    }
}

/// A customer socket from `from` with its `session_started` (or refusal), within 10 s
/// (the abuse tests use it too).
pub async fn customer(
    from: IpAddr,
    addr: SocketAddr,
    name: &str,
) -> anyhow::Result<(Ws, CustomerServerMessage)> {
    let stream = tcp_from(from, addr).await?;
    let (mut ws, _) =
        tokio_tungstenite::client_async(format!("ws://{addr}/ws/customer"), stream).await?;
    let hello = CustomerHello::Start {
        protocol_version: PROTOCOL_VERSION,
        client: switchboard_protocol::ClientKind::Web,
        customer: CustomerInfo {
            name: name.into(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::General,
    };
    send_json(&mut ws, &hello).await?;
    let answer = next_json(&mut ws).await?;
    Ok((ws, answer))
}

/// The well-behaved pair: a rep who accepted the customer, and the customer who chats.
struct Probe {
    customer: Ws,
    _rep: tokio::task::JoinHandle<()>,
    next_id: u64,
}

impl Probe {
    async fn start(addr: SocketAddr) -> anyhow::Result<(Probe, SessionId)> {
        let local: IpAddr = [127, 0, 0, 1].into();
        let (customer, started) = customer(local, addr, "Probe customer").await?;
        let CustomerServerMessage::SessionStarted { session_id, .. } = started else {
            anyhow::bail!("the probe customer was refused: {started:?}");
        };
        let login: LoginResponse = reqwest::Client::new()
            .post(format!("http://{addr}/api/login"))
            .json(&LoginRequest {
                username: "probe".into(),
                password: "probe".into(),
            })
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let stream = TcpStream::connect(addr).await?;
        let (mut rep, _) =
            tokio_tungstenite::client_async(format!("ws://{addr}/ws/rep"), stream).await?;
        let hello = RepHello::Hello {
            protocol_version: PROTOCOL_VERSION,
            token: login.token,
            resume: None,
        };
        send_json(&mut rep, &hello).await?;
        let accept = encode_with_id(RequestId(1), &RepRequest::Accept { session_id });
        rep.send(Message::Text(accept.into())).await?;
        loop {
            if let RepServerMessage::Ok {
                id: RequestId(1), ..
            } = next_json(&mut rep).await?
            {
                break;
            }
        }
        // The rep keeps reading (and so answering pings) for the whole run.
        let rep = tokio::spawn(async move { while let Some(Ok(_)) = rep.next().await {} });
        Ok((
            Probe {
                customer,
                _rep: rep,
                next_id: 1,
            },
            session_id,
        ))
    }

    /// Chats for `length`, one message every [`PROBE_EVERY`]; each round trip, or `None`
    /// for one that took more than five seconds.
    async fn measure(&mut self, length: Duration) -> anyhow::Result<Vec<Option<Duration>>> {
        let until = Instant::now() + length;
        let mut times = Vec::new();
        while Instant::now() < until {
            let paced = tokio::time::sleep(PROBE_EVERY);
            self.next_id += 1;
            let id = RequestId(self.next_id);
            let request = CustomerRequest::Chat {
                client_msg_id: format!("probe-{}", self.next_id),
                text: "Still there?".into(),
            };
            let started = Instant::now();
            self.customer
                .send(Message::Text(encode_with_id(id, &request).into()))
                .await?;
            let answered = tokio::time::timeout(Duration::from_secs(5), async {
                loop {
                    match next_json::<CustomerServerMessage>(&mut self.customer).await {
                        Ok(CustomerServerMessage::Ok { id: got, .. }) if got == id => return true,
                        Ok(CustomerServerMessage::Error { id: Some(got), .. }) if got == id => {
                            return true;
                        }
                        Ok(_) => continue,
                        Err(_) => return false,
                    }
                }
            })
            .await;
            times.push(matches!(answered, Ok(true)).then(|| started.elapsed()));
            paced.await;
        }
        Ok(times)
    }
}

/// Runs attack `kind` until `stop`.
async fn attacker(
    kind: String,
    addr: SocketAddr,
    session_id: SessionId,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
) {
    let tasks: Vec<tokio::task::JoinHandle<()>> = match kind.as_str() {
        "uploads" => (0..8)
            .map(|n| {
                tokio::spawn(uploads(
                    addr,
                    session_id,
                    attacker_address(n),
                    stop.clone(),
                    counts.clone(),
                ))
            })
            .collect(),
        "chat" => vec![tokio::spawn(chat_flood(addr, stop.clone(), counts.clone()))],
        "login" => vec![tokio::spawn(login_bursts(
            addr,
            stop.clone(),
            counts.clone(),
        ))],
        "slowloris" => vec![tokio::spawn(slowloris(addr, stop.clone(), counts.clone()))],
        "sessions" => (0..40)
            .map(|n| {
                tokio::spawn(session_flood(
                    addr,
                    attacker_address(n),
                    stop.clone(),
                    counts.clone(),
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    for task in tasks {
        let _ = task.await;
    }
}

/// Item 1: uploads with a made-up customer token, 10 MiB each, back to back.
async fn uploads(
    addr: SocketAddr,
    session_id: SessionId,
    from: IpAddr,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
) {
    let Ok(client) = reqwest::Client::builder().local_address(from).build() else {
        return;
    };
    let body = vec![b'a'; 10 * 1024 * 1024];
    while !stop.load(Ordering::Relaxed) {
        counts.sent.fetch_add(1, Ordering::Relaxed);
        let answer = client
            .post(format!(
                "http://{addr}/api/sessions/{}/files?name=a.txt",
                session_id.0
            ))
            .header("authorization", "Customer not-a-real-token")
            .body(body.clone())
            .send()
            .await;
        if answer.map_or(true, |a| !a.status().is_success()) {
            counts.refused.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Item 2: one customer sending 4,000-character messages as fast as the socket takes them.
async fn chat_flood(addr: SocketAddr, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let Ok((ws, _)) = customer(attacker_address(0), addr, "Flood").await else {
        return;
    };
    let (mut write, mut read) = ws.split();
    let refused = counts.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(Message::Text(text))) = read.next().await {
            if text.contains("\"error\"") {
                refused.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let text = "\u{7}".repeat(4000);
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let request = CustomerRequest::Chat {
            client_msg_id: format!("f{n}"),
            text: text.clone(),
        };
        if write
            .send(Message::Text(encode_with_id(RequestId(n), &request).into()))
            .await
            .is_err()
        {
            break;
        }
        counts.sent.fetch_add(1, Ordering::Relaxed);
    }
    reader.abort();
}

/// Item 3: bursts of 60 simultaneous logins for one user from one address.
async fn login_bursts(addr: SocketAddr, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let Ok(client) = reqwest::Client::builder()
        .local_address(attacker_address(0))
        .build()
    else {
        return;
    };
    while !stop.load(Ordering::Relaxed) {
        let burst = (0..60).map(|_| {
            client
                .post(format!("http://{addr}/api/login"))
                .json(&LoginRequest {
                    username: "bob".into(),
                    password: "guess".into(),
                })
                .send()
        });
        for answer in futures_util::future::join_all(burst).await {
            counts.sent.fetch_add(1, Ordering::Relaxed);
            if answer.map_or(true, |a| a.status().as_u16() != 401) {
                counts.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Item 4: 800 connections that send half a request and wait.
async fn slowloris(addr: SocketAddr, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let mut held = Vec::new();
    for n in 0..800u32 {
        counts.sent.fetch_add(1, Ordering::Relaxed);
        match tcp_from(attacker_address(n / 200), addr).await {
            Ok(mut stream) => {
                let _ = stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    .await;
                held.push(stream);
            }
            Err(_) => {
                counts.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(held);
}

/// Item 6: new sessions as fast as one address can open them.
async fn session_flood(addr: SocketAddr, from: IpAddr, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let mut held = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        counts.sent.fetch_add(1, Ordering::Relaxed);
        match customer(from, addr, "Bot").await {
            Ok((ws, CustomerServerMessage::SessionStarted { .. })) => held.push(ws),
            _ => {
                counts.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
