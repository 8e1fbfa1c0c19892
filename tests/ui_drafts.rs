//! UI test of drafts surviving a crash: a console in a child process (this test binary run
//! again) types into two sessions' composers and the Billing team chat, and is killed with
//! SIGKILL once its drafts are on disk; a new console with the same data directory finds
//! them again — except the draft of a session that was ended while no console ran.

#![cfg(unix)]

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::io::{BufRead as _, BufReader};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use switchboard::drafts::{Draft, DraftKey, DraftStore};
use switchboard::{AppOptions, SwitchboardApp};
use switchboard_protocol::{CustomerInfo, SessionId, TeamId};
use switchboard_testkit::CustomerClient;
use ui_support::*;

/// Set in the child's environment: the server's URL and the prefs file (drafts beside it).
const CHILD_SERVER: &str = "SWITCHBOARD_DRAFTS_CHILD_SERVER";
const CHILD_PREFS: &str = "SWITCHBOARD_DRAFTS_CHILD_PREFS";
/// What the child prints once its drafts are on disk.
const READY: &str = "drafts-child: drafts on disk";
/// How long the parent waits for the child to log in, type and save.
const CHILD_DEADLINE: Duration = Duration::from_secs(120);

const ADA: &str = "Ada Draft";
const BEN: &str = "Ben Closed";
const ADA_TEXT: &str = "Your refund of 42 € goes out today, and";
const BEN_TEXT: &str = "Ben's half-written answer";
const TEAM_TEXT: &str = "Who can take the 3 pm call?";

fn billing() -> TeamId {
    TeamId::new("billing")
}

/// The console at `server_url`, prefs (and drafts) in `prefs`'s directory, logging in as
/// alice, connected with its queues shown.
fn alice_console(server_url: &str, prefs: &Path) -> Console {
    let options = AppOptions {
        server_url: Some(server_url.to_owned()),
        prefs_path: Some(prefs.to_path_buf()),
        auto_login: Some(("alice".to_owned(), "alice-demo".to_owned())),
        // Tests never pop up notifications on the desktop of whoever runs them.
        notifications: switchboard::Notifications::Recording(switchboard::RecordingNotifier::new()),
        ..AppOptions::default()
    };
    let mut console = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| SwitchboardApp::new(cc, options));
    step_until(&mut console, "alice connected, with her queues", |h| {
        h.query_by_label("Connected").is_some()
            && has_label(h, "Personal")
            && h.state().model.me.is_some()
    });
    console
}

fn alice_store(server_url: &str, prefs: &Path) -> DraftStore {
    DraftStore::for_account(&DraftStore::dir_beside(prefs), server_url, "alice")
}

/// The text in the one field with this role and label, if it shows.
fn text_in(console: &Console, role: Role, label: &str) -> Option<String> {
    console
        .query_by_role_and_label(role, label)
        .and_then(|field| field.value())
}

fn text_of(drafts: &[Draft], key: &DraftKey) -> Option<String> {
    drafts
        .iter()
        .find(|d| &d.key == key)
        .map(|d| d.text.clone())
}

fn session_key(id: SessionId) -> DraftKey {
    DraftKey::Session { session_id: id }
}

fn team_key() -> DraftKey {
    DraftKey::Team { team: billing() }
}

/// A web customer of Initech waiting in Billing.
fn waiting_customer(server: &TestServer, name: &str) -> CustomerClient {
    let info = CustomerInfo {
        name: name.to_owned(),
        company: Some("Initech".to_owned()),
        question: Some("It is broken".to_owned()),
        ..Default::default()
    };
    server.block_on(CustomerClient::start_as(server.addr(), info, invoice()))
}

