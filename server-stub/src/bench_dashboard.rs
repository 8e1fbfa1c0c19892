//! `switchboard-server bench --dashboard`: what team leads' dashboards cost, in process with a
//! fixed clock. 10 teams × 100 reps, 1,000 sessions in progress; every simulated second
//! each team gets an arrival, accepts its oldest waiting session, ends one session and
//! carries chat. Prints the lead's snapshot dashboard size (JSON), the `dashboard_changed`
//! bytes per minute one lead receives, and the router's time per tick.

use crate::config::Config;
use crate::router::effects::Effect;
use crate::router::{Input, Router};
use anyhow::Context;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_protocol::{
    CloseMode, CustomerInfo, CustomerRequest, RepEvent, RepId, RepRequest, Route, SessionId,
    TeamId, Visibility,
};

const TEAMS: usize = 10;
const REPS_PER_TEAM: usize = 100;
const LIVE_PER_TEAM: usize = 100;
/// Simulated minutes measured (after the warm-up that fills the teams).
const MINUTES: u64 = 10;

/// The configuration: rep `t{t}r0` leads team t; `boss` leads all ten.
fn config_toml(hash: &str) -> String {
    let mut toml = String::from(
        "[server]\ngrace_secs = 60\nrequire_disposition = false\n\n[limits]\n\
         max_waiting_per_queue = 1000000\nchat_per_second = 10000\nchat_burst = 10000\n\n",
    );
    let all: Vec<String> = (0..TEAMS).map(|t| format!("\"t{t}\"")).collect();
    for t in 0..TEAMS {
        toml.push_str(&format!(
            "[[teams]]\nid = \"t{t}\"\nname = \"Team {t}\"\n\n"
        ));
        for r in 0..REPS_PER_TEAM {
            toml.push_str(&format!(
                "[[reps]]\nid = \"t{t}r{r}\"\nname = \"Rep {r} of team {t}\"\npassword_hash = \"{hash}\"\nteams = [\"t{t}\"]\nmax_sessions = 4\nlead = {}\n\n",
                r == 0
            ));
        }
    }
    toml.push_str(&format!(
        "[[reps]]\nid = \"boss\"\nname = \"Boss\"\npassword_hash = \"{hash}\"\nteams = [{}]\nlead = true\n\n",
        all.join(", ")
    ));
    toml
}

/// Dashboard bytes sent to one lead.
fn delta_bytes(effects: &[Effect], lead: &RepId) -> anyhow::Result<usize> {
    let mut bytes = 0;
    for effect in effects {
        if let Effect::ToRep(rep, event @ RepEvent::DashboardChanged { .. }) = effect
            && rep == lead
        {
            bytes += serde_json::to_vec(event)?.len();
        }
    }
    Ok(bytes)
}

/// The session a `CustomerStart`'s effects bound (every router bench starts sessions so).
pub(crate) fn started(effects: &[Effect]) -> anyhow::Result<SessionId> {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::BindCustomer(_, id) => Some(*id),
            _ => None,
        })
        .context("the router started no session")
}

