//! Jump Clients end to end: the real customer client (`CustomerSession::start_installed`,
//! its places under a temporary home whose agent gets an XDG autostart entry, never the real
//! systemd) and the real agent (`switchboard_customer::jump`, run in-process) against the
//! real server, with the test kit's Alice pinning, listing, jumping and unpinning. The agent
//! is written (config 0600 and autostart entry), goes online and offline as it runs and
//! stops, is jumped to (the session's customer connects; with `no_prompt` Alice sees the
//! screen and uses a shell without anyone asked), and removes itself when unpinned, online
//! or not; its token is refused afterwards. Closing the one-shot session with uninstall
//! keeps a pinned agent. With `notify`, the agent starts the customer's window on the
//! session (here a script standing in for it), and runs the session itself when the window
//! fails at once; under `ask` with no window a request is denied at once. The agent
//! connects again after the server restarts, takes one jump after another, and runs as the
//! program itself (`--jump-agent`).
//!
//! Linux only (elsewhere the program reports that Jump Clients are not available yet).
//! Every wait has a deadline; files are polled or checked after the events that wrote them.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

mod common;

use common::installed::{Accepted, Home, accepted, event, note, setup, until_closed};
use common::jump::{
    Agent, RepShell, customer_connected, files, installed, jump, list, online, pin,
};
use common::{Viewer, grant_state, request};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use switchboard_customer::install::{self, launcher};
use switchboard_customer::jump::{AgentEnd, AgentEvent, Attended, Shown, TOKEN_VARIABLE};
use switchboard_customer::session::SessionEvent;
use switchboard_protocol::{
    Capability, CloseMode, GrantState, JumpClientState, JumpPolicy, RepRequest,
};
use switchboard_testkit::rep::end_resolved;
use switchboard_testkit::{TestServer, poll_until, test_config_with_jump_policy};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The whole life of a Jump Client under `no_prompt`: pinned (autostart entry and config
/// 0600 written, `installed`, the customer told how to remove it), online while the agent
/// runs, jumped to (the customer connects; Alice's screen and shell requests are granted
/// at once; frames arrive and `echo` runs), offline when it stops, online when it starts
/// again, and unpinned: the agent removes its files and ends; its token is then refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jump_client_is_pinned_jumped_to_and_unpinned() {
    let home = Home::new();
    let mut s = setup(&home).await;
    let id = pin(&mut s.alice, s.session_id, "Sam's laptop").await;
    let info = installed(&mut s.alice, id).await;
    assert_eq!(info.state, JumpClientState::Installed, "{info:?}");
    assert!(!info.online);

    let (config_path, entry) = files(&home.places, id);
    assert!(config_path.is_file() && entry.is_file());
    assert_eq!(mode(&config_path), 0o600);
    let config = install::read_agent_config(&config_path).unwrap();
    assert_eq!(config.server, s.server.url());
    assert_eq!(config.jump_client_id, id);
    assert_eq!(config.token.len(), 64, "the server's token");
    let text = std::fs::read_to_string(&entry).unwrap();
    assert_eq!(
        launcher::exec_arguments(&text).unwrap(),
        [
            common::installed::PROGRAM,
            "--jump-agent",
            config_path.to_str().unwrap()
        ]
    );
    assert!(
        !text.contains(&config.token),
        "the token is only in the config"
    );
    let told = note(&mut s.events, "pinned a support program").await;
    assert!(told.starts_with("Alice pinned a support program"), "{told}");
    assert!(told.contains("--remove-jump-clients"), "{told}");
    s.customer.leave();

    // The agent connects: Alice sees it online, and lists it so.
    let mut agent = Agent::start(config_path.clone(), &home.places, Attended::Headless);
    agent.online().await;
    online(&mut s.alice, id, true).await;
    let listed = list(&mut s.alice).await;
    let listed = listed.iter().find(|c| c.jump_client_id == id).unwrap();
    assert!(listed.online && listed.state == JumpClientState::Installed);

    // Alice jumps: the agent joins headless and the customer is connected.
    let session_id = jump(&mut s.alice, id).await;
    let jumped = agent
        .event("the jump", |e| match e {
            AgentEvent::Jumped {
                session_id,
                shown,
                policy,
                ..
            } => Some((*session_id, *shown, *policy)),
            _ => None,
        })
        .await;
    assert_eq!(jumped, (session_id, Shown::Headless, JumpPolicy::NoPrompt));
    customer_connected(&mut s.alice, session_id).await;

    // The screen, granted without a prompt: frames arrive.
    let grant = request(&mut s.alice, session_id, Capability::ScreenView).await;
    grant_state(&mut s.alice, grant, GrantState::Granted).await;
    let mut viewer = Viewer::open(&s.server, &mut s.alice, session_id).await;
    viewer
        .until("the synthetic screen", |f| {
            f.width == 320 && f.height == 240
        })
        .await;

    // A shell, granted without a prompt: `echo` runs.
    let shell = request(&mut s.alice, session_id, Capability::Shell).await;
    grant_state(&mut s.alice, shell, GrantState::Granted).await;
    let mut rep_shell = RepShell::open(&s.server, &mut s.alice, session_id).await;
    rep_shell.type_text("echo hello $((6*7))\r").await;
    rep_shell.read_until("hello 42").await;

    // Stopped: offline. Started again: online.
    assert_eq!(agent.stop().await, AgentEnd::Stopped);
    online(&mut s.alice, id, false).await;
    let mut agent = Agent::start(config_path.clone(), &home.places, Attended::Headless);
    agent.online().await;
    online(&mut s.alice, id, true).await;

    // Unpinned while online: the agent removes its files and ends.
    s.alice
        .ok(RepRequest::UnpinJumpClient { jump_client_id: id })
        .await;
    assert_eq!(agent.end().await, AgentEnd::Uninstalled(Ok(())));
    assert!(!config_path.exists() && !entry.exists());
    assert!(!home.places.jump_clients_dir().exists());
    assert!(!install::pinned_jump_client(&home.places));

    // The old token is refused for good.
    let again = Agent::start_with(config, config_path, &home.places, Attended::Headless);
    match again.end().await {
        AgentEnd::Refused(message) => assert!(!message.is_empty()),
        other => panic!("the revoked token was not refused: {other:?}"),
    }
}

