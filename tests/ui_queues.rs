//! UI tests of the queues (seed 001): customers waiting in their team's pane, sorting,
//! favourite teams, accepting by button and by double click, and the search box. The real
//! console against a real server, driven through the accessibility tree.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use switchboard_protocol::Route;
use ui_support::*;

fn invoice() -> Route {
    Route::Issue {
        issue: "invoice".into(),
    }
}

/// The top edges of these customers' rows, in the order given.
fn tops(console: &Console, names: &[&str]) -> Vec<f32> {
    names.iter().map(|name| top_of(console, name)).collect()
}

/// The names, ordered top to bottom as the rows are on screen.
fn on_screen_order<'a>(console: &Console, names: &[&'a str]) -> Vec<&'a str> {
    let mut rows: Vec<(f32, &str)> = names
        .iter()
        .map(|name| (top_of(console, name), *name))
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, name)| name).collect()
}

/// The sort arrows of the queue headers are drawn with a glyph, not a box ("tofu").
#[test]
fn sort_arrows_have_a_glyph() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let _zed = Customer::start(&server, "Zed Zimmer", invoice());
    // The plain console: missing glyphs panic.
    let mut console = console(
        &server,
        &prefs.path().join("prefs.json"),
        Some(("alice", "alice-demo")),
    );
    wait_for_label(&mut console, "Time in queue ▼");
}

/// A customer who picked an issue on the issue form waits in that issue's team pane (Billing).
#[test]
fn issue_customer_waits_in_the_billing_pane() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let _zed = Customer::start(&server, "Zed Zimmer", invoice());
    wait_for_label(&mut console, "Zed Zimmer");
    let row = top_of(&console, "Zed Zimmer");
    assert!(
        top_of(&console, "Favourite Billing") < row
            && row < top_of(&console, "Favourite Technical Support"),
        "the row is in the Billing pane"
    );
    expect_label(&mut console, "1 waiting");
    expect_label(&mut console, "Queues (1)");
}

/// A header click sorts by that column (▲); a second click reverses it (▼).
#[test]
fn header_click_sorts_and_a_second_click_reverses() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let names = ["Zed Zimmer", "Amy Adams", "Mia Moreno"];
    let _customers: Vec<Customer> = names
        .iter()
        .map(|name| Customer::start(&server, name, invoice()))
        .collect();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    for name in names {
        wait_for_label(&mut console, name);
    }
    // By default the longest wait comes first: the order they arrived in.
    expect_label(&mut console, "Time in queue ▼");
    assert_eq!(on_screen_order(&console, &names), names);

    click_role(&mut console, Role::Button, "Customer");
    wait_for_label(&mut console, "Customer ▲");
    assert_eq!(
        on_screen_order(&console, &names),
        ["Amy Adams", "Mia Moreno", "Zed Zimmer"]
    );
    expect_label(&mut console, "Time in queue");

    console.get_by_label_contains("Customer ▲").click();
    console.step();
    wait_for_label(&mut console, "Customer ▼");
    assert_eq!(
        on_screen_order(&console, &names),
        ["Zed Zimmer", "Mia Moreno", "Amy Adams"]
    );
    let rows = tops(&console, &["Zed Zimmer", "Mia Moreno", "Amy Adams"]);
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "{rows:?}");
}

/// Starring a team puts its pane before the other teams' panes; unstarring puts it back.
#[test]
fn a_starred_team_comes_first() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let prefs_path = prefs.path().join("prefs.json");
    let mut console = logged_in(&server, &prefs_path, "alice");
    // Without favourites, teams keep the server's order: Billing, then Technical Support.
    assert!(
        top_of(&console, "Favourite Billing") < top_of(&console, "Favourite Technical Support")
    );

    click_label(&mut console, "Favourite Technical Support");
    wait_for_label(&mut console, "Unfavourite Technical Support");
    assert!(
        top_of(&console, "Unfavourite Technical Support") < top_of(&console, "Favourite Billing"),
        "the starred team's pane moved first"
    );
    assert!(
        top_of(&console, "Personal") < top_of(&console, "Unfavourite Technical Support"),
        "Personal stays on top"
    );

    click_label(&mut console, "Favourite Billing");
    wait_for_label(&mut console, "Unfavourite Billing");
    click_label(&mut console, "Unfavourite Technical Support");
    wait_for_label(&mut console, "Favourite Technical Support");
    assert!(
        top_of(&console, "Unfavourite Billing") < top_of(&console, "Favourite Technical Support")
    );
    console.state().flush_prefs();
    let saved = std::fs::read_to_string(&prefs_path).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["favourite_teams"], serde_json::json!(["billing"]));
}

