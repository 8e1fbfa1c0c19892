//! The server under attack: chat floods, long chats, session floods, silent sockets: each test does one attack of issue 10 against the real
//! server on 127.0.0.1 (bounded: seconds, hundreds), checks that it is refused the documented
//! way, and that a well-behaved customer keeps working meanwhile. Attackers come from other
//! loopback addresses (see `common/abuse.rs`).

#![allow(clippy::unwrap_used)]

mod common;

use common::abuse::*;
use common::*;
use futures_util::{SinkExt, StreamExt};
use std::net::IpAddr;
use std::time::Instant;
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;

/// Item 2: a customer flooding the chat is refused `rate_limited` (with a retry time) past
/// the burst and rate; control characters are refused; the well-behaved customer is not
/// slowed.
#[tokio::test]
async fn a_chat_flood_is_rate_limited() {
    let server = TestServer::start_with(test_config_with_limits(
        "chat_per_second = 5\nchat_burst = 20\n",
    ))
    .await;
    let mut probe = server.customer("Polly", Route::General).await;
    let unloaded = round_trips(&mut probe, 5).await;

    let (mut flood, started) = customer_from(ATTACKER, server.addr, "Flood").await;
    assert!(matches!(
        started,
        CustomerServerMessage::SessionStarted { .. }
    ));
    let text = "x".repeat(4000);
    let began = Instant::now();
    let sent = 300;
    for i in 0..sent {
        let frame = switchboard_protocol::codec::encode_with_id(
            RequestId(i),
            &CustomerRequest::Chat {
                client_msg_id: format!("f{i}"),
                text: text.clone(),
            },
        );
        flood.send(Message::Text(frame.into())).await.unwrap();
    }
    let loaded = round_trips(&mut probe, 5).await;
    let (mut accepted, mut limited, mut with_retry) = (0u64, 0u64, 0u64);
    while accepted + limited < sent {
        let frame = tokio::time::timeout(DEADLINE, flood.next()).await.unwrap();
        let Some(Ok(Message::Text(text))) = frame else {
            panic!("the flooder's socket ended: {frame:?}");
        };
        match serde_json::from_str(&text).unwrap() {
            CustomerServerMessage::Ok { .. } => accepted += 1,
            CustomerServerMessage::Error {
                code: ErrorCode::RateLimited,
                retry_after_ms,
                ..
            } => {
                limited += 1;
                with_retry += u64::from(retry_after_ms.is_some_and(|ms| ms > 0));
            }
            _ => {}
        }
    }
    let allowed = 20 + (5.0 * began.elapsed().as_secs_f64()).ceil() as u64 + 1;
    println!(
        "chat flood: {accepted} kept, {limited} refused in {:?}",
        began.elapsed()
    );
    assert!(
        accepted <= allowed,
        "{accepted} kept, at most {allowed} allowed"
    );
    assert!(limited > 200, "{limited} refused");
    assert_eq!(with_retry, limited, "each refusal says when to retry");
    assert_unaffected("chat flood", &unloaded, &loaded);

    // Control characters have no place in a chat.
    probe
        .send(CustomerRequest::Chat {
            client_msg_id: unique_client_id(),
            text: "\u{1}\u{2}\u{3}".into(),
        })
        .await;
    probe
        .pick("invalid", |m| match m {
            CustomerServerMessage::Error {
                code: ErrorCode::Invalid,
                ..
            } => Some(()),
            _ => None,
        })
        .await;
}

/// Item 2: a session's stored chat is capped (`limit_reached`), and no frame to a rep grows
/// with it: the snapshot carries the newest messages (`earlier_chat`), `load_chat` pages the
/// rest in; a retried `client_msg_id` is found however long the chat.
#[tokio::test]
async fn a_long_chat_is_capped_and_paged() {
    let server = TestServer::start_with(test_config_with_limits(
        "chat_per_second = 100000\nchat_burst = 100000\nmax_messages_per_session = 400\n\
         snapshot_chat_messages = 50\nsessions_per_minute_per_address = 1000\n",
    ))
    .await;
    let mut alice = server.rep("alice").await;
    let mut customer = server.customer("Long", Route::General).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    let text = "y".repeat(4000);
    let mut last_ok = 0;
    let mut refused = None;
    for i in 0..450u64 {
        let id = customer
            .send(CustomerRequest::Chat {
                client_msg_id: format!("m{i}"),
                text: text.clone(),
            })
            .await;
        let answer = customer
            .pick("an answer", |m| match m {
                CustomerServerMessage::Ok { id: got, .. } if *got == id => Some(None),
                CustomerServerMessage::Error {
                    id: Some(got),
                    code,
                    ..
                } if *got == id => Some(Some(*code)),
                _ => None,
            })
            .await;
        match answer {
            None => last_ok = i,
            Some(code) => {
                refused = Some((i, code));
                break;
            }
        }
    }
    let (at, code) = refused.expect("the cap is reached");
    assert_eq!(code, ErrorCode::LimitReached);
    // 400 messages in all: the join message and the customer's.
    assert!(
        (395..=400).contains(&at),
        "refused at {at} (last kept {last_ok})"
    );
    // A retry of an early message is still recognised: the stored message comes back.
    customer
        .send(CustomerRequest::Chat {
            client_msg_id: "m3".into(),
            text: text.clone(),
        })
        .await;
    customer
        .pick("the stored m3", |m| match m {
            CustomerServerMessage::Ok {
                message: Some(message),
                ..
            } if message.client_msg_id.as_deref() == Some("m3") => Some(()),
            _ => None,
        })
        .await;

    // A fresh console: the snapshot carries the newest 50, and says there is more.
    let token = server.login("alice").await;
    let mut fresh = RepClient::connect(server.addr, &token, None).await;
    let view = fresh
        .snapshot
        .as_ref()
        .unwrap()
        .sessions
        .iter()
        .find(|v| v.session.session_id == session_id)
        .cloned()
        .unwrap();
    assert!(view.earlier_chat);
    assert!(view.chat.len() <= 50, "{}", view.chat.len());
    let snapshot_bytes = serde_json::to_string(fresh.snapshot.as_ref().unwrap())
        .unwrap()
        .len();
    assert!(
        snapshot_bytes < 512 * 1024,
        "snapshot of {snapshot_bytes} bytes"
    );
    // Paging back reaches the first message.
    let mut before = view.chat[0].id;
    let mut pages = 0;
    loop {
        let Some(OkResult::ChatPage { messages, more }) =
            fresh.ok(RepRequest::LoadChat { session_id, before }).await
        else {
            panic!("expected a chat page");
        };
        pages += 1;
        assert!(messages.iter().all(|m| m.id < before));
        if let Some(first) = messages.first() {
            before = first.id;
        }
        if !more {
            break;
        }
        assert!(pages < 20, "paging ends");
    }
    assert!(pages >= 7, "{pages} pages of at most 50");
}

