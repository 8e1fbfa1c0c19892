//! UI tests of the keyboard workflow: arrows through the queue rows and Enter to accept,
//! a shortcut for the longest-waiting customer, tab shortcuts, the composer and search
//! shortcuts, Esc, the Shortcuts list, and the focus on the login screen.

mod ui_support;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ui_support::*;

/// Whether the text field with this role and label has the keyboard focus.
fn focused(console: &Console, role: Role, label: &str) -> bool {
    console
        .get_by_role_and_label(role, label)
        .accesskit_node()
        .is_focused()
}

/// Whether the tab of `name` is the one in front.
fn in_front(console: &Console, name: &str) -> bool {
    console
        .query_by_role_and_label(Role::Button, name)
        .is_some_and(|tab| tab.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True))
}

/// ↓ selects the first row (its details open), ↓ again the second, Enter accepts it:
/// its tab comes to the front with the cursor in the message box.
#[test]
fn arrows_and_enter_accept_a_queue_row() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let _ann = Customer::start(&server, "Ann Archer", invoice());
    wait_for_label(&mut alice, "Ann Archer");
    let mut bo = Customer::start(&server, "Bo Baker", invoice());
    wait_for_label(&mut alice, "Bo Baker");

    alice.key_press(Key::ArrowDown);
    wait_for_label(&mut alice, "Close details");
    step_until(&mut alice, "Ann's details", |h| {
        count_labels(h, "Ann Archer") == 2
    });
    alice.key_press(Key::ArrowDown);
    step_until(&mut alice, "Bo's details", |h| {
        count_labels(h, "Bo Baker") == 2
    });
    alice.key_press(Key::Enter);
    step_until(&mut alice, "Bo's tab in front", |h| in_front(h, "Bo Baker"));
    assert_eq!(bo.expect_rep_joined(&server), "Alice Martin");
    step_until(&mut alice, "the cursor in the message box", |h| {
        focused(h, Role::MultilineTextInput, "Message")
    });
}

/// Ctrl+Enter accepts whoever has waited longest (Ann, who came first), wherever the rep is.
#[test]
fn a_key_accepts_the_longest_waiting() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let mut ann = Customer::start(&server, "Ann Archer", invoice());
    wait_for_label(&mut alice, "Ann Archer");
    let _bo = Customer::start(&server, "Bo Baker", invoice());
    wait_for_label(&mut alice, "Bo Baker");

    alice.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    step_until(&mut alice, "Ann's tab in front", |h| {
        in_front(h, "Ann Archer")
    });
    assert_eq!(ann.expect_rep_joined(&server), "Alice Martin");
}

/// Ctrl+PageDown / Ctrl+PageUp walk the tabs (Queues first); Ctrl+U goes to the session
/// with unread chat; Ctrl+M puts the cursor in the message box; Ctrl+F in the search box,
/// and Esc empties the search.
#[test]
fn tab_composer_and_search_shortcuts() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut ann) = in_session(&server, &prefs.path().join("a.json"), "Ann Archer");
    let _bea = Customer::start(&server, "Bea Baker", invoice());
    wait_for_label(&mut alice, "Queues (1)");
    click_label(&mut alice, "Queues (1)");
    accept(&mut alice, "Bea Baker");

    alice.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    step_until(&mut alice, "Ann in front", |h| in_front(h, "Ann Archer"));
    alice.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    step_until(&mut alice, "the queues in front", |h| {
        h.state().front().is_none()
    });
    alice.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    step_until(&mut alice, "Ann in front again", |h| {
        in_front(h, "Ann Archer")
    });
    alice.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    step_until(&mut alice, "Bea in front", |h| in_front(h, "Bea Baker"));

    ann.say(&server, "Hello?");
    wait_for_label(&mut alice, "Ann Archer (1)");
    alice.key_press_modifiers(Modifiers::COMMAND, Key::U);
    step_until(&mut alice, "Ann (unread) in front", |h| {
        in_front(h, "Ann Archer")
    });

    alice.key_press_modifiers(Modifiers::COMMAND, Key::F);
    step_until(&mut alice, "the cursor in Search", |h| {
        focused(h, Role::TextInput, "Search")
    });
    alice
        .get_by_role_and_label(Role::TextInput, "Search")
        .type_text("nobody");
    wait_for_label(&mut alice, "0 found in all queues");
    alice.key_press(Key::Escape);
    wait_for_no_label(&mut alice, "0 found in all queues");

    alice.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    step_until(&mut alice, "a session in front", |h| {
        h.state().front().is_some()
    });
    alice.key_press_modifiers(Modifiers::COMMAND, Key::M);
    step_until(&mut alice, "the cursor in the message box", |h| {
        focused(h, Role::MultilineTextInput, "Message")
    });
}

/// F1 opens the list of shortcuts; Esc closes the close dialog.
#[test]
fn f1_lists_the_shortcuts_and_esc_closes_a_dialog() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    alice.key_press(Key::F1);
    wait_for_label(&mut alice, "Keyboard shortcuts");
    expect_label(
        &mut alice,
        "Accept the customer waiting longest that you may take",
    );
    alice.key_press(Key::F1);
    wait_for_no_label(&mut alice, "Keyboard shortcuts");

    click_label(&mut alice, "Close session");
    wait_for_label(&mut alice, "End session");
    alice.key_press(Key::Escape);
    wait_for_no_label(&mut alice, "End session");
}

/// The login screen opens with the cursor in the first field to fill (the username, as the
/// server is filled in).
#[test]
fn login_screen_focuses_the_username() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console(&server, &prefs.path().join("p.json"), None);
    step_until(&mut console, "the cursor in Username", |h| {
        focused(h, Role::TextInput, "Username")
    });
}

/// Tab runs left to right through the whole top bar: Waiting activities first, then the
/// right-hand controls to Log out, each one further right (a right-to-left layout ran it
/// backwards, and `egui::Sides` visited the right-hand group before the left side).
#[test]
fn tab_runs_left_to_right_through_the_top_bar() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    wait_for_label(&mut alice, "Log out");
    let bar_bottom = alice.get_by_label("Log out").rect().max.y;
    let mut order: Vec<(String, f32)> = Vec::new();
    for _ in 0..40 {
        alice.key_press(Key::Tab);
        alice.step();
        let focused = alice
            .query_all(egui_kittest::kittest::By::new().predicate(|n| n.is_focused()))
            .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
            .find(|(_, rect)| rect.max.y <= bar_bottom + 1.0);
        if let Some((label, rect)) = focused
            && order.last().is_none_or(|(last, _)| *last != label)
        {
            order.push((label.clone(), rect.min.x));
            if label == "Log out" {
                break;
            }
        }
    }
    let labels: Vec<&str> = order.iter().map(|(l, _)| l.as_str()).collect();
    let at = |label: &str| labels.iter().position(|l| *l == label);
    let (waiting, key, settings, shortcuts, log_out) = (
        at("Waiting activities (0)"),
        at("Generate session key"),
        at("Settings"),
        at("Shortcuts"),
        at("Log out"),
    );
    assert_eq!(waiting, Some(0), "the left side comes first: {labels:?}");
    assert!(
        waiting < key && key < settings && settings < shortcuts && shortcuts < log_out,
        "Tab order in the top bar: {labels:?}"
    );
    let xs: Vec<f32> = order.iter().map(|(_, x)| *x).collect();
    assert!(
        xs.windows(2).all(|w| w[0] < w[1]),
        "each Tab moves right, from the first control to Log out: {order:?}"
    );
}
