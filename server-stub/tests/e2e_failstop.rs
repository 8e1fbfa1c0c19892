//! Durable before delivered: when a batch cannot be stored, nothing of it reaches anyone,
//! the server stops, and a restart has every acknowledged message (server/commit.rs). The
//! store's test fault hook makes commits fail on demand; everything else is the real
//! server over real sockets.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::StreamExt;
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;

/// Reads a rep's socket until the server closes it; every chat text it carried.
async fn chat_until_closed(rep: &mut RepClient) -> Vec<String> {
    let mut texts: Vec<String> = rep
        .events
        .drain(..)
        .filter_map(|(_, e)| match e {
            RepEvent::Chat { message } => Some(message.text),
            _ => None,
        })
        .collect();
    loop {
        match tokio::time::timeout(DEADLINE, rep.socket.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(text))) => {
                if let Ok(RepServerMessage::Event {
                    event: RepEvent::Chat { message },
                    ..
                }) = serde_json::from_str(&text)
                {
                    texts.push(message.text);
                }
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return texts,
            Some(Ok(_)) => continue,
        }
    }
}

/// A batch that cannot be stored after the retries: its `ok` and its events never leave
/// the server, which stops; after a restart the acknowledged messages are all there and
/// the unstored one is not.
#[tokio::test]
async fn nothing_from_a_failed_batch_is_delivered() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = server.customer("Fay", Route::General).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    customer.say("first").await;
    customer.say("second").await;
    alice.chat_text("second").await;

    let running = server.server.as_ref().unwrap();
    running.store.inject_commit_failures(u64::MAX);
    customer
        .send(CustomerRequest::Chat {
            client_msg_id: "unstored".into(),
            text: "never stored".into(),
        })
        .await;
    let stop = tokio::time::timeout(DEADLINE, running.failed())
        .await
        .expect("the server stops");
    assert!(
        stop.reason.contains("could not be stored"),
        "{}",
        stop.reason
    );
    // Neither side got anything of the failed batch: no `ok`, no event.
    let seen = customer.until_closed().await;
    assert!(
        !seen.iter().any(|m| matches!(m, CustomerServerMessage::Ok { message: Some(m), .. } if m.text == "never stored")),
        "{seen:?}"
    );
    let rep_saw = chat_until_closed(&mut alice).await;
    assert!(!rep_saw.iter().any(|t| t == "never stored"), "{rep_saw:?}");

    // A restart resumes from the database: what was acknowledged is there, nothing else.
    server.restart().await;
    let alice = server.rep("alice").await;
    let chat: Vec<String> = alice
        .snapshot
        .as_ref()
        .unwrap()
        .sessions
        .iter()
        .find(|v| v.session.session_id == session_id)
        .expect("the session survives")
        .chat
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert!(chat.contains(&"first".to_owned()), "{chat:?}");
    assert!(chat.contains(&"second".to_owned()), "{chat:?}");
    assert!(!chat.contains(&"never stored".to_owned()), "{chat:?}");
    let resumed = CustomerClient::resume(server.addr, session_id, &customer.token)
        .await
        .expect("the customer resumes");
    assert!(!resumed.ended);
}

/// A commit that fails fewer times than the retries allow is not a stop: the message is
/// stored and delivered once, in order.
#[tokio::test]
async fn a_passing_failure_is_retried() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = server.customer("Gil", Route::General).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    let running = server.server.as_ref().unwrap();
    running
        .store
        .inject_commit_failures(switchboard_server::server::commit::COMMIT_ATTEMPTS as u64 - 1);
    customer.say("after a hiccup").await;
    alice.chat_text("after a hiccup").await;
    alice.sync().await;
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(1), running.failed())
            .await
            .is_err(),
        "still running"
    );
}

/// A server whose lease ran out (another server may be active) delivers nothing more: the
/// batch after the loss is neither acknowledged nor sent to the rep, and the server stops
/// saying `lost the lease`. The guard is driven by hand here (SQLite, no PostgreSQL): the
/// core's check after the commit is what is tested; the fence inside the commit is the
/// store's (store/postgres tests) and the real takeover is e2e_failover's.
#[tokio::test]
async fn nothing_is_delivered_once_the_lease_has_run_out() {
    use std::time::{Duration, Instant};
    use switchboard_server::server::lease::{LeaseGuard, LeaseTiming};
    use switchboard_server::server::{self, Options, Storage};

    let guard = LeaseGuard::new(Instant::now(), LeaseTiming::default());
    // Held for an hour, as if just renewed, until the test revokes it.
    guard.extend(Instant::now() + Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running = server::start_with_storage(
        listener,
        Options {
            config: test_config(),
            db_path: dir.path().join("test.db"),
            seed: 7,
        },
        None,
        Storage {
            postgres: None,
            lease: Some(guard.clone()),
        },
    )
    .await
    .unwrap();
    let token = login(running.addr, "alice", "alice-pw").await;
    let mut alice = RepClient::connect(running.addr, &token, None).await;
    let mut customer = CustomerClient::start(running.addr, "Hal", Route::General).await;
    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    customer.say("while held").await;
    alice.chat_text("while held").await;

    guard.revoke();
    customer
        .send(CustomerRequest::Chat {
            client_msg_id: "late".into(),
            text: "after the lease".into(),
        })
        .await;
    let stop = tokio::time::timeout(DEADLINE, running.failed())
        .await
        .expect("the server stops");
    assert!(stop.reason.contains("lost the lease"), "{}", stop.reason);
    let seen = customer.until_closed().await;
    assert!(
        !seen.iter().any(|m| matches!(m, CustomerServerMessage::Ok { message: Some(m), .. } if m.text == "after the lease")),
        "{seen:?}"
    );
    let rep_saw = chat_until_closed(&mut alice).await;
    assert!(
        !rep_saw.iter().any(|t| t == "after the lease"),
        "{rep_saw:?}"
    );
    running.shutdown().await;
}
