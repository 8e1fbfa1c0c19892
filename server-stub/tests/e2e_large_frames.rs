//! Frames larger than one WebSocket fragment (`FRAGMENT_BYTES` in server/socket.rs, 2 KiB)
//! leave the server in pieces, so tungstenite's write buffer stays small on every idle
//! connection (issue 11). A real client (tokio-tungstenite) must get each such frame back
//! whole and identical, in both directions of a chat and in the snapshot. The consoles here
//! refuse any single WebSocket frame over the fragment size, so a large frame sent whole
//! fails the test.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use switchboard_protocol::*;

use switchboard_server::server::FRAGMENT_BYTES;

/// A console whose WebSocket client refuses any single frame longer than a fragment (a
/// message of several fragments may be up to 1 MiB).
async fn console_taking_only_fragments(server: &TestServer, user: &str) -> RepClient {
    let token = server.login(user).await;
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_frame_size(Some(FRAGMENT_BYTES))
        .max_message_size(Some(1024 * 1024));
    let url = format!("ws://{}/ws/rep", server.addr);
    let (socket, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), false)
        .await
        .unwrap();
    RepClient::try_hello(socket, &token, None).await.unwrap()
}

/// A chat text at the server's limit (4,000 characters) of one- to three-byte UTF-8
/// characters: 8,800 bytes, so its frame is five fragments and pieces end mid-character.
fn long_text(seed: char) -> String {
    let pattern = format!("{seed}é✓€ö");
    pattern.chars().cycle().take(4000).collect()
}

#[tokio::test]
async fn long_chat_messages_arrive_whole_and_identical_both_ways() {
    let server = TestServer::start().await;
    let mut alice = console_taking_only_fragments(&server, "alice").await;
    let mut customer = CustomerClient::start(
        server.addr,
        "Dana",
        Route::Issue {
            issue: "invoice".into(),
        },
    )
    .await;
    let session_id = customer.session_id;
    session_entry_in(&mut alice, &team("billing"), session_id, |_| true).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;

    let from_customer = long_text('a');
    assert!(
        from_customer.len() > 4 * FRAGMENT_BYTES,
        "{}",
        from_customer.len()
    );
    let echoed = customer.say(&from_customer).await;
    assert_eq!(echoed.text, from_customer, "the customer's own ok");
    let received = alice.chat_text(&from_customer).await;
    assert_eq!(received, echoed, "the rep's event carries the same message");

    let from_rep = long_text('b');
    let Some(OkResult::Chat { message: sent }) = alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: unique_client_id(),
            text: from_rep.clone(),
            visibility: Visibility::Public,
        })
        .await
    else {
        panic!("SendChat answers with the message");
    };
    assert_eq!(sent.text, from_rep);
    let delivered = customer
        .wait("the rep's long message", |m| match m {
            CustomerServerMessage::Chat { message } if message.text == from_rep => {
                Some(message.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(delivered, sent, "the customer gets what the rep sent");
}

/// A console's snapshot is its largest frame (13 KiB for a rep whose team has 50 members):
/// it arrives whole (the test client parses the frame as one JSON value).
#[tokio::test]
async fn a_snapshot_larger_than_a_fragment_arrives_whole() {
    let server = TestServer::start().await;
    let alice = console_taking_only_fragments(&server, "alice").await;
    let snapshot = serde_json::to_string(alice.snapshot.as_ref().unwrap()).unwrap();
    assert!(
        snapshot.len() > FRAGMENT_BYTES,
        "the test configuration's snapshot is {} bytes: too small to be fragmented",
        snapshot.len()
    );
}
