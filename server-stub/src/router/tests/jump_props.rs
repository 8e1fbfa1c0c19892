//! Property test for Jump Clients: random sequences of pins (by any rep, for any team),
//! the program's reports, agents' hellos (right or wrong machine, revoked tokens),
//! disconnections, jumps, unpins (by any rep), days passing and restarts, with the
//! invariants checked after every step: every refusal's code on its `errors_table` list;
//! nobody told of a Jump Client they may not see; each rep's list exactly the Jump Clients
//! they may see, not unpinned; no unpinned one online or welcomed; every jump session
//! owned by a rep who may see its Jump Client, under the configured policy; and a restart
//! keeping every Jump Client, offline.

use super::remote::native;
use super::support::*;
use crate::router::Input;
use crate::router::effects::Effect;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use std::collections::BTreeMap;
use switchboard_protocol::errors_table::JUMP_HELLO_ERRORS;
use switchboard_protocol::{
    CustomerRequest, EntryPath, ErrorCode, JumpClientId, JumpClientState, JumpServerMessage,
    MachineInfo, OkResult, RepEvent, RepRequest, SessionId, TeamId,
};

/// The reps that pin and jump: two with the permission (alice, bob), two without (carol,
/// dave), in teams that overlap (billing: alice, bob; tech: alice, carol, dave).
const ACTORS: [&str; 4] = ["alice", "bob", "carol", "dave"];
const TEAMS_TRIED: [Option<&str>; 4] = [None, Some("billing"), Some("tech"), Some("sales")];

#[derive(Debug, Clone)]
enum Op {
    Pin { who: u8, team: u8 },
    Report { client: u8, done: bool },
    Hello { client: u8, right_machine: bool },
    Drop { client: u8 },
    Jump { who: u8, client: u8 },
    Unpin { who: u8, client: u8 },
    Advance { days: u8 },
    Restart,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<u8>(), any::<u8>()).prop_map(|(who, team)| Op::Pin { who, team }),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(client, done)| Op::Report { client, done }),
        3 => (any::<u8>(), prop::bool::weighted(0.85))
            .prop_map(|(client, right_machine)| Op::Hello { client, right_machine }),
        1 => any::<u8>().prop_map(|client| Op::Drop { client }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(who, client)| Op::Jump { who, client }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(who, client)| Op::Unpin { who, client }),
        1 => (0u8..40).prop_map(|days| Op::Advance { days }),
        1 => Just(Op::Restart),
    ]
}

fn machine(right: bool) -> MachineInfo {
    MachineInfo {
        machine_id: if right {
            "machine-0001"
        } else {
            "machine-9999"
        }
        .to_owned(),
        host: "sams-laptop".to_owned(),
        os: "Linux".to_owned(),
    }
}

/// A Jump Client the test pinned: its id, token and the session it came from.
struct Pinned {
    id: JumpClientId,
    token: String,
    from: SessionId,
}

struct World {
    h: Harness,
    /// Each actor's own native session on the machine.
    sessions: BTreeMap<&'static str, SessionId>,
    pinned: Vec<Pinned>,
    next_conn: u64,
}

impl World {
    fn new() -> World {
        let mut world = World {
            h: Harness::with_reps(&ACTORS),
            sessions: BTreeMap::new(),
            pinned: Vec::new(),
            next_conn: 1000,
        };
        world.open_sessions();
        world
    }

    fn open_sessions(&mut self) {
        for who in ACTORS {
            let session = native(&mut self.h, who);
            let (reply, _) = self.h.customer(
                session,
                CustomerRequest::DescribeMachine {
                    machine: machine(true),
                },
            );
            assert_eq!(reply, Ok(None));
            self.sessions.insert(who, session);
        }
    }

    fn pick(&self, n: u8) -> Option<&Pinned> {
        if self.pinned.is_empty() {
            return None;
        }
        self.pinned.get(usize::from(n) % self.pinned.len())
    }

