//! Team leads' dashboards in the router: a scripted morning with a fixed clock gives exact
//! series points and team, rep and session rows; missed offers reset at midnight UTC; a lead
//! gets only their teams, a plain rep nothing; the report's facts go out with the events.

use super::support::{Harness, config, customer, rep, req};
use crate::config::Config;
use crate::router::effects::{Effect, SessionFacts, StoreOp};
use std::sync::{Arc, OnceLock};
use switchboard_protocol::{
    CustomerRequest, Dashboard, DashboardDelta, Presence, RepEvent, RepId, RepRequest, Route,
    SERIES_SPAN_MS, SessionId, TeamId, TeamLoad, UnixMillis,
};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// 08:00 UTC on a Tuesday in 2023: a multiple of the 10 s step.
pub const MORNING: UnixMillis = 19_675 * DAY_MS + 8 * 60 * 60 * 1000;

/// lena leads billing and tech, lou leads sales (push); pat is a plain billing rep.
const DASHBOARD_CONFIG: &str = r#"
[server]
grace_secs = 5
offer_answer_secs = 30
require_disposition = false

[[teams]]
id = "billing"
name = "Billing"
target_wait_secs = 60
breach_wait_secs = 120

[[teams]]
id = "tech"
name = "Tech"

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = 20

[[reps]]
id = "lena"
name = "Lena Lead"
password_hash = "{HASH}"
teams = ["billing", "tech"]
lead = true

[[reps]]
id = "lou"
name = "Lou Lead"
password_hash = "{HASH}"
teams = ["sales"]
lead = true

[[reps]]
id = "bob"
name = "Bob"
password_hash = "{HASH}"
teams = ["billing"]
max_sessions = 3

[[reps]]
id = "pat"
name = "Pat"
password_hash = "{HASH}"
teams = ["billing"]

[[reps]]
id = "carl"
name = "Carl"
password_hash = "{HASH}"
teams = ["tech"]

[[reps]]
id = "sam"
name = "Sam"
password_hash = "{HASH}"
teams = ["sales"]
"#;

pub fn dashboard_config() -> Arc<Config> {
    static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            // The shared test configuration's hash: no second argon2 run.
            let hash = config()
                .reps
                .values()
                .next()
                .map(|r| r.password_hash.clone())
                .expect("the test configuration has reps");
            let text = DASHBOARD_CONFIG.replace("{HASH}", &hash);
            Arc::new(Config::from_toml(&text).expect("the dashboard configuration is valid"))
        })
        .clone()
}

pub fn harness_at(now: UnixMillis) -> Harness {
    let mut h = Harness::with_config(dashboard_config());
    h.now = now;
    h
}

pub fn team_route(team: &str) -> Route {
    Route::Team {
        team: TeamId::new(team),
    }
}

fn dashboard(h: &Harness, who: &str) -> Dashboard {
    *h.router
        .snapshot(&rep(who))
        .expect("a configured rep")
        .dashboard
        .expect("a lead has a dashboard")
}

fn team_load(h: &Harness, who: &str, team: &str) -> TeamLoad {
    dashboard(h, who)
        .teams
        .into_iter()
        .find(|t| t.team.as_str() == team)
        .expect("the lead's team")
}

pub fn deltas_to(effects: &[Effect], who: &str) -> Vec<DashboardDelta> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ToRep(r, RepEvent::DashboardChanged { delta }) if r.as_str() == who => {
                Some(delta.clone())
            }
            _ => None,
        })
        .collect()
}

fn facts(effects: &[Effect]) -> Vec<SessionFacts> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(StoreOp::PutSessionFacts(f)) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

fn start(h: &mut Harness, name: &str, team: &str) -> SessionId {
    h.start(name, team_route(team))
}

/// Advances to `at` and ticks.
fn tick_at(h: &mut Harness, at: UnixMillis) -> Vec<Effect> {
    h.now = at;
    h.tick()
}

