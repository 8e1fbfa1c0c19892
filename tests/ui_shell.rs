//! UI tests of the command shell in the console, against the real server (the kit's test
//! configuration: `alice` and `bob` may open shells, `carol` may not): the Shell entry greyed
//! with its reason, and the whole path — Shell clicked, the customer allows, the Shell view
//! opens, `echo hello` typed into the focused terminal reaches the customer's shell socket,
//! output comes back into the terminal, the exit says "Shell ended (exit 3)" — with the
//! customer side played by the kit's JSON customer (a native client) and media client.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use switchboard::text::remote as words;
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    Capability, ClientKind, CustomerHello, CustomerInfo, CustomerRequest, GrantId, GrantState,
    InviteTarget, MediaChannel, PROTOCOL_VERSION, RepId, Route, SessionId,
};
use switchboard_testkit::media::MediaClient;
use switchboard_testkit::remote::native_customer;
use switchboard_testkit::shell::output;
use switchboard_testkit::{CustomerClient, RepClient};
use ui_support::workflow::end_with_disposition;
use ui_support::*;

/// The front session's live shell grant as the console sees it, once there is one in
/// `state`.
fn shell_grant(console: &mut Console, state: GrantState) -> GrantId {
    let session_id = console.state().front().unwrap();
    let mut grant = None;
    step_until(console, &format!("a shell grant {state:?}"), |h| {
        grant = h
            .state()
            .model
            .sessions
            .get(&session_id)
            .and_then(|s| {
                s.info
                    .remote
                    .grants
                    .iter()
                    .find(|g| g.capability == Capability::Shell && g.state == state)
            })
            .map(|g| g.grant_id);
        grant.is_some()
    });
    grant.unwrap()
}

/// Carol may not open shells: the Shell entry is greyed, and says so on hover.
#[test]
fn without_permission_the_shell_is_greyed_with_the_reason() {
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
    expect_greyed(
        &mut console,
        words::SHELL,
        "You are not permitted to open a shell",
    );
}

/// Alice may, but a web chat customer has no shell to give: greyed, with why.
#[test]
fn a_web_customer_greys_the_shell_with_why() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let _customer = accepted_web_customer(&server, &mut console, "alice", "Wendy Web");
    expect_greyed(
        &mut console,
        words::SHELL,
        "The customer is in web chat; a shell needs the customer client",
    );
}

