//! The customer token a Jump Client's agent hands the window it opens (in the environment,
//! `SWITCHBOARD_CUSTOMER_TOKEN`, never on a command line) does not reach the command shell
//! the rep types into: a shell started by a process that has it in its environment does not
//! see it. The process with the token is this test binary run again as a child, so the
//! token is never set in the environment of the tests around it.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use switchboard_customer::jump::TOKEN_VARIABLE;
use switchboard_customer::shell::{ShellConfig, ShellEvent, ShellSession};
use switchboard_testkit::DEADLINE;

/// Marks the child run (the child test does nothing without it).
const CHILD: &str = "SWITCHBOARD_TOKEN_ENV_CHILD";

/// The child: its environment has the token; the shell it starts prints what it sees.
#[tokio::test]
#[ignore = "run in a child process by a_shell_never_inherits_the_customer_token"]
async fn child_starts_a_shell() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    assert_eq!(std::env::var(TOKEN_VARIABLE).unwrap(), "secret-token-123");
    let script = format!("echo \"token=[${{{TOKEN_VARIABLE}:-none}}] child=[${{{CHILD}:-none}}]\"");
    let config = ShellConfig::command(["/bin/sh", "-c", script.as_str()], 24, 80);
    let (session, mut output) = ShellSession::start(config).unwrap();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut text = String::new();
    loop {
        match tokio::time::timeout_at(deadline, output.recv()).await {
            Ok(Some(ShellEvent::Output(bytes))) => {
                session.ack(bytes.len()).unwrap();
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
            Ok(Some(ShellEvent::Exited(_)) | None) => break,
            Err(_) => panic!("the shell did not finish within {DEADLINE:?}: {text:?}"),
        }
    }
    // The other variable comes through: the environment is inherited, all but the token.
    assert!(text.contains("token=[none] child=[1]"), "{text:?}");
}

/// A shell started by a process holding the customer token in its environment does not
/// inherit it.
#[test]
fn a_shell_never_inherits_the_customer_token() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_starts_a_shell"])
        .env(TOKEN_VARIABLE, "secret-token-123")
        .env(CHILD, "1")
        .status()
        .unwrap();
    assert!(status.success(), "the child run failed: {status}");
}
