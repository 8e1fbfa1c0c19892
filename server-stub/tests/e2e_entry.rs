//! End to end over real sockets: login, every entry path, accepting (and racing to), chat.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use switchboard_protocol::*;

/// Health check answers; a good password gets a token, a bad one 401, and repeated failures 429.
#[tokio::test]
async fn login_good_bad_and_throttled() {
    let server = TestServer::start().await;
    let health = reqwest::get(server.http("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    let token = server.login("alice").await;
    assert!(token.len() >= 32, "at least 128 bits, hex");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));

    let client = reqwest::Client::new();
    let attempt = |password: &'static str| {
        client
            .post(server.http("/api/login"))
            .json(&LoginRequest {
                username: "bob".into(),
                password: password.into(),
            })
            .send()
    };
    for _ in 0..5 {
        let response = attempt("wrong").await.unwrap();
        assert_eq!(response.status(), 401);
        let body: HttpError = response.json().await.unwrap();
        assert_eq!(body.code, ErrorCode::Unauthorized);
    }
    let throttled = attempt("bob-pw").await.unwrap();
    assert_eq!(
        throttled.status(),
        429,
        "even the right password waits after 5 failures"
    );
    let body: HttpError = throttled.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::RateLimited);
    assert!(body.retry_after_secs.unwrap() > 0);

    let malformed = client
        .post(server.http("/api/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let oversized = client
        .post(server.http("/api/login"))
        .body(vec![b'x'; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), 413);
}

/// The rep WebSocket refuses a wrong token and a wrong protocol version, and accepts a real one.
#[tokio::test]
async fn rep_socket_checks_token_and_version() {
    let server = TestServer::start().await;
    let refused = RepClient::try_connect(server.addr, "not-a-token", None).await;
    match refused {
        Err(RepServerMessage::Error { code, .. }) => assert_eq!(code, ErrorCode::Unauthorized),
        other => panic!("expected unauthorized, got {:?}", other.map(|c| c.welcome)),
    }
    let token = server.login("alice").await;
    let mut socket = open_socket(server.addr, "/ws/rep").await;
    use futures_util::SinkExt;
    let hello = format!(r#"{{"type":"hello","protocol_version":999,"token":"{token}"}}"#);
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(hello.into()))
        .await
        .unwrap();
    let reply: RepServerMessage =
        serde_json::from_str(&next_text(&mut socket).await.unwrap()).unwrap();
    assert!(matches!(
        reply,
        RepServerMessage::Error {
            code: ErrorCode::VersionMismatch,
            ..
        }
    ));
    assert!(
        next_text(&mut socket).await.is_none(),
        "closed after a version mismatch"
    );

    let alice = RepClient::connect(server.addr, &token, None).await;
    let snapshot = alice.snapshot.as_ref().unwrap();
    let queues: Vec<_> = snapshot.queues.iter().map(|q| q.queue.clone()).collect();
    assert_eq!(
        queues,
        vec![
            personal("alice"),
            team("billing"),
            team("tech"),
            QueueRef::General
        ]
    );
}

/// Each entry path puts the session in the queue the seeds describe, with the right kind and path.
#[tokio::test]
async fn every_entry_path_reaches_its_queue() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;

    let key = match alice.ok(RepRequest::GenerateSessionKey).await {
        Some(OkResult::SessionKey { key, expires_at }) => {
            assert!(key.len() == 6 && key.chars().all(|c| c.is_ascii_digit()));
            assert!(expires_at > 0);
            key
        }
        other => panic!("no key: {other:?}"),
    };
    let cases: Vec<(Route, QueueRef, EntryPath, SessionKind, &str)> = vec![
        (
            Route::SessionKey { key: key.clone() },
            personal("alice"),
            EntryPath::SessionKey,
            SessionKind::Standard,
            "alice",
        ),
        (
            Route::Rep { rep: "bob".into() },
            personal("bob"),
            EntryPath::RepPick,
            SessionKind::Standard,
            "bob",
        ),
        (
            Route::Button {
                token: "btn-bob".into(),
            },
            personal("bob"),
            EntryPath::RepButton,
            SessionKind::Standard,
            "bob",
        ),
        (
            Route::Button {
                token: "btn-billing".into(),
            },
            team("billing"),
            EntryPath::TeamButton,
            SessionKind::Standard,
            "bob",
        ),
        (
            Route::Team {
                team: "billing".into(),
            },
            team("billing"),
            EntryPath::TeamButton,
            SessionKind::Standard,
            "alice",
        ),
        (
            Route::HelpLink {
                rep: Some("alice".into()),
                team: None,
            },
            personal("alice"),
            EntryPath::RepHelpLink,
            SessionKind::Browser,
            "alice",
        ),
        (
            Route::HelpLink {
                rep: None,
                team: Some("tech".into()),
            },
            team("tech"),
            EntryPath::TeamHelpLink,
            SessionKind::Browser,
            "alice",
        ),
        (
            Route::Issue {
                issue: "invoice".into(),
            },
            team("billing"),
            EntryPath::Issue,
            SessionKind::Standard,
            "bob",
        ),
        (
            Route::General,
            QueueRef::General,
            EntryPath::General,
            SessionKind::Standard,
            "bob",
        ),
    ];
    let mut customers = Vec::new();
    for (route, queue, path, kind, watcher) in cases {
        let customer = server.customer("Pat Doe", route.clone()).await;
        let rep = if watcher == "alice" {
            &mut alice
        } else {
            &mut bob
        };
        let entry = rep.entry_in(&queue, customer.session_id).await;
        assert_eq!(entry.entry_path, path, "{route:?}");
        assert_eq!(entry.kind, kind, "{route:?}");
        assert_eq!(entry.customer.name, "Pat Doe");
        assert_eq!(entry.customer.company.as_deref(), Some("Acme"));
        assert_eq!(entry.history.len(), 1);
        assert_eq!(entry.history[0].reason, QueueReason::Started);
        if path == EntryPath::Issue {
            assert_eq!(entry.issue, Some(IssueId::from("invoice")));
        }
        customers.push(customer);
    }

    // A key is single use; unknown routes get not_found; a bad name gets invalid.
    let reused = CustomerClient::hello(
        server.addr,
        CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            client: switchboard_protocol::ClientKind::Web,
            customer: CustomerInfo {
                name: "Eve".into(),
                ..Default::default()
            },
            route: Route::SessionKey { key },
        },
    )
    .await;
    assert!(matches!(
        reused,
        Err(CustomerServerMessage::Error {
            code: ErrorCode::KeyInvalid,
            ..
        })
    ));
    for (route, code) in [
        (
            Route::Rep {
                rep: "nobody".into(),
            },
            ErrorCode::NotFound,
        ),
        (
            Route::Issue {
                issue: "nothing".into(),
            },
            ErrorCode::NotFound,
        ),
        (
            Route::Button {
                token: "no-such-button".into(),
            },
            ErrorCode::NotFound,
        ),
    ] {
        let result = CustomerClient::hello(
            server.addr,
            CustomerHello::Start {
                protocol_version: PROTOCOL_VERSION,
                client: switchboard_protocol::ClientKind::Web,
                customer: CustomerInfo {
                    name: "Eve".into(),
                    ..Default::default()
                },
                route,
            },
        )
        .await;
        assert!(matches!(result, Err(CustomerServerMessage::Error { code: c, .. }) if c == code));
    }
    let nameless = CustomerClient::hello(
        server.addr,
        CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            client: switchboard_protocol::ClientKind::Web,
            customer: CustomerInfo {
                name: "   ".into(),
                ..Default::default()
            },
            route: Route::General,
        },
    )
    .await;
    assert!(matches!(
        nameless,
        Err(CustomerServerMessage::Error {
            code: ErrorCode::Invalid,
            ..
        })
    ));
}

