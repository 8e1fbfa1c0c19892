//! UI tests of elevated shells in the console (issue 14, seed 003 "Elevate"), against the
//! real server with the kit's test configuration (`alice` may ask for administrator's
//! shells, `carol` may not): the Shell entry's "Administrator ▾" menu greyed with its
//! reason (no `elevate` permission, a web chat customer, a program that has not said it can
//! elevate) or one choice greyed with the customer's program's own reason; and the whole
//! Specific User path — the dialog's user name and masked password, Ask, the customer's
//! prompt carrying `elevation {specific_user, sbadmin}`, the toolbar's "Shell ·
//! administrator: sbadmin", the credentials reaching the customer once after the allow, and
//! a failed start told in plain words. The customer is the kit's raw native customer.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui::accesskit::Role;
use switchboard::text::elevation as words;
use switchboard_protocol::{
    Capability, CustomerRequest, CustomerServerMessage, Elevation, ElevationMethod,
    ElevationSupport, GrantEnd, GrantId, GrantInfo, GrantState, RepId, Route,
};
use switchboard_testkit::CustomerClient;
use switchboard_testkit::remote::native_customer;
use ui_support::*;

/// The password typed in these tests (the CI's test administrator's, `.ci/run`).
const PASSWORD: &str = "Sb-test-elevation-1";
const PKEXEC_MISSING: &str = "pkexec (polkit) is not installed on this computer";

/// Alice's console with the raw native customer Sam Lee accepted in front; the program has
/// said what it can do for elevation when `support` is given.
fn alice_with_sam(
    server: &TestServer,
    prefs: &std::path::Path,
    support: Option<ElevationSupport>,
) -> (Console, CustomerClient) {
    let mut console = console_as(server, prefs, "alice");
    let customer = server.block_on(async {
        let mut customer = native_customer(server.addr(), "alice").await;
        if let Some(support) = support {
            customer
                .ok_ticket(CustomerRequest::DescribeElevation { support })
                .await;
        }
        customer
    });
    accept(&mut console, "Sam Lee");
    (console, customer)
}

/// Whether egui still holds the state of the session's password box (its undo history
/// keeps copies of what was typed).
fn password_box_kept(console: &Console) -> bool {
    let session_id = console.state().front().unwrap();
    let id = switchboard::ui::elevate_dialog::password_id(session_id);
    egui::text_edit::TextEditState::load(&console.ctx, id).is_some()
}

/// The customer's next `remote_updated` listing a shell grant in `state`: that grant.
fn customer_sees_shell(
    server: &TestServer,
    customer: &mut CustomerClient,
    state: GrantState,
) -> GrantInfo {
    server.block_on(customer.pick("a shell grant in its state", |m| {
        match m {
            CustomerServerMessage::RemoteUpdated { grants } => grants
                .iter()
                .find(|g| g.capability == Capability::Shell && g.state == state)
                .cloned(),
            _ => None,
        }
    }))
}

/// Steps until the Administrator menu can be opened.
fn wait_for_menu(console: &mut Console) {
    step_until(console, "the Administrator menu open to clicks", |h| {
        has_label(h, words::ADMIN_MENU) && !is_disabled(h, words::ADMIN_MENU)
    });
}

/// Carol may not ask for administrator's shells: the menu is greyed, and says so on hover.
#[test]
fn without_the_elevate_permission_the_menu_is_greyed_with_why() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "carol");
    let mut customer = Customer::start(
        &server,
        "Nina Nowhere",
        Route::Rep {
            rep: RepId::new("carol"),
        },
    );
    accept(&mut console, "Nina Nowhere");
    customer.expect_rep_joined(&server);
    expect_greyed(&mut console, words::ADMIN_MENU, words::NO_PERMISSION);
}

/// Alice may, but a web chat customer has no shell to elevate: greyed, with why.
#[test]
fn a_web_customer_greys_the_menu_with_why() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let _customer = accepted_web_customer(&server, &mut console, "alice", "Wendy Web");
    expect_greyed(&mut console, words::ADMIN_MENU, words::NOT_NATIVE);
}

/// A native customer's program that has not said what it can do greys the menu ("has not
/// said it can elevate"); once it says pkexec is missing, "Shell as administrator (ask the
/// customer)" is greyed with the program's own reason written under it, and "Shell as a
/// specific user…" opens.
#[test]
fn what_the_program_cannot_do_is_greyed_with_its_reason() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut customer) = alice_with_sam(&server, &prefs.path().join("p.json"), None);
    expect_greyed(&mut console, words::ADMIN_MENU, words::NOT_DESCRIBED);

    let support = ElevationSupport {
        prompt_customer: Some(PKEXEC_MISSING.into()),
        specific_user: None,
    };
    server.block_on(customer.ok_ticket(CustomerRequest::DescribeElevation { support }));
    wait_for_menu(&mut console);
    click_until_shown(&mut console, words::ADMIN_MENU, words::SPECIFIC_USER);
    assert!(is_disabled(&console, words::PROMPT_CUSTOMER));
    wait_for_label(&mut console, &words::program_says(PKEXEC_MISSING));
    assert!(!is_disabled(&console, words::SPECIFIC_USER));
}

