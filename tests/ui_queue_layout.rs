//! UI tests of how the queue panes use the screen: a busy pane gets the room instead of a
//! fixed cap, and rows hold still under the pointer when customers arrive above them.

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use switchboard_protocol::Route;
use ui_support::*;

/// Technical Support's queue (the issue form's "login" issue), below Billing's pane.
fn login_issue() -> Route {
    Route::Issue {
        issue: "login".into(),
    }
}

/// While the pointer is on a row, a customer arriving in a pane above does not move it:
/// the pane says "1 new" instead; once the pointer leaves, the new row shows.
#[test]
fn a_row_under_the_pointer_stays_put_when_an_entry_arrives_above() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let _bo = Customer::start(&server, "Bo Baker", login_issue());
    wait_for_label(&mut alice, "Bo Baker");
    alice.get_by_label("Bo Baker").hover();
    alice.run_steps(2);
    let before = top_of(&alice, "Bo Baker");

    let _ann = Customer::start(&server, "Ann Archer", invoice());
    // The pointer keeps moving on the row (a resting pointer lets the queues move on).
    let at = alice.get_by_label("Bo Baker").rect().center();
    let deadline = std::time::Instant::now() + DEADLINE;
    while !has_label(&alice, "1 new") {
        assert!(std::time::Instant::now() < deadline, "no \"1 new\" note");
        alice.hover_at(at);
        alice.step();
    }
    assert_eq!(top_of(&alice, "Bo Baker"), before, "the row held still");
    assert!(
        !has_label(&alice, "Ann Archer"),
        "held back while pointed at"
    );

    alice.hover_at(egui::pos2(5.0, 5.0));
    wait_for_label(&mut alice, "Ann Archer");
    wait_for_no_label(&mut alice, "1 new");
    assert!(
        top_of(&alice, "Bo Baker") > before,
        "the pane grew above it"
    );
}

/// A pane with many waiting gets the height it needs: eighteen customers in General all
/// show at 1280 × 800 (the panes used to stop at eleven rows each).
#[test]
fn a_busy_pane_gets_the_room() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let names: Vec<String> = (1..=18)
        .map(|i| format!("General Customer {i:02}"))
        .collect();
    let _customers: Vec<Customer> = names
        .iter()
        .map(|name| Customer::start(&server, name, Route::General))
        .collect();
    step_until(&mut alice, "all eighteen rows on screen", |h| {
        names.iter().all(|name| has_label(h, name))
    });
}

/// The bottom edge (y, in points) of the one widget with exactly this label.
fn bottom_of(console: &Console, label: &str) -> f32 {
    console.get_by_label(label).rect().max.y
}

/// The top edge of the highest widget with this label (a label and its text run, or one
/// in each of several panes).
fn top_of_any(console: &Console, label: &str) -> Option<f32> {
    console
        .query_all_by_label(label)
        .map(|n| n.rect().min.y)
        .reduce(f32::min)
}

/// When the panes all fit, each shows every row it has: at 1366 × 768 with 4 in Personal,
/// 8 in Billing and one each in Technical Support and General (the demo showed Billing's
/// "9 waiting" as 4 rows and a scrollbar, with room to spare below General), every
/// customer's row lies inside its pane, above the next pane's title.
#[test]
fn a_pane_with_n_waiting_shows_n_rows_when_there_is_room() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    alice.set_size(egui::vec2(1366.0, 768.0));
    let personal: Vec<String> = (1..=4).map(|i| format!("Personal {i}")).collect();
    let billing: Vec<String> = (1..=8).map(|i| format!("Billing {i}")).collect();
    let mut customers = Vec::new();
    for name in &personal {
        let route = Route::Rep {
            rep: "alice".into(),
        };
        customers.push(Customer::start(&server, name, route));
    }
    for name in &billing {
        customers.push(Customer::start(&server, name, invoice()));
    }
    customers.push(Customer::start(&server, "Tech One", login_issue()));
    customers.push(Customer::start(&server, "General One", Route::General));
    let everyone: Vec<&String> = personal.iter().chain(&billing).collect();
    step_until(&mut alice, "every row inside its pane", |h| {
        let everyone_there = everyone.iter().all(|name| has_label(h, name));
        let (Some(tech_top), Some(status_top)) = (
            top_of_any(h, "Technical Support"),
            top_of_any(h, "Connected"),
        ) else {
            return false;
        };
        everyone_there
            && has_label(h, "General One")
            && billing.iter().all(|name| bottom_of(h, name) <= tech_top)
            && bottom_of(h, "General One") <= status_top
    });
    assert!(has_label(&alice, "8 waiting"), "Billing's count");
}

/// While the pointer is on a row, a customer leaving a pane above (accepted by a
/// colleague) does not pull the row up under it either; once the pointer leaves, the
/// panes close up.
#[test]
fn a_row_under_the_pointer_stays_put_when_an_entry_above_goes() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");
    let _ann = Customer::start(&server, "Ann Archer", invoice());
    let _amy = Customer::start(&server, "Amy Adams", invoice());
    let _bo = Customer::start(&server, "Bo Baker", login_issue());
    wait_for_label(&mut alice, "Bo Baker");
    wait_for_label(&mut alice, "Amy Adams");
    let at = alice.get_by_label("Bo Baker").rect().center();
    alice.hover_at(at);
    alice.run_steps(2);
    let before = top_of(&alice, "Bo Baker");

    accept(&mut bob, "Ann Archer");
    let deadline = std::time::Instant::now() + DEADLINE;
    while has_label(&alice, "2 waiting") {
        assert!(std::time::Instant::now() < deadline, "Ann never left");
        alice.hover_at(at);
        alice.step();
    }
    alice.hover_at(at);
    alice.step();
    assert_eq!(top_of(&alice, "Bo Baker"), before, "the row held still");

    alice.hover_at(egui::pos2(5.0, 5.0));
    step_until(&mut alice, "the panes close up", |h| {
        top_of(h, "Bo Baker") < before
    });
}
