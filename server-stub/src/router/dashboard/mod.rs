//! Team leads' dashboards (issue 15): the figures of the teams they lead, kept current by
//! `dashboard_changed` deltas, and the durable session facts behind the report.
//!
//! - [`tally`]: what happened, with times (the rule files call the `dash_*` hooks here).
//! - [`series`]: each team's last hour at 10 s resolution.
//! - [`figures`]: the rows, from router state and the tally.
//! - [`delta`]: what changed, and each lead's share.
//!
//! Consistency: a lead's snapshot carries the rows *as last sent* (`sent`), and every round
//! diffs against exactly those, so snapshot + every later delta = the rows of the last
//! round, however snapshots and rounds interleave. A round runs on `Tick`, at most once a
//! second; the snapshot may therefore lag the state by up to a second.
//!
//! Memory only: after a restart the tally and the series start empty.

pub mod delta;
pub mod figures;
pub mod series;
pub mod tally;

use super::Router;
use super::effects::{Effect, SessionFacts, StoreOp};
use super::state::Waiting;
use crate::config::Config;
use figures::{Rows, TeamRows, team_of};
use std::collections::{BTreeMap, BTreeSet};
use switchboard_protocol::{
    Author, ChatMessage, Dashboard, Presence, QueueRef, RepEvent, RepId, RepLoad, SERIES_STEP_MS,
    SessionId, TeamId, TeamLoad, TeamPoint, TeamSeries, UnixMillis, Visibility,
};

/// The shortest time between two rounds.
pub const ROUND_MS: u64 = 1000;

/// The dashboard's part of the router.
#[derive(Debug, Clone, Default)]
pub struct DashboardState {
    pub tally: tally::Tally,
    pub series: series::Series,
    /// The rows every lead has (snapshot + deltas so far).
    pub(in crate::router) sent: Rows,
    /// Teams with at least one lead: the only ones computed.
    pub(in crate::router) led_teams: BTreeSet<TeamId>,
    last_round: Option<UnixMillis>,
}

impl DashboardState {
    /// The state of a router with nothing in it yet: every led team empty, every rep
    /// offline (what [`Router::dashboard_rows`] computes for an empty router).
    pub fn new(config: &Config) -> DashboardState {
        let led_teams: BTreeSet<TeamId> = config
            .reps
            .values()
            .filter(|r| r.permissions.lead)
            .flat_map(|r| r.teams.iter().cloned())
            .collect();
        let mut sent = Rows::default();
        for team in &led_teams {
            let Some(team_config) = config.teams.get(team) else {
                continue;
            };
            let queue = QueueRef::Team { team: team.clone() };
            sent.teams.insert(
                team.clone(),
                TeamRows {
                    load: TeamLoad {
                        team: team.clone(),
                        service_level: config.service_level(&queue),
                        waiting: 0,
                        oldest_waiting_since: None,
                        in_progress: 0,
                        available: 0,
                        busy: 0,
                        away: 0,
                        paused: 0,
                        offline: u32::try_from(team_config.members.len()).unwrap_or(u32::MAX),
                        over_target: 0,
                        breached: 0,
                        predicted_wait_ms: Some(0),
                        accepted_last_hour: 0,
                        abandoned_last_hour: 0,
                    },
                    sessions: BTreeMap::new(),
                },
            );
            for rep in &team_config.members {
                let max_sessions = config
                    .reps
                    .get(rep)
                    .map_or(0, |r| r.permissions.max_sessions);
                sent.reps.insert(
                    rep.clone(),
                    RepLoad {
                        rep: rep.clone(),
                        presence: Presence::Offline,
                        presence_since: 0,
                        sessions_owned: 0,
                        max_sessions,
                        last_reply_at: None,
                        awaiting_reply: 0,
                        missed_offers_today: 0,
                    },
                );
            }
        }
        DashboardState {
            sent,
            led_teams,
            ..DashboardState::default()
        }
    }
}

/// The teams `rep` leads, in their configuration order (none if not a lead).
fn led_by(config: &Config, rep: &RepId) -> Vec<TeamId> {
    config
        .reps
        .get(rep)
        .filter(|r| r.permissions.lead)
        .map(|r| r.teams.clone())
        .unwrap_or_default()
}