/// Guessing session keys is rate-limited per source address.
#[tokio::test]
async fn key_guessing_is_rate_limited() {
    let server = TestServer::start().await;
    let mut codes = Vec::new();
    for guess in 0..7 {
        let result = CustomerClient::hello(
            server.addr,
            CustomerHello::Start {
                protocol_version: PROTOCOL_VERSION,
                client: switchboard_protocol::ClientKind::Web,
                customer: CustomerInfo {
                    name: "Guesser".into(),
                    ..Default::default()
                },
                route: Route::SessionKey {
                    key: format!("{guess:06}"),
                },
            },
        )
        .await;
        match result {
            Err(CustomerServerMessage::Error { code, .. }) => codes.push(code),
            other => panic!(
                "a guess started a session: {:?}",
                other.map(|c| c.session_id)
            ),
        }
    }
    assert_eq!(&codes[..5], &[ErrorCode::KeyInvalid; 5]);
    assert_eq!(&codes[5..], &[ErrorCode::RateLimited; 2]);
}

/// Two reps race to accept: exactly one wins, the other is told clearly; the winner gets the session.
#[tokio::test]
async fn racing_accepts_have_one_winner() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = server
        .customer(
            "Quinn",
            Route::Team {
                team: "billing".into(),
            },
        )
        .await;
    alice.entry_in(&team("billing"), customer.session_id).await;
    bob.entry_in(&team("billing"), customer.session_id).await;
    let session_id = customer.session_id;
    let (a, b) = tokio::join!(
        alice.request(RepRequest::Accept { session_id }),
        bob.request(RepRequest::Accept { session_id })
    );
    let winners = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
    assert_eq!(winners, 1, "{a:?} {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert_eq!(loser.unwrap_err().0, ErrorCode::AlreadyTaken);
}

