//! UI tests of the safety net: logging out or closing the window with sessions open asks
//! what to do with them (leave in queue, transfer, cancel) instead of dropping them silently.

mod ui_support;

use ui_support::*;

/// Log out with a session open asks; Cancel keeps everything; "Leave in queue and log out"
/// puts the customer back in the queue (Bob, in Billing, sees them waiting) and shows the
/// login screen.
#[test]
fn logout_with_a_session_asks_first() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");

    click_label(&mut alice, "Log out");
    wait_for_label(&mut alice, "You have 1 active session.");
    expect_label(&mut alice, "Transfer…");
    click_label(&mut alice, "Cancel");
    wait_for_no_label(&mut alice, "You have 1 active session.");
    expect_label(&mut alice, "Close session");

    click_label(&mut alice, "Log out");
    wait_for_label(&mut alice, "Leave in queue and log out");
    click_label(&mut alice, "Leave in queue and log out");
    wait_for_any_label(&mut alice, "Log in");
    // Back in Billing at once (not after the grace period of a dropped connection).
    wait_for_label(&mut bob, "Zed Zimmer");
}

/// "Transfer…" in the question opens the session's Transfer dialog and logs nobody out.
#[test]
fn logout_question_offers_transfer() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");

    click_label(&mut alice, "Log out");
    wait_for_label(&mut alice, "Transfer…");
    click_label(&mut alice, "Transfer…");
    wait_for_label_containing(&mut alice, "Transfer the session");
    expect_label(&mut alice, "Close session");
    assert!(!has_label(&alice, "Log in"));
}

/// Closing the window with a session open asks too ("Quit Switchboard?": leave in queue
/// and quit, transfer, cancel); Cancel keeps the console and the session.
#[test]
fn quitting_with_a_session_asks_first() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");

    alice
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    wait_for_label(&mut alice, "Quit Switchboard?");
    expect_label(&mut alice, "Leave in queue and quit");
    expect_label(&mut alice, "Transfer…");
    click_label(&mut alice, "Cancel");
    wait_for_no_label(&mut alice, "You have 1 active session.");
    expect_label(&mut alice, "Close session");
}
