//! Which drafts a restarted console gives back, as the first snapshot tells: sessions the
//! rep owns or has joined and teams they are in; not a session they only monitor, one that
//! ended, one they are no longer in, or a team they left.

use super::*;
use crate::drafts::{DraftKey, still_mine};

fn session_key(id: u64) -> DraftKey {
    DraftKey::Session {
        session_id: SessionId(id),
    }
}

fn team_key(name: &str) -> DraftKey {
    DraftKey::Team { team: team(name) }
}

/// Alice's model after a snapshot with: 1 owned, 2 joined (Bob's), 3 only monitored,
/// 4 ended; she is in Billing and not in Sales (listed without its members).
fn after_snapshot() -> Model {
    let mut state = snapshot_state();
    let owned = session_view(1, "Ada", Vec::new());
    let mut joined = session_view(2, "Ben", Vec::new());
    joined.session.owner = Some(rep(BOB));
    joined.session.participants = vec![rep(BOB), rep(ME)];
    let mut monitored = session_view(3, "Cy", Vec::new());
    monitored.session.owner = Some(rep(BOB));
    monitored.session.participants = vec![rep(BOB)];
    monitored.session.monitors = vec![rep(ME)];
    let mut ended = session_view(4, "Di", Vec::new());
    ended.session.ended = true;
    state.sessions = vec![owned, joined, monitored, ended];
    state.teams.push(TeamInfo {
        team: team("sales"),
        display_name: "Sales".to_owned(),
        mode: QueueMode::Pull,
        members: Vec::new(),
    });
    let mut model = Model::new();
    model.apply(snapshot(SNAPSHOT_SEQ, state));
    model
}

#[test]
fn owned_and_joined_sessions_and_own_teams_keep_their_drafts() {
    let model = after_snapshot();
    assert!(still_mine(&model, &session_key(1)), "owned");
    assert!(still_mine(&model, &session_key(2)), "joined");
    assert!(still_mine(&model, &team_key("billing")), "a member");
}

#[test]
fn other_sessions_and_teams_lose_theirs() {
    let model = after_snapshot();
    assert!(!still_mine(&model, &session_key(3)), "only monitored");
    assert!(!still_mine(&model, &session_key(4)), "ended");
    assert!(!still_mine(&model, &session_key(5)), "not in the snapshot");
    assert!(!still_mine(&model, &team_key("sales")), "not a member");
    assert!(!still_mine(&model, &team_key("gone")), "no such team");
}

#[test]
fn nothing_is_the_reps_before_the_snapshot() {
    assert!(!still_mine(&Model::new(), &session_key(1)));
    assert!(!still_mine(&Model::new(), &team_key("billing")));
}
