//! Seed 000: waiting-session rules move sessions on; a lost connection returns a rep's
//! sessions to their queues after the grace period.

use super::support::*;
use crate::router::effects::{Effect, StoreOp};
use switchboard_protocol::{LeftReason, QueueReason, QueueRef, RepEvent, Route, SessionId};

fn waiting_in(h: &Harness, id: SessionId) -> Option<QueueRef> {
    h.session(id).waiting.as_ref().map(|w| w.queue.clone())
}

/// Seed 000: waiting-session rules move a session after N seconds: personal → the rep's
/// first team → general, each hop with reason WaitingRule, announced to the viewers.
#[test]
fn waiting_rules_move_sessions_on() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.start("Zoe", Route::Rep { rep: rep("alice") });
    h.advance(PERSONAL_RULE_SECS - 1);
    h.tick();
    assert_eq!(waiting_in(&h, id), Some(personal("alice")));
    h.advance(1);
    let effects = h.tick();
    assert_eq!(
        waiting_in(&h, id),
        Some(team_q("billing")),
        "alice's first team"
    );
    assert_eq!(
        removed_to(&effects, &session_entry_id(id)),
        names(&["alice"])
    );
    assert_eq!(
        upserted_to(&effects, &session_entry_id(id)),
        names(&["alice", "bob"])
    );
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutSession(s) if s.id == id))
    );
    let hop = h.session(id).history.last().unwrap().clone();
    assert_eq!(hop.queue, team_q("billing"));
    assert_eq!(hop.reason, QueueReason::WaitingRule);
    assert_eq!(hop.at, h.now);
    assert_eq!(hop.by, None);
    let entered = h.now;
    h.advance(BILLING_RULE_SECS - 1);
    h.tick();
    assert_eq!(waiting_in(&h, id), Some(team_q("billing")));
    h.advance(1);
    h.tick();
    assert_eq!(waiting_in(&h, id), Some(QueueRef::General));
    let history = &h.session(id).history;
    let reasons: Vec<QueueReason> = history.iter().map(|hop| hop.reason).collect();
    assert_eq!(
        reasons,
        vec![
            QueueReason::Started,
            QueueReason::WaitingRule,
            QueueReason::WaitingRule
        ]
    );
    assert_eq!(history[2].at, entered + BILLING_RULE_SECS * 1000);
    // The general queue has no rule: it stays.
    h.advance(24 * 3600);
    h.tick();
    assert_eq!(waiting_in(&h, id), Some(QueueRef::General));
    assert_eq!(h.snap("bob").queues.last().unwrap().entries.len(), 1);
}

/// Seed 000: a rep's first team is the one the rule moves to; a rep without teams sends
/// the session to general; team queues without a rule keep their sessions.
#[test]
fn waiting_rules_follow_the_reps_teams() {
    let mut h = Harness::new();
    let carols = h.start("C", Route::Rep { rep: rep("carol") });
    let ivans = h.start("I", Route::Rep { rep: rep("ivan") });
    let daves = h.start("D", Route::Rep { rep: rep("dave") });
    let tech = h.start("T", Route::Team { team: team("tech") });
    h.advance(PERSONAL_RULE_SECS);
    h.tick();
    assert_eq!(waiting_in(&h, carols), Some(team_q("tech")));
    assert_eq!(waiting_in(&h, ivans), Some(QueueRef::General));
    assert_eq!(waiting_in(&h, daves), Some(team_q("tech")));
    h.advance(10 * BILLING_RULE_SECS);
    h.tick();
    assert_eq!(waiting_in(&h, tech), Some(team_q("tech")));
    assert_eq!(waiting_in(&h, carols), Some(team_q("tech")));
}

/// A session owned by a rep is not moved by waiting rules (they apply to waiting ones).
#[test]
fn waiting_rules_leave_owned_sessions_alone() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.owned("alice", "Zoe", Route::Rep { rep: rep("alice") });
    h.advance(10 * PERSONAL_RULE_SECS);
    h.tick();
    assert_eq!(h.session(id).owner, Some(rep("alice")));
    assert_eq!(h.session(id).waiting, None);
}

/// Seed 000: a rep whose connection drops and who is back within the grace period keeps
/// everything: nothing changes for their sessions.
#[test]
fn back_within_grace_changes_nothing() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    let sessions_before = h.snap("alice").sessions;
    h.disconnect("alice");
    h.advance(GRACE_SECS - 1);
    h.tick();
    h.connect("alice");
    h.advance(10 * GRACE_SECS);
    let effects = h.tick();
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ToRep(_, RepEvent::SessionLeft { .. }))),
        "nobody leaves: {effects:?}"
    );
    assert_eq!(h.snap("alice").sessions, sessions_before);
    assert_eq!(h.session(id).owner, Some(rep("alice")));
    assert!(h.has_invitation(inv));
}

/// Seed 000: a rep not back within the grace period loses their sessions: owned sessions
/// return to their (home) queue with reason ConnectionLost and their invitations
/// disappear; sessions they took part in are left.
#[test]
fn not_back_within_grace_returns_sessions_to_their_queues() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let owned = h.owned(
        "alice",
        "Zoe",
        Route::Issue {
            issue: issue("refund"),
        },
    );
    let (inv, _) = h.invite("alice", req::invite_team(owned, "tech"));
    let shared = h.owned("bob", "Yan", Route::General);
    let (to_alice, _) = h.invite("bob", req::invite_rep(shared, "alice"));
    h.ok("alice", req::accept_inv(to_alice));
    h.disconnect("alice");
    h.advance_ms(GRACE_SECS * 1000 - 1);
    let effects = h.tick();
    assert!(effects.is_empty(), "still within grace: {effects:?}");
    h.advance_ms(1);
    let effects = h.tick();

    // The owned session waits in its home queue again.
    let session = h.session(owned);
    assert_eq!(session.owner, None);
    assert!(session.participants.is_empty());
    assert_eq!(waiting_in(&h, owned), Some(team_q("billing")));
    let hop = session.history.last().unwrap();
    assert_eq!(hop.reason, QueueReason::ConnectionLost);
    assert_eq!(hop.by, Some(rep("alice")));
    assert_eq!(
        upserted_to(&effects, &session_entry_id(owned)),
        names(&["alice", "bob"])
    );
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e,
        RepEvent::SessionLeft { session_id, reason: LeftReason::ConnectionLost } if *session_id == owned
    )));
    // Its invitation is gone.
    assert!(!h.has_invitation(inv));
    assert!(removed_to(&effects, &invitation_entry_id(inv)).contains("carol"));
    // The shared session goes on without alice.
    assert_eq!(h.session(shared).owner, Some(rep("bob")));
    assert_eq!(h.session(shared).participants, vec![rep("bob")]);
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e,
        RepEvent::SessionLeft { session_id, reason: LeftReason::ConnectionLost } if *session_id == shared
    )));
    // Coming back later: no sessions, the old one can be accepted again from the queue.
    h.connect("alice");
    assert!(h.snap("alice").sessions.is_empty());
    h.accept("bob", owned);
}

/// After a transfer, the home queue is where the session was sent: a lost connection
/// returns it there.
#[test]
fn lost_connection_returns_to_the_home_queue() {
    let mut h = Harness::with_reps(&["alice", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    h.ok("alice", req::transfer_team(id, "tech", false));
    h.accept("carol", id);
    h.disconnect("carol");
    h.advance(GRACE_SECS);
    h.tick();
    assert_eq!(waiting_in(&h, id), Some(team_q("tech")));
}
