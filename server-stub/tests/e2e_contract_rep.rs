//! docs/PROTOCOL.md, word for word (the rep's side and HTTP; the customer's socket is in
//! e2e_contract.rs): each test quotes a sentence of the document and checks
//! it against the real server over a real socket. These are the places where an integrator
//! who wrote a client from the document alone found the server saying something else.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::SinkExt;
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;

/// §4 Handshake: "A missing, unknown or expired token gets `unauthorized` and the socket
/// closes."
#[tokio::test]
async fn a_rep_hello_without_a_token_is_unauthorized() {
    let server = TestServer::start().await;
    let mut socket = open_socket(server.addr, "/ws/rep").await;
    socket
        .send(Message::Text(
            r#"{"type": "hello", "protocol_version": 1}"#.into(),
        ))
        .await
        .unwrap();
    let (texts, _) = drain_until_closed(&mut socket).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    match serde_json::from_str(&texts[0]).unwrap() {
        RepServerMessage::Error {
            code: ErrorCode::Unauthorized,
            id: None,
            ..
        } => {}
        other => panic!("expected unauthorized, got {other:?}"),
    }
}

/// Checks an HTTP answer: `status`, and an `HttpError` body with `code`.
async fn expect_http_error(response: reqwest::Response, status: u16, code: ErrorCode) {
    let what = format!("{} {}", response.status(), response.url());
    assert_eq!(response.status().as_u16(), status, "{what}");
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(media.starts_with("application/json"), "{what}: {media}");
    let body: HttpError = response
        .json()
        .await
        .unwrap_or_else(|e| panic!("{what}: not an HttpError: {e}"));
    assert_eq!(body.code, code, "{what}");
    assert!(!body.message.is_empty(), "{what}");
}

