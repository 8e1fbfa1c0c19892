//! The Shell entry's states and reasons (permission, the customer's side, another rep's
//! shell, the rep's own request and how it ended), the stream the console should hold, that
//! the Screen menu never counts a shell grant, and how a shell's output is fed once.

use super::*;
use crate::model::remote::screen_toolbar;
use crate::model::tests::remote_fixture::{NOW, alice, bob, session};
use crate::text::remote as words;
use switchboard_protocol::{
    GrantEnd, GrantId, GrantInfo, GrantState, QueueRef, RepId, ScreenPermission, ScreenSource,
};

fn grant(id: u64, rep: RepId, capability: Capability, state: GrantState) -> GrantInfo {
    let name = if rep == alice() { "Alice" } else { "Bob" };
    GrantInfo {
        grant_id: GrantId(id),
        rep,
        rep_name: name.into(),
        capability,
        state,
        requested_at: NOW - 6_000,
        deadline: NOW + 24_000,
        ended: None,
        elevation: None,
    }
}

fn shell(id: u64, rep: RepId, state: GrantState) -> GrantInfo {
    grant(id, rep, Capability::Shell, state)
}

fn greyed(reason: &str) -> ShellButton {
    ShellButton::Greyed(reason.to_owned())
}

/// A native customer and a permitted rep: Shell can be asked for, nothing else is said, and
/// no transcript is offered before any shell was asked for.
#[test]
fn a_permitted_rep_with_a_native_customer_may_ask() {
    let desktop = session(ScreenSource::Desktop, vec![]);
    let bar = shell_toolbar(&desktop, &alice(), true, NOW);
    assert_eq!(bar.button, ShellButton::Open);
    assert_eq!(bar.note, None);
    assert!(!bar.used);
    assert_eq!(bar.live_grant(), None);
    assert_eq!(wanted_shell(&desktop, &alice()), None);
}

/// No permission, a web or browser-tab customer, a disconnected customer, an ended session
/// and a waiting session each grey the entry with their own sentence; permission is said
/// first.
#[test]
fn greyed_with_the_reason() {
    let desktop = session(ScreenSource::Desktop, vec![]);
    let bar = shell_toolbar(&desktop, &alice(), false, NOW);
    assert_eq!(bar.button, greyed(words::SHELL_NO_PERMISSION));
    assert_eq!(bar.reason(), Some("You are not permitted to open a shell"));

    let web = session(ScreenSource::None, vec![]);
    assert_eq!(
        shell_toolbar(&web, &alice(), true, NOW).button,
        greyed("The customer is in web chat; a shell needs the customer client")
    );
    assert_eq!(
        shell_toolbar(&web, &alice(), false, NOW).button,
        greyed(words::SHELL_NO_PERMISSION)
    );
    let tab = session(ScreenSource::Tab, vec![]);
    assert_eq!(
        shell_toolbar(&tab, &alice(), true, NOW).button,
        greyed(words::SHELL_WEB_CHAT)
    );

    let mut gone = session(ScreenSource::Desktop, vec![]);
    gone.customer_connected = false;
    assert_eq!(
        shell_toolbar(&gone, &alice(), true, NOW).button,
        greyed(words::SHELL_NOT_CONNECTED)
    );
    let mut ended = session(ScreenSource::Desktop, vec![]);
    ended.ended = true;
    assert_eq!(
        shell_toolbar(&ended, &alice(), true, NOW).button,
        greyed(words::SHELL_NOT_CONNECTED)
    );

    let mut waiting = session(ScreenSource::Desktop, vec![]);
    waiting.owner = None;
    waiting.waiting_in = Some(QueueRef::General);
    assert_eq!(
        shell_toolbar(&waiting, &alice(), true, NOW).button,
        greyed(words::SHELL_SESSION_WAITING)
    );
}

