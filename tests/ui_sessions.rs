//! UI tests of session tabs (seed 003): the chat composer (Enter sends, Shift+Enter is a new
//! line, "To reps only"), the customer's replies, unread counts on background tabs and in the
//! active-sessions menu, and closing a tab (end with a disposition, or leave in queue). The
//! real console against a real server, driven through the accessibility tree.

mod ui_support;

use egui::accesskit::Role;
use egui::accesskit::Toggled;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ui_support::*;

/// Enter in the composer sends the message to the customer and empties the composer.
#[test]
fn enter_sends_the_message_to_the_customer() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");

    send_in_composer(&mut console, "Hello, I am looking at your invoice");
    zed.expect_rep_says(&server, "Hello, I am looking at your invoice");
    wait_for_label(&mut console, "Hello, I am looking at your invoice");
    wait_for_no_label(&mut console, "sending…");
    assert_eq!(composer_text(&console), "");
    expect_label(&mut console, "Alice Martin (you)");
}

/// Shift+Enter adds a new line and sends nothing; Enter then sends both lines as one message.
#[test]
fn shift_enter_adds_a_line_instead_of_sending() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");

    type_into(
        &mut console,
        Role::MultilineTextInput,
        "Message",
        "First line",
    );
    console.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::Enter);
    console.step();
    console
        .get_by_role_and_label(Role::MultilineTextInput, "Message")
        .type_text("second line");
    console.run_steps(3);
    assert_eq!(composer_text(&console), "First line\nsecond line");
    assert!(!has_label(&console, "sending…"), "nothing was sent");

    console.key_press(egui::Key::Enter);
    console.step();
    zed.expect_rep_says(&server, "First line\nsecond line");
    assert_eq!(composer_text(&console), "");
}

/// A "To reps only" message never reaches the customer; the public one after it does.
#[test]
fn reps_only_message_never_reaches_the_customer() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");

    click_role(&mut console, Role::CheckBox, "To reps only");
    step_until(&mut console, "the To reps only box ticked", |h| {
        h.get_by_role_and_label(Role::CheckBox, "To reps only")
            .accesskit_node()
            .toggled()
            == Some(Toggled::True)
    });
    send_in_composer(&mut console, "Note: he was double billed");
    wait_for_label(&mut console, "Note: he was double billed");
    wait_for_label(&mut console, "reps only");
    wait_for_no_label(&mut console, "sending…");

    click_role(&mut console, Role::CheckBox, "To reps only");
    send_in_composer(&mut console, "I will refund the second charge");
    wait_for_label(&mut console, "I will refund the second charge");
    assert_eq!(
        zed.next_rep_message(&server),
        "I will refund the second charge",
        "the customer's next rep message is the public one"
    );
}

/// The customer's reply shows in the session's chat, under the customer's name.
#[test]
fn the_customers_reply_shows_in_the_chat() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");
    zed.say(&server, "Invoice 4711 is charged twice");
    wait_for_label(&mut console, "Invoice 4711 is charged twice");
    // The heading and the message's author (besides the tab button).
    assert_eq!(
        console
            .query_all_by_role_and_label(Role::Label, "Zed Zimmer")
            .count(),
        2
    );
}

/// A message in a background session shows its count on the tab ("Name (1)") and in the
/// "Active sessions 💬 1" menu; opening the session there clears it.
#[test]
fn background_message_counts_on_its_tab_and_in_the_menu() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut ann) = in_session(&server, &prefs.path().join("p.json"), "Ann Archer");
    let _bo = Customer::start(&server, "Bo Baker", invoice());
    wait_for_label(&mut console, "Queues (1)");
    click_label(&mut console, "Queues (1)");
    accept(&mut console, "Bo Baker");
    expect_label(&mut console, "Active sessions");

    ann.say(&server, "Are you still there?");
    wait_for_label(&mut console, "Ann Archer (1)");
    wait_for_label(&mut console, "Active sessions 💬 1");
    assert!(!has_label(&console, "Are you still there?"), "not in front");

    click_label(&mut console, "Active sessions 💬 1");
    wait_for_label(&mut console, "Ann Archer  💬");
    click_label(&mut console, "Ann Archer  💬");
    wait_for_label(&mut console, "Are you still there?");
    wait_for_label(&mut console, "Active sessions");
    assert!(console.query_by_label("Ann Archer (1)").is_none());
    assert!(
        console
            .get_by_role_and_label(Role::Button, "Ann Archer")
            .accesskit_node()
            .toggled()
            == Some(Toggled::True)
    );
}

