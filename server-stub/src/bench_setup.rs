//! Part of `switchboard-server bench` (router section): the router's own share of setting
//! up N reps with one customer session each, with no sockets and no store. Issue 11 asks
//! that setting up N reps and N sessions cost O(N) server CPU; this isolates the pure
//! router's part, so a rule that walks every rep, queue or session per input shows here as
//! a ratio above 1 between the time per rep at N and at 1,000.
//!
//! The inputs come in the load run's order (bench.rs): every rep connects and gets its
//! snapshot, then every customer starts a session in a rep's personal queue (so up to N
//! sessions wait at once), then every rep accepts its session. The core's tick (the
//! router's `Tick` and the `/metrics` gauges' `waiting_by_queue`) comes every 100 ms of
//! the clock, and the clock moves 1 ms per input: the ticks a server running at 1,000
//! inputs a second would see.

use crate::config::Config;
use crate::router::{Input, Reply, Router};
use std::sync::Arc;
use std::time::Instant;
use switchboard_protocol::{RepId, RepRequest, SessionId};

/// The sizes `bench --router-only` measures (N reps and N sessions).
pub const SIZES: [usize; 4] = [1_000, 5_000, 10_000, 20_000];

/// Clock milliseconds between two of the core's ticks.
const TICK_EVERY_MS: u64 = crate::server::core::TICK.as_millis() as u64;

/// Prints, for each size, the router's time per rep with a session and its ratio to the
/// first size's.
pub fn run(sizes: &[usize]) -> anyhow::Result<()> {
    let mut first: Option<f64> = None;
    for &n in sizes {
        let phases = set_up(n)?;
        let per_rep = phases.total() * 1e6 / n as f64;
        let base = *first.get_or_insert(per_rep);
        println!(
            "router setup: {n} reps + {n} sessions: {per_rep:.1} µs per rep with a session \
             (x{:.2} of the first size's; connect {:.0} ms, start {:.0} ms, accept {:.0} ms, \
             ticks {:.0} ms)",
            per_rep / base,
            phases.connect * 1e3,
            phases.start * 1e3,
            phases.accept * 1e3,
            phases.ticks * 1e3
        );
    }
    Ok(())
}

/// Seconds spent in each phase of one setup.
#[derive(Debug, Default)]
struct Phases {
    connect: f64,
    start: f64,
    accept: f64,
    ticks: f64,
}

impl Phases {
    fn total(&self) -> f64 {
        self.connect + self.start + self.accept + self.ticks
    }
}

/// The router with its clock and the core's tick, as the load run drives it.
struct Driven {
    router: Router,
    now: u64,
    next_tick: u64,
    tick_secs: f64,
}

impl Driven {
    /// Moves the clock 1 ms and runs the core's tick when one is due.
    fn advance(&mut self) -> u64 {
        self.now += 1;
        if self.now >= self.next_tick {
            self.next_tick += TICK_EVERY_MS;
            let started = Instant::now();
            let _ = self.router.handle(self.now, Input::Tick);
            std::hint::black_box(self.router.waiting_by_queue());
            self.tick_secs += started.elapsed().as_secs_f64();
        }
        self.now
    }

    /// One input at the next clock value.
    fn handle(&mut self, input: Input) -> Reply {
        let now = self.advance();
        self.router.handle(now, input).0
    }

    /// Runs `phase` and returns its seconds without the ticks inside it (counted apart).
    fn timed(
        &mut self,
        phase: impl FnOnce(&mut Self) -> anyhow::Result<()>,
    ) -> anyhow::Result<f64> {
        let ticks_before = self.tick_secs;
        let started = Instant::now();
        phase(self)?;
        Ok(started.elapsed().as_secs_f64() - (self.tick_secs - ticks_before))
    }
}

/// Sets up `n` reps with one accepted session each and times each phase.
fn set_up(n: usize) -> anyhow::Result<Phases> {
    let config = Arc::new(Config::from_toml(&crate::bench::bench_config_toml(n)?)?);
    let reps: Vec<RepId> = config.reps.keys().cloned().collect();
    let start_clock = 1_000_000;
    let mut driven = Driven {
        router: Router::new(config, 1),
        now: start_clock,
        next_tick: start_clock + TICK_EVERY_MS,
        tick_secs: 0.0,
    };
    let connect = driven.timed(|driven| {
        for rep in &reps {
            let _ = driven.handle(Input::RepConnected { rep: rep.clone() });
            // The core sends every new console its snapshot.
            std::hint::black_box(driven.router.snapshot(rep));
        }
        Ok(())
    })?;
    let mut sessions: Vec<(&RepId, SessionId)> = Vec::with_capacity(n);
    let start = driven.timed(|driven| {
        for (index, rep) in reps.iter().enumerate() {
            let now = driven.advance();
            let session_id =
                crate::bench_ticks::start_session(&mut driven.router, now, index as u64, rep)?;
            sessions.push((rep, session_id));
        }
        Ok(())
    })?;
    let accept = driven.timed(|driven| {
        for (rep, session_id) in sessions {
            let accepted = driven.handle(Input::Rep {
                rep: rep.clone(),
                request: RepRequest::Accept { session_id },
            });
            accepted.map_err(|e| anyhow::anyhow!("accept: {}", e.message))?;
        }
        Ok(())
    })?;
    Ok(Phases {
        connect,
        start,
        accept,
        ticks: driven.tick_secs,
    })
}
