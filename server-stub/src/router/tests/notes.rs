//! System notes: joins, leaves, transfers, invitations and the customer's connection are
//! kept in the chat as rep-only lines from `Author::System`, bounded like messages.

use super::support::*;
use crate::router::effects::{Effect, StoreOp};
use crate::router::{Input, Router};
use std::sync::Arc;
use switchboard_protocol::{
    Author, ChatMessage, CustomerRequest, CustomerServerMessage, RepEvent, Route, Visibility,
};

/// The system notes among the effects' persisted messages.
fn stored_notes(effects: &[Effect]) -> Vec<ChatMessage> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(StoreOp::PutChat(m)) if m.author == Author::System => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// The customer is never sent a system note (they have `rep_joined` / `rep_left`).
fn assert_customer_hears_no_note(effects: &[Effect]) {
    for effect in effects {
        if let Effect::ToCustomer(_, message) | Effect::ToCustomerConn(_, message) = effect {
            let leaked = match message {
                CustomerServerMessage::Chat { message } => message.author == Author::System,
                CustomerServerMessage::SessionStarted { chat, .. } => {
                    chat.iter().any(|m| m.author == Author::System)
                }
                _ => false,
            };
            assert!(!leaked, "a system note reached the customer: {message:?}");
        }
    }
}

/// A session's life hand to hand leaves one note per event, in order, rep-only, stored
/// before it is delivered, and sent to the reps in the session.
#[test]
fn hand_to_hand_events_leave_rep_only_notes() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.start("Zoe", Route::General);
    let accepted = h.accept("alice", id);
    let note = stored_notes(&accepted);
    assert_eq!(note.len(), 1);
    assert_eq!(note[0].text, "Alice Martin accepted the session.");
    assert_eq!(note[0].visibility, Visibility::Reps);
    assert_eq!(note[0].at, h.now);
    assert_customer_hears_no_note(&accepted);

    let (inv, invited) = h.invite("alice", req::invite_rep(id, "bob"));
    assert_customer_hears_no_note(&invited);
    // Alice, in the session, is sent the note as a chat event.
    assert!(events_for(&invited, "alice").iter().any(|e| matches!(
        e,
        RepEvent::Chat { message } if message.text == "Alice Martin invited Bob Okafor."
    )));
    let (_, joined) = h.ok("bob", req::accept_inv(inv));
    assert_customer_hears_no_note(&joined);
    let (_, left) = h.ok("bob", req::leave(id));
    assert_customer_hears_no_note(&left);
    let (_, moved) = h.ok("alice", req::transfer_rep(id, "carol", false));
    assert_customer_hears_no_note(&moved);
    h.accept("carol", id);
    assert_eq!(
        notes(&h.session(id).chat),
        [
            "Alice Martin accepted the session.",
            "Alice Martin invited Bob Okafor.",
            "Bob Okafor joined the session.",
            "Bob Okafor left the session.",
            "Alice Martin transferred the session to Carol Chen.",
            "Carol Chen accepted the session.",
        ]
    );
    // Carol's view of the session, and a restart, keep the notes.
    assert_eq!(notes(&h.snap("carol").sessions[0].chat).len(), 6);
    h.restart();
    assert_eq!(notes(&h.session(id).chat).len(), 6);
}

/// The customer's connection is noted while reps are there, not while the session waits.
#[test]
fn customer_connection_is_noted_only_while_attended() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.start("Zoe", Route::General);
    h.customer_drops(id);
    let _ = h.handle(Input::CustomerResume {
        conn: 50,
        session_id: id,
        customer_token: "token-1".to_owned(),
    });
    assert!(notes(&h.session(id).chat).is_empty(), "nobody was there");
    h.accept("alice", id);
    h.customer_drops(id);
    let (_, back) = h.handle(Input::CustomerResume {
        conn: 51,
        session_id: id,
        customer_token: "token-1".to_owned(),
    });
    assert_customer_hears_no_note(&back);
    let (_, left) = h.customer(id, CustomerRequest::Leave);
    assert_customer_hears_no_note(&left);
    assert_eq!(
        notes(&h.session(id).chat),
        [
            "Alice Martin accepted the session.",
            "The customer lost the connection.",
            "The customer is back.",
            "The customer left the session.",
        ]
    );
}

/// A customer whose connection comes and goes forever cannot grow the chat past its cap.
#[test]
fn notes_stop_at_the_chat_cap() {
    let mut config = (*config()).clone();
    config.limits.max_messages_per_session = 5;
    let mut h = Harness::new();
    h.router = Router::new(Arc::new(config), 7);
    h.connect("alice");
    let id = h.owned("alice", "Zoe", Route::General);
    for conn in 100..200 {
        h.customer_drops(id);
        let _ = h.handle(Input::CustomerResume {
            conn,
            session_id: id,
            customer_token: "token-1".to_owned(),
        });
    }
    assert_eq!(h.session(id).chat.len(), 5);
}
