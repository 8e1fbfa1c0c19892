//! UI tests of Jump Clients in the console, against the real server (the kit's test
//! configuration: `alice` may pin and jump, `carol` may not; policy `no_prompt`): "Pin Jump
//! Client…" from a session with the native customer (the kit's JSON customer) and its
//! `install_jump_client` answered; the kit's raw agent on `/ws/jump` with that token, so the Jump
//! Clients window shows the client online, then offline when it drops (Jump greyed with
//! why), online again; Jump opens the session tab in front with its policy in the header;
//! Unpin (confirmed) removes the row and the agent is told to uninstall; search and sort
//! over several clients; the greyed entries with their reasons.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use switchboard::text::jump as words;
use switchboard_protocol::{JumpClientId, JumpServerMessage};
use switchboard_testkit::CustomerClient;
use switchboard_testkit::jump::JumpAgent;
use ui_support::*;

/// The agent of a pinned Jump Client on Sam's machine (the one the customer described),
/// welcomed on `/ws/jump` with `token`.
fn agent_connects(server: &TestServer, token: &str) -> JumpAgent {
    let machine = switchboard_testkit::jump::machine(SAMS_MACHINE);
    server.block_on(JumpAgent::welcomed(server.addr(), token, machine))
}

/// The agent's next message from the server (pongs skipped).
fn agent_receives(server: &TestServer, agent: &mut JumpAgent) -> Option<JumpServerMessage> {
    server.block_on(async {
        loop {
            match agent.next().await? {
                JumpServerMessage::Pong => continue,
                other => return Some(other),
            }
        }
    })
}

/// Pins a Jump Client named `name` from the session in front (for Alice herself), and
/// answers the customer client's install with `done`; the token and the id.
fn pin_from_session(
    console: &mut Console,
    server: &TestServer,
    customer: &mut CustomerClient,
    name: &str,
    done: bool,
) -> (JumpClientId, String) {
    pin_in_dialog(console, name, None);
    let (id, token, installed_name) = server.block_on(customer.install_jump_client());
    assert_eq!(installed_name, name);
    wait_for_label_containing(console, "Pinned");
    click_label(console, "Close");
    server.block_on(customer.jump_client_result(id, done));
    (id, token)
}

/// Opens the Pin dialog, names the Jump Client, picks who may jump to it (`team`: a team's
/// name; `None`: "Me") and clicks Pin.
fn pin_in_dialog(console: &mut Console, name: &str, team: Option<&str>) {
    click_label(console, words::PIN);
    wait_for_label(console, words::PIN_NAME);
    type_into(console, Role::TextInput, words::PIN_NAME, name);
    if let Some(team) = team {
        console
            .get_by(|node| {
                node.role() == Role::ComboBox && node.value().as_deref() == Some(words::PIN_ME)
            })
            .click();
        console.step();
        wait_for_label(console, team);
        click_label(console, team);
    }
    click_label(console, words::PIN_BUTTON);
}

/// Opens the Jump Clients window from the top bar and waits for its list.
fn open_jump_clients(console: &mut Console) {
    click_until_shown(console, words::JUMP_CLIENTS, words::SEARCH_LABEL);
    step_until(console, "the Jump Clients listed", |h| {
        h.state().model.jump.clients.is_some()
    });
}

/// Alice with Sam's native session in front.
fn alice_with_sam(server: &TestServer, prefs: &std::path::Path) -> (Console, CustomerClient) {
    let mut console = console_as(server, prefs, "alice");
    let customer = described_native_customer(server, "alice");
    accept(&mut console, "Sam Lee");
    step_until(&mut console, "Pin Jump Client… enabled", |h| {
        has_label(h, words::PIN) && !is_disabled(h, words::PIN)
    });
    (console, customer)
}

/// The whole path: pinned, listed online, offline when the agent drops (Jump greyed with
/// why), online again, Jump opens the session tab in front with its policy, Unpin removes the
/// row and tells the agent to uninstall.
#[test]
fn a_pinned_jump_client_goes_online_offline_is_jumped_to_and_unpinned() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut customer) = alice_with_sam(&server, &prefs.path().join("prefs.json"));
    let (id, token) = pin_from_session(&mut console, &server, &mut customer, "Sam's laptop", true);

    open_jump_clients(&mut console);
    wait_for_label(&mut console, "Sam's laptop");
    wait_for_label(&mut console, words::OFFLINE);
    assert!(has_label(&console, "sams-laptop"), "the host");
    assert!(has_label(&console, "Linux (Debian GNU/Linux 12)"), "the OS");
    assert!(has_label(&console, "Personal (1)"), "Alice's own section");
    let jump = words::jump_label("Sam's laptop");
    expect_greyed(&mut console, &jump, "The Jump Client is offline (last seen");

    // The agent connects: online, Jump open.
    let agent = agent_connects(&server, &token);
    wait_for_label(&mut console, words::ONLINE);
    step_until(&mut console, "Jump enabled", |h| !is_disabled(h, &jump));

    // It drops: offline again, live.
    drop(agent);
    wait_for_label(&mut console, words::OFFLINE);
    step_until(&mut console, "Jump greyed", |h| is_disabled(h, &jump));

    // Back, and jumped to: the agent is told, the session's tab comes forward.
    let mut agent = agent_connects(&server, &token);
    wait_for_label(&mut console, words::ONLINE);
    step_until(&mut console, "Jump enabled", |h| !is_disabled(h, &jump));
    click_label(&mut console, &jump);
    let session_id = match agent_receives(&server, &mut agent) {
        Some(JumpServerMessage::Jump { session_id, .. }) => session_id,
        other => panic!("the agent got {other:?} instead of jump"),
    };
    step_until(&mut console, "the jump session in front", |h| {
        h.state().front() == Some(session_id)
    });
    wait_for_label(
        &mut console,
        &words::policy_badge(switchboard_protocol::JumpPolicy::NoPrompt),
    );
    assert!(
        !has_label(&console, words::SEARCH_LABEL),
        "the Jump Clients window made way for the session"
    );

    // Unpin, confirmed: the row goes and the agent is told to uninstall.
    // (The tab and the header name it too: the row is found by its Unpin.)
    open_jump_clients(&mut console);
    click_label(&mut console, &words::unpin_label("Sam's laptop"));
    wait_for_label_containing(&mut console, "Unpin “Sam's laptop”?");
    click_label(&mut console, words::UNPIN_CONFIRM);
    wait_for_label(&mut console, words::NONE_PINNED);
    assert_eq!(
        agent_receives(&server, &mut agent),
        Some(JumpServerMessage::Uninstall)
    );
    assert_ne!(id, JumpClientId(0));
}

