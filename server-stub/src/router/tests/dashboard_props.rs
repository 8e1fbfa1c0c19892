//! A lead's dashboard kept only from their snapshot and the `dashboard_changed` deltas they
//! are sent equals a fresh snapshot's dashboard after every round, for random sequences of
//! arrivals, accepts, chats, abandons, ends, presence changes and time passing.

use super::dashboard::{MORNING, deltas_to, harness_at, team_route};
use super::support::{Harness, customer, rep, req};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use switchboard_protocol::{
    CustomerRequest, Dashboard, DashboardDelta, Presence, RepRequest, SERIES_SPAN_MS,
};

/// One step of a random morning.
#[derive(Debug, Clone)]
enum Op {
    Arrive(usize),
    Accept { rep: usize, nth: usize },
    CustomerChat(usize),
    RepChat(usize),
    Abandon(usize),
    End(usize),
    LeaveInQueue(usize),
    Presence { rep: usize, presence: usize },
    Connect(usize),
    Disconnect(usize),
    Wait(u64),
    Tick,
}

const TEAMS: [&str; 3] = ["billing", "tech", "sales"];
const WORKERS: [&str; 4] = ["bob", "pat", "carl", "sam"];
const PRESENCES: [Presence; 3] = [Presence::Available, Presence::Busy, Presence::Away];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..TEAMS.len()).prop_map(Op::Arrive),
        3 => (0..WORKERS.len(), 0..8usize).prop_map(|(rep, nth)| Op::Accept { rep, nth }),
        2 => (0..8usize).prop_map(Op::CustomerChat),
        2 => (0..8usize).prop_map(Op::RepChat),
        1 => (0..8usize).prop_map(Op::Abandon),
        1 => (0..8usize).prop_map(Op::End),
        1 => (0..8usize).prop_map(Op::LeaveInQueue),
        1 => (0..WORKERS.len(), 0..PRESENCES.len())
            .prop_map(|(rep, presence)| Op::Presence { rep, presence }),
        1 => (0..WORKERS.len()).prop_map(Op::Connect),
        1 => (0..WORKERS.len()).prop_map(Op::Disconnect),
        3 => prop_oneof![1u64..3_000, 5_000u64..40_000, Just(20 * 60 * 1000)].prop_map(Op::Wait),
        4 => Just(Op::Tick),
    ]
}

/// Applies a delta as the protocol says a console must.
pub fn apply(board: &mut Dashboard, delta: &DashboardDelta) {
    for team in &delta.teams {
        if let Some(row) = board.teams.iter_mut().find(|t| t.team == team.team) {
            *row = team.clone();
        }
    }
    for rep in &delta.reps {
        if let Some(row) = board.reps.iter_mut().find(|r| r.rep == rep.rep) {
            *row = rep.clone();
        }
    }
    for session in &delta.sessions {
        match board
            .sessions
            .iter_mut()
            .find(|s| s.session_id == session.session_id)
        {
            Some(row) => *row = session.clone(),
            None => board.sessions.push(session.clone()),
        }
    }
    board
        .sessions
        .retain(|s| !delta.ended.contains(&s.session_id));
    board.sessions.sort_by_key(|s| s.session_id);
    for point in &delta.points {
        if let Some(series) = board.series.iter_mut().find(|s| s.team == point.team) {
            series.points.push(point.point);
            let oldest = point.point.at.saturating_sub(SERIES_SPAN_MS);
            series.points.retain(|p| p.at > oldest);
        }
    }
}

struct Run {
    h: Harness,
    /// The leads' dashboards as their consoles keep them.
    boards: Vec<(&'static str, Dashboard)>,
    customer_msgs: u64,
}

impl Run {
    fn new() -> Run {
        let mut h = harness_at(MORNING);
        let mut boards = Vec::new();
        for lead in ["lena", "lou"] {
            h.connect(lead);
            let board = h
                .router
                .snapshot(&rep(lead))
                .and_then(|s| s.dashboard)
                .expect("a lead's dashboard");
            boards.push((lead, *board));
        }
        Run {
            h,
            boards,
            customer_msgs: 0,
        }
    }

