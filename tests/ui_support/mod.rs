//! UI test support: a real routing server on 127.0.0.1:0 (its own runtime thread, a temp
//! database), the real console in an egui_kittest harness, and `step_until`, which steps
//! frames until a condition holds or a deadline passes. No sleeps.

#![allow(dead_code, clippy::unwrap_used)]

pub mod alerts;
pub mod workflow;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use switchboard::{AppOptions, SwitchboardApp};
use switchboard_server::config::Config;
use switchboard_server::server::{self, Options, Server};

pub const DEADLINE: Duration = Duration::from_secs(15);

/// The demo configuration, hashed once per test binary.
pub fn config() -> Arc<Config> {
    static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(Config::demo().unwrap()))
        .clone()
}

/// A small configuration for push offers: the push team Sales (reps `sam` and `sue`,
/// passwords `<name>-demo`) answering within `offer_secs`, and a pull team Billing (`bob`).
pub fn offers_config(offer_secs: u64) -> Arc<Config> {
    let toml = format!(
        r#"
[server]
offer_answer_secs = {offer_secs}
require_disposition = true
dispositions = ["Resolved", "Escalated"]

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = {offer_secs}

[[teams]]
id = "billing"
name = "Billing"

[[reps]]
id = "sam"
name = "Sam Seller"
password = "sam-demo"
teams = ["sales"]

[[reps]]
id = "sue"
name = "Sue Seller"
password = "sue-demo"
teams = ["sales"]

[[reps]]
id = "bob"
name = "Bob Biller"
password = "bob-demo"
teams = ["billing"]
"#
    );
    Arc::new(Config::from_toml(&toml).unwrap())
}

/// A real server with its own runtime, so the UI test's thread stays free to draw.
pub struct TestServer {
    pub runtime: tokio::runtime::Runtime,
    pub server: Option<Server>,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    config: Arc<Config>,
}

impl TestServer {
    /// A server with the demo configuration.
    pub fn start() -> TestServer {
        TestServer::start_with(config())
    }

    /// A server with this configuration.
    pub fn start_with(config: Arc<Config>) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let server = runtime.block_on(start_on(
            dir.path().join("ui.db"),
            "127.0.0.1:0",
            config.clone(),
        ));
        TestServer {
            addr: server.addr,
            server: Some(server),
            runtime,
            dir,
            config,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server (its sockets close).
    pub fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }

    /// Starts it again on the same port and database.
    pub fn start_again(&mut self) {
        let db = self.dir.path().join("ui.db");
        let server =
            self.runtime
                .block_on(start_on(db, &self.addr.to_string(), self.config.clone()));
        self.server = Some(server);
    }
}

async fn start_on(db: PathBuf, listen: &str, config: Arc<Config>) -> Server {
    let deadline = Instant::now() + DEADLINE;
    let listener = loop {
        match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => break listener,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::task::yield_now().await;
            }
            Err(e) => panic!("bind {listen}: {e}"),
        }
    };
    server::start(
        listener,
        Options {
            config,
            db_path: db,
            seed: 5,
        },
    )
    .await
    .unwrap()
}

/// The real console against `server`, with preferences in `prefs` (a temp file).
pub fn console(
    server: &TestServer,
    prefs: &std::path::Path,
    login: Option<(&str, &str)>,
) -> Harness<'static, SwitchboardApp> {
    let options = AppOptions {
        demo: false,
        server_url: Some(server.url()),
        prefs_path: Some(prefs.to_path_buf()),
        auto_login: login.map(|(u, p)| (u.to_owned(), p.to_owned())),
        demo_seed: None,
        file_dialogs: switchboard::FileDialogs::default(),
        // Tests never pop up notifications on the desktop of whoever runs them.
        notifications: switchboard::Notifications::Recording(switchboard::RecordingNotifier::new()),
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| SwitchboardApp::new(cc, options))
}

/// Steps frames until `done` holds; panics with `what` after the deadline.
pub fn step_until(
    harness: &mut Harness<'static, SwitchboardApp>,
    what: &str,
    mut done: impl FnMut(&Harness<'static, SwitchboardApp>) -> bool,
) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for: {what}\nvisible labels: {:?}",
            visible_labels(harness)
        );
        std::thread::yield_now();
    }
}

