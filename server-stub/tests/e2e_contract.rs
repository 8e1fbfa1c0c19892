//! docs/PROTOCOL.md, word for word: each test quotes a sentence of the document and checks
//! it against the real server over a real socket. These are the places where an integrator
//! who wrote a client from the document alone found the server saying something else.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

fn general() -> Route {
    Route::General
}

/// Reads frames until the socket closes; returns the texts and the close code, if any.
async fn drain_until_closed(socket: &mut WsSocket) -> (Vec<String>, Option<u16>) {
    drain_until_closed_within(socket, DEADLINE).await
}

async fn drain_until_closed_within(
    socket: &mut WsSocket,
    limit: std::time::Duration,
) -> (Vec<String>, Option<u16>) {
    let deadline = tokio::time::Instant::now() + limit;
    let mut texts = Vec::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the server closes the socket before the deadline");
        match frame {
            Some(Ok(Message::Text(text))) => texts.push(text.to_string()),
            Some(Ok(Message::Close(frame))) => {
                return (texts, frame.map(|f| u16::from(f.code)));
            }
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return (texts, None),
        }
    }
}

fn customer_message(text: &str) -> CustomerServerMessage {
    serde_json::from_str(text).unwrap()
}

/// §9: "`leave` (the customer is done; answered `ok`, then the server closes the socket. A
/// session nobody accepted yet ends; one with reps in it stays open for them…)"
#[tokio::test]
async fn leave_is_answered_ok_then_the_socket_closes() {
    let server = TestServer::start().await;
    // Waiting: the `ok`, nothing else, then the close.
    let mut waiting = server.customer("Wanda", general()).await;
    let id = waiting.send(CustomerRequest::Leave).await;
    let seen = waiting.until_closed().await;
    let oks: Vec<_> = seen
        .iter()
        .filter(|m| matches!(m, CustomerServerMessage::Ok { id: got, .. } if *got == id))
        .collect();
    assert_eq!(oks.len(), 1, "one `ok` for the leave: {seen:?}");
    assert!(
        matches!(seen.last(), Some(CustomerServerMessage::Ok { .. })),
        "the `ok` is the last word: {seen:?}"
    );

    // With a rep in the session: `ok`, close, and the session stays open for the rep.
    let mut alice = server.rep("alice").await;
    let mut customer = server.customer("Carl", general()).await;
    alice
        .ok(RepRequest::Accept {
            session_id: customer.session_id,
        })
        .await;
    joined(&mut alice, customer.session_id).await;
    customer
        .pick("rep joined", |m| {
            matches!(m, CustomerServerMessage::RepJoined { .. }).then_some(())
        })
        .await;
    let id = customer.send(CustomerRequest::Leave).await;
    let seen = customer.until_closed().await;
    assert!(
        seen.iter()
            .any(|m| matches!(m, CustomerServerMessage::Ok { id: got, .. } if *got == id)),
        "the leave is answered `ok`: {seen:?}"
    );
    let session_id = customer.session_id;
    alice
        .pick("customer gone", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id && !session.customer_connected =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    alice.sync().await;
    assert!(
        !alice.has_queued(
            |e| matches!(e, RepEvent::SessionLeft { session_id: s, .. } if *s == session_id)
        ),
        "the session stays open for the rep"
    );
}

/// §9 Resuming: "`ended: true` means the session is already over." — for a session that
/// ended (and left the server's memory), with the public chat and never a rep-only note.
#[tokio::test]
async fn resume_of_an_ended_session_is_session_started_with_ended_true() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = server.customer("Erin", general()).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    customer.say("my printer").await;
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: unique_client_id(),
            text: "secret note".into(),
            visibility: Visibility::Reps,
        })
        .await;
    end_resolved(&mut alice, session_id).await;
    customer.until_closed().await;

    let mut socket = open_socket(server.addr, "/ws/customer").await;
    let resume = CustomerHello::Resume {
        protocol_version: PROTOCOL_VERSION,
        session_id,
        customer_token: customer.token.clone(),
    };
    socket
        .send(Message::Text(
            serde_json::to_string(&resume).unwrap().into(),
        ))
        .await
        .unwrap();
    let (texts, _) = drain_until_closed(&mut socket).await;
    assert_eq!(texts.len(), 1, "one answer, then the close: {texts:?}");
    match customer_message(&texts[0]) {
        CustomerServerMessage::SessionStarted {
            ended: true,
            chat,
            session_id: got,
            ..
        } => {
            assert_eq!(got, session_id);
            assert!(chat.iter().any(|m| m.text == "my printer"), "{chat:?}");
            assert!(
                chat.iter().all(|m| m.visibility == Visibility::Public),
                "rep-only notes never reach a customer: {chat:?}"
            );
        }
        other => panic!("expected session_started with ended: true, got {other:?}"),
    }
}

