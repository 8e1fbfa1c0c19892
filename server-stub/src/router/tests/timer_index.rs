//! The timers' deadline indexes (issue 11): a tick finds what is due without scanning
//! everything, and does exactly what the old scans did. The property test runs the same
//! random inputs through an indexed router and one ticking by the old scans
//! (`timers_scan.rs`) and compares every effect; the unit tests pin the pass over waiting
//! push sessions that a tick now skips when nothing could have changed, and show that the
//! record/index check run by every tick catches a deadline set behind the index's back.

use super::properties::{Op, Runner, op};
use super::support::*;
use crate::router::effects::Effect;
use crate::router::state::PendingOffer;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use switchboard_protocol::{Presence, RepRequest, Route};

/// Random steps with more time passing, more accepts and more connections lost than
/// `op()` has: every timer falls due often, several in one tick, for reps in sessions.
fn timer_op() -> impl Strategy<Value = Op> {
    let b = any::<u8>;
    prop_oneof![
        8 => op(),
        2 => prop_oneof![0u16..8, 15u16..30, 100u16..320].prop_map(|secs| Op::Tick { secs }),
        2 => (b(), b()).prop_map(|(who, session)| Op::Accept { who, session }),
        1 => b().prop_map(|who| Op::Disconnect { who }),
        1 => b().prop_map(|who| Op::Connect { who }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Indexed ticks give the same effects, step by step, as ticks that scan every rep,
    /// session, queue and key, through a restart (restored grace periods, waiting rules
    /// and keys are indexed too).
    #[test]
    fn indexed_ticks_do_what_the_scans_did(
        ops in proptest::collection::vec(timer_op(), 1..=80),
        restart_at in 0usize..100,
    ) {
        let mut indexed = Runner::new();
        let mut scanning = Runner::new();
        scanning.h.router.scan_oracle = true;
        for (step, op) in ops.iter().enumerate() {
            if step == restart_at {
                indexed.h.restart();
                scanning.h.restart();
                scanning.h.router.scan_oracle = true;
            }
            let by_index = indexed.step(op)?;
            let by_scan = scanning.step(op)?;
            prop_assert_eq!(by_index, by_scan, "step {}: {:?}", step, op);
        }
    }
}

fn sales() -> Route {
    Route::Team {
        team: team("sales"),
    }
}

/// With nothing due and nothing since the last tick that could free a rep, a tick skips
/// the pass over waiting push sessions (a chat does not ask for one); a rep choosing a
/// presence does, and the offer and its deadline are as before.
#[test]
fn the_offer_pass_runs_only_when_a_rep_may_be_free() {
    let mut h = Harness::with_reps(&["erin"]);
    h.ok(
        "erin",
        RepRequest::SetPresence {
            presence: Presence::Away,
        },
    );
    assert!(
        h.router.timers.offer_pass_needed,
        "a presence chosen asks for a pass"
    );
    let id = h.start("Zoe", sales());
    h.tick();
    assert!(!h.router.timers.offer_pass_needed, "the tick ran it");
    h.customer_chat(id, "c1", "Hello?");
    assert!(!h.router.timers.offer_pass_needed, "a chat frees nobody");
    h.advance(1);
    assert!(
        h.tick().is_empty(),
        "nobody can take the offer: nothing to do"
    );
    h.ok(
        "erin",
        RepRequest::SetPresence {
            presence: Presence::Available,
        },
    );
    let offer = h
        .session(id)
        .offer
        .clone()
        .expect("offered on becoming available");
    assert_eq!(offer.rep, rep("erin"));
    assert_eq!(
        h.router.timers.offers.entries(),
        vec![(id, offer.deadline)],
        "indexed by its deadline"
    );
    h.advance(SALES_ANSWER_SECS);
    h.tick();
    assert_eq!(h.session(id).offer, None, "the unanswered offer expired");
    assert!(h.router.timers.offers.entries().is_empty());
    assert_eq!(h.router.reps[&rep("erin")].chosen, Presence::Paused);
}

/// A deadline written past the setters is caught at the next tick: the check every test's
/// ticks run compares each index with the records it mirrors.
#[test]
#[should_panic(expected = "offer deadlines")]
fn an_offer_set_behind_the_index_is_caught() {
    let mut h = Harness::with_reps(&["erin"]);
    let id = h.start("Zoe", Route::Rep { rep: rep("erin") });
    if let Some(session) = h.router.sessions.get_mut(&id) {
        session.offer = Some(PendingOffer {
            rep: rep("erin"),
            offered_at: h.now,
            deadline: h.now,
        });
    }
    h.tick();
}

/// Grace periods, keys and waiting rules are indexed where they start and cleared where
/// they end.
#[test]
fn grace_keys_and_rules_are_indexed_and_cleared() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.start("Zoe", Route::Rep { rep: rep("alice") });
    let entered = h.now;
    assert_eq!(
        h.router.timers.rules.entries(),
        vec![(id, entered + PERSONAL_RULE_SECS * 1000)],
        "a personal queue's rule moves it on"
    );
    let (result, _) = h.ok("bob", RepRequest::GenerateSessionKey);
    assert!(result.is_some());
    assert_eq!(h.router.timers.keys.len(), 1);
    h.disconnect("bob");
    assert_eq!(
        h.router.timers.grace.entries(),
        vec![(rep("bob"), h.now + GRACE_SECS * 1000)]
    );
    h.connect("bob");
    assert!(
        h.router.timers.grace.is_empty(),
        "back in time: no grace period"
    );
    h.ok("alice", req::accept(id));
    assert!(h.router.timers.rules.is_empty(), "no longer waiting");
    h.advance(KEY_TTL_SECS);
    h.tick();
    assert!(h.router.timers.keys.is_empty(), "the key expired");
}

/// The same scenario on an indexed router and one ticking by the old scans: the effects
/// of each step.
fn both_ways(scenario: impl Fn(&mut Harness) -> Vec<Effect>) -> (Vec<Effect>, Vec<Effect>) {
    let mut indexed = Harness::with_reps(&["alice", "bob", "carol"]);
    let mut scanning = Harness::with_reps(&["alice", "bob", "carol"]);
    scanning.router.scan_oracle = true;
    (scenario(&mut indexed), scenario(&mut scanning))
}

/// Grace periods, offers and waiting rules falling due in one tick are handled in the
/// order the scans had (by rep, by session, by queue), not in deadline order.
#[test]
fn timers_due_together_go_in_the_scans_order() {
    let (indexed, scanning) = both_ways(|h| {
        let first = h.owned("carol", "Zoe", Route::Rep { rep: rep("carol") });
        let second = h.owned("alice", "Yan", Route::Rep { rep: rep("alice") });
        // carol (the later id) loses her connection first; both periods end in one tick.
        h.disconnect("carol");
        h.advance_ms(500);
        h.disconnect("alice");
        h.advance(GRACE_SECS);
        let effects = h.tick();
        assert!(h.session(first).waiting.is_some() && h.session(second).waiting.is_some());
        effects
    });
    assert!(!indexed.is_empty());
    assert_eq!(indexed, scanning);
    let (indexed, scanning) = both_ways(|h| {
        // bob's personal queue (the later queue) gets its session first.
        h.start("Zoe", Route::Rep { rep: rep("bob") });
        h.advance_ms(500);
        h.start("Yan", Route::Rep { rep: rep("alice") });
        h.advance(PERSONAL_RULE_SECS);
        h.tick()
    });
    assert!(!indexed.is_empty());
    assert_eq!(indexed, scanning);
}

/// A rep at capacity who ends a session is offered the waiting push session at the next
/// tick, as the scan did: leaving a session asks for a pass.
#[test]
fn a_rep_below_capacity_again_gets_the_offer_at_the_next_tick() {
    let mut h = Harness::with_reps(&["erin"]);
    let first = h.owned("erin", "Yan", Route::Rep { rep: rep("erin") });
    h.owned("erin", "Xia", Route::Rep { rep: rep("erin") });
    let waiting = h.start("Zoe", sales());
    h.tick();
    assert_eq!(h.session(waiting).offer, None, "erin is at her maximum");
    h.ok("erin", req::disposition(first, "Resolved"));
    h.ok("erin", req::end(first));
    h.advance(1);
    h.tick();
    let offer = h
        .session(waiting)
        .offer
        .clone()
        .expect("offered at the tick");
    assert_eq!(offer.rep, rep("erin"));
}
