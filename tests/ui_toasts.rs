//! UI tests of the toasts (alerts shown in the window where the desktop shows none): they
//! live in a notice area that pushes the content up, never over the message box or its
//! Send button, and they go by themselves once what they announce is no longer true.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use switchboard::RecordingNotifier;
use ui_support::alerts::*;
use ui_support::*;

/// Bob's console has no notification service, so Alice's invitation to Billing shows as a
/// toast; when Farid accepts it, the toast goes from Bob's window by itself.
#[test]
fn a_toast_goes_when_its_invitation_is_accepted_elsewhere() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let notifier = RecordingNotifier::unavailable();
    let mut bob = logged_in_recording(&server, &prefs.path().join("b.json"), "bob", &notifier);
    let mut farid = logged_in(&server, &prefs.path().join("f.json"), "farid");

    share_with(&mut alice, "Billing", "Any Representative");
    wait_for_alert_toast(&mut bob, "Invitation from Alice Martin");
    wait_for_label(&mut bob, "Invitation from Alice Martin");

    let row = "Invitation: Zed Zimmer (from Alice Martin)";
    wait_for_label(&mut farid, row);
    click_label(&mut farid, row);
    wait_for_label(&mut farid, "Accept invitation");
    click_label(&mut farid, "Accept invitation");
    wait_for_label(&mut farid, "Leave session");

    wait_for_no_label(&mut bob, "Invitation from Alice Martin");
    assert!(alert_toast_containing(&bob, "Invitation from Alice Martin").is_none());
}

/// A toast about a customer writing in a background tab shows without covering the
/// message box or Send of the tab in front.
#[test]
fn a_toast_never_covers_the_message_box() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::unavailable();
    let mut alice = logged_in_recording(&server, &prefs.path().join("a.json"), "alice", &notifier);
    alice.set_size(egui::vec2(1024.0, 700.0));
    let mut ann = Customer::start(&server, "Ann Archer", invoice());
    accept(&mut alice, "Ann Archer");
    ann.expect_rep_joined(&server);
    let _bea = Customer::start(&server, "Bea Baker", invoice());
    wait_for_label(&mut alice, "Queues (1)");
    click_label(&mut alice, "Queues (1)");
    accept(&mut alice, "Bea Baker");

    ann.say(&server, "Is this thing on?");
    wait_for_label(&mut alice, "Ann Archer wrote");
    let composer = alice
        .get_by_role_and_label(Role::MultilineTextInput, "Message")
        .rect();
    let send = alice.get_by_role_and_label(Role::Button, "Send").rect();
    for part in [
        "Ann Archer wrote",
        "Is this thing on?",
        "Go to chat",
        "Dismiss",
    ] {
        let toast = alice.get_by_label(part).rect();
        assert!(
            !toast.intersects(composer) && !toast.intersects(send),
            "{part} {toast:?} covers the message box {composer:?} or Send {send:?}"
        );
    }
    assert!(
        composer.max.y <= 700.0 && send.max.y <= 700.0,
        "in the window"
    );
}
