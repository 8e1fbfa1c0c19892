//! UI test support: the kit's real routing server on 127.0.0.1:0 (its own runtime thread,
//! a temp database) and customer test client, the real console in an egui_kittest harness,
//! and the kit's `step_until`, which steps frames until a condition holds or fails after a
//! deadline with the visible labels. No sleeps.

#![allow(dead_code, unused_imports, clippy::unwrap_used)]

pub mod alerts;
pub mod workflow;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use switchboard::{AppOptions, SwitchboardApp};

pub use switchboard_testkit::config::{demo_config as config, offers_config};
pub use switchboard_testkit::ui::FRAME_DEADLINE as DEADLINE;
pub use switchboard_testkit::ui::{
    has_label, step_until, visible_labels, wait_for_any_label, wait_for_label,
    wait_for_label_containing, wait_for_no_label,
};

/// The real server on a runtime of its own (the kit's), so the UI test's thread stays free
/// to draw: the demo configuration unless told otherwise.
pub type TestServer = switchboard_testkit::ServerThread;

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
        demo_rep: None,
        file_dialogs: switchboard::FileDialogs::default(),
        // Tests never pop up notifications on the desktop of whoever runs them.
        notifications: switchboard::Notifications::Recording(switchboard::RecordingNotifier::new()),
        ca_file: None,
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| SwitchboardApp::new(cc, options))
}

/// Waits (with the deadline) until a widget with exactly this label exists: the way to
/// assert on anything that arrives from the network.
pub fn expect_label(harness: &mut Console, label: &str) {
    wait_for_any_label(harness, label);
}

/// The kit's customer test client, driven from the UI test's thread on the server's
/// runtime.
pub struct Customer {
    pub session_id: switchboard_protocol::SessionId,
    client: switchboard_testkit::CustomerClient,
}

impl Customer {
    /// A customer of Initech with this name, started over `route`.
    pub fn start(server: &TestServer, name: &str, route: switchboard_protocol::Route) -> Customer {
        Customer::start_with(server, name, "Initech", route).0
    }

