//! Jump Clients through the real server (docs/PROTOCOL.md §5 `pin_jump_client` …
//! `unpin_jump_client`, §12 `/ws/jump`): a rep pins one from a native customer's session,
//! the program reports it installed, a raw agent connects with its token, the rep lists it
//! online and jumps, the agent resumes the new session on `/ws/customer`, and the screen is
//! granted without a prompt under the test policy (`no_prompt`). Then: offline when the
//! agent goes, unpinning (the agent told now or at its next hello, the token refused after),
//! the refusals (another team, another machine, a bad first frame, a replaced connection)
//! and a restart that keeps the Jump Client.

use switchboard_protocol::{
    Capability, CustomerRequest, EntryPath, ErrorCode, GrantState, JumpClientId, JumpClientState,
    JumpPolicy, JumpServerMessage, RepEvent, RepRequest, SessionId,
};
use switchboard_testkit::jump::machine;
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::{CustomerClient, JumpAgent, RepClient, TestServer};

const MACHINE: &str = "machine-e2e-jump-01";

/// A native customer in alice's queue, accepted by her, whose client described `MACHINE`.
async fn described(server: &TestServer, alice: &mut RepClient) -> CustomerClient {
    let mut customer = native_customer(server.addr, "alice").await;
    accept(alice, "alice", customer.session_id).await;
    customer
        .ok_ticket(CustomerRequest::DescribeMachine {
            machine: machine(MACHINE),
        })
        .await;
    customer
}

/// Alice pins a Jump Client for `team` from a fresh session; the program reports it
/// installed. Its id and the agent's token.
async fn pinned(
    server: &TestServer,
    alice: &mut RepClient,
    team: Option<&str>,
) -> (JumpClientId, String) {
    let mut customer = described(server, alice).await;
    let id = alice
        .pin_jump_client(customer.session_id, team, "Front desk")
        .await;
    let (told, token, name) = customer.install_jump_client().await;
    assert_eq!((told, name.as_str()), (id, "Front desk"));
    customer.jump_client_result(id, true).await;
    alice
        .jump_client_update(id, |j| j.state == JumpClientState::Installed)
        .await;
    (id, token)
}

/// A hello that must be refused with `code`, the socket closed after it.
async fn refused_hello(server: &TestServer, token: &str, machine_id: &str, code: ErrorCode) {
    let (mut agent, answer) = JumpAgent::hello(server.addr, token, machine(machine_id)).await;
    match answer {
        JumpServerMessage::Error { code: got, .. } => assert_eq!(got, code),
        other => panic!("hello answered {other:?}, a refusal was due"),
    }
    agent.until_closed().await;
}

/// Pin, report, connect, list online, jump, resume and view the screen without a prompt, then
/// offline, through real sockets.
#[tokio::test]
async fn a_pinned_agent_is_jumped_to_and_the_screen_is_granted_without_a_prompt() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let (id, token) = pinned(&server, &mut alice, Some("billing")).await;
    // Bob, in billing, was told too.
    bob.jump_client_update(id, |j| j.state == JumpClientState::Installed)
        .await;

    let mut agent = JumpAgent::welcomed(server.addr, &token, machine(MACHINE)).await;
    agent.ping().await;
    assert_eq!(agent.next().await, Some(JumpServerMessage::Pong));
    bob.jump_client_update(id, |j| j.online).await;
    let listed = bob.jump_clients().await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].online && listed[0].name == "Front desk");

    // Bob jumps: the agent is told to join with a customer token.
    let session_id = bob.jump(id).await;
    let view = switchboard_testkit::rep::joined(&mut bob, session_id).await;
    assert_eq!(view.session.entry_path, EntryPath::JumpClient);
    assert_eq!(view.session.owner, Some("bob".into()));
    assert_eq!(view.session.remote.jump, Some(JumpPolicy::NoPrompt));
    assert!(
        view.chat
            .iter()
            .any(|m| m.text == "Bob jumped to “Front desk” (policy no_prompt)."),
        "{:?}",
        view.chat
    );
    let Some(JumpServerMessage::Jump {
        session_id: told,
        customer_token,
        rep_name,
        policy,
    }) = agent.next().await
    else {
        panic!("the agent was not told to jump");
    };
    assert_eq!(
        (told, rep_name.as_str(), policy),
        (session_id, "Bob", JumpPolicy::NoPrompt)
    );
    let mut joined = CustomerClient::resume(server.addr, session_id, &customer_token)
        .await
        .expect("the agent resumes its jump session");
    bob.pick("the agent connected", |e| match e {
        RepEvent::SessionUpdated { session }
            if session.session_id == session_id && session.customer_connected =>
        {
            Some(())
        }
        _ => None,
    })
    .await;

    // Granted at once under no_prompt: nobody is asked.
    let grant = bob.request_remote(session_id, Capability::ScreenView).await;
    bob.grant_reaches(grant, GrantState::Granted).await;
    joined.sees_grant(grant, GrantState::Granted).await;
    bob.open_media(session_id).await;

    // The agent goes: offline, last seen now.
    agent.close().await;
    let offline = bob.jump_client_update(id, |j| !j.online).await;
    assert!(offline.last_seen >= listed[0].last_seen);
}

