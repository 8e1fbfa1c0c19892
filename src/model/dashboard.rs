//! A team lead's dashboard, pure: the [`Dashboard`] from the snapshot kept current by
//! `dashboard_changed` deltas (applied in the protocol's documented order, series points
//! older than [`SERIES_SPAN_MS`] dropped), and the sorted views of its sessions and reps
//! tables, cached until a delta changes their rows or the sort does — 10 teams × 100 reps
//! × 1,000 sessions must not be re-sorted every frame. No egui, no IO; the clock is an
//! argument where time matters.
//!
//! Everything here comes from the server and is bounded ([`MAX_TEAMS`], [`MAX_REPS`],
//! [`MAX_SESSIONS`], [`MAX_POINTS`], [`MAX_TEXT`]): rows past a bound are dropped (and
//! logged), so a broken or hostile server cannot grow the console without end.

#[path = "dashboard_sample.rs"]
pub mod sample;

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use switchboard_protocol::supervision::{
    Dashboard, DashboardDelta, LiveSession, RepLoad, SERIES_SPAN_MS, SeriesPoint, TeamLoad,
    TeamSeries,
};
use switchboard_protocol::{Presence, RepId, SessionId, TeamId, UnixMillis};

/// The most teams one dashboard keeps.
pub const MAX_TEAMS: usize = 100;
/// The most reps one dashboard keeps.
pub const MAX_REPS: usize = 5_000;
/// The most sessions in progress one dashboard keeps.
pub const MAX_SESSIONS: usize = 20_000;
/// The most points one team's series keeps (an hour of 10 s steps is 360; the rest is
/// slack for a server with a shorter step).
pub const MAX_POINTS: usize = 2_000;
/// The most characters of a customer's name kept (the table shows far fewer).
pub const MAX_TEXT: usize = 200;
/// The most participants or monitors kept per session.
pub const MAX_PEOPLE: usize = 50;

/// A lead's dashboard as the console holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardState {
    pub data: Dashboard,
    /// Bumped whenever the sessions change, so the sorted sessions view knows to rebuild.
    pub sessions_generation: u64,
    /// Bumped whenever the reps change.
    pub reps_generation: u64,
    /// Bumped whenever a series point arrives (the plots' data).
    pub series_generation: u64,
    /// Where each session is in `data.sessions`.
    session_index: HashMap<SessionId, usize>,
}

impl DashboardState {
    /// The dashboard of a snapshot, bounded and with its series trimmed to the last hour.
    /// `generation` starts the counters (one counter that survives snapshots, so a cached
    /// view never mistakes new rows for old ones).
    pub fn new(mut data: Dashboard, generation: u64) -> DashboardState {
        data.teams.truncate(MAX_TEAMS);
        data.reps.truncate(MAX_REPS);
        if data.sessions.len() > MAX_SESSIONS {
            tracing::warn!(
                count = data.sessions.len(),
                "dashboard sessions over the bound"
            );
            data.sessions.truncate(MAX_SESSIONS);
        }
        data.sessions.iter_mut().for_each(bound_session);
        data.series.truncate(MAX_TEAMS);
        for series in &mut data.series {
            series.points.sort_by_key(|p| p.at);
            trim_series(&mut series.points);
        }
        let mut state = DashboardState {
            data,
            sessions_generation: generation,
            reps_generation: generation,
            series_generation: generation,
            session_index: HashMap::new(),
        };
        state.reindex();
        state
    }

