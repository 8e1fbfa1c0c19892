//! UI tests of remote support in the console: the Screen toolbar's states and reasons, the
//! Screen view's status line once a native customer's pictures arrive, the Control toggle,
//! Stop, and the server's remote support lines inline in the chat. The real console against
//! a real server, with a simulated native customer (the customer client's library,
//! synthetic desktop, allowing when asked).

mod ui_support;

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
    server
        .runtime
        .spawn(switchboard_customer::run_simulated_customer(
            server.url(),
            "Nadia Native".into(),
            Route::Rep {
                rep: RepId::new("alice"),
            },
            640,
            400,
        ));
    accept(&mut console, "Nadia Native");
    step_until(&mut console, "Screen ▾ enabled", |h| {
        has_label(h, words::SCREEN_MENU) && !is_disabled(h, words::SCREEN_MENU)
    });
    click_label(&mut console, words::SCREEN_MENU);
    click_label(&mut console, words::VIEW);
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
    server
        .runtime
        .spawn(switchboard_customer::run_simulated_customer(
            server.url(),
            "Cora Control".into(),
            Route::Rep {
                rep: RepId::new("alice"),
            },
            320,
            200,
        ));
    accept(&mut console, "Cora Control");
    step_until(&mut console, "Screen ▾ enabled", |h| {
        has_label(h, words::SCREEN_MENU) && !is_disabled(h, words::SCREEN_MENU)
    });
    click_label(&mut console, words::SCREEN_MENU);
    click_label(&mut console, words::CONTROL);
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