impl Router {
    /// A lead's whole dashboard (`None` for anyone else): the rows as last sent to leads.
    pub(super) fn dashboard_for(&self, rep: &RepId) -> Option<Box<Dashboard>> {
        let teams = led_by(&self.config, rep);
        if teams.is_empty() {
            return None;
        }
        let sent = &self.dashboard.sent;
        let mut dashboard = Dashboard {
            step_ms: SERIES_STEP_MS,
            ..Dashboard::default()
        };
        let mut members: BTreeSet<&RepId> = BTreeSet::new();
        let mut sessions = Vec::new();
        for team in &teams {
            let Some(rows) = sent.teams.get(team) else {
                continue;
            };
            dashboard.teams.push(rows.load.clone());
            sessions.extend(rows.sessions.values().cloned());
            if let Some(config) = self.config.teams.get(team) {
                members.extend(config.members.iter());
            }
            dashboard.series.push(TeamSeries {
                team: team.clone(),
                points: self.dashboard.series.points(team),
            });
        }
        sessions.sort_by_key(|s| s.session_id);
        dashboard.sessions = sessions;
        dashboard.reps = members
            .into_iter()
            .filter_map(|r| sent.reps.get(r).cloned())
            .collect();
        Some(Box::new(dashboard))
    }

    /// After a restore: the rows leads will get are those of the restored state.
    pub(super) fn dashboard_prime(&mut self, now: UnixMillis) {
        let led = self.dashboard.led_teams.clone();
        self.dashboard.sent = self.dashboard_rows(now, &led);
    }

    /// A round (on `Tick`, at most once per [`ROUND_MS`]): each lead gets what changed in
    /// their teams, and every [`SERIES_STEP_MS`] a point per team.
    pub(super) fn dashboard_tick(&mut self, now: UnixMillis) {
        if self
            .dashboard
            .last_round
            .is_some_and(|last| now < last.saturating_add(ROUND_MS))
        {
            return;
        }
        self.dashboard.last_round = Some(now);
        let tally = &mut self.dashboard.tally;
        tally.dequeued.clear();
        tally.prune(now);
        let sessions = &self.sessions;
        tally.unanswered.retain(|id, _| sessions.contains_key(id));
        if self.dashboard.led_teams.is_empty() {
            return;
        }
        let led = self.dashboard.led_teams.clone();
        let now_rows = self.dashboard_rows(now, &led);
        let mut changes = delta::diff(&self.dashboard.sent, &now_rows);
        if let Some(at) = self.dashboard.series.step_ended(now) {
            for (team, rows) in &now_rows.teams {
                let (arrivals, waits) = self.dashboard.tally.take_step(team);
                let point = series::point(
                    at,
                    rows.load.waiting,
                    rows.load.in_progress,
                    arrivals,
                    waits,
                );
                self.dashboard.series.push(team, point);
                changes.teams.entry(team.clone()).or_default().point = Some(TeamPoint {
                    team: team.clone(),
                    point,
                });
            }
        }
        self.dashboard.sent = now_rows;
        if changes == delta::Changes::default() {
            return;
        }
        let leads: Vec<RepId> = self
            .config
            .reps
            .values()
            .filter(|r| r.permissions.lead)
            .map(|r| r.id.clone())
            // A lead with no console (nor one in its grace period) gets a snapshot on return.
            .filter(|r| {
                self.reps
                    .get(r)
                    .is_some_and(|s| s.connected || s.lost_at.is_some())
            })
            .collect();
        for lead in leads {
            let teams = led_by(&self.config, &lead);
            let delta = delta::for_lead(&changes, &teams, &self.config);
            if !delta.is_empty() {
                self.tell_rep(&lead, RepEvent::DashboardChanged { delta });
            }
        }
    }

    /// For `/metrics`: sessions waiting per queue label, bounded by the configuration: each
    /// team, `general`, and every personal queue together as `personal`. The core calls it
    /// on every tick (ten a second) while up to every rep's personal queue holds a session,
    /// so the walk over the queues allocates nothing: only the labels are built, once each.
    pub fn waiting_by_queue(&self) -> Vec<(String, usize)> {
        let mut teams: BTreeMap<&TeamId, usize> =
            self.config.teams.keys().map(|t| (t, 0)).collect();
        let (mut general, mut personal) = (0, 0);
        for (queue, set) in &self.queues {
            match queue {
                QueueRef::Team { team } => *teams.entry(team).or_default() += set.len(),
                QueueRef::General => general += set.len(),
                QueueRef::Personal { .. } => personal += set.len(),
            }
        }
        // By label, so a team whose id is `general` or `personal` shares that line.
        let mut waiting: BTreeMap<String, usize> = teams
            .into_iter()
            .map(|(team, n)| (team.to_string(), n))
            .collect();
        *waiting.entry("general".to_owned()).or_default() += general;
        *waiting.entry("personal".to_owned()).or_default() += personal;
        waiting.into_iter().collect()
    }

