//! UI tests of logging in, driven through the accessibility tree against a real server.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use ui_support::*;

/// A good password opens the console with its queues; the password is not remembered.
#[test]
fn good_password_opens_the_console() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console(&server, &prefs.path().join("prefs.json"), None);
    console
        .get_by_role_and_label(Role::TextInput, "Username")
        .click();
    console.run_steps(2);
    console
        .get_by_role_and_label(Role::TextInput, "Username")
        .type_text("alice");
    console
        .get_by_role_and_label(Role::PasswordInput, "Password")
        .click();
    console.run_steps(2);
    console
        .get_by_role_and_label(Role::PasswordInput, "Password")
        .type_text("alice-demo");
    console.run_steps(2);
    console
        .get_by_role_and_label(Role::Button, "Log in")
        .click();
    wait_for_label(&mut console, "Log out");
    wait_for_label(&mut console, "Personal");
    step_until(&mut console, "connected", |h| {
        h.query_by_label("Connected").is_some()
    });
    console.state().flush_prefs();
    let saved = std::fs::read_to_string(prefs.path().join("prefs.json")).unwrap();
    assert!(saved.contains("\"last_username\": \"alice\""), "{saved}");
    assert!(
        !saved.contains("alice-demo"),
        "the password is never stored"
    );
}

/// A wrong password and an unreachable server each get a plain message on the login screen.
#[test]
fn bad_password_and_unreachable_server_are_explained() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console(
        &server,
        &prefs.path().join("prefs.json"),
        Some(("alice", "not-it")),
    );
    wait_for_label(&mut console, "Wrong username or password.");

    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = unused.local_addr().unwrap().port();
    drop(unused);
    let server_field = console.get_by_role_and_label(Role::TextInput, "Server URL");
    server_field.click();
    console.run_steps(2);
    console.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    console
        .get_by_role_and_label(Role::TextInput, "Server URL")
        .type_text(&format!("http://127.0.0.1:{port}"));
    console.run_steps(2);
    console
        .get_by_role_and_label(Role::Button, "Log in")
        .click();
    wait_for_label_containing(&mut console, "Cannot reach the server");
}
