//! Seed 003 and 002: chatting in a session with the customer and with the other reps.

use super::support::*;
use crate::router::Input;
use crate::router::effects::{Effect, StoreOp};
use switchboard_protocol::{
    Author, CustomerRequest, CustomerServerMessage, ErrorCode, RepEvent, Route, SessionId,
    Visibility,
};

/// A session owned by alice with bob joined through an invitation.
fn shared_session(h: &mut Harness) -> SessionId {
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    id
}

fn chat_events_for(effects: &[Effect], who: &str) -> Vec<switchboard_protocol::ChatMessage> {
    events_for(effects, who)
        .into_iter()
        .filter_map(|e| match e {
            RepEvent::Chat { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// Seed 003: chat messages get increasing server ids and the time they were sent, reach
/// every rep in the session and (public ones) the customer, and are persisted.
#[test]
fn chat_messages_get_ids_and_timestamps() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared_session(&mut h);
    h.advance(3);
    let (first, effects) = h.chat("alice", req::chat(id, "a1", "  Hello Zoe  "));
    assert_eq!(first.text, "Hello Zoe", "text is trimmed");
    assert_eq!(first.at, h.now);
    assert_eq!(first.session_id, id);
    assert_eq!(first.visibility, Visibility::Public);
    assert_eq!(first.client_msg_id.as_deref(), Some("a1"));
    assert!(
        matches!(&first.author, Author::Rep { rep: r, name } if *r == rep("alice") && name == "Alice Martin")
    );
    assert_eq!(chat_events_for(&effects, "alice"), vec![first.clone()]);
    assert_eq!(chat_events_for(&effects, "bob"), vec![first.clone()]);
    assert!(
        to_customer(&effects, id)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::Chat { message } if *message == first))
    );
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutChat(m) if *m == first))
    );
    h.advance(2);
    let reply = h.customer_chat(id, "c1", "Hi!");
    assert!(reply.id > first.id);
    assert_eq!(reply.at, h.now);
    let (third, _) = h.chat("bob", req::chat(id, "b1", "Bob here"));
    assert!(third.id > reply.id);
}

/// Seed 003: a rep-only message (Visibility::Reps) reaches every rep in the session and is
/// never sent to the customer, not live and not when the customer resumes.
#[test]
fn rep_only_messages_never_reach_the_customer() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared_session(&mut h);
    let (secret, effects) = h.chat("alice", req::rep_chat(id, "s1", "Between us"));
    assert_eq!(secret.visibility, Visibility::Reps);
    assert_eq!(chat_events_for(&effects, "alice"), vec![secret.clone()]);
    assert_eq!(chat_events_for(&effects, "bob"), vec![secret.clone()]);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ToCustomer(..) | Effect::ToCustomerConn(..))),
        "the customer hears nothing of a rep-only message: {effects:?}"
    );
    let (public, _) = h.chat("alice", req::chat(id, "p1", "For Zoe"));

    // The customer reconnects: the chat they get back has the public message only.
    h.customer_drops(id);
    let (reply, effects) = h.handle(Input::CustomerResume {
        conn: 77,
        session_id: id,
        customer_token: "token-1".to_owned(),
    });
    assert_eq!(reply, Ok(None));
    let chat = effects
        .iter()
        .find_map(|e| match e {
            Effect::ToCustomerConn(77, CustomerServerMessage::SessionStarted { chat, .. }) => {
                Some(chat.clone())
            }
            _ => None,
        })
        .expect("the resumed customer gets the session");
    assert_eq!(chat, vec![public]);
}

/// A retried send with the same client_msg_id is not duplicated: the same message comes
/// back and nothing else happens.
#[test]
fn retried_chat_is_not_duplicated() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared_session(&mut h);
    let (first, _) = h.chat("alice", req::chat(id, "m-1", "Once"));
    h.advance(1);
    let before = h.all_snaps();
    let (reply, effects) = h.request("alice", req::chat(id, "m-1", "Once"));
    assert_eq!(
        reply,
        Ok(Some(switchboard_protocol::OkResult::Chat {
            message: first.clone()
        }))
    );
    assert!(effects.is_empty(), "a retry has no effects: {effects:?}");
    assert_eq!(h.all_snaps(), before);
    // Another rep's id space is their own.
    let (bobs, _) = h.chat("bob", req::chat(id, "m-1", "Mine"));
    assert_ne!(bobs.id, first.id);
    // The customer's retries too.
    let c = h.customer_chat(id, "m-1", "Customer once");
    let (reply, effects) = h.customer(
        id,
        CustomerRequest::Chat {
            client_msg_id: "m-1".to_owned(),
            text: "Customer once".to_owned(),
        },
    );
    assert_eq!(
        reply,
        Ok(Some(switchboard_protocol::OkResult::Chat { message: c }))
    );
    assert!(effects.is_empty());
    let chat = spoken(&h.session(id).chat);
    assert_eq!(chat.len(), 3);
}

