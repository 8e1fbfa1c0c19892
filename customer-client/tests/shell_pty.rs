//! The remote shell's engine (`switchboard_customer::shell`) on a real PTY with real shells:
//! typed input reaches the shell and its output comes back, the exit code arrives, resizes
//! reach the terminal, a flood of output never has more than the window in flight yet
//! completes once acknowledged, and ending a session leaves no process and no thread behind.
//!
//! Every wait has a deadline (`DEADLINE`). The tests take one lock so they run one at a
//! time: the thread check counts this process's shell threads, and a flood beside the
//! latency-sensitive tests would only slow them.

#![cfg(unix)]

use std::sync::Arc;
use std::time::Instant;

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use switchboard_customer::shell::{
    KILL_GRACE, MAX_INPUT_CHUNK, OUTPUT_WINDOW, ShellConfig, ShellError, ShellEvent, ShellOutput,
    ShellSession,
};
use switchboard_testkit::{DEADLINE, poll_until};
use tokio::sync::Mutex;
use tokio::time::timeout_at;

static SERIAL: Mutex<()> = Mutex::const_new(());

/// `/bin/sh` (interactive on the PTY) with a plain `$ ` prompt and no startup file.
fn sh(rows: u16, cols: u16) -> ShellConfig {
    let mut config = ShellConfig::command(["/bin/sh"], rows, cols);
    config.env.push(("PS1".into(), "$ ".into()));
    config
}