/// Item 4: a WebSocket whose peer stops answering pings is closed after the idle limit: the
/// customer who vanished shows as disconnected to the rep.
#[tokio::test]
async fn a_silent_websocket_is_closed() {
    let server = TestServer::start_with(test_config_with_limits("idle_timeout_secs = 2\n")).await;
    let mut alice = server.rep("alice").await;
    // The customer's socket is never read again, so it never answers a ping.
    let (_silent, started) = customer_from(ATTACKER, server.addr, "Vanished").await;
    let CustomerServerMessage::SessionStarted { session_id, .. } = started else {
        panic!("{started:?}");
    };
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    // The rep (whose client answers pings) stays; the customer is let go.
    alice
        .pick("the customer gone", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id && !session.customer_connected =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    alice.sync().await;
}

/// Item 6: one live session per customer socket; new sessions from one address are rate
/// limited; a full queue answers `busy`.
#[tokio::test]
async fn sessions_cannot_be_created_without_limit() {
    let server = TestServer::start_with(test_config_with_limits(
        "sessions_per_minute_per_address = 30\nsession_burst_per_address = 10\n\
         max_waiting_per_queue = 15\n",
    ))
    .await;
    let mut alice = server.rep("alice").await;
    // A second `start` on a socket that has a session is not a request: no second session.
    let (mut socket, _) = customer_from(ATTACKER, server.addr, "Twice").await;
    let again = serde_json::json!({"id": 5, "type": "start", "protocol_version": 1,
        "customer": {"name": "Again"}, "route": {"via": "general"}});
    socket
        .send(Message::Text(again.to_string().into()))
        .await
        .unwrap();
    let answer = loop {
        let Some(Ok(Message::Text(text))) = socket.next().await else {
            panic!("socket ended");
        };
        if let CustomerServerMessage::Error { code, .. } = serde_json::from_str(&text).unwrap() {
            break code;
        }
    };
    assert_eq!(answer, ErrorCode::UnknownType);

    // The attacker's address: a burst of 10, then rate limited.
    let mut started = 1;
    let mut limited = 0;
    for i in 0..25 {
        let (_socket, answer) = customer_from(ATTACKER, server.addr, &format!("Bot {i}")).await;
        match answer {
            CustomerServerMessage::SessionStarted { .. } => started += 1,
            CustomerServerMessage::Error {
                code: ErrorCode::RateLimited,
                retry_after_ms: Some(_),
                ..
            } => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(started <= 11, "{started} sessions started");
    assert!(limited >= 14, "{limited} refused");
    // Others fill the queue up to its cap; then `busy`.
    for i in 0..4 {
        let from: IpAddr = [127, 0, 0, 10 + i].into();
        let (_socket, answer) = customer_from(from, server.addr, "Other").await;
        assert!(matches!(
            answer,
            CustomerServerMessage::SessionStarted { .. }
        ));
    }
    let waiting = started + 4;
    let mut busy = None;
    for i in waiting..20 {
        let from: IpAddr = [127, 0, 1, i as u8].into();
        let (_socket, answer) = customer_from(from, server.addr, "Late").await;
        if let CustomerServerMessage::Error { code, message, .. } = answer {
            busy = Some((code, message));
            break;
        }
    }
    let (code, message) = busy.expect("the queue fills up");
    assert_eq!(code, ErrorCode::Busy);
    assert!(message.contains("try again"), "{message}");
    alice.sync().await;
}

/// Item 8: an identical team invitation is refused like a repeated rep invitation.
#[tokio::test]
async fn a_repeated_team_invitation_is_refused() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let _carol = server.rep("carol").await;
    let customer = server.customer("Ivy", Route::General).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    let invite = RepRequest::Invite {
        session_id,
        target: InviteTarget::Team {
            team: "tech".into(),
        },
    };
    alice.ok(invite.clone()).await;
    alice.refused(invite, ErrorCode::InvitationExists).await;
}