#[test]
fn a_scripted_morning_gives_exact_figures() {
    let mut h = harness_at(MORNING);
    for who in ["lena", "bob", "pat"] {
        h.connect(who);
    }
    tick_at(&mut h, MORNING);
    h.now = MORNING + 1_000;
    let a = start(&mut h, "Ann", "billing");
    h.now = MORNING + 3_000;
    let b = start(&mut h, "Ben", "billing");

    // The first step: two arrivals, nobody accepted.
    let effects = tick_at(&mut h, MORNING + 10_000);
    let deltas = deltas_to(&effects, "lena");
    assert_eq!(deltas.len(), 1);
    let points: Vec<_> = deltas[0]
        .points
        .iter()
        .map(|p| (p.team.as_str(), p.point))
        .collect();
    assert_eq!(points.len(), 2, "one point per led team: {points:?}");
    let (team, point) = points[0];
    assert_eq!(team, "billing");
    assert_eq!(
        (
            point.at,
            point.waiting,
            point.in_progress,
            point.arrivals,
            point.accepts
        ),
        (MORNING + 10_000, 2, 0, 2, 0)
    );
    assert_eq!(
        (point.wait_p50_ms, point.wait_p90_ms, point.wait_max_ms),
        (0, 0, 0)
    );

    // Bob takes Ann after 12 s: the accept and its facts.
    h.now = MORNING + 13_000;
    let effects = h.accept("bob", a);
    assert_eq!(
        facts(&effects),
        vec![SessionFacts {
            session_id: a,
            team: None,
            queued_at: None,
            accepted_at: Some(MORNING + 13_000),
            accepted_by: Some(rep("bob")),
            ended_at: None,
            abandoned: false,
            waited_ms: Some(12_000),
        }]
    );
    let effects = tick_at(&mut h, MORNING + 20_000);
    let point = deltas_to(&effects, "lena")[0].points[0].point;
    assert_eq!(
        (
            point.waiting,
            point.in_progress,
            point.arrivals,
            point.accepts
        ),
        (1, 1, 0, 1)
    );
    assert_eq!(
        (point.wait_p50_ms, point.wait_p90_ms, point.wait_max_ms),
        (12_000, 12_000, 12_000)
    );

    let load = team_load(&h, "lena", "billing");
    assert_eq!(load.waiting, 1);
    assert_eq!(load.oldest_waiting_since, Some(MORNING + 3_000));
    assert_eq!(load.in_progress, 1);
    assert_eq!((load.available, load.offline), (3, 0));
    assert_eq!((load.over_target, load.breached), (0, 0));
    // One waiting, one accept in the last 15 minutes: a 15-minute wait.
    assert_eq!(load.predicted_wait_ms, Some(15 * 60 * 1000));
    assert_eq!((load.accepted_last_hour, load.abandoned_last_hour), (1, 0));
    let tech = team_load(&h, "lena", "tech");
    assert_eq!((tech.available, tech.offline, tech.waiting), (1, 1, 0));
    assert_eq!(tech.predicted_wait_ms, Some(0));

    // Ann writes twice, Bob answers: unanswered since her first, then nothing.
    h.now = MORNING + 21_000;
    h.customer_chat(a, "c1", "hello?");
    h.now = MORNING + 22_000;
    h.customer_chat(a, "c2", "anyone?");
    tick_at(&mut h, MORNING + 23_000);
    let board = dashboard(&h, "lena");
    let live = board
        .sessions
        .iter()
        .find(|s| s.session_id == a)
        .expect("Ann is live");
    assert_eq!(live.unanswered_since, Some(MORNING + 21_000));
    assert_eq!(live.owner, Some(rep("bob")));
    assert_eq!(live.team, Some(TeamId::new("billing")));
    let bob = board
        .reps
        .iter()
        .find(|r| r.rep == rep("bob"))
        .expect("bob's row");
    assert_eq!(
        (bob.sessions_owned, bob.awaiting_reply, bob.last_reply_at),
        (1, 1, None)
    );
    h.now = MORNING + 24_000;
    h.chat("bob", req::chat(a, "r1", "Here!"));
    tick_at(&mut h, MORNING + 25_000);
    let board = dashboard(&h, "lena");
    assert_eq!(board.sessions[0].unanswered_since, None);
    let bob = board
        .reps
        .iter()
        .find(|r| r.rep == rep("bob"))
        .expect("bob's row");
    assert_eq!(
        (bob.awaiting_reply, bob.last_reply_at),
        (0, Some(MORNING + 24_000))
    );

    // Ben has waited 60 s at 01:03 (over target), 120 s at 02:03 (breached).
    tick_at(&mut h, MORNING + 63_000);
    let load = team_load(&h, "lena", "billing");
    assert_eq!((load.over_target, load.breached), (1, 0));
    tick_at(&mut h, MORNING + 123_000);
    let load = team_load(&h, "lena", "billing");
    assert_eq!((load.over_target, load.breached), (1, 1));

    // Ben gives up: an abandon, and his facts say so.
    h.now = MORNING + 130_000;
    let (reply, effects) = h.customer(b, CustomerRequest::Leave);
    assert!(reply.is_ok());
    let ended = facts(&effects);
    assert_eq!(ended.len(), 1);
    assert_eq!(
        (ended[0].ended_at, ended[0].abandoned),
        (Some(MORNING + 130_000), true)
    );
    tick_at(&mut h, MORNING + 131_000);
    let load = team_load(&h, "lena", "billing");
    assert_eq!((load.waiting, load.oldest_waiting_since), (0, None));
    assert_eq!((load.accepted_last_hour, load.abandoned_last_hour), (1, 1));
    assert_eq!(load.predicted_wait_ms, Some(0));

    // An hour later the hour's counts are empty again.
    tick_at(&mut h, MORNING + 131_000 + 60 * 60 * 1000);
    let load = team_load(&h, "lena", "billing");
    assert_eq!((load.accepted_last_hour, load.abandoned_last_hour), (0, 0));
    // The series keeps one hour.
    let board = dashboard(&h, "lena");
    let first = board.series[0].points.first().expect("points").at;
    let last = board.series[0].points.last().expect("points").at;
    assert!(last - first < SERIES_SPAN_MS, "{first}..{last}");
}