    pub fn say(&mut self, server: &TestServer, text: &str) {
        let request = switchboard_protocol::CustomerRequest::Chat {
            client_msg_id: switchboard_testkit::unique_client_id(),
            text: text.to_owned(),
        };
        server.block_on(self.client.send(request));
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

// ---------------------------------------------------------------------------------------
// Helpers for the queue, session and reconnect tests (ui_queues, ui_sessions, ui_reconnect).

/// The console under test.
pub type Console = Harness<'static, SwitchboardApp>;

/// The console logged in as `user` (password `<user>-demo`), connected, with its queues shown.
pub fn logged_in(server: &TestServer, prefs: &std::path::Path, user: &str) -> Console {
    let password = format!("{user}-demo");
    let mut harness = console(server, prefs, Some((user, &password)));
    step_until(
        &mut harness,
        "connected, with the queues and presence shown",
        |h| {
            h.query_by_label("Connected").is_some()
                && has_label(h, "Personal")
                && h.state().model.me.is_some()
        },
    );
    harness
}

/// The console logged in as `user` with `password` (a server with the kit's test
/// configuration, whose passwords are `<id>-pw`), connected, with its queues shown.
pub fn logged_in_with_password(
    server: &TestServer,
    prefs: &std::path::Path,
    user: &str,
    password: &str,
) -> Console {
    let mut harness = console(server, prefs, Some((user, password)));
    step_until(&mut harness, "connected, with the queues shown", |h| {
        h.query_by_label("Connected").is_some()
            && has_label(h, "Personal")
            && h.state().model.me.is_some()
    });
    harness
}

/// How many widgets have exactly this label.
pub fn count_labels(harness: &Console, label: &str) -> usize {
    harness.query_all_by_label(label).count()
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
///
/// A click is a press and a release in frames of their own, each at the widget's centre as
/// last drawn; if the widget moves in between (the top bar grows when the rep's name and
/// presence arrive), the release misses and nothing is clicked. So it first steps until the
/// widget stays where it is for a frame.
pub fn click_label(harness: &mut Console, label: &str) {
    wait_until_still(harness, label);
    harness.get_by_label(label).click();
    harness.step();
    harness.step();
}

/// Steps until the one widget with exactly this label is drawn in the same place in two
/// frames running.
pub fn wait_until_still(harness: &mut Console, label: &str) {
    wait_until_still_by(harness, label, |h| h.get_by_label(label).rect());
}

/// Steps until `rect_of` gives the same rectangle in two frames running.
fn wait_until_still_by(
    harness: &mut Console,
    what: &str,
    rect_of: impl Fn(&Console) -> egui::Rect,
) {
    let mut last = rect_of(harness);
    step_until(harness, &format!("{what:?} to stay in place"), |h| {
        let now = rect_of(h);
        std::mem::replace(&mut last, now) == now
    });
}

/// Clicks the widget labelled `label` until a widget labelled `opens` shows. Right after
/// login the top bar may still be laying itself out on a loaded machine, so a click can
/// land where the button was a frame earlier; a second click then opens it.
pub fn click_until_shown(harness: &mut Console, label: &str, opens: &str) {
    for _ in 0..5 {
        click_label(harness, label);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while std::time::Instant::now() < deadline {
            if harness.query_by_label(opens).is_some() {
                return;
            }
            harness.step();
        }
    }
    wait_for_label(harness, opens);
}

/// Clicks the one widget with this role and label and runs the frames of the click.
pub fn click_role(harness: &mut Console, role: egui::accesskit::Role, label: &str) {
    wait_until_still_by(harness, label, |h| {
        h.get_by_role_and_label(role, label).rect()
    });
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
    wait_until_still(harness, label);
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

/// A server with the kit's test configuration (where alice and bob may open shells and
/// deploy Support Buttons, carol may not), on its own runtime.
pub fn test_config_server() -> TestServer {
    TestServer::start_with(switchboard_testkit::test_config())
}

/// The console logged in as `user` of the kit's test configuration (password `<user>-pw`).
pub fn console_as(server: &TestServer, prefs: &std::path::Path, user: &str) -> Console {
    logged_in_with_password(server, prefs, user, &format!("{user}-pw"))
}

/// A web chat customer `name` in `rep`'s personal queue, accepted by the console.
pub fn accepted_web_customer(
    server: &TestServer,
    console: &mut Console,
    rep: &str,
    name: &str,
) -> Customer {
    let customer = Customer::start(
        server,
        name,
        switchboard_protocol::Route::Rep {
            rep: switchboard_protocol::RepId::new(rep),
        },
    );
    accept(console, name);
    customer
}

/// The machine id of Sam's computer (the native customer's).
pub const SAMS_MACHINE: &str = "test-machine-0001";

/// A native customer in `rep`'s queue that has described its computer, as the customer
/// client does once its session starts (Support Buttons and Jump Clients need it).
pub fn described_native_customer(
    server: &TestServer,
    rep: &str,
) -> switchboard_testkit::CustomerClient {
    use switchboard_protocol::CustomerRequest;
    server.block_on(async {
        let mut customer = switchboard_testkit::remote::native_customer(server.addr(), rep).await;
        customer
            .ok_ticket(CustomerRequest::DescribeMachine {
                machine: switchboard_testkit::jump::machine(SAMS_MACHINE),
            })
            .await;
        customer
    })
}

/// The one widget with this label shows, greyed out, and hovering it tells `why`.
pub fn expect_greyed(console: &mut Console, label: &str, why: &str) {
    wait_for_label(console, label);
    assert!(is_disabled(console, label), "{label:?} is not greyed");
    wait_for_tooltip(console, label, why);
}

/// Whether the one widget with this label is greyed out (disabled).
pub fn is_disabled(console: &Console, label: &str) -> bool {
    console.get_by_label(label).accesskit_node().is_disabled()
}

/// Hovers the one widget with this label until a tooltip containing `part` shows. The
/// pointer follows the widget: a live view (the dashboard's durations tick, its rows and
/// charts update) can move it between frames, and a pointer left where it was hovers
/// nothing. It is moved only when the widget did, since a moving pointer restarts egui's
/// tooltip delay.
pub fn wait_for_tooltip(console: &mut Console, label: &str, part: &str) {
    let deadline = std::time::Instant::now() + DEADLINE;
    let mut hovered_at = None;
    loop {
        let widget = console.get_by_label(label);
        let center = widget.rect().center();
        if hovered_at != Some(center) {
            widget.hover();
            hovered_at = Some(center);
        }
        console.step();
        if console.query_by_label_contains(part).is_some() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: a tooltip on {label:?} saying {part:?}\nvisible labels: {:?}",
            visible_labels(console)
        );
    }
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
        let client = server.block_on(switchboard_testkit::CustomerClient::start_as(
            server.addr(),
            customer,
            route,
        ));
        let token = client.token.clone();
        let customer = Customer {
            session_id: client.session_id,
            client,
        };
        (customer, token)
    }

    /// Reconnects to a session (after its socket closed); also returns the public chat so far.
    pub fn resume(
        server: &TestServer,
        session_id: switchboard_protocol::SessionId,
        token: &str,
    ) -> (Customer, Vec<switchboard_protocol::ChatMessage>) {
        let client = server
            .block_on(switchboard_testkit::CustomerClient::resume(
                server.addr(),
                session_id,
                token,
            ))
            .unwrap_or_else(|refused| panic!("resume refused: {refused:?}"));
        let chat = client.chat.clone();
        (Customer { session_id, client }, chat)
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
        server.block_on(self.client.wait(what, |message| wanted(message.clone())))
    }

    /// Waits until the customer's page is offered the program (`client_offered`): the code
    /// it shows.
    pub fn client_offered(
        &mut self,
        server: &TestServer,
    ) -> switchboard_testkit::client_offer::Offered {
        server.block_on(self.client.client_offered())
    }

    /// Waits until the server tells the customer the session has ended.
    pub fn expect_session_ended(&mut self, server: &TestServer) {
        self.expect(server, "the session ended", |message| match message {
            switchboard_protocol::CustomerServerMessage::SessionEnded { .. } => Some(()),
            _ => None,
        })
    }
}
