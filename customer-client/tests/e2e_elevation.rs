//! Elevated command shells end to end, on the real operating system: the real customer
//! client (its actor, consent policy, elevation engine and shell link) run as root but
//! elevating as the unprivileged `sbcustomer` would (`runuser -u sbcustomer --`, the
//! session's `elevate_run_as`), against the real server, with the test kit's rep asking for
//! an administrator's shell (`elevate_shell`) and using it over the shell media socket.
//!
//! - Specific User with the right password: the customer's program (policy allow) starts
//!   `su` with it; the shell runs as `sbadmin` with job control (Ctrl+C interrupts a
//!   command, not the shell) and the rep's terminal size; the banner says so; the password appears
//!   neither in what the rep's shell socket carried nor in the stored transcript.
//! - A wrong password: `su`'s own "Authentication failure" reaches the rep's session chat,
//!   the grant ends `elevation_failed`, and the customer reads why.
//! - Prompt Customer on this machine (no pkexec or no graphical session): the rep's session
//!   shows the program's reason and the request is refused with it.
//!
//! Everything this test process logs (the program's tracing and the in-process server's, at
//! TRACE) is captured, and neither password may appear in it.
//!
//! The accounts come from `.ci/run` (README, "Elevation"); the tests fail, saying so, where
//! they are missing. Every wait has a deadline. One lock: they start `su` one at a time.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

mod common;

use common::accounts::{ADMIN, ADMIN_PASSWORD, require_test_accounts, run_as_customer};
use common::shell::ShellScreen;
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{
    CustomerSession, Policy, SessionConfig, SessionEvent, shell_banner_text,
};
use switchboard_protocol::media::{MediaFrame, decode_media};
use switchboard_protocol::{
    CustomerInfo, ElevationMethod, ElevationRequest, ErrorCode, GrantEnd, GrantId, GrantState,
    OkResult, RepEvent, RepId, RepRequest, Route, Secret, SessionId, SessionInfo,
};
use switchboard_testkit::media::{MediaClient, Next};
use switchboard_testkit::rep::joined;
use switchboard_testkit::{DEADLINE, RepClient, TestServer, personal};
use tokio::sync::Mutex;
use tokio::sync::mpsc::UnboundedReceiver;

static SERIAL: Mutex<()> = Mutex::const_new(());

/// Every log line this process wrote (the customer program's and the server's), at TRACE.
static LOG: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOG.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every log line of this process into [`LOG`] (once per test binary).
fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

/// Asserts that nothing logged so far holds `password` (and that something was logged).
fn never_logged(password: &str) {
    let log = LOG.lock().unwrap();
    assert!(!log.is_empty(), "the log capture works");
    assert!(
        !contains(&log, password),
        "the password was logged: {}",
        String::from_utf8_lossy(&log)
    );
}

const WRONG_PASSWORD: &str = "Not-the-password-7";

/// A native customer elevating as `sbcustomer`, allowing everything, with Alice in the
/// session.
struct Setup {
    server: TestServer,
    alice: RepClient,
    customer: CustomerSession,
    events: UnboundedReceiver<SessionEvent>,
    session_id: SessionId,
    /// The session as Alice joined it.
    joined: SessionInfo,
}

