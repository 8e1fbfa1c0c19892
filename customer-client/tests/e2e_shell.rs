//! The command shell end to end: the real customer client (its actor, consent policy and
//! shell link, the customer's login shell on a PTY) against the real server's shell relay,
//! with the test kit's rep asking for the shell and using it over its own `/ws/media` socket.
//! Typed input runs, resizes reach the terminal, a 10 MB flood is held at the output window
//! until acknowledged and then arrives whole, the exit code comes through, the rep's Stop,
//! the customer's Stop and a dropped connection each kill the shell, and a denied (or
//! automatically refused) request never starts one.
//!
//! Every wait has a deadline. The tests take one lock so they run one at a time: one checks
//! that this process started no shell, and the flood beside the others would only slow them.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use common::shell::{FLOOD_LINES, ShellScreen, children, flood_command, process_gone};
use common::{Setup, grant_state, request, setup, share_event};
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{Policy, SessionEvent, prompt_text};
use switchboard_customer::shell::OUTPUT_WINDOW;
use switchboard_protocol::media::{MAX_SHELL_CHUNK, MediaFrame};
use switchboard_protocol::{
    Capability, ErrorCode, GrantEnd, GrantId, GrantState, MediaChannel, RepRequest,
};
use switchboard_testkit::media::{MediaClient, Next};
use switchboard_testkit::{DEADLINE, poll_until};
use tokio::sync::Mutex;

static SERIAL: Mutex<()> = Mutex::const_new(());

/// The screen is not part of these tests; a small synthetic one stands by.
const SYNTHETIC: ScreenChoice = ScreenChoice::Synthetic {
    width: 64,
    height: 64,
    typing: false,
};

/// The rep's shell: the media socket and what came on it.
struct RepShell {
    grant: GrantId,
    media: MediaClient,
    screen: ShellScreen,
}

/// Alice asks for the shell, the customer client allows it by its policy, and Alice opens
/// her shell socket and sees the shell's first prompt.
async fn open_shell(s: &mut Setup) -> RepShell {
    let grant = request(&mut s.alice, s.session_id, Capability::Shell).await;
    grant_state(&mut s.alice, grant, GrantState::Granted).await;
    let ticket = s.alice.open_shell_media(s.session_id).await;
    let media = MediaClient::auth(s.server.addr, &ticket.token).await;
    let mut shell = RepShell {
        grant,
        media,
        screen: ShellScreen::default(),
    };
    // The login shell printed something (its prompt) before anything is typed.
    shell.next_output(true).await;
    shell
}

impl RepShell {
    /// The next frame (taken into the screen); `false` when the socket closed.
    async fn next(&mut self) -> bool {
        match self.media.next_within(DEADLINE).await {
            Next::Binary(bytes) => {
                let frame = switchboard_protocol::media::decode_media(&bytes).unwrap();
                self.screen.take(&frame);
                true
            }
            Next::Closed(_) => false,
            Next::Nothing => panic!(
                "nothing on the shell socket within {DEADLINE:?}; output ends {:?}",
                self.screen.tail(300)
            ),
        }
    }

    /// Reads one frame of output, acknowledging it when `ack`.
    async fn next_output(&mut self, ack: bool) {
        assert!(self.next().await, "the shell socket closed");
        if ack {
            self.ack_all().await;
        }
    }

    async fn ack_all(&mut self) {
        let offset = self.screen.received();
        self.media.send(&MediaFrame::ShellAck { offset }).await;
    }

    async fn type_text(&mut self, text: &str) {
        let data = text.as_bytes().to_vec();
        self.media.send(&MediaFrame::ShellInput { data }).await;
    }

    /// Reads (acknowledging) until `needle` appears after the last match.
    async fn read_until(&mut self, needle: &str) {
        while !self.screen.find(needle) {
            self.next_output(true).await;
        }
    }

    /// The shell's pid, from `echo pid=$$`.
    async fn pid(&mut self) -> i32 {
        self.type_text("echo pid=$$\r").await;
        self.read_until("pid=").await;
        // The digits may come in the next chunk: read on until the prompt after them.
        self.type_text("echo pid-done $((6*7))\r").await;
        self.read_until("pid-done 42").await;
        self.screen.pid().expect("the shell printed its pid")
    }

