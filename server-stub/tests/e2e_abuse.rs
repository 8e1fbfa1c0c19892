//! The server under attack: each test does one attack of issue 10 against the real server
//! on 127.0.0.1 (bounded: seconds, hundreds), checks that it is refused the documented way,
//! and that a well-behaved customer keeps chatting at normal speed meanwhile (their
//! round trip measured unloaded and under attack in the same test).
//!
//! Attackers connect from other loopback addresses (127.0.0.2 and up: Linux routes all of
//! 127.0.0.0/8 to the loopback interface), so per-address limits see them as strangers,
//! while the well-behaved clients come from 127.0.0.1.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use switchboard_protocol::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

/// A TCP connection to `server` from the local address `from`.
async fn tcp_from(from: IpAddr, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(server).await
}

/// A customer WebSocket from `from`, after its `start` is answered; the answer's frame.
async fn customer_from(
    from: IpAddr,
    server: SocketAddr,
    name: &str,
) -> (
    tokio_tungstenite::WebSocketStream<TcpStream>,
    CustomerServerMessage,
) {
    let stream = tcp_from(from, server).await.unwrap();
    let (mut socket, _) =
        tokio_tungstenite::client_async(format!("ws://{server}/ws/customer"), stream)
            .await
            .unwrap();
    let hello = CustomerHello::Start {
        protocol_version: PROTOCOL_VERSION,
        customer: CustomerInfo {
            name: name.into(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::General,
    };
    socket
        .send(Message::Text(serde_json::to_string(&hello).unwrap().into()))
        .await
        .unwrap();
    let answer = loop {
        match tokio::time::timeout(DEADLINE, socket.next()).await.unwrap() {
            Some(Ok(Message::Text(text))) => break serde_json::from_str(&text).unwrap(),
            Some(Ok(_)) => continue,
            other => panic!("no answer to start: {other:?}"),
        }
    };
    (socket, answer)
}

/// Round trips of a well-behaved customer: `n` messages, each sent after the last `ok`.
async fn round_trips(customer: &mut CustomerClient, n: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        customer.say("is anyone there?").await;
        times.push(started.elapsed());
    }
    times
}

fn worst(times: &[Duration]) -> Duration {
    times.iter().copied().max().unwrap_or_default()
}

/// The generous bound a loaded round trip must stay within: 20 times the unloaded worst,
/// and never under 250 ms (CI machines are busy; an attack that gets through costs seconds).
fn bound(unloaded: &[Duration]) -> Duration {
    (worst(unloaded) * 20).max(Duration::from_millis(250))
}

/// Prints and checks the probe's figures.
fn assert_unaffected(what: &str, unloaded: &[Duration], loaded: &[Duration]) {
    println!(
        "{what}: unloaded worst {:?}, under attack worst {:?}",
        worst(unloaded),
        worst(loaded)
    );
    assert!(
        worst(loaded) <= bound(unloaded),
        "{what}: a normal customer's round trip went from {:?} to {:?}",
        worst(unloaded),
        worst(loaded)
    );
}

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

/// Item 3: a burst of simultaneous logins for one user from one address is counted before
/// any password is checked: only the first few are checked; the right password in the
/// middle of the burst does not get in; another user logs in meanwhile.
#[tokio::test]
async fn a_login_burst_cannot_outrun_its_own_failures() {
    let server = TestServer::start_with(test_config_with_limits(
        "login_failures_before_delay = 5\nlogin_delay_secs = 30\n",
    ))
    .await;
    let client = reqwest::Client::builder()
        .local_address(ATTACKER)
        .build()
        .unwrap();
    let attempts = (0..60).map(|i| {
        let client = client.clone();
        let url = server.http("/api/login");
        async move {
            let password = if i == 30 { "bob-pw" } else { "wrong" };
            client
                .post(url)
                .json(&LoginRequest {
                    username: "bob".into(),
                    password: password.into(),
                })
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401 || **s == 200).count();
    let throttled = statuses.iter().filter(|s| **s == 429 || **s == 503).count();
    println!("login burst: {checked} checked, {throttled} refused unchecked");
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert_eq!(checked + throttled, 60, "{statuses:?}");
    // Someone else, elsewhere, is not slowed.
    let started = Instant::now();
    login(server.addr, "alice", "alice-pw").await;
    println!("alice's login meanwhile: {:?}", started.elapsed());
}

/// Item 3: password checks run in a bounded pool; a burst beyond it and its short line is
/// refused at once with 503, not queued without bound.
#[tokio::test]
async fn password_checks_are_bounded() {
    let server = TestServer::start_with(test_config_with_limits(
        "password_checks = 1\nlogin_queue = 2\nlogin_address_ceiling = 1000\n",
    ))
    .await;
    let client = reqwest::Client::new();
    let users = ["alice", "bob", "carol", "dave", "sam", "sue"];
    let attempts = (0..30).map(|i| {
        let client = client.clone();
        let url = server.http("/api/login");
        let user = users[i % users.len()];
        async move {
            client
                .post(url)
                .json(&LoginRequest {
                    username: format!("{user}{i}"),
                    password: "guess".into(),
                })
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let busy = statuses.iter().filter(|s| **s == 503).count();
    assert!(busy > 0, "some refused at once: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 503 || *s == 401),
        "{statuses:?}"
    );
}

/// Item 5: wrong passwords for bob from one address slow that address down, doubling; bob's
/// right password from another address still gets in at once.
#[tokio::test]
async fn an_attacker_cannot_lock_a_rep_out() {
    let server = TestServer::start().await;
    let attacker = reqwest::Client::builder()
        .local_address(ATTACKER)
        .build()
        .unwrap();
    let attempt = |password: &'static str| {
        attacker
            .post(server.http("/api/login"))
            .json(&LoginRequest {
                username: "bob".into(),
                password: password.into(),
            })
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong").await.unwrap().status(), 401);
    }
    let throttled = attempt("bob-pw").await.unwrap();
    assert_eq!(throttled.status(), 429, "the attacker's address waits");
    let body: HttpError = throttled.json().await.unwrap();
    assert!(body.retry_after_secs.is_some_and(|s| s >= 1));
    // Bob, from his own address, is not locked out.
    login(server.addr, "bob", "bob-pw").await;
}

/// Item 4: connections over the per-address cap are answered 503 at once and closed;
/// partial headers are closed after the header timeout; a trickled body is cut off after
/// the body timeout; meanwhile /healthz answers and a customer chats at normal speed.
#[tokio::test]
async fn slow_and_surplus_connections_are_cut_off() {
    let server = TestServer::start_with(test_config_with_limits(
        "max_connections_per_address = 40\nheader_timeout_secs = 1\nbody_timeout_secs = 1\n",
    ))
    .await;
    let mut probe = server.customer("Patient", Route::General).await;
    let unloaded = round_trips(&mut probe, 5).await;

    // 200 connections from the attacker, each sending half a request line.
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..200 {
        let mut stream = tcp_from(ATTACKER, server.addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    let loaded = round_trips(&mut probe, 5).await;
    let health = reqwest::get(server.http("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    // Every one of them ends: at once (503) for those over the cap, after the header
    // timeout for the rest.
    let started = Instant::now();
    for stream in &mut held {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(DEADLINE, stream.read_to_end(&mut answer)).await;
        assert!(
            read.is_ok(),
            "a connection still open after {:?}",
            started.elapsed()
        );
        if answer.starts_with(b"HTTP/1.1 503") {
            refused += 1;
        }
    }
    println!(
        "slowloris: {refused} of 200 refused at once, all closed within {:?}",
        started.elapsed()
    );
    assert!(refused >= 150, "{refused} refused at once");
    assert_unaffected("slowloris", &unloaded, &loaded);

    // A login body trickled a byte at a time is cut off.
    let mut stream = tcp_from(ATTACKER, server.addr).await.unwrap();
    stream
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .await
        .unwrap();
    let trickle = async {
        for _ in 0..50 {
            if stream.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), trickle).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
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

/// Item 7: logging out closes that token's open console (close code 4002) and the token no
/// longer works; logging out an unknown or used token is 401; an expired token's console is
/// closed too.
#[tokio::test]
async fn logout_and_expiry_end_the_console() {
    let server = TestServer::start().await;
    let token = server.login("alice").await;
    let mut console = RepClient::connect(server.addr, &token, None).await;
    let logout = |token: String| {
        reqwest::Client::new()
            .post(server.http("/api/logout"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(logout(token.clone()).await.unwrap().status(), 204);
    let closed = loop {
        match tokio::time::timeout(DEADLINE, console.socket.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => break None,
        }
    };
    assert_eq!(closed, Some(4002));
    assert_eq!(logout(token).await.unwrap().status(), 401, "used token");
    assert_eq!(
        logout("f".repeat(64)).await.unwrap().status(),
        401,
        "unknown token"
    );

    // A token that expires while its console is open.
    let short = {
        let text = TEST_CONFIG.replace("[server]\n", "[server]\ntoken_ttl_secs = 1\n");
        std::sync::Arc::new(switchboard_server::config::Config::from_toml(&text).unwrap())
    };
    let server = TestServer::start_with(short).await;
    let token = server.login("bob").await;
    let mut console = RepClient::connect(server.addr, &token, None).await;
    let closed = loop {
        match tokio::time::timeout(DEADLINE, console.socket.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => break None,
        }
    };
    assert_eq!(closed, Some(4002));
}

/// Item 8: `/ws/*` refuses a browser page from another origin (403 `forbidden`), and takes
/// the server's own pages and native clients (no `Origin`).
#[tokio::test]
async fn websockets_from_other_origins_are_refused() {
    let server = TestServer::start().await;
    let upgrade = |origin: Option<String>| {
        let mut request = reqwest::Client::new()
            .get(server.http("/ws/customer"))
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let evil = upgrade(Some("https://evil.example".into())).await.unwrap();
    assert_eq!(evil.status(), 403);
    let body: HttpError = evil.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::Forbidden);
    let own = upgrade(Some(format!("http://{}", server.addr)))
        .await
        .unwrap();
    assert_eq!(own.status(), 101);
    let native = upgrade(None).await.unwrap();
    assert_eq!(native.status(), 101);
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

/// Item 8: a user name with a newline and terminal escapes cannot forge a line in the
/// server's log: outside strings are logged escaped. (The real binary, its real log.)
#[test]
fn a_forged_user_name_cannot_forge_a_log_line() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(dir.path().join("log.db"))
        .args(["--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .parse()
        .unwrap();
    // The log is read on its own thread, line by line, until the failed login shows.
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let forged = "bob\n2026-11-30T00:00:00Z  INFO FORGED: rep logged in \u{1b}[31mroot";
    let status = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new()
            .post(format!("http://{addr}/api/login"))
            .json(&LoginRequest {
                username: forged.into(),
                password: "x".into(),
            })
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 401);
    let deadline = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    let failed = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no failed-login line in the log: {seen:#?}"));
        if line.contains("failed login") {
            break line;
        }
        seen.push(line);
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(failed.contains("\\n"), "the newline is escaped: {failed}");
    assert!(!failed.contains('\u{1b}'), "no raw escape: {failed:?}");
    assert!(
        seen.iter().all(|l| !l.contains("FORGED")),
        "a forged line: {seen:#?}"
    );
}
