//! The customer client keeps its session through a dropped connection: the server restarts
//! (every socket closes), the client stops sharing at once, resumes the session with its
//! token, passes on only the chat it had not shown, and chats both ways again. The rep asks
//! again to see the screen (a restart ends the grants).

#![allow(clippy::unwrap_used)]

mod common;

use common::{grant_state, request, setup, share_event};
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{Policy, SessionEvent};
use switchboard_protocol::{Capability, GrantState, RepRequest, Visibility};
use switchboard_testkit::DEADLINE;
use tokio::sync::mpsc::UnboundedReceiver;

const SYNTHETIC: ScreenChoice = ScreenChoice::Synthetic {
    width: 320,
    height: 200,
    typing: false,
};

/// The customer's events until `pick` takes one, within the deadline; the chat texts seen
/// on the way.
async fn until<T>(
    events: &mut UnboundedReceiver<SessionEvent>,
    what: &str,
    mut pick: impl FnMut(&SessionEvent) -> Option<T>,
    chat: &mut Vec<String>,
) -> T {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("{what} within {DEADLINE:?}"))
            .expect("the session still runs");
        if let SessionEvent::Chat(message) = &event {
            chat.push(message.text.clone());
        }
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

fn say(session_id: switchboard_protocol::SessionId, text: &str) -> RepRequest {
    RepRequest::SendChat {
        session_id,
        client_msg_id: format!("resume-{text}"),
        text: text.into(),
        visibility: Visibility::Public,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_resumed_and_the_chat_goes_on() {
    let mut s = setup(Policy::AllowAll, SYNTHETIC).await;
    let mut chat = Vec::new();
    s.alice.ok(say(s.session_id, "Before the drop")).await;
    until(
        &mut s.events,
        "the rep's first line",
        |e| matches!(e, SessionEvent::Chat(m) if m.text == "Before the drop").then_some(()),
        &mut chat,
    )
    .await;
    let grant = request(&mut s.alice, s.session_id, Capability::ScreenView).await;
    grant_state(&mut s.alice, grant, GrantState::Granted).await;
    share_event(&mut s.events, |share| share.sharing()).await;

    s.server.stop().await;
    until(
        &mut s.events,
        "Reconnecting",
        |e| matches!(e, SessionEvent::Reconnecting).then_some(()),
        &mut chat,
    )
    .await;
    assert!(
        !s.customer.share_state().borrow().sharing(),
        "nothing is shared while the connection is gone"
    );
    // Typed while the server is away: sent once the session is back.
    s.customer.send_chat("Typed while offline");
    s.server.start_again().await;
    until(
        &mut s.events,
        "Reconnected",
        |e| matches!(e, SessionEvent::Reconnected { .. }).then_some(()),
        &mut chat,
    )
    .await;

    // The line typed offline went out and was stored (the server's `ok` carries it back).
    until(
        &mut s.events,
        "the line typed offline, stored",
        |e| matches!(e, SessionEvent::Chat(m) if m.text == "Typed while offline").then_some(()),
        &mut chat,
    )
    .await;

    // The rep is back too, and the chat goes both ways.
    // (Her sessions are hers again after the restart: they are in her snapshot.)
    let mut alice = s.server.rep("alice").await;
    alice.ok(say(s.session_id, "After the drop")).await;
    until(
        &mut s.events,
        "the rep's line after the drop",
        |e| matches!(e, SessionEvent::Chat(m) if m.text == "After the drop").then_some(()),
        &mut chat,
    )
    .await;
    s.customer.send_chat("Still here");
    alice.chat_text("Still here").await;
    let before = chat.iter().filter(|t| *t == "Before the drop").count();
    assert_eq!(
        before, 1,
        "the chat before the drop is not shown twice: {chat:?}"
    );

    // A restart ended the grant; asking again shares again.
    let again = request(&mut alice, s.session_id, Capability::ScreenView).await;
    grant_state(&mut alice, again, GrantState::Granted).await;
    share_event(&mut s.events, |share| share.sharing()).await;
}

/// Leaving while the connection is gone ends the session here at once, not after the
/// resume gives up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_while_reconnecting_ends_at_once() {
    let mut s = setup(Policy::AllowAll, SYNTHETIC).await;
    let mut chat = Vec::new();
    s.server.stop().await;
    until(
        &mut s.events,
        "Reconnecting",
        |e| matches!(e, SessionEvent::Reconnecting).then_some(()),
        &mut chat,
    )
    .await;
    s.customer.leave();
    let why = until(
        &mut s.events,
        "the session's end",
        |e| match e {
            SessionEvent::Ended(why) => Some(why.clone()),
            _ => None,
        },
        &mut chat,
    )
    .await;
    assert_eq!(why, "You left the session.");
}
