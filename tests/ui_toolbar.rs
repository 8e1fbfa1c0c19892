//! UI tests of the top and status bars and the chat bar: generating a session key (shown
//! with its expiry, copyable), the presence selector, and a hidden chat bar counting the
//! messages waiting. The real console against a real server.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use switchboard_protocol::Route;
use ui_support::*;

/// "Generate session key" shows a six-digit key with its expiry and a Copy button; a customer
/// who enters it lands in the rep's personal queue.
#[test]
fn generated_session_key_is_shown_and_works() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    click_label(&mut console, "Generate session key");
    wait_for_label(&mut console, "Copy");
    step_until(&mut console, "the key's reply", |h| {
        h.state().model.session_key.is_some()
    });
    let (key, _) = console.state().model.session_key.clone().unwrap();
    assert!(
        key.len() == 6 && key.chars().all(|c| c.is_ascii_digit()),
        "{key}"
    );
    wait_for_label(&mut console, &key);
    wait_for_label_containing(&mut console, "expires ");
    let _customer = Customer::start(&server, "Kim Keyholder", Route::SessionKey { key });
    wait_for_label(&mut console, "Kim Keyholder");
}

/// The presence selector offers available, busy and away, and shows what the server confirmed.
#[test]
fn presence_can_be_changed() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let presence = |h: &Console| {
        h.get_by_role_and_label(Role::ComboBox, "Presence")
            .accesskit_node()
            .value()
            .map(|v| v.to_string())
    };
    step_until(&mut console, "presence shows Available", |h| {
        presence(h).as_deref() == Some("Available")
    });
    console
        .get_by_role_and_label(Role::ComboBox, "Presence")
        .click();
    console.run_steps(2);
    console.get_by_label("Busy").click();
    console.run_steps(2);
    step_until(&mut console, "the selector shows Busy", |h| {
        presence(h).as_deref() == Some("Busy")
    });
    assert_eq!(
        console.state().model.me.as_ref().map(|m| m.presence),
        Some(switchboard_protocol::Presence::Busy),
        "the server's presence_changed reached the model"
    );
}

/// With the chat bar hidden, a customer's messages are counted on the "Show chat" button;
/// showing the chat reads them.
#[test]
fn hidden_chat_bar_counts_waiting_messages() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = Customer::start(
        &server,
        "Hana Hidden",
        Route::Issue {
            issue: "invoice".into(),
        },
    );
    wait_for_label(&mut console, "Hana Hidden");
    double_click_label(&mut console, "Hana Hidden");
    wait_for_label(&mut console, "Hide chat");
    click_label(&mut console, "Hide chat");
    wait_for_label(&mut console, "Show chat");
    customer.say(&server, "Are you there?");
    customer.say(&server, "Hello?");
    wait_for_label(&mut console, "Show chat (2 waiting)");
    click_label(&mut console, "Show chat (2 waiting)");
    wait_for_any_label(&mut console, "Hello?");
    wait_for_label(&mut console, "Hide chat");
}

/// "Hide chat" becomes "Show chat" in the same place; "Unpin chat" moves the chat into a
/// window of its own (a desktop window where there are several; here, one inside), whose
/// message box still sends.
#[test]
fn hide_keeps_its_place_and_unpin_opens_a_chat_window() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut zed) = in_session(&server, &prefs.path().join("p.json"), "Zed Zimmer");
    let hide = console.get_by_label("Hide chat").rect();
    click_label(&mut console, "Hide chat");
    wait_for_label(&mut console, "Show chat");
    // The row is right-aligned: the button's right edge (and row) stay where they were.
    let show = console.get_by_label("Show chat").rect();
    assert!(
        (show.max.x - hide.max.x).abs() < 0.5 && (show.min.y - hide.min.y).abs() < 0.5,
        "Show chat {show:?} in the place of Hide chat {hide:?}"
    );
    click_label(&mut console, "Show chat");
    wait_for_label(&mut console, "Unpin chat");

    click_label(&mut console, "Unpin chat");
    wait_for_label(&mut console, "The chat is in its own window (unpinned).");
    wait_for_label(&mut console, "Chat with Zed Zimmer");
    send_in_composer(&mut console, "From the chat window");
    zed.expect_rep_says(&server, "From the chat window");
}
