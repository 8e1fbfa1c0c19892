//! docs/PROTOCOL.md, word for word (the customer's socket and frames; the rep's side and
//! HTTP are in e2e_contract_rep.rs): each test quotes a sentence of the document and checks
//! it against the real server over a real socket. These are the places where an integrator
//! who wrote a client from the document alone found the server saying something else.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::SinkExt;
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

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
