//! UI tests of push offers (seed 004): the incoming-chat notification shows the customer,
//! the queue, the wait, the time since the offer and a countdown; Accept opens the session,
//! Reject hands it to the next rep, and a missed deadline pauses the rep until they choose
//! to be available again. A real server with the push team Sales (sam, sue).

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use ui_support::*;

/// Long enough to answer at leisure in a debug build; the miss test uses one second.
const ANSWER_SECS: u64 = 30;

fn sales() -> switchboard_protocol::Route {
    switchboard_protocol::Route::Team {
        team: "sales".into(),
    }
}

/// The presence shown in the top bar ("Available", "Paused"…).
fn presence(console: &Console) -> String {
    console
        .get_by(|node| node.role() == Role::ComboBox && node.label().as_deref() == Some("Presence"))
        .value()
        .unwrap_or_default()
}

/// Steps until the incoming-chat notification shows.
fn wait_for_offer(console: &mut Console) {
    wait_for_label(console, "Incoming chat");
    wait_for_label(console, "Accept offer");
}

/// The notification shows the customer, queue, wait, time since the offer and the
/// countdown; Accept opens the session and the customer is told.
#[test]
fn incoming_offer_accepted_opens_the_session() {
    let server = TestServer::start_with(offers_config(ANSWER_SECS));
    let prefs = tempfile::tempdir().unwrap();
    let mut sam = logged_in(&server, &prefs.path().join("s.json"), "sam");
    assert_eq!(presence(&sam), "Available");
    let mut pat = Customer::start(&server, "Pat Pending", sales());

    wait_for_offer(&mut sam);
    expect_label(&mut sam, "Pat Pending");
    expect_label(&mut sam, "Initech");
    expect_label(&mut sam, "It is broken");
    for fact in ["Queue", "Waiting", "Offered"] {
        expect_label(&mut sam, fact);
    }
    assert!(sam.query_by_label_contains("ago").is_some());
    assert!(
        sam.query_by_label_contains("Answer within").is_some(),
        "a countdown"
    );

    click_label(&mut sam, "Accept offer");
    step_until(&mut sam, "Pat's tab in front", |h| {
        has_label(h, "Close session") && !has_label(h, "Incoming chat")
    });
    assert_eq!(pat.expect_rep_joined(&server), "Sam Seller");
}

/// Reject hands the offer to the next available rep; the rejecting rep stays available.
#[test]
fn incoming_offer_rejected_goes_to_the_next_rep() {
    let server = TestServer::start_with(offers_config(ANSWER_SECS));
    let prefs = tempfile::tempdir().unwrap();
    let mut sam = logged_in(&server, &prefs.path().join("s.json"), "sam");
    let mut sue = logged_in(&server, &prefs.path().join("u.json"), "sue");
    let _pat = Customer::start(&server, "Pat Pending", sales());

    // Sam and Sue are equally loaded; the server picks Sam (by id).
    wait_for_offer(&mut sam);
    sue.run_steps(2);
    assert!(!has_label(&sue, "Incoming chat"), "one rep at a time");

    click_label(&mut sam, "Reject offer");
    wait_for_no_label(&mut sam, "Incoming chat");
    wait_for_offer(&mut sue);
    assert_eq!(presence(&sam), "Available", "rejecting does not pause");
    click_label(&mut sue, "Accept offer");
    wait_for_label(&mut sue, "Close session");
}

/// Missing the deadline closes the notification and pauses the rep, with a notice; the
/// rep chooses when to be available again.
#[test]
fn missed_offer_pauses_the_rep_until_they_choose_available() {
    let server = TestServer::start_with(offers_config(1));
    let prefs = tempfile::tempdir().unwrap();
    let mut sam = logged_in(&server, &prefs.path().join("s.json"), "sam");
    let _pat = Customer::start(&server, "Pat Pending", sales());

    wait_for_offer(&mut sam);
    step_until(&mut sam, "Sam paused after the deadline", |h| {
        !has_label(h, "Incoming chat") && presence(h) == "Paused"
    });
    wait_for_label_containing(&mut sam, "You missed the chat from Pat Pending");
    wait_for_label(&mut sam, "Available again");

    click_label(&mut sam, "Available again");
    step_until(&mut sam, "Sam available again", |h| {
        presence(h) == "Available" && !has_label(h, "Available again")
    });
}
