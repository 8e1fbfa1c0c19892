//! Elevation by "Specific User" on the real operating system: `su` on a real PTY, run as an
//! unprivileged customer (`runuser -u sbcustomer --`, as the customer's program runs), with
//! the password of an administrative account (`sbadmin`) checked by PAM. `.ci/run` creates
//! both accounts (see README, "Elevation"); the tests fail, saying so, where they are missing.
//! Also: a wrong password comes back as `su`'s own words, the password never appears in
//! anything the shell printed, and a name that could be read as an option never reaches `su`.

#![cfg(target_os = "linux")]

mod common;

use common::accounts::{ADMIN, ADMIN_PASSWORD, require_test_accounts, run_as_customer};
use std::time::Duration;
use switchboard_customer::elevate::{self, ElevateOptions, ElevationError, Method, Password};
use switchboard_customer::shell::ShellEvent;

fn as_customer() -> ElevateOptions {
    let mut options = ElevateOptions::new(24, 80);
    options.run_as = run_as_customer();
    options
}

fn admin(password: &str) -> Method {
    Method::SpecificUser {
        username: ADMIN.to_owned(),
        password: Password::new(password.to_owned()),
    }
}

/// Reads the shell's output into `seen` until it contains `needle` (or the deadline).
async fn read_until(elevated: &mut elevate::Elevated, seen: &mut Vec<u8>, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !String::from_utf8_lossy(seen).contains(needle) {
        let event = tokio::time::timeout_at(deadline, elevated.output.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no {needle:?} within 15 s; the shell printed {:?}",
                    String::from_utf8_lossy(seen)
                )
            });
        match event {
            Some(ShellEvent::Output(chunk)) => {
                elevated
                    .session
                    .ack(chunk.len())
                    .expect("acknowledging what was read");
                seen.extend_from_slice(&chunk);
            }
            other => panic!("the shell ended ({other:?}) before printing {needle:?}"),
        }
    }
}

#[tokio::test]
async fn the_right_password_gives_a_shell_as_the_administrative_user() {
    require_test_accounts();
    let mut elevated = elevate::start(admin(ADMIN_PASSWORD), as_customer())
        .await
        .expect("su accepts the administrative account's password");
    assert_eq!(elevated.user, ADMIN);
    let mut seen = elevated.first_output.clone();
    elevated
        .session
        .write_input(b"echo who=$(id -un)\n")
        .await
        .expect("the elevated shell takes input");
    read_until(&mut elevated, &mut seen, &format!("who={ADMIN}")).await;
    let text = String::from_utf8_lossy(&seen);
    assert!(
        !text.contains(ADMIN_PASSWORD),
        "the password never reaches the shell's output: {text:?}"
    );
    assert!(
        !text.contains("Password:"),
        "su's prompt is answered by the program, not shown: {text:?}"
    );
    let session = elevated.session;
    tokio::task::spawn_blocking(move || session.kill())
        .await
        .expect("the kill task ends");
}

#[tokio::test]
async fn a_wrong_password_comes_back_in_sus_own_words() {
    require_test_accounts();
    let refused = elevate::start(admin("not-the-password"), as_customer()).await;
    match refused {
        Err(ElevationError::Refused(words)) => {
            assert!(
                words.contains("Authentication failure"),
                "su says why: {words:?}"
            );
            assert!(!words.contains("not-the-password"));
        }
        Err(other) => panic!("expected su's refusal, got {other}"),
        Ok(_) => panic!("a wrong password must not give a shell"),
    }
}

#[tokio::test]
async fn names_that_could_be_options_never_reach_su() {
    for username in ["-c", "--login", "root;id", ""] {
        let method = Method::SpecificUser {
            username: username.to_owned(),
            password: Password::new("x".to_owned()),
        };
        let refused = elevate::start(method, as_customer()).await;
        assert!(
            matches!(refused, Err(ElevationError::BadUsername)),
            "{username:?}"
        );
    }
    let empty = Method::SpecificUser {
        username: ADMIN.to_owned(),
        password: Password::new(String::new()),
    };
    assert!(matches!(
        elevate::start(empty, as_customer()).await,
        Err(ElevationError::EmptyPassword)
    ));
}
