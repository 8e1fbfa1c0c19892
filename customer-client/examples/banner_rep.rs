//! A scripted rep for the customer window's screenshot (docs/screenshots/customer_banner.png):
//! logs in as Alice on a demo server, accepts the first customer in her personal queue, asks
//! to view the screen and, once allowed, views it (acknowledging every update) until stopped.
//!
//! `cargo run -p switchboard-customer --example banner_rep -- 127.0.0.1:18080`

#![allow(clippy::unwrap_used)]

use switchboard_protocol::media::{MediaFrame, decode_media};
use switchboard_protocol::{Capability, GrantState, MediaChannel, OkResult, RepEvent, RepRequest};
use switchboard_testkit::media::{MediaClient, Next};
use switchboard_testkit::{RepClient, login};

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".into())
        .parse()
        .unwrap();
    let token = login(addr, "alice", "alice-demo").await;
    let mut alice = RepClient::connect(addr, &token, None).await;
    let session_id = alice
        .event("a customer in Alice's queue", |e| match e {
            RepEvent::EntryUpserted { entry } => Some(entry.session_id),
            _ => None,
        })
        .await;
    alice.ok(RepRequest::Accept { session_id }).await;
    let grant_id = match alice
        .ok(RepRequest::RequestRemote {
            session_id,
            capability: Capability::ScreenView,
        })
        .await
    {
        Some(OkResult::Grant { grant_id }) => grant_id,
        other => panic!("{other:?}"),
    };
    println!("asked; waiting for the customer to allow");
    loop {
        let granted = alice
            .event("the grant", |e| match e {
                RepEvent::SessionUpdated { session } => session
                    .remote
                    .grants
                    .iter()
                    .find(|g| g.grant_id == grant_id)
                    .map(|g| g.state),
                _ => None,
            })
            .await;
        if granted == GrantState::Granted {
            break;
        }
    }
    let open = RepRequest::OpenMedia {
        session_id,
        channel: MediaChannel::Screen,
    };
    let ticket = match alice.ok(open).await {
        Some(OkResult::Media { ticket }) => ticket,
        other => panic!("{other:?}"),
    };
    let mut media = MediaClient::auth(addr, &ticket.token).await;
    println!("viewing");
    loop {
        match media
            .next_within(std::time::Duration::from_secs(3600))
            .await
        {
            Next::Binary(bytes) => {
                if let Ok(MediaFrame::ScreenUpdate(update)) = decode_media(&bytes) {
                    media.send(&MediaFrame::Ack { seq: update.seq }).await;
                }
            }
            other => {
                println!("stream ended: {other:?}");
                return;
            }
        }
    }
}
