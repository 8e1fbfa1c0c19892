//! Restoring the router from what it asked the store to keep.

use super::support::*;
use switchboard_protocol::{OkResult, QueueReason, RepRequest, Route};

/// The reps connected in the restore scenario (sales members stay away so no push offer
/// makes the snapshots differ by its time).
const ONLINE: [&str; 5] = ["alice", "bob", "carol", "gina", "ivan"];

/// Every `Persist` effect, applied to an in-memory store, is enough to rebuild the router:
/// queues, sessions, chat (rep-only included), invitations (a declined team invitation
/// included) and team chat come back as they were, and ids go on from where they were.
#[test]
fn restore_rebuilds_queues_sessions_chat_and_invitations() {
    let mut h = Harness::with_reps(&ONLINE);
    // Waiting sessions in several queues, one moved by a waiting rule, one left in queue.
    let general = h.start("Gen", Route::General);
    let moved = h.start("Moved", Route::Rep { rep: rep("carol") });
    h.advance(PERSONAL_RULE_SECS);
    h.tick();
    let sales = h.start(
        "Sales",
        Route::Team {
            team: team("sales"),
        },
    );
    let browser = h.start(
        "Browser",
        Route::HelpLink {
            rep: None,
            team: Some(team("leads")),
        },
    );
    let left = h.owned(
        "bob",
        "Left",
        Route::Issue {
            issue: issue("refund"),
        },
    );
    h.customer_chat(left, "c1", "hello");
    h.ok("bob", req::important(left, true));
    h.ok("bob", req::leave_in_queue(left));
    // A shared session with chat of both kinds and invitations.
    let shared = h.owned("alice", "Shared", Route::General);
    h.customer_chat(shared, "c1", "Help me");
    h.chat("alice", req::chat(shared, "a1", "Sure"));
    h.chat("alice", req::rep_chat(shared, "a2", "Reps only"));
    let (bob_inv, _) = h.invite("alice", req::invite_rep(shared, "bob"));
    h.ok("bob", req::accept_inv(bob_inv));
    let (tech_inv, _) = h.invite("alice", req::invite_team(shared, "tech"));
    h.ok("carol", req::decline_inv(tech_inv));
    let (gina_inv, _) = h.invite("alice", req::invite_rep(shared, "gina"));
    h.ok("bob", req::disposition(shared, "Escalated"));
    // A session transferred with its owner staying.
    let transferred = h.owned("alice", "Transferred", Route::General);
    h.ok("alice", req::transfer_team(transferred, "tech", true));
    // An ended session (must not come back), team chat, a session key.
    let ended = h.owned("ivan", "Ended", Route::General);
    h.ok("ivan", req::disposition(ended, "Resolved"));
    h.ok("ivan", req::end(ended));
    h.ok("alice", req::team_chat("billing", "t1", "Busy day"));
    h.ok("gina", req::team_chat("leads", "t1", "Quiet here"));
    let key = match h.ok("carol", RepRequest::GenerateSessionKey).0 {
        Some(OkResult::SessionKey { key, .. }) => key,
        other => panic!("{other:?}"),
    };
    // Customers' connections go with the old process.
    for id in [general, moved, sales, browser, left, shared, transferred] {
        h.customer_drops(id);
    }
    h.advance(1);
    let before = h.all_snaps();

    h.restart();
    for who in ONLINE {
        h.connect(who);
    }
    let after = h.all_snaps();
    for who in REPS {
        assert_eq!(after[&rep(who)], before[&rep(who)], "snapshot of {who}");
    }
    // Spot checks on what came back.
    assert!(!h.is_live(ended));
    assert!(h.has_invitation(tech_inv) && h.has_invitation(gina_inv));
    assert!(!h.has_invitation(bob_inv));
    assert!(
        h.router.invitations[&tech_inv]
            .declined_by
            .contains(&rep("carol"))
    );
    assert_eq!(
        h.session(moved).history.last().map(|hop| hop.reason),
        Some(QueueReason::WaitingRule)
    );
    assert_eq!(spoken(&h.session(shared).chat).len(), 3);

    // Ids go on: the key still works once, new sessions, messages and invitations get
    // fresh ids.
    let next = h.start("After", Route::SessionKey { key: key.clone() });
    assert!(next.0 > ended.0);
    assert_eq!(
        h.session(next).waiting.as_ref().map(|w| w.queue.clone()),
        Some(personal("carol"))
    );
    let (message, _) = h.chat("alice", req::chat(shared, "a3", "Back again"));
    let max_before = h.session(shared).chat[..3]
        .iter()
        .map(|m| m.id)
        .max()
        .unwrap();
    assert!(message.id > max_before);
    let (inv, _) = h.invite("alice", req::invite_rep(shared, "ivan"));
    assert!(inv.0 > gina_inv.0);
}

/// After a restart, reps who do not come back within the grace period lose their sessions
/// like any lost connection: owned ones return to their queue, their invitations go.
#[test]
fn restored_owners_get_the_grace_period() {
    let mut h = Harness::with_reps(&["alice", "bob", "gina"]);
    let shared = h.owned("alice", "Shared", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(shared, "gina"));
    let bobs = h.owned(
        "bob",
        "Bob's",
        Route::Team {
            team: team("billing"),
        },
    );
    h.restart();
    h.connect("bob");
    h.advance(GRACE_SECS);
    h.tick();
    assert_eq!(h.session(shared).owner, None);
    assert_eq!(
        h.session(shared).waiting.as_ref().map(|w| w.queue.clone()),
        Some(switchboard_protocol::QueueRef::General)
    );
    assert_eq!(
        h.session(shared).history.last().map(|hop| hop.reason),
        Some(QueueReason::ConnectionLost)
    );
    assert!(!h.has_invitation(inv));
    assert_eq!(h.session(bobs).owner, Some(rep("bob")));
}
