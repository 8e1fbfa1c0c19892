//! UI tests of the team lead's Dashboard against the real server (the demo configuration:
//! Grace leads Team Leads, Billing, Technical Support and Sales and may monitor, whisper and
//! take over; Alice leads no team): Grace opens Dashboard and watches Billing's waiting
//! count go up as a customer arrives and down as Alice accepts, the session's row appears
//! with its owner, and Monitor on it opens the session's tab in front (back on the
//! Dashboard, Monitor is greyed: already monitoring); Join makes her a participant with
//! the tab in front (then Join and Monitor are greyed); a plain rep has no
//! Dashboard tab at all; a sort clicked is remembered. Whispering and taking over from the
//! session tab are ui_supervision's.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use switchboard::model::dashboard::SessionColumn;
use switchboard::text::dashboard::{self as words, DASHBOARD};
use switchboard_protocol::{RepRequest, SessionId};
use switchboard_testkit::RepClient;
use ui_support::*;

/// Grace's console with the Dashboard in front (its snapshot carries one).
fn grace_on_the_dashboard(server: &TestServer, prefs: &std::path::Path) -> Console {
    let mut console = logged_in(server, prefs, "grace");
    step_until(&mut console, "a lead's dashboard in the model", |h| {
        h.state().model.dashboard.is_some()
    });
    click_until_shown(&mut console, DASHBOARD, &words::sessions_title(0));
    console
}

/// Alice, logged in on her own socket, accepts the session waiting in Billing (the
/// dashboard showed it waiting).
fn alice_accepts(server: &TestServer, session_id: SessionId) -> RepClient {
    let addr = server.addr();
    server.block_on(async {
        let token = switchboard_testkit::socket::login(addr, "alice", "alice-demo").await;
        let mut alice = RepClient::connect(addr, &token, None).await;
        // The customer waits already (the dashboard said so): accept at once.
        alice.ok(RepRequest::Accept { session_id }).await;
        switchboard_testkit::rep::joined(&mut alice, session_id).await;
        alice
    })
}

#[test]
fn a_lead_sees_a_customer_wait_and_be_accepted_then_monitors_the_session() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = grace_on_the_dashboard(&server, &prefs.path().join("prefs.json"));
    wait_for_label(&mut console, &words::waiting_label("Billing", 0));

    let customer = Customer::start(&server, "Pat Doe", invoice());
    wait_for_label(&mut console, &words::waiting_label("Billing", 1));

    let _alice = alice_accepts(&server, customer.session_id);
    wait_for_label(&mut console, &words::waiting_label("Billing", 0));
    let monitor = words::monitor_label("Pat Doe");
    wait_for_label(&mut console, &monitor);
    assert!(
        has_label(&console, "Alice Martin"),
        "the owner's name in the row"
    );
    assert!(!is_disabled(&console, &monitor), "Grace may monitor");

    // Monitor sends monitor_session: the session arrives and its tab comes to the front.
    click_label(&mut console, &monitor);
    step_until(&mut console, "the monitored session's tab in front", |h| {
        h.state().front() == Some(customer.session_id)
    });
    // Back on the dashboard, the row knows: Monitor greyed with why, Join still open.
    click_until_shown(&mut console, DASHBOARD, &monitor);
    expect_greyed(&mut console, &monitor, words::ALREADY_MONITORING);
    assert!(!is_disabled(&console, &words::join_label("Pat Doe")));
}

#[test]
fn a_plain_rep_has_no_dashboard_tab() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    step_until(&mut console, "the snapshot applied", |h| {
        h.state().model.ready
    });
    assert!(console.state().model.dashboard.is_none());
    assert!(console.query_by_label_contains("Queues").is_some());
    assert!(
        !has_label(&console, DASHBOARD),
        "no Dashboard tab for a rep who leads no team"
    );
}

#[test]
fn the_sessions_sort_clicked_is_remembered() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let path = prefs.path().join("prefs.json");
    let mut console = grace_on_the_dashboard(&server, &path);
    let customer = Customer::start(&server, "Robin Berg", invoice());
    let _alice = alice_accepts(&server, customer.session_id);
    wait_for_label(&mut console, &words::monitor_label("Robin Berg"));
    click_label(&mut console, "Customer");
    step_until(&mut console, "sorted by customer, remembered", |_| {
        std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<switchboard::prefs::Prefs>(&text).ok())
            .is_some_and(|prefs| prefs.dashboard_sort.sessions.column == SessionColumn::Customer)
    });
    wait_for_label(&mut console, "Customer ▲");
}

#[test]
fn join_from_the_dashboard_makes_the_lead_a_participant_with_the_tab_in_front() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = grace_on_the_dashboard(&server, &prefs.path().join("prefs.json"));
    let customer = Customer::start(&server, "Kim Chen", invoice());
    let _alice = alice_accepts(&server, customer.session_id);
    let join = words::join_label("Kim Chen");
    wait_for_label(&mut console, &join);
    click_label(&mut console, &join);
    step_until(&mut console, "Kim Chen's tab in front, Grace in it", |h| {
        let app = h.state();
        app.front() == Some(customer.session_id)
            && app
                .model
                .sessions
                .get(&customer.session_id)
                .is_some_and(|s| {
                    s.info
                        .participants
                        .contains(&switchboard_protocol::RepId::new("grace"))
                })
    });
    // Back on the dashboard: Join and Monitor are greyed, she is in it.
    click_until_shown(&mut console, DASHBOARD, &join);
    expect_greyed(&mut console, &join, words::ALREADY_IN);
    assert!(is_disabled(&console, &words::monitor_label("Kim Chen")));
}