#[test]
fn arrivals_write_the_report_facts() {
    let mut h = harness_at(MORNING);
    let effects = h.start_with(customer("Ann"), team_route("billing")).1;
    let id = super::support::started_session(&effects);
    assert_eq!(
        facts(&effects),
        vec![SessionFacts {
            session_id: id,
            team: Some(TeamId::new("billing")),
            queued_at: Some(MORNING),
            accepted_at: None,
            accepted_by: None,
            ended_at: None,
            abandoned: false,
            waited_ms: None,
        }]
    );
}

#[test]
fn missed_offers_today_reset_at_midnight_utc() {
    let before_midnight = MORNING - 8 * 60 * 60 * 1000 + DAY_MS - 60_000;
    let mut h = harness_at(before_midnight);
    h.connect("lou");
    h.connect("sam");
    // Lou is in sales too: away, so the offer goes to Sam.
    h.ok(
        "lou",
        RepRequest::SetPresence {
            presence: Presence::Away,
        },
    );
    tick_at(&mut h, before_midnight);
    start(&mut h, "Ann", "sales");
    // Sam lets the 20 s offer pass: paused, one missed offer today.
    let paused_at = before_midnight + 21_000;
    tick_at(&mut h, paused_at);
    let board = dashboard(&h, "lou");
    let sam = board
        .reps
        .iter()
        .find(|r| r.rep == rep("sam"))
        .expect("sam's row");
    assert_eq!(sam.missed_offers_today, 1);
    assert_eq!(
        (sam.presence, sam.presence_since),
        (Presence::Paused, paused_at)
    );
    // After midnight the count starts again, and the lead is told.
    let effects = tick_at(&mut h, before_midnight + 61_000);
    let deltas = deltas_to(&effects, "lou");
    let rows: Vec<_> = deltas.iter().flat_map(|d| d.reps.iter()).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].rep.as_str(), rows[0].missed_offers_today),
        ("sam", 0)
    );
}