/// The child process, killed if the test fails before it does so itself (its stdin would
/// close only when the whole test binary ends).
struct KilledOnDrop(std::process::Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        // Already killed and reaped on the test's own path: both fail harmlessly then.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The child: logs in, accepts Ada and Ben, types a draft for each and one in the Billing
/// team chat, steps frames until all three are on disk, says so, and then blocks on its
/// stdin until the parent kills it (or, if the parent died, its stdin closes).
#[test]
#[ignore = "the console that drafts_survive_a_sigkill runs in a child process and kills"]
fn child_types_drafts_and_waits_to_be_killed() {
    let (Ok(server_url), Ok(prefs)) = (std::env::var(CHILD_SERVER), std::env::var(CHILD_PREFS))
    else {
        panic!("run by drafts_survive_a_sigkill, which sets {CHILD_SERVER} and {CHILD_PREFS}");
    };
    let prefs = PathBuf::from(prefs);
    let mut console = alice_console(&server_url, &prefs);

    accept(&mut console, ADA);
    type_into(&mut console, Role::MultilineTextInput, "Message", ADA_TEXT);
    wait_for_label(&mut console, "Queues (1)");
    click_label(&mut console, "Queues (1)");
    accept(&mut console, BEN);
    type_into(&mut console, Role::MultilineTextInput, "Message", BEN_TEXT);
    click_label(&mut console, "Queues (0)");
    click_until_shown(&mut console, "Open the Billing team chat", "Team message");
    type_into(&mut console, Role::TextInput, "Team message", TEAM_TEXT);

    // Nothing is flushed by hand: the drafts reach the disk the way they do while a rep types.
    let store = alice_store(&server_url, &prefs);
    step_until(&mut console, "three drafts on disk", |_| {
        store.load().len() == 3
    });
    println!("{READY}");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// Drafts typed in a console killed with SIGKILL come back in a new console: Ada's in her
/// session's composer, the team chat's in its box; Ben's session, ended while no console
/// ran, gets none and its draft leaves the file. Sending Ada's draft clears it from disk,
/// and so does leaving her session with a new one.
#[test]
fn drafts_survive_a_sigkill() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let prefs = dir.path().join("prefs.json");
    let ada = waiting_customer(&server, ADA);
    let ben = waiting_customer(&server, BEN);

    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_types_drafts_and_waits_to_be_killed",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_SERVER, server.url())
        .env(CHILD_PREFS, &prefs)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = KilledOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let (lines, said) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            eprintln!("child: {line}");
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + CHILD_DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match said.recv_timeout(left) {
            Ok(line) if line.contains(READY) => break,
            Ok(_) => {}
            Err(error) => {
                let _ = child.0.kill();
                panic!(
                    "the child never said its drafts were on disk ({error}); exit: {:?}",
                    child.0.wait()
                );
            }
        }
    }

    // The parent sees them on disk too, before pulling the plug.
    let store = alice_store(&server.url(), &prefs);
    let on_disk = store.load();
    assert_eq!(
        text_of(&on_disk, &session_key(ada.session_id)).as_deref(),
        Some(ADA_TEXT)
    );
    assert_eq!(
        text_of(&on_disk, &session_key(ben.session_id)).as_deref(),
        Some(BEN_TEXT)
    );
    assert_eq!(text_of(&on_disk, &team_key()).as_deref(), Some(TEAM_TEXT));
    child.0.kill().unwrap();
    let status = child.0.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed with SIGKILL: {status:?}");

    // While no console runs, Ben's session ends.
    server.block_on(async {
        let mut alice = server.server.rep("alice").await;
        switchboard_testkit::rep::end_resolved(&mut alice, ben.session_id).await;
    });

    let mut console = alice_console(&server.url(), &prefs);
    wait_for_any_label(&mut console, ADA);
    click_role(&mut console, Role::Button, ADA);
    step_until(&mut console, "Ada's draft back in her composer", |h| {
        text_in(h, Role::MultilineTextInput, "Message").as_deref() == Some(ADA_TEXT)
    });
    assert!(
        console.query_by_role_and_label(Role::Button, BEN).is_none(),
        "Ben's session is over"
    );
    step_until(&mut console, "Ben's draft gone from the file", |_| {
        let drafts = store.load();
        text_of(&drafts, &session_key(ben.session_id)).is_none()
            && text_of(&drafts, &session_key(ada.session_id)).is_some()
    });

    // Sent, Ada's draft leaves the file at once; the team chat's stays.
    console
        .get_by_role_and_label(Role::MultilineTextInput, "Message")
        .click();
    console.run_steps(2);
    console.key_press(egui::Key::Enter);
    step_until(
        &mut console,
        "Ada's draft sent and gone from the file",
        |_| {
            let drafts = store.load();
            text_of(&drafts, &session_key(ada.session_id)).is_none()
                && text_of(&drafts, &team_key()).as_deref() == Some(TEAM_TEXT)
        },
    );
    wait_for_any_label(&mut console, ADA_TEXT);

    // A new draft for Ada reaches the file; leaving her session in the queue removes it.
    type_into(
        &mut console,
        Role::MultilineTextInput,
        "Message",
        "one more",
    );
    step_until(&mut console, "Ada's new draft on disk", |_| {
        text_of(&store.load(), &session_key(ada.session_id)).as_deref() == Some("one more")
    });
    click_label(&mut console, "Close session");
    wait_for_label(&mut console, "Leave in queue");
    click_label(&mut console, "Leave in queue");
    wait_for_no_label(&mut console, "Close session");
    step_until(&mut console, "Ada's draft gone with her session", |_| {
        let drafts = store.load();
        text_of(&drafts, &session_key(ada.session_id)).is_none()
            && text_of(&drafts, &team_key()).as_deref() == Some(TEAM_TEXT)
    });

    click_label(&mut console, "Queues (1)");
    click_until_shown(&mut console, "Open the Billing team chat", "Team message");
    step_until(&mut console, "the team chat's draft back in its box", |h| {
        text_in(h, Role::TextInput, "Team message").as_deref() == Some(TEAM_TEXT)
    });
    drop((ada, ben));
}