/// Unpinned while its agent is offline: when the agent next connects the server answers
/// `uninstall`, and the agent removes its files and ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_unpinned_while_offline_removes_itself_when_it_connects() {
    let home = Home::new();
    let mut s = setup(&home).await;
    let id = pin(&mut s.alice, s.session_id, "").await;
    installed(&mut s.alice, id).await;
    let (config_path, entry) = files(&home.places, id);
    s.alice
        .ok(RepRequest::UnpinJumpClient { jump_client_id: id })
        .await;
    let agent = Agent::start(config_path.clone(), &home.places, Attended::Headless);
    assert_eq!(agent.end().await, AgentEnd::Uninstalled(Ok(())));
    assert!(!config_path.exists() && !entry.exists());
}

/// Closing the one-shot session with uninstall keeps a pinned agent: the data folder (its
/// config, the per-user program its entry runs, the machine id) and the autostart entry
/// stay, the cache goes, and the customer reads that the Jump Client stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_with_uninstall_keeps_a_pinned_agent() {
    let home = Home::with_own_copy();
    std::fs::create_dir_all(&home.places.cache_dir).unwrap();
    let mut s = setup(&home).await;
    let id = pin(&mut s.alice, s.session_id, "Front desk").await;
    installed(&mut s.alice, id).await;
    let (config_path, entry) = files(&home.places, id);
    let text = std::fs::read_to_string(&entry).unwrap();
    let own = home.places.own_copy();
    assert_eq!(
        launcher::exec_arguments(&text).unwrap()[0],
        own.to_str().unwrap(),
        "the entry runs the per-user copy"
    );

    s.alice
        .ok(RepRequest::SetDisposition {
            session_id: s.session_id,
            disposition: "Resolved".into(),
        })
        .await;
    s.alice
        .ok(RepRequest::Close {
            session_id: s.session_id,
            mode: CloseMode::EndAndUninstall,
        })
        .await;
    let events = until_closed(&mut s.events).await;
    let words = events
        .iter()
        .find_map(|e| match e {
            SessionEvent::Uninstalled(words) => Some(words.clone()),
            _ => None,
        })
        .expect("the program said what it removed");
    assert!(words.contains("Jump Client"), "{words}");
    assert!(config_path.is_file() && entry.is_file() && own.is_file());
    assert!(home.machine_id_file().is_file());
    assert!(!home.places.cache_dir.exists());
}

/// Under `notify` the agent starts the customer's window on the session: this program with
/// `--resume-session`, the rep's name and the policy, and the customer token in the
/// environment (not on the command line). Here a script stands in for the window, records
/// what it was given and fails at once, so the agent runs the session itself: the customer
/// connects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_opens_the_window_and_falls_back_when_it_fails() {
    let home = Home::new();
    let server = TestServer::start_with(test_config_with_jump_policy("notify")).await;
    let mut alice = server.rep("alice").await;
    let Accepted {
        customer,
        mut events,
        session_id: first,
    } = accepted(&server, &mut alice, &home.places).await;
    let id = pin(&mut alice, first, "Sam").await;
    installed(&mut alice, id).await;
    event(&mut events, "the pinned note", |e| {
        matches!(e, SessionEvent::Note(_)).then_some(())
    })
    .await;
    customer.leave();

    let window = home.path().join("window.sh");
    let record = home.path().join("window-args");
    std::fs::write(
        &window,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" \"token=${TOKEN_VARIABLE}\" > '{}'\nexit 3\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&window, std::fs::Permissions::from_mode(0o700)).unwrap();
    let (config_path, _) = files(&home.places, id);
    let token = install::read_agent_config(&config_path).unwrap().token;
    let mut agent = Agent::start(
        config_path,
        &home.places,
        Attended::Window {
            program: window.clone(),
        },
    );
    agent.online().await;
    online(&mut alice, id, true).await;

    let session_id = jump(&mut alice, id).await;
    let shown = agent
        .event("the jump", |e| match e {
            AgentEvent::Jumped { shown, policy, .. } => Some((*shown, *policy)),
            _ => None,
        })
        .await;
    assert_eq!(shown, (Shown::Window, JumpPolicy::Notify));
    customer_connected(&mut alice, session_id).await;
    poll_until(
        "the window's arguments recorded",
        || std::fs::read_to_string(&record).is_ok_and(|t| t.contains("token=")),
        || record.display().to_string(),
    )
    .await;
    let recorded = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = recorded.lines().collect();
    let sid = session_id.0.to_string();
    let server_url = server.url();
    assert_eq!(
        lines[..8],
        [
            "--server",
            server_url.as_str(),
            "--resume-session",
            sid.as_str(),
            "--jumped-by",
            "Alice",
            "--jump-policy",
            "notify",
        ],
        "{recorded}"
    );
    let token_line = lines[8];
    assert!(token_line.starts_with("token=") && token_line.len() > "token=".len());
    assert!(
        !lines[..8]
            .iter()
            .any(|l| l.contains(&token_line["token=".len()..]))
    );
    assert!(
        !recorded.contains(&token),
        "the agent's own token stays in its config"
    );
    assert_eq!(agent.stop().await, AgentEnd::Stopped);
}