/// One shell per session: another rep's shell, granted or being asked for, greys the entry
/// for everyone else, the owner included, and names that rep.
#[test]
fn another_reps_shell_greys_it_for_everyone() {
    let bob_has_it = session(
        ScreenSource::Desktop,
        vec![shell(5, bob(), GrantState::Granted)],
    );
    let bar = shell_toolbar(&bob_has_it, &alice(), true, NOW);
    assert_eq!(bar.button, greyed("Bob is using the command shell"));
    assert!(bar.used, "a shell was used: the transcript is offered");
    assert_eq!(wanted_shell(&bob_has_it, &alice()), None);

    let bob_asks = session(
        ScreenSource::Desktop,
        vec![shell(5, bob(), GrantState::Prompting)],
    );
    assert_eq!(
        shell_toolbar(&bob_asks, &alice(), true, NOW).button,
        greyed(&words::shell_asked_by("Bob"))
    );

    // Bob's shell is over: Alice may ask.
    let mut stopped = shell(5, bob(), GrantState::Stopped);
    stopped.ended = Some(GrantEnd::RepStopped);
    let over = session(ScreenSource::Desktop, vec![stopped]);
    let bar = shell_toolbar(&over, &alice(), true, NOW);
    assert_eq!(bar.button, ShellButton::Open);
    assert!(bar.used);
}

/// The rep's own request: a countdown with Cancel while the customer is asked, then "Stop
/// shell" once granted, and only then a stream is wanted, for that grant.
#[test]
fn own_request_waits_then_is_active() {
    let asking = session(
        ScreenSource::Desktop,
        vec![shell(7, alice(), GrantState::Prompting)],
    );
    let bar = shell_toolbar(&asking, &alice(), true, NOW);
    assert_eq!(
        bar.button,
        ShellButton::Waiting {
            grant_id: GrantId(7),
            note: "Waiting for the customer… 24 s".into(),
        }
    );
    assert!(bar.counting_down());
    assert_eq!(bar.live_grant(), Some(GrantId(7)));
    assert_eq!(wanted_shell(&asking, &alice()), None);
    let later = shell_toolbar(&asking, &alice(), true, NOW + 14_500);
    assert_eq!(
        later.button,
        ShellButton::Waiting {
            grant_id: GrantId(7),
            note: words::shell_waiting(10),
        }
    );

    let granted = session(
        ScreenSource::Desktop,
        vec![shell(7, alice(), GrantState::Granted)],
    );
    let bar = shell_toolbar(&granted, &alice(), true, NOW);
    assert_eq!(
        bar.button,
        ShellButton::Active {
            grant_id: GrantId(7)
        }
    );
    assert!(!bar.counting_down());
    assert_eq!(wanted_shell(&granted, &alice()), Some(GrantId(7)));
    assert_eq!(wanted_shell(&granted, &bob()), None);
    let mut ended = granted.clone();
    ended.ended = true;
    assert_eq!(
        wanted_shell(&ended, &alice()),
        None,
        "no stream once it ended"
    );
}

/// How the rep's last shell request ended is told beside the entry until the next one.
#[test]
fn the_last_outcome() {
    let mut last = shell(3, alice(), GrantState::Denied);
    let outcome = |grant: &GrantInfo| {
        let info = session(ScreenSource::Desktop, vec![grant.clone()]);
        shell_toolbar(&info, &alice(), true, NOW).note
    };
    assert_eq!(outcome(&last).as_deref(), Some(words::SHELL_DECLINED));
    last.state = GrantState::TimedOut;
    assert_eq!(outcome(&last).as_deref(), Some(words::SHELL_NO_ANSWER));
    last.state = GrantState::Stopped;
    last.ended = Some(GrantEnd::CustomerStopped);
    assert_eq!(
        outcome(&last).as_deref(),
        Some(words::SHELL_CUSTOMER_STOPPED)
    );
    last.ended = Some(GrantEnd::RepStopped);
    assert_eq!(outcome(&last), None);
}

