//! The customer's window (kittest, the real `CustomerApp`) opened as `--join CODE` opens it,
//! against the real server with a web chat Alice offered the program in: a wrong code is
//! refused in the server's plain words under the code field; the customer types the right
//! code there and joins; the window shows the chat so far and the program's line, and goes
//! on as a session (a line typed in the window reaches Alice).

#![cfg(feature = "window")]
#![allow(clippy::unwrap_used)]

mod common;

use common::join::{SYNTHETIC, web_chat};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use switchboard_customer::session::Policy;
use switchboard_customer::session::notes::JOINED_WITH_CODE;
use switchboard_customer::window::model::{RouteKind, StartForm};
use switchboard_customer::window::{CustomerApp, WindowOptions};
use switchboard_testkit::ServerThread;
use switchboard_testkit::ui::step_until;

type Window = Harness<'static, CustomerApp>;

/// The window as `switchboard-customer --server URL --join CODE` opens it (no home: it
/// keeps nothing here), its session on `runtime`.
fn window(runtime: &tokio::runtime::Runtime, server: &str, code: &str) -> Window {
    let options = WindowOptions {
        form: StartForm {
            server: server.to_owned(),
            name: String::new(),
            company: String::new(),
            question: String::new(),
            route: RouteKind::JoinCode,
            value: code.to_owned(),
        },
        auto_start: true,
        screen: Ok(SYNTHETIC),
        policy: Policy::Ask,
        places: None,
        join: None,
    };
    let handle = runtime.handle().clone();
    Harness::builder()
        .with_size([560.0, 520.0])
        .build_eframe(move |_cc| CustomerApp::new(handle, options))
}

/// Replaces what the join code field holds with `code`, as the customer would: click into
/// it, select all, type.
fn retype_code(window: &mut Window, code: &str) {
    window
        .get_by_role_and_label(Role::TextInput, "Join code")
        .click();
    window.run_steps(2);
    window.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    window
        .get_by_role_and_label(Role::TextInput, "Join code")
        .type_text(code);
    window.run_steps(2);
}

/// Whether a label (or a text) containing `text` is shown.
fn shows(window: &Window, text: &str) -> bool {
    window.query_all_by_label_contains(text).next().is_some()
}

/// `--join` with a wrong code opens on the join panel with the refusal in words and the
/// field to type another; the right code typed there joins: the chat so far, the program's
/// line, and a line sent from the window reaches Alice.
#[test]
fn a_refused_code_can_be_typed_again_and_joins() {
    let server = ServerThread::start();
    let mut web = server.block_on(web_chat(&server.server));
    let shown = server.block_on(web.offer());
    let wrong = if shown == "000-000-000" {
        "000 000 001"
    } else {
        "000 000 000"
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut window = window(&runtime, &server.url(), wrong);

    step_until(&mut window, "the refusal in words", |w| {
        shows(w, "That code is not valid")
    });
    assert!(shows(&window, "Ask your representative for a new one"));
    assert!(
        shows(&window, "Continue your web chat here"),
        "the join panel"
    );

    // A typo is caught here, before the server.
    retype_code(&mut window, "12345");
    window.get_by_label("Join").click();
    step_until(&mut window, "the local refusal", |w| {
        shows(w, "A join code has nine digits")
    });

    // The right code, typed as read out.
    retype_code(&mut window, &shown.replace('-', " "));
    window.get_by_label("Join").click();
    step_until(&mut window, "the chat so far", |w| {
        shows(w, "My printer is broken") && shows(w, "Hello Pat")
    });
    assert!(shows(&window, JOINED_WITH_CODE));
    step_until(&mut window, "with Alice", |w| shows(w, "With Alice"));

    // The window goes on as the session: the message line is the chat's one text field.
    window.get_by_role(Role::TextInput).click();
    window.run_steps(2);
    window
        .get_by_role(Role::TextInput)
        .type_text("Typed in the program");
    window.run_steps(2);
    window.get_by_label("Send").click();
    window.run_steps(2);
    server.block_on(web.alice.chat_text("Typed in the program"));
}
