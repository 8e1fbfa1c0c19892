//! Support Buttons, closing with uninstall and a machine's description through the real
//! server (docs/PROTOCOL.md §5 `deploy_button`, `list_buttons`, `remove_button`, `close`; §9):
//! a rep and a native customer over real WebSockets. The customer is told to write the
//! launcher with its token; a session started with that token lands in the rep's queue, also
//! after a restart (the button is stored); removed, the token starts nothing and says so.

use switchboard_protocol::{
    ButtonId, ButtonState, ClientKind, CloseMode, CustomerHello, CustomerInfo, CustomerRequest,
    CustomerServerMessage, ErrorCode, MachineInfo, OkResult, PROTOCOL_VERSION, RepRequest, Route,
    SessionId,
};
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::{CustomerClient, RepClient, TestServer, personal};

/// A native customer in `rep`'s queue, accepted, whose client described its machine.
async fn described(server: &TestServer, rep: &mut RepClient, machine_id: &str) -> CustomerClient {
    let mut customer = native_customer(server.addr, "alice").await;
    accept(rep, "alice", customer.session_id).await;
    customer
        .ok_ticket(CustomerRequest::DescribeMachine {
            machine: MachineInfo {
                machine_id: machine_id.into(),
                host: "sams-laptop".into(),
                os: "Linux (Debian GNU/Linux 12)".into(),
            },
        })
        .await;
    customer
}

/// A native start over a button's token: the session, or the server's refusal.
async fn start_with(server: &TestServer, token: &str) -> Result<CustomerClient, String> {
    CustomerClient::hello(
        server.addr,
        CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            customer: CustomerInfo {
                name: "Sam Lee".into(),
                company: None,
                question: None,
                contact: None,
            },
            route: Route::Button {
                token: token.into(),
            },
            client: ClientKind::Native,
        },
    )
    .await
    .map_err(|refused| match refused {
        CustomerServerMessage::Error { code, message, .. } => {
            assert_eq!(code, ErrorCode::NotFound);
            message
        }
        other => panic!("refused with {other:?}"),
    })
}

async fn buttons(rep: &mut RepClient, session_id: SessionId) -> Vec<(ButtonId, ButtonState)> {
    match rep.ok(RepRequest::ListButtons { session_id }).await {
        Some(OkResult::Buttons { buttons }) => {
            buttons.iter().map(|b| (b.button_id, b.state)).collect()
        }
        other => panic!("list_buttons answered {other:?}"),
    }
}

#[tokio::test]
async fn a_deployed_button_routes_new_sessions_until_it_is_removed_and_survives_a_restart() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = described(&server, &mut alice, "machine-e2e-0001").await;
    let session_id = customer.session_id;
    let button_id = match alice
        .ok(RepRequest::DeployButton {
            session_id,
            description: "Printer help".into(),
            team: None,
        })
        .await
    {
        Some(OkResult::Button { button_id }) => button_id,
        other => panic!("deploy_button answered {other:?}"),
    };
    let token = customer
        .pick("install_button", |m| match m {
            CustomerServerMessage::InstallButton {
                button_id: b,
                token,
                description,
            } if *b == button_id && description == "Printer help" => Some(token.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        buttons(&mut alice, session_id).await,
        [(button_id, ButtonState::Pending)]
    );
    customer
        .ok_ticket(CustomerRequest::ButtonResult {
            button_id,
            done: true,
            detail: String::new(),
        })
        .await;
    alice
        .chat_text("The Support Button “Printer help” is on the customer's computer.")
        .await;
    assert_eq!(
        buttons(&mut alice, session_id).await,
        [(button_id, ButtonState::Installed)]
    );

    // The launcher's token starts a session in Alice's queue, also after a restart.
    server.restart().await;
    let mut alice = server.rep("alice").await;
    let next = start_with(&server, &token).await.expect("the button works");
    alice.entry_in(&personal("alice"), next.session_id).await;

    // Removed: the connected client is told to delete it; the token says it is gone.
    let mut customer = native_customer(server.addr, "alice").await;
    accept(&mut alice, "alice", customer.session_id).await;
    customer
        .ok_ticket(CustomerRequest::DescribeMachine {
            machine: MachineInfo {
                machine_id: "machine-e2e-0001".into(),
                host: "sams-laptop".into(),
                os: "Linux".into(),
            },
        })
        .await;
    alice
        .ok(RepRequest::RemoveButton {
            session_id: customer.session_id,
            button_id,
        })
        .await;
    customer
        .pick("remove_button", |m| match m {
            CustomerServerMessage::RemoveButton { button_id: b } if *b == button_id => Some(()),
            _ => None,
        })
        .await;
    let refused = start_with(&server, &token).await.err().expect("refused");
    assert_eq!(
        refused,
        "This Support Button is no longer active. Ask your support team for a new one."
    );
    assert_eq!(
        buttons(&mut alice, customer.session_id).await,
        [(button_id, ButtonState::Removed)]
    );
}

#[tokio::test]
async fn ending_with_uninstall_tells_the_client_before_the_end() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = native_customer(server.addr, "alice").await;
    let session_id = customer.session_id;
    accept(&mut alice, "alice", session_id).await;
    alice
        .ok(RepRequest::SetDisposition {
            session_id,
            disposition: "Resolved".into(),
        })
        .await;
    alice
        .ok(RepRequest::Close {
            session_id,
            mode: CloseMode::EndAndUninstall,
        })
        .await;
    let rest = customer.until_closed().await;
    let uninstall = rest
        .iter()
        .position(|m| matches!(m, CustomerServerMessage::Uninstall))
        .expect("uninstall");
    let ended = rest
        .iter()
        .position(|m| matches!(m, CustomerServerMessage::SessionEnded { .. }))
        .expect("session_ended");
    assert!(uninstall < ended, "{rest:?}");
}
