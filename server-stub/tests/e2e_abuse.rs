//! The server under attack: connections, logins, logout, origins, logs: each test does one attack of issue 10 against the real
//! server on 127.0.0.1 (bounded: seconds, hundreds), checks that it is refused the documented
//! way, and that a well-behaved customer keeps working meanwhile. Attackers come from other
//! loopback addresses (see `common/abuse.rs`).

#![allow(clippy::unwrap_used)]

mod common;

use common::abuse::*;
use common::*;
use std::time::{Duration, Instant};
use switchboard_protocol::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    let (_, closed) = drain_until_closed(&mut console.socket).await;
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
    let (_, closed) = drain_until_closed(&mut console.socket).await;
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

/// Item 8: a user name with a newline and terminal escapes cannot forge a line in the
/// server's log: outside strings are logged escaped. (The real binary, its real log.)
#[test]
fn a_forged_user_name_cannot_forge_a_log_line() {
    use std::io::BufRead;
    use switchboard_testkit::process::{listening_address, server_command, spawn_server};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let (mut child, first_line) = spawn_server(
        server_command(
            std::path::Path::new(env!("CARGO_BIN_EXE_switchboard-server")),
            &config,
            &dir.path().join("log.db"),
        )
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped()),
    );
    let addr = listening_address(first_line, child.id(), || {
        "(read only once the address is known)".to_owned()
    });
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