/// Seed 002: a rep joining later sees the entire chat history, rep-only messages included.
#[test]
fn late_joiner_gets_entire_history() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let m1 = h.customer_chat(id, "c1", "My printer");
    let (m2, _) = h.chat("alice", req::chat(id, "a1", "Let me look"));
    let (m3, _) = h.chat("alice", req::rep_chat(id, "a2", "Note: VIP"));
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    let (_, effects) = h.ok("bob", req::accept_inv(inv));
    let view = events_for(&effects, "bob")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionJoined { view } => Some(view.clone()),
            _ => None,
        })
        .expect("bob joins");
    assert_eq!(spoken(&view.chat), vec![m1, m2, m3]);
    assert_eq!(
        notes(&view.chat),
        [
            "Alice Martin accepted the session.",
            "Alice Martin invited Bob Okafor."
        ]
    );
    assert_eq!(view.session.owner, Some(rep("alice")));
    assert_eq!(view.session.participants, vec![rep("alice"), rep("bob")]);
    // Bob's own arrival is noted after the view, as a chat event; the snapshot has it all.
    let snap_chat = &h.snap("bob").sessions[0].chat;
    assert_eq!(spoken(snap_chat), spoken(&view.chat));
    assert_eq!(
        notes(snap_chat).last().map(String::as_str),
        Some("Bob Okafor joined the session.")
    );
}

/// Chat text must be 1..=4000 characters after trimming and client ids 1..=100 characters
/// (invalid otherwise); only reps in the session may chat.
#[test]
fn invalid_chat_is_refused() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    h.refused("alice", req::chat(id, "x", ""), ErrorCode::Invalid);
    h.refused("alice", req::chat(id, "x", "  \n "), ErrorCode::Invalid);
    h.refused(
        "alice",
        req::chat(id, "x", &"a".repeat(4001)),
        ErrorCode::Invalid,
    );
    h.refused("alice", req::chat(id, "", "hi"), ErrorCode::Invalid);
    h.refused(
        "alice",
        req::chat(id, &"c".repeat(101), "hi"),
        ErrorCode::Invalid,
    );
    h.refused("bob", req::chat(id, "x", "hi"), ErrorCode::NotInSession);
    h.refused(
        "alice",
        req::chat(SessionId(99), "x", "hi"),
        ErrorCode::NotFound,
    );
    h.chat("alice", req::chat(id, "ok", &"a".repeat(4000)));
    // The customer's texts follow the same rules.
    h.refused_input(
        Input::Customer {
            session_id: id,
            request: CustomerRequest::Chat {
                client_msg_id: "c".to_owned(),
                text: " ".to_owned(),
            },
        },
        ErrorCode::Invalid,
    );
    // An ended session: session_ended.
    h.ok("alice", req::disposition(id, "Resolved"));
    h.ok("alice", req::end(id));
    h.refused("alice", req::chat(id, "y", "hi"), ErrorCode::SessionEnded);
    assert!(!h.is_live(id));
}

/// PROTOCOL.md §9: the customer's own message comes back in its `ok` (with its server id)
/// and is not echoed as a `chat`.
#[test]
fn customer_gets_their_own_message_in_the_ok_only() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (reply, effects) = h.customer(
        id,
        CustomerRequest::Chat {
            client_msg_id: "c1".to_owned(),
            text: "Hello".to_owned(),
        },
    );
    let Ok(Some(switchboard_protocol::OkResult::Chat { message })) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(message.text, "Hello");
    assert!(
        !to_customer(&effects, id)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::Chat { .. })),
        "no echo of the customer's own message"
    );
}
