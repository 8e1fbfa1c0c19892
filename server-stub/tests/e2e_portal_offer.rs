//! The offer of the Switchboard program in a real browser (docs/PROTOCOL.md §5
//! `offer_client`, §9 `client_offered` and `join`): a customer chats on the portal page in
//! headless Chromium, the rep offers the program, and the page shows the card (the download
//! link served by this server, the code in large type, the command line with this server's
//! address, the expiry); the link downloads the configured file. When the program joins
//! with the code, the page says the chat continues there and the card goes. A server without
//! the program tells the customer to ask the rep instead of showing a link.

#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use browser::Browser;
use common::*;
use switchboard_protocol::*;
use switchboard_testkit::client_offer::{offer_client, test_config_with_client_download};

/// Starts a chat on the issue path as `name`; alice accepts it. The session id.
async fn chatting(
    page: &Browser,
    server: &TestServer,
    alice: &mut RepClient,
    name: &str,
) -> SessionId {
    page.goto(&server.http("/")).await;
    page.fill("#name", name).await;
    page.click(r#"input[name="how"][value="issue"]"#).await;
    page.select("#issue", "invoice").await;
    page.click("#start").await;
    page.wait_for_text("#status", "in the queue").await;
    let session_id = alice
        .pick("the page's entry", |e| match e {
            RepEvent::EntryUpserted { entry }
                if entry.customer.name == name && entry.invitation.is_none() =>
            {
                Some(entry.session_id)
            }
            _ => None,
        })
        .await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(alice, session_id).await;
    page.wait_for_text("#status", "You are chatting with Alice")
        .await;
    session_id
}

/// The card with the link, the code, the command line and the expiry; the download; then
/// the program joins and the page hands over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_shows_the_card_and_the_program_takes_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switchboard-customer");
    let program: Vec<u8> = (0..70_001u32).map(|i| (i % 241) as u8).collect();
    std::fs::write(&path, &program).unwrap();
    let server = TestServer::start_with(test_config_with_client_download(&path)).await;
    let mut alice = server.rep("alice").await;
    let page = Browser::open().await;
    let session_id = chatting(&page, &server, &mut alice, "Olga Offer").await;

    let (code, _) = offer_client(&mut alice, session_id).await;
    let shown = page.wait_for_text("#client-offer-code", &code).await;
    assert_eq!(shown.trim(), code);
    let command = page.text("#client-offer-command").await;
    assert_eq!(
        command.trim(),
        format!(
            "switchboard-customer --server {} --join {code}",
            server.url()
        )
    );
    let expiry = page.text("#client-offer-expiry").await;
    assert!(expiry.contains("The code works once, until"), "{expiry}");
    let link = page.text("#client-download").await;
    assert!(link.contains("Download the Switchboard program"), "{link}");
    page.screenshot_if_asked("portal-offer").await;

    page.click("#client-download").await;
    assert!(
        page.downloaded("switchboard-customer").await == program,
        "the download is the configured program"
    );

    // A newer offer replaces the card and its code.
    let (newer, _) = offer_client(&mut alice, session_id).await;
    page.wait_for_text("#client-offer-code", &newer).await;
    let chat = page.text("#messages").await;
    assert_eq!(
        chat.matches("Continue in the Switchboard program").count(),
        1,
        "{chat}"
    );

    let joined = CustomerClient::join(server.addr, &newer)
        .await
        .unwrap_or_else(|e| panic!("join refused: {e:?}"));
    assert_eq!(joined.session_id, session_id);
    page.wait_for_text("#ended-message", "continues in the Switchboard program")
        .await;
    let chat = page.text("#messages").await;
    assert!(
        !chat.contains(&newer),
        "the used code no longer shows: {chat}"
    );
    page.close().await;
}

/// Without the program on the server, the card says to ask the rep; the code still shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_program_the_card_says_to_ask_the_rep() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let page = Browser::open().await;
    let session_id = chatting(&page, &server, &mut alice, "Nina Nolink").await;
    let (code, _) = offer_client(&mut alice, session_id).await;
    page.wait_for_text("#client-offer-code", &code).await;
    let card = page
        .wait_for_text("#client-offer", "Ask your representative how to get")
        .await;
    assert!(card.contains(&format!("--join {code}")), "{card}");
    page.screenshot_if_asked("portal-offer-no-link").await;
    page.close().await;
}
