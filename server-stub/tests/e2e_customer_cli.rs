//! End to end: `switchboard-server customer`, a customer in the terminal, against the real
//! server, with a real rep on the other side.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};
use switchboard_protocol::*;

fn customer_command(server: &TestServer, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
    command
        .args([
            "customer",
            "--server",
            &format!("http://{}", server.addr),
            "--name",
            "Terry Terminal",
        ])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A scripted terminal customer reaches the team, its line reaches the rep, the rep's
/// answer is printed, and the program exits when the rep ends the session.
#[tokio::test]
async fn scripted_customer_chats_and_exits_when_the_session_ends() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut child = customer_command(
        &server,
        &["--script", "--issue", "invoice", "--company", "Shell Ltd"],
    )
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"hello from the terminal\n")
        .unwrap();
    // stdin is closed now: in script mode the customer keeps waiting for the session to end.
    let (entry, view) = alice.accept_customer_named("Terry Terminal").await;
    assert_eq!(entry.queue, team("billing"));
    assert_eq!(entry.customer.company.as_deref(), Some("Shell Ltd"));
    let session_id = entry.session_id;
    // The line may have arrived before the accept (it is then in the history) or after it.
    if !view
        .chat
        .iter()
        .any(|m| m.text == "hello from the terminal")
    {
        alice.chat_text("hello from the terminal").await;
    }
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: "a1".into(),
            text: "hi from alice".into(),
            visibility: Visibility::Public,
        })
        .await;
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: "a2".into(),
            text: "a note only reps see".into(),
            visibility: Visibility::Reps,
        })
        .await;
    end_resolved(&mut alice, session_id).await;
    let output = tokio::time::timeout(
        DEADLINE,
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("the customer exits when the session ends")
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("* Alice joined."), "{stdout}");
    assert!(stdout.contains("Alice: hi from alice"), "{stdout}");
    assert!(
        !stdout.contains("a note only reps see"),
        "rep-only notes never reach the customer"
    );
    assert!(stdout.contains("ended the session"), "{stdout}");
}

/// An unknown issue or key fails with a message the tester understands, and a non-zero exit.
#[tokio::test]
async fn bad_routes_are_explained() {
    let server = TestServer::start().await;
    for args in [["--issue", "no-such-issue"], ["--key", "000000"]] {
        let child = customer_command(&server, &args).spawn().unwrap();
        let output = tokio::time::timeout(
            DEADLINE,
            tokio::task::spawn_blocking(move || child.wait_with_output()),
        )
        .await
        .unwrap()
        .unwrap()
        .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("the session could not start"), "{stderr}");
    }
}
