//! `cargo bench --bench dashboard`: a team lead's Dashboard with 10 teams × 100 reps ×
//! 1,000 sessions and a full hour of series points per team — CPU time per frame of the real
//! `dashboard_ui` laid out by egui in a kittest harness (steady; with one typical delta
//! applied before every frame, so the tables re-sort; narrow and wide), and the time to
//! apply one typical delta to the model. A plain harness like the other benches (criterion
//! is not among the workspace's dependencies).

#![allow(clippy::unwrap_used)]

use egui_kittest::Harness;

#[path = "support/frames.rs"]
mod frames;
use std::time::Instant;
use switchboard::model::Model;
use switchboard::model::dashboard::{DashboardSort, sample};
use switchboard::ui::dashboard::{DashboardPanel, dashboard_ui};
use switchboard_protocol::supervision::{DashboardDelta, SERIES_STEP_MS, TeamPoint};
use switchboard_protocol::*;

const TEAMS: usize = 10;
const REPS_PER_TEAM: usize = 100;
const SESSIONS: usize = 1_000;
const NOW: UnixMillis = 1_800_000_000_000;

fn lead_model() -> Model {
    let data = sample::dashboard(TEAMS, REPS_PER_TEAM, SESSIONS, NOW);
    let teams: Vec<TeamInfo> = (0..TEAMS)
        .map(|i| TeamInfo {
            team: sample::team_id(i),
            display_name: format!("Team {}", sample::team_id(i)),
            mode: QueueMode::Pull,
            members: (0..REPS_PER_TEAM).map(|j| sample::rep_id(i, j)).collect(),
        })
        .collect();
    let reps: Vec<RepInfo> = (0..TEAMS)
        .flat_map(|i| {
            (0..REPS_PER_TEAM).map(move |j| RepInfo {
                rep: sample::rep_id(i, j),
                display_name: sample::rep_name(i, j),
                teams: vec![sample::team_id(i)],
                presence: Presence::Available,
                extended_availability: false,
            })
        })
        .collect();
    let me = RepInfo {
        rep: RepId::from("grace"),
        display_name: "Grace Lin".into(),
        teams: teams.iter().map(|t| t.team.clone()).collect(),
        presence: Presence::Available,
        extended_availability: false,
    };
    let snapshot = RepSnapshot {
        me,
        permissions: Permissions {
            general_queue: true,
            share_outside_teams: true,
            transfer: true,
            max_sessions: 6,
            lead: true,
            screen: Default::default(),
            shell: false,
            support_button: false,
            jump_client: false,
            elevate: false,
            monitor: true,
            take_over: true,
            whisper: true,
        },
        reps,
        teams,
        issues: vec![],
        dispositions: vec![],
        require_disposition: false,
        queues: vec![],
        sessions: vec![],
        offer: None,
        team_chat: vec![],
        templates: vec![],
        external_url: None,
        assistance: vec![],
        dashboard: Some(Box::new(data)),
    };
    let mut model = Model::new();
    model.apply(RepServerMessage::Snapshot {
        seq: 0,
        state: Box::new(snapshot),
    });
    model
}

/// What the server sends in a typical second: two teams' figures, three reps, five
/// sessions changed, one ended, and (every 10th) a series point for every team.
fn typical_delta(model: &Model, k: u64) -> DashboardDelta {
    let state = model.dashboard.as_ref().unwrap();
    let n = state.data.sessions.len() as u64;
    let mut teams: Vec<_> = state.data.teams.iter().take(2).cloned().collect();
    teams.iter_mut().for_each(|t| t.waiting = (k % 9) as u32);
    let mut reps: Vec<_> = state
        .data
        .reps
        .iter()
        .skip((k % 50) as usize)
        .take(3)
        .cloned()
        .collect();
    reps.iter_mut()
        .for_each(|r| r.awaiting_reply = (k % 4) as u32);
    let mut sessions: Vec<_> = (0..5)
        .map(|i| state.data.sessions[((k * 17 + i * 101) % n) as usize].clone())
        .collect();
    sessions
        .iter_mut()
        .for_each(|s| s.unanswered_since = Some(NOW - k * 1_000));
    // One ends, one new one starts: the count stays.
    let ended = vec![state.data.sessions[((k * 31) % n) as usize].session_id];
    let mut started = state.data.sessions[0].clone();
    started.session_id = SessionId(1_000_000 + k);
    sessions.push(started);
    let points = if k.is_multiple_of(10) {
        (0..TEAMS)
            .map(|i| TeamPoint {
                team: sample::team_id(i),
                point: sample::point(i, k, NOW + (k / 10 + 1) * SERIES_STEP_MS),
            })
            .collect()
    } else {
        Vec::new()
    };
    DashboardDelta {
        teams,
        reps,
        sessions,
        ended,
        points,
    }
}

struct Screen {
    model: Model,
    panel: DashboardPanel,
}

fn measure_frames(size: [f32; 2], frames: u32, delta_every_frame: bool) -> (f64, u64) {
    let screen = Screen {
        model: lead_model(),
        panel: DashboardPanel::default(),
    };
    let mut harness = Harness::builder()
        .with_size(size)
        .with_context_setup(switchboard::app::install_fonts)
        .build_ui_state(
            move |ui, screen: &mut Screen| {
                let mut intents = Vec::new();
                dashboard_ui(
                    ui,
                    &screen.model,
                    DashboardSort::default(),
                    &mut screen.panel,
                    NOW,
                    &mut intents,
                );
            },
            screen,
        );
    let ms = frames::ms_per_frame(&mut harness, frames, |harness, k| {
        if delta_every_frame {
            let delta = typical_delta(&harness.state().model, k);
            harness.state_mut().model.apply(RepServerMessage::Event {
                seq: k,
                event: RepEvent::DashboardChanged { delta },
            });
        }
    });
    let rebuilds = harness.state().panel.views.rebuilds;
    (ms, rebuilds)
}

fn measure_apply(deltas: u64) -> f64 {
    let mut model = lead_model();
    let prepared: Vec<DashboardDelta> = (1..=deltas).map(|k| typical_delta(&model, k)).collect();
    let wall = Instant::now();
    let before = frames::thread_cpu_ns(wall);
    for (k, delta) in prepared.into_iter().enumerate() {
        model.apply(RepServerMessage::Event {
            seq: k as u64 + 1,
            event: RepEvent::DashboardChanged { delta },
        });
    }
    (frames::thread_cpu_ns(wall) - before) as f64 / deltas as f64 / 1e3
}

fn main() {
    println!(
        "dashboard, {TEAMS} teams x {REPS_PER_TEAM} reps x {SESSIONS} sessions, 360 points per team (release build, layout only):"
    );
    for size in [[1024.0, 700.0], [1920.0, 1080.0]] {
        let (steady, _) = measure_frames(size, 100, false);
        let (changing, rebuilds) = measure_frames(size, 100, true);
        println!(
            "  {}x{}: {steady:.2} ms per frame steady, {changing:.2} ms per frame with a typical delta before every frame ({rebuilds} table re-sorts)",
            size[0], size[1]
        );
    }
    let apply_us = measure_apply(1_000);
    println!("  applying one typical delta to the model: {apply_us:.1} µs");
}