    fn reindex(&mut self) {
        self.session_index = self
            .data
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.session_id, i))
            .collect();
    }

    /// Applies a delta in the documented order: replace the teams and reps rows with the
    /// same id (new ones are added), upsert the sessions, remove the ended ones, append the
    /// points (dropping those older than [`SERIES_SPAN_MS`] before the newest). `generation`
    /// is the value the changed parts' counters take. Returns whether anything changed.
    pub fn apply(&mut self, delta: DashboardDelta, generation: u64) -> bool {
        let mut changed = false;
        for team in delta.teams {
            changed |= self.replace_team(team);
        }
        let mut reps_changed = false;
        for rep in delta.reps {
            reps_changed |= self.replace_rep(rep);
        }
        let mut sessions_changed = false;
        for session in delta.sessions {
            sessions_changed |= self.upsert_session(session);
        }
        for session_id in delta.ended {
            sessions_changed |= self.remove_session(session_id);
        }
        let mut series_changed = false;
        for point in delta.points {
            series_changed |= self.add_point(point.team, point.point);
        }
        if reps_changed {
            self.reps_generation = generation;
        }
        if sessions_changed {
            self.sessions_generation = generation;
        }
        if series_changed {
            self.series_generation = generation;
        }
        changed || reps_changed || sessions_changed || series_changed
    }

    fn replace_team(&mut self, team: TeamLoad) -> bool {
        let teams = &mut self.data.teams;
        match teams.iter().position(|t| t.team == team.team) {
            Some(at) if teams[at] == team => false,
            Some(at) => {
                teams[at] = team;
                true
            }
            None if teams.len() < MAX_TEAMS => {
                teams.push(team);
                true
            }
            None => false,
        }
    }

    fn replace_rep(&mut self, rep: RepLoad) -> bool {
        let reps = &mut self.data.reps;
        match reps.iter().position(|r| r.rep == rep.rep) {
            Some(at) if reps[at] == rep => false,
            Some(at) => {
                reps[at] = rep;
                true
            }
            None if reps.len() < MAX_REPS => {
                reps.push(rep);
                true
            }
            None => false,
        }
    }

    fn upsert_session(&mut self, mut session: LiveSession) -> bool {
        bound_session(&mut session);
        match self.session_index.get(&session.session_id) {
            Some(&at) if self.data.sessions[at] == session => false,
            Some(&at) => {
                self.data.sessions[at] = session;
                true
            }
            None if self.data.sessions.len() < MAX_SESSIONS => {
                self.session_index
                    .insert(session.session_id, self.data.sessions.len());
                self.data.sessions.push(session);
                true
            }
            None => {
                tracing::warn!("dashboard session dropped: over the bound");
                false
            }
        }
    }

    fn remove_session(&mut self, session_id: SessionId) -> bool {
        let Some(at) = self.session_index.remove(&session_id) else {
            return false;
        };
        // Order does not matter (the views sort): the last row fills the hole.
        self.data.sessions.swap_remove(at);
        if let Some(moved) = self.data.sessions.get(at) {
            self.session_index.insert(moved.session_id, at);
        }
        true
    }

    fn add_point(&mut self, team: TeamId, point: SeriesPoint) -> bool {
        let at = match self.data.series.iter().position(|s| s.team == team) {
            Some(at) => at,
            None if self.data.series.len() < MAX_TEAMS => {
                self.data.series.push(TeamSeries {
                    team,
                    points: Vec::new(),
                });
                self.data.series.len() - 1
            }
            None => return false,
        };
        let points = &mut self.data.series[at].points;
        // A repeat or a point out of order goes where it belongs; the same end replaces.
        match points.binary_search_by_key(&point.at, |p| p.at) {
            Ok(same) => points[same] = point,
            Err(before) => points.insert(before, point),
        }
        trim_series(points);
        true
    }

    pub fn team(&self, team: &TeamId) -> Option<&TeamLoad> {
        self.data.teams.iter().find(|t| &t.team == team)
    }

    pub fn series(&self, team: &TeamId) -> &[SeriesPoint] {
        self.data
            .series
            .iter()
            .find(|s| &s.team == team)
            .map_or(&[], |s| s.points.as_slice())
    }

    pub fn session(&self, session_id: SessionId) -> Option<&LiveSession> {
        self.session_index
            .get(&session_id)
            .and_then(|at| self.data.sessions.get(*at))
    }
}

/// Keeps a session's texts and lists within their bounds.
fn bound_session(session: &mut LiveSession) {
    if session.customer.chars().count() > MAX_TEXT {
        session.customer = session.customer.chars().take(MAX_TEXT).collect();
    }
    session.participants.truncate(MAX_PEOPLE);
    session.monitors.truncate(MAX_PEOPLE);
}

/// Drops the points an hour or more older than the newest (and any beyond
/// [`MAX_POINTS`]). `points` is sorted by `at`.
fn trim_series(points: &mut Vec<SeriesPoint>) {
    let Some(newest) = points.last().map(|p| p.at) else {
        return;
    };
    let oldest_dropped = newest.saturating_sub(SERIES_SPAN_MS);
    // As the server keeps them: a point exactly a span older than the newest goes too.
    let first = points.partition_point(|p| p.at <= oldest_dropped);
    let first = first.max(points.len().saturating_sub(MAX_POINTS));
    points.drain(..first);
}

/// A column of the sessions table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionColumn {
    Customer,
    Owner,
    Participants,
    /// How long the session has gone on.
    #[default]
    Duration,
    /// How long the customer's oldest unanswered message has waited.
    Unanswered,
    Important,
    Assistance,
}