/// Runs the dashboard measurement and prints its figures.
pub fn run(hash: &str) -> anyhow::Result<()> {
    let config = Arc::new(Config::from_toml(&config_toml(hash))?);
    let mut router = Router::new(config.clone(), 1);
    let lead = RepId::new("t0r0");
    let boss = RepId::new("boss");
    for rep in config.reps.keys() {
        let _ = router.handle(0, Input::RepConnected { rep: rep.clone() });
    }
    let mut now: u64 = 1_700_000_000_000;
    let mut conn = 0u64;
    // Sessions in progress per team, oldest first, with their owner.
    let mut live: Vec<VecDeque<(SessionId, RepId)>> = vec![VecDeque::new(); TEAMS];
    let mut start = |router: &mut Router, now: u64, team: usize| -> anyhow::Result<SessionId> {
        conn += 1;
        let (_, effects) = router.handle(
            now,
            Input::CustomerStart {
                conn,
                customer: CustomerInfo {
                    name: format!("Customer {conn}"),
                    company: None,
                    question: None,
                    contact: None,
                },
                route: Route::Team {
                    team: TeamId::new(format!("t{team}")),
                },
                customer_token: format!("token-{conn}"),
                client: Default::default(),
                platform: Default::default(),
            },
        );
        started(&effects)
    };
    // Warm-up: every rep of every team owns one session.
    for (team, sessions) in live.iter_mut().enumerate() {
        for r in 0..LIVE_PER_TEAM {
            let id = start(&mut router, now, team)?;
            let rep = RepId::new(format!("t{team}r{r}"));
            let _ = router.handle(
                now,
                Input::Rep {
                    rep: rep.clone(),
                    request: RepRequest::Accept { session_id: id },
                },
            );
            sessions.push_back((id, rep));
        }
    }
    let _ = router.handle(now, Input::Tick);
    let snapshot_bytes = |router: &Router, who: &RepId| -> anyhow::Result<usize> {
        let dashboard = router
            .snapshot(who)
            .and_then(|s| s.dashboard)
            .context("a lead's snapshot has a dashboard")?;
        Ok(serde_json::to_vec(&dashboard)?.len())
    };
    let (mut lead_bytes, mut boss_bytes) = (0usize, 0usize);
    let mut tick_times: Vec<Duration> = Vec::new();
    let mut message = 0u64;
    for _second in 0..(MINUTES * 60) {
        now += 1000;
        for (team, sessions) in live.iter_mut().enumerate() {
            // One ends, one arrives and is accepted by the freed rep; chat in three others.
            let Some((ended, rep)) = sessions.pop_front() else {
                continue;
            };
            let mut effects = router
                .handle(
                    now,
                    Input::Rep {
                        rep: rep.clone(),
                        request: RepRequest::Close {
                            session_id: ended,
                            mode: CloseMode::End,
                        },
                    },
                )
                .1;
            let id = start(&mut router, now, team)?;
            effects.extend(
                router
                    .handle(
                        now + 300,
                        Input::Rep {
                            rep: rep.clone(),
                            request: RepRequest::Accept { session_id: id },
                        },
                    )
                    .1,
            );
            sessions.push_back((id, rep));
            for (session_id, owner) in sessions.iter().rev().take(3) {
                message += 1;
                effects.extend(
                    router
                        .handle(
                            now + 500,
                            Input::Customer {
                                session_id: *session_id,
                                request: CustomerRequest::Chat {
                                    client_msg_id: format!("c{message}"),
                                    text: "Is anyone there?".into(),
                                },
                            },
                        )
                        .1,
                );
                effects.extend(
                    router
                        .handle(
                            now + 700,
                            Input::Rep {
                                rep: owner.clone(),
                                request: RepRequest::SendChat {
                                    session_id: *session_id,
                                    client_msg_id: format!("r{message}"),
                                    text: "Yes, looking into it.".into(),
                                    visibility: Visibility::Public,
                                },
                            },
                        )
                        .1,
                );
            }
            lead_bytes += delta_bytes(&effects, &lead)?;
            boss_bytes += delta_bytes(&effects, &boss)?;
        }
        let clock = Instant::now();
        let (_, effects) = router.handle(now + 999, Input::Tick);
        tick_times.push(clock.elapsed());
        lead_bytes += delta_bytes(&effects, &lead)?;
        boss_bytes += delta_bytes(&effects, &boss)?;
    }
    tick_times.sort_unstable();
    let mean = tick_times.iter().sum::<Duration>() / u32::try_from(tick_times.len())?;
    let p99 = tick_times[tick_times.len() * 99 / 100];
    let max = tick_times.last().copied().unwrap_or_default();
    println!(
        "dashboard: {TEAMS} teams x {REPS_PER_TEAM} reps, {} sessions in progress, {} simulated minutes",
        TEAMS * LIVE_PER_TEAM,
        MINUTES
    );
    println!(
        "  snapshot dashboard JSON: {} bytes for a lead of one team, {} bytes for a lead of all ten",
        snapshot_bytes(&router, &lead)?,
        snapshot_bytes(&router, &boss)?
    );
    println!(
        "  dashboard_changed per minute: {} bytes to a lead of one team, {} bytes to a lead of all ten",
        lead_bytes as u64 / MINUTES,
        boss_bytes as u64 / MINUTES
    );
    println!(
        "  router time per tick (a dashboard round each): mean {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        mean.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    Ok(())
}
