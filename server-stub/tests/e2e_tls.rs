//! End to end over TLS, with certificates made in the test (rcgen): the server terminating
//! TLS itself (`--tls-cert`/`--tls-key`), its handshake bounded like the headers, bad
//! certificate files refused at start naming the file, the terminal customer reaching a rep
//! over `wss://` with `--ca-file` (and refusing a certificate for another host), and the
//! client address behind a trusted reverse proxy (`[server] trusted_proxies`).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::*;
use switchboard_testkit::tls::{self, TestCa};
use tokio::io::AsyncReadExt;

fn server_binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
}

/// Runs a child to its end within the deadline; its output.
async fn finish(child: std::process::Child) -> std::process::Output {
    tokio::time::timeout(
        DEADLINE,
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("the process ends before the deadline")
    .unwrap()
    .unwrap()
}

/// The test configuration with these lines added to its `[server]` section.
fn config_with_server_lines(lines: &str) -> Arc<switchboard_server::config::Config> {
    let text = TEST_CONFIG.replacen("[server]\n", &format!("[server]\n{lines}\n"), 1);
    Arc::new(switchboard_server::config::Config::from_toml(&text).unwrap())
}

/// HTTPS answers with the test CA trusted; a rep logs in and gets the snapshot over WSS.
#[tokio::test]
async fn https_and_wss_work_with_the_test_ca() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = TestServer::start_tls(test_config(), &ca.localhost()).await;
    let client = tls::client_trusting(&ca);
    let http = client.reqwest_builder().build().unwrap();
    let health = http.get(server.http("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let alice = tls::rep(&server, &client, "alice").await;
    assert!(alice.snapshot.is_some(), "the snapshot arrived over wss");
    // Plain HTTP on the TLS port is not served.
    let plain = reqwest::Client::new()
        .get(format!("http://{}/healthz", server.addr))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP got {plain:?}");
}

/// A client that opens TCP and never says hello is dropped after the header timeout, like
/// one that never finishes its headers; a real client meanwhile is served.
#[tokio::test]
async fn a_silent_tls_client_is_dropped_after_the_header_timeout() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = TestServer::start_tls(
        test_config_with_limits("header_timeout_secs = 1\n"),
        &ca.localhost(),
    )
    .await;
    let mut silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let started = tokio::time::Instant::now();
    let mut buffer = [0u8; 16];
    let read = tokio::time::timeout(DEADLINE, silent.read(&mut buffer))
        .await
        .expect("the server closes a silent connection before the deadline");
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "closed without an answer: {read:?}"
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "dropped after about the header timeout, not {waited:?}"
    );
    let http = tls::client_trusting(&ca).reqwest_builder().build().unwrap();
    let health = http.get(server.http("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

/// A missing certificate, a file that holds no key, and a key of another certificate each
/// stop the server at start with a message naming the file.
#[tokio::test]
async fn bad_certificate_files_stop_the_start_naming_the_file() {
    let ca = TestCa::new("Switchboard Test CA");
    let good = ca.localhost();
    let other = ca.localhost();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-cert.pem");
    let cases = [
        (
            missing.clone(),
            good.key_file.clone(),
            vec![missing.clone()],
        ),
        (
            good.cert_file.clone(),
            good.cert_file.clone(),
            vec![good.cert_file.clone()],
        ),
        (
            good.cert_file.clone(),
            other.key_file.clone(),
            vec![good.cert_file.clone(), other.key_file.clone()],
        ),
    ];
    for (cert, key, named) in cases {
        let child = server_binary()
            .arg("--db")
            .arg(dir.path().join("test.db"))
            .args(["--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = finish(child).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "started with {cert:?} {key:?}");
        for path in named {
            assert!(
                stderr.contains(&path.display().to_string()),
                "names {}: {stderr}",
                path.display()
            );
        }
    }
}

fn terminal_customer(server_url: &str, ca: &TestCa) -> Command {
    let mut command = server_binary();
    command
        .args(["customer", "--server", server_url, "--name", "Tess TLS"])
        .arg("--ca-file")
        .arg(ca.ca_file())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// `switchboard-server customer --server https://… --ca-file` reaches a rep over wss:
/// its line arrives, the rep's answer is printed, and it exits when the session ends.
#[tokio::test]
async fn the_terminal_customer_chats_with_a_rep_over_tls() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = TestServer::start_tls(test_config(), &ca.localhost()).await;
    let mut alice = tls::rep(&server, &tls::client_trusting(&ca), "alice").await;
    let mut child = terminal_customer(&server.url(), &ca)
        .args(["--script", "--issue", "invoice"])
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"hello over tls\n")
        .unwrap();
    let (entry, view) = alice.accept_customer_named("Tess TLS").await;
    let session_id = entry.session_id;
    if !view.chat.iter().any(|m| m.text == "hello over tls") {
        alice.chat_text("hello over tls").await;
    }
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: "t1".into(),
            text: "hi over wss".into(),
            visibility: Visibility::Public,
        })
        .await;
    end_resolved(&mut alice, session_id).await;
    let output = finish(child).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Alice: hi over wss"), "{stdout}");
}

/// A server whose certificate names another host, or comes from a CA the customer was not
/// given, is refused with a sentence naming the host.
#[tokio::test]
async fn the_terminal_customer_refuses_a_wrong_or_untrusted_certificate() {
    let ca = TestCa::new("Switchboard Test CA");
    let wrong_host =
        TestServer::start_tls(test_config(), &ca.issue(&["support.example.com"], false)).await;
    let stranger = TestCa::new("Somebody Else's CA");
    let untrusted = TestServer::start_tls(test_config(), &stranger.localhost()).await;
    let expired = TestServer::start_tls(test_config(), &ca.issue(&["localhost"], true)).await;
    for (server, expected) in [
        (
            &wrong_host,
            "The server's certificate is not valid for localhost.",
        ),
        (&untrusted, "is not trusted (unknown issuer)"),
        (
            &expired,
            "The server's certificate for localhost has expired.",
        ),
    ] {
        let child = terminal_customer(&server.url(), &ca)
            .args(["--script", "--issue", "invoice"])
            .spawn()
            .unwrap();
        let output = finish(child).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

/// Five wrong passwords for bob from one address make that address wait.
async fn exhaust_logins(http: &reqwest::Client, server: &TestServer, forwarded_for: &str) {
    for _ in 0..5 {
        let status = login_as_bob(http, server, forwarded_for, "wrong").await;
        assert_eq!(status, 401);
    }
}

async fn login_as_bob(
    http: &reqwest::Client,
    server: &TestServer,
    forwarded_for: &str,
    password: &str,
) -> u16 {
    http.post(server.http("/api/login"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&LoginRequest {
            username: "bob".into(),
            password: password.into(),
        })
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Behind a trusted proxy (the test's own 127.0.0.1), two forwarded client addresses have
/// separate login-throttle budgets: one exhausted, the other still logs in.
#[tokio::test]
async fn a_trusted_proxys_forwarded_addresses_are_throttled_apart() {
    let server = TestServer::start_with(config_with_server_lines(
        r#"trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]"#,
    ))
    .await;
    let http = reqwest::Client::new();
    exhaust_logins(&http, &server, "198.51.100.1, 203.0.113.1").await;
    assert_eq!(
        login_as_bob(&http, &server, "203.0.113.1", "bob-pw").await,
        429,
        "the forwarded address waits"
    );
    // The same address behind a second, trusted, proxy hop is the same client.
    assert_eq!(
        login_as_bob(&http, &server, "203.0.113.1, 10.1.2.3", "bob-pw").await,
        429
    );
    assert_eq!(
        login_as_bob(&http, &server, "203.0.113.2", "bob-pw").await,
        200,
        "another forwarded address has its own budget"
    );
}

/// From a peer that is not a trusted proxy the header is ignored: writing another address
/// in it does not escape the throttle.
#[tokio::test]
async fn an_untrusted_peer_cannot_spoof_its_address() {
    let server = TestServer::start_with(config_with_server_lines(
        r#"trusted_proxies = ["10.0.0.0/8"]"#,
    ))
    .await;
    let http = reqwest::Client::new();
    exhaust_logins(&http, &server, "203.0.113.1").await;
    assert_eq!(
        login_as_bob(&http, &server, "203.0.113.2", "bob-pw").await,
        429,
        "the spoofed header changed nothing"
    );
}