/// Every label in the accessibility tree, in tree order (what a timed-out wait saw).
pub fn visible_labels(harness: &Console) -> Vec<String> {
    harness
        .query_all(egui_kittest::kittest::By::new().predicate(|n| n.label().is_some()))
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

/// Waits (with the deadline) until a widget with exactly this label exists: the way to
/// assert on anything that arrives from the network.
pub fn expect_label(harness: &mut Console, label: &str) {
    wait_for_any_label(harness, label);
}

/// Steps until a widget with exactly this label exists.
pub fn wait_for_label(harness: &mut Harness<'static, SwitchboardApp>, label: &str) {
    step_until(harness, &format!("a widget labelled {label:?}"), |h| {
        h.query_by_label(label).is_some()
    });
}

/// Steps until a widget whose label contains `part` exists.
pub fn wait_for_label_containing(harness: &mut Harness<'static, SwitchboardApp>, part: &str) {
    step_until(
        harness,
        &format!("a widget whose label contains {part:?}"),
        |h| h.query_by_label_contains(part).is_some(),
    );
}

/// A customer over a real WebSocket, on the server's runtime.
pub struct Customer {
    pub session_id: switchboard_protocol::SessionId,
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Customer {
    /// A customer of Initech with this name, started over `route`.
    pub fn start(server: &TestServer, name: &str, route: switchboard_protocol::Route) -> Customer {
        Customer::start_with(server, name, "Initech", route).0
    }

    pub fn say(&mut self, server: &TestServer, text: &str) {
        use futures_util::SinkExt;
        let id = self.next_id;
        self.next_id += 1;
        let frame = switchboard_protocol::codec::encode_with_id(
            switchboard_protocol::RequestId(id),
            &switchboard_protocol::CustomerRequest::Chat {
                client_msg_id: format!("ui-{id}"),
                text: text.to_owned(),
            },
        );
        server.runtime.block_on(async {
            self.socket
                .send(tokio_tungstenite::tungstenite::Message::Text(frame.into()))
                .await
                .unwrap();
        });
    }

    /// Waits for a rep's chat message with this text.
    pub fn expect_rep_says(&mut self, server: &TestServer, text: &str) {
        let what = format!("a rep saying {text:?}");
        self.expect(server, &what, |message| match message {
            switchboard_protocol::CustomerServerMessage::Chat { message }
                if message.text == text =>
            {
                Some(())
            }
            _ => None,
        })
    }
}

async fn next_text(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Option<String> {
    use futures_util::StreamExt;
    loop {
        match socket.next().await? {
            Ok(tokio_tungstenite::tungstenite::Message::Text(text)) => {
                return Some(text.to_string());
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Helpers for the queue, session and reconnect tests (ui_queues, ui_sessions, ui_reconnect).

/// The console under test.
pub type Console = Harness<'static, SwitchboardApp>;

/// The console logged in as `user` (password `<user>-demo`), connected, with its queues shown.
pub fn logged_in(server: &TestServer, prefs: &std::path::Path, user: &str) -> Console {
    let password = format!("{user}-demo");
    let mut harness = console(server, prefs, Some((user, &password)));
    step_until(&mut harness, "connected, with the queues shown", |h| {
        h.query_by_label("Connected").is_some() && has_label(h, "Personal")
    });
    harness
}

/// Whether at least one widget has exactly this label (several may).
pub fn has_label(harness: &Console, label: &str) -> bool {
    harness.query_all_by_label(label).next().is_some()
}

/// How many widgets have exactly this label.
pub fn count_labels(harness: &Console, label: &str) -> usize {
    harness.query_all_by_label(label).count()
}

/// Steps until at least one widget has exactly this label (several may, unlike `wait_for_label`).
pub fn wait_for_any_label(harness: &mut Console, label: &str) {
    step_until(harness, &format!("a widget labelled {label:?}"), |h| {
        has_label(h, label)
    });
}

/// Steps until no widget has this label.
pub fn wait_for_no_label(harness: &mut Console, label: &str) {
    step_until(harness, &format!("no widget labelled {label:?}"), |h| {
        !has_label(h, label)
    });
}

/// The top edge (y, in points) of the one widget with exactly this label.
pub fn top_of(harness: &Console, label: &str) -> f32 {
    harness.get_by_label(label).rect().min.y
}

/// The left edge (x, in points) of the one widget with exactly this label.
pub fn left_of(harness: &Console, label: &str) -> f32 {
    harness.get_by_label(label).rect().min.x
}

/// Clicks the one widget with exactly this label and runs the frames of the click.
pub fn click_label(harness: &mut Console, label: &str) {
    harness.get_by_label(label).click();
    harness.step();
    harness.step();
}

/// Clicks the one widget with this role and label and runs the frames of the click.
pub fn click_role(harness: &mut Console, role: egui::accesskit::Role, label: &str) {
    harness.get_by_role_and_label(role, label).click();
    harness.step();
    harness.step();
}

/// A double click at the centre of the one widget with exactly this label.
///
/// Both clicks go into one frame. `Node::click` queues each pointer event as a frame of its
/// own, and kittest advances egui's clock by its `step_dt` (¼ s) per frame, so two
/// `click()`s are 0.75 s apart: more than egui's 0.3 s double-click limit.
pub fn double_click_label(harness: &mut Console, label: &str) {
    let at = harness.get_by_label(label).rect().center();
    let press = |pressed| egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::default(),
    };
    harness.input_mut().events.extend([
        egui::Event::PointerMoved(at),
        press(true),
        press(false),
        press(true),
        press(false),
    ]);
    harness.step();
    harness.step();
}

/// Focuses the text field with this role and label and types `text` into it.
pub fn type_into(harness: &mut Console, role: egui::accesskit::Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).click();
    harness.run_steps(2);
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.step();
}

/// The text in the chat composer.
pub fn composer_text(harness: &Console) -> String {
    harness
        .get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Message")
        .value()
        .unwrap_or_default()
}

/// Types into the chat composer and presses Enter (which sends).
pub fn send_in_composer(harness: &mut Console, text: &str) {
    type_into(
        harness,
        egui::accesskit::Role::MultilineTextInput,
        "Message",
        text,
    );
    harness.key_press(egui::Key::Enter);
    harness.step();
    harness.step();
}

// ---------------------------------------------------------------------------------------
// Sessions: accepting a customer into a tab.

/// The issue form's "invoice" issue: the customer waits in Billing (demo configuration).
pub fn invoice() -> switchboard_protocol::Route {
    switchboard_protocol::Route::Issue {
        issue: "invoice".into(),
    }
}

/// Accepts the waiting customer `name` (double click on the row) and waits for the tab in front.
pub fn accept(console: &mut Console, name: &str) {
    wait_for_label(console, name);
    double_click_label(console, name);
    step_until(console, &format!("the tab of {name} in front"), |h| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, name)
            .is_some_and(|tab| {
                tab.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
            })
            && h.query_by_label("Close session").is_some()
    });
}

/// Alice logged in with one accepted customer in front.
pub fn in_session(server: &TestServer, prefs: &std::path::Path, name: &str) -> (Console, Customer) {
    let mut console = logged_in(server, prefs, "alice");
    let mut customer = Customer::start(server, name, invoice());
    accept(&mut console, name);
    assert_eq!(customer.expect_rep_joined(server), "Alice Martin");
    (console, customer)
}

// ---------------------------------------------------------------------------------------
// Session actions: the Share menu, owner-only controls and their tooltips.

/// Opens the Share menu, then `section` (a team, "Request Help" or "Representatives"),
/// then clicks `choice` there ("Any Representative", a rep's name, an issue).
pub fn share_with(console: &mut Console, section: &str, choice: &str) {
    open_share_section(console, section);
    let button = egui::accesskit::Role::Button;
    step_until(console, &format!("a {choice:?} button"), |h| {
        h.query_by_role_and_label(button, choice).is_some()
    });
    click_role(console, button, choice);
    wait_for_no_label(console, section);
}

/// Opens the Share menu and, in it, the submenu `section`.
pub fn open_share_section(console: &mut Console, section: &str) {
    click_label(console, "Share");
    wait_for_label(console, section);
    click_label(console, section);
}

/// Whether the one widget with this label is greyed out (disabled).
pub fn is_disabled(console: &Console, label: &str) -> bool {
    console.get_by_label(label).accesskit_node().is_disabled()
}

/// Hovers the one widget with this label until a tooltip containing `part` shows.
pub fn wait_for_tooltip(console: &mut Console, label: &str, part: &str) {
    console.get_by_label(label).hover();
    step_until(
        console,
        &format!("a tooltip on {label:?} saying {part:?}"),
        |h| h.query_by_label_contains(part).is_some(),
    );
}

impl Customer {
    /// A customer with this name and company; also returns the token to resume with.
    pub fn start_with(
        server: &TestServer,
        name: &str,
        company: &str,
        route: switchboard_protocol::Route,
    ) -> (Customer, String) {
        let customer = switchboard_protocol::CustomerInfo {
            name: name.to_owned(),
            company: Some(company.to_owned()),
            question: Some("It is broken".into()),
            ..Default::default()
        };
        Customer::start_as(server, customer, route)
    }

    /// A customer who told us `customer`, started over `route`; also returns their token.
    pub fn start_as(
        server: &TestServer,
        customer: switchboard_protocol::CustomerInfo,
        route: switchboard_protocol::Route,
    ) -> (Customer, String) {
        use switchboard_protocol::*;
        let hello = CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            customer,
            route,
        };
        let (socket, started) = open_session(server, &hello);
        let CustomerServerMessage::SessionStarted {
            session_id,
            customer_token,
            ..
        } = started
        else {
            unreachable!("open_session returns session_started")
        };
        let customer = Customer {
            session_id,
            socket,
            next_id: 1,
        };
        (customer, customer_token)
    }

    /// Reconnects to a session (after its socket closed); also returns the public chat so far.
    pub fn resume(
        server: &TestServer,
        session_id: switchboard_protocol::SessionId,
        token: &str,
    ) -> (Customer, Vec<switchboard_protocol::ChatMessage>) {
        use switchboard_protocol::*;
        let hello = CustomerHello::Resume {
            protocol_version: PROTOCOL_VERSION,
            session_id,
            customer_token: token.to_owned(),
        };
        let (socket, started) = open_session(server, &hello);
        let CustomerServerMessage::SessionStarted { chat, .. } = started else {
            unreachable!("open_session returns session_started")
        };
        let customer = Customer {
            session_id,
            socket,
            next_id: 1_000,
        };
        (customer, chat)
    }

    /// The text of the next chat message from a rep (other frames are skipped).
    pub fn next_rep_message(&mut self, server: &TestServer) -> String {
        self.expect(server, "a rep message", |message| match message {
            switchboard_protocol::CustomerServerMessage::Chat { message } => Some(message.text),
            _ => None,
        })
    }

    /// Waits until the server tells the customer a rep joined; returns the rep's name.
    pub fn expect_rep_joined(&mut self, server: &TestServer) -> String {
        self.expect(server, "a rep joined", |message| match message {
            switchboard_protocol::CustomerServerMessage::RepJoined { name } => Some(name),
            _ => None,
        })
    }

    /// Waits until the server tells the customer a rep left; returns what it says.
    pub fn expect_rep_left(&mut self, server: &TestServer) -> String {
        self.expect(server, "a rep left", |message| match message {
            switchboard_protocol::CustomerServerMessage::RepLeft { name } => Some(name),
            _ => None,
        })
    }

    /// Waits until the server tells the customer a rep disconnected them.
    pub fn expect_disconnected(&mut self, server: &TestServer) {
        self.expect(server, "disconnected", |message| match message {
            switchboard_protocol::CustomerServerMessage::Disconnected { .. } => Some(()),
            _ => None,
        })
    }

    /// Skips frames until `wanted` picks one out; panics after the deadline with `what`.
    pub(crate) fn expect<T>(
        &mut self,
        server: &TestServer,
        what: &str,
        wanted: impl Fn(switchboard_protocol::CustomerServerMessage) -> Option<T>,
    ) -> T {
        server.runtime.block_on(async {
            let deadline = tokio::time::Instant::now() + DEADLINE;
            loop {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let text = tokio::time::timeout(left, next_text(&mut self.socket))
                    .await
                    .unwrap_or_else(|_| panic!("the customer was never told: {what}"))
                    .unwrap_or_else(|| panic!("the socket closed before: {what}"));
                if let Ok(message) = serde_json::from_str(&text)
                    && let Some(found) = wanted(message)
                {
                    return found;
                }
            }
        })
    }

    /// Waits until the server tells the customer the session has ended.
    pub fn expect_session_ended(&mut self, server: &TestServer) {
        self.expect(server, "the session ended", |message| match message {
            switchboard_protocol::CustomerServerMessage::SessionEnded { .. } => Some(()),
            _ => None,
        })
    }
}

/// Connects a customer socket, says `hello` and waits for `session_started` (returned with
/// the socket); panics on anything else, with the deadline.
fn open_session(
    server: &TestServer,
    hello: &switchboard_protocol::CustomerHello,
) -> (
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    switchboard_protocol::CustomerServerMessage,
) {
    use futures_util::SinkExt;
    let addr = server.addr;
    let hello = serde_json::to_string(hello).unwrap();
    server.runtime.block_on(async move {
        let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws/customer"))
            .await
            .unwrap();
        socket
            .send(tokio_tungstenite::tungstenite::Message::Text(hello.into()))
            .await
            .unwrap();
        loop {
            let text = tokio::time::timeout(DEADLINE, next_text(&mut socket))
                .await
                .expect("an answer to hello before the deadline")
                .expect("session started");
            let message: switchboard_protocol::CustomerServerMessage =
                serde_json::from_str(&text).unwrap();
            match message {
                switchboard_protocol::CustomerServerMessage::SessionStarted { .. } => {
                    return (socket, message);
                }
                switchboard_protocol::CustomerServerMessage::Error { message, .. } => {
                    panic!("hello refused: {message}")
                }
                _ => continue,
            }
        }
    })
}