/// Clicking a row opens its details; Accept there opens the session's tab in front.
#[test]
fn accept_in_the_details_opens_a_tab() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let mut zed = Customer::start(&server, "Zed Zimmer", invoice());
    wait_for_label(&mut console, "Zed Zimmer");
    assert!(console.query_by_label("Accept").is_none());

    click_label(&mut console, "Zed Zimmer");
    wait_for_label(&mut console, "Accept");
    assert_eq!(
        count_labels(&console, "Zed Zimmer"),
        2,
        "the row and the details' heading"
    );
    click_label(&mut console, "Accept");
    wait_for_label(&mut console, "Close session");
    assert!(
        console
            .query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_some(),
        "a tab named after the customer"
    );
    expect_label(&mut console, "Queues (0)");
    assert!(console.query_by_label("Accept").is_none());
    assert_eq!(zed.expect_rep_joined(&server), "Alice Martin");
}

/// A double click on a row accepts it at once.
#[test]
fn double_click_accepts() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let _amy = Customer::start(&server, "Amy Adams", invoice());
    wait_for_label(&mut console, "Amy Adams");
    double_click_label(&mut console, "Amy Adams");
    wait_for_label(&mut console, "Close session");
    assert!(
        console
            .query_by_role_and_label(Role::Button, "Amy Adams")
            .is_some()
    );
    expect_label(&mut console, "Queues (0)");
}

/// Clicking a row opens its details; clicking it again closes them. Two clicks queued
/// before one step are not a double click either: kittest gives every pointer event a frame
/// of ¼ s, more than egui's 0.3 s double-click limit (see `double_click_label`).
#[test]
fn clicking_a_row_again_closes_its_details() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let _amy = Customer::start(&server, "Amy Adams", invoice());
    wait_for_label(&mut console, "Amy Adams");
    click_label(&mut console, "Amy Adams");
    wait_for_label(&mut console, "Accept");
    // The row, not the details' heading (at the bottom).
    let row = console
        .get_all_by_label("Amy Adams")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .unwrap();
    row.click();
    console.step();
    wait_for_no_label(&mut console, "Accept");
    assert_eq!(
        count_labels(&console, "Amy Adams"),
        1,
        "only the row is left"
    );

    let row = console.get_by_label("Amy Adams");
    row.click();
    row.click();
    console.run_steps(3);
    assert!(console.query_by_label("Close session").is_none());
    assert!(console.query_by_label("Accept").is_none());
    expect_label(&mut console, "Queues (1)");
}

/// The search box finds a customer by company, across all queues.
#[test]
fn search_finds_a_customer_by_company() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let _ann = Customer::start_with(&server, "Ann Archer", "Globex", invoice());
    let _bo = Customer::start_with(
        &server,
        "Bo Baker",
        "Initech",
        Route::Issue {
            issue: "login".into(),
        },
    );
    wait_for_label(&mut console, "Ann Archer");
    wait_for_label(&mut console, "Bo Baker");

    type_into(&mut console, Role::TextInput, "Search", "globex");
    wait_for_label(&mut console, "1 found in all queues");
    expect_label(&mut console, "Ann Archer");
    assert!(!has_label(&console, "Bo Baker"));
    assert!(!has_label(&console, "Favourite Billing"), "panes hidden");

    click_label(&mut console, "Clear");
    wait_for_label(&mut console, "Bo Baker");
    expect_label(&mut console, "Ann Archer");
}

/// Important shows as a red "!" beside the customer's name in the queue, not as a column,
/// and a team pane has no Queue column (its title says it), while the search results,
/// which mix queues, keep one.
#[test]
fn important_is_a_marker_by_the_name_and_only_search_has_a_queue_column() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    click_role(&mut alice, Role::CheckBox, "Important");
    step_until(&mut alice, "Zed's session marked important", |h| {
        h.state().model.sessions.values().any(|s| s.info.important)
    });
    click_label(&mut alice, "Close session");
    wait_for_label(&mut alice, "Leave in queue");
    click_label(&mut alice, "Leave in queue");
    wait_for_no_label(&mut alice, "Close session");
    step_until(&mut alice, "the marker on Zed's row", |h| {
        let Some(row) = h.query_by_label("Zed Zimmer").map(|n| n.rect()) else {
            return false;
        };
        h.query_all_by_role_and_label(Role::Label, "Important")
            .any(|m| m.rect().center().y > row.min.y && m.rect().center().y < row.max.y)
    });
    for column in ["Important", "Queue"] {
        assert!(
            alice
                .query_by_role_and_label(Role::Button, column)
                .is_none(),
            "no {column} column in a team pane"
        );
    }

    type_into(&mut alice, Role::TextInput, "Search", "zed");
    wait_for_label(&mut alice, "1 found in all queues");
    step_until(&mut alice, "a Queue column in the results", |h| {
        h.query_by_role_and_label(Role::Button, "Queue").is_some()
    });
    assert!(
        alice
            .query_by_role_and_label(Role::Button, "Important")
            .is_none(),
        "Important is never a column"
    );
}
