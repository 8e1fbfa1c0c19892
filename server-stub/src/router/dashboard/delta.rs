//! What changed between the rows the leads have and the rows now, and each lead's share of
//! it: the rows of their own teams, the reps of those teams, the new series points.
//!
//! The diff is computed once per round for all teams; a lead's delta only picks from it,
//! so many leads cost little more than one.

use super::figures::Rows;
use crate::config::Config;
use std::collections::{BTreeMap, BTreeSet};
use switchboard_protocol::{
    DashboardDelta, LiveSession, RepId, RepLoad, SessionId, TeamId, TeamLoad, TeamPoint,
};

/// One team's changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamChange {
    pub load: Option<TeamLoad>,
    pub sessions: Vec<LiveSession>,
    pub ended: Vec<SessionId>,
    pub point: Option<TeamPoint>,
}

/// Every change of a round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub teams: BTreeMap<TeamId, TeamChange>,
    pub reps: BTreeMap<RepId, RepLoad>,
}

/// The rows of `now` that differ from `sent`, and the sessions gone from `sent`.
pub fn diff(sent: &Rows, now: &Rows) -> Changes {
    let mut changes = Changes::default();
    for (team, rows) in &now.teams {
        let before = sent.teams.get(team);
        let mut change = TeamChange::default();
        if before.is_none_or(|b| b.load != rows.load) {
            change.load = Some(rows.load.clone());
        }
        for (id, session) in &rows.sessions {
            if before.is_none_or(|b| b.sessions.get(id) != Some(session)) {
                change.sessions.push(session.clone());
            }
        }
        if let Some(before) = before {
            change.ended = before
                .sessions
                .keys()
                .filter(|id| !rows.sessions.contains_key(id))
                .copied()
                .collect();
        }
        if change != TeamChange::default() {
            changes.teams.insert(team.clone(), change);
        }
    }
    for (rep, row) in &now.reps {
        if sent.reps.get(rep) != Some(row) {
            changes.reps.insert(rep.clone(), row.clone());
        }
    }
    changes
}

/// The part of `changes` a lead of `teams` (in their configuration order) gets.
pub fn for_lead(changes: &Changes, teams: &[TeamId], config: &Config) -> DashboardDelta {
    let mut delta = DashboardDelta::default();
    for team in teams {
        let Some(change) = changes.teams.get(team) else {
            continue;
        };
        delta.teams.extend(change.load.iter().cloned());
        delta.sessions.extend(change.sessions.iter().cloned());
        delta.ended.extend(change.ended.iter().copied());
        delta.points.extend(change.point.iter().cloned());
    }
    // A session that moved between two of the lead's teams is upserted, not ended (the
    // console removes `ended` after upserting).
    let upserted: BTreeSet<SessionId> = delta.sessions.iter().map(|s| s.session_id).collect();
    delta.ended.retain(|id| !upserted.contains(id));
    let led: BTreeSet<&TeamId> = teams.iter().collect();
    delta.reps = changes
        .reps
        .values()
        .filter(|row| {
            config
                .reps
                .get(&row.rep)
                .is_some_and(|r| r.teams.iter().any(|t| led.contains(t)))
        })
        .cloned()
        .collect();
    delta
}
