//! UI tests of the session actions that depend on the customer's program or device, against
//! the real server (the kit's test configuration): closing with "End session and uninstall
//! the customer client" (the customer client is told to uninstall, then that the session
//! ended; greyed with why for a web customer), the Special Actions menu of an iOS customer
//! (the broadcast steps reach the customer as a card; absent for anyone else; the Screen
//! menu stays greyed), and a shell that exits by itself (told as its exit, never as the
//! customer's Stop).

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use futures_util::SinkExt as _;
use switchboard::text::actions as words;
use switchboard::text::remote as remote_words;
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    Capability, ClientKind, CustomerHello, CustomerInfo, CustomerRequest, CustomerServerMessage,
    GrantId, GrantState, MediaChannel, PROTOCOL_VERSION, RepId, Route, SessionId,
};
use switchboard_testkit::CustomerClient;
use switchboard_testkit::media::MediaClient;
use switchboard_testkit::remote::native_customer;
use switchboard_testkit::shell::output;
use switchboard_testkit::socket::{Socket, customer_message, next_text, open_socket};
use tokio_tungstenite::tungstenite::Message;
use ui_support::*;

/// Opens the close dialog of the session in front and chooses the disposition "Resolved"
/// (the test configuration requires one).
fn close_dialog_with_disposition(console: &mut Console) {
    click_label(console, "Close session");
    wait_for_label(console, "End session");
    console
        .get_by(|node| {
            node.role() == egui::accesskit::Role::ComboBox
                && node.value().as_deref() == Some("Choose…")
        })
        .click();
    console.step();
    wait_for_label(console, "Resolved");
    click_label(console, "Resolved");
    step_until(console, "End enabled", |h| !is_disabled(h, "End session"));
}

/// The owner ends a native customer's session with uninstall: the customer client is told
/// to uninstall before it is told the session ended, and the tab closes.
#[test]
fn end_and_uninstall_tells_the_customer_client() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut customer = server.block_on(native_customer(server.addr(), "alice"));
    accept(&mut console, "Sam Lee");
    click_label(&mut console, "Close session");
    wait_for_label(&mut console, words::END_AND_UNINSTALL);
    // The same rule as End: greyed until a disposition is chosen.
    assert!(is_disabled(&console, words::END_AND_UNINSTALL));
    click_label(&mut console, "Cancel");
    wait_for_no_label(&mut console, words::END_AND_UNINSTALL);

    close_dialog_with_disposition(&mut console);
    step_until(&mut console, "uninstall enabled", |h| {
        !is_disabled(h, words::END_AND_UNINSTALL)
    });
    click_label(&mut console, words::END_AND_UNINSTALL);
    let first = server.block_on(customer.wait("uninstall or the end", |m| match m {
        CustomerServerMessage::Uninstall => Some("uninstall"),
        CustomerServerMessage::SessionEnded { .. } => Some("ended"),
        _ => None,
    }));
    assert_eq!(first, "uninstall", "uninstall comes before the end");
    server.block_on(customer.wait("session_ended", |m| {
        matches!(m, CustomerServerMessage::SessionEnded { .. }).then_some(())
    }));
    wait_for_no_label(&mut console, "Close session");
}

/// For a customer in web chat the choice is greyed, with the reason written under it.
#[test]
fn a_web_customer_has_nothing_to_uninstall() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let _customer = accepted_web_customer(&server, &mut console, "alice", "Wendy Web");
    close_dialog_with_disposition(&mut console);
    assert!(is_disabled(&console, words::END_AND_UNINSTALL));
    wait_for_label(
        &mut console,
        "The customer is in web chat: there is no customer client to uninstall.",
    );
    // End itself is open.
    assert!(!is_disabled(&console, "End session"));
}

/// A customer on the portal of an iPhone (`?platform=ios`), over a socket of this test's
/// own: the kit's `CustomerClient` always opens `/ws/customer` without a query.
async fn ios_customer(addr: std::net::SocketAddr, name: &str) -> (Socket, SessionId) {
    let mut socket = open_socket(addr, "/ws/customer?platform=ios").await;
    let hello = CustomerHello::Start {
        protocol_version: PROTOCOL_VERSION,
        customer: CustomerInfo {
            name: name.into(),
            ..CustomerInfo::default()
        },
        route: Route::Rep {
            rep: RepId::new("alice"),
        },
        client: ClientKind::Web,
    };
    socket
        .send(Message::Text(serde_json::to_string(&hello).unwrap().into()))
        .await
        .unwrap();
    let text = next_text(&mut socket).await.expect("an answer to hello");
    match customer_message(&text) {
        CustomerServerMessage::SessionStarted { session_id, .. } => (socket, session_id),
        other => panic!("ios start refused: {other:?}"),
    }
}

