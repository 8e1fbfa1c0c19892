//! UI tests of the owner's session actions (seed 003): transfer to a team or a rep,
//! staying as a participant or leaving; afterwards Share, Transfer, Remove and Disconnect
//! are greyed out with a tooltip saying why. Remove a rep, disconnect the customer (the
//! session stays), a participant leaves, and closing without a disposition is refused
//! plainly while closing with one ends the session. Real consoles against a real server.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ui_support::*;

/// The owner-only controls of the session action bar.
const OWNER_ACTIONS: [&str; 4] = ["Share", "Transfer", "Remove", "Disconnect customer"];

/// Opens the transfer dialog, picks `target` and stay/leave, and confirms.
fn transfer_to(console: &mut Console, target: &str, stay_or_leave: &str) {
    click_label(console, "Transfer");
    wait_for_label(console, "Transfer session");
    assert!(
        is_disabled(console, "Transfer session"),
        "nothing chosen yet"
    );
    // Representatives are listed once the server says who is reachable.
    wait_for_label(console, target);
    click_label(console, target);
    click_label(console, stay_or_leave);
    step_until(console, "a target chosen", |h| {
        !h.get_by_label("Transfer session")
            .accesskit_node()
            .is_disabled()
    });
    click_label(console, "Transfer session");
    wait_for_no_label(console, "Transfer session");
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

/// Transfer to a team with "Stay in session": the tab stays, the session waits in the
/// team's queue, and the owner actions are greyed with the reason; when Carmen takes it,
/// the reason names her, and Alice leaves as a participant.
#[test]
fn transfer_to_a_team_and_stay_greys_the_owner_actions() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut carmen = logged_in(&server, &prefs.path().join("c.json"), "carmen");
    for action in ["Share", "Transfer", "Disconnect customer"] {
        assert!(!is_disabled(&alice, action), "{action} open to the owner");
    }
    assert!(is_disabled(&alice, "Remove"), "nobody else to remove yet");

    transfer_to(&mut alice, "Technical Support", "Stay in session");
    wait_for_label(&mut alice, "Leave session");
    for action in OWNER_ACTIONS {
        assert!(
            is_disabled(&alice, action),
            "{action} greyed after transfer"
        );
    }
    expect_label(&mut alice, "waiting in Technical Support");
    wait_for_tooltip(
        &mut alice,
        "Transfer",
        "Only the session owner can transfer the session; it waits in Technical Support",
    );

    wait_for_label(&mut carmen, "Zed Zimmer");
    double_click_label(&mut carmen, "Zed Zimmer");
    step_until(&mut carmen, "Carmen owns the session", |h| {
        has_label(h, "Close session")
    });
    wait_for_label(&mut alice, "Carmen Ruiz");
    wait_for_tooltip(
        &mut alice,
        "Share",
        "Only the session owner can share the session; Carmen Ruiz owns this session now.",
    );

    click_label(&mut alice, "Leave session");
    step_until(&mut alice, "Alice's tab closed", |h| {
        h.query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none()
    });
    assert_eq!(zed.expect_rep_left(&server), "Alice Martin");
}

/// Transfer to a rep with "Leave session": the tab closes and the session waits in that
/// rep's personal queue.
#[test]
fn transfer_to_a_rep_and_leave_closes_the_tab() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");

    transfer_to(&mut alice, "Bob Okafor", "Leave session");
    step_until(&mut alice, "Alice's tab closed", |h| {
        h.query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none()
            && has_label(h, "Personal")
    });
    wait_for_label(&mut bob, "Zed Zimmer");
    let row = top_of(&bob, "Zed Zimmer");
    assert!(
        row < top_of(&bob, "Favourite Billing"),
        "in Bob's personal queue, above the Billing pane"
    );
}

/// A participant sees the owner actions greyed, with the owner named in the tooltip.
#[test]
fn participant_sees_owner_actions_greyed() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = bob_joins(&server, &mut alice, &prefs.path().join("b.json"));
    for action in OWNER_ACTIONS {
        assert!(
            is_disabled(&bob, action),
            "{action} greyed for a participant"
        );
    }
    wait_for_tooltip(
        &mut bob,
        "Remove",
        "Only the session owner can remove a representative; Alice Martin owns this session now.",
    );
}