impl SessionColumn {
    pub const ALL: [SessionColumn; 7] = [
        SessionColumn::Customer,
        SessionColumn::Owner,
        SessionColumn::Participants,
        SessionColumn::Duration,
        SessionColumn::Unanswered,
        SessionColumn::Important,
        SessionColumn::Assistance,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SessionColumn::Customer => "Customer",
            SessionColumn::Owner => "Owner",
            SessionColumn::Participants => "Participants",
            SessionColumn::Duration => "Duration",
            SessionColumn::Unanswered => "Unanswered",
            SessionColumn::Important => "Important",
            SessionColumn::Assistance => "Assistance",
        }
    }
}

/// A column of the reps table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepColumn {
    #[default]
    Rep,
    Presence,
    /// Sessions owned against their cap.
    Load,
    /// Time since their last reply to a customer.
    SinceReply,
    AwaitingReply,
    MissedOffers,
}

impl RepColumn {
    pub const ALL: [RepColumn; 6] = [
        RepColumn::Rep,
        RepColumn::Presence,
        RepColumn::Load,
        RepColumn::SinceReply,
        RepColumn::AwaitingReply,
        RepColumn::MissedOffers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RepColumn::Rep => "Rep",
            RepColumn::Presence => "Presence",
            RepColumn::Load => "Sessions",
            RepColumn::SinceReply => "Last reply",
            RepColumn::AwaitingReply => "Awaiting reply",
            RepColumn::MissedOffers => "Missed today",
        }
    }
}

/// A table's sort: a column and a direction; the same column again reverses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TableSort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: PartialEq> TableSort<C> {
    pub fn sort_by(&mut self, column: C) {
        if self.column == column {
            self.descending = !self.descending;
        } else {
            self.column = column;
            self.descending = false;
        }
    }
}

/// How the dashboard's tables sort: remembered with the preferences, as the queues' are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardSort {
    pub sessions: TableSort<SessionColumn>,
    pub reps: TableSort<RepColumn>,
}

/// Where a presence sorts: the ones ready for work first.
fn presence_rank(presence: Presence) -> u8 {
    match presence {
        Presence::Available => 0,
        Presence::Busy => 1,
        Presence::Away => 2,
        Presence::Paused => 3,
        Presence::Offline => 4,
    }
}

