//! Seed 003: managing a session as a whole — transfer, remove a rep, disconnect the
//! customer, leave, close (end or leave in queue).

use super::support::*;
use crate::router::Input;
use crate::router::effects::{CustomerRead, Effect, StoreOp};
use switchboard_protocol::{
    CustomerRequest, CustomerServerMessage, ErrorCode, LeftReason, QueueReason, QueueRef, RepEvent,
    Route, SessionId,
};

fn left_reason(effects: &[Effect], who: &str, id: SessionId) -> Option<LeftReason> {
    events_for(effects, who).into_iter().find_map(|e| match e {
        RepEvent::SessionLeft { session_id, reason } if *session_id == id => Some(*reason),
        _ => None,
    })
}

fn waiting_in(h: &Harness, id: SessionId) -> Option<QueueRef> {
    h.session(id).waiting.as_ref().map(|w| w.queue.clone())
}

/// Seed 003: transferring to a rep puts the session in that rep's personal queue (hop
/// reason Transfer, by the owner); without staying, the old owner leaves (Transferred).
#[test]
fn transfer_to_a_rep_waits_in_their_personal_queue() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    h.advance(20);
    let (_, effects) = h.ok("alice", req::transfer_rep(id, "carol", false));
    assert_eq!(
        left_reason(&effects, "alice", id),
        Some(LeftReason::Transferred)
    );
    assert_eq!(
        upserted_to(&effects, &session_entry_id(id)),
        names(&["carol"])
    );
    assert!(
        to_customer(&effects, id).iter().any(
            |m| matches!(m, CustomerServerMessage::RepLeft { name } if name == "Alice Martin")
        )
    );
    let session = h.session(id);
    assert_eq!(session.owner, None);
    assert!(session.participants.is_empty());
    assert_eq!(waiting_in(&h, id), Some(personal("carol")));
    let hop = session.history.last().unwrap();
    assert_eq!(hop.queue, personal("carol"));
    assert_eq!(hop.reason, QueueReason::Transfer);
    assert_eq!(hop.by, Some(rep("alice")));
    assert_eq!(hop.at, T0 + 20_000);
    assert!(h.snap("alice").sessions.is_empty());
    h.refused("bob", req::accept(id), ErrorCode::Forbidden);
    h.accept("carol", id);
    assert_eq!(h.session(id).owner, Some(rep("carol")));
}