async fn setup() -> Setup {
    require_test_accounts();
    capture_logs();
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let config = SessionConfig {
        server: server.url(),
        customer: CustomerInfo {
            name: "Sam Lee".into(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::Rep {
            rep: RepId::from("alice"),
        },
        policy: Policy::AllowAllWithShell,
        screen: Ok(ScreenChoice::Synthetic {
            width: 64,
            height: 64,
            typing: false,
        }),
        wake: None,
        elevate_run_as: run_as_customer(),
    };
    let (customer, events) = CustomerSession::start(config).await.unwrap();
    let session_id = customer.session_id;
    alice.entry_in(&personal("alice"), session_id).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut alice, session_id).await;
    // The program describes what it can elevate with right after its machine; on a loaded
    // machine that can reach the server after Alice joined. An elevation asked for before
    // it arrived is refused ("has not said whether it can…"), so wait for it here.
    let joined = match view.session.remote.elevation {
        Some(_) => view.session,
        None => {
            alice
                .event(
                    "the session with the program's elevation support",
                    |e| match e {
                        RepEvent::SessionUpdated { session }
                            if session.session_id == session_id
                                && session.remote.elevation.is_some() =>
                        {
                            Some(session.clone())
                        }
                        _ => None,
                    },
                )
                .await
        }
    };
    Setup {
        joined,
        server,
        alice,
        customer,
        events,
        session_id,
    }
}

fn specific_user(password: &str) -> ElevationRequest {
    ElevationRequest::SpecificUser {
        username: ADMIN.into(),
        password: Secret(password.into()),
    }
}

/// `elevate_shell`; the grant's id.
async fn elevate(s: &mut Setup, elevation: ElevationRequest) -> GrantId {
    let request = RepRequest::ElevateShell {
        session_id: s.session_id,
        elevation,
    };
    match s.alice.ok(request).await {
        Some(OkResult::Grant { grant_id }) => grant_id,
        other => panic!("elevate_shell answered {other:?}"),
    }
}

/// Reads the rep's shell socket (acknowledging) until `needle` shows; the output stays in
/// `screen`.
async fn read_until(media: &mut MediaClient, screen: &mut ShellScreen, needle: &str) {
    while !screen.find(needle) {
        match media.next_within(DEADLINE).await {
            Next::Binary(bytes) => {
                screen.take(&decode_media(&bytes).unwrap());
                let offset = screen.received();
                media.send(&MediaFrame::ShellAck { offset }).await;
            }
            other => panic!(
                "waiting for {needle:?} on the shell socket: {other:?}; output ends {:?}",
                screen.tail(300)
            ),
        }
    }
}

/// The rep types `text` into the shell.
async fn type_text(media: &mut MediaClient, text: &str) {
    let data = text.as_bytes().to_vec();
    media.send(&MediaFrame::ShellInput { data }).await;
}

/// Waits for the customer's notice containing `needle`.
async fn notice(events: &mut UnboundedReceiver<SessionEvent>, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("no notice with {needle:?} in time"))
            .expect("the session still runs");
        if let SessionEvent::Notice(text) = event
            && text.contains(needle)
        {
            return text;
        }
    }
}

/// The right password for `sbadmin`: the customer's program answers `su` with it and the
/// rep's shell runs as `sbadmin` (the banner says so); the password is in neither the
/// output the rep's socket carried nor the stored transcript.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn specific_user_runs_the_shell_as_that_user_and_the_password_stays_unseen() {
    let _serial = SERIAL.lock().await;
    let mut s = setup().await;
    let grant = elevate(&mut s, specific_user(ADMIN_PASSWORD)).await;
    let session = s.alice.grant_reaches(grant, GrantState::Granted).await;
    let info = session
        .remote
        .grants
        .iter()
        .find(|g| g.grant_id == grant)
        .unwrap();
    let elevation = info
        .elevation
        .clone()
        .expect("the grant says it is elevated");
    assert_eq!(
        (elevation.method, elevation.user.as_str()),
        (ElevationMethod::SpecificUser, ADMIN)
    );

    let ticket = s.alice.open_shell_media(s.session_id).await;
    let mut media = MediaClient::auth(s.server.addr, &ticket.token).await;
    let mut screen = ShellScreen::default();
    type_text(&mut media, "echo user=$(id -un)\r").await;
    read_until(&mut media, &mut screen, &format!("user={ADMIN}")).await;

    // A terminal of its own (job control): Ctrl+C interrupts the command, not the shell.
    // Each step waits for the shell (an interrupt flushes what was typed ahead).
    type_text(&mut media, "sleep 30\r").await;
    read_until(&mut media, &mut screen, "sleep 30").await;
    // Bracketed paste off: readline has the line, the command runs.
    read_until(&mut media, &mut screen, "\x1b[?2004l").await;
    type_text(&mut media, "\x03").await;
    read_until(&mut media, &mut screen, "^C").await;
    // Back at a prompt (readline on again) rather than ended.
    read_until(&mut media, &mut screen, "\x1b[?2004h").await;
    type_text(&mut media, "echo alive=$((6*7))\r").await;
    read_until(&mut media, &mut screen, "alive=42").await;
    // The rep's resize reaches the shell's own terminal too.
    media
        .send(&MediaFrame::ShellResize {
            cols: 120,
            rows: 40,
        })
        .await;
    type_text(&mut media, "echo size=$(stty size)\r").await;
    read_until(&mut media, &mut screen, "size=40 120").await;

    let share = common::share_event(&mut s.events, |share| share.shell.is_some()).await;
    assert_eq!(
        shell_banner_text(share.shell.as_ref().unwrap()),
        format!("Alice is using an administrator shell ({ADMIN})")
    );
    assert!(
        !contains(&screen.out, ADMIN_PASSWORD),
        "the password reached the rep's shell"
    );

    s.alice
        .ok(RepRequest::StopRemote {
            session_id: s.session_id,
            grant_id: grant,
            keep_view: false,
        })
        .await;
    s.alice.grant_reaches(grant, GrantState::Stopped).await;
    let auth = format!("Bearer {}", s.server.login("alice").await);
    let (status, transcript) =
        switchboard_testkit::shell::transcript(&s.server, &auth, s.session_id).await;
    assert_eq!(status, 200);
    let stored = serde_json::to_string(&transcript.unwrap()).unwrap();
    assert!(stored.contains(&format!("user={ADMIN}")), "{stored}");
    assert!(
        !stored.contains(ADMIN_PASSWORD),
        "the password is in the transcript"
    );
    s.customer.leave();
    never_logged(ADMIN_PASSWORD);
}