/// The agent comes back after the server restarts (it backs off and connects again), and
/// several jumps over time each get the machine: a jump, its end (the agent's session ends
/// with it), then another jump. With the server gone and its config removed on this
/// computer, the agent ends instead of trying again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_reconnects_and_takes_one_jump_after_another() {
    let home = Home::new();
    let mut s = setup(&home).await;
    let id = pin(&mut s.alice, s.session_id, "Sam").await;
    installed(&mut s.alice, id).await;
    s.customer.leave();
    let (config_path, _) = files(&home.places, id);
    let mut agent = Agent::start(config_path.clone(), &home.places, Attended::Headless);
    agent.online().await;

    s.server.restart().await;
    agent
        .event("offline after the restart", |e| {
            matches!(e, AgentEvent::Offline { .. }).then_some(())
        })
        .await;
    agent.online().await;
    let mut alice = s.server.rep("alice").await;
    let listed = list(&mut alice).await;
    assert!(listed.iter().any(|c| c.jump_client_id == id && c.online));

    for round in 0..2 {
        let session_id = jump(&mut alice, id).await;
        customer_connected(&mut alice, session_id).await;
        end_resolved(&mut alice, session_id).await;
        let ended = agent
            .event("the jump session's end", |e| match e {
                AgentEvent::JumpEnded { session_id } => Some(*session_id),
                _ => None,
            })
            .await;
        assert_eq!(ended, session_id, "round {round}");
    }

    s.server.stop().await;
    std::fs::remove_file(&config_path).unwrap();
    assert_eq!(agent.end().await, AgentEnd::ConfigGone);
}

/// The program itself as the agent, as its autostart entry runs it (`--jump-agent CONFIG`,
/// this user's places from `HOME` and the `XDG_*` variables): Alice sees it online, and
/// when she unpins it the process removes its files and exits with success (so a unit
/// would not restart it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_runs_as_the_agent_and_exits_when_unpinned() {
    let home = Home::new();
    let mut s = setup(&home).await;
    let id = pin(&mut s.alice, s.session_id, "Sam").await;
    installed(&mut s.alice, id).await;
    s.customer.leave();
    let (config_path, entry) = files(&home.places, id);
    let mut agent = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-customer"))
        .arg("--jump-agent")
        .arg(&config_path)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_CACHE_HOME", home.path().join(".cache"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    online(&mut s.alice, id, true).await;
    s.alice
        .ok(RepRequest::UnpinJumpClient { jump_client_id: id })
        .await;
    let status = tokio::time::timeout(switchboard_testkit::DEADLINE, agent.wait())
        .await
        .expect("the agent exited in time")
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(!config_path.exists() && !entry.exists());
}

/// Under `ask` with no window at the machine (the agent runs the session itself), nobody
/// can allow anything: Alice's request is denied at once, never granted silently.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_without_a_window_denies_at_once() {
    let home = Home::new();
    let server = TestServer::start_with(test_config_with_jump_policy("ask")).await;
    let mut alice = server.rep("alice").await;
    let Accepted {
        customer,
        session_id: first,
        ..
    } = accepted(&server, &mut alice, &home.places).await;
    let id = pin(&mut alice, first, "Sam").await;
    installed(&mut alice, id).await;
    customer.leave();
    let (config_path, _) = files(&home.places, id);
    let mut agent = Agent::start(config_path, &home.places, Attended::Headless);
    agent.online().await;
    online(&mut alice, id, true).await;
    let session_id = jump(&mut alice, id).await;
    customer_connected(&mut alice, session_id).await;
    let grant = request(&mut alice, session_id, Capability::Shell).await;
    grant_state(&mut alice, grant, GrantState::Denied).await;
    assert_eq!(agent.stop().await, AgentEnd::Stopped);
}
