//! UI tests of Support Buttons in the console, against the real server (the kit's test
//! configuration: `alice` may deploy buttons, `carol` may not): the toolbar entry greyed with
//! its reason, and the whole path — the window opens with the computer's (empty) list,
//! "Printer help" deployed for Alice herself, the customer client asked to install it and
//! saying it did, the list showing it Pending then Installed, Remove, the customer client
//! asked to delete it, the list showing it Removed. The customer side is the kit's JSON
//! customer started as the native client.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use switchboard::text::actions as words;
use switchboard_protocol::{ButtonId, CustomerRequest, CustomerServerMessage};
use ui_support::*;

/// Deploy, install, remove: the window lists the button through each state, and the
/// customer client is asked to write and then to delete its launcher.
#[test]
fn a_button_is_deployed_installed_and_removed() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = described_native_customer(&server, "alice");
    accept(&mut console, "Sam Lee");
    step_until(&mut console, "Support Buttons enabled", |h| {
        has_label(h, words::SUPPORT_BUTTONS) && !is_disabled(h, words::SUPPORT_BUTTONS)
    });
    assert!(
        !has_label(&console, words::SPECIAL_ACTIONS),
        "no Special Actions for a customer not on iOS"
    );

    click_label(&mut console, words::SUPPORT_BUTTONS);
    wait_for_label(&mut console, words::buttons_title("Sam Lee").as_str());
    wait_for_label(&mut console, words::BUTTONS_NONE);
    assert!(
        is_disabled(&console, words::DEPLOY),
        "nothing to deploy before a description"
    );
    type_into(
        &mut console,
        Role::TextInput,
        words::DESCRIPTION,
        "Printer help",
    );
    step_until(&mut console, "Deploy enabled", |h| {
        !is_disabled(h, words::DEPLOY)
    });
    click_label(&mut console, words::DEPLOY);

    // The customer client is asked to write the launcher; the list says it is pending.
    let (button_id, description) = server.block_on(customer.wait("install_button", |m| match m {
        CustomerServerMessage::InstallButton {
            button_id,
            description,
            ..
        } => Some((*button_id, description.clone())),
        _ => None,
    }));
    assert_eq!(description, "Printer help");
    wait_for_label(&mut console, "Pending");
    wait_for_label(&mut console, "Printer help");
    let description_field = console.get_by_role_and_label(Role::TextInput, words::DESCRIPTION);
    assert_eq!(
        description_field.value().as_deref(),
        Some(""),
        "the form is ready for the next button"
    );
    // The row names Alice's own queue and Alice as its maker.
    assert!(has_label(&console, "Alice (personal)"));
    assert!(has_label(&console, "Alice"));

    // Installed: the server's note re-lists the open window.
    server.block_on(customer.ok_ticket(CustomerRequest::ButtonResult {
        button_id,
        done: true,
        detail: "".into(),
    }));
    wait_for_label(&mut console, "Installed");

    click_label(&mut console, &words::remove_label("Printer help"));
    let removed = server.block_on(customer.wait("remove_button", |m| match m {
        CustomerServerMessage::RemoveButton { button_id } => Some(*button_id),
        _ => None,
    }));
    assert_eq!(removed, button_id);
    wait_for_label(&mut console, "Removed");
    assert!(
        !has_label(&console, &words::remove_label("Printer help")),
        "nothing to remove once removed"
    );
    assert_ne!(button_id, ButtonId(0));

    // Closing the window forgets it; opening it again lists the computer's buttons anew.
    click_label(&mut console, "Close window");
    wait_for_no_label(&mut console, "Removed");
    click_label(&mut console, words::SUPPORT_BUTTONS);
    wait_for_label(&mut console, "Removed");
}

/// A failure reported by the customer client shows with its reason.
#[test]
fn a_failed_install_shows_why() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = described_native_customer(&server, "alice");
    accept(&mut console, "Sam Lee");
    step_until(&mut console, "Support Buttons enabled", |h| {
        has_label(h, words::SUPPORT_BUTTONS) && !is_disabled(h, words::SUPPORT_BUTTONS)
    });
    click_label(&mut console, words::SUPPORT_BUTTONS);
    wait_for_label(&mut console, words::BUTTONS_NONE);
    type_into(
        &mut console,
        Role::TextInput,
        words::DESCRIPTION,
        "VPN help",
    );
    // For one of Alice's teams.
    console
        .get_by(|node| node.role() == Role::ComboBox && node.value().as_deref() == Some("Me"))
        .click();
    console.step();
    wait_for_label(&mut console, "Billing");
    click_label(&mut console, "Billing");
    click_label(&mut console, words::DEPLOY);
    let button_id = server.block_on(customer.wait("install_button", |m| match m {
        CustomerServerMessage::InstallButton { button_id, .. } => Some(*button_id),
        _ => None,
    }));
    server.block_on(customer.ok_ticket(CustomerRequest::ButtonResult {
        button_id,
        done: false,
        detail: "the desktop folder is read-only".into(),
    }));
    wait_for_label(&mut console, "Failed: the desktop folder is read-only");
    // The row's queue is the team's.
    assert!(has_label(&console, "Billing"));
}

/// Carol may not deploy buttons: the entry is greyed and says so on hover.
#[test]
fn without_permission_the_entry_is_greyed_with_the_reason() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "carol");
    let _customer = described_native_customer(&server, "carol");
    accept(&mut console, "Sam Lee");
    expect_greyed(
        &mut console,
        words::SUPPORT_BUTTONS,
        "You are not permitted to deploy Support Buttons",
    );
}

/// A customer in web chat has no program to write a button: greyed, with why.
#[test]
fn a_web_customer_greys_the_entry_with_why() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let _customer = accepted_web_customer(&server, &mut console, "alice", "Wendy Web");
    expect_greyed(
        &mut console,
        words::SUPPORT_BUTTONS,
        words::BUTTONS_WEB_CHAT,
    );
}