/// The owner removes a participant: the participant's tab closes with a notice, and the
/// customer is told.
#[test]
fn owner_removes_a_rep() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = bob_joins(&server, &mut alice, &prefs.path().join("b.json"));
    assert_eq!(zed.expect_rep_joined(&server), "Bob Okafor");

    click_label(&mut alice, "Remove");
    step_until(&mut alice, "Bob listed to remove", |h| {
        h.query_by_role_and_label(Role::Button, "Bob Okafor")
            .is_some()
    });
    click_role(&mut alice, Role::Button, "Bob Okafor");
    wait_for_no_label(&mut alice, "Alice Martin, Bob Okafor");
    wait_for_label_containing(
        &mut bob,
        "The owner removed you from the session with Zed Zimmer",
    );
    assert!(
        bob.query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none(),
        "Bob's tab closed"
    );
    assert_eq!(zed.expect_rep_left(&server), "Bob Okafor");
}

/// A participant leaves; the owner keeps the session and the customer is told who left.
#[test]
fn participant_leaves_and_the_owner_stays() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = bob_joins(&server, &mut alice, &prefs.path().join("b.json"));
    assert_eq!(zed.expect_rep_joined(&server), "Bob Okafor");

    click_label(&mut bob, "Leave session");
    step_until(&mut bob, "Bob's tab closed", |h| {
        h.query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none()
    });
    wait_for_no_label(&mut alice, "Alice Martin, Bob Okafor");
    expect_label(&mut alice, "Close session");
    assert_eq!(zed.expect_rep_left(&server), "Bob Okafor");
    send_in_composer(&mut alice, "I am still here");
    zed.expect_rep_says(&server, "I am still here");
}

/// Disconnecting the customer keeps the session open for the rep; the customer is told.
#[test]
fn disconnect_customer_keeps_the_session() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");

    click_label(&mut alice, "Disconnect customer");
    zed.expect_disconnected(&server);
    wait_for_label(&mut alice, "(customer not connected)");
    expect_label(&mut alice, "Close session");
    assert!(is_disabled(&alice, "Disconnect customer"));
    wait_for_tooltip(
        &mut alice,
        "Disconnect customer",
        "The customer is not connected.",
    );
}

/// End is greyed without a disposition, the dialog saying why; choosing one enables it and
/// ending closes the session.
#[test]
fn end_waits_for_a_disposition_then_ends_with_one() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");

    click_label(&mut alice, "Close session");
    wait_for_label(&mut alice, "End session");
    assert!(is_disabled(&alice, "End session"));
    expect_label(
        &mut alice,
        "Choose a disposition before ending the session.",
    );

    alice
        .get_by(|node| node.role() == Role::ComboBox && node.value().as_deref() == Some("Choose…"))
        .click();
    alice.step();
    wait_for_label(&mut alice, "Resolved");
    click_label(&mut alice, "Resolved");
    step_until(&mut alice, "End enabled", |h| {
        !is_disabled(h, "End session")
    });
    click_label(&mut alice, "End session");
    step_until(&mut alice, "the session closed", |h| {
        h.query_by_role_and_label(Role::Button, "Zed Zimmer")
            .is_none()
            && !has_label(h, "End session")
    });
    zed.expect_session_ended(&server);
}

/// The transfer dialog lists the reps the server says are reachable now, other teams'
/// included for a rep allowed to share outside their teams (Alice): Erin is only in Sales.
#[test]
fn transfer_lists_reachable_reps_of_other_teams() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let _erin = logged_in(&server, &prefs.path().join("e.json"), "erin");
    click_label(&mut alice, "Transfer");
    wait_for_label(&mut alice, "Erin Walsh");
    assert!(
        !has_label(&alice, "Hiro Tanaka"),
        "Hiro is not logged in and has no extended availability"
    );
}