/// Under the `ask` policy a jump session's request prompts the agent's session as usual.
#[tokio::test]
async fn under_ask_a_jump_sessions_request_prompts_as_usual() {
    let server =
        TestServer::start_with(switchboard_testkit::test_config_with_jump_policy("ask")).await;
    let mut alice = server.rep("alice").await;
    let (id, token) = pinned(&server, &mut alice, None).await;
    let mut agent = JumpAgent::welcomed(server.addr, &token, machine(MACHINE)).await;
    alice.jump_client_update(id, |j| j.online).await;
    let session_id: SessionId = alice.jump(id).await;
    let Some(JumpServerMessage::Jump {
        customer_token,
        policy,
        ..
    }) = agent.next().await
    else {
        panic!("no jump");
    };
    assert_eq!(policy, JumpPolicy::Ask);
    let mut joined = CustomerClient::resume(server.addr, session_id, &customer_token)
        .await
        .unwrap();
    let grant = alice
        .request_remote(session_id, Capability::ScreenView)
        .await;
    joined.sees_grant(grant, GrantState::Prompting).await;
}

/// Unpinning tells an online agent to uninstall at once and an offline one at its next hello; the
/// token is refused after.
#[tokio::test]
async fn unpinning_uninstalls_the_agent_and_its_token_is_refused_after() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    // Online: told at once, and closed.
    let (online, online_token) = pinned(&server, &mut alice, None).await;
    let mut agent = JumpAgent::welcomed(server.addr, &online_token, machine(MACHINE)).await;
    alice.jump_client_update(online, |j| j.online).await;
    alice
        .ok(RepRequest::UnpinJumpClient {
            jump_client_id: online,
        })
        .await;
    let (messages, _) = agent.until_closed().await;
    assert_eq!(messages, [JumpServerMessage::Uninstall]);
    alice
        .jump_client_update(online, |j| j.state == JumpClientState::Unpinned)
        .await;
    refused_hello(&server, &online_token, MACHINE, ErrorCode::Unauthorized).await;

    // Offline: told at its next hello, once.
    let (offline, offline_token) = pinned(&server, &mut alice, None).await;
    alice
        .ok(RepRequest::UnpinJumpClient {
            jump_client_id: offline,
        })
        .await;
    let (mut agent, answer) = JumpAgent::hello(server.addr, &offline_token, machine(MACHINE)).await;
    assert_eq!(answer, JumpServerMessage::Uninstall);
    agent.until_closed().await;
    refused_hello(&server, &offline_token, MACHINE, ErrorCode::Unauthorized).await;
    assert!(alice.jump_clients().await.is_empty());
    alice
        .refused(
            RepRequest::Jump {
                jump_client_id: offline,
            },
            ErrorCode::NotFound,
        )
        .await;
}

