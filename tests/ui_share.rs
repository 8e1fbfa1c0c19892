//! UI tests of sharing a session (seed 002): the Share menu lists only invitable reps and
//! the issues that allow Request Help; invitations to a rep and to a team ("Any
//! Representative") reach the invitee's queue, where a second console accepts or declines
//! them; the joining rep sees the whole history and the reps chat among themselves; the
//! owner cancels an invitation; a rep already invited is greyed in the menu.
//! Real consoles against a real server, driven through the accessibility tree.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ui_support::*;

/// The invitation row in the invitee's queue for a customer `name` invited by Alice.
fn invitation_row(name: &str) -> String {
    format!("Invitation: {name} (from Alice Martin)")
}

/// Only reps who are logged in (or have extended availability) are listed; a rep who logs
/// in appears the next time the menu opens.
#[test]
fn share_menu_lists_only_invitable_reps() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");

    open_share_section(&mut alice, "Billing");
    wait_for_label(&mut alice, "Grace Lin");
    expect_label(&mut alice, "by email");
    assert!(!has_label(&alice, "Bob Okafor"), "Bob is not logged in");
    alice.key_press(egui::Key::Escape);
    alice.run_steps(2);
    wait_for_no_label(&mut alice, "Any Representative");

    let _bob = logged_in(&server, &prefs.path().join("b.json"), "bob");
    open_share_section(&mut alice, "Billing");
    wait_for_label(&mut alice, "Bob Okafor");
    alice.key_press(egui::Key::Escape);
    alice.run_steps(2);

    open_share_section(&mut alice, "Request Help");
    wait_for_label(&mut alice, "Cannot log in");
    expect_label(&mut alice, "A question about an invoice");
    assert!(
        !has_label(&alice, "Refund request"),
        "refund does not allow Request Help"
    );
    alice.key_press(egui::Key::Escape);
    alice.run_steps(2);

    open_share_section(&mut alice, "Representatives");
    wait_for_label(&mut alice, "Bob Okafor");
    expect_label(&mut alice, "Grace Lin");
    assert!(!has_label(&alice, "Carmen Ruiz"), "Carmen is not logged in");
}

/// Alice shares with Bob; Bob's console shows the invitation in his personal queue, he
/// accepts it there, and his tab shows the whole history, rep-only notes included. The
/// reps then chat among themselves without the customer seeing it.
#[test]
fn invited_rep_accepts_and_sees_the_whole_history() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");

    zed.say(&server, "My invoice is wrong");
    wait_for_label(&mut alice, "My invoice is wrong");
    send_in_composer(&mut alice, "Hello Zed, checking now");
    click_role(&mut alice, Role::CheckBox, "To reps only");
    send_in_composer(&mut alice, "Bob, this one is for you");
    wait_for_label(&mut alice, "Bob, this one is for you");

    share_with(&mut alice, "Billing", "Bob Okafor");
    wait_for_label(&mut alice, "Cancel the invitation for Bob Okafor");

    let row = invitation_row("Zed Zimmer");
    wait_for_label(&mut bob, &row);
    click_label(&mut bob, &row);
    wait_for_label(&mut bob, "Accept invitation");
    expect_label(&mut bob, "Decline");
    click_label(&mut bob, "Accept invitation");
    step_until(&mut bob, "Bob's tab with the whole history", |h| {
        has_label(h, "My invoice is wrong")
            && has_label(h, "Hello Zed, checking now")
            && has_label(h, "Bob, this one is for you")
    });
    expect_label(&mut bob, "reps only");
    expect_label(&mut bob, "Leave session");
    wait_for_no_label(&mut alice, "Cancel the invitation for Bob Okafor");
    wait_for_label(&mut alice, "Alice Martin, Bob Okafor");

    click_role(&mut bob, Role::CheckBox, "To reps only");
    send_in_composer(&mut bob, "Got it, refund started");
    wait_for_label(&mut alice, "Got it, refund started");
    click_role(&mut alice, Role::CheckBox, "To reps only");
    send_in_composer(&mut alice, "Bob will help you too");
    assert_eq!(zed.next_rep_message(&server), "Hello Zed, checking now");
    assert_eq!(
        zed.next_rep_message(&server),
        "Bob will help you too",
        "no rep-only message reached the customer"
    );
}

/// Sharing with a team ("Any Representative") puts the invitation in the team's queue;
/// any member accepts it, by double click.
#[test]
fn share_with_a_team_reaches_any_member() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut carmen = logged_in(&server, &prefs.path().join("c.json"), "carmen");

    share_with(&mut alice, "Technical Support", "Any Representative");
    wait_for_label(
        &mut alice,
        "Cancel the invitation for Any Representative in Technical Support",
    );
    let row = invitation_row("Zed Zimmer");
    wait_for_label(&mut carmen, &row);
    double_click_label(&mut carmen, &row);
    step_until(&mut carmen, "Carmen in the session", |h| {
        h.query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_some()
            && has_label(h, "Leave session")
    });
    wait_for_label(&mut alice, "Alice Martin, Carmen Ruiz");
}

/// Request Help by issue sends the invitation to the issue's team queue.
#[test]
fn request_help_by_issue_reaches_the_issues_team() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut carmen = logged_in(&server, &prefs.path().join("c.json"), "carmen");

    share_with(&mut alice, "Request Help", "Cannot log in");
    wait_for_label(
        &mut alice,
        "Cancel the invitation for Help with Cannot log in",
    );
    wait_for_label(&mut carmen, &invitation_row("Zed Zimmer"));
}

/// Several invitations may be active; the owner cancels one and it leaves the invitee's
/// queue; a rep already invited is greyed in the menu.
#[test]
fn owner_cancels_an_invitation_and_an_invited_rep_is_greyed() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");

    share_with(&mut alice, "Billing", "Bob Okafor");
    wait_for_label(&mut alice, "Cancel the invitation for Bob Okafor");
    share_with(&mut alice, "Representatives", "Grace Lin");
    wait_for_label(&mut alice, "Cancel the invitation for Grace Lin");
    wait_for_label(&mut bob, &invitation_row("Zed Zimmer"));

    // The menu greys a rep already invited (the server would refuse a second invitation).
    open_share_section(&mut alice, "Billing");
    wait_for_any_label(&mut alice, "invited");
    let bob_button = alice.get_by_role_and_label(Role::Button, "Bob Okafor");
    assert!(
        bob_button.accesskit_node().is_disabled(),
        "Bob is invited already"
    );
    alice.key_press(egui::Key::Escape);
    alice.key_press(egui::Key::Escape);
    wait_for_no_label(&mut alice, "invited");

    click_label(&mut alice, "Cancel the invitation for Bob Okafor");
    wait_for_no_label(&mut alice, "Cancel the invitation for Bob Okafor");
    expect_label(&mut alice, "Cancel the invitation for Grace Lin");
    wait_for_no_label(&mut bob, &invitation_row("Zed Zimmer"));
}

/// Declining an invitation removes it from the invitee's queue and from the owner's list.
#[test]
fn invitee_declines_an_invitation() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");

    share_with(&mut alice, "Billing", "Bob Okafor");
    let row = invitation_row("Zed Zimmer");
    wait_for_label(&mut bob, &row);
    click_label(&mut bob, &row);
    wait_for_label(&mut bob, "Decline");
    click_label(&mut bob, "Decline");
    wait_for_no_label(&mut bob, &row);
    wait_for_no_label(&mut alice, "Cancel the invitation for Bob Okafor");
}