/// Seed 003: transferring to a team puts the session in the team's queue for its members.
#[test]
fn transfer_to_a_team_waits_in_the_team_queue() {
    let mut h = Harness::with_reps(&["alice", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (_, effects) = h.ok("alice", req::transfer_team(id, "tech", false));
    assert_eq!(
        upserted_to(&effects, &session_entry_id(id)),
        names(&["alice", "carol", "dave"])
    );
    assert_eq!(waiting_in(&h, id), Some(team_q("tech")));
    let entry = entries(&h.snap("carol"), &team_q("tech"))[0].clone();
    assert_eq!(entry.history.last().unwrap().reason, QueueReason::Transfer);
    h.refused(
        "alice",
        req::transfer_team(id, "nope", false),
        ErrorCode::NotInSession,
    );
    let other = h.owned("alice", "Yan", Route::General);
    h.refused(
        "alice",
        req::transfer_team(other, "nope", false),
        ErrorCode::NotFound,
    );
    h.refused(
        "alice",
        req::transfer_rep(other, "nobody", false),
        ErrorCode::NotFound,
    );
    h.refused(
        "alice",
        req::transfer_rep(other, "alice", false),
        ErrorCode::Invalid,
    );
}

/// Seed 003: with stay, the old owner remains a participant ("Remain as a participant")
/// and is no longer owner: while the session waits transfer, invite and remove answer
/// not_active, once someone accepted it not_owner.
#[test]
fn transfer_with_stay_keeps_a_participant_without_ownership() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    let (_, effects) = h.ok("alice", req::transfer_team(id, "tech", true));
    assert_eq!(left_reason(&effects, "alice", id), None);
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e,
        RepEvent::SessionUpdated { session } if session.owner.is_none() && session.waiting_in == Some(team_q("tech"))
    )));
    assert_eq!(h.session(id).owner, None);
    assert_eq!(h.session(id).participants, vec![rep("alice"), rep("bob")]);
    // While it waits, alice still chats in it.
    h.chat(
        "alice",
        req::chat(id, "a1", "Someone from tech will take over"),
    );
    // Nobody owns it while it waits: owner-only requests are not_active for her.
    h.refused(
        "alice",
        req::transfer_team(id, "billing", true),
        ErrorCode::NotActive,
    );
    h.refused("alice", req::invite_rep(id, "dave"), ErrorCode::NotActive);
    h.refused("alice", req::remove(id, "bob"), ErrorCode::NotActive);
    h.refused("alice", req::leave_in_queue(id), ErrorCode::NotActive);
    h.refused(
        "bob",
        switchboard_protocol::RepRequest::DisconnectCustomer { session_id: id },
        ErrorCode::NotActive,
    );
    h.refused(
        "carol",
        req::invite_rep(id, "dave"),
        ErrorCode::NotInSession,
    );
    h.accept("carol", id);
    assert_eq!(h.session(id).owner, Some(rep("carol")));
    assert_eq!(
        h.session(id).participants,
        vec![rep("alice"), rep("bob"), rep("carol")]
    );
    h.refused(
        "alice",
        req::transfer_team(id, "billing", false),
        ErrorCode::NotOwner,
    );
    h.refused("alice", req::invite_rep(id, "dave"), ErrorCode::NotOwner);
    h.refused("alice", req::remove(id, "bob"), ErrorCode::NotOwner);
    h.refused("alice", req::end(id), ErrorCode::NotOwner);
    let (_, effects) = h.ok("alice", req::leave(id));
    assert_eq!(left_reason(&effects, "alice", id), Some(LeftReason::Left));
}

/// Seed 003: a rep without the transfer permission may not transfer (forbidden).
#[test]
fn transfer_needs_permission() {
    let mut h = Harness::with_reps(&["carol", "alice"]);
    let id = h.owned("carol", "Zoe", Route::Team { team: team("tech") });
    h.refused(
        "carol",
        req::transfer_team(id, "billing", false),
        ErrorCode::Forbidden,
    );
    h.refused(
        "carol",
        req::transfer_rep(id, "alice", true),
        ErrorCode::Forbidden,
    );
}

/// Seed 003: the owner can remove another rep from the session (Removed); nobody else can.
#[test]
fn owner_removes_a_rep() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.refused("bob", req::remove(id, "alice"), ErrorCode::NotOwner);
    h.refused("carol", req::remove(id, "bob"), ErrorCode::NotInSession);
    h.refused("alice", req::remove(id, "alice"), ErrorCode::Invalid);
    h.refused("alice", req::remove(id, "carol"), ErrorCode::NotInSession);
    let (_, effects) = h.ok("alice", req::remove(id, "bob"));
    assert_eq!(left_reason(&effects, "bob", id), Some(LeftReason::Removed));
    assert!(
        to_customer(&effects, id)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::RepLeft { name } if name == "Bob Okafor"))
    );
    assert_eq!(h.session(id).participants, vec![rep("alice")]);
    assert!(h.snap("bob").sessions.is_empty());
    h.refused(
        "bob",
        req::chat(id, "b", "still here?"),
        ErrorCode::NotInSession,
    );
}

