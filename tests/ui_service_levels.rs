//! UI test of service levels in the queues (issue 15), against the real server with a small
//! configuration whose Billing queue has a target wait of 1 s and a breach wait of 2 s: the
//! console keeps the queue's level from the snapshot, and as a customer waits the pane's
//! title goes from "longest …" alone to "1 breached" (drawn in the breach colour, which the
//! model's level decides: checked here against the same clock).

#![allow(clippy::unwrap_used)]

mod ui_support;

use std::sync::Arc;
use switchboard::text::supervision as words;
use switchboard_protocol::supervision::{ServiceLevel, WaitLevel};
use switchboard_protocol::{QueueRef, TeamId};
use switchboard_server::config::Config;
use ui_support::*;

/// Billing with a 1 s target and a 2 s breach; Alice of Billing (password `alice-demo`).
fn quick_levels() -> Arc<Config> {
    let toml = r#"
[[teams]]
id = "billing"
name = "Billing"
target_wait_secs = 1
breach_wait_secs = 2

[[issues]]
id = "invoice"
name = "A question about an invoice"
team = "billing"

[[reps]]
id = "alice"
name = "Alice Martin"
password = "alice-demo"
teams = ["billing"]
max_sessions = 3
"#;
    Arc::new(Config::from_toml(toml).unwrap())
}

#[test]
fn a_waiting_customer_ramps_to_a_breach_in_the_pane_title() {
    let server = TestServer::start_with(quick_levels());
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("alice.json"), "alice");
    let billing = QueueRef::Team {
        team: TeamId::new("billing"),
    };
    let level = alice.state().model.queue(&billing).unwrap().service_level;
    assert_eq!(
        level,
        ServiceLevel {
            target_ms: 1_000,
            breach_ms: 2_000
        },
        "the queue's level from the snapshot"
    );
    assert!(
        !has_label(&alice, &words::breached(1)),
        "nobody waits, nothing breached"
    );

    let _customer = Customer::start(&server, "Slow Sam", invoice());
    wait_for_label(&mut alice, "Slow Sam");
    wait_for_label_containing(&mut alice, "longest ");
    wait_for_label(&mut alice, &words::breached(1));
    // The model's level for that wait, by the same clock the pane used.
    let entered = alice.state().model.queue(&billing).unwrap().entries[0].entered_queue_at;
    let now = switchboard::pace::now_ms();
    assert_eq!(
        switchboard::model::supervision::wait_level(&level, entered, now),
        WaitLevel::Breach
    );
}