/// A shell that exited by itself (`shell_exited`) is told as its exit, never as the
/// customer's Stop: with the code once the stream reported it, for that grant only.
#[test]
fn a_shell_that_exited_is_not_a_customer_stop() {
    let mut exited = shell(3, alice(), GrantState::Stopped);
    exited.ended = Some(GrantEnd::ShellExited);
    let info = session(ScreenSource::Desktop, vec![exited]);
    let bar = shell_toolbar(&info, &alice(), true, NOW);
    assert_eq!(
        bar.button,
        ShellButton::Open,
        "a new shell can be asked for"
    );
    assert_eq!(bar.note.as_deref(), Some("The last shell exited"));
    assert_eq!(bar.exited, Some(GrantId(3)));
    assert_ne!(bar.note.as_deref(), Some(words::SHELL_CUSTOMER_STOPPED));
    assert_eq!(
        bar.clone()
            .with_exit_code(GrantId(3), Some(3))
            .note
            .as_deref(),
        Some("The last shell exited (code 3)")
    );
    assert_eq!(
        bar.clone().with_exit_code(GrantId(2), Some(3)).note,
        bar.note,
        "an older shell's exit says nothing about this one"
    );

    // Bob's shell exiting says nothing beside Alice's entry; a stopped one has no exit.
    let mut bobs = shell(4, bob(), GrantState::Stopped);
    bobs.ended = Some(GrantEnd::ShellExited);
    let bar = shell_toolbar(
        &session(ScreenSource::Desktop, vec![bobs]),
        &alice(),
        true,
        NOW,
    );
    assert_eq!((bar.note, bar.exited), (None, None));
    let mut stopped = shell(5, alice(), GrantState::Stopped);
    stopped.ended = Some(GrantEnd::RepStopped);
    let bar = shell_toolbar(
        &session(ScreenSource::Desktop, vec![stopped]),
        &alice(),
        true,
        NOW,
    );
    assert_eq!(bar.with_exit_code(GrantId(5), Some(0)).note, None);
}

/// The Screen menu neither stops nor waits for nor reports a shell grant, and a granted
/// shell alone opens no screen stream.
#[test]
fn the_screen_menu_ignores_the_shell() {
    let both = session(
        ScreenSource::Desktop,
        vec![
            shell(1, alice(), GrantState::Granted),
            grant(2, alice(), Capability::ScreenView, GrantState::Granted),
            shell(3, bob(), GrantState::Denied),
        ],
    );
    let bar = screen_toolbar(&both, &alice(), ScreenPermission::Control, NOW);
    assert_eq!(bar.stoppable, vec![GrantId(2)]);
    assert!(bar.viewing);

    let only_shell = session(
        ScreenSource::Desktop,
        vec![shell(1, alice(), GrantState::Prompting)],
    );
    let bar = screen_toolbar(&only_shell, &alice(), ScreenPermission::Control, NOW);
    assert!(bar.stoppable.is_empty());
    assert_eq!(bar.note, None, "the shell's countdown is the Shell entry's");
    assert!(!crate::model::remote::wants_media(&only_shell, &alice()));

    let mut denied = shell(1, alice(), GrantState::Denied);
    denied.ended = None;
    let bar = screen_toolbar(
        &session(ScreenSource::Desktop, vec![denied]),
        &alice(),
        ScreenPermission::Control,
        NOW,
    );
    assert_eq!(bar.note, None, "a declined shell is not a declined screen");
}

/// Output is fed once and in order: repeats after a reconnect are skipped, an overlapping
/// chunk gives only its new part, the first chunk may start past 0, a gap is reported, and
/// output from 0 again is a new shell, fed whole (the ack goes back to its end).
#[test]
fn the_feed_takes_each_byte_once() {
    let mut feed = ShellFeed::default();
    assert_eq!(feed.fed(), 0);
    // A reconnected console first sees offset 100.
    let first = feed.accept(100, b"hello ");
    assert_eq!((first.new, first.missing), (&b"hello "[..], 0));
    assert_eq!(feed.fed(), 106);
    assert_eq!(feed.accept(106, b"world").new, b"world");
    assert_eq!(feed.fed(), 111);
    // Sent again after a reconnect (the ack had not reached the customer).
    assert!(feed.accept(100, b"hello ").new.is_empty());
    assert!(feed.accept(106, b"world").new.is_empty());
    assert_eq!(feed.fed(), 111);
    // Overlapping: only what is new.
    assert_eq!(feed.accept(109, b"ld!\r\n").new, b"!\r\n");
    assert_eq!(feed.fed(), 114);
    // A gap: taken from where it starts, the missing bytes counted.
    let gap = feed.accept(120, b"$ ");
    assert_eq!((gap.new, gap.missing), (&b"$ "[..], 6));
    assert!(!gap.restarted);
    assert_eq!(feed.fed(), 122);
    // The customer's client started the shell anew under the same grant.
    let again = feed.accept(0, b"$ ");
    assert_eq!((again.new, again.restarted), (&b"$ "[..], true));
    assert_eq!(feed.fed(), 2);
    assert_eq!(feed.accept(2, b"ls").new, b"ls");
}