/// Only an iOS customer's session has Special Actions; its broadcast steps reach the
/// customer as a card, the server's line says so in the chat, and the Screen menu stays
/// greyed with the web chat reason.
#[test]
fn an_ios_customer_gets_the_broadcast_steps() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let _web = accepted_web_customer(&server, &mut console, "alice", "Wendy Web");
    wait_for_label(&mut console, words::SUPPORT_BUTTONS);
    assert!(
        !has_label(&console, words::SPECIAL_ACTIONS),
        "no Special Actions for a customer not on iOS"
    );

    let (mut socket, session_id) = server.block_on(ios_customer(server.addr(), "Ida Ios"));
    let queues = switchboard::text::queues_tab(1);
    wait_for_label(&mut console, &queues);
    click_label(&mut console, &queues);
    accept(&mut console, "Ida Ios");
    assert_eq!(console.state().front(), Some(session_id));
    wait_for_label(&mut console, words::SPECIAL_ACTIONS);
    // Nothing pretends to view an iOS screen.
    assert!(is_disabled(&console, remote_words::SCREEN_MENU));
    assert!(has_label(&console, remote_words::WEB_CHAT));

    click_label(&mut console, words::SPECIAL_ACTIONS);
    wait_for_label(&mut console, words::IOS_SCREEN_BROADCAST);
    click_label(&mut console, words::IOS_SCREEN_BROADCAST);
    let card = server.block_on(async {
        loop {
            let text = next_text(&mut socket)
                .await
                .expect("the customer's socket stays open");
            if let CustomerServerMessage::Card { card } = customer_message(&text) {
                break card;
            }
        }
    });
    assert!(!card.steps.is_empty(), "{card:?}");
    wait_for_label_containing(
        &mut console,
        "sent the steps to share an iPhone or iPad screen",
    );
}

/// The rep's shell grant once the console sees it in `state`.
fn shell_grant(console: &mut Console, session_id: SessionId, state: GrantState) -> GrantId {
    let mut grant = None;
    step_until(console, &format!("a shell grant {state:?}"), |h| {
        grant = h.state().model.sessions.get(&session_id).and_then(|s| {
            s.info
                .remote
                .grants
                .iter()
                .find(|g| g.capability == Capability::Shell && g.state == state)
                .map(|g| g.grant_id)
        });
        grant.is_some()
    });
    grant.unwrap()
}

/// Alice's shell, granted by a native customer whose shell socket is attached and whose
/// stream the console has connected: the customer and their shell socket.
fn granted_shell(
    server: &TestServer,
    console: &mut Console,
) -> (CustomerClient, MediaClient, SessionId, GrantId) {
    let mut customer = server.block_on(native_customer(server.addr(), "alice"));
    let session_id = customer.session_id;
    accept(console, "Sam Lee");
    step_until(console, "Shell enabled", |h| {
        has_label(h, remote_words::SHELL) && !is_disabled(h, remote_words::SHELL)
    });
    click_label(console, remote_words::SHELL);
    let grant = shell_grant(console, session_id, GrantState::Prompting);
    server.block_on(customer.allow(grant));
    let shell = server.block_on(async {
        let ticket = customer.open_channel(MediaChannel::Shell).await;
        let mut shell = MediaClient::auth(server.addr(), &ticket.token).await;
        shell.ping_pong().await;
        shell
    });
    step_until(console, "the console's shell stream connected", |h| {
        h.state().shell_connected(session_id)
    });
    (customer, shell, session_id, grant)
}

/// The customer's shell exits with 3 and its program says so (`shell_exited`): the Shell
/// view says "Shell ended (exit 3)", the entry's note "The last shell exited (code 3)", and
/// nothing says the customer stopped it.
#[test]
fn a_shell_that_exits_is_told_as_its_exit() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let (mut customer, mut shell, session_id, grant) = granted_shell(&server, &mut console);
    server.block_on(async {
        shell.send(&output(0, b"bye\r\n")).await;
        shell.send(&MediaFrame::ShellExit { code: 3 }).await;
        shell.ping_pong().await;
        customer
            .ok_ticket(CustomerRequest::ShellExited {
                grant_id: grant,
                code: 3,
            })
            .await;
    });
    wait_for_label(&mut console, "Shell ended (exit 3)");
    wait_for_label(&mut console, &remote_words::shell_exited(Some(3)));
    wait_for_label(&mut console, remote_words::CLOSE_SHELL);
    assert!(!has_label(&console, remote_words::SHELL_CUSTOMER_STOPPED));
    // Closed, the view goes; the entry still tells how the last shell ended, and a new one
    // can be asked for.
    click_label(&mut console, remote_words::CLOSE_SHELL);
    wait_for_no_label(&mut console, "Shell ended (exit 3)");
    assert!(has_label(&console, &remote_words::shell_exited(Some(3))));
    assert!(!is_disabled(&console, remote_words::SHELL));
    assert_eq!(console.state().shell_screen(session_id), None);
}

/// The program says the shell exited but its exit never came on the stream (the socket
/// closed first): the Shell view still says the shell ended, with no code to tell.
#[test]
fn an_exit_without_its_code_still_ends_the_shell() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let (mut customer, mut shell, session_id, grant) = granted_shell(&server, &mut console);
    server.block_on(async {
        shell.send(&output(0, b"$ ")).await;
        shell.ping_pong().await;
    });
    step_until(&mut console, "the prompt in the terminal", |h| {
        h.state()
            .shell_screen(session_id)
            .is_some_and(|s| s.starts_with('$'))
    });
    server.block_on(async {
        customer
            .ok_ticket(CustomerRequest::ShellExited {
                grant_id: grant,
                code: 0,
            })
            .await;
    });
    wait_for_label(&mut console, "Shell ended");
    wait_for_label(&mut console, &remote_words::shell_exited(None));
    assert_eq!(
        console.state().shell_end(session_id).map(|e| e.exit_code),
        Some(None)
    );
    assert!(!has_label(&console, remote_words::SHELL_CUSTOMER_STOPPED));
    drop(shell);
}