/// Refused: a pin for another team, a hello from another machine or with an unknown token, a frame
/// before hello, an unknown frame; a second connection replaces the first (4001).
#[tokio::test]
async fn refusals_another_team_another_machine_a_bad_hello_and_a_replaced_connection() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let customer = described(&server, &mut alice).await;
    // Alice is in billing and tech, not sales.
    alice
        .refused(
            RepRequest::PinJumpClient {
                session_id: customer.session_id,
                team: Some("sales".into()),
                name: String::new(),
            },
            ErrorCode::Forbidden,
        )
        .await;
    let (id, token) = pinned(&server, &mut alice, Some("tech")).await;
    refused_hello(
        &server,
        &token,
        "machine-somewhere-else",
        ErrorCode::Invalid,
    )
    .await;
    refused_hello(
        &server,
        "0123456789abcdef",
        MACHINE,
        ErrorCode::Unauthorized,
    )
    .await;
    // A first frame that is not a hello.
    let mut agent = JumpAgent::connect(server.addr).await;
    agent.ping().await;
    match agent.next().await {
        Some(JumpServerMessage::Error { code, .. }) => assert_eq!(code, ErrorCode::BadRequest),
        other => panic!("a ping before hello answered {other:?}"),
    }
    agent.until_closed().await;
    // A second connection of the same Jump Client replaces the first.
    let mut first = JumpAgent::welcomed(server.addr, &token, machine(MACHINE)).await;
    let mut second = JumpAgent::welcomed(server.addr, &token, machine(MACHINE)).await;
    let (_, code) = first.until_closed().await;
    assert_eq!(code, Some(switchboard_protocol::CLOSE_REPLACED));
    second.ping().await;
    assert_eq!(second.next().await, Some(JumpServerMessage::Pong));
    // An unknown message after the hello: refused, closed.
    second.raw(r#"{"type":"shell"}"#).await;
    let (messages, _) = second.until_closed().await;
    assert!(
        matches!(
            messages.as_slice(),
            [JumpServerMessage::Error {
                code: ErrorCode::UnknownType,
                ..
            }]
        ),
        "{messages:?}"
    );
    alice.jump_client_update(id, |j| !j.online).await;
}

/// A restarted server keeps the Jump Client (offline, installed) and accepts its token.
#[tokio::test]
async fn a_restarted_server_keeps_the_jump_client_and_its_token() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let (id, token) = pinned(&server, &mut alice, Some("billing")).await;
    let agent = JumpAgent::welcomed(server.addr, &token, machine(MACHINE)).await;
    drop(agent);
    server.restart().await;
    let mut bob = server.rep("bob").await;
    let listed = bob.jump_clients().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].jump_client_id, listed[0].state, listed[0].online),
        (id, JumpClientState::Installed, false)
    );
    let _agent = JumpAgent::welcomed(server.addr, &token, machine(MACHINE)).await;
    bob.jump_client_update(id, |j| j.online).await;
}

/// A silent agent, an oversized hello and another protocol version are refused and closed.
#[tokio::test]
async fn a_silent_agent_or_an_oversized_hello_is_refused_and_closed() {
    let config = switchboard_testkit::test_config_with_limits("hello_timeout_secs = 1\n");
    let server = TestServer::start_with(config).await;
    // Nothing said within the hello timeout.
    let mut silent = JumpAgent::connect(server.addr).await;
    match silent.next().await {
        Some(JumpServerMessage::Error { code, .. }) => assert_eq!(code, ErrorCode::BadRequest),
        other => panic!("a silent agent got {other:?}"),
    }
    silent.until_closed().await;
    // A hello over the 64 KiB frame limit.
    let mut large = JumpAgent::connect(server.addr).await;
    let padding = "x".repeat(switchboard_protocol::MAX_FRAME_BYTES);
    large
        .raw(&format!(
            r#"{{"type":"hello","protocol_version":1,"token":"{padding}","machine":{{"machine_id":"m","host":"h","os":"o"}}}}"#
        ))
        .await;
    match large.next().await {
        Some(JumpServerMessage::Error { code, .. }) => assert_eq!(code, ErrorCode::FrameTooLarge),
        other => panic!("an oversized hello got {other:?}"),
    }
    large.until_closed().await;
    // Another protocol version.
    let mut old = JumpAgent::connect(server.addr).await;
    old.raw(r#"{"type":"hello","protocol_version":999,"token":"t","machine":{"machine_id":"machine-0001","host":"h","os":"o"}}"#)
        .await;
    match old.next().await {
        Some(JumpServerMessage::Error { code, .. }) => {
            assert_eq!(code, ErrorCode::VersionMismatch)
        }
        other => panic!("another version got {other:?}"),
    }
    old.until_closed().await;
}