/// Receives events, acknowledging all output at once, until the text so far satisfies
/// `done`; returns the text. Fails on exit, end or the deadline.
async fn read_until(
    session: &ShellSession,
    output: &mut ShellOutput,
    what: &str,
    done: impl Fn(&str) -> bool,
) -> String {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut text = String::new();
    while !done(&text) {
        match timeout_at(deadline, output.recv()).await {
            Ok(Some(ShellEvent::Output(bytes))) => {
                session.ack(bytes.len()).expect("ack what arrived");
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
            Ok(Some(ShellEvent::Exited(code))) => {
                panic!("the shell exited ({code}) before {what}; output: {text:?}")
            }
            Ok(None) => panic!("the output ended before {what}; output: {text:?}"),
            Err(_) => panic!("no {what} within {DEADLINE:?}; output: {text:?}"),
        }
    }
    text
}

async fn read_until_text(session: &ShellSession, output: &mut ShellOutput, needle: &str) -> String {
    read_until(session, output, needle, |text| text.contains(needle)).await
}

/// Reads (acknowledging) until the exit; returns the output and the exit code, and checks
/// that nothing follows.
async fn read_until_exit(session: &ShellSession, output: &mut ShellOutput) -> (String, u32) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut text = String::new();
    loop {
        match timeout_at(deadline, output.recv()).await {
            Ok(Some(ShellEvent::Output(bytes))) => {
                session.ack(bytes.len()).expect("ack what arrived");
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
            Ok(Some(ShellEvent::Exited(code))) => {
                let after = timeout_at(deadline, output.recv()).await;
                assert_eq!(after, Ok(None), "nothing after the exit");
                return (text, code);
            }
            Ok(None) => panic!("the output ended without an exit; output: {text:?}"),
            Err(_) => panic!("no exit within {DEADLINE:?}; output: {text:?}"),
        }
    }
}

/// The number after `label=` in `text` (the shell's output, not the echoed command).
fn number_after(text: &str, label: &str) -> Option<i32> {
    text.match_indices(label).find_map(|(at, _)| {
        let digits: String = text[at + label.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

/// The process no longer runs: it does not exist, or (Linux) it is a zombie waiting for a
/// parent (an orphaned job's new parent may reap it later).
fn gone(pid: i32) -> bool {
    if kill(Pid::from_raw(pid), None) == Err(Errno::ESRCH) {
        return true;
    }
    #[cfg(target_os = "linux")]
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // "pid (comm) S ...": the state follows the last ')'.
        return stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
    }
    false
}

/// This process's threads named like the shell's (`shell-reader`, `-writer`, `-waiter`).
#[cfg(target_os = "linux")]
fn shell_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("list threads")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("shell-"))
        .count()
}

/// Awaits (with the deadline) this process's shell threads being gone. `kill` has joined
/// them, but the kernel wakes a joiner before it removes the thread's `/proc/self/task`
/// entry, so on a busy machine a joined thread can still be listed for a moment.
#[cfg(target_os = "linux")]
async fn no_shell_threads_left() {
    poll_until(
        "shell threads to end",
        || shell_threads() == 0,
        || format!("{} shell threads left running", shell_threads()),
    )
    .await;
}

#[tokio::test]
async fn a_typed_echo_prints_hello_and_bad_requests_are_refused() {
    let _serial = SERIAL.lock().await;
    let (session, mut output) = ShellSession::start(sh(24, 80)).expect("start sh");
    let session = Arc::new(session);
    read_until_text(&session, &mut output, "$ ").await;
    // From another task, as the protocol's input side will: the future is `Send`.
    // The quotes keep the echoed command line from containing the word itself.
    let typist = Arc::clone(&session);
    tokio::spawn(async move { typist.write_input(b"echo hel''lo\n").await })
        .await
        .expect("the task")
        .expect("type");
    let text = read_until_text(&session, &mut output, "hello").await;
    assert!(text.contains("hello\r\n"), "{text:?}");

    let too_big = vec![b'x'; MAX_INPUT_CHUNK + 1];
    assert!(matches!(
        session.write_input(&too_big).await,
        Err(ShellError::InputTooLarge { len }) if len == MAX_INPUT_CHUNK + 1
    ));
    // More than the window can ever hold in flight (the prompt after `hello` may be).
    assert!(matches!(
        session.ack(OUTPUT_WINDOW + 1),
        Err(ShellError::AckTooLarge(_))
    ));
}

#[tokio::test]
async fn exit_3_is_reported_after_the_output() {
    let _serial = SERIAL.lock().await;
    let (session, mut output) = ShellSession::start(sh(24, 80)).expect("start sh");
    read_until_text(&session, &mut output, "$ ").await;
    session
        .write_input(b"echo by''e; exit 3\n")
        .await
        .expect("type");
    let (text, code) = read_until_exit(&session, &mut output).await;
    assert_eq!(code, 3, "output: {text:?}");
    assert!(text.contains("bye\r\n"), "{text:?}");
}

#[tokio::test]
async fn stty_size_sees_each_resize_clamped() {
    let _serial = SERIAL.lock().await;
    let (session, mut output) = ShellSession::start(sh(24, 80)).expect("start sh");
    read_until_text(&session, &mut output, "$ ").await;
    session.write_input(b"stty size\n").await.expect("type");
    read_until_text(&session, &mut output, "24 80\r\n").await;

    assert_eq!(session.resize(30, 100).expect("resize"), (30, 100));
    session.write_input(b"stty size\n").await.expect("type");
    read_until_text(&session, &mut output, "30 100\r\n").await;

    assert_eq!(session.resize(1, 5000).expect("resize"), (2, 1000));
    session.write_input(b"stty size\n").await.expect("type");
    read_until_text(&session, &mut output, "2 1000\r\n").await;
}

#[tokio::test]
async fn the_shell_starts_at_home_with_term_set() {
    let _serial = SERIAL.lock().await;
    let Ok(home) = std::env::var("HOME") else {
        return; // No home to compare with (portable-pty then asks the password database).
    };
    let (session, mut output) = ShellSession::start(sh(24, 80)).expect("start sh");
    read_until_text(&session, &mut output, "$ ").await;
    session
        .write_input(b"echo \"at:$TERM:$(pwd)\"\n")
        .await
        .expect("type");
    read_until_text(
        &session,
        &mut output,
        &format!("at:xterm-256color:{home}\r\n"),
    )
    .await;
}

#[tokio::test]
async fn the_login_shell_runs_by_default() {
    let _serial = SERIAL.lock().await;
    let (session, mut output) =
        ShellSession::start(ShellConfig::login_shell(24, 80)).expect("start the login shell");
    session
        .write_input(b"echo lo''gin-$TERM\n")
        .await
        .expect("type");
    read_until_text(&session, &mut output, "login-xterm-256color").await;
    session.write_input(b"exit 0\n").await.expect("type");
    let (_, code) = read_until_exit(&session, &mut output).await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn a_flood_keeps_at_most_the_window_in_flight_and_completes_when_acked() {
    let _serial = SERIAL.lock().await;
    // 10,000,000 bytes of "y\n"; the terminal turns each "\n" into "\r\n".
    const EXPECTED: usize = 15_000_000;
    let config = ShellConfig::command(["sh", "-c", "yes | head -c 10000000"], 24, 80);
    let (session, mut output) = ShellSession::start(config).expect("start the flood");
    // The slowest consumer that still finishes: it acknowledges nothing until the whole
    // window is in its hands, so the reader must stop at the window every time.
    let mut unacked = 0usize;
    let mut total = 0usize;
    let mut fills = 0usize;
    let mut phase = 0usize;
    let code = loop {
        match timeout_at(tokio::time::Instant::now() + DEADLINE, output.recv()).await {
            Ok(Some(ShellEvent::Output(bytes))) => {
                for &b in &bytes {
                    assert_eq!(b, b"y\r\n"[phase], "byte {} of the flood", total);
                    phase = (phase + 1) % 3;
                    total += 1;
                }
                unacked += bytes.len();
                assert!(unacked <= OUTPUT_WINDOW, "{unacked} bytes in flight");
                if unacked == OUTPUT_WINDOW {
                    fills += 1;
                    let window = session.window();
                    assert_eq!(window.in_flight(), OUTPUT_WINDOW);
                    assert_eq!(window.room(), 0);
                    session.ack(unacked).expect("ack the window");
                    unacked = 0;
                }
            }
            Ok(Some(ShellEvent::Exited(code))) => break code,
            Ok(None) => panic!("the output ended without an exit after {total} bytes"),
            Err(_) => panic!("the flood stalled after {total} bytes ({unacked} unacked)"),
        }
    };
    assert_eq!(code, 0);
    assert_eq!(total, EXPECTED);
    assert_eq!(
        fills,
        EXPECTED / OUTPUT_WINDOW,
        "the window filled every time"
    );
    let window = session.window();
    assert_eq!(window.high_water(), OUTPUT_WINDOW);
    assert_eq!(window.total_sent(), EXPECTED as u64);
    assert_eq!(window.in_flight(), unacked);
}

#[tokio::test]
async fn dropping_the_session_kills_the_shell_its_job_and_its_threads() {
    let _serial = SERIAL.lock().await;
    let (session, mut output) = ShellSession::start(sh(24, 80)).expect("start sh");
    let shell = i32::try_from(session.pid().expect("a pid")).expect("a pid");
    read_until_text(&session, &mut output, "$ ").await;
    // A foreground job in its own process group (the interactive shell's job control).
    session
        .write_input(b"sh -c 'echo \"job=$$\"; exec sleep 1000'\n")
        .await
        .expect("type");
    let text = read_until(&session, &mut output, "the job's pid", |text| {
        number_after(text, "job=").is_some()
    })
    .await;
    let job = number_after(&text, "job=").expect("the job's pid");
    assert!(!gone(shell) && !gone(job));

    drop(session);
    assert!(gone(shell), "the shell {shell} still exists");
    // Not our child: the signal is delivered when it next runs.
    poll_until(
        &format!("the job {job} to end"),
        || gone(job),
        || "it still runs".into(),
    )
    .await;
    #[cfg(target_os = "linux")]
    no_shell_threads_left().await;
    // The receiver still ends properly: the exit (by a signal), then nothing.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        match timeout_at(deadline, output.recv()).await.expect("the end") {
            Some(ShellEvent::Output(_)) => {}
            Some(ShellEvent::Exited(_)) => break,
            None => panic!("no exit event"),
        }
    }
    assert_eq!(timeout_at(deadline, output.recv()).await, Ok(None));
}

#[tokio::test]
async fn a_shell_that_ignores_hangups_is_killed_after_the_grace() {
    let _serial = SERIAL.lock().await;
    let config = ShellConfig::command(
        [
            "sh",
            "-c",
            "trap '' HUP; echo ready; while :; do sleep 1; done",
        ],
        24,
        80,
    );
    let (session, mut output) = ShellSession::start(config).expect("start");
    let shell = i32::try_from(session.pid().expect("a pid")).expect("a pid");
    read_until_text(&session, &mut output, "ready").await;

    let started = Instant::now();
    session.kill();
    let took = started.elapsed();
    assert!(gone(shell), "the shell {shell} still exists");
    assert!(
        took >= KILL_GRACE,
        "killed in {took:?}: SIGHUP should not have worked"
    );
    assert!(took < DEADLINE, "kill took {took:?}");
    session.kill(); // A second kill is a no-op.
    #[cfg(target_os = "linux")]
    no_shell_threads_left().await;
    let (_, code) = read_until_exit(&session, &mut output).await;
    assert_eq!(code, 1, "a signal's exit code");
    assert!(matches!(
        session.write_input(b"x").await,
        Err(ShellError::Closed)
    ));
}

#[tokio::test]
async fn the_exit_arrives_even_when_a_background_process_keeps_the_terminal_open() {
    let _serial = SERIAL.lock().await;
    // The background `sleep` holds the terminal, so no end of file comes after the exit:
    // the reader stops after the drain grace instead.
    let config = ShellConfig::command(["sh", "-c", "sleep 30 & echo \"bg=$!\"; exit 4"], 24, 80);
    let (session, mut output) = ShellSession::start(config).expect("start");
    let (text, code) = read_until_exit(&session, &mut output).await;
    assert_eq!(code, 4, "output: {text:?}");
    let background = number_after(&text, "bg=").expect("the background pid");
    drop(session);
    #[cfg(target_os = "linux")]
    no_shell_threads_left().await;
    // A shell that exited on its own leaves its background processes, as a terminal does
    // (see the module's known limits); this test ends the one it caused.
    if !gone(background) {
        kill(Pid::from_raw(background), Signal::SIGKILL).expect("end the background sleep");
    }
}

#[tokio::test]
async fn dropping_the_receiver_stops_reading_and_the_session_still_ends() {
    let _serial = SERIAL.lock().await;
    let config = ShellConfig::command(["sh", "-c", "yes"], 24, 80);
    let (session, output) = ShellSession::start(config).expect("start");
    let shell = i32::try_from(session.pid().expect("a pid")).expect("a pid");
    drop(output);
    drop(session);
    assert!(gone(shell), "the shell {shell} still exists");
    #[cfg(target_os = "linux")]
    no_shell_threads_left().await;
}
