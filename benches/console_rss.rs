//! The console's memory (issue 16's figure): the resident set of the console process alone
//! (its own process; the server runs in this driver process, not in the console's), logged
//! in (a) with nothing open and (b) with 20 sessions open, each with 500 messages, every tab
//! drawn at least once. Target: (b) under 150 MB.
//!
//!   cargo bench -p switchboard --bench console_rss            # needs a display (Xvfb is fine)
//!
//! The driver starts the real server (the kit's test configuration, with Alice allowed 25
//! sessions, a 10-minute grace, and snapshots carrying 500 messages), has 20 customers
//! start sessions that Alice accepts, and 250 lines from each side in every one. Then it runs
//! this same executable again as the console (`CONSOLE_RSS_CHILD`): the real
//! `SwitchboardApp` in a real eframe window, logged in. The child prints `ready` once its
//! model holds what was asked and each session's tab has been drawn; the driver then reads
//! `VmRSS` and `VmHWM` from `/proc/<pid>/status` for a few seconds and prints the figures.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard::{AppOptions, SwitchboardApp};
use switchboard_protocol::{RepId, RepRequest, Route, SessionId, Visibility};
use switchboard_server::config::Config;
use switchboard_testkit::config::TEST_CONFIG;
use switchboard_testkit::rep::joined;
use switchboard_testkit::{
    CustomerClient, RepClient, ServerThread, login, personal, unique_client_id,
};

const SESSIONS: usize = 20;
const MESSAGES_PER_SESSION: usize = 500;
/// How long the child has to log in, load and draw everything.
const READY_LIMIT: Duration = Duration::from_secs(180);
/// How long the driver watches the resident set once the child is ready.
const SAMPLE_FOR: Duration = Duration::from_secs(4);
/// Frames each session's tab stays in front (its chat laid out and drawn).
const FRAMES_PER_TAB: u32 = 3;

fn config() -> Arc<Config> {
    let text = TEST_CONFIG
        .replacen("grace_secs = 1\n", "grace_secs = 600\n", 1)
        .replacen("max_sessions = 3\n", "max_sessions = 25\n", 1)
        .replacen("[limits]\n", "[limits]\nsnapshot_chat_messages = 500\n", 1);
    Arc::new(Config::from_toml(&text).expect("the bench's configuration"))
}

/// Twenty sessions of Alice's with 500 messages each (half the customer's, half hers).
fn fill(server: &ServerThread) {
    server.block_on(async {
        let addr = server.addr();
        let token = login(addr, "alice", "alice-pw").await;
        let mut alice = RepClient::connect(addr, &token, None).await;
        let mut customers = Vec::new();
        for n in 0..SESSIONS {
            let name = format!("Customer {n:02}");
            let to_alice = Route::Rep {
                rep: RepId::from("alice"),
            };
            let mut customer = CustomerClient::start(addr, &name, to_alice).await;
            let session_id = customer.session_id;
            alice.entry_in(&personal("alice"), session_id).await;
            alice.ok(RepRequest::Accept { session_id }).await;
            joined(&mut alice, session_id).await;
            for line in 0..MESSAGES_PER_SESSION / 2 {
                customer
                    .say(&format!(
                        "Line {line} from {name}: the printer on the second floor still shows error E-{line:03} after a restart."
                    ))
                    .await;
                alice
                    .ok(RepRequest::SendChat {
                        session_id,
                        client_msg_id: unique_client_id(),
                        text: format!(
                            "Reply {line} to {name}: please open Settings, then Devices, and tell me what the status line says."
                        ),
                        visibility: Visibility::Public,
                    })
                    .await;
            }
            customers.push(customer);
        }
        // The customers stay connected (their sessions live on) for as long as the server runs.
        std::mem::forget(customers);
    });
}

/// What the console (the child) waits for before it says `ready`.
#[derive(Clone, Copy)]
enum Expect {
    /// Logged in, nothing open.
    Idle,
    /// Logged in with the 20 sessions and all their messages.
    Loaded,
}

/// The console under measurement: the real app, which brings each session's tab to the front
/// for a few frames once everything has arrived, then says `ready` and keeps running.
struct Measured {
    app: SwitchboardApp,
    expect: Expect,
    tabs: Vec<SessionId>,
    frame_in_tab: u32,
    said_ready: bool,
    /// When the window drew its first frame, and what was reported so far (the phases).
    started: Instant,
    frames: u64,
    said_logged_in: bool,
    said_loaded: bool,
}

impl Measured {
    fn loaded(&self) -> bool {
        let model = &self.app.model;
        match self.expect {
            Expect::Idle => model.ready,
            Expect::Loaded => {
                model.ready
                    && model.sessions.len() == SESSIONS
                    && model
                        .sessions
                        .values()
                        .all(|s| s.chat.len() >= MESSAGES_PER_SESSION)
            }
        }
    }
}

impl eframe::App for Measured {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.frames += 1;
        let at = self.started.elapsed().as_secs_f64();
        if !self.said_logged_in && self.app.model.ready {
            self.said_logged_in = true;
            println!("phase logged in at {at:.1} s (frame {})", self.frames);
        }
        if !self.said_loaded && self.loaded() {
            self.said_loaded = true;
            println!("phase loaded at {at:.1} s (frame {})", self.frames);
        }
        if !self.said_ready && self.loaded() {
            if self.tabs.is_empty() && self.frame_in_tab == 0 {
                self.tabs = self.app.model.sessions.keys().copied().collect();
                self.frame_in_tab = 1;
            }
            if let Some(front) = self.tabs.first().copied() {
                self.app.show_session(Some(front));
                self.frame_in_tab += 1;
                if self.frame_in_tab > FRAMES_PER_TAB {
                    self.tabs.remove(0);
                    self.frame_in_tab = 1;
                }
            } else {
                self.app.show_session(None);
                self.said_ready = true;
                println!("phase tabs drawn at {at:.1} s (frame {})", self.frames);
                println!("ready");
            }
        }
        self.app.ui(ui, frame);
        ui.ctx().request_repaint();
    }
}

