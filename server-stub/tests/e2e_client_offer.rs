//! Click-to-chat → full client through the real server (docs/PROTOCOL.md §5 `offer_client`,
//! §9 `join`, §3 `GET /download/switchboard-customer`): a web customer chats with alice, she
//! offers the program, the page gets the code (and the download link when the server has
//! the program), a raw native customer joins with the code and gets the session with the chat
//! so far, the page is told and closed, alice sees the desktop as the source and a screen
//! request prompts the program. Then: a used code is refused, wrong codes are rate limited
//! per address, a restart keeps an offered code, and the download endpoint serves the
//! configured file (or 404s without one).

use switchboard_protocol::{
    Capability, CustomerServerMessage, ErrorCode, GrantState, RepEvent, RepRequest, Route,
    ScreenSource, SessionId,
};
use switchboard_testkit::client_offer::{offer_client, test_config_with_client_download};
use switchboard_testkit::remote::accept;
use switchboard_testkit::{CustomerClient, RepClient, TestServer};

/// A web customer, Pat, in alice's queue, accepted by her.
async fn web_customer(server: &TestServer, alice: &mut RepClient) -> CustomerClient {
    let route = Route::Rep {
        rep: "alice".into(),
    };
    let customer = server.customer("Pat", route).await;
    accept(alice, "alice", customer.session_id).await;
    customer
}

/// The refusal a `join` with `code` gets (the socket closes after it).
async fn join_refused(server: &TestServer, code: &str) -> ErrorCode {
    match CustomerClient::join(server.addr, code).await {
        Ok(joined) => panic!("join {code} was accepted: session {}", joined.session_id),
        Err(CustomerServerMessage::Error { code, .. }) => code,
        Err(other) => panic!("join {code} answered {other:?}"),
    }
}

/// Waits for alice's `session_updated` of `session_id` with the screen source `source`.
async fn source_is(alice: &mut RepClient, session_id: SessionId, source: ScreenSource) {
    alice
        .pick("session_updated with the source", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id && session.remote.source == source =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
}

/// Offer, card, join, page let go, desktop for the rep, a prompt in the program; the code
/// then refused, the page's token no longer resumes.
#[tokio::test]
async fn a_web_customer_continues_in_the_program() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut page = web_customer(&server, &mut alice).await;
    let session_id = page.session_id;
    page.say("My printer is broken").await;

    let (code, expires_at) = offer_client(&mut alice, session_id).await;
    let card = page.client_offered().await;
    assert_eq!(
        (card.code.as_str(), card.expires_at),
        (code.as_str(), expires_at)
    );
    assert_eq!(
        card.download_url, None,
        "the kit's server has no program file"
    );

    let mut program = CustomerClient::join(server.addr, &code)
        .await
        .unwrap_or_else(|e| panic!("join refused: {e:?}"));
    assert_eq!(program.session_id, session_id);
    assert!(!program.ended);
    assert_ne!(program.token, page.token, "a token of its own");
    assert!(
        program
            .chat
            .iter()
            .any(|m| m.text == "My printer is broken"),
        "the chat so far: {:?}",
        program.chat
    );
    let told = page.until_closed().await;
    assert!(
        told.iter().any(|m| matches!(m,
            CustomerServerMessage::Disconnected { message } if message.contains("Switchboard program"))),
        "the page is told why it closes: {told:?}"
    );
    source_is(&mut alice, session_id, ScreenSource::Desktop).await;
    alice
        .pick("the note", |e| match e {
            RepEvent::Chat { message }
                if message.text == "Pat continued in the Switchboard program." =>
            {
                Some(())
            }
            _ => None,
        })
        .await;

    // The program is the session's customer now: a screen request prompts it.
    let grant = alice
        .request_remote(session_id, Capability::ScreenView)
        .await;
    program.sees_grant(grant, GrantState::Prompting).await;
    program.say("I see the question").await;
    alice.chat_text("I see the question").await;

    // Used up; the page cannot come back with its old token; no second offer to a program.
    assert_eq!(join_refused(&server, &code).await, ErrorCode::KeyInvalid);
    match CustomerClient::resume(server.addr, session_id, &page.token).await {
        Err(CustomerServerMessage::Error { code, .. }) => {
            assert_eq!(code, ErrorCode::Unauthorized)
        }
        other => panic!(
            "the page's old token resumed: {:?}",
            other.map(|c| c.session_id)
        ),
    }
    alice
        .refused(
            RepRequest::OfferClient { session_id },
            ErrorCode::RemoteUnavailable,
        )
        .await;
    // The program comes back with its own token.
    let token = program.token.clone();
    drop(program);
    let back = CustomerClient::resume(server.addr, session_id, &token)
        .await
        .unwrap_or_else(|e| panic!("the program's token did not resume: {e:?}"));
    assert!(!back.ended);
}

