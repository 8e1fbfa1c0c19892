//! A made-up but realistic dashboard: `teams` teams of `reps_per_team` reps, `sessions`
//! sessions in progress and a full hour of series points per team. The benchmark, the
//! screenshots' fixture and the model's tests draw from it, so the three see the same data;
//! it is deterministic (no randomness, `now` is an argument).

use switchboard_protocol::supervision::{
    Dashboard, LiveSession, RepLoad, SERIES_SPAN_MS, SERIES_STEP_MS, SeriesPoint, ServiceLevel,
    TeamLoad, TeamSeries,
};
use switchboard_protocol::{Presence, RepId, SessionId, TeamId, UnixMillis};

/// The sample's team names, cycled (with a number once they run out).
const TEAM_NAMES: [&str; 10] = [
    "billing",
    "technical",
    "onboarding",
    "returns",
    "enterprise",
    "mobile",
    "payments",
    "security",
    "shipping",
    "accounts",
];

const FIRST_NAMES: [&str; 12] = [
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca",
];

/// The id of the sample's team `i`.
pub fn team_id(i: usize) -> TeamId {
    match TEAM_NAMES.get(i) {
        Some(name) => TeamId::from(*name),
        None => TeamId::from(format!("team{i}").as_str()),
    }
}

/// The id of the sample's rep `j` of team `i`.
pub fn rep_id(i: usize, j: usize) -> RepId {
    RepId::from(format!("rep{i}_{j}").as_str())
}

/// A display name for the sample's rep `j` of team `i`.
pub fn rep_name(i: usize, j: usize) -> String {
    format!(
        "{} {}{}",
        FIRST_NAMES[(i * 7 + j) % FIRST_NAMES.len()],
        (b'A' + ((i + j * 3) % 26) as u8) as char,
        if j >= FIRST_NAMES.len() {
            format!(" {j}")
        } else {
            String::new()
        }
    )
}

/// The sample dashboard at `now`.
pub fn dashboard(
    teams: usize,
    reps_per_team: usize,
    sessions: usize,
    now: UnixMillis,
) -> Dashboard {
    let presences = [
        Presence::Available,
        Presence::Busy,
        Presence::Available,
        Presence::Away,
        Presence::Busy,
        Presence::Paused,
        Presence::Available,
        Presence::Offline,
    ];
    let mut reps = Vec::new();
    for i in 0..teams {
        for j in 0..reps_per_team {
            let k = (i * 31 + j * 17) as u64;
            reps.push(RepLoad {
                rep: rep_id(i, j),
                presence: presences[(i + j) % presences.len()],
                presence_since: now - (k * 61_000) % 5_400_000,
                sessions_owned: (k % 5) as u32,
                max_sessions: 4,
                last_reply_at: (!k.is_multiple_of(6)).then(|| now - (k * 13_000) % 900_000),
                awaiting_reply: (k % 3) as u32,
                missed_offers_today: (k % 7 / 3) as u32,
            });
        }
    }
    let live = (0..sessions)
        .map(|n| {
            let k = n as u64;
            let i = n % teams.max(1);
            let j = (n / teams.max(1)) % reps_per_team.max(1);
            LiveSession {
                session_id: SessionId(1_000 + k),
                team: Some(team_id(i)),
                customer: format!(
                    "{} {}",
                    ["Pat", "Sam", "Alex", "Jordan", "Robin", "Kim"][n % 6],
                    ["Doe", "Lee", "Novak", "Okafor", "Silva", "Berg", "Chen"][n % 7]
                ),
                owner: (reps_per_team > 0).then(|| rep_id(i, j)),
                participants: (0..1 + n % 3)
                    .filter(|p| *p < reps_per_team)
                    .map(|p| rep_id(i, (j + p) % reps_per_team))
                    .collect(),
                started_at: now - 60_000 - (k * 7_919) % 3_000_000,
                unanswered_since: (k % 4 == 1).then(|| now - (k * 3_001) % 400_000),
                important: k.is_multiple_of(9),
                assistance: k % 13 == 5,
                monitors: Vec::new(),
            }
        })
        .collect();
    let steps = SERIES_SPAN_MS / SERIES_STEP_MS;
    let series = (0..teams)
        .map(|i| TeamSeries {
            team: team_id(i),
            points: (0..steps)
                .map(|s| point(i, s, now - (steps - 1 - s) * SERIES_STEP_MS))
                .collect(),
        })
        .collect();
    let team_loads = (0..teams)
        .map(|i| {
            let waiting = [3u32, 0, 7, 1, 12, 2, 0, 5, 4, 1][i % 10];
            TeamLoad {
                team: team_id(i),
                service_level: ServiceLevel::default(),
                waiting,
                oldest_waiting_since: (waiting > 0)
                    .then(|| now - [45, 0, 95, 20, 240, 70][i % 6] * 1_000),
                in_progress: (sessions / teams.max(1)) as u32,
                available: (reps_per_team / 3) as u32,
                busy: (reps_per_team / 3) as u32,
                away: (reps_per_team / 6) as u32,
                paused: (reps_per_team / 12) as u32,
                offline: (reps_per_team / 12) as u32,
                over_target: waiting / 2,
                breached: waiting / 4,
                predicted_wait_ms: (waiting > 0).then(|| u64::from(waiting) * 25_000),
                accepted_last_hour: 40 + (i as u32 * 13) % 50,
                abandoned_last_hour: (i as u32 * 7) % 6,
            }
        })
        .collect();
    Dashboard {
        step_ms: SERIES_STEP_MS,
        teams: team_loads,
        reps,
        sessions: live,
        series,
    }
}

/// Team `i`'s point at step `s` (a slow wave with some noise, different for each team).
pub fn point(i: usize, s: u64, at: UnixMillis) -> SeriesPoint {
    let phase = (s as f64 / 40.0) + i as f64;
    let wave = (phase.sin() + 1.0) / 2.0;
    // Changes once a minute: steps, as real counts make, rather than spikes.
    let noise = ((s / 6 * 7 + i as u64 * 3) % 5) as f64 / 5.0;
    let waiting = (wave * 8.0 + noise * 2.0) as u32 + (i % 3) as u32;
    // Arrivals follow the wave; accepts a step behind (the queue grows, then drains).
    let lagged = (((s as f64 - 3.0) / 40.0 + i as f64).sin() + 1.0) / 2.0;
    let accepts = (lagged * 2.0 + noise) as u32;
    let p50 = ((wave * 50.0 + noise * 10.0) * 1_000.0) as u64;
    SeriesPoint {
        at,
        waiting,
        in_progress: 60 + (wave * 40.0) as u32,
        wait_p50_ms: if accepts > 0 { p50 } else { 0 },
        wait_p90_ms: if accepts > 0 { p50 * 2 + 8_000 } else { 0 },
        wait_max_ms: if accepts > 0 { p50 * 3 + 20_000 } else { 0 },
        arrivals: (wave * 2.0 + noise) as u32,
        accepts,
    }
}
