//! The customer portal over HTTPS in a real headless Chromium: the server terminates TLS
//! with a certificate made in the test (rcgen), Chromium trusts exactly that key
//! (`--ignore-certificate-errors-spki-list` with the SHA-256 of its public key, not every
//! certificate error), the portal loads over `https://`, and a customer's chat reaches a rep
//! over `wss://` both ways. Without the pin the same page is refused.

#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use browser::Browser;
use common::*;
use fantoccini::Locator;
use switchboard_protocol::*;
use switchboard_testkit::tls::{self, TestCa};

const ENTER: &str = "\u{e007}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_chats_with_a_rep_over_https_and_wss() {
    let ca = TestCa::new("Switchboard Test CA");
    let cert = ca.localhost();
    let server = TestServer::start_tls(test_config(), &cert).await;
    let mut alice = tls::rep(&server, &tls::client_trusting(&ca), "alice").await;
    let pin = format!(
        "--ignore-certificate-errors-spki-list={}",
        cert.spki_sha256_base64()
    );
    let page = Browser::open_with(&[&pin]).await;
    page.goto(&server.http("/")).await;
    assert!(
        page.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with("https://localhost:")
    );
    page.fill("#name", "Hannah Https").await;
    page.fill("#question", "Is this encrypted?").await;
    page.click(r#"input[name="how"][value="issue"]"#).await;
    page.select("#issue", "invoice").await;
    page.click("#start").await;
    page.wait_for_text("#status", "in the queue").await;

    let entry = alice
        .event("the https portal customer", |e| match e {
            RepEvent::EntryUpserted { entry } if entry.customer.name == "Hannah Https" => {
                Some(entry.clone())
            }
            _ => None,
        })
        .await;
    let session_id = entry.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: unique_client_id(),
            text: "Yes, end to end.".into(),
            visibility: Visibility::Public,
        })
        .await;
    page.wait_for_text("#messages", "Yes, end to end.").await;
    page.type_keys("#message", &format!("Thanks over wss{ENTER}"))
        .await;
    let from_page = alice.chat_text("Thanks over wss").await;
    assert_eq!(from_page.session_id, session_id);
    page.close().await;
}

/// The pin is what makes the page load: without it Chromium refuses the test's certificate
/// and the portal's form never appears.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_pin_chromium_refuses_the_test_certificate() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = TestServer::start_tls(test_config(), &ca.localhost()).await;
    let page = Browser::open().await;
    // Chromium either fails the navigation or shows its warning page instead.
    let _ = page.client.goto(&server.http("/")).await;
    let form = page.client.find(Locator::Css("#name")).await;
    assert!(
        form.is_err(),
        "the portal loaded without trusting the certificate"
    );
    page.close().await;
}
