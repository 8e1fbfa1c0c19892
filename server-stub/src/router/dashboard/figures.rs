//! The dashboard's rows, computed from router state and the tally at a given time: a
//! [`TeamLoad`] per team, a [`RepLoad`] per rep of those teams, a [`LiveSession`] per
//! session in progress in them.
//!
//! One pass over the sessions and one over each team's queue and members, whatever the
//! number of leads: rows are computed per team, once a round, and leads share them.

use super::tally::{HOUR_MS, RATE_WINDOW_MS, Tally};
use crate::router::Router;
use crate::router::state::Session;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use switchboard_protocol::{
    LiveSession, Presence, QueueRef, RepId, RepLoad, SessionId, TeamId, TeamLoad, UnixMillis,
};

/// One team's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRows {
    pub load: TeamLoad,
    pub sessions: BTreeMap<SessionId, LiveSession>,
}

/// The rows of some teams and of their reps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rows {
    pub teams: BTreeMap<TeamId, TeamRows>,
    pub reps: BTreeMap<RepId, RepLoad>,
}

/// The team a session belongs to: its (home) queue's, if that is a team queue.
pub fn team_of(queue: &QueueRef) -> Option<&TeamId> {
    match queue {
        QueueRef::Team { team } => Some(team),
        _ => None,
    }
}

/// The expected wait of the next arrival: everyone waiting goes first, at the accept rate of
/// the last [`RATE_WINDOW_MS`] (15 minutes). Nobody waiting: no wait; people waiting and no
/// accept in the window: unknown.
pub fn predicted_wait_ms(waiting: u32, accepts_in_window: usize) -> Option<u64> {
    if waiting == 0 {
        return Some(0);
    }
    let accepts = u64::try_from(accepts_in_window).ok().filter(|n| *n > 0)?;
    Some(u64::from(waiting) * RATE_WINDOW_MS / accepts)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Router {
    /// The rows of `teams` (unknown teams are skipped) at `now`.
    pub(in crate::router) fn dashboard_rows(
        &self,
        now: UnixMillis,
        teams: &BTreeSet<TeamId>,
    ) -> Rows {
        let tally = &self.dashboard.tally;
        let mut rows = Rows::default();
        let mut members: BTreeSet<&RepId> = BTreeSet::new();
        for team in teams {
            let Some(config) = self.config.teams.get(team) else {
                continue;
            };
            members.extend(config.members.iter());
            let load = self.team_load(now, team, tally);
            rows.teams.insert(
                team.clone(),
                TeamRows {
                    load,
                    sessions: BTreeMap::new(),
                },
            );
        }
        // One pass over the sessions: the teams' live sessions, and every rep's load.
        let mut owned: HashMap<&RepId, (u32, u32)> = HashMap::new();
        for session in self.sessions.values() {
            let Some(owner) = &session.owner else {
                continue;
            };
            if session.waiting.is_some() || session.ended_at.is_some() {
                continue;
            }
            let unanswered = tally.unanswered.get(&session.id).copied();
            let entry = owned.entry(owner).or_default();
            entry.0 += 1;
            entry.1 += u32::from(unanswered.is_some());
            let Some(team) = team_of(&session.home_queue) else {
                continue;
            };
            if let Some(team_rows) = rows.teams.get_mut(team) {
                team_rows.load.in_progress += 1;
                team_rows
                    .sessions
                    .insert(session.id, live_session(session, unanswered));
            }
        }
        for rep in members {
            let Some(config) = self.config.reps.get(rep) else {
                continue;
            };
            let presence = self.rep_state(rep).presence();
            let presence_since = match tally.presence.get(rep) {
                Some((known, since)) if *known == presence => *since,
                _ => 0,
            };
            let (sessions_owned, awaiting_reply) = owned.get(rep).copied().unwrap_or((0, 0));
            rows.reps.insert(
                rep.clone(),
                RepLoad {
                    rep: rep.clone(),
                    presence,
                    presence_since,
                    sessions_owned,
                    max_sessions: config.permissions.max_sessions,
                    last_reply_at: tally.last_reply.get(rep).copied(),
                    awaiting_reply,
                    missed_offers_today: tally.missed_today(rep, now),
                },
            );
        }
        rows
    }

    /// A team's figures, `in_progress` aside (the session pass counts it).
    fn team_load(&self, now: UnixMillis, team: &TeamId, tally: &Tally) -> TeamLoad {
        let queue = QueueRef::Team { team: team.clone() };
        let service_level = self.config.service_level(&queue);
        let waiting_set = self.queues.get(&queue);
        let waiting = waiting_set.map_or(0, |set| count(set.len()));
        // The queue is in entry order: the waits past a threshold are a prefix of it.
        let past = |threshold_ms: u64| {
            let cutoff = now.saturating_sub(threshold_ms);
            waiting_set.map_or(0, |set| {
                count(set.iter().take_while(|(at, _)| *at <= cutoff).count())
            })
        };
        let (mut available, mut busy, mut away, mut paused, mut offline) = (0, 0, 0, 0, 0);
        if let Some(config) = self.config.teams.get(team) {
            for rep in &config.members {
                match self.rep_state(rep).presence() {
                    Presence::Available => available += 1,
                    Presence::Busy => busy += 1,
                    Presence::Away => away += 1,
                    Presence::Paused => paused += 1,
                    Presence::Offline => offline += 1,
                }
            }
        }
        let team_tally = tally.teams.get(team);
        let since = |window: u64| now.saturating_sub(window);
        let accepts_in = |window: u64| team_tally.map_or(0, |t| t.accepts_since(since(window)));
        TeamLoad {
            team: team.clone(),
            service_level,
            waiting,
            oldest_waiting_since: waiting_set.and_then(|set| set.first()).map(|(at, _)| *at),
            in_progress: 0,
            available,
            busy,
            away,
            paused,
            offline,
            over_target: past(service_level.target_ms),
            breached: past(service_level.breach_ms),
            predicted_wait_ms: predicted_wait_ms(waiting, accepts_in(RATE_WINDOW_MS)),
            accepted_last_hour: count(accepts_in(HOUR_MS)),
            abandoned_last_hour: team_tally.map_or(0, |t| {
                count(
                    t.abandons
                        .iter()
                        .rev()
                        .take_while(|at| **at >= since(HOUR_MS))
                        .count(),
                )
            }),
        }
    }
}

fn live_session(session: &Session, unanswered_since: Option<UnixMillis>) -> LiveSession {
    LiveSession {
        session_id: session.id,
        team: team_of(&session.home_queue).cloned(),
        customer: session.customer.name.clone(),
        owner: session.owner.clone(),
        participants: session.participants.clone(),
        started_at: session.started_at,
        unanswered_since,
        important: session.important,
        assistance: session.assistance.is_some(),
        monitors: session.monitors.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicted_wait_uses_the_fifteen_minute_rate() {
        assert_eq!(predicted_wait_ms(0, 0), Some(0));
        assert_eq!(predicted_wait_ms(3, 0), None);
        // 3 accepts in 15 minutes: one every 5 minutes; 2 ahead: 10 minutes.
        assert_eq!(predicted_wait_ms(2, 3), Some(10 * 60 * 1000));
    }
}