/// The whole path: Shell asks (a countdown and Cancel while the customer is asked), the
/// customer allows, the Shell view opens and its stream connects; output shows in the
/// terminal; `echo hello` + Enter typed into the focused terminal reaches the customer's
/// shell socket; the answer shows; the transcript has it; the exit says "Shell ended (exit
/// 3)"; Stop shell ends the grant.
#[test]
fn shell_asked_allowed_typed_and_ended() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = server.block_on(native_customer(server.addr(), "alice"));
    accept(&mut console, "Sam Lee");
    let session_id = console.state().front().unwrap();
    step_until(&mut console, "Shell enabled", |h| {
        has_label(h, words::SHELL) && !is_disabled(h, words::SHELL)
    });
    assert!(
        !has_label(&console, words::TRANSCRIPT),
        "no transcript before any shell"
    );

    click_label(&mut console, words::SHELL);
    let grant = shell_grant(&mut console, GrantState::Prompting);
    wait_for_label_containing(&mut console, "Waiting for the customer… ");
    assert!(has_label(&console, words::CANCEL_SHELL));
    server.block_on(customer.allow(grant));
    wait_for_label(&mut console, words::STOP_SHELL);

    // The customer's side of the shell: its own socket on the relay.
    let mut shell = customer_shell(&server, &mut customer);
    step_until(&mut console, "the console's shell stream connected", |h| {
        h.state().shell_connected(session_id)
    });
    wait_for_label_containing(&mut console, "Command shell · ");
    server.block_on(shell.send(&output(0, b"$ ")));
    step_until(&mut console, "the prompt in the terminal", |h| {
        h.state()
            .shell_screen(session_id)
            .is_some_and(|s| s.starts_with("$"))
    });

    // Typed while the terminal has the focus: it reaches the customer's shell.
    click_role(&mut console, Role::Terminal, words::SHELL);
    console
        .get_by_role_and_label(Role::Terminal, words::SHELL)
        .type_text("echo hello");
    console.key_press(egui::Key::Enter);
    console.run_steps(2);
    let typed = received_input(&server, &mut shell, b"echo hello\r");
    assert_eq!(typed, b"echo hello\r");
    // The console's shortcuts that are shell keys too stay with the shell: Ctrl+U kills
    // the line there, Ctrl+M is Enter there (not "to the message box").
    let ctrl = egui::Modifiers {
        ctrl: true,
        command: true,
        ..Default::default()
    };
    console.key_press_modifiers(ctrl, egui::Key::U);
    console.key_press_modifiers(ctrl, egui::Key::M);
    console.run_steps(3);
    assert_eq!(received_input(&server, &mut shell, b"\r"), b"\x15\r");
    assert!(
        console
            .get_by_role_and_label(Role::Terminal, words::SHELL)
            .is_focused(),
        "the terminal kept the keyboard"
    );
    assert_eq!(composer_text(&console), "");

    let answer = b"echo hello\r\nhello\r\n$ ";
    server.block_on(shell.send(&output(2, answer)));
    step_until(&mut console, "the answer in the terminal", |h| {
        h.state()
            .shell_screen(session_id)
            .is_some_and(|s| s.starts_with("$ echo hello\nhello\n$"))
    });

    // The transcript, from the toolbar: who typed what.
    click_label(&mut console, words::TRANSCRIPT);
    step_until(&mut console, "the transcript loaded", |h| {
        h.state()
            .transcript_lines(session_id)
            .is_some_and(|lines| lines.iter().any(|l| l == "echo hello↵"))
    });
    let lines = console.state().transcript_lines(session_id).unwrap();
    assert!(lines.iter().any(|l| l == "hello"), "{lines:?}");
    wait_for_label(&mut console, "echo hello↵");
    // More output later: Reload shows it.
    let next = 2 + answer.len() as u64;
    server.block_on(shell.send(&output(next, b"later\r\n")));
    step_until(&mut console, "the later output in the terminal", |h| {
        h.state()
            .shell_screen(session_id)
            .is_some_and(|s| s.contains("later"))
    });
    click_label(&mut console, words::RELOAD_TRANSCRIPT);
    step_until(&mut console, "the transcript reloaded", |h| {
        h.state()
            .transcript_lines(session_id)
            .is_some_and(|lines| lines.iter().any(|l| l.ends_with("later")))
    });

    click_label(&mut console, "Close window");
    wait_for_no_label(&mut console, "echo hello↵");

    server.block_on(shell.send(&MediaFrame::ShellExit { code: 3 }));
    wait_for_label(&mut console, "Shell ended (exit 3)");
    assert_eq!(
        console.state().shell_end(session_id).map(|e| e.exit_code),
        Some(Some(3))
    );

    click_label(&mut console, words::STOP_SHELL);
    step_until(&mut console, "the grant stopped", |h| {
        h.state()
            .model
            .sessions
            .get(&session_id)
            .is_some_and(|s| !s.info.remote.has_shell(&RepId::new("alice")))
    });
    // The ended shell stays to be read until closed.
    wait_for_label(&mut console, words::CLOSE_SHELL);
    click_label(&mut console, words::CLOSE_SHELL);
    wait_for_no_label(&mut console, "Shell ended (exit 3)");
    assert_eq!(console.state().shell_screen(session_id), None);
}

/// Cancel, while the customer is asked, withdraws the request: the customer's prompt ends
/// and Shell can be asked for again.
#[test]
fn cancel_withdraws_the_request() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = server.block_on(native_customer(server.addr(), "alice"));
    accept(&mut console, "Sam Lee");
    step_until(&mut console, "Shell enabled", |h| {
        has_label(h, words::SHELL) && !is_disabled(h, words::SHELL)
    });
    click_label(&mut console, words::SHELL);
    let grant = shell_grant(&mut console, GrantState::Prompting);
    assert!(is_disabled(&console, words::SHELL));
    click_label(&mut console, words::CANCEL_SHELL);
    server.block_on(customer.sees_grant(grant, GrantState::Stopped));
    step_until(&mut console, "Shell enabled again", |h| {
        !has_label(h, words::CANCEL_SHELL) && !is_disabled(h, words::SHELL)
    });
}

/// The customer's shell exits and its grant ends at once (as the customer client does):
/// the exit, still on its way on the stream when the grant's end arrives, is shown, and
/// the ended terminal stays until closed.
#[test]
fn an_exit_right_before_the_grant_ends_is_shown() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = server.block_on(native_customer(server.addr(), "alice"));
    let session_id = customer.session_id;
    accept(&mut console, "Sam Lee");
    step_until(&mut console, "Shell enabled", |h| {
        has_label(h, words::SHELL) && !is_disabled(h, words::SHELL)
    });
    click_label(&mut console, words::SHELL);
    let grant = shell_grant(&mut console, GrantState::Prompting);
    server.block_on(customer.allow(grant));
    let mut shell = customer_shell(&server, &mut customer);
    step_until(&mut console, "the console's shell stream connected", |h| {
        h.state().shell_connected(session_id)
    });
    server.block_on(async {
        shell.send(&output(0, b"bye\r\n")).await;
        shell.send(&MediaFrame::ShellExit { code: 3 }).await;
        // The exit frame is read by the relay before the grant ends.
        shell.ping_pong().await;
        customer
            .ok_ticket(CustomerRequest::StopRemote {
                grant_id: Some(grant),
            })
            .await;
    });
    wait_for_label(&mut console, "Shell ended (exit 3)");
    wait_for_label(&mut console, words::CLOSE_SHELL);
    wait_for_label(&mut console, words::SHELL_CUSTOMER_STOPPED);
    assert!(
        console
            .state()
            .shell_screen(session_id)
            .is_some_and(|s| s.starts_with("bye"))
    );
}

