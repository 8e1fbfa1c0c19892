//! `switchboard-server bench`: prints measured figures. The router's commands per second in
//! process, then a load run on loopback against a real server process: N reps and M
//! customers connected, chat messages per second, delivery latency from the customer's
//! send to the rep's receipt (p50/p99), and the server's memory per idle connection.

use crate::bench_proc::{Cpu, rss_kib};
use crate::bench_sockets::{Socket, connect, enough_files};
use crate::child_server::ListeningLine;
use crate::config::Config;
use crate::router::{Input, Router};
use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    CustomerHello, CustomerInfo, CustomerRequest, CustomerServerMessage, LoginRequest,
    LoginResponse, PROTOCOL_VERSION, RepHello, RepId, RepRequest, RequestId, Route, SessionId,
    Visibility,
};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// What to measure.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Reps connected in the load run.
    #[arg(long, default_value_t = 1000)]
    pub reps: usize,
    /// Customers connected in the load run (each in a session with a rep).
    #[arg(long, default_value_t = 10_000)]
    pub customers: usize,
    /// Chat messages per second sent by all customers together.
    #[arg(long, default_value_t = 20_000)]
    pub rate: u64,
    /// Length of the chat phase, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Router commands for the in-process measurement.
    #[arg(long, default_value_t = 200_000)]
    pub router_commands: usize,
    /// Skip the load run (router only).
    #[arg(long)]
    pub router_only: bool,
    /// The server's commit durability in the load run: `normal` or `full` (an fsync per
    /// commit batch), to compare what `--durability full` costs.
    #[arg(long, default_value = "normal", value_parser = ["normal", "full"])]
    pub durability: String,
    /// Write the bench's configuration (for `--reps`) to this file and stop: to start a
    /// server yourself (under a profiler, say) and load it with `--external`.
    #[arg(long)]
    pub write_config: Option<std::path::PathBuf>,
    /// Load a server already running at this address (started with `--write-config`'s
    /// file) instead of starting one.
    #[arg(long)]
    pub external: Option<SocketAddr>,
    /// With `--external`: the server's process id, for its CPU time and memory.
    #[arg(long)]
    pub pid: Option<u32>,
    /// Only the team leads' dashboard run (bench_dashboard.rs): 10 teams x 100 reps x
    /// 1,000 sessions in process with a fixed clock.
    #[arg(long)]
    pub dashboard: bool,
    /// The load run's store: PostgreSQL when set (the global `--database`; see
    /// `bench_database.rs`), else a fresh SQLite file.
    #[arg(skip)]
    pub database: Option<String>,
}

/// A configuration with `reps` reps in teams of 50, cheap password hashes (the bench measures routing).
pub(crate) fn bench_config_toml(reps: usize) -> anyhow::Result<String> {
    let hash = cheap_hash()?;
    let teams = reps.div_ceil(50).max(1);
    // Every bench client comes from 127.0.0.1: the per-address limits would see one very
    // busy address, so they are lifted (the bench measures routing, not abuse handling).
    let mut toml = String::from(
        "[server]\ngrace_secs = 60\n\n[limits]\nmax_connections = 200000\nmax_connections_per_address = 200000\n\
         sessions_per_minute_per_address = 10000000\nsession_burst_per_address = 1000000\n\
         max_waiting_per_queue = 1000000\nchat_per_second = 10000\nchat_burst = 10000\n\
         login_user_ceiling = 1000000\nlogin_address_ceiling = 1000000\nlogin_queue = 1000000\n\n",
    );
    for t in 0..teams {
        toml.push_str(&format!(
            "[[teams]]\nid = \"t{t}\"\nname = \"Team {t}\"\n\n"
        ));
    }
    for r in 0..reps {
        toml.push_str(&format!(
            "[[reps]]\nid = \"r{r}\"\nname = \"Rep {r}\"\npassword_hash = \"{hash}\"\nteams = [\"t{}\"]\nmax_sessions = 1000\ngeneral_queue = true\ntransfer = true\n\n",
            r / 50
        ));
    }
    Ok(toml)
}

