//! What one rep's login costs does not grow with the staff: its presence goes to its
//! teammates and its snapshot lists its own teams' members, however many reps there are.
//! (The time it takes is measured by `switchboard-server bench`; this pins the shape.)

use super::support::*;
use crate::config::Config;
use crate::router::effects::Effect;
use crate::router::{Input, Router};
use std::sync::Arc;
use switchboard_protocol::{RepRequest, Route};

/// `reps` reps in teams of 50: the bench's staff.
fn staff(reps: usize) -> Arc<Config> {
    let toml = crate::bench::bench_config_toml(reps).expect("the bench's configuration");
    Arc::new(Config::from_toml(&toml).expect("a valid staff configuration"))
}

/// Events sent to reps by the last rep's login, and member ids in its snapshot.
fn last_login_cost(reps: usize) -> (usize, usize) {
    let mut router = Router::new(staff(reps), 7);
    let mut sent = 0;
    for r in 0..reps {
        let (_, effects) = router.handle(
            T0,
            Input::RepConnected {
                rep: rep(&format!("r{r}")),
            },
        );
        sent = effects
            .iter()
            .filter(|e| matches!(e, Effect::ToRep(..)))
            .count();
    }
    let snapshot = router
        .snapshot(&rep(&format!("r{}", reps - 1)))
        .expect("a known rep");
    let members = snapshot.teams.iter().map(|t| t.members.len()).sum();
    (sent, members)
}

#[test]
fn a_login_costs_the_same_in_a_staff_of_100_or_1000() {
    let small = last_login_cost(100);
    let large = last_login_cost(1000);
    assert_eq!(small, large, "(events sent, member ids in the snapshot)");
    // Its presence reaches its own team of 50 at most.
    assert!(large.0 <= 50, "{large:?}");
    assert!(large.1 <= 50, "{large:?}");
}

/// The `/metrics` gauge the core reads every tick: every team's line (zero included),
/// `general`, and all personal queues summed into `personal`; a session taken out of its
/// queue is counted no more (`waiting_by_queue` walks the queues without allocating).
#[test]
fn waiting_by_queue_counts_each_team_general_and_all_personal_queues_together() {
    let mut h = Harness::new();
    for who in ["alice", "carol", "dave"] {
        h.connect(who);
    }
    let to_carol = h.start("c1", Route::Rep { rep: rep("carol") });
    h.start("c2", Route::Rep { rep: rep("dave") });
    h.start("c3", Route::Team { team: team("tech") });
    h.start("c4", Route::General);
    let line = |h: &Harness, label: &str| {
        let lines = h.router.waiting_by_queue();
        let labels: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
        let mut sorted = labels.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(labels, sorted, "one line per label, in label order");
        lines.iter().find(|(l, _)| l == label).map(|(_, n)| *n)
    };
    assert_eq!(line(&h, "personal"), Some(2));
    assert_eq!(line(&h, "tech"), Some(1));
    assert_eq!(line(&h, "general"), Some(1));
    assert_eq!(line(&h, "billing"), Some(0));
    assert_eq!(h.router.waiting_by_queue().len(), TEAMS.len() + 2);
    h.ok(
        "carol",
        RepRequest::Accept {
            session_id: to_carol,
        },
    );
    assert_eq!(line(&h, "personal"), Some(1));
}

/// Effects of the last rep's customer starting a session in its personal queue, and of
/// the rep accepting it, once every rep before it has done the same.
fn last_session_cost(reps: usize) -> (usize, usize) {
    let mut router = Router::new(staff(reps), 7);
    let mut cost = (0, 0);
    for r in 0..reps {
        let who = rep(&format!("r{r}"));
        let _ = router.handle(T0, Input::RepConnected { rep: who.clone() });
        let (_, started) = router.handle(
            T0,
            Input::CustomerStart {
                conn: r as u64,
                customer: customer("Bench"),
                route: Route::Rep { rep: who.clone() },
                customer_token: "t".into(),
                client: Default::default(),
                platform: Default::default(),
            },
        );
        let session_id = crate::bench_dashboard::started(&started).expect("a session started");
        let (accepted, effects) = router.handle(
            T0,
            Input::Rep {
                rep: who,
                request: RepRequest::Accept { session_id },
            },
        );
        accepted.expect("the rep accepts its own session");
        cost = (started.len(), effects.len());
    }
    cost
}

/// Setting up N reps with a session each is O(N) in effects: one more customer and one
/// more accept cost the same in a staff of 100 or 1,000.
#[test]
fn a_session_start_and_accept_cost_the_same_in_a_staff_of_100_or_1000() {
    assert_eq!(
        last_session_cost(100),
        last_session_cost(1000),
        "(start, accept)"
    );
}
