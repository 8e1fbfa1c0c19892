//! Not a check: the server's half of `docs/screenshots/supervision_take.sh`, which photographs
//! a monitored session with a whisper as the lead sees it. It starts the real server with the
//! demo configuration; Jane Doe (Initech) asks about an invoice, Alice Martin accepts her and
//! they exchange a few lines (and a note for the reps); Grace Lin (a lead of Billing)
//! monitors the session and whispers to Alice over a socket of her own. The console the
//! script starts logs in as Grace: the session is hers to watch, whisper included. Its URL
//! goes to `$SHOT_DIR/url`; it keeps the sockets open until the script removes that file.
//! Ignored unless run by the script (`-- --ignored`); every wait is bounded.

#![allow(clippy::unwrap_used)]

use futures_util::StreamExt as _;
use std::time::Duration;
use switchboard_protocol::{CustomerInfo, RepRequest, Route, Visibility};
use switchboard_testkit::{CustomerClient, RepClient, ServerThread, unique_client_id};

/// How long the fixture waits for the script at most.
const SCRIPT_LIMIT: Duration = Duration::from_secs(300);

#[test]
#[ignore = "run by docs/screenshots/supervision_take.sh"]
fn a_monitored_session_for_the_screenshot() {
    let dir = std::path::PathBuf::from(std::env::var("SHOT_DIR").expect("SHOT_DIR"));
    let server = ServerThread::start();
    let addr = server.addr();
    let (customer, alice, grace) = server.block_on(async {
        let jane = CustomerInfo {
            name: "Jane Doe".into(),
            company: Some("Initech".into()),
            question: Some("My March invoice charges us twice for the same seats.".into()),
            contact: None,
        };
        let route = Route::Issue {
            issue: "invoice".into(),
        };
        let mut customer = CustomerClient::start_as(addr, jane, route).await;
        let session_id = customer.session_id;
        let token = switchboard_testkit::socket::login(addr, "alice", "alice-demo").await;
        let mut alice = RepClient::connect(addr, &token, None).await;
        alice.ok(RepRequest::Accept { session_id }).await;
        switchboard_testkit::rep::joined(&mut alice, session_id).await;
        customer
            .say("Hi, our March invoice charges us twice for 12 seats.")
            .await;
        let lines = [
            (
                "Hello Jane, I'm Alice. Let me pull up that invoice.",
                Visibility::Public,
            ),
            (
                "Invoice INV-2291: seats billed on the 1st and again on the 3rd.",
                Visibility::Reps,
            ),
            (
                "I can see the duplicate line. One moment please.",
                Visibility::Public,
            ),
        ];
        for (text, visibility) in lines {
            alice
                .ok(RepRequest::SendChat {
                    session_id,
                    client_msg_id: unique_client_id(),
                    text: text.into(),
                    visibility,
                })
                .await;
        }
        let token = switchboard_testkit::socket::login(addr, "grace", "grace-demo").await;
        let mut grace = RepClient::connect(addr, &token, None).await;
        grace.monitor(session_id).await;
        grace
            .whisper(
                session_id,
                "Offer the refund as account credit: it posts today, a card refund takes 5 days.",
                None,
            )
            .await;
        (customer, alice, grace)
    });
    // Their sockets stay read (pings answered) while the script works.
    let mut sockets = vec![alice.socket, grace.socket];
    sockets.push(customer.socket);
    for mut socket in sockets {
        server
            .runtime
            .spawn(async move { while socket.next().await.is_some() {} });
    }
    std::fs::write(dir.join("url"), server.url()).unwrap();
    let deadline = std::time::Instant::now() + SCRIPT_LIMIT;
    while dir.join("url").exists() && std::time::Instant::now() < deadline {
        server.block_on(async { tokio::time::sleep(Duration::from_millis(500)).await });
    }
}