/// A new offer replaces the code; a restart keeps the offered one (it is durable).
#[tokio::test]
async fn a_new_offer_replaces_the_code_and_a_restart_keeps_it() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut page = web_customer(&server, &mut alice).await;
    let session_id = page.session_id;
    let (first, _) = offer_client(&mut alice, session_id).await;
    let (second, _) = offer_client(&mut alice, session_id).await;
    assert_ne!(first, second);
    assert_eq!(page.client_offered().await.code, first);
    assert_eq!(page.client_offered().await.code, second);
    assert_eq!(join_refused(&server, &first).await, ErrorCode::KeyInvalid);

    drop(alice);
    server.restart().await;
    let mut alice = server.rep("alice").await;
    let program = CustomerClient::join(server.addr, &second.replace('-', " "))
        .await
        .unwrap_or_else(|e| panic!("join after the restart refused: {e:?}"));
    assert_eq!(program.session_id, session_id);
    source_is(&mut alice, session_id, ScreenSource::Desktop).await;
}

/// Wrong codes count against the address like wrong session keys: past the limit even a
/// right one is refused `rate_limited` for now.
#[tokio::test]
async fn wrong_codes_are_rate_limited() {
    let config =
        switchboard_testkit::test_config_with_limits("session_key_guesses_per_minute = 3\n");
    let server = TestServer::start_with(config).await;
    let mut alice = server.rep("alice").await;
    let page = web_customer(&server, &mut alice).await;
    let (code, _) = offer_client(&mut alice, page.session_id).await;
    for wrong in ["000-000-000", "not a code", "12345"] {
        if wrong != code {
            assert_eq!(join_refused(&server, wrong).await, ErrorCode::KeyInvalid);
        }
    }
    assert_eq!(join_refused(&server, &code).await, ErrorCode::RateLimited);
}

/// `GET /download/switchboard-customer`: 404 without `client_download`; with it, the file
/// as an attachment with its exact length, and the page's card links to it.
#[tokio::test]
async fn the_download_serves_the_configured_program() {
    let plain = TestServer::start().await;
    let response = reqwest::get(plain.http("/download/switchboard-customer"))
        .await
        .expect("GET");
    assert_eq!(response.status(), 404);

    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("switchboard-customer");
    // More than one chunk, and not a multiple of it.
    let program: Vec<u8> = (0..200_003u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &program).expect("write the program");
    let server = TestServer::start_with(test_config_with_client_download(&path)).await;
    let response = reqwest::get(server.http("/download/switchboard-customer"))
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("content-length"), Some(program.len().to_string()));
    assert_eq!(
        header("content-disposition").as_deref(),
        Some("attachment; filename=\"switchboard-customer\"")
    );
    assert_eq!(
        header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    let body = response.bytes().await.expect("the body");
    assert!(body.as_ref() == program.as_slice(), "the same bytes");
    // A burst of three per address, then `429` with when to come back.
    for _ in 0..2 {
        let again = reqwest::get(server.http("/download/switchboard-customer"))
            .await
            .expect("GET");
        assert_eq!(again.status(), 200);
    }
    let hammered = reqwest::get(server.http("/download/switchboard-customer"))
        .await
        .expect("GET");
    assert_eq!(hammered.status(), 429);
    assert!(hammered.headers().contains_key("retry-after"));

    let mut alice = server.rep("alice").await;
    let mut page = web_customer(&server, &mut alice).await;
    offer_client(&mut alice, page.session_id).await;
    assert_eq!(
        page.client_offered().await.download_url.as_deref(),
        Some("/download/switchboard-customer")
    );
}

/// A server whose `client_download` names no file offers no link (and logs why).
#[tokio::test]
async fn a_missing_program_file_is_not_offered() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let server =
        TestServer::start_with(test_config_with_client_download(&dir.path().join("gone"))).await;
    let response = reqwest::get(server.http("/download/switchboard-customer"))
        .await
        .expect("GET");
    assert_eq!(response.status(), 404);
    let mut alice = server.rep("alice").await;
    let mut page = web_customer(&server, &mut alice).await;
    offer_client(&mut alice, page.session_id).await;
    assert_eq!(page.client_offered().await.download_url, None);
}
