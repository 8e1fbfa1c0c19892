//! UI tests of the tray icon in the console (issue 16), against the real server and a
//! private D-Bus session bus with a StatusNotifierWatcher (the kit's `session_bus`): with
//! a tray host, closing the window with a session open asks "Minimise to tray" / "Quit" /
//! "Cancel"; Cancel keeps the window, Minimise hides it and the tray's "Show Switchboard"
//! brings it back; the tray's menu sets the presence; with no session the window closes at
//! once; without a tray host the usual question is asked, as before.

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use switchboard::tray::{Tray, TrayBus, TrayHost};
use switchboard::ui::quit_dialog;
use switchboard_protocol::Presence;
use switchboard_testkit::session_bus::{PrivateBus, Watcher, click_menu, tool_tip_text};
use ui_support::*;

/// The window's close button: what the desktop sends.
fn request_close(console: &mut Console) {
    console
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
}

/// Attaches a tray on `bus` and steps until it knows whether a host shows it.
fn attach_tray(console: &mut Console, bus: &PrivateBus, wanted: fn(&TrayHost) -> bool) {
    let tray = Tray::spawn(TrayBus::At(bus.address().to_owned()), || {});
    console.state_mut().attach_tray(tray);
    step_until(console, "the tray to learn about its host", |h| {
        h.state().tray_host().as_ref().is_some_and(wanted)
    });
}

/// Whether the last frame asked the window system for `command`.
fn sent(console: &Console, command: &egui::ViewportCommand) -> bool {
    console
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_some_and(|out| out.commands.contains(command))
}

#[test]
fn closing_with_a_session_offers_the_tray() {
    let server = TestServer::start();
    let bus = PrivateBus::start();
    let watcher = server.block_on(Watcher::start(&bus));
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    attach_tray(&mut alice, &bus, |h| *h == TrayHost::Shown);

    // Cancel keeps the window and the session.
    request_close(&mut alice);
    alice.step();
    assert!(sent(&alice, &egui::ViewportCommand::CancelClose));
    wait_for_label(&mut alice, quit_dialog::HEADING);
    expect_label(&mut alice, quit_dialog::MINIMISE);
    expect_label(&mut alice, quit_dialog::QUIT);
    expect_label(&mut alice, "You have 1 active session.");
    click_label(&mut alice, quit_dialog::CANCEL);
    wait_for_no_label(&mut alice, quit_dialog::HEADING);
    assert!(!alice.state().hidden_in_tray());
    expect_label(&mut alice, "Close session");

    // Minimise hides the window; the session goes on.
    request_close(&mut alice);
    wait_for_label(&mut alice, quit_dialog::MINIMISE);
    // Clicked by hand, so the frame that hides the window is the one looked at.
    wait_until_still(&mut alice, quit_dialog::MINIMISE);
    alice.get_by_label(quit_dialog::MINIMISE).click();
    step_until(&mut alice, "the window hidden in the tray", |h| {
        h.state().hidden_in_tray()
    });
    assert!(sent(&alice, &egui::ViewportCommand::Visible(false)));
    wait_for_no_label(&mut alice, quit_dialog::HEADING);
    assert!(!has_label(&alice, "Quit Switchboard?"));
    assert!(alice.state().hidden_in_tray());

    // The tray's "Show Switchboard", clicked in the host's menu, brings it back.
    let items = watcher.items();
    let item = items.last().unwrap().clone();
    let host = server.block_on(bus.connect());
    server.block_on(click_menu(&host, &item, "Show Switchboard"));
    step_until(&mut alice, "the window shown again", |h| {
        !h.state().hidden_in_tray()
    });
    assert!(sent(&alice, &egui::ViewportCommand::Visible(true)));

    // The tray's presence items set the rep's presence on the server.
    let presence = |h: &Console| h.state().model.me.as_ref().map(|me| me.presence);
    assert_eq!(presence(&alice), Some(Presence::Available));
    server.block_on(click_menu(&host, &item, "Away"));
    step_until(&mut alice, "the server to confirm Away", |h| {
        presence(h) == Some(Presence::Away)
    });

    // Hidden again, then the tray host goes away: the window comes back by itself.
    request_close(&mut alice);
    wait_for_label(&mut alice, quit_dialog::MINIMISE);
    click_label(&mut alice, quit_dialog::MINIMISE);
    step_until(&mut alice, "the window hidden in the tray", |h| {
        h.state().hidden_in_tray()
    });
    drop(watcher);
    step_until(&mut alice, "the window shown once the host left", |h| {
        !h.state().hidden_in_tray()
    });
    let watcher = server.block_on(Watcher::start(&bus));
    step_until(&mut alice, "the new host to show the item", |h| {
        h.state().tray_host() == Some(TrayHost::Shown)
    });
    assert!(!watcher.items().is_empty());

    // "Quit" leads to the usual question about the sessions.
    request_close(&mut alice);
    wait_for_label(&mut alice, quit_dialog::QUIT);
    click_label(&mut alice, quit_dialog::QUIT);
    wait_for_label(&mut alice, "Quit Switchboard?");
    expect_label(&mut alice, "Leave in queue and quit");
}