    /// The live sessions, waiting ones included, in id order.
    fn session(&self, nth: usize) -> Option<switchboard_protocol::SessionId> {
        let ids: Vec<_> = self.h.router.sessions.keys().copied().collect();
        (!ids.is_empty()).then(|| ids[nth % ids.len()])
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let mut effects = Vec::new();
        match op {
            Op::Arrive(team) => {
                effects = self
                    .h
                    .start_with(customer("Cus"), team_route(TEAMS[*team]))
                    .1;
            }
            Op::Accept { rep: who, nth } => {
                if let Some(id) = self.session(*nth) {
                    effects = self.h.request(WORKERS[*who], req::accept(id)).1;
                }
            }
            Op::CustomerChat(nth) => {
                if let Some(id) = self.session(*nth) {
                    self.customer_msgs += 1;
                    effects = self
                        .h
                        .customer(
                            id,
                            CustomerRequest::Chat {
                                client_msg_id: format!("c{}", self.customer_msgs),
                                text: "hi".to_owned(),
                            },
                        )
                        .1;
                }
            }
            Op::RepChat(nth) => {
                if let Some(id) = self.session(*nth)
                    && let Some(owner) = self.h.router.sessions[&id].owner.clone()
                {
                    self.customer_msgs += 1;
                    let client = format!("r{}", self.customer_msgs);
                    effects = self
                        .h
                        .request(owner.as_str(), req::chat(id, &client, "yes"))
                        .1;
                }
            }
            Op::Abandon(nth) => {
                if let Some(id) = self.session(*nth) {
                    effects = self.h.customer(id, CustomerRequest::Leave).1;
                }
            }
            Op::End(nth) => {
                if let Some(id) = self.session(*nth)
                    && let Some(owner) = self.h.router.sessions[&id].owner.clone()
                {
                    effects = self.h.request(owner.as_str(), req::end(id)).1;
                }
            }
            Op::LeaveInQueue(nth) => {
                if let Some(id) = self.session(*nth)
                    && let Some(owner) = self.h.router.sessions[&id].owner.clone()
                {
                    effects = self.h.request(owner.as_str(), req::leave_in_queue(id)).1;
                }
            }
            Op::Presence { rep: who, presence } => {
                effects = self
                    .h
                    .request(
                        WORKERS[*who],
                        RepRequest::SetPresence {
                            presence: PRESENCES[*presence],
                        },
                    )
                    .1;
            }
            Op::Connect(who) => effects = self.h.connect(WORKERS[*who]),
            Op::Disconnect(who) => effects = self.h.disconnect(WORKERS[*who]),
            Op::Wait(ms) => self.h.advance_ms(*ms),
            Op::Tick => effects = self.h.tick(),
        }
        for (lead, board) in &mut self.boards {
            for delta in deltas_to(&effects, lead) {
                prop_assert!(!delta.is_empty(), "an empty delta was sent");
                apply(board, &delta);
            }
        }
        if matches!(op, Op::Tick) {
            for (lead, board) in &self.boards {
                let fresh = self
                    .h
                    .router
                    .snapshot(&rep(lead))
                    .and_then(|s| s.dashboard)
                    .expect("a lead's dashboard");
                prop_assert_eq!(board, &*fresh, "{} after {:?}", lead, op);
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Snapshot + every delta = a fresh snapshot, after every round.
    #[test]
    fn deltas_keep_a_leads_dashboard_equal_to_a_fresh_snapshot(
        ops in proptest::collection::vec(op(), 1..=80)
    ) {
        let mut run = Run::new();
        for op in &ops {
            run.step(op)?;
        }
        // And the final state once more, after a last round a second later.
        run.h.advance(1);
        run.step(&Op::Tick)?;
    }
}