/// A wrong password: `su` refuses, its words ("Authentication failure") reach the rep's
/// session chat, the grant ends `elevation_failed`, the customer reads why; the password is
/// in none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_ends_the_grant_with_sus_words() {
    let _serial = SERIAL.lock().await;
    let mut s = setup().await;
    let grant = elevate(&mut s, specific_user(WRONG_PASSWORD)).await;
    let session_id = s.session_id;
    let line = s
        .alice
        .event(
            "the chat line saying the shell could not start",
            |e| match e {
                RepEvent::Chat { message }
                    if message.session_id == session_id
                        && message.text.contains("Authentication failure") =>
                {
                    Some(message.clone())
                }
                _ => None,
            },
        )
        .await;
    assert!(!line.text.contains(WRONG_PASSWORD), "{}", line.text);
    let session = s.alice.grant_reaches(grant, GrantState::Stopped).await;
    let ended = session
        .remote
        .grants
        .iter()
        .find(|g| g.grant_id == grant)
        .and_then(|g| g.ended);
    assert_eq!(ended, Some(GrantEnd::ElevationFailed));
    let told = notice(&mut s.events, "Authentication failure").await;
    assert!(told.contains("administrator shell"), "{told}");
    assert!(!told.contains(WRONG_PASSWORD));
    s.customer.leave();
    never_logged(WRONG_PASSWORD);
    let log = String::from_utf8_lossy(&LOG.lock().unwrap()).into_owned();
    assert!(
        log.contains("the shell's link ended") && log.contains("Authentication failure"),
        "the program's own tracing is among what was checked"
    );
}

/// Prompt Customer where this machine cannot do it (no pkexec here, or no graphical
/// session): the rep's session carries the program's reason, and the request is refused
/// with it, before the customer is asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_customer_is_refused_with_the_programs_reason() {
    let _serial = SERIAL.lock().await;
    let mut s = setup().await;
    let expected = switchboard_customer::elevate::support()
        .prompt_customer
        .expect_err("this test machine has no pkexec with a graphical session");
    // Described right after the machine, before the session was offered: Alice's view has
    // it already, or a `session_updated` brings it.
    let reason = |session: &SessionInfo| {
        let support = session.remote.elevation.as_ref()?;
        assert_eq!(support.specific_user, None, "su is here");
        support.prompt_customer.clone()
    };
    let said = match reason(&s.joined) {
        Some(said) => said,
        None => {
            let session_id = s.session_id;
            s.alice
                .event(
                    "the session with the program's elevation support",
                    |e| match e {
                        RepEvent::SessionUpdated { session }
                            if session.session_id == session_id =>
                        {
                            reason(session)
                        }
                        _ => None,
                    },
                )
                .await
        }
    };
    assert_eq!(said, expected);
    let request = RepRequest::ElevateShell {
        session_id: s.session_id,
        elevation: ElevationRequest::PromptCustomer,
    };
    let (code, message) = s.alice.request(request).await.unwrap_err();
    assert_eq!(code, ErrorCode::RemoteUnavailable, "{message}");
    assert!(message.contains(&expected), "{message}");
    s.customer.leave();
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