/// Seed 003: the owner can disconnect the customer and remain in the session: the customer
/// is told and their connection closed, the session stays open for the reps, and the
/// customer cannot come back.
#[test]
fn owner_disconnects_the_customer() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.refused(
        "bob",
        switchboard_protocol::RepRequest::DisconnectCustomer { session_id: id },
        ErrorCode::NotOwner,
    );
    let (_, effects) = h.ok(
        "alice",
        switchboard_protocol::RepRequest::DisconnectCustomer { session_id: id },
    );
    let to_zoe = to_customer(&effects, id);
    assert!(
        to_zoe
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::Disconnected { .. }))
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CloseCustomer(s) if *s == id))
    );
    let pos_disc = effects.iter().position(|e| {
        matches!(
            e,
            Effect::ToCustomer(_, CustomerServerMessage::Disconnected { .. })
        )
    });
    let pos_close = effects
        .iter()
        .position(|e| matches!(e, Effect::CloseCustomer(_)));
    assert!(pos_disc < pos_close, "told before the connection closes");
    // Still open for the reps.
    assert!(h.is_live(id));
    let view = &h.snap("alice").sessions[0];
    assert!(!view.session.customer_connected);
    assert_eq!(view.session.owner, Some(rep("alice")));
    let (_, effects) = h.chat("bob", req::chat(id, "b1", "gone?"));
    assert!(to_customer(&effects, id).is_empty());
    // The customer may not resume (the session is over for them) nor chat.
    let (reply, effects) = h.handle(Input::CustomerResume {
        conn: 50,
        session_id: id,
        customer_token: "token-1".to_owned(),
    });
    assert_eq!(reply, Ok(None));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::ToCustomerConn(
                50,
                CustomerServerMessage::SessionStarted { ended: true, .. }
            )
        )),
        "{effects:?}"
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::BindCustomer(..))),
        "not bound again: {effects:?}"
    );
    h.refused_input(
        Input::Customer {
            session_id: id,
            request: CustomerRequest::Chat {
                client_msg_id: "c".to_owned(),
                text: "let me in".to_owned(),
            },
        },
        ErrorCode::SessionEnded,
    );
    h.refused(
        "alice",
        switchboard_protocol::RepRequest::DisconnectCustomer { session_id: id },
        ErrorCode::Invalid,
    );
    // The owner still ends it normally.
    h.ok("alice", req::disposition(id, "Resolved"));
    h.ok("alice", req::end(id));
}

/// A customer resumes only with their own token.
#[test]
fn customer_resume_needs_the_token() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.owned("alice", "Zoe", Route::General);
    h.customer_drops(id);
    h.refused_input(
        Input::CustomerResume {
            conn: 9,
            session_id: id,
            customer_token: "someone-else".to_owned(),
        },
        ErrorCode::Unauthorized,
    );
    let (reply, _) = h.handle(Input::CustomerResume {
        conn: 9,
        session_id: id,
        customer_token: "token-1".to_owned(),
    });
    assert_eq!(reply, Ok(None));
    assert!(h.session(id).customer_connected);
}

/// Seed 003: a participant may leave (Left); the owner must close instead (owner_must_close).
#[test]
fn participants_leave_owners_close() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.refused("alice", req::leave(id), ErrorCode::OwnerMustClose);
    h.refused("carol", req::leave(id), ErrorCode::NotInSession);
    let (_, effects) = h.ok("bob", req::leave(id));
    assert_eq!(left_reason(&effects, "bob", id), Some(LeftReason::Left));
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e,
        RepEvent::SessionUpdated { session } if session.participants == vec![rep("alice")]
    )));
    assert_eq!(h.session(id).participants, vec![rep("alice")]);
}

/// Seed 003: ending a session requires a disposition (disposition_required); with one set
/// it ends for everyone: the customer gets SessionEnded and is disconnected, every rep
/// leaves (Ended), the record is stored as ended.
#[test]
fn ending_needs_a_disposition() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.refused("alice", req::end(id), ErrorCode::DispositionRequired);
    h.refused("bob", req::end(id), ErrorCode::NotOwner);
    h.ok("bob", req::disposition(id, "Escalated"));
    assert_eq!(h.session(id).disposition.as_deref(), Some("Escalated"));
    let (_, effects) = h.ok("alice", req::end(id));
    assert_eq!(left_reason(&effects, "alice", id), Some(LeftReason::Ended));
    assert_eq!(left_reason(&effects, "bob", id), Some(LeftReason::Ended));
    assert!(
        to_customer(&effects, id)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::SessionEnded { .. }))
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CloseCustomer(s) if *s == id))
    );
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutSession(s) if s.id == id && s.ended_at.is_some()))
    );
    assert!(!h.is_live(id));
    assert!(h.snap("alice").sessions.is_empty());
    assert!(h.snap("bob").sessions.is_empty());
    h.refused("alice", req::accept(id), ErrorCode::SessionEnded);
    // Not live any more: the router cannot tell it from an unknown id, so it asks the
    // store (which answers `session_started` with `ended: true`), and changes nothing.
    let (reply, effects) = h.handle(Input::CustomerResume {
        conn: 3,
        session_id: id,
        customer_token: "token-1".to_owned(),
    });
    assert_eq!(reply, Ok(None));
    assert_eq!(
        effects,
        vec![Effect::ReadForCustomer(CustomerRead::EndedSession {
            session_id: id,
            customer_token: "token-1".to_owned(),
        })]
    );
}