/// An argon2id hash of "bench" with tiny parameters: the bench measures routing, not logins.
fn cheap_hash() -> anyhow::Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let params = argon2::Params::new(8, 1, 1, None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::encode_b64(b"bench-salt-bytes").map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(argon
        .hash_password(b"bench", &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

/// Runs the benchmark and prints the figures.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    println!(
        "switchboard bench: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    if let Some(path) = &args.write_config {
        std::fs::write(path, bench_config_toml(args.reps)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!(
            "wrote the configuration for {} reps to {}",
            args.reps,
            path.display()
        );
        return Ok(());
    }
    if args.dashboard {
        return crate::bench_dashboard::run(&cheap_hash()?);
    }
    router_bench(&args)?;
    if let Some(addr) = args.external {
        // Another process's figures come from /proc when its id is given; 0 reads nothing.
        return drive_load(&args, addr, args.pid.unwrap_or(0)).await;
    }
    if args.router_only {
        // The router's part of setting up N reps and sessions (issue 11: O(N)); the load
        // run measures the whole server's.
        crate::bench_setup::run(&crate::bench_setup::SIZES)?;
    } else {
        load_bench(&args).await?;
    }
    Ok(())
}

/// The pure router: a mix of customer starts, accepts, chats and ticks.
fn router_bench(args: &BenchArgs) -> anyhow::Result<()> {
    let config = Arc::new(Config::from_toml(&bench_config_toml(100)?)?);
    let mut router = Router::new(config.clone(), 1);
    let reps: Vec<RepId> = config.reps.keys().cloned().collect();
    for rep in &reps {
        let _ = router.handle(0, Input::RepConnected { rep: rep.clone() });
    }
    let started = Instant::now();
    let mut commands = 0usize;
    let mut now = 1_000u64;
    let mut session = 0u64;
    while commands < args.router_commands {
        // One session's life: start, accept, 8 chat messages, close.
        let rep = &reps[(session as usize) % reps.len()];
        let id = crate::bench_ticks::start_session(&mut router, now, session, rep)?;
        let _ = router.handle(
            now,
            Input::Rep {
                rep: rep.clone(),
                request: RepRequest::Accept { session_id: id },
            },
        );
        for m in 0..8 {
            let input = if m % 2 == 0 {
                Input::Customer {
                    session_id: id,
                    request: CustomerRequest::Chat {
                        client_msg_id: format!("c{m}"),
                        text: "Hello there".into(),
                    },
                }
            } else {
                Input::Rep {
                    rep: rep.clone(),
                    request: RepRequest::SendChat {
                        session_id: id,
                        client_msg_id: format!("r{m}"),
                        text: "Hi, how can I help?".into(),
                        visibility: Visibility::Public,
                    },
                }
            };
            let _ = router.handle(now, input);
        }
        let _ = router.handle(
            now,
            Input::Rep {
                rep: rep.clone(),
                request: RepRequest::SetDisposition {
                    session_id: id,
                    disposition: "Resolved".into(),
                },
            },
        );
        let _ = router.handle(
            now,
            Input::Rep {
                rep: rep.clone(),
                request: RepRequest::Close {
                    session_id: id,
                    mode: switchboard_protocol::CloseMode::End,
                },
            },
        );
        let _ = router.handle(now, Input::Tick);
        commands += 13;
        session += 1;
        now += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "router (in process): {commands} commands in {secs:.2} s = {:.0} commands/s ({session} sessions: start, accept, 8 chats, disposition, close, tick)",
        commands as f64 / secs
    );
    crate::bench_ticks::run(&[1_000, 10_000])
}

/// Microseconds since the bench started: the clock both ends of a delivery share.
fn micros(epoch: Instant) -> u64 {
    epoch.elapsed().as_micros() as u64
}

async fn load_bench(args: &BenchArgs) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("switchboard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let config_path = dir.join("bench.toml");
    std::fs::write(&config_path, bench_config_toml(args.reps)?)?;
    let exe = std::env::current_exe()?;
    let postgres = match &args.database {
        Some(url) => Some(crate::bench_database::BenchDatabase::create(url).await?),
        None => None,
    };
    let mut server = std::process::Command::new(exe);
    server
        .arg("--config")
        .arg(&config_path)
        .arg("--db")
        .arg(dir.join("bench.db"))
        .args(["--listen", "127.0.0.1:0", "--durability", &args.durability])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped());
    if let Some(database) = &postgres {
        server.arg("--database").arg(&database.url);
    }
    println!(
        "load run's store: {}",
        if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    // Whatever fails from here, the child, the database and the folder go below.
    let mut child = None;
    let result = async {
        let child = child.insert(server.spawn().context("starting the server process")?);
        let pid = child.id();
        let addr = ListeningLine::read_from(child)?
            .address(crate::child_server::START_LIMIT)
            .await?;
        if postgres.is_some() {
            crate::bench_database::until_active(addr).await?;
        }
        drive_load(args, addr, pid).await
    }
    .await;
    if let Some(mut child) = child {
        let _ = child.kill();
        let _ = child.wait();
    }
    if let Some(database) = postgres {
        database.drop_database().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

struct RepTask {
    commands: mpsc::UnboundedSender<RepRequest>,
}

async fn drive_load(args: &BenchArgs, addr: SocketAddr, pid: u32) -> anyhow::Result<()> {
    enough_files(std::process::id(), args)?;
    enough_files(pid, args)?;
    let rss_start = rss_kib(pid).unwrap_or(0);
    let server_before_setup = Cpu::of(pid);
    let loader_before_setup = Cpu::of(std::process::id());
    let epoch = Instant::now();
    let http = reqwest::Client::new();
    let deliveries = Arc::new(AtomicU64::new(0));
    let (latency_tx, mut latency_rx) = mpsc::unbounded_channel::<Vec<u32>>();
    let (joined_tx, mut joined_rx) = mpsc::unbounded_channel::<()>();
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));

    // Reps: log in, connect, then accept what the controller tells them to.
    let connect_started = Instant::now();
    let mut reps = Vec::with_capacity(args.reps);
    for r in 0..args.reps {
        let login: LoginResponse = http
            .post(format!("http://{addr}/api/login"))
            .json(&LoginRequest {
                username: format!("r{r}"),
                password: "bench".into(),
            })
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let (socket, _) = connect(addr, "/ws/rep", r).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(rep_task(
            socket,
            login.token,
            rx,
            deliveries.clone(),
            latency_tx.clone(),
            joined_tx.clone(),
            measuring.clone(),
            epoch,
        ));
        reps.push(RepTask { commands: tx });
    }
    drop(latency_tx);
    drop(joined_tx);

    // Customers: each starts a session in a rep's personal queue, then its task reads its
    // socket until the chat phase: a socket left unread through a long setup answers none
    // of the server's pings and is closed as idle (90 s) before it sends anything.
    let mut sessions: Vec<(usize, SessionId)> = Vec::with_capacity(args.customers);
    let (chat_phase_tx, chat_phase) = tokio::sync::watch::channel(None::<ChatPhase>);
    let sent = Arc::new(AtomicU64::new(0));
    let mut customer_tasks = Vec::with_capacity(args.customers);
    for c in 0..args.customers {
        let (mut socket, _) = connect(addr, "/ws/customer", args.reps + c).await?;
        let rep = c % args.reps.max(1);
        let hello = CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            client: switchboard_protocol::ClientKind::Web,
            customer: CustomerInfo {
                name: format!("Customer {c}"),
                company: None,
                question: None,
                contact: None,
            },
            route: Route::Rep {
                rep: RepId::new(format!("r{rep}")),
            },
        };
        socket
            .send(Message::Text(serde_json::to_string(&hello)?.into()))
            .await?;
        let session_id = loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    if let Ok(CustomerServerMessage::SessionStarted { session_id, .. }) =
                        serde_json::from_str(&text)
                    {
                        break session_id;
                    }
                }
                Some(Ok(_)) => continue,
                _ => anyhow::bail!("customer {c} could not start a session"),
            }
        };
        sessions.push((rep, session_id));
        customer_tasks.push(tokio::spawn(customer_task(
            socket,
            chat_phase.clone(),
            c as f64 / args.customers.max(1) as f64,
            sent.clone(),
            epoch,
        )));
    }
    drop(chat_phase);
    for (rep, session_id) in &sessions {
        let _ = reps[*rep].commands.send(RepRequest::Accept {
            session_id: *session_id,
        });
    }
    for _ in 0..sessions.len() {
        tokio::time::timeout(Duration::from_secs(120), joined_rx.recv())
            .await
            .context("accepting every session took over 2 minutes")?;
    }
    let connected = args.reps + args.customers;
    let setup_secs = connect_started.elapsed().as_secs_f64();
    let server_setup = Cpu::of(pid).since(server_before_setup);
    let (setup_cpu, setup_kernel) = (server_setup.total(), server_setup.system);
    let loader_setup = Cpu::of(std::process::id())
        .since(loader_before_setup)
        .total();
    // Let the server settle, then read its memory with every connection idle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_kib(pid).unwrap_or(0);
    println!(
        "load: {} reps + {} customers connected, {} sessions accepted in {setup_secs:.1} s",
        args.reps,
        args.customers,
        sessions.len()
    );
    // Setting up must cost O(N): the server CPU per rep and session should not grow with N.
    let per_session = |secs: f64| secs * 1e6 / sessions.len().max(1) as f64;
    println!(
        "setup: {:.2} s of server CPU = {:.0} us per rep with a session ({} reps, {} sessions); in the kernel: {:.0} us; load generator: {:.0} us",
        setup_cpu,
        per_session(setup_cpu),
        args.reps,
        sessions.len(),
        per_session(setup_kernel),
        per_session(loader_setup)
    );
    println!(
        "server RSS: {} MiB at start, {} MiB with all connected and idle = {:.1} KiB per connection",
        rss_start / 1024,
        rss_idle / 1024,
        (rss_idle.saturating_sub(rss_start)) as f64 / connected.max(1) as f64
    );

    // Chat phase: every customer sends at an even share of the rate.
    measuring.store(true, Ordering::SeqCst);
    let server_before_chat = Cpu::of(pid);
    let loader_before_chat = Cpu::of(std::process::id());
    let begins = Instant::now();
    // Sending fails only when every customer task has already ended (each is counted below).
    let _ = chat_phase_tx.send(Some(ChatPhase {
        interval: Duration::from_secs_f64(args.customers as f64 / args.rate.max(1) as f64),
        begins,
        stop_at: begins + Duration::from_secs(args.seconds),
    }));
    for task in customer_tasks {
        let _ = task.await;
    }
    // Give the last messages a moment to arrive, then stop counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    measuring.store(false, Ordering::SeqCst);
    let server_chat = Cpu::of(pid).since(server_before_chat);
    let (server_cpu, server_kernel) = (server_chat.total(), server_chat.system);
    let loader_cpu = Cpu::of(std::process::id())
        .since(loader_before_chat)
        .total();
    let chat_secs = args.seconds as f64;
    let rss_busy = rss_kib(pid).unwrap_or(0);
    drop(reps);
    let mut latencies: Vec<u32> = Vec::new();
    while let Some(batch) = latency_rx.recv().await {
        latencies.extend(batch);
    }
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i] as f64 / 1000.0
    };
    let delivered = deliveries.load(Ordering::SeqCst);
    println!(
        "chat: {} messages sent in {chat_secs:.0} s at a target of {}/s; {} delivered to reps = {:.0} deliveries/s",
        sent.load(Ordering::SeqCst),
        args.rate,
        delivered,
        delivered as f64 / chat_secs.max(0.001),
    );
    println!(
        "latency customer send -> rep receive: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (each message durable in the store before delivery)",
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "server CPU in the chat phase: {server_cpu:.1} s = {:.0} us per delivered message (the load generator shares the same cores); in the kernel: {:.0} us",
        server_cpu * 1e6 / delivered.max(1) as f64,
        server_kernel * 1e6 / delivered.max(1) as f64
    );
    println!(
        "load generator CPU in the chat phase: {loader_cpu:.1} s = {:.0}% of a core (its clients' sockets and JSON, on the same cores as the server)",
        loader_cpu * 100.0 / (chat_secs + 0.5)
    );
    println!("server RSS after the chat phase: {} MiB", rss_busy / 1024);
    Ok(())
}

