//! UI tests of remote support in the console: the Screen toolbar's states and reasons, the
//! Screen view's status line once a native customer's pictures arrive, the Control toggle,
//! Stop, and the server's remote support lines inline in the chat. The real console against
//! a real server, with a simulated native customer (the customer client's library,
//! synthetic desktop, allowing when asked).

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use switchboard::text::remote as words;
use switchboard_protocol::{RepId, Route, SessionId};
use ui_support::*;

/// A web chat customer: Screen ▾ is greyed and says why.
#[test]
fn web_customer_greys_the_screen_menu_with_the_reason() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, _customer) =
        in_session(&server, &prefs.path().join("prefs.json"), "Wendy Web");
    wait_for_label(&mut console, words::WEB_CHAT);
    assert!(is_disabled(&console, words::SCREEN_MENU));
}

/// A native customer allows viewing: the Screen view shows the status line with the size
/// and "Viewing"; the request and the answer are lines in the chat; Control makes it
/// "Controlling" and offers the focus; Stop ends the view.
#[test]
fn native_customer_screen_view_control_and_stop() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    ask_native_customer(
        &server,
        &mut console,
        "Nadia Native",
        (640, 400),
        words::VIEW,
    );
    // The server's public lines, inline in the chat.
    wait_for_label_containing(&mut console, "asked to view the screen");
    wait_for_label_containing(&mut console, "allowed Alice Martin to view the screen");
    wait_for_label_containing(&mut console, "640×400 · ");
    wait_for_label_containing(&mut console, "· Viewing");
    let session_id = console.state().front().unwrap();
    step_until(&mut console, "frames counted in the status line", |h| {
        h.state()
            .screen_status(session_id)
            .is_some_and(|s| s.contains(" ms · ") && !s.contains("– ms"))
    });
    assert!(has_label(&console, words::SCREEN_PICTURE));

    click_label(&mut console, words::CONTROL_TOGGLE);
    wait_for_label_containing(&mut console, "· Controlling");
    wait_for_label(&mut console, words::CLICK_TO_CONTROL);
    click_label(&mut console, words::SCREEN_PICTURE);
    wait_for_label(&mut console, words::RELEASE_HINT);
    assert!(!is_disabled(&console, words::CTRL_ALT_DEL));

    click_label(&mut console, words::STOP_VIEW);
    wait_for_no_label(&mut console, words::SCREEN_PICTURE);
    step_until(&mut console, "the stream closed", |h| {
        h.state().screen_status(SessionId(session_id.0)).is_none()
    });
}

/// Asked straight for control, the rep turns Control off: control goes back to the customer
/// but the picture stays ("· Viewing"), without the customer being asked again.
#[test]
fn turning_control_off_keeps_the_view() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    ask_native_customer(
        &server,
        &mut console,
        "Cora Control",
        (320, 200),
        words::CONTROL,
    );
    wait_for_label_containing(&mut console, "· Controlling");
    assert!(has_label(&console, words::SCREEN_PICTURE));

    click_label(&mut console, words::CONTROL_TOGGLE);
    wait_for_label_containing(&mut console, "gave back control of the screen");
    wait_for_label_containing(&mut console, "· Viewing");
    assert!(has_label(&console, words::SCREEN_PICTURE));
    assert!(is_disabled(&console, words::CTRL_ALT_DEL));
    let session_id = console.state().front().unwrap();
    let stream_kept = console
        .state()
        .screen_status(session_id)
        .is_some_and(|s| s.contains("320×200"));
    assert!(stream_kept, "the stream stays open");
}

/// However wide the rep dragged the chat beside the Screen view, the screen keeps at least
/// half of the tab: the chat's edge, dragged far to the left, stops in the middle.
#[test]
fn the_chat_beside_the_screen_takes_at_most_half() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    ask_native_customer(&server, &mut console, "Wide Chat", (320, 200), words::VIEW);
    wait_for_label_containing(&mut console, "· Viewing");
    let message = |h: &Console| {
        h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Message")
            .rect()
    };
    let composer = message(&console);
    // The chat panel's edge: where the pointer turns into the resize cursor, left of the
    // composer.
    let y = composer.center().y;
    let mut edge = None;
    let mut x = composer.min.x;
    while x > 0.0 && edge.is_none() {
        console.hover_at(egui::pos2(x, y));
        console.step();
        if console.output().platform_output.cursor_icon == egui::CursorIcon::ResizeHorizontal {
            edge = Some(x);
        }
        x -= 2.0;
    }
    let edge = edge.expect("the chat panel has a resize edge left of the composer");
    console.drag_at(egui::pos2(edge, y));
    console.step();
    for x in [edge - 100.0, 400.0, 100.0] {
        console.hover_at(egui::pos2(x, y));
        console.step();
    }
    console.drop_at(egui::pos2(100.0, y));
    console.run_steps(3);
    let width = 1280.0;
    assert!(
        message(&console).min.x >= width / 2.0 - 40.0,
        "the chat was dragged to {:?}; its composer starts at {}",
        edge,
        message(&console).min.x
    );
}

/// A simulated native customer (synthetic desktop of `size`, allowing what is asked) picks
/// Alice; she accepts and, once Screen ▾ is enabled, asks for `item` (View or Control).
fn ask_native_customer(
    server: &TestServer,
    console: &mut Console,
    name: &str,
    size: (u16, u16),
    item: &str,
) {
    server
        .runtime
        .spawn(switchboard_customer::run_simulated_customer(
            server.url(),
            name.into(),
            Route::Rep {
                rep: RepId::new("alice"),
            },
            size.0,
            size.1,
        ));
    accept(console, name);
    step_until(console, "Screen ▾ enabled", |h| {
        has_label(h, words::SCREEN_MENU) && !is_disabled(h, words::SCREEN_MENU)
    });
    click_label(console, words::SCREEN_MENU);
    click_label(console, item);
}
