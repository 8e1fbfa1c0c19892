//! UI tests of losing the server and getting it back: the status bar while reconnecting, a
//! message written while away (pending, then delivered once), a customer who arrived while
//! the console was away, and the layout remembered by a new console instance. The real console
//! against a real server that is stopped and started again on the same port and database.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use std::time::{Duration, Instant};
use switchboard::net::ConnectionStatus;
use switchboard_protocol::Route;
use ui_support::*;

fn invoice() -> Route {
    Route::Issue {
        issue: "invoice".into(),
    }
}

fn connected(console: &Console) -> bool {
    console.query_by_label("Connected").is_some()
}

/// Whether the status bar says the console is (re)connecting.
fn reconnecting(console: &Console) -> bool {
    console.query_by_label_contains("Reconnecting").is_some()
        || console.query_by_label_contains("Connecting").is_some()
}

/// Stops the server and steps until the console shows that it is reconnecting.
fn stop_and_see_reconnecting(server: &mut TestServer, console: &mut Console) {
    server.stop();
    step_until(console, "the status bar saying Reconnecting", reconnecting);
}

/// While the server is away the status bar says so; when it is back the console reconnects.
#[test]
fn status_bar_shows_reconnecting_until_the_server_is_back() {
    let mut server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("p.json"), "alice");
    stop_and_see_reconnecting(&mut server, &mut console);
    assert!(!connected(&console));
    assert!(
        console
            .query_by_label_contains("what you see may be out of date")
            .is_some()
    );

    server.start_again();
    step_until(&mut console, "connected again", connected);
    assert!(!reconnecting(&console));
    expect_label(&mut console, "Personal");
}

/// A message sent while disconnected shows as "sending…", and after the reconnect it is
/// delivered once: once in the console's chat, once to the customer.
#[test]
fn message_sent_while_away_is_delivered_once_after_reconnect() {
    let mut server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("p.json"), "alice");
    let (zed, token) = Customer::start_with(&server, "Zed Zimmer", "Initech", invoice());
    let session = zed.session_id;
    wait_for_label(&mut console, "Zed Zimmer");
    double_click_label(&mut console, "Zed Zimmer");
    wait_for_label(&mut console, "Close session");
    // The customer's socket closes with the server; close it first so shutdown need not wait.
    server.runtime.block_on(async move { drop(zed) });

    stop_and_see_reconnecting(&mut server, &mut console);
    send_in_composer(&mut console, "Sent while the server was away");
    wait_for_label(&mut console, "sending…");
    assert_eq!(count_labels(&console, "Sent while the server was away"), 1);
    assert_eq!(composer_text(&console), "");

    server.start_again();
    step_until(
        &mut console,
        "connected, the message no longer pending",
        |h| connected(h) && !has_label(h, "sending…"),
    );
    // A few more frames: a duplicate would show up now.
    console.run_steps(10);
    assert_eq!(
        count_labels(&console, "Sent while the server was away"),
        1,
        "shown once in the console's chat"
    );

    // The customer comes back and reads everything up to a later message.
    let (mut zed, history) = Customer::resume(&server, session, &token);
    send_in_composer(&mut console, "Anything else?");
    let mut seen: Vec<String> = history.into_iter().map(|m| m.text).collect();
    if !seen.iter().any(|t| t == "Anything else?") {
        loop {
            let text = zed.next_rep_message(&server);
            let last = text == "Anything else?";
            seen.push(text);
            if last {
                break;
            }
        }
    }
    let delivered = seen
        .iter()
        .filter(|t| *t == "Sent while the server was away")
        .count();
    assert_eq!(delivered, 1, "the customer got it exactly once: {seen:?}");
}

/// A customer who arrives while the console is disconnected is in the queue once it reconnects.
#[test]
fn customer_arriving_while_disconnected_appears_after_reconnect() {
    let mut server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("p.json"), "alice");
    stop_and_see_reconnecting(&mut server, &mut console);
    // Wait for a long enough backoff step that the customer surely arrives before the retry.
    let mut retry_at = Instant::now();
    step_until(&mut console, "a retry at least 1.5 s away", |h| {
        match h.state().status() {
            ConnectionStatus::Reconnecting { retry_at: at, .. }
                if at.saturating_duration_since(Instant::now()) >= Duration::from_millis(1500) =>
            {
                retry_at = *at;
                true
            }
            _ => false,
        }
    });

    server.start_again();
    let _larry = Customer::start(&server, "Larry Late", invoice());
    assert!(
        Instant::now() < retry_at,
        "the customer arrived before the console's next attempt"
    );
    assert!(!has_label(&console, "Larry Late"));

    step_until(&mut console, "connected again", connected);
    wait_for_label(&mut console, "Larry Late");
    let row = top_of(&console, "Larry Late");
    assert!(
        top_of(&console, "Favourite Billing") < row
            && row < top_of(&console, "Favourite Technical Support")
    );
}