/// The send time in a bench chat event (`"text":"t:<micros>"`), found without parsing all the JSON.
fn sent_micros(frame: &str) -> Option<u64> {
    let marker = "\"text\":\"t:";
    let start = frame.find(marker)? + marker.len();
    let digits = &frame[start..];
    let end = digits.find('"')?;
    digits[..end].parse().ok()
}

#[allow(clippy::too_many_arguments)]
async fn rep_task(
    mut socket: Socket,
    token: String,
    mut commands: mpsc::UnboundedReceiver<RepRequest>,
    deliveries: Arc<AtomicU64>,
    latency_tx: mpsc::UnboundedSender<Vec<u32>>,
    joined_tx: mpsc::UnboundedSender<()>,
    measuring: Arc<std::sync::atomic::AtomicBool>,
    epoch: Instant,
) {
    let hello = RepHello::Hello {
        protocol_version: PROTOCOL_VERSION,
        token,
        resume: None,
    };
    let Ok(text) = serde_json::to_string(&hello) else {
        return;
    };
    if socket.send(Message::Text(text.into())).await.is_err() {
        return;
    }
    let mut latencies = Vec::new();
    let mut next_id = 1u64;
    loop {
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { break };
                let frame = encode_with_id(RequestId(next_id), &command);
                next_id += 1;
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    break;
                }
            }
            frame = socket.next() => {
                let Some(Ok(Message::Text(text))) = frame else {
                    if frame.is_none() { break } else { continue }
                };
                // Only two kinds of frames matter here; skip full JSON parsing for the rest.
                if text.contains("\"type\":\"session_joined\"") {
                    let _ = joined_tx.send(());
                } else if measuring.load(Ordering::Relaxed)
                    && text.contains("\"type\":\"chat\"")
                    && let Some(sent) = sent_micros(&text)
                {
                    deliveries.fetch_add(1, Ordering::Relaxed);
                    latencies.push(micros(epoch).saturating_sub(sent).min(u32::MAX as u64) as u32);
                }
            }
        }
    }
    let _ = latency_tx.send(latencies);
}