/// Chat flows both ways with server ids; rep-only messages never reach the customer; retries are not duplicated.
#[tokio::test]
async fn chat_public_rep_only_and_retries() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = server
        .customer(
            "Robin",
            Route::Rep {
                rep: "alice".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    alice.entry_in(&personal("alice"), session_id).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    let view = alice
        .event("joined", |e| match e {
            RepEvent::SessionJoined { view } => Some(view.clone()),
            _ => None,
        })
        .await;
    assert_eq!(view.session.owner, Some(RepId::from("alice")));
    customer
        .wait("rep joined", |m| {
            matches!(m, CustomerServerMessage::RepJoined { name } if name == "Alice").then_some(())
        })
        .await;

    let from_customer = customer.say("My printer is on fire").await;
    let seen = alice.chat_text("My printer is on fire").await;
    assert_eq!(seen.id, from_customer.id);

    let send = |client_msg_id: &str, text: &str, visibility| RepRequest::SendChat {
        session_id,
        client_msg_id: client_msg_id.into(),
        text: text.into(),
        visibility,
    };
    alice
        .ok(send("n1", "internal note: escalate", Visibility::Reps))
        .await;
    let first = alice
        .ok(send("m1", "Please unplug it", Visibility::Public))
        .await;
    let retry = alice
        .ok(send("m1", "Please unplug it", Visibility::Public))
        .await;
    assert_eq!(first, retry, "a retried send returns the same message");
    let said = customer
        .wait("rep message", |m| match m {
            CustomerServerMessage::Chat { message } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        said.text, "Please unplug it",
        "the rep-only note never reached the customer"
    );
    customer.say("done").await;
    assert!(
        customer.inbox.iter().all(|m| !matches!(m, CustomerServerMessage::Chat { message } if message.text == "Please unplug it")),
        "the retry was not delivered twice"
    );

    alice
        .refused(send("m2", "", Visibility::Public), ErrorCode::Invalid)
        .await;
    alice
        .refused(
            send("m3", &"x".repeat(4001), Visibility::Public),
            ErrorCode::Invalid,
        )
        .await;
}

/// Simulated customers arrive over real sockets into the queues, repeatably for a seed.
#[tokio::test]
async fn simulated_customers_arrive() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let simulation = tokio::spawn(switchboard_server::sim::run(
        server.addr,
        test_config(),
        switchboard_server::config::SimulateConfig {
            rate_per_min: 6000.0,
            seed: 11,
        },
    ));
    let mut names = std::collections::HashSet::new();
    while names.len() < 3 {
        let entry = alice
            .event("a simulated customer", |e| match e {
                RepEvent::EntryUpserted { entry } if entry.invitation.is_none() => {
                    Some(entry.clone())
                }
                _ => None,
            })
            .await;
        assert!(!entry.customer.name.is_empty());
        names.insert(entry.session_id);
    }
    simulation.abort();
}

/// The same seed gives the same simulated customers.
#[test]
fn simulation_is_repeatable() {
    use rand::SeedableRng;
    let config = test_config();
    let plans = |seed| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        (0..20)
            .map(|_| {
                let plan = switchboard_server::sim::Plan::random(&mut rng, &config);
                (plan.customer, plan.route, plan.patience_secs)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(plans(5), plans(5));
    assert_ne!(plans(5), plans(6));
}