/// The Specific User path: the dialog takes a user name and a masked password (never shown
/// in the accessibility tree); Ask reaches the customer as a prompting shell grant with
/// `elevation {specific_user, sbadmin}` and closes the dialog; the toolbar says "Shell ·
/// administrator: sbadmin" and the menu is greyed for the live shell; the customer allows
/// and gets the credentials once, and the Shell view's header names the administrator; the
/// program reports that su refused, and the Shell entry says so in plain words, the badge
/// gone.
#[test]
fn a_specific_user_shell_is_asked_with_the_typed_credentials() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let support = ElevationSupport::default();
    let (mut console, mut customer) =
        alice_with_sam(&server, &prefs.path().join("p.json"), Some(support));
    wait_for_menu(&mut console);
    click_until_shown(&mut console, words::ADMIN_MENU, words::SPECIFIC_USER);
    click_label(&mut console, words::SPECIFIC_USER);
    wait_for_label_containing(&mut console, words::DIALOG_TITLE);
    assert!(
        is_disabled(&console, words::ASK),
        "Ask waits for both fields"
    );

    type_into(&mut console, Role::TextInput, words::USER_NAME, "sbadmin");
    type_into(&mut console, Role::PasswordInput, words::PASSWORD, PASSWORD);
    console.run_steps(2);
    let shown = visible_labels(&console);
    assert!(
        !shown.iter().any(|text| text.contains(PASSWORD)),
        "the password shows: {shown:?}"
    );
    step_until(&mut console, "Ask enabled", |h| !is_disabled(h, words::ASK));
    assert!(password_box_kept(&console));
    click_label(&mut console, words::ASK);
    wait_for_no_label(&mut console, words::USER_NAME);
    assert!(
        !password_box_kept(&console),
        "egui's copy of the password is gone"
    );

    let grant = customer_sees_shell(&server, &mut customer, GrantState::Prompting);
    assert_eq!(
        grant.elevation,
        Some(Elevation {
            method: ElevationMethod::SpecificUser,
            user: "sbadmin".into(),
        })
    );
    wait_for_label(&mut console, &words::badge("sbadmin"));
    expect_greyed(&mut console, words::ADMIN_MENU, words::OWN_SHELL_LIVE);

    let grant_id: GrantId = grant.grant_id;
    server.block_on(customer.ok_ticket(CustomerRequest::AnswerRemote {
        grant_id,
        allow: true,
    }));
    let (username, password) = server.block_on(customer.pick("the credentials", |m| match m {
        CustomerServerMessage::ElevationCredentials {
            grant_id: got,
            username,
            password,
        } if *got == grant_id => Some((username.clone(), password.0.clone())),
        _ => None,
    }));
    assert_eq!(
        (username.as_str(), password.as_str()),
        ("sbadmin", PASSWORD)
    );
    wait_for_label(&mut console, switchboard::text::remote::STOP_SHELL);
    assert!(has_label(&console, &words::badge("sbadmin")));
    // The Shell view's header says it too.
    wait_for_label_containing(&mut console, "Command shell · administrator: sbadmin · ");

    server.block_on(customer.ok_ticket(CustomerRequest::ElevationFailed {
        grant_id,
        reason: "su: Authentication failure".into(),
    }));
    wait_for_label(&mut console, words::FAILED);
    wait_for_no_label(&mut console, &words::badge("sbadmin"));
    let ended = customer_sees_shell(&server, &mut customer, GrantState::Stopped);
    assert_eq!(ended.ended, Some(GrantEnd::ElevationFailed));
}

/// Cancel closes the dialog without asking (egui's state of the password box goes with it):
/// nothing reaches the customer, and the menu can be used again.
#[test]
fn cancel_asks_nothing() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let support = ElevationSupport::default();
    let (mut console, mut customer) =
        alice_with_sam(&server, &prefs.path().join("p.json"), Some(support));
    wait_for_menu(&mut console);
    click_until_shown(&mut console, words::ADMIN_MENU, words::SPECIFIC_USER);
    click_label(&mut console, words::SPECIFIC_USER);
    wait_for_label_containing(&mut console, words::DIALOG_TITLE);
    type_into(&mut console, Role::TextInput, words::USER_NAME, "sbadmin");
    type_into(&mut console, Role::PasswordInput, words::PASSWORD, PASSWORD);
    assert!(password_box_kept(&console));
    click_label(&mut console, words::CANCEL);
    wait_for_no_label(&mut console, words::USER_NAME);
    assert!(
        !password_box_kept(&console),
        "egui's copy of the password is gone"
    );

    // Prompt Customer then: the first shell grant the customer sees is that one, for root.
    click_until_shown(&mut console, words::ADMIN_MENU, words::PROMPT_CUSTOMER);
    click_label(&mut console, words::PROMPT_CUSTOMER);
    let grant = customer_sees_shell(&server, &mut customer, GrantState::Prompting);
    assert_eq!(
        grant.elevation,
        Some(Elevation {
            method: ElevationMethod::PromptCustomer,
            user: "root".into(),
        })
    );
    wait_for_label(&mut console, &words::badge("root"));
}
