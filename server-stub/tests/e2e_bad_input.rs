//! End to end: malformed, oversized, unknown and unauthorized input gets a clear error,
//! changes nothing, and keeps the connection unless the peer floods.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::SinkExt;
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;

fn code_of(message: &RepServerMessage) -> ErrorCode {
    match message {
        RepServerMessage::Error { code, .. } => *code,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Each kind of bad rep frame gets its stable code, and the connection keeps working.
#[tokio::test]
async fn bad_rep_frames_get_codes_and_keep_the_connection() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let before = alice.snapshot.clone();
    assert_eq!(
        code_of(&alice.raw("{this is not json").await),
        ErrorCode::BadRequest
    );
    assert_eq!(code_of(&alice.raw("[1,2,3]").await), ErrorCode::BadRequest);
    assert_eq!(
        code_of(&alice.raw(r#"{"id":1,"type":"launch_rockets"}"#).await),
        ErrorCode::UnknownType
    );
    let missing = alice.raw(r#"{"id":2,"type":"accept"}"#).await;
    assert!(matches!(
        missing,
        RepServerMessage::Error {
            id: Some(RequestId(2)),
            code: ErrorCode::BadRequest,
            ..
        }
    ));
    let big = format!(
        r#"{{"id":3,"type":"ping","pad":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    assert_eq!(code_of(&alice.raw(&big).await), ErrorCode::FrameTooLarge);
    // (A binary frame closes the connection: see e2e_contract.)
    // Unknown ids and actions on other people's sessions.
    alice
        .refused(
            RepRequest::Accept {
                session_id: SessionId(999),
            },
            ErrorCode::NotFound,
        )
        .await;
    alice
        .refused(
            RepRequest::CancelInvitation {
                invitation_id: InvitationId(999),
            },
            ErrorCode::NotFound,
        )
        .await;
    alice
        .refused(
            RepRequest::TeamChat {
                team: "sales".into(),
                client_msg_id: "x".into(),
                text: "hi".into(),
            },
            ErrorCode::Forbidden,
        )
        .await;
    alice
        .refused(
            RepRequest::SetPresence {
                presence: Presence::Offline,
            },
            ErrorCode::Invalid,
        )
        .await;
    // Still connected, and nothing changed.
    alice.ok(RepRequest::Ping).await;
    let token = server.login("alice").await;
    let again = RepClient::connect(server.addr, &token, None).await;
    assert_eq!(
        again.snapshot.as_ref().unwrap().queues,
        before.unwrap().queues
    );
}

/// Actions on a session the rep is not in are refused and change nothing.
#[tokio::test]
async fn unauthorized_session_actions_are_refused() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut carol = server.rep("carol").await;
    let customer = server
        .customer(
            "Gus",
            Route::Team {
                team: "billing".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    alice.entry_in(&team("billing"), session_id).await;
    // Carol is not in billing and has no general queue: she may not take it.
    carol
        .refused(RepRequest::Accept { session_id }, ErrorCode::Forbidden)
        .await;
    alice.ok(RepRequest::Accept { session_id }).await;
    let chat = RepRequest::SendChat {
        session_id,
        client_msg_id: "c".into(),
        text: "hi".into(),
        visibility: Visibility::Public,
    };
    carol.refused(chat, ErrorCode::NotInSession).await;
    carol
        .refused(
            RepRequest::Close {
                session_id,
                mode: CloseMode::End,
            },
            ErrorCode::NotInSession,
        )
        .await;
    carol
        .refused(
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
}

/// A customer's bad frames and rep-only actions get errors; their session is untouched.
#[tokio::test]
async fn bad_customer_frames_get_codes() {
    let server = TestServer::start().await;
    let mut customer = server.customer("Hal", Route::General).await;
    let mut errors = Vec::new();
    for frame in [
        "nope".to_owned(),
        r#"{"id":1,"type":"accept","session_id":1}"#.to_owned(),
        r#"{"id":2,"type":"chat"}"#.to_owned(),
        format!(
            r#"{{"id":3,"type":"chat","client_msg_id":"a","text":"{}"}}"#,
            "y".repeat(70 * 1024)
        ),
        r#"{"id":4,"type":"chat","client_msg_id":"a","text":"   "}"#.to_owned(),
    ] {
        customer.raw(&frame).await;
        let code = customer
            .wait("an error", |m| match m {
                CustomerServerMessage::Error { code, .. } => Some(*code),
                _ => None,
            })
            .await;
        errors.push(code);
    }
    assert_eq!(
        errors,
        [
            ErrorCode::BadRequest,
            ErrorCode::UnknownType,
            ErrorCode::BadRequest,
            ErrorCode::FrameTooLarge,
            ErrorCode::Invalid
        ]
    );
    // The session is still there and works.
    customer.say("still fine").await;
    // Another customer cannot take this session over without its token.
    let stolen = CustomerClient::resume(server.addr, customer.session_id, "guessed-token").await;
    assert!(matches!(
        stolen,
        Err(CustomerServerMessage::Error {
            code: ErrorCode::Unauthorized,
            ..
        })
    ));
}

/// A peer that floods bad frames, or sends a frame over the hard limit, is disconnected.
#[tokio::test]
async fn floods_and_huge_frames_close_the_connection() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    for _ in 0..30 {
        if alice
            .socket
            .send(Message::Text("garbage".into()))
            .await
            .is_err()
        {
            break;
        }
    }
    // Reading ends (the server closed the socket) after at most the allowed number of errors.
    let mut errors = 0;
    while let Some(text) = next_text(&mut alice.socket).await {
        if text.contains(r#""type":"error""#) {
            errors += 1;
        }
    }
    assert!(
        (20..=21).contains(&errors),
        "{errors} error replies before the cut-off"
    );

    let mut bob = server.rep("bob").await;
    let huge = format!(
        r#"{{"id":1,"type":"ping","pad":"{}"}}"#,
        "z".repeat(2 * 1024 * 1024)
    );
    let _ = bob.socket.send(Message::Text(huge.into())).await;
    // Events may still arrive, but never an answer to the huge frame; then the socket closes.
    while let Some(text) = next_text(&mut bob.socket).await {
        assert!(
            text.contains(r#""type":"event""#),
            "unexpected reply to a 2 MiB frame: {text}"
        );
    }
}
