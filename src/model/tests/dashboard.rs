//! A lead's dashboard in the model: the snapshot's dashboard kept (and none for a plain
//! rep), deltas applied in the documented order, series points older than an hour dropped,
//! the hostile bounds, and the sorted tables (each column, both directions, missing values
//! last, rebuilt only when something changed).

use super::*;
use crate::model::dashboard::{
    DashboardViews, MAX_SESSIONS, MAX_TEXT, RepColumn, SessionColumn, TableSort, sample,
    sorted_reps, sorted_sessions,
};
use switchboard_protocol::supervision::{
    Dashboard, DashboardDelta, LiveSession, RepLoad, SERIES_SPAN_MS, SERIES_STEP_MS, TeamPoint,
};

fn lead_snapshot(dashboard: Dashboard) -> RepSnapshot {
    RepSnapshot {
        dashboard: Some(Box::new(dashboard)),
        ..snapshot_state()
    }
}

fn live(id: u64, customer: &str, started_at: UnixMillis) -> LiveSession {
    LiveSession {
        session_id: SessionId(id),
        team: Some(team("billing")),
        customer: customer.to_owned(),
        owner: Some(rep(BOB)),
        participants: vec![rep(BOB)],
        started_at,
        unanswered_since: None,
        important: false,
        assistance: false,
        monitors: Vec::new(),
    }
}

fn rep_load(name: &str, presence: Presence) -> RepLoad {
    RepLoad {
        rep: rep(name),
        presence,
        presence_since: T0,
        sessions_owned: 1,
        max_sessions: 4,
        last_reply_at: None,
        awaiting_reply: 0,
        missed_offers_today: 0,
    }
}

fn changed(console: &mut Console, delta: DashboardDelta) {
    console.event(RepEvent::DashboardChanged { delta });
}

fn ids(sessions: &[LiveSession], rows: &[usize]) -> Vec<u64> {
    rows.iter().map(|i| sessions[*i].session_id.0).collect()
}

fn plain_name(rep: &RepId) -> String {
    rep.to_string()
}

#[test]
fn a_plain_rep_has_no_dashboard_and_a_lead_gets_the_snapshots() {
    let console = Console::new();
    assert!(console.model.dashboard.is_none());
    let console = Console::with(lead_snapshot(sample::dashboard(2, 3, 4, T0)));
    let dashboard = console
        .model
        .dashboard
        .as_ref()
        .expect("a lead's dashboard");
    assert_eq!(dashboard.data.teams.len(), 2);
    assert_eq!(dashboard.data.reps.len(), 6);
    assert_eq!(dashboard.data.sessions.len(), 4);
    assert_eq!(dashboard.series(&sample::team_id(1)).len(), 360);
}

#[test]
fn a_delta_replaces_teams_and_reps_upserts_sessions_removes_ended_and_appends_points() {
    let mut data = sample::dashboard(1, 0, 0, T0);
    data.reps = vec![rep_load(ME, Presence::Available)];
    data.sessions = vec![live(1, "Pat", T0), live(2, "Sam", T0)];
    let mut console = Console::with(lead_snapshot(data));
    let before = console.model.dashboard.clone().expect("dashboard");
    let mut team = before.data.teams[0].clone();
    team.waiting = 42;
    let mut renamed = live(2, "Sam Lee", T0);
    renamed.important = true;
    let newest = before.series(&team.team).last().expect("points").at;
    let point = sample::point(0, 1, newest + SERIES_STEP_MS);
    changed(
        &mut console,
        DashboardDelta {
            teams: vec![team.clone()],
            reps: vec![rep_load(ME, Presence::Away), rep_load(BOB, Presence::Busy)],
            sessions: vec![renamed.clone(), live(3, "Alex", T0)],
            // Listed as upserted and ended: the end comes after and wins.
            ended: vec![SessionId(1), SessionId(3)],
            points: vec![TeamPoint {
                team: team.team.clone(),
                point,
            }],
        },
    );
    let after = console.model.dashboard.as_ref().expect("dashboard");
    assert_eq!(after.data.teams, vec![team.clone()]);
    assert_eq!(after.data.reps.len(), 2, "a new rep row is added");
    assert_eq!(after.data.reps[0].presence, Presence::Away);
    assert_eq!(after.data.sessions, vec![renamed]);
    assert!(after.session(SessionId(1)).is_none());
    assert_eq!(after.session(SessionId(2)).map(|s| s.important), Some(true));
    let series = after.series(&team.team);
    assert_eq!(series.last(), Some(&point));
    assert_eq!(
        series.len(),
        360,
        "the oldest point left as the newest came"
    );
    assert!(after.sessions_generation > before.sessions_generation);
    assert!(after.reps_generation > before.reps_generation);
    assert!(after.series_generation > before.series_generation);
}