/// Closing a tab as its owner asks what to do; a disposition and "End session" end the
/// session: the tab goes and the customer is told.
#[test]
fn end_session_with_a_disposition_closes_the_tab() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");

    click_label(&mut console, "Close session");
    wait_for_label(&mut console, "End session");
    expect_label(&mut console, "Leave in queue");
    // The combo box has no accessible name ("Disposition" is a separate label): by its value.
    console
        .get_by(|node| node.role() == Role::ComboBox && node.value().as_deref() == Some("Choose…"))
        .click();
    console.step();
    wait_for_label(&mut console, "Resolved");
    click_label(&mut console, "Resolved");
    step_until(&mut console, "Resolved chosen", |h| {
        h.query_by(|node| {
            node.role() == Role::ComboBox && node.value().as_deref() == Some("Resolved")
        })
        .is_some()
    });
    click_label(&mut console, "End session");
    wait_for_no_label(&mut console, "Close session");
    assert!(console.query_by_label("End session").is_none());
    assert!(
        console
            .query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none(),
        "the tab is gone"
    );
    assert!(!has_label(&console, "Zed Zimmer"));
    expect_label(&mut console, "Queues (0)");
    zed.expect_session_ended(&server);
}

/// "Leave in queue" closes the tab and puts the session back in its queue (Billing).
#[test]
fn leave_in_queue_puts_the_session_back() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, _zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");

    click_label(&mut console, "Close session");
    wait_for_label(&mut console, "Leave in queue");
    click_label(&mut console, "Leave in queue");
    wait_for_no_label(&mut console, "Close session");
    wait_for_label(&mut console, "Queues (1)");
    wait_for_label(&mut console, "Zed Zimmer");
    assert!(
        console
            .query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none(),
        "no tab"
    );
    let row = top_of(&console, "Zed Zimmer");
    assert!(
        top_of(&console, "Favourite Billing") < row
            && row < top_of(&console, "Favourite Technical Support"),
        "back in the Billing pane"
    );
}

/// End stays greyed until a disposition is chosen (the demo server requires one), and the
/// dialog says why; Esc closes the dialog and the session and its tab stay.
#[test]
fn end_is_greyed_until_a_disposition_is_chosen_and_esc_cancels() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, _zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");
    click_label(&mut console, "Close session");
    wait_for_label(&mut console, "End session");
    assert!(is_disabled(&console, "End session"));
    expect_label(
        &mut console,
        "Choose a disposition before ending the session.",
    );

    console.key_press(egui::Key::Escape);
    wait_for_no_label(&mut console, "End session");
    expect_label(&mut console, "Close session");
    assert!(
        console
            .query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_some()
    );
}

/// On a server that does not require a disposition (the snapshot says so), End is enabled
/// at once, even though a list of dispositions exists, and ends the session.
#[test]
fn end_is_enabled_where_no_disposition_is_required() {
    let config = switchboard_server::config::DEMO_CONFIG
        .replace("require_disposition = true", "require_disposition = false");
    let server = TestServer::start_with(std::sync::Arc::new(
        switchboard_server::config::Config::from_toml(&config).unwrap(),
    ));
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut yan) = in_session(&server, &prefs.path().join("p.json"), "Yan Yu");
    click_label(&mut console, "Close session");
    wait_for_label(&mut console, "End session");
    assert!(!is_disabled(&console, "End session"));
    click_label(&mut console, "End session");
    yan.expect_session_ended(&server);
}

/// Leaving a session forgets what the console kept for it (`Change::Left`): Zed, left in
/// the queue with a half-typed answer and accepted again, comes back with an empty message
/// box rather than a stale draft.
#[test]
fn a_session_left_and_accepted_again_starts_with_an_empty_message_box() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, _zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");
    type_into(
        &mut console,
        Role::MultilineTextInput,
        "Message",
        "half-typed",
    );
    assert_eq!(composer_text(&console), "half-typed");

    click_label(&mut console, "Close session");
    wait_for_label(&mut console, "Leave in queue");
    click_label(&mut console, "Leave in queue");
    wait_for_no_label(&mut console, "Close session");
    wait_for_label(&mut console, "Zed Zimmer");
    accept(&mut console, "Zed Zimmer");
    wait_for_label(&mut console, "Close session");
    assert_eq!(composer_text(&console), "", "the old draft is gone");
}
