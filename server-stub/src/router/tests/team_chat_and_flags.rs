//! Seed 000: team chat; seed 003: the important flag and the disposition of a session.

use super::support::*;
use crate::router::effects::{Effect, StoreOp};
use switchboard_protocol::{ErrorCode, OkResult, RepEvent, Route, TeamChatMessage};

fn team_chat(
    h: &mut Harness,
    who: &str,
    which: &str,
    cid: &str,
    text: &str,
) -> (TeamChatMessage, Vec<Effect>) {
    match h.ok(who, req::team_chat(which, cid, text)) {
        (Some(OkResult::TeamChat { message }), effects) => (message, effects),
        other => panic!("team chat: {other:?}"),
    }
}

/// Seed 000: a team chat message reaches the team's members only, is stored and kept
/// (the snapshot's team_chat of members has it).
#[test]
fn team_chat_reaches_the_members_and_is_kept() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    h.advance(7);
    let (message, effects) = team_chat(&mut h, "bob", "billing", "t1", "  Lunch?  ");
    assert_eq!(message.text, "Lunch?");
    assert_eq!(message.team, team("billing"));
    assert_eq!(message.author, rep("bob"));
    assert_eq!(message.author_name, "Bob Okafor");
    assert_eq!(message.at, h.now);
    assert_eq!(
        reps_told(&effects, |e| matches!(e, RepEvent::TeamChat { .. })),
        names(&["alice", "bob"])
    );
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutTeamChat(m) if *m == message))
    );
    assert_eq!(h.snap("alice").team_chat, vec![message.clone()]);
    assert_eq!(h.snap("bob").team_chat, vec![message.clone()]);
    assert!(h.snap("carol").team_chat.is_empty());
    let (tech, _) = team_chat(&mut h, "alice", "tech", "t1", "Deploy at 5");
    assert_eq!(h.snap("alice").team_chat, vec![message, tech.clone()]);
    assert_eq!(h.snap("carol").team_chat, vec![tech]);
}

/// A retried team chat message (same client id) is not duplicated: same message back, no
/// effects.
#[test]
fn retried_team_chat_is_not_duplicated() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let (message, _) = team_chat(&mut h, "bob", "billing", "t1", "Once");
    h.advance(3);
    let before = h.all_snaps();
    let (reply, effects) = h.request("bob", req::team_chat("billing", "t1", "Once"));
    assert_eq!(reply, Ok(Some(OkResult::TeamChat { message })));
    assert!(effects.is_empty());
    assert_eq!(h.all_snaps(), before);
    assert_eq!(h.snap("bob").team_chat.len(), 1);
    // The same client id from alice is her own message.
    team_chat(&mut h, "alice", "billing", "t1", "Twice");
    assert_eq!(h.snap("bob").team_chat.len(), 2);
}

/// Only members write in a team's chat (forbidden otherwise); unknown teams are not_found,
/// empty texts invalid.
#[test]
fn team_chat_is_for_members() {
    let mut h = Harness::with_reps(&["alice", "carol"]);
    h.refused(
        "carol",
        req::team_chat("billing", "x", "hi"),
        ErrorCode::Forbidden,
    );
    h.refused(
        "ivan",
        req::team_chat("billing", "x", "hi"),
        ErrorCode::Forbidden,
    );
    h.refused(
        "alice",
        req::team_chat("nope", "x", "hi"),
        ErrorCode::NotFound,
    );
    h.refused(
        "alice",
        req::team_chat("billing", "x", " "),
        ErrorCode::Invalid,
    );
    h.refused(
        "alice",
        req::team_chat("billing", "", "hi"),
        ErrorCode::Invalid,
    );
}

/// Seed 000: only the latest 50 messages per team come in a snapshot, oldest first.
#[test]
fn snapshot_keeps_the_latest_team_chat() {
    let mut h = Harness::with_reps(&["bob"]);
    for i in 0..60 {
        team_chat(&mut h, "bob", "billing", &format!("c{i}"), &format!("m{i}"));
    }
    let kept = h.snap("bob").team_chat;
    assert_eq!(kept.len(), 50);
    assert_eq!(kept[0].text, "m10");
    assert_eq!(kept[49].text, "m59");
}

/// Seed 000: any rep in a session may mark it important; the session's reps and, while
/// it waits, the queue's viewers see the flag. Reps outside the session may not.
#[test]
fn important_flag() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.refused("carol", req::important(id, true), ErrorCode::NotInSession);
    let (_, effects) = h.ok("bob", req::important(id, true));
    assert_eq!(
        reps_told(
            &effects,
            |e| matches!(e, RepEvent::SessionUpdated { session } if session.important)
        ),
        names(&["alice", "bob"])
    );
    assert!(h.session(id).important);
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutSession(_)))
    );
    // Setting it again changes nothing.
    let (_, effects) = h.ok("bob", req::important(id, true));
    assert!(effects.is_empty());
    // Transferred with alice staying: the entry in the tech queue shows the flag, and
    // toggling it while waiting updates the entry for the viewers.
    h.ok("alice", req::transfer_team(id, "tech", true));
    assert!(entries(&h.snap("carol"), &team_q("tech"))[0].important);
    let (_, effects) = h.ok("alice", req::important(id, false));
    let entry = upserted_entry(&effects, &session_entry_id(id)).expect("entry updated");
    assert!(!entry.important);
    assert_eq!(
        upserted_to(&effects, &session_entry_id(id)),
        names(&["alice", "carol", "dave"])
    );
}

/// Seed 003: the disposition must be one of the configured list (invalid otherwise); any
/// rep in the session may set it, and all of them are told.
#[test]
fn disposition_must_be_known() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    h.refused(
        "alice",
        req::disposition(id, "Whatever"),
        ErrorCode::Invalid,
    );
    h.refused(
        "alice",
        req::disposition(id, "resolved"),
        ErrorCode::Invalid,
    );
    h.refused(
        "bob",
        req::disposition(id, "Resolved"),
        ErrorCode::NotInSession,
    );
    let (_, effects) = h.ok("alice", req::disposition(id, "Resolved"));
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e,
        RepEvent::SessionUpdated { session } if session.disposition.as_deref() == Some("Resolved")
    )));
    assert_eq!(h.session(id).disposition.as_deref(), Some("Resolved"));
    assert_eq!(h.snap("alice").dispositions, vec!["Resolved", "Escalated"]);
}