#[test]
fn closing_with_no_session_closes_at_once() {
    let server = TestServer::start();
    let bus = PrivateBus::start();
    let _watcher = server.block_on(Watcher::start(&bus));
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    attach_tray(&mut alice, &bus, |h| *h == TrayHost::Shown);

    request_close(&mut alice);
    alice.step();
    assert!(!sent(&alice, &egui::ViewportCommand::CancelClose));
    alice.step();
    assert!(!has_label(&alice, quit_dialog::HEADING));
    assert!(!has_label(&alice, "Quit Switchboard?"));
}

/// No StatusNotifierWatcher on the bus: nothing to minimise to, so closing with a session
/// open asks the usual question only.
#[test]
fn without_a_tray_host_the_usual_question() {
    let server = TestServer::start();
    let bus = PrivateBus::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    attach_tray(&mut alice, &bus, |h| matches!(h, TrayHost::Missing(_)));

    request_close(&mut alice);
    wait_for_label(&mut alice, "Quit Switchboard?");
    assert!(!has_label(&alice, quit_dialog::MINIMISE));
    click_label(&mut alice, "Cancel");
    wait_for_no_label(&mut alice, "Quit Switchboard?");
    expect_label(&mut alice, "Close session");
}

/// The tray counts what waits for the rep, from the console's own model: a customer in
/// the rep's personal queue, then (accepted, the queues in front) the session's unread
/// message.
#[test]
fn the_tray_counts_what_waits_for_the_rep() {
    let server = TestServer::start();
    let bus = PrivateBus::start();
    let watcher = server.block_on(Watcher::start(&bus));
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    attach_tray(&mut alice, &bus, |h| *h == TrayHost::Shown);
    let item = watcher.items().last().unwrap().clone();
    let host = server.block_on(bus.connect());
    let expect_tip = |alice: &mut Console, wanted: &str| {
        step_until(alice, &format!("the tray's tooltip {wanted:?}"), |_| {
            server.block_on(tool_tip_text(&host, &item)) == wanted
        });
    };
    expect_tip(&mut alice, "Available · 0 waiting");

    let route = switchboard_protocol::Route::Rep {
        rep: switchboard_protocol::RepId::new("alice"),
    };
    let mut zed = Customer::start(&server, "Zed Zimmer", route);
    expect_tip(&mut alice, "Available · 1 waiting");

    accept(&mut alice, "Zed Zimmer");
    expect_tip(&mut alice, "Available · 0 waiting");
    click_label(&mut alice, "Queues (0)");
    zed.say(&server, "hello?");
    expect_tip(&mut alice, "Available · 1 waiting");
}
