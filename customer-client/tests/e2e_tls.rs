//! The customer program over TLS: with `--ca-file`'s setting (`tls::trust_ca_file`) its
//! session socket reaches a server that terminates TLS with a certificate made in the test,
//! and the chat reaches a rep on the other side over `wss://` too.

#![allow(clippy::unwrap_used)]

use switchboard_customer::run_simulated_customer;
use switchboard_protocol::Route;
use switchboard_testkit::rep::end_resolved;
use switchboard_testkit::tls::{self, TestCa};
use switchboard_testkit::{DEADLINE, TestServer, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_chats_with_a_rep_over_tls_with_the_ca_file() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = TestServer::start_tls(test_config(), &ca.localhost()).await;
    switchboard_customer::tls::trust_ca_file(&ca.ca_file()).unwrap();
    let mut alice = tls::rep(&server, &tls::client_trusting(&ca), "alice").await;
    let customer = tokio::spawn(run_simulated_customer(
        server.url(),
        "Tina TLS".into(),
        Route::General,
        320,
        240,
    ));
    let (entry, view) = alice.accept_customer_named("Tina TLS").await;
    let session_id = entry.session_id;
    if !view
        .chat
        .iter()
        .any(|m| m.text.starts_with("Hi! Exporting"))
    {
        let first = alice
            .chat_text("Hi! Exporting a report gives me an error. Could you look at my screen?")
            .await;
        assert_eq!(first.session_id, session_id);
    }
    end_resolved(&mut alice, session_id).await;
    tokio::time::timeout(DEADLINE, customer)
        .await
        .expect("the customer ends with the session")
        .unwrap()
        .unwrap();
}