    /// Reads until the socket closes (within the deadline); the output stays in the screen.
    async fn closed(&mut self) {
        while self.next().await {}
    }
}

/// What the rep types comes back as the shell's output: `echo hello` runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rep_types_and_the_shell_answers() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    let share = share_event(&mut s.events, |share| share.shell.is_some()).await;
    assert_eq!(share.shell.unwrap().grant_id, shell.grant);
    assert!(share.viewers.is_empty(), "a shell shares no screen");
    // `$((6*7))` makes what the shell prints differ from what the terminal echoes.
    shell.type_text("echo hello $((6*7))\r").await;
    shell.read_until("hello 42").await;
}

/// The terminal starts at 80x24; after the rep's resize `stty size` shows the new size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resize_reaches_the_terminal() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    shell.type_text("stty size\r").await;
    shell.read_until("24 80").await;
    shell
        .media
        .send(&MediaFrame::ShellResize {
            cols: 120,
            rows: 40,
        })
        .await;
    shell.type_text("stty size\r").await;
    shell.read_until("40 120").await;
}

/// A 10 MB flood: while the rep does not acknowledge, the customer sends at most the output
/// window beyond the last ack (counted in bytes received; one more byte acknowledged lets
/// exactly one more out), so every hop holds a bounded amount; acknowledged, every line
/// arrives once and in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_waits_at_the_window_and_arrives_whole_when_acknowledged() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    let acked = shell.screen.received();
    shell.type_text(&flood_command(FLOOD_LINES)).await;
    let window = OUTPUT_WINDOW as u64;
    while shell.screen.received() < acked + window {
        shell.next_output(false).await;
        assert!(
            shell.screen.received() <= acked + window + MAX_SHELL_CHUNK as u64,
            "{} bytes received with {acked} acknowledged",
            shell.screen.received()
        );
    }
    assert_eq!(
        shell.screen.received(),
        acked + window,
        "the window, exactly"
    );
    // Held at the window: one byte acknowledged lets exactly one more byte out.
    shell
        .media
        .send(&MediaFrame::ShellAck { offset: acked + 1 })
        .await;
    shell.next_output(false).await;
    assert_eq!(shell.screen.received(), acked + window + 1);

    shell.ack_all().await;
    shell.read_until("DONE-42").await;
    let numbers = shell.screen.flood_numbers();
    assert!(
        numbers.iter().copied().eq(1..=FLOOD_LINES),
        "every line once, in order ({} lines, last {:?})",
        numbers.len(),
        numbers.last()
    );
    assert!(shell.screen.received() > 10_000_000);
}

/// `exit 3` ends the shell with `shell_exit` code 3 after its output; the client reports
/// the exit (`shell_exited`), so the grant ends as `shell_exited`, not as the customer's
/// Stop, and the chat says "The command shell Alice was using exited (code 3)." (a new shell
/// needs a new Allow).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_3_comes_through_as_code_3() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    shell.type_text("echo bye $((6*7)); exit 3\r").await;
    while shell.screen.exit.is_none() {
        assert!(shell.next().await, "closed before shell_exit");
        shell.ack_all().await;
    }
    assert_eq!(shell.screen.exit, Some(3));
    assert!(
        shell.screen.find("bye 42"),
        "the output came before the exit"
    );
    let session = s
        .alice
        .grant_reaches(shell.grant, GrantState::Stopped)
        .await;
    let grant = session
        .remote
        .grants
        .iter()
        .find(|g| g.grant_id == shell.grant);
    assert_eq!(
        grant.and_then(|g| g.ended),
        Some(GrantEnd::ShellExited),
        "{grant:?}"
    );
    s.alice
        .chat_text("The command shell Alice was using exited (code 3).")
        .await;
    // The customer reads the same line, and not that they stopped it.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, s.events.recv())
            .await
            .expect("the line within the deadline")
            .expect("the session still runs");
        if let SessionEvent::Chat(message) = event {
            assert!(!message.text.contains("stopped"), "{}", message.text);
            if message.text == "The command shell Alice was using exited (code 3)." {
                break;
            }
        }
    }
    share_event(&mut s.events, |share| share.shell.is_none()).await;
}