/// When the chat phase runs and how often each customer sends in it.
#[derive(Debug, Clone, Copy)]
struct ChatPhase {
    /// Between two messages of one customer.
    interval: Duration,
    begins: Instant,
    stop_at: Instant,
}

/// Waits for the chat phase, reading the socket meanwhile (so pings are answered), then
/// sends at the phase's interval, starting at `share` (0..1) of one interval in.
async fn customer_task(
    mut socket: Socket,
    mut chat_phase: tokio::sync::watch::Receiver<Option<ChatPhase>>,
    share: f64,
    sent: Arc<AtomicU64>,
    epoch: Instant,
) {
    let phase = loop {
        if let Some(phase) = *chat_phase.borrow_and_update() {
            break phase;
        }
        tokio::select! {
            changed = chat_phase.changed() => if changed.is_err() { return },
            frame = socket.next() => if frame.is_none() { return },
        }
    };
    let ChatPhase {
        interval,
        begins,
        stop_at,
    } = phase;
    // A customer whose first turn falls after the chat phase sends nothing (at low rates
    // the offsets spread over more than the phase, and waiting them out would count the
    // server's idle time as the messages' cost).
    let Some(first) = begins
        .checked_add(interval.mul_f64(share))
        .filter(|at| *at < stop_at)
    else {
        return;
    };
    tokio::time::sleep_until(first.into()).await;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next_id = 1u64;
    let phase_over = tokio::time::sleep_until(stop_at.into());
    tokio::pin!(phase_over);
    loop {
        tokio::select! {
            // At low rates a customer's next turn can lie far past the phase's end.
            _ = &mut phase_over => break,
            _ = ticker.tick() => {
                if Instant::now() >= stop_at {
                    break;
                }
                let request = CustomerRequest::Chat { client_msg_id: format!("b{next_id}"), text: format!("t:{}", micros(epoch)) };
                let frame = encode_with_id(RequestId(next_id), &request);
                next_id += 1;
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    break;
                }
                sent.fetch_add(1, Ordering::Relaxed);
            }
            // Read the acknowledgements so the server never sees a slow reader.
            frame = socket.next() => {
                if frame.is_none() {
                    break;
                }
            }
        }
    }
}
