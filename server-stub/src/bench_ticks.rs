//! Part of `switchboard-server bench` (router section): what one `Tick` costs when nothing
//! is due. The core sends a tick ten times a second whatever the load, so a tick whose cost
//! grows with the number of reps and sessions is paid by an idle server too (issue 11).
//! Set up through the router's normal inputs: N reps connected, each with a session key
//! outstanding and one customer session it accepted; then ticks at a fixed clock, so no
//! grace period, offer, key or dashboard round ever falls due.

use crate::config::Config;
use crate::router::{Input, Router};
use std::sync::Arc;
use std::time::Instant;
use switchboard_protocol::{CustomerInfo, RepId, RepRequest, Route};

/// The clock of the whole measurement: every input happens at this instant.
const FIXED_NOW: u64 = 1_000_000;

/// Prints the time per idle tick for each size in `sizes` (N reps and N sessions).
pub fn run(sizes: &[usize]) -> anyhow::Result<()> {
    for &n in sizes {
        let (setup_secs, mut router) = set_up(n)?;
        // The first tick does what the setup left for it (positions, a dashboard round);
        // the measured ones find nothing due.
        let _ = router.handle(FIXED_NOW, Input::Tick);
        let ticks = ticks_for(n);
        let started = Instant::now();
        let mut effects = 0usize;
        for _ in 0..ticks {
            effects += router.handle(FIXED_NOW, Input::Tick).1.len();
        }
        let micros = started.elapsed().as_secs_f64() * 1e6 / ticks as f64;
        anyhow::ensure!(effects == 0, "an idle tick had {effects} effects");
        println!(
            "router tick, nothing due: {n} reps + {n} sessions + {n} keys: {micros:.2} µs per tick ({ticks} ticks; setup {setup_secs:.2} s)"
        );
    }
    Ok(())
}

/// A bench customer's session routed to `rep` on connection `conn` (both router benches).
pub(crate) fn start_session(
    router: &mut Router,
    now: u64,
    conn: u64,
    rep: &RepId,
) -> anyhow::Result<switchboard_protocol::SessionId> {
    let (_, effects) = router.handle(
        now,
        Input::CustomerStart {
            conn,
            customer: CustomerInfo {
                name: "Bench Customer".into(),
                company: None,
                question: None,
                contact: None,
            },
            route: Route::Rep { rep: rep.clone() },
            customer_token: "t".into(),
            client: Default::default(),
            platform: Default::default(),
        },
    );
    crate::bench_dashboard::started(&effects)
}

/// Enough ticks for a stable figure without making a slow router slower to bench.
fn ticks_for(n: usize) -> usize {
    (20_000_000 / n.max(1)).clamp(200, 20_000)
}

/// N reps connected; each generates a session key and accepts one customer's session.
fn set_up(n: usize) -> anyhow::Result<(f64, Router)> {
    let config = Arc::new(Config::from_toml(&crate::bench::bench_config_toml(n)?)?);
    let started = Instant::now();
    let mut router = Router::new(config.clone(), 1);
    let reps: Vec<RepId> = config.reps.keys().cloned().collect();
    for (index, rep) in reps.iter().enumerate() {
        let _ = router.handle(FIXED_NOW, Input::RepConnected { rep: rep.clone() });
        let (key, _) = router.handle(
            FIXED_NOW,
            Input::Rep {
                rep: rep.clone(),
                request: RepRequest::GenerateSessionKey,
            },
        );
        key.map_err(|e| anyhow::anyhow!("generate_session_key: {}", e.message))?;
        let session_id = start_session(&mut router, FIXED_NOW, index as u64, rep)?;
        let (accepted, _) = router.handle(
            FIXED_NOW,
            Input::Rep {
                rep: rep.clone(),
                request: RepRequest::Accept { session_id },
            },
        );
        accepted.map_err(|e| anyhow::anyhow!("accept: {}", e.message))?;
    }
    Ok((started.elapsed().as_secs_f64(), router))
}