fn run_console(url: String, user: &str, password: &str, expect: Expect) {
    let dir = tempfile::tempdir().unwrap();
    let prefs = dir.path().join("prefs.json");
    std::fs::write(
        &prefs,
        r#"{"version": 1, "theme": "light", "alerts": {"desktop_notifications": false}}"#,
    )
    .unwrap();
    let options = AppOptions {
        server_url: Some(url),
        prefs_path: Some(prefs),
        auto_login: Some((user.into(), password.into())),
        notifications: switchboard::Notifications::Recording(switchboard::RecordingNotifier::new()),
        ..AppOptions::default()
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Switchboard (memory)")
            .with_inner_size([1366.0, 768.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Switchboard",
        native,
        Box::new(move |cc| {
            Ok(Box::new(Measured {
                app: SwitchboardApp::new(cc, options),
                expect,
                tabs: Vec::new(),
                frame_in_tab: 0,
                said_ready: false,
                started: Instant::now(),
                frames: 0,
                said_logged_in: false,
                said_loaded: false,
            }))
        }),
    )
    .unwrap();
}

/// `VmRSS`, `VmHWM` and `RssAnon` of `pid`, in KiB.
fn memory_kib(pid: u32) -> Option<(u64, u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?, field("RssAnon:")?))
}

/// What one console run measured, in MiB and seconds.
struct Figures {
    /// The largest `VmRSS` while sampled.
    rss: f64,
    /// `VmHWM`: the largest resident set since the start.
    peak: f64,
    /// `RssAnon` at that time: the console's private memory (heap, stacks), without the
    /// program's and libraries' pages mapped from disk (shared, evictable).
    anon: f64,
    to_ready: f64,
}

impl Figures {
    fn line(&self) -> String {
        format!(
            "VmRSS {:6.1} MiB (peak {:6.1}; private {:6.1}, mapped files {:6.1}), ready in {:.1} s",
            self.rss,
            self.peak,
            self.anon,
            self.rss - self.anon,
            self.to_ready
        )
    }
}

/// Runs the console as a child process until it is ready, then samples its memory.
fn measure(url: &str, user: &str, password: &str, expect: &str) -> Figures {
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(
            "CONSOLE_RSS_CHILD",
            format!("{url} {user} {password} {expect}"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the console");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.trim() == "ready" {
                let _ = tx.send(());
            } else if let Some(phase) = line.strip_prefix("phase ") {
                println!("console_rss:   {phase}");
            }
        }
    });
    if rx.recv_timeout(READY_LIMIT).is_err() {
        let _ = child.kill();
        panic!("the console was not ready within {READY_LIMIT:?} (is there a display?)");
    }
    let to_ready = started.elapsed().as_secs_f64();
    let sampling = Instant::now();
    let (mut rss, mut peak, mut anon) = (0, 0, 0);
    while sampling.elapsed() < SAMPLE_FOR {
        if let Some((now_rss, now_peak, now_anon)) = memory_kib(child.id())
            && now_rss >= rss
        {
            (rss, peak, anon) = (now_rss, now_peak, now_anon);
        }
        // A fixed sampling period, not a wait for something to happen.
        let _ = rx.recv_timeout(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mib = |kib: u64| kib as f64 / 1024.0;
    Figures {
        rss: mib(rss),
        peak: mib(peak),
        anon: mib(anon),
        to_ready,
    }
}

fn main() {
    if let Ok(spec) = std::env::var("CONSOLE_RSS_CHILD") {
        let parts: Vec<&str> = spec.split(' ').collect();
        let expect = if parts[3] == "loaded" {
            Expect::Loaded
        } else {
            Expect::Idle
        };
        run_console(parts[0].to_owned(), parts[1], parts[2], expect);
        return;
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        println!(
            "console_rss: no display (run under Xvfb: `xvfb-run -a cargo bench -p switchboard --bench console_rss`)"
        );
        return;
    }
    let server = ServerThread::start_with(config());
    let filling = Instant::now();
    fill(&server);
    println!(
        "console_rss: {SESSIONS} sessions x {MESSAGES_PER_SESSION} messages stored in {:.1} s",
        filling.elapsed().as_secs_f64()
    );
    let url = server.url();
    let idle = measure(&url, "bob", "bob-pw", "idle");
    println!(
        "console_rss: logged in, nothing open:         {}",
        idle.line()
    );
    let loaded = measure(&url, "alice", "alice-pw", "loaded");
    println!(
        "console_rss: 20 sessions x 500 messages open: {}",
        loaded.line()
    );
    println!(
        "console_rss: the sessions cost {:.1} MiB in all, {:.1} MiB private ({:.0} private bytes per message)",
        loaded.rss - idle.rss,
        loaded.anon - idle.anon,
        (loaded.anon - idle.anon) * 1024.0 * 1024.0 / (SESSIONS * MESSAGES_PER_SESSION) as f64
    );
}