#[test]
fn a_lead_gets_only_their_teams_and_a_plain_rep_nothing() {
    let mut h = harness_at(MORNING);
    for who in ["lena", "lou", "pat", "bob", "sam"] {
        h.connect(who);
    }
    assert!(
        h.router
            .snapshot(&rep("pat"))
            .and_then(|s| s.dashboard)
            .is_none()
    );
    assert!(
        h.router
            .snapshot(&rep("bob"))
            .and_then(|s| s.dashboard)
            .is_none()
    );
    let lena = dashboard(&h, "lena");
    let teams: Vec<&str> = lena.teams.iter().map(|t| t.team.as_str()).collect();
    assert_eq!(teams, ["billing", "tech"]);
    let reps: Vec<&str> = lena.reps.iter().map(|r| r.rep.as_str()).collect();
    assert_eq!(reps, ["bob", "carl", "lena", "pat"]);
    let lou = dashboard(&h, "lou");
    let reps: Vec<&str> = lou.reps.iter().map(|r| r.rep.as_str()).collect();
    assert_eq!(reps, ["lou", "sam"]);

    let mut all = tick_at(&mut h, MORNING);
    let a = start(&mut h, "Ann", "billing");
    h.accept("bob", a);
    h.ok(
        "sam",
        RepRequest::SetPresence {
            presence: Presence::Away,
        },
    );
    start(&mut h, "Sue", "sales");
    all.extend(tick_at(&mut h, MORNING + 10_000));
    for plain in ["pat", "bob", "sam", "carl"] {
        assert!(
            deltas_to(&all, plain).is_empty(),
            "{plain} got a dashboard event"
        );
    }
    let lena: Vec<DashboardDelta> = deltas_to(&all, "lena");
    assert!(!lena.is_empty());
    for delta in &lena {
        assert!(
            delta
                .teams
                .iter()
                .all(|t| ["billing", "tech"].contains(&t.team.as_str()))
        );
        assert!(
            delta
                .points
                .iter()
                .all(|p| ["billing", "tech"].contains(&p.team.as_str()))
        );
        assert!(
            delta
                .reps
                .iter()
                .all(|r| ["bob", "carl", "lena", "pat"].contains(&r.rep.as_str()))
        );
        assert!(delta.sessions.iter().all(|s| s.session_id == a));
    }
    let lou = deltas_to(&all, "lou");
    assert!(lou.iter().any(|d| {
        d.teams
            .iter()
            .any(|t| t.team.as_str() == "sales" && t.waiting == 1)
    }));
    for delta in &lou {
        assert!(delta.teams.iter().all(|t| t.team.as_str() == "sales"));
        assert!(
            delta
                .reps
                .iter()
                .all(|r| ["lou", "sam"].contains(&r.rep.as_str()))
        );
        assert!(delta.sessions.is_empty());
    }
}

#[test]
fn rounds_run_at_most_once_a_second() {
    let mut h = harness_at(MORNING);
    h.connect("lena");
    tick_at(&mut h, MORNING);
    start(&mut h, "Ann", "billing");
    assert!(deltas_to(&tick_at(&mut h, MORNING + 999), "lena").is_empty());
    let deltas = deltas_to(&tick_at(&mut h, MORNING + 1_000), "lena");
    assert_eq!(deltas.len(), 1);
    assert_eq!(deltas[0].teams[0].waiting, 1);
    // Nothing changed since: nothing sent.
    assert!(deltas_to(&tick_at(&mut h, MORNING + 2_000), "lena").is_empty());
}

/// A lead's rows after a restart are those of the restored state (series empty).
#[test]
fn the_dashboard_after_a_restore_shows_the_restored_queue() {
    let mut h = harness_at(MORNING);
    start(&mut h, "Ann", "billing");
    let restored = h.store.restored();
    let router = crate::router::Router::restore(dashboard_config(), 7, restored, MORNING + 5_000);
    let board = router
        .snapshot(&RepId::new("lena"))
        .and_then(|s| s.dashboard)
        .expect("a lead's dashboard");
    assert_eq!(board.teams[0].waiting, 1);
    assert!(board.series.iter().all(|s| s.points.is_empty()));
}

/// The rows a new router starts with (built from the configuration alone) are what the
/// figures compute for an empty router: the first round sends only real changes.
#[test]
fn a_new_router_starts_with_the_rows_of_an_empty_router() {
    let h = harness_at(MORNING);
    let led = h.router.dashboard.led_teams.clone();
    assert_eq!(led.len(), 3);
    assert_eq!(
        h.router.dashboard.sent,
        h.router.dashboard_rows(MORNING, &led)
    );
}
