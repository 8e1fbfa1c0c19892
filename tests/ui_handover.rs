//! UI tests of handing a session over: a rep already in the session is a Transfer target,
//! and joins, leaves, invitations, transfers and the customer's disconnection are told
//! inline in the chat, apart from the messages.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use ui_support::*;

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
    wait_for_label(&mut alice, "Transferred to Bob Okafor");
    wait_for_label_containing(&mut bob, "Transferred to");
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
    wait_for_label(&mut alice, "Alice Martin invited Bob Okafor");
    wait_for_label(&mut alice, "Bob Okafor joined");
    assert!(
        top_of(&alice, "Hello there") < top_of(&alice, "Bob Okafor joined"),
        "in order with the messages"
    );

    click_label(&mut bob, "Leave session");
    wait_for_label(&mut alice, "Bob Okafor left");

    click_label(&mut alice, "Disconnect customer");
    wait_for_label(&mut alice, "The customer disconnected");
    assert!(
        alice
            .query_by_role_and_label(Role::Button, "The customer disconnected")
            .is_none()
    );
}
