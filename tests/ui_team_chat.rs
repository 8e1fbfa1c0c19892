//! UI test of team chat: an unread message puts the orange bubble in place of the star;
//! clicking it opens the team's chat, which can be read and written.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use ui_support::*;

/// Bob writes in the Billing team chat; Alice's console shows the bubble instead of the star,
/// opens the chat from it, reads Bob's message and answers; Bob reads the answer.
#[test]
fn unread_team_chat_shows_the_bubble_and_opens_the_chat() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("alice.json"), "alice");
    let mut bob = logged_in(&server, &prefs.path().join("bob.json"), "bob");
    expect_label(&mut alice, "Favourite Billing");

    bob.get_by_label("Open the Billing team chat").click();
    wait_for_label(&mut bob, "Team message");
    bob.get_by_role_and_label(Role::TextInput, "Team message")
        .click();
    bob.run_steps(2);
    bob.get_by_role_and_label(Role::TextInput, "Team message")
        .type_text("Anyone free for a refund question?");
    bob.run_steps(1);
    bob.get_by_label("Send to team").click();
    wait_for_any_label(&mut bob, "Anyone free for a refund question?");

    wait_for_label(&mut alice, "1 unread in the Billing team chat");
    assert!(
        !has_label(&alice, "Favourite Billing"),
        "the bubble takes the star's place"
    );
    alice
        .get_by_label("1 unread in the Billing team chat")
        .click();
    wait_for_any_label(&mut alice, "Anyone free for a refund question?");
    // Open and read: the bubble gives the star back.
    wait_for_label(&mut alice, "Favourite Billing");

    alice
        .get_by_role_and_label(Role::TextInput, "Team message")
        .click();
    alice.run_steps(2);
    alice
        .get_by_role_and_label(Role::TextInput, "Team message")
        .type_text("I can take it");
    alice.run_steps(1);
    alice.get_by_label("Send to team").click();
    wait_for_any_label(&mut alice, "I can take it");
    wait_for_any_label(&mut bob, "I can take it");
}
