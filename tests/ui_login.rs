//! UI tests of the login screen, driven through the accessibility tree like a screen
//! reader would, against the real [`SwitchboardApp`].

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use switchboard::{AppOptions, DEFAULT_SERVER_URL, NOT_CONNECTED_MESSAGE, SwitchboardApp};

/// A harness around the real console, started with its default options.
fn harness() -> Harness<'static, SwitchboardApp> {
    Harness::builder()
        .with_size([1024.0, 720.0])
        .build_eframe(|cc| SwitchboardApp::new(cc, AppOptions::default()))
}

/// The form names every field by its visible label and pre-fills the server URL.
#[test]
fn login_fields_are_found_by_their_labels() {
    let harness = harness();

    let server = harness.get_by_role_and_label(Role::TextInput, "Server URL");
    assert_eq!(
        server.accesskit_node().value().as_deref(),
        Some(DEFAULT_SERVER_URL)
    );
    harness.get_by_role_and_label(Role::TextInput, "Username");
    harness.get_by_role_and_label(Role::PasswordInput, "Password");
    harness.get_by_role_and_label(Role::Button, "Log in");
    assert!(harness.query_by_label(NOT_CONNECTED_MESSAGE).is_none());
}

/// Clicking "Log in" says plainly that connecting is not built yet, instead of
/// pretending to log in.
#[test]
fn log_in_says_connecting_is_not_built_yet() {
    let mut harness = harness();

    // Text goes to the focused widget, as with a keyboard: click the field first.
    harness
        .get_by_role_and_label(Role::TextInput, "Username")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Username")
        .type_text("alice");
    harness.run();
    let username = harness.get_by_role_and_label(Role::TextInput, "Username");
    assert_eq!(username.accesskit_node().value().as_deref(), Some("alice"));

    harness
        .get_by_role_and_label(Role::Button, "Log in")
        .click();
    harness.run();

    harness.get_by_label(NOT_CONNECTED_MESSAGE);
}