    /// For `/metrics`: Jump Clients connected now.
    pub fn jump_clients_online(&self) -> usize {
        self.jump_clients.online.len()
    }

    fn persist_facts(&mut self, facts: SessionFacts) {
        self.emit(Effect::Persist(StoreOp::PutSessionFacts(facts)));
    }

    /// Hook: `session_id` entered `queue` (its first arrival is the report's).
    pub(super) fn dash_arrived(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        queue: &QueueRef,
    ) {
        self.dashboard.tally.dequeued.remove(&session_id);
        let team = team_of(queue).cloned();
        if let Some(team) = &team {
            self.dashboard.tally.arrived(team);
        }
        self.persist_facts(SessionFacts {
            session_id,
            team,
            queued_at: Some(now),
            accepted_at: None,
            accepted_by: None,
            ended_at: None,
            abandoned: false,
            waited_ms: None,
        });
    }

    /// Hook: `session_id` left the queue it waited in (taken, moved or ending).
    pub(super) fn dash_dequeued(&mut self, session_id: SessionId, waiting: &Waiting) {
        self.dashboard.tally.dequeued.insert(
            session_id,
            tally::Dequeued {
                team: team_of(&waiting.queue).cloned(),
                entered_at: waiting.entered_at,
            },
        );
    }

    /// Hook: `rep` became the owner of `session_id`: an accept if it just left a queue.
    pub(super) fn dash_owned(&mut self, session_id: SessionId, rep: &RepId) {
        let now = self.now;
        let Some(left) = self.dashboard.tally.dequeued.remove(&session_id) else {
            return;
        };
        let waited = now.saturating_sub(left.entered_at);
        if let Some(team) = &left.team {
            self.dashboard.tally.accepted(team, now, waited);
        }
        self.persist_facts(SessionFacts {
            session_id,
            team: None,
            queued_at: None,
            accepted_at: Some(now),
            accepted_by: Some(rep.clone()),
            ended_at: None,
            abandoned: false,
            waited_ms: Some(waited),
        });
    }

    /// Hook: `session_id` is about to end; ending while waiting is an abandon.
    pub(super) fn dash_ending(&mut self, now: UnixMillis, session_id: SessionId) {
        let Some(session) = self.sessions.get(&session_id) else {
            return;
        };
        let waiting_in = session.waiting.as_ref().map(|w| team_of(&w.queue).cloned());
        let abandoned = waiting_in.is_some();
        if let Some(Some(team)) = waiting_in {
            self.dashboard.tally.abandoned(&team, now);
        }
        self.dashboard.tally.unanswered.remove(&session_id);
        self.persist_facts(SessionFacts {
            session_id,
            team: None,
            queued_at: None,
            accepted_at: None,
            accepted_by: None,
            ended_at: Some(now),
            abandoned,
            waited_ms: None,
        });
    }

    /// Hook: `rep` let a push offer time out or rejected it.
    pub(super) fn dash_missed_offer(&mut self, rep: &RepId) {
        let now = self.now;
        self.dashboard.tally.missed_offer(rep, now);
    }

    /// Hook: `rep`'s presence may have changed.
    pub(super) fn dash_presence(&mut self, rep: &RepId) {
        let presence = self.rep_state(rep).presence();
        let now = self.now;
        self.dashboard.tally.presence_now(rep, presence, now);
    }

    /// Hook: a chat message was kept.
    pub(super) fn dash_chat(&mut self, message: &ChatMessage) {
        let tally = &mut self.dashboard.tally;
        match &message.author {
            Author::Customer { .. } => tally.customer_wrote(message.session_id, message.at),
            Author::Rep { rep, .. } if message.visibility == Visibility::Public => {
                tally.rep_replied(rep, message.session_id, message.at);
            }
            _ => {}
        }
    }
}