#[test]
fn points_older_than_the_span_before_the_newest_are_dropped() {
    let mut console = Console::with(lead_snapshot(sample::dashboard(1, 1, 0, T0)));
    let billing = sample::team_id(0);
    // Half an hour later, nothing in between: the first half hour goes.
    let later = T0 + SERIES_SPAN_MS / 2;
    changed(
        &mut console,
        DashboardDelta {
            points: vec![TeamPoint {
                team: billing.clone(),
                point: sample::point(0, 0, later),
            }],
            ..Default::default()
        },
    );
    let dashboard = console.model.dashboard.as_ref().expect("dashboard");
    let series = dashboard.series(&billing);
    assert!(series.iter().all(|p| p.at > later - SERIES_SPAN_MS));
    assert_eq!(
        series.first().map(|p| p.at),
        Some(later - SERIES_SPAN_MS + SERIES_STEP_MS)
    );
    assert_eq!(series.len(), 181, "the newer half hour and the new point");
    // A point for a team not yet seen starts its series.
    changed(
        &mut console,
        DashboardDelta {
            points: vec![TeamPoint {
                team: team("newteam"),
                point: sample::point(0, 0, later),
            }],
            ..Default::default()
        },
    );
    let dashboard = console.model.dashboard.as_ref().expect("dashboard");
    assert_eq!(dashboard.series(&team("newteam")).len(), 1);
}

#[test]
fn a_snapshots_series_is_sorted_and_trimmed_and_hostile_sizes_are_bounded() {
    let mut data = sample::dashboard(1, 1, 0, T0);
    data.series[0].points.reverse();
    data.series[0]
        .points
        .push(sample::point(0, 0, T0 - 3 * SERIES_SPAN_MS));
    data.sessions = (0..MAX_SESSIONS as u64 + 10)
        .map(|i| live(i, "x", T0))
        .collect();
    data.sessions[0].customer = "n".repeat(10_000);
    let console = Console::with(lead_snapshot(data));
    let dashboard = console.model.dashboard.as_ref().expect("dashboard");
    let series = dashboard.series(&sample::team_id(0));
    assert_eq!(series.len(), 360);
    assert!(series.windows(2).all(|w| w[0].at < w[1].at));
    assert_eq!(dashboard.data.sessions.len(), MAX_SESSIONS);
    assert_eq!(
        dashboard.data.sessions[0].customer.chars().count(),
        MAX_TEXT
    );
}

#[test]
fn a_delta_before_any_snapshot_or_for_a_plain_rep_is_ignored() {
    let mut console = Console::new();
    changed(
        &mut console,
        DashboardDelta {
            sessions: vec![live(1, "Pat", T0)],
            ..Default::default()
        },
    );
    assert!(console.model.dashboard.is_none());
}