/// Seed 003: leaving a session in queue puts it back in its queue with its history
/// (reason LeftInQueue) and its chat; the owner leaves (LeftInQueue).
#[test]
fn leave_in_queue_returns_the_session_with_history_and_chat() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned(
        "bob",
        "Zoe",
        Route::Issue {
            issue: issue("refund"),
        },
    );
    let m1 = h.customer_chat(id, "c1", "My refund");
    let (m2, _) = h.chat("bob", req::rep_chat(id, "b1", "Check the invoice first"));
    h.advance(60);
    let (_, effects) = h.ok("bob", req::leave_in_queue(id));
    assert_eq!(
        left_reason(&effects, "bob", id),
        Some(LeftReason::LeftInQueue)
    );
    assert_eq!(
        upserted_to(&effects, &session_entry_id(id)),
        names(&["alice", "bob"])
    );
    assert_eq!(waiting_in(&h, id), Some(team_q("billing")));
    let entry = entries(&h.snap("alice"), &team_q("billing"))[0].clone();
    let reasons: Vec<QueueReason> = entry.history.iter().map(|hop| hop.reason).collect();
    assert_eq!(
        reasons,
        vec![QueueReason::Started, QueueReason::LeftInQueue]
    );
    assert_eq!(entry.history[1].by, Some(rep("bob")));
    assert_eq!(entry.entered_queue_at, T0 + 60_000);
    assert_eq!(entry.issue, Some(issue("refund")));
    let effects = h.accept("alice", id);
    let view = events_for(&effects, "alice")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionJoined { view } => Some(view.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(spoken(&view.chat), vec![m1, m2]);
}

/// A customer leaving a waiting session ends it; leaving a session with reps in it keeps
/// it open for them.
#[test]
fn customer_leaving() {
    let mut h = Harness::with_reps(&["alice"]);
    let waiting = h.start("Zoe", Route::General);
    let (_, effects) = h.customer(waiting, CustomerRequest::Leave);
    assert_eq!(
        removed_to(&effects, &session_entry_id(waiting)),
        names(&["alice", "bob", "frank", "ivan"])
    );
    assert!(!h.is_live(waiting));
    let owned = h.owned("alice", "Yan", Route::General);
    let (reply, _) = h.customer(owned, CustomerRequest::Leave);
    assert_eq!(reply, Ok(None));
    assert!(h.is_live(owned));
    assert!(h.session(owned).customer_gone);
}

/// PROTOCOL.md §7 transfers: the customer is told their place in the queue again while the
/// transferred session waits; waiting customers learn their new place as the queue moves.
#[test]
fn waiting_customers_are_told_their_place() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let first = h.start("First", Route::General);
    let second = h.start("Second", Route::General);
    h.accept("alice", first);
    let effects = h.tick();
    assert!(
        to_customer(&effects, second)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::QueueStatus { position: 1, .. })),
        "second moved up to first place: {effects:?}"
    );
    let effects = h.tick();
    assert!(
        to_customer(&effects, second).is_empty(),
        "told only on changes"
    );
    h.ok("alice", req::transfer_rep(first, "bob", false));
    let effects = h.tick();
    assert!(
        to_customer(&effects, first)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::QueueStatus { position: 1, .. })),
        "the transferred customer waits again: {effects:?}"
    );
}