    /// Runs one input; refusals must be on `allowed`; the core's part is played: a
    /// `CloseJump` becomes the agent's disconnection.
    fn run(
        &mut self,
        op: &Op,
        input: Input,
        allowed: &[ErrorCode],
    ) -> Result<Vec<Effect>, TestCaseError> {
        let (reply, effects) = self.h.handle(input);
        if let Err(e) = &reply {
            prop_assert!(
                allowed.contains(&e.code),
                "{op:?}: refused with `{}`, not on its list {allowed:?}",
                e.code.as_str()
            );
        }
        let mut all = effects.clone();
        for effect in &effects {
            if let Effect::CloseJump(id) = effect {
                let (_, more) = self.h.handle(Input::JumpDisconnected {
                    jump_client_id: *id,
                });
                all.extend(more);
            }
        }
        if let Ok(Some(OkResult::JumpClient { jump_client_id })) = &reply {
            let token = effects.iter().find_map(|e| match e {
                Effect::ToCustomer(
                    _,
                    switchboard_protocol::CustomerServerMessage::InstallJumpClient {
                        token, ..
                    },
                ) => Some(token.clone()),
                _ => None,
            });
            let (Op::Pin { who, .. }, Some(token)) = (op, token) else {
                return Err(TestCaseError::fail(format!(
                    "{op:?}: pinned without a token"
                )));
            };
            let from = self.sessions[ACTORS[usize::from(*who) % ACTORS.len()]];
            self.pinned.push(Pinned {
                id: *jump_client_id,
                token,
                from,
            });
        }
        Ok(all)
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let actor = |n: u8| ACTORS[usize::from(n) % ACTORS.len()];
        let effects = match op {
            Op::Pin { who, team } => {
                let who = actor(*who);
                let request = RepRequest::PinJumpClient {
                    session_id: self.sessions[who],
                    team: TEAMS_TRIED[usize::from(*team) % TEAMS_TRIED.len()].map(TeamId::new),
                    name: String::new(),
                };
                let allowed = request.error_codes();
                self.run(
                    op,
                    Input::Rep {
                        rep: rep(who),
                        request,
                    },
                    allowed,
                )?
            }
            Op::Report { client, done } => {
                let Some(p) = self.pick(*client) else {
                    return Ok(());
                };
                let request = CustomerRequest::JumpClientResult {
                    jump_client_id: p.id,
                    done: *done,
                    detail: String::new(),
                };
                let allowed = request.error_codes();
                let session_id = p.from;
                if !self.h.router.sessions.contains_key(&session_id) {
                    return Ok(());
                }
                self.run(
                    op,
                    Input::Customer {
                        session_id,
                        request,
                    },
                    allowed,
                )?
            }
            Op::Hello {
                client,
                right_machine,
            } => {
                let Some(p) = self.pick(*client) else {
                    return Ok(());
                };
                let (id, token) = (p.id, p.token.clone());
                self.next_conn += 1;
                let conn = self.next_conn;
                let unpinned_before = self.state(id) == Some(JumpClientState::Unpinned);
                let effects = self.run(
                    op,
                    Input::JumpHello {
                        conn,
                        token,
                        machine: machine(*right_machine),
                    },
                    JUMP_HELLO_ERRORS[0].1,
                )?;
                let welcomed = effects
                    .iter()
                    .any(|e| matches!(e, Effect::ToJumpConn(_, JumpServerMessage::Welcome { .. })));
                prop_assert!(
                    !(welcomed && unpinned_before),
                    "{op:?}: an unpinned one welcomed"
                );
                effects
            }
            Op::Drop { client } => {
                let Some(p) = self.pick(*client) else {
                    return Ok(());
                };
                let id = p.id;
                if !self.h.router.jump_clients.online.contains(&id) {
                    return Ok(());
                }
                self.run(op, Input::JumpDisconnected { jump_client_id: id }, &[])?
            }
            Op::Jump { who, client } => {
                let Some(p) = self.pick(*client) else {
                    return Ok(());
                };
                let request = RepRequest::Jump {
                    jump_client_id: p.id,
                };
                let allowed = request.error_codes();
                self.run(
                    op,
                    Input::Rep {
                        rep: rep(actor(*who)),
                        request,
                    },
                    allowed,
                )?
            }
            Op::Unpin { who, client } => {
                let Some(p) = self.pick(*client) else {
                    return Ok(());
                };
                let request = RepRequest::UnpinJumpClient {
                    jump_client_id: p.id,
                };
                let allowed = request.error_codes();
                self.run(
                    op,
                    Input::Rep {
                        rep: rep(actor(*who)),
                        request,
                    },
                    allowed,
                )?
            }
            Op::Advance { days } => {
                self.h.advance(u64::from(*days) * 24 * 3600);
                self.run(op, Input::Tick, &[])?
            }
            Op::Restart => {
                let before: Vec<_> = self
                    .h
                    .router
                    .jump_clients
                    .by_id
                    .values()
                    .map(|j| (j.info.jump_client_id, j.info.state, j.token_hash.clone()))
                    .collect();
                self.h.restart();
                for who in ACTORS {
                    self.h.connect(who);
                }
                let after: Vec<_> = self
                    .h
                    .router
                    .jump_clients
                    .by_id
                    .values()
                    .map(|j| (j.info.jump_client_id, j.info.state, j.token_hash.clone()))
                    .collect();
                prop_assert_eq!(before, after, "a restart kept every Jump Client");
                prop_assert!(self.h.router.jump_clients.online.is_empty(), "all offline");
                // The actors' sessions are restored with their customers away: pins from
                // them are refused from now on (`remote_unavailable`), reports still count.
                Vec::new()
            }
        };
        self.check(op, &effects)
    }