/// §3: "Every HTTP error body is an `HttpError`" — the framework's own refusals included.
#[tokio::test]
async fn every_http_error_is_an_http_error() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let json_post = |path: &str, body: Vec<u8>| {
        client
            .post(server.http(path))
            .header("content-type", "application/json")
            .body(body)
    };
    // Over the 64 KiB body limit.
    let big = format!(
        r#"{{"username": "alice", "password": "{}"}}"#,
        "x".repeat(70 * 1024)
    );
    expect_http_error(
        json_post("/api/login", big.into_bytes())
            .send()
            .await
            .unwrap(),
        413,
        ErrorCode::FrameTooLarge,
    )
    .await;
    // Not JSON, a missing field.
    expect_http_error(
        json_post("/api/login", b"{not json".to_vec())
            .send()
            .await
            .unwrap(),
        400,
        ErrorCode::BadRequest,
    )
    .await;
    expect_http_error(
        json_post("/api/login", br#"{"username": "alice"}"#.to_vec())
            .send()
            .await
            .unwrap(),
        400,
        ErrorCode::BadRequest,
    )
    .await;
    // A wrong content type.
    expect_http_error(
        client
            .post(server.http("/api/login"))
            .header("content-type", "text/plain")
            .body(r#"{"username": "alice", "password": "alice-pw"}"#)
            .send()
            .await
            .unwrap(),
        415,
        ErrorCode::BadRequest,
    )
    .await;
    // An unknown route (asked by a program), a wrong method.
    expect_http_error(
        client
            .get(server.http("/api/nothing"))
            .send()
            .await
            .unwrap(),
        404,
        ErrorCode::NotFound,
    )
    .await;
    let wrong_method = client.get(server.http("/api/login")).send().await.unwrap();
    assert!(wrong_method.headers().get("allow").is_some(), "Allow kept");
    expect_http_error(wrong_method, 405, ErrorCode::BadRequest).await;
    // A WebSocket address asked without the upgrade; a path id that is not a number.
    let plain_get = client.get(server.http("/ws/rep")).send().await.unwrap();
    let status = plain_get.status().as_u16();
    assert!(status == 400 || status == 426, "{status}");
    expect_http_error(plain_get, status, ErrorCode::BadRequest).await;
    expect_http_error(
        client
            .post(server.http("/api/sessions/abc/files?name=a.txt"))
            .header("authorization", "Customer x")
            .body("hi")
            .send()
            .await
            .unwrap(),
        404,
        ErrorCode::NotFound,
    )
    .await;
}

/// §3 `POST /api/login`: the body is a JSON object; the same fields as an array are
/// `bad_request` — and so is an array standing in for an object inside a WebSocket frame.
#[tokio::test]
async fn an_array_never_stands_in_for_an_object() {
    let server = TestServer::start().await;
    let response = reqwest::Client::new()
        .post(server.http("/api/login"))
        .header("content-type", "application/json")
        .body(r#"["alice","alice-pw"]"#)
        .send()
        .await
        .unwrap();
    expect_http_error(response, 400, ErrorCode::BadRequest).await;

    let mut socket = open_socket(server.addr, "/ws/customer").await;
    socket
        .send(Message::Text(
            r#"{"type":"start","protocol_version":1,"customer":["Pat"],"route":{"via":"general"}}"#
                .into(),
        ))
        .await
        .unwrap();
    let (texts, _) = drain_until_closed(&mut socket).await;
    match customer_message(&texts[0]) {
        CustomerServerMessage::Error {
            code: ErrorCode::BadRequest,
            ..
        } => {}
        other => panic!("expected bad_request, got {other:?}"),
    }
}

/// §8 `SessionInfo` / §6 `session_updated`: it carries the session's whole state, so a
/// transfer with `stay` sends each rep in the session one `session_updated`: the final one,
/// with no owner, the queue it waits in and the transfer hop.
#[tokio::test]
async fn a_transfer_with_stay_sends_only_the_final_state() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = server.customer("Tess", general()).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    let invitation = alice
        .invite(session_id, InviteTarget::Rep { rep: "bob".into() })
        .await;
    bob.ok(RepRequest::AcceptInvitation {
        invitation_id: invitation,
    })
    .await;
    joined(&mut bob, session_id).await;
    alice.sync().await;
    alice.events.clear();
    bob.sync().await;
    bob.events.clear();

    alice
        .ok(RepRequest::Transfer {
            session_id,
            target: TransferTarget::Team {
                team: "tech".into(),
            },
            stay: true,
        })
        .await;
    for rep in [&mut alice, &mut bob] {
        let info = rep
            .pick("the transferred state", |e| match e {
                RepEvent::SessionUpdated { session } if session.session_id == session_id => {
                    Some(session.clone())
                }
                _ => None,
            })
            .await;
        assert_eq!(info.owner, None, "{info:?}");
        assert_eq!(info.waiting_in, Some(team("tech")), "{info:?}");
        assert!(
            info.participants.iter().any(|p| p.as_str() == "alice"),
            "alice stayed: {info:?}"
        );
        assert_eq!(
            info.history.last().map(|h| h.reason),
            Some(QueueReason::Transfer),
            "{info:?}"
        );
        rep.sync().await;
        assert!(
            !rep.has_queued(|e| matches!(e, RepEvent::SessionUpdated { session } if session.session_id == session_id)),
            "exactly one session_updated per rep"
        );
    }
}

/// §5 `join_session`: "Errors: … `already_in_session` (in it already)" — a lead who
/// answered an assistance request by joining and asks again.
#[tokio::test]
async fn a_second_join_session_is_already_in_session() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut carol = server.rep("carol").await;
    let customer = server
        .customer(
            "Jo",
            Route::Team {
                team: "tech".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    alice
        .ok(RepRequest::SetAssistance {
            session_id,
            needed: true,
        })
        .await;
    carol.ok(RepRequest::JoinSession { session_id }).await;
    joined(&mut carol, session_id).await;
    carol
        .refused(
            RepRequest::JoinSession { session_id },
            ErrorCode::AlreadyInSession,
        )
        .await;
}

/// §5: the error each request names where a client meets it: re-accepting one's own
/// accepted invitation is `already_in_session`; an owner-only request from a rep outside
/// the session is `not_in_session`; §9/§10: a customer sending a rep request gets
/// `unknown_type`.
#[tokio::test]
async fn errors_are_the_documented_ones() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = server.customer("Kim", general()).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    // Owner-only, from a rep outside the session.
    bob.refused(
        RepRequest::Transfer {
            session_id,
            target: TransferTarget::Team {
                team: "tech".into(),
            },
            stay: false,
        },
        ErrorCode::NotInSession,
    )
    .await;
    let invitation_id = alice
        .invite(session_id, InviteTarget::Rep { rep: "bob".into() })
        .await;
    bob.ok(RepRequest::AcceptInvitation { invitation_id }).await;
    bob.refused(
        RepRequest::AcceptInvitation { invitation_id },
        ErrorCode::AlreadyInSession,
    )
    .await;
    // A customer trying a rep action.
    customer
        .raw(r#"{"id": 9, "type": "accept", "session_id": 1}"#)
        .await;
    let code = customer
        .pick("the refusal", |m| match m {
            CustomerServerMessage::Error {
                id: Some(RequestId(9)),
                code,
                ..
            } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(code, ErrorCode::UnknownType);
}

/// §4: a second console for the same rep replaces the first, which is closed with close
/// code 4001 (and should not reconnect by itself).
#[tokio::test]
async fn a_second_console_closes_the_first_with_4001() {
    let server = TestServer::start().await;
    let token = server.login("alice").await;
    let mut first = RepClient::connect(server.addr, &token, None).await;
    let _second = RepClient::connect(server.addr, &token, None).await;
    let (_, code) = drain_until_closed(&mut first.socket).await;
    assert_eq!(code, Some(4001));
}

/// §8 `RepSnapshot`: `reps` lists the rep's teammates (everyone sharing a team with them,
/// themselves included), not every rep; §4: `stream_id` is one per server start, the same for
/// every rep, and changes when the server restarts.
#[tokio::test]
async fn snapshot_reps_are_teammates_and_stream_id_is_per_server_start() {
    let mut server = TestServer::start().await;
    let alice = server.rep("alice").await;
    let bob = server.rep("bob").await;
    let reps: Vec<String> = alice
        .snapshot
        .as_ref()
        .unwrap()
        .reps
        .iter()
        .map(|r| r.rep.to_string())
        .collect();
    // alice: billing + tech. sam and sue (sales only) share no team with her.
    for teammate in ["alice", "bob", "carol", "dave"] {
        assert!(reps.iter().any(|r| r == teammate), "{teammate} in {reps:?}");
    }
    for stranger in ["sam", "sue"] {
        assert!(
            !reps.iter().any(|r| r == stranger),
            "{stranger} in {reps:?}"
        );
    }
    assert_eq!(alice.stream_id, bob.stream_id, "one stream id for all reps");
    let before = alice.stream_id.clone();
    drop(alice);
    drop(bob);
    server.restart().await;
    let alice = server.rep("alice").await;
    assert_ne!(
        alice.stream_id, before,
        "a new server start, a new stream id"
    );
}