/// The rep's `stop_remote` kills the shell process and closes the shell socket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reps_stop_kills_the_shell() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    let pid = shell.pid().await;
    assert!(!process_gone(pid));
    s.alice
        .ok(RepRequest::StopRemote {
            session_id: s.session_id,
            grant_id: shell.grant,
            keep_view: false,
        })
        .await;
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
    shell.closed().await;
    assert_eq!(shell.screen.exit, None, "killed, not exited");
    share_event(&mut s.events, |share| share.shell.is_none()).await;
}

/// The customer's Stop ends the shell here at once (before the server answers), kills the
/// process and closes the rep's socket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customers_stop_kills_the_shell() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    let pid = shell.pid().await;
    let share = s.customer.share_state();
    assert!(share.borrow().shell.is_some());
    s.customer.stop_sharing();
    assert!(share.borrow().shell.is_none(), "locally at once");
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
    shell.closed().await;
    grant_state(&mut s.alice, shell.grant, GrantState::Stopped).await;
}

/// The customer's connection drops: the server ends every grant, and the client kills the
/// shell; back in the session, no shell runs until a new one is allowed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_kills_the_shell() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAllWithShell, SYNTHETIC).await;
    let mut shell = open_shell(&mut s).await;
    let pid = shell.pid().await;
    s.server.stop().await;
    poll_until(
        "the shell to be gone",
        || process_gone(pid),
        || format!("pid {pid}"),
    )
    .await;
    s.server.start_again().await;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, s.events.recv())
            .await
            .expect("reconnected within the deadline")
            .expect("the session still runs");
        if let SessionEvent::Reconnected { .. } = event {
            break;
        }
    }
    assert!(s.customer.share_state().borrow().shell.is_none());
}

/// The customer sees the shell's card, with its plain words, and denies: the grant is
/// denied, the rep gets no shell ticket, and no shell process ever starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_shell_never_starts() {
    let _serial = SERIAL.lock().await;
    let before = children();
    let mut s = setup(Policy::Ask, SYNTHETIC).await;
    let grant = request(&mut s.alice, s.session_id, Capability::Shell).await;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let prompt = loop {
        let event = tokio::time::timeout_at(deadline, s.events.recv())
            .await
            .expect("the card within the deadline")
            .expect("the session still runs");
        if let SessionEvent::Grants { prompts, .. } = event
            && let Some(prompt) = prompts.into_iter().find(|p| p.grant_id == grant)
        {
            break prompt;
        }
    };
    assert_eq!(prompt.capability, Capability::Shell);
    let words = prompt_text(&prompt);
    assert!(
        words.starts_with(&format!(
            "{} wants to open a command shell on this computer.",
            prompt.rep_name
        )) && words.contains("They could run any command as you"),
        "{words}"
    );
    s.customer.answer(grant, false);
    grant_state(&mut s.alice, grant, GrantState::Denied).await;
    s.alice
        .refused(
            RepRequest::OpenMedia {
                session_id: s.session_id,
                channel: MediaChannel::Shell,
            },
            ErrorCode::Forbidden,
        )
        .await;
    assert!(s.customer.share_state().borrow().shell.is_none());
    assert_eq!(children(), before, "no shell was started");
}

/// The automatic policy that allows the screen (simulated customers, the demo) refuses a
/// shell at once: a shell is only ever allowed by a person or a policy that names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_automatic_screen_policy_refuses_a_shell() {
    let _serial = SERIAL.lock().await;
    let mut s = setup(Policy::AllowAll, SYNTHETIC).await;
    let grant = request(&mut s.alice, s.session_id, Capability::Shell).await;
    grant_state(&mut s.alice, grant, GrantState::Denied).await;
    assert!(s.customer.share_state().borrow().shell.is_none());
}
