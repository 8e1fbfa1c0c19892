//! UI tests of handing a session over: a rep already in the session is a Transfer target,
//! and joins, leaves, invitations, transfers and the customer's disconnection are told
//! inline in the chat, apart from the messages: the server's own lines (`Author::System`),
//! or where a server sends none, the lines the console derives (either wording is waited
//! for).

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use switchboard_protocol::Author;
use ui_support::*;

/// Steps until a widget whose label contains one of `parts` exists; returns that label.
fn wait_for_line(console: &mut Console, parts: &[&str]) -> String {
    step_until(
        console,
        &format!("a line containing one of {parts:?}"),
        |h| parts.iter().any(|p| h.query_by_label_contains(p).is_some()),
    );
    let part = parts
        .iter()
        .find(|p| console.query_by_label_contains(p).is_some())
        .expect("found above");
    let node = console.get_by_label_contains(part);
    let node = node.accesskit_node();
    node.label().or_else(|| node.value()).unwrap_or_default()
}

/// Whether the session with `customer` has a line from the server containing `part`.
fn has_server_line(console: &Console, part: &str) -> bool {
    console
        .state()
        .model
        .sessions
        .values()
        .flat_map(|s| &s.chat)
        .any(|m| m.author == Author::System && m.text.contains(part))
}

/// Bob joins Alice's session with Zed through an invitation.
fn bob_joins(server: &TestServer, alice: &mut Console, prefs: &std::path::Path) -> Console {
    let mut bob = logged_in(server, prefs, "bob");
    share_with(alice, "Billing", "Bob Okafor");
    let row = "Invitation: Zed Zimmer (from Alice Martin)";
    wait_for_label(&mut bob, row);
    double_click_label(&mut bob, row);
    step_until(&mut bob, "Bob in the session", |h| {
        has_label(h, "Leave session")
    });
    wait_for_label(alice, "Alice Martin, Bob Okafor");
    bob
}

/// Bob, in the session, is listed in Alice's Transfer dialog (the server's list of
/// invitable reps leaves him out), and the transfer to him goes through.
#[test]
fn a_participant_is_a_transfer_target() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = bob_joins(&server, &mut alice, &prefs.path().join("b.json"));

    click_label(&mut alice, "Transfer");
    wait_for_label_containing(&mut alice, "In this session");
    wait_for_label(&mut alice, "Bob Okafor");
    click_label(&mut alice, "Bob Okafor");
    click_label(&mut alice, "Stay in session");
    step_until(&mut alice, "a target chosen", |h| {
        !is_disabled(h, "Transfer session")
    });
    click_label(&mut alice, "Transfer session");
    let told = [
        "Transferred to Bob Okafor",
        "transferred the session to Bob Okafor",
    ];
    wait_for_line(&mut alice, &told);
    wait_for_line(&mut bob, &["Transferred to", "transferred the session to"]);
}

/// The chat tells, between the messages: an invitation, a rep joining and leaving, and the
/// customer disconnected, each as an event line rather than a message.
#[test]
fn system_events_show_inline_in_the_chat() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    zed.say(&server, "Hello there");
    wait_for_label(&mut alice, "Hello there");
    let mut bob = bob_joins(&server, &mut alice, &prefs.path().join("b.json"));
    wait_for_line(&mut alice, &["Alice Martin invited Bob Okafor"]);
    let joined = wait_for_line(&mut alice, &["Bob Okafor joined"]);
    assert!(
        top_of(&alice, "Hello there") < top_of(&alice, &joined),
        "in order with the messages"
    );

    click_label(&mut bob, "Leave session");
    wait_for_line(&mut alice, &["Bob Okafor left"]);

    click_label(&mut alice, "Disconnect customer");
    let told = ["The customer disconnected", "disconnected the customer"];
    let disconnected = wait_for_line(&mut alice, &told);
    assert!(
        alice
            .query_by_role_and_label(Role::Button, &disconnected)
            .is_none()
    );
}

/// The server's own lines (`Author::System`: a rep joined, left) show between the
/// messages centred and without a bubble, apart from the customer's messages on the left;
/// they are not unread (no count) and do not hide a customer's message that is.
#[test]
fn server_lines_are_told_apart_and_not_unread() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    zed.say(&server, "Hello there");
    wait_for_label(&mut alice, "Hello there");
    let mut bob = bob_joins(&server, &mut alice, &prefs.path().join("b.json"));
    let joined = wait_for_line(&mut alice, &["Bob Okafor joined"]);
    assert!(
        has_server_line(&alice, "Bob Okafor joined"),
        "the server tells it: {joined:?}"
    );
    let line = alice.get_by_label(&joined).rect();
    let hello = alice.get_by_label("Hello there").rect();
    let message_box = alice.get_by_label("Message").rect();
    assert!(
        line.min.x > hello.min.x + 40.0,
        "not in the customer's lane: {line:?} against {hello:?}"
    );
    // The conversation is one column (at most CHAT_MAX_WIDTH) from the chat's left edge.
    let column = message_box
        .width()
        .min(switchboard::ui::chat::CHAT_MAX_WIDTH);
    let column_centre = hello.min.x + column / 2.0;
    assert!(
        (line.center().x - column_centre).abs() < 80.0,
        "centred over the conversation: {line:?}, column centre {column_centre}"
    );

    // With the queues in front, Zed's new message waits (the tab flashes); Bob leaving
    // after it is told but waits for nobody, and the tab still flashes for Zed's message.
    click_label(&mut alice, "Queues (0)");
    let session_id = zed.session_id;
    zed.say(&server, "Still there?");
    step_until(&mut alice, "the tab flashing for Zed's message", |h| {
        h.state().tab_flash(session_id).is_some()
    });
    click_label(&mut bob, "Leave session");
    step_until(&mut alice, "the server's line about Bob leaving", |h| {
        has_server_line(h, "Bob Okafor left")
    });
    for _ in 0..3 {
        alice.step();
    }
    let unread = alice.state().model.sessions[&session_id].unread;
    assert_eq!(unread, 1, "Zed's message waits; the server's line does not");
    assert!(
        alice.state().tab_flash(session_id).is_some(),
        "still flashing for Zed's message"
    );
}