/// Bob has the session's shell: Alice, invited in, sees Shell greyed with Bob's name.
#[test]
fn another_reps_shell_is_named() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let (mut bob, mut customer) = server.block_on(async {
        let token = switchboard_testkit::login(server.addr(), "bob", "bob-pw").await;
        let mut bob = RepClient::connect(server.addr(), &token, None).await;
        let customer = native_customer(server.addr(), "bob").await;
        switchboard_testkit::remote::accept(&mut bob, "bob", customer.session_id).await;
        (bob, customer)
    });
    let session_id = customer.session_id;
    server.block_on(async {
        let grant = bob.request_remote(session_id, Capability::Shell).await;
        customer.allow(grant).await;
        bob.grant_reaches(grant, GrantState::Granted).await;
        bob.invite(
            session_id,
            InviteTarget::Rep {
                rep: RepId::new("alice"),
            },
        )
        .await;
    });
    // The invitation's row, then its tab.
    let row = "Invitation: Sam Lee (from Bob)";
    wait_for_label(&mut console, row);
    double_click_label(&mut console, row);
    step_until(&mut console, "the invited session in front", |h| {
        h.state().front() == Some(session_id)
    });
    wait_for_label(&mut console, "Bob is using the command shell");
    assert!(is_disabled(&console, words::SHELL));
    // A shell was used here: the transcript is offered to Alice too.
    assert!(has_label(&console, words::TRANSCRIPT));
    assert!(!console.state().shell_connected(SessionId(session_id.0)));
}

/// A session ended after a shell was used: when the same customer comes back, the earlier
/// chat loaded above the new one offers "Shell transcript", which shows that shell's output.
#[test]
fn an_ended_sessions_transcript_opens_from_its_earlier_chat() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let hello = CustomerHello::Start {
        protocol_version: PROTOCOL_VERSION,
        customer: CustomerInfo {
            name: "Nora Native".into(),
            contact: Some("nora@example.com".into()),
            ..CustomerInfo::default()
        },
        route: Route::Rep {
            rep: RepId::new("alice"),
        },
        client: ClientKind::Native,
    };
    let mut customer = server
        .block_on(CustomerClient::hello(server.addr(), hello))
        .unwrap();
    let first_session = customer.session_id;
    accept(&mut console, "Nora Native");
    step_until(&mut console, "Shell enabled", |h| {
        has_label(h, words::SHELL) && !is_disabled(h, words::SHELL)
    });
    click_label(&mut console, words::SHELL);
    let grant = shell_grant(&mut console, GrantState::Prompting);
    server.block_on(customer.allow(grant));
    let mut shell = customer_shell(&server, &mut customer);
    step_until(&mut console, "the console's shell stream connected", |h| {
        h.state().shell_connected(first_session)
    });
    server.block_on(shell.send(&output(0, b"up 42 days\r\n$ ")));
    step_until(&mut console, "the output in the terminal", |h| {
        h.state()
            .shell_screen(first_session)
            .is_some_and(|s| s.starts_with("up 42 days"))
    });
    end_with_disposition(&mut console);

    let _again = Customer::start_with_contact(
        &server,
        "Nora Native",
        "nora@example.com",
        Route::Rep {
            rep: RepId::new("alice"),
        },
    );
    accept(&mut console, "Nora Native");
    click_label(&mut console, "Load older messages");
    wait_for_label_containing(&mut console, "Earlier chat");
    click_label(&mut console, words::TRANSCRIPT);
    step_until(&mut console, "the ended session's transcript", |h| {
        h.state()
            .transcript_lines(first_session)
            .is_some_and(|lines| lines.iter().any(|l| l == "up 42 days"))
    });
    wait_for_label(&mut console, "Shell transcript · Nora Native");
}

/// The customer's shell socket: a ticket for the shell channel, `auth`, attached.
fn customer_shell(server: &TestServer, customer: &mut CustomerClient) -> MediaClient {
    server.block_on(async {
        let ticket = customer.open_channel(MediaChannel::Shell).await;
        let mut shell = MediaClient::auth(server.addr(), &ticket.token).await;
        shell.ping_pong().await;
        shell
    })
}

/// Reads the customer's shell socket (within the deadline) until the input received ends
/// with `until`; all the input received.
fn received_input(server: &TestServer, shell: &mut MediaClient, until: &[u8]) -> Vec<u8> {
    let mut typed = Vec::new();
    server.block_on(shell.recv_until(|frame| {
        if let MediaFrame::ShellInput { data } = frame {
            typed.extend_from_slice(data);
        }
        typed.ends_with(until).then_some(())
    }));
    typed
}
