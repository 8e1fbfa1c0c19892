//! The console's network code over TLS, against the real server terminating TLS with a
//! certificate made in the test (rcgen): login over `https://` and the rep socket over
//! `wss://` with the test CA trusted through the `--ca-file` setting; a certificate for
//! another host, and one from a CA the console does not trust, refused at login with a
//! sentence naming the host.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use switchboard::net::{
    Command, ConnectionStatus, LoginError, NetEvent, NetHandle, RepServerMessage, RequestId,
};
use switchboard_protocol::{RepId, RepRequest};
use switchboard_testkit::tls::TestCa;
use switchboard_testkit::{DEADLINE, TestServer, test_config};
use switchboard_tls::ClientTls;
use tokio::sync::Notify;

/// The actor's events, woken by its `wake` callback; waits end at the deadline.
struct Events {
    rx: Receiver<NetEvent>,
    woken: Arc<Notify>,
    seen: Vec<String>,
}

impl Events {
    async fn until<T>(&mut self, what: &str, mut pred: impl FnMut(&NetEvent) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            while let Ok(event) = self.rx.try_recv() {
                self.seen
                    .push(format!("{event:?}").chars().take(160).collect());
                if let Some(found) = pred(&event) {
                    return found;
                }
            }
            if tokio::time::timeout_at(deadline, self.woken.notified())
                .await
                .is_err()
            {
                panic!("no {what} before the deadline; events: {:#?}", self.seen);
            }
        }
    }

    /// The login's failure, or a failed test if it succeeded. A refused certificate is a
    /// final refusal (`Other`), not `Unreachable`, which the console would keep retrying.
    async fn login_failure(&mut self) -> String {
        self.until("the login's outcome", |event| match event {
            NetEvent::LoginFailed(error @ LoginError::Other(_)) => Some(error.to_string()),
            NetEvent::LoginFailed(other) => panic!("not a certificate refusal: {other:?}"),
            NetEvent::LoggedIn { .. } => panic!("logged in despite the certificate"),
            _ => None,
        })
        .await
    }
}

/// The console's network actor with `tls`, logging in as alice at `url`.
fn log_in(tls: ClientTls, url: &str) -> (NetHandle, Events) {
    let woken = Arc::new(Notify::new());
    let wake = woken.clone();
    let (handle, rx) = NetHandle::spawn_with_tls(move || wake.notify_one(), tls);
    handle.send(Command::Connect {
        server_url: url.to_owned(),
        username: "alice".into(),
        password: "alice-pw".into(),
    });
    let events = Events {
        rx,
        woken,
        seen: Vec::new(),
    };
    (handle, events)
}

/// With the test CA from the CA file, login goes over https, the rep socket over wss (the
/// welcome and the snapshot arrive), and a request is answered on it.
#[tokio::test]
async fn login_and_the_rep_socket_work_over_tls_with_the_ca_file() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = TestServer::start_tls(test_config(), &ca.localhost()).await;
    assert!(server.url().starts_with("https://localhost:"));
    let tls = ClientTls::new(Some(&ca.ca_file())).unwrap();
    let (handle, mut events) = log_in(tls, &server.url());
    let rep = events
        .until("logged in", |event| match event {
            NetEvent::LoggedIn { rep, .. } => Some(rep.clone()),
            NetEvent::LoginFailed(error) => panic!("login failed: {error}"),
            _ => None,
        })
        .await;
    assert_eq!(rep, RepId::from("alice"));
    events
        .until("connected", |event| {
            (*event == NetEvent::Status(ConnectionStatus::Connected)).then_some(())
        })
        .await;
    events
        .until("the snapshot over wss", |event| {
            matches!(event, NetEvent::Server(RepServerMessage::Snapshot { .. })).then_some(())
        })
        .await;
    let id = RequestId(7);
    handle.send(Command::Send {
        id,
        request: RepRequest::Ping,
    });
    events
        .until("the answer over wss", |event| match event {
            NetEvent::Server(RepServerMessage::Ok { id: got, .. }) if *got == id => Some(()),
            _ => None,
        })
        .await;
}

/// A certificate for another host is refused: the login says the certificate is not valid
/// for the host the console dialled.
#[tokio::test]
async fn a_certificate_for_another_host_is_refused_naming_the_host() {
    let ca = TestCa::new("Switchboard Test CA");
    let server =
        TestServer::start_tls(test_config(), &ca.issue(&["support.example.com"], false)).await;
    let tls = ClientTls::new(Some(&ca.ca_file())).unwrap();
    let (_handle, mut events) = log_in(tls, &server.url());
    let message = events.login_failure().await;
    assert_eq!(
        message,
        "The server's certificate is not valid for localhost."
    );
}

/// A certificate from a CA the console was not given is refused as untrusted, naming the
/// host and the option that fixes it.
#[tokio::test]
async fn an_untrusted_ca_is_refused_naming_the_host() {
    let stranger = TestCa::new("Somebody Else's CA");
    let server = TestServer::start_tls(test_config(), &stranger.localhost()).await;
    let trusted = TestCa::new("Switchboard Test CA");
    let tls = ClientTls::new(Some(&trusted.ca_file())).unwrap();
    let (_handle, mut events) = log_in(tls, &server.url());
    let message = events.login_failure().await;
    assert!(
        message.contains("localhost") && message.contains("not trusted (unknown issuer)"),
        "{message}"
    );
    assert!(message.contains("--ca-file"), "{message}");
}