    fn state(&self, id: JumpClientId) -> Option<JumpClientState> {
        self.h
            .router
            .jump_clients
            .by_id
            .get(&id)
            .map(|j| j.info.state)
    }

    fn check(&mut self, op: &Op, effects: &[Effect]) -> Result<(), TestCaseError> {
        let config = self.h.router.config().clone();
        let clients = &self.h.router.jump_clients;
        // Nobody is told of a Jump Client they may not see.
        for effect in effects {
            if let Effect::ToRep(who, RepEvent::JumpClientUpdated { jump_client }) = effect {
                prop_assert!(
                    config.can_see(who, &jump_client.owner),
                    "{op:?}: {who} told of {:?}",
                    jump_client.jump_client_id
                );
            }
        }
        // Nothing unpinned is online.
        for id in &clients.online {
            prop_assert!(
                clients.by_id[id].info.state != JumpClientState::Unpinned,
                "{op:?}: unpinned {id} online"
            );
        }
        // Each rep lists exactly what they may see, not unpinned.
        let expected: BTreeMap<&str, Vec<JumpClientId>> = ACTORS
            .iter()
            .map(|who| {
                let mut ids: Vec<JumpClientId> = clients
                    .by_id
                    .values()
                    .filter(|j| j.info.state != JumpClientState::Unpinned)
                    .filter(|j| config.can_see(&rep(who), &j.info.owner))
                    .map(|j| j.info.jump_client_id)
                    .collect();
                ids.sort();
                (*who, ids)
            })
            .collect();
        for who in ACTORS {
            let Some(OkResult::JumpClients { jump_clients }) =
                self.h.ok(who, RepRequest::ListJumpClients).0
            else {
                return Err(TestCaseError::fail("list_jump_clients gave no list"));
            };
            let mut ids: Vec<JumpClientId> =
                jump_clients.iter().map(|j| j.jump_client_id).collect();
            ids.sort();
            prop_assert_eq!(&ids, &expected[who], "{:?}: {}'s list", op, who);
        }
        // Jump sessions: owned by a rep permitted to jump, under the configured policy.
        for session in self.h.router.sessions.values() {
            if session.entry_path == EntryPath::JumpClient {
                prop_assert_eq!(session.jump, Some(config.jump.policy));
                if let Some(owner) = &session.owner {
                    prop_assert!(
                        config.reps[owner].permissions.jump_client,
                        "{op:?}: {owner} owns a jump session"
                    );
                }
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any sequence of pins, reports, hellos, drops, jumps, unpins, days and restarts keeps
    /// the Jump Client invariants (see the file's doc).
    #[test]
    fn jump_client_invariants_hold_after_every_step(ops in prop::collection::vec(op(), 1..60)) {
        let mut world = World::new();
        for op in &ops {
            world.step(op)?;
        }
    }
}

/// The property is not vacuous: random runs do pin, welcome, jump, unpin and lose Jump
/// Clients.
#[test]
fn random_runs_reach_jumps_unpins_and_lost_clients() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut jumps, mut unpinned, mut lost) = (0, 0, 0);
    for _ in 0..64 {
        let ops = prop::collection::vec(op(), 60)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut world = World::new();
        for op in &ops {
            world.step(op).unwrap();
        }
        let now = world.h.now;
        jumps += world
            .h
            .router
            .sessions
            .values()
            .filter(|s| s.entry_path == EntryPath::JumpClient)
            .count();
        for client in world.h.router.jump_clients.by_id.values() {
            unpinned += usize::from(client.info.state == JumpClientState::Unpinned);
            lost += usize::from(world.h.router.jump_view(now, client).lost);
        }
    }
    assert!(
        jumps > 0 && unpinned > 0 && lost > 0,
        "jumps {jumps}, unpinned {unpinned}, lost {lost}"
    );
}