/// Opens a header's context menu (right click) and clicks one of its entries.
fn header_menu(console: &mut Console, header: &str, entry: &str) {
    console
        .get_by_role_and_label(Role::Button, header)
        .click_secondary();
    console.step();
    wait_for_label(console, entry);
    click_label(console, entry);
}

/// The billing headers shown, left to right.
fn header_order(console: &Console, candidates: &[&str]) -> Vec<String> {
    let mut shown: Vec<(f32, String)> = candidates
        .iter()
        .filter_map(|label| {
            console
                .query_by_role_and_label(Role::Button, label)
                .map(|node| (node.rect().min.x, (*label).to_owned()))
        })
        .collect();
    shown.sort_by(|a, b| a.0.total_cmp(&b.0));
    shown.into_iter().map(|(_, label)| label).collect()
}

/// A new console instance with the same preferences file restores the column order, hidden
/// columns, the sort and the favourite teams.
#[test]
fn a_new_console_restores_columns_sort_and_favourites() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let prefs_path = prefs.path().join("p.json");
    // Zed waits longer (first by default), Amy's company sorts first.
    let _zed = Customer::start_with(&server, "Zed Zimmer", "Zenith", invoice());
    let _amy = Customer::start_with(&server, "Amy Adams", "Acme", invoice());
    let candidates = [
        "Customer",
        "Customer ▲",
        "Time in queue",
        "Time in queue ▼",
        "Issue",
        "Queue",
        "Entry",
        "Company",
        "Company ▲",
        "Session start",
        "Important",
    ];

    let mut first = logged_in(&server, &prefs_path, "alice");
    wait_for_label(&mut first, "Amy Adams");
    assert!(top_of(&first, "Zed Zimmer") < top_of(&first, "Amy Adams"));
    assert_eq!(
        header_order(&first, &candidates),
        [
            "Customer",
            "Time in queue ▼",
            "Issue",
            "Entry",
            "Company",
            "Session start",
        ]
    );
    header_menu(&mut first, "Customer", "Move right");
    step_until(&mut first, "Customer moved right", |h| {
        h.get_by_role_and_label(Role::Button, "Customer")
            .rect()
            .min
            .x
            > h.get_by_role_and_label(Role::Button, "Time in queue ▼")
                .rect()
                .min
                .x
    });
    header_menu(&mut first, "Issue", "Hide Issue");
    step_until(&mut first, "Issue hidden", |h| {
        h.query_by_role_and_label(Role::Button, "Issue").is_none()
    });
    click_role(&mut first, Role::Button, "Company");
    wait_for_label(&mut first, "Company ▲");
    assert!(top_of(&first, "Amy Adams") < top_of(&first, "Zed Zimmer"));
    click_label(&mut first, "Favourite Technical Support");
    wait_for_label(&mut first, "Unfavourite Technical Support");
    let expected = [
        "Time in queue",
        "Customer",
        "Entry",
        "Company ▲",
        "Session start",
    ];
    assert_eq!(header_order(&first, &candidates), expected);
    first.state().flush_prefs();
    drop(first);

    let mut second = logged_in(&server, &prefs_path, "alice");
    wait_for_label(&mut second, "Amy Adams");
    wait_for_label(&mut second, "Zed Zimmer");
    assert_eq!(header_order(&second, &candidates), expected);
    expect_label(&mut second, "Unfavourite Technical Support");
    assert!(
        top_of(&second, "Unfavourite Technical Support") < top_of(&second, "Favourite Billing"),
        "the favourite team's pane is first"
    );
    assert!(
        top_of(&second, "Amy Adams") < top_of(&second, "Zed Zimmer"),
        "still sorted by company"
    );
}