/// `None` last whatever the direction; otherwise `order` (already directed).
fn missing_last<T>(a: Option<T>, b: Option<T>, order: impl FnOnce(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => order(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn directed(order: Ordering, descending: bool) -> Ordering {
    if descending { order.reverse() } else { order }
}

/// Indices of `sessions` in `team` (all when `None`) sorted by `sort`; ties oldest first,
/// then by id. Ascending durations are the shortest first; an unanswered wait that is not
/// there sorts last both ways. `name` gives a rep's display name (the owner column).
pub fn sorted_sessions(
    sessions: &[LiveSession],
    team: Option<&TeamId>,
    sort: TableSort<SessionColumn>,
    name: &dyn Fn(&RepId) -> String,
) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..sessions.len())
        .filter(|i| team.is_none_or(|t| sessions[*i].team.as_ref() == Some(t)))
        .collect();
    // Names once per row, not once per comparison.
    let key: Vec<String> = match sort.column {
        SessionColumn::Customer => sessions.iter().map(|s| s.customer.to_lowercase()).collect(),
        SessionColumn::Owner => sessions
            .iter()
            .map(|s| {
                s.owner
                    .as_ref()
                    .map(name)
                    .unwrap_or_default()
                    .to_lowercase()
            })
            .collect(),
        _ => Vec::new(),
    };
    let tie = |a: &LiveSession, b: &LiveSession| {
        a.started_at
            .cmp(&b.started_at)
            .then(a.session_id.cmp(&b.session_id))
    };
    rows.sort_by(|&i, &j| {
        let (a, b) = (&sessions[i], &sessions[j]);
        let d = sort.descending;
        let order = match sort.column {
            SessionColumn::Customer => directed(key[i].cmp(&key[j]), d),
            SessionColumn::Owner => missing_last(
                a.owner.as_ref().map(|_| &key[i]),
                b.owner.as_ref().map(|_| &key[j]),
                |x, y| directed(x.cmp(y), d),
            ),
            SessionColumn::Participants => {
                directed(a.participants.len().cmp(&b.participants.len()), d)
            }
            // Longer = started earlier.
            SessionColumn::Duration => directed(b.started_at.cmp(&a.started_at), d),
            SessionColumn::Unanswered => {
                missing_last(a.unanswered_since, b.unanswered_since, |x, y| {
                    directed(y.cmp(&x), d)
                })
            }
            // Ascending puts the flagged ones first: that is what a lead sorts by them for.
            SessionColumn::Important => directed(b.important.cmp(&a.important), d),
            SessionColumn::Assistance => directed(b.assistance.cmp(&a.assistance), d),
        };
        order.then_with(|| tie(a, b))
    });
    rows
}

/// Indices of `reps` sorted by `sort`; ties by name. `name` gives a rep's display name.
/// Ascending: names A→Z, ready for work first, least loaded first, the most recent reply
/// first (never replied last), fewest awaiting, fewest missed.
pub fn sorted_reps(
    reps: &[RepLoad],
    sort: TableSort<RepColumn>,
    name: &dyn Fn(&RepId) -> String,
) -> Vec<usize> {
    let names: Vec<String> = reps.iter().map(|r| name(&r.rep).to_lowercase()).collect();
    let mut rows: Vec<usize> = (0..reps.len()).collect();
    rows.sort_by(|&i, &j| {
        let (a, b) = (&reps[i], &reps[j]);
        let d = sort.descending;
        let order = match sort.column {
            RepColumn::Rep => directed(names[i].cmp(&names[j]), d),
            RepColumn::Presence => directed(
                presence_rank(a.presence)
                    .cmp(&presence_rank(b.presence))
                    // Longest in that presence first.
                    .then(a.presence_since.cmp(&b.presence_since)),
                d,
            ),
            RepColumn::Load => directed(load(a).total_cmp(&load(b)), d),
            RepColumn::SinceReply => missing_last(a.last_reply_at, b.last_reply_at, |x, y| {
                directed(y.cmp(&x), d)
            }),
            RepColumn::AwaitingReply => directed(a.awaiting_reply.cmp(&b.awaiting_reply), d),
            RepColumn::MissedOffers => {
                directed(a.missed_offers_today.cmp(&b.missed_offers_today), d)
            }
        };
        order
            .then_with(|| names[i].cmp(&names[j]))
            .then_with(|| a.rep.cmp(&b.rep))
    });
    rows
}

/// How full a rep is: sessions owned over their cap (a rep without a cap counts as full
/// when they own any).
pub fn load(rep: &RepLoad) -> f64 {
    if rep.max_sessions == 0 {
        return if rep.sessions_owned == 0 { 0.0 } else { 1.0 };
    }
    f64::from(rep.sessions_owned) / f64::from(rep.max_sessions)
}

/// The sorted rows of the dashboard's two tables, rebuilt only when their data's
/// generation, the sort or the team filter changes.
#[derive(Debug, Clone, Default)]
pub struct DashboardViews {
    sessions_key: Option<(u64, TableSort<SessionColumn>, Option<TeamId>)>,
    sessions: Vec<usize>,
    reps_key: Option<(u64, TableSort<RepColumn>, Option<TeamId>)>,
    reps: Vec<usize>,
    /// How many times either order was rebuilt (for tests and the benchmark).
    pub rebuilds: u64,
}

impl DashboardViews {
    /// The sessions in `team` (all when `None`), in `sort` order.
    pub fn sessions(
        &mut self,
        state: &DashboardState,
        team: Option<&TeamId>,
        sort: TableSort<SessionColumn>,
        name: &dyn Fn(&RepId) -> String,
    ) -> &[usize] {
        let key = (state.sessions_generation, sort, team.cloned());
        if self.sessions_key.as_ref() != Some(&key) {
            self.sessions = sorted_sessions(&state.data.sessions, team, sort, name);
            self.sessions_key = Some(key);
            self.rebuilds += 1;
        }
        &self.sessions
    }

    /// The reps (of `team` when given: `members` are its members), in `sort` order.
    pub fn reps(
        &mut self,
        state: &DashboardState,
        team: Option<(&TeamId, &[RepId])>,
        sort: TableSort<RepColumn>,
        name: &dyn Fn(&RepId) -> String,
    ) -> &[usize] {
        let key = (state.reps_generation, sort, team.map(|(t, _)| t.clone()));
        if self.reps_key.as_ref() != Some(&key) {
            let mut rows = sorted_reps(&state.data.reps, sort, name);
            if let Some((_, members)) = team {
                rows.retain(|i| members.contains(&state.data.reps[*i].rep));
            }
            self.reps = rows;
            self.reps_key = Some(key);
            self.rebuilds += 1;
        }
        &self.reps
    }
}

/// Milliseconds from `since` to `now` (0 when `since` is ahead: clocks differ a little).
pub fn elapsed(since: UnixMillis, now: UnixMillis) -> u64 {
    now.saturating_sub(since)
}