/// §9 Resuming: "A wrong token gets `unauthorized`." — and a session id that never existed
/// gets exactly the same answer, so nobody can probe which sessions are live.
#[tokio::test]
async fn resume_with_unknown_id_or_wrong_token_gets_the_same_unauthorized() {
    let server = TestServer::start().await;
    let customer = server.customer("Una", general()).await;
    let wrong_token = CustomerClient::resume(server.addr, customer.session_id, &"0".repeat(64))
        .await
        .err()
        .expect("a wrong token is refused");
    let unknown = CustomerClient::resume(server.addr, SessionId(987_654), &customer.token)
        .await
        .err()
        .expect("an unknown session is refused");
    match (&wrong_token, &unknown) {
        (
            CustomerServerMessage::Error {
                code: a,
                message: ma,
                id: None,
                ..
            },
            CustomerServerMessage::Error {
                code: b,
                message: mb,
                id: None,
                ..
            },
        ) => {
            assert_eq!(*a, ErrorCode::Unauthorized);
            assert_eq!(a, b);
            assert_eq!(ma, mb, "the same words for both");
        }
        other => panic!("expected two errors, got {other:?}"),
    }
}

/// §9: "A refused hello gets an `error` without `id`, and the connection closes." For every
/// code a hello can be refused with, and for a first frame that is not a hello at all.
#[tokio::test]
async fn a_refused_hello_closes_the_connection() {
    let server = TestServer::start().await;
    let start = |customer: serde_json::Value, route: serde_json::Value| {
        serde_json::json!({"type": "start", "protocol_version": 1, "customer": customer, "route": route})
            .to_string()
    };
    let cases = [
        (
            start(
                serde_json::json!({"name": ""}),
                serde_json::json!({"via": "general"}),
            ),
            ErrorCode::Invalid,
        ),
        (
            start(
                serde_json::json!({"name": "Pat"}),
                serde_json::json!({"via": "rep", "rep": "nobody"}),
            ),
            ErrorCode::NotFound,
        ),
        (
            start(
                serde_json::json!({"name": "Pat"}),
                serde_json::json!({"via": "session_key", "key": "000000"}),
            ),
            ErrorCode::KeyInvalid,
        ),
        (
            serde_json::json!({"type": "resume", "protocol_version": 1, "session_id": 5, "customer_token": "x"})
                .to_string(),
            ErrorCode::Unauthorized,
        ),
        (
            r#"{"type": "start", "protocol_version": 1}"#.to_owned(),
            ErrorCode::BadRequest,
        ),
        (r#"{"id": 1, "type": "ping"}"#.to_owned(), ErrorCode::BadRequest),
        (
            r#"{"id": 1, "type": "chat", "client_msg_id": "1", "text": "hi"}"#.to_owned(),
            ErrorCode::BadRequest,
        ),
    ];
    for (hello, code) in cases {
        let mut socket = open_socket(server.addr, "/ws/customer").await;
        socket
            .send(Message::Text(hello.clone().into()))
            .await
            .unwrap();
        // A second, good start on the same socket must not be taken.
        let retry = start(
            serde_json::json!({"name": "Pat"}),
            serde_json::json!({"via": "general"}),
        );
        let _ = socket.send(Message::Text(retry.into())).await;
        let (texts, _) = drain_until_closed(&mut socket).await;
        assert_eq!(
            texts.len(),
            1,
            "{hello}: one error, then the close: {texts:?}"
        );
        match customer_message(&texts[0]) {
            CustomerServerMessage::Error {
                id: None,
                code: got,
                ..
            } => assert_eq!(got, code, "{hello}"),
            other => panic!("{hello}: expected an error, got {other:?}"),
        }
    }
}

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
    let invitation = match alice
        .ok(RepRequest::Invite {
            session_id,
            target: InviteTarget::Rep { rep: "bob".into() },
        })
        .await
    {
        Some(OkResult::Invitation { invitation_id }) => invitation_id,
        other => panic!("expected an invitation, got {other:?}"),
    };
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

/// §5 `join_session`: "Errors: … `not_found` (no open request)" — also for a lead who
/// already joined and asks again.
#[tokio::test]
async fn a_second_join_session_is_not_found() {
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
        .refused(RepRequest::JoinSession { session_id }, ErrorCode::NotFound)
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
    let invitation_id = match alice
        .ok(RepRequest::Invite {
            session_id,
            target: InviteTarget::Rep { rep: "bob".into() },
        })
        .await
    {
        Some(OkResult::Invitation { invitation_id }) => invitation_id,
        other => panic!("expected an invitation, got {other:?}"),
    };
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

/// §2: "Binary frames and text frames that are not UTF-8 close the connection (close codes
/// 1003 and 1007)", on both endpoints.
#[tokio::test]
async fn frames_that_are_not_protocol_text_close_the_connection() {
    let server = TestServer::start().await;
    // A rep, after the handshake.
    let mut alice = server.rep("alice").await;
    alice
        .socket
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    let (_, code) = drain_until_closed(&mut alice.socket).await;
    assert_eq!(code, Some(1003));
    // A customer, after the hello.
    let mut customer = server.customer("Bin", general()).await;
    let invalid = Frame::message(vec![0xff, 0xfe, 0x22], OpCode::Data(Data::Text), true);
    customer.socket.send(Message::Frame(invalid)).await.unwrap();
    let (_, code) = drain_until_closed(&mut customer.socket).await;
    assert_eq!(code, Some(1007));
    // A customer whose first frame is binary.
    let mut socket = open_socket(server.addr, "/ws/customer").await;
    socket.send(Message::Binary(vec![0].into())).await.unwrap();
    let (texts, code) = drain_until_closed(&mut socket).await;
    assert!(texts.is_empty(), "{texts:?}");
    assert_eq!(code, Some(1003));
}

/// §4 "Frames that cannot be read": more than 20 bad frames (`bad_request`, `unknown_type`
/// or `frame_too_large`) within 10 seconds close the connection.
#[tokio::test]
async fn unknown_types_count_as_bad_frames() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    for i in 0..21 {
        alice
            .socket
            .send(Message::Text(
                format!(r#"{{"id": {i}, "type": "launch_rockets"}}"#).into(),
            ))
            .await
            .unwrap();
    }
    let (texts, _) = drain_until_closed(&mut alice.socket).await;
    let unknown = texts.iter().filter(|t| t.contains("unknown_type")).count();
    assert_eq!(unknown, 21, "each is answered before the close");
}

/// §9: "The first frame must be `start` or `resume` and must arrive within 10 seconds;
/// otherwise the server answers `bad_request` and closes the connection."
#[tokio::test]
async fn a_silent_customer_socket_is_closed_after_10_seconds() {
    let server = TestServer::start().await;
    let mut socket = open_socket(server.addr, "/ws/customer").await;
    let started = std::time::Instant::now();
    let (texts, _) = drain_until_closed_within(&mut socket, DEADLINE * 2).await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(9));
    assert_eq!(texts.len(), 1, "{texts:?}");
    match customer_message(&texts[0]) {
        CustomerServerMessage::Error {
            code: ErrorCode::BadRequest,
            id: None,
            ..
        } => {}
        other => panic!("expected bad_request, got {other:?}"),
    }
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