#[test]
fn sessions_sort_by_each_column_both_ways_with_missing_values_last() {
    let mut a = live(1, "alex", T0 - 10_000);
    let mut b = live(2, "Bea", T0 - 30_000);
    let mut c = live(3, "carl", T0 - 20_000);
    a.unanswered_since = Some(T0 - 5_000);
    c.unanswered_since = Some(T0 - 50_000);
    b.owner = None;
    b.participants = vec![rep(ME), rep(BOB)];
    c.important = true;
    a.assistance = true;
    let sessions = vec![a, b, c];
    let by = |column, descending| {
        ids(
            &sessions,
            &sorted_sessions(
                &sessions,
                None,
                TableSort { column, descending },
                &plain_name,
            ),
        )
    };
    assert_eq!(by(SessionColumn::Customer, false), vec![1, 2, 3]);
    assert_eq!(by(SessionColumn::Customer, true), vec![3, 2, 1]);
    assert_eq!(by(SessionColumn::Duration, false), vec![1, 3, 2]);
    assert_eq!(by(SessionColumn::Duration, true), vec![2, 3, 1]);
    // The shortest unanswered wait first; the session without one is last both ways.
    assert_eq!(by(SessionColumn::Unanswered, false), vec![1, 3, 2]);
    assert_eq!(by(SessionColumn::Unanswered, true), vec![3, 1, 2]);
    assert_eq!(by(SessionColumn::Owner, false)[2], 2);
    assert_eq!(by(SessionColumn::Owner, true)[2], 2);
    assert_eq!(by(SessionColumn::Participants, true)[0], 2);
    assert_eq!(by(SessionColumn::Important, false)[0], 3);
    assert_eq!(by(SessionColumn::Assistance, false)[0], 1);
}

#[test]
fn reps_sort_by_presence_load_and_last_reply() {
    let mut reps = vec![
        rep_load("zoe", Presence::Away),
        rep_load("amy", Presence::Available),
        rep_load("kai", Presence::Busy),
    ];
    reps[0].sessions_owned = 4;
    reps[1].sessions_owned = 0;
    reps[2].last_reply_at = Some(T0);
    reps[0].last_reply_at = Some(T0 - 60_000);
    let by = |column, descending| -> Vec<String> {
        sorted_reps(&reps, TableSort { column, descending }, &plain_name)
            .into_iter()
            .map(|i| reps[i].rep.to_string())
            .collect()
    };
    assert_eq!(by(RepColumn::Rep, false), ["amy", "kai", "zoe"]);
    assert_eq!(by(RepColumn::Presence, false), ["amy", "kai", "zoe"]);
    assert_eq!(by(RepColumn::Load, true), ["zoe", "kai", "amy"]);
    // The most recent reply first; never replied last both ways.
    assert_eq!(by(RepColumn::SinceReply, false), ["kai", "zoe", "amy"]);
    assert_eq!(by(RepColumn::SinceReply, true), ["zoe", "kai", "amy"]);
}

#[test]
fn the_sorted_views_rebuild_only_when_the_data_the_sort_or_the_team_changes() {
    let mut console = Console::with(lead_snapshot(sample::dashboard(3, 5, 30, T0)));
    let mut views = DashboardViews::default();
    let sort = TableSort::default();
    let state = console.model.dashboard.clone().expect("dashboard");
    let all = views.sessions(&state, None, sort, &plain_name).len();
    assert_eq!(all, 30);
    views.sessions(&state, None, sort, &plain_name);
    assert_eq!(views.rebuilds, 1, "the same frame again: no re-sort");
    let billing = sample::team_id(0);
    assert_eq!(
        views
            .sessions(&state, Some(&billing), sort, &plain_name)
            .len(),
        10
    );
    assert_eq!(views.rebuilds, 2);
    // A delta that only moves the series or the teams' figures leaves the tables alone.
    changed(
        &mut console,
        DashboardDelta {
            points: vec![TeamPoint {
                team: billing.clone(),
                point: sample::point(0, 0, T0 + SERIES_STEP_MS),
            }],
            ..Default::default()
        },
    );
    let state = console.model.dashboard.clone().expect("dashboard");
    views.sessions(&state, Some(&billing), sort, &plain_name);
    assert_eq!(views.rebuilds, 2);
    changed(
        &mut console,
        DashboardDelta {
            ended: vec![state.data.sessions[0].session_id],
            ..Default::default()
        },
    );
    let state = console.model.dashboard.clone().expect("dashboard");
    assert_eq!(
        views
            .sessions(&state, Some(&billing), sort, &plain_name)
            .len(),
        9
    );
    assert_eq!(views.rebuilds, 3);
}