/// Several clients: the search keeps those whose name, host or OS match; the headers sort
/// and sort back; a failed install says why on its greyed Jump.
#[test]
fn search_sort_and_a_failed_install() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut customer) = alice_with_sam(&server, &prefs.path().join("prefs.json"));
    let (_, alpha) = pin_from_session(&mut console, &server, &mut customer, "Alpha box", true);
    pin_from_session(&mut console, &server, &mut customer, "Zulu box", true);
    pin_from_session(&mut console, &server, &mut customer, "Broken box", false);
    let _agent = agent_connects(&server, &alpha);

    open_jump_clients(&mut console);
    for name in ["Alpha box", "Zulu box", "Broken box"] {
        wait_for_label(&mut console, name);
    }
    wait_for_label(&mut console, words::ONLINE);
    wait_for_label(&mut console, words::FAILED);
    // By name: Alpha, Broken, Zulu; again: reversed.
    let order = |console: &Console| {
        let mut rows: Vec<(f32, &str)> = ["Alpha box", "Broken box", "Zulu box"]
            .into_iter()
            .map(|name| (top_of(console, name), name))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        rows.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    assert_eq!(order(&console), ["Alpha box", "Broken box", "Zulu box"]);
    click_role(&mut console, Role::Button, "Name ▲");
    step_until(&mut console, "sorted by name, descending", |h| {
        has_label(h, "Name ▼")
    });
    assert_eq!(order(&console), ["Zulu box", "Broken box", "Alpha box"]);
    assert!(
        console.state().prefs().jump_sort.descending,
        "the sort is remembered with the preferences"
    );
    // By status: online first, failed last.
    click_role(&mut console, Role::Button, "Status");
    step_until(&mut console, "sorted by status", |h| {
        has_label(h, "Status ▲")
    });
    assert_eq!(order(&console)[0], "Alpha box");
    assert_eq!(order(&console)[2], "Broken box");

    expect_greyed(
        &mut console,
        &words::jump_label("Broken box"),
        "could not be installed: could not install",
    );

    type_into(&mut console, Role::TextInput, words::SEARCH_LABEL, "zulu");
    wait_for_no_label(&mut console, "Alpha box");
    assert!(has_label(&console, "Zulu box"));
    assert!(!has_label(&console, "Broken box"));
}

/// A pin for one of Alice's teams lists in that team's section; a machine that carries as
/// many Jump Clients as it may refuses one more, said in plain words in the dialog.
#[test]
fn a_team_pin_has_its_section_and_a_fifth_is_refused() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut customer) = alice_with_sam(&server, &prefs.path().join("prefs.json"));
    pin_in_dialog(&mut console, "Billing laptop", Some("Billing"));
    let (id, _, _) = server.block_on(customer.install_jump_client());
    server.block_on(customer.jump_client_result(id, true));
    wait_for_label_containing(&mut console, "Pinned");
    click_label(&mut console, "Close");
    for name in ["Second", "Third", "Fourth"] {
        pin_from_session(&mut console, &server, &mut customer, name, true);
    }
    pin_in_dialog(&mut console, "Fifth", None);
    wait_for_label_containing(
        &mut console,
        "Could not pin the Jump Client: this computer already carries as many Jump Clients \
         as it may. Unpin one first.",
    );
    click_label(&mut console, words::CANCEL);

    open_jump_clients(&mut console);
    wait_for_label(&mut console, "Billing laptop");
    assert!(has_label(&console, "Billing (1)"), "the team's section");
    assert!(has_label(&console, "Personal (3)"), "Alice's own");
    assert!(
        top_of(&console, "Personal (3)") < top_of(&console, "Billing (1)"),
        "personal first"
    );
}

/// Carol may not pin: the entry is greyed and says so; a web customer has no program to
/// install: greyed with why.
#[test]
fn pin_is_greyed_with_its_reasons() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut carol = console_as(&server, &prefs.path().join("carol.json"), "carol");
    let _sam = described_native_customer(&server, "carol");
    accept(&mut carol, "Sam Lee");
    expect_greyed(&mut carol, words::PIN, words::PIN_NO_PERMISSION);
    drop(carol);

    let mut alice = console_as(&server, &prefs.path().join("alice.json"), "alice");
    let _wendy = accepted_web_customer(&server, &mut alice, "alice", "Wendy Web");
    expect_greyed(&mut alice, words::PIN, words::PIN_WEB_CHAT);
}
