//! Remote support under random sequences of everything that can happen to a session:
//! requests, answers, stops from either side, media tickets, joins, transfers, removals,
//! leaving, connections dropping and coming back, the customer leaving or being
//! disconnected, the session ending, time passing and restarts. After every step:
//!
//! - no grant is live for a rep out of the session, for a customer who is not connected,
//!   or in an ended session (live or as stored);
//! - at most one `screen_control` is granted per session, at most one `shell` is live, only
//!   for a rep with the shell permission, and each rep has at most one live grant per
//!   capability;
//! - no prompt outlives its deadline past a tick;
//! - the media relay is told every change of who may view or control (the last
//!   `MediaAccess` of a step is the session's access after it), and tickets go only to
//!   holders of a granted grant;
//! - every refusal's code is on its request's `errors_table` list, and changes nothing.

use super::support::*;
use crate::router::Input;
use crate::router::effects::{Effect, MediaHolder, MediaRights};
use crate::router::grants::media_access;
use crate::router::state::Session;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use std::collections::BTreeMap;
use switchboard_protocol::{
    Capability, ClientKind, CustomerRequest, GrantId, GrantState, MAX_LISTED_GRANTS, MediaChannel,
    RepId, RepRequest, Route, SessionId,
};

/// The reps that play: two with control, one with view, one with control who is often
/// invited.
const PLAYERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

#[derive(Debug, Clone)]
enum Op {
    Ask {
        who: u8,
        session: u8,
        control: bool,
        shell: bool,
    },
    /// The owner asks (the one who may take control over a participant).
    OwnerAsk {
        session: u8,
        control: bool,
        shell: bool,
    },
    /// A participant asks for control and is allowed, then the owner asks and is allowed:
    /// several steps, each checked.
    TakeOver {
        who: u8,
        session: u8,
    },
    Answer {
        session: u8,
        pick: u8,
        allow: bool,
    },
    RepStop {
        who: u8,
        session: u8,
        pick: u8,
        keep_view: bool,
    },
    CustomerStop {
        session: u8,
        pick: Option<u8>,
    },
    OpenMedia {
        who: u8,
        session: u8,
        shell: bool,
    },
    CustomerOpenMedia {
        session: u8,
        shell: bool,
    },
    Join {
        who: u8,
        session: u8,
    },
    Accept {
        who: u8,
        session: u8,
    },
    Transfer {
        session: u8,
        to: u8,
        stay: bool,
    },
    Remove {
        session: u8,
        who: u8,
    },
    Leave {
        who: u8,
        session: u8,
    },
    LeaveInQueue {
        session: u8,
    },
    RepDrop {
        who: u8,
    },
    RepBack {
        who: u8,
    },
    CustomerDrop {
        session: u8,
    },
    CustomerResume {
        session: u8,
    },
    DisconnectCustomer {
        session: u8,
    },
    CustomerLeave {
        session: u8,
    },
    End {
        session: u8,
    },
    NewSession {
        owner: u8,
        native: bool,
    },
    Time {
        secs: u8,
    },
    Restart,
}

/// The capability an `Ask` names.
fn capability(control: bool, shell: bool) -> Capability {
    match (shell, control) {
        (true, _) => Capability::Shell,
        (false, true) => Capability::ScreenControl,
        (false, false) => Capability::ScreenView,
    }
}

/// The channel an `OpenMedia` names.
fn channel(shell: bool) -> MediaChannel {
    if shell {
        MediaChannel::Shell
    } else {
        MediaChannel::Screen
    }
}

fn op() -> impl Strategy<Value = Op> {
    // Resolved by `World::member`: mostly a rep in the session, sometimes anyone.
    let who = any::<u8>();
    let s = any::<u8>();
    prop_oneof![
        6 => (who, s, any::<bool>(), prop::bool::weighted(0.25))
            .prop_map(|(who, session, control, shell)| Op::Ask { who, session, control, shell }),
        2 => (s, any::<bool>(), prop::bool::weighted(0.25))
            .prop_map(|(session, control, shell)| Op::OwnerAsk { session, control, shell }),
        2 => (who, s).prop_map(|(who, session)| Op::TakeOver { who, session }),
        6 => (s, any::<u8>(), prop::bool::weighted(0.7))
            .prop_map(|(session, pick, allow)| Op::Answer { session, pick, allow }),
        2 => (who, s, any::<u8>(), any::<bool>()).prop_map(|(who, session, pick, keep_view)| {
            Op::RepStop { who, session, pick, keep_view }
        }),
        2 => (s, prop::option::of(any::<u8>()))
            .prop_map(|(session, pick)| Op::CustomerStop { session, pick }),
        2 => (who, s, prop::bool::weighted(0.3))
            .prop_map(|(who, session, shell)| Op::OpenMedia { who, session, shell }),
        1 => (s, prop::bool::weighted(0.3))
            .prop_map(|(session, shell)| Op::CustomerOpenMedia { session, shell }),
        4 => (who, s).prop_map(|(who, session)| Op::Join { who, session }),
        2 => (who, s).prop_map(|(who, session)| Op::Accept { who, session }),
        2 => (s, who, any::<bool>())
            .prop_map(|(session, to, stay)| Op::Transfer { session, to, stay }),
        2 => (s, who).prop_map(|(session, who)| Op::Remove { session, who }),
        1 => (who, s).prop_map(|(who, session)| Op::Leave { who, session }),
        1 => s.prop_map(|session| Op::LeaveInQueue { session }),
        1 => who.prop_map(|who| Op::RepDrop { who }),
        2 => who.prop_map(|who| Op::RepBack { who }),
        1 => s.prop_map(|session| Op::CustomerDrop { session }),
        2 => s.prop_map(|session| Op::CustomerResume { session }),
        1 => s.prop_map(|session| Op::DisconnectCustomer { session }),
        1 => s.prop_map(|session| Op::CustomerLeave { session }),
        1 => s.prop_map(|session| Op::End { session }),
        2 => (who, any::<bool>()).prop_map(|(owner, native)| Op::NewSession { owner, native }),
        3 => (0..40u8).prop_map(|secs| Op::Time { secs }),
        1 => Just(Op::Restart),
    ]
}

struct World {
    h: Harness,
    /// Every session started, with its customer token, in start order.
    sessions: Vec<(SessionId, String)>,
    starts: u64,
}

impl World {
    fn new() -> World {
        let mut w = World {
            h: Harness::with_reps(&PLAYERS),
            sessions: Vec::new(),
            starts: 0,
        };
        w.new_session(0, true);
        w.new_session(1, false);
        w
    }

    /// A native session (or a [Browser] help-link one) accepted by `owner`.
    fn new_session(&mut self, owner: u8, native: bool) {
        let owner = PLAYERS[usize::from(owner) % PLAYERS.len()];
        let (route, client) = if native {
            (Route::Rep { rep: rep(owner) }, ClientKind::Native)
        } else {
            (
                Route::HelpLink {
                    rep: Some(rep(owner)),
                    team: None,
                },
                ClientKind::Web,
            )
        };
        let (reply, effects) = self.h.start_as(customer("Pat"), route, client);
        self.starts += 1;
        if reply.is_err() {
            return;
        }
        let id = started_session(&effects);
        self.sessions.push((id, format!("token-{}", self.starts)));
        let _ = self.h.request(owner, req::accept(id));
    }

    fn session(&self, pick: u8) -> SessionId {
        self.sessions[usize::from(pick) % self.sessions.len()].0
    }

    fn live(&self, id: SessionId) -> Option<&Session> {
        self.h.router.sessions.get(&id)
    }

    fn owner(&self, id: SessionId) -> RepId {
        self.live(id)
            .and_then(|s| s.owner.clone())
            .unwrap_or_else(|| rep("alice"))
    }

    /// A grant id of the session (often a listed one, sometimes not).
    fn grant(&self, id: SessionId, pick: u8) -> GrantId {
        let list = self
            .live(id)
            .map(|s| s.grants.list.clone())
            .unwrap_or_default();
        if list.is_empty() || pick == u8::MAX {
            return GrantId(u64::from(pick));
        }
        list[usize::from(pick) % list.len()].grant_id
    }

    /// A rep of the session for most values of `who` (so requests and removals meet reps
    /// who hold grants), any player for the rest.
    fn member(&self, id: SessionId, who: u8) -> RepId {
        let participants = self
            .live(id)
            .map(|s| s.participants.clone())
            .unwrap_or_default();
        if who < 192 && !participants.is_empty() {
            participants[usize::from(who) % participants.len()].clone()
        } else {
            rep(PLAYERS[usize::from(who) % PLAYERS.len()])
        }
    }

    fn input(&mut self, op: &Op) -> Option<Input> {
        let as_rep = |who: &RepId, request| Input::Rep {
            rep: who.clone(),
            request,
        };
        let player = |who: u8| rep(PLAYERS[usize::from(who) % PLAYERS.len()]);
        Some(match *op {
            Op::Ask {
                who,
                session,
                control,
                shell,
            } => as_rep(
                &self.member(self.session(session), who),
                RepRequest::RequestRemote {
                    session_id: self.session(session),
                    capability: capability(control, shell),
                },
            ),
            Op::OwnerAsk {
                session,
                control,
                shell,
            } => {
                let id = self.session(session);
                as_rep(
                    &self.owner(id),
                    RepRequest::RequestRemote {
                        session_id: id,
                        capability: capability(control, shell),
                    },
                )
            }
            Op::TakeOver { .. } => return None,
            Op::Answer {
                session,
                pick,
                allow,
            } => {
                // Mostly a request waiting for its answer, sometimes any grant id.
                let id = self.session(session);
                let prompting: Vec<GrantId> = self
                    .live(id)
                    .map(|s| {
                        s.grants
                            .list
                            .iter()
                            .filter(|g| g.state == GrantState::Prompting)
                            .map(|g| g.grant_id)
                            .collect()
                    })
                    .unwrap_or_default();
                let grant_id = if pick < 224 && !prompting.is_empty() {
                    prompting[usize::from(pick) % prompting.len()]
                } else {
                    self.grant(id, pick)
                };
                Input::Customer {
                    session_id: id,
                    request: CustomerRequest::AnswerRemote { grant_id, allow },
                }
            }
            Op::RepStop {
                who,
                session,
                pick,
                keep_view,
            } => {
                let id = self.session(session);
                as_rep(
                    &self.member(id, who),
                    RepRequest::StopRemote {
                        session_id: id,
                        grant_id: self.grant(id, pick),
                        keep_view,
                    },
                )
            }
            Op::CustomerStop { session, pick } => {
                let id = self.session(session);
                Input::Customer {
                    session_id: id,
                    request: CustomerRequest::StopRemote {
                        grant_id: pick.map(|p| self.grant(id, p)),
                    },
                }
            }
            Op::OpenMedia {
                who,
                session,
                shell,
            } => as_rep(
                &self.member(self.session(session), who),
                RepRequest::OpenMedia {
                    session_id: self.session(session),
                    channel: channel(shell),
                },
            ),
            Op::CustomerOpenMedia { session, shell } => Input::Customer {
                session_id: self.session(session),
                request: CustomerRequest::OpenMedia {
                    channel: channel(shell),
                },
            },
            Op::Join { who, session } => {
                // The owner invites; the invitee accepts (when the invitation was made).
                let id = self.session(session);
                let owner = self.owner(id);
                let invitee = player(who);
                let (reply, _) = self
                    .h
                    .request(owner.as_str(), req::invite_rep(id, invitee.as_str()));
                let Ok(Some(switchboard_protocol::OkResult::Invitation { invitation_id })) = reply
                else {
                    return None;
                };
                as_rep(&invitee, req::accept_inv(invitation_id))
            }
            Op::Accept { who, session } => as_rep(&player(who), req::accept(self.session(session))),
            Op::Transfer { session, to, stay } => {
                let id = self.session(session);
                as_rep(
                    &self.owner(id),
                    req::transfer_rep(id, player(to).as_str(), stay),
                )
            }
            Op::Remove { session, who } => {
                let id = self.session(session);
                as_rep(
                    &self.owner(id),
                    req::remove(id, self.member(id, who).as_str()),
                )
            }
            Op::Leave { who, session } => {
                let id = self.session(session);
                as_rep(&self.member(id, who), req::leave(id))
            }
            Op::LeaveInQueue { session } => {
                let id = self.session(session);
                as_rep(&self.owner(id), req::leave_in_queue(id))
            }
            Op::RepDrop { who } => Input::RepDisconnected { rep: player(who) },
            Op::RepBack { who } => Input::RepConnected { rep: player(who) },
            Op::CustomerDrop { session } => Input::CustomerDisconnected {
                session_id: self.session(session),
            },
            Op::CustomerResume { session } => {
                let (id, token) = self.sessions[usize::from(session) % self.sessions.len()].clone();
                Input::CustomerResume {
                    conn: 10_000 + u64::from(session),
                    session_id: id,
                    customer_token: token,
                }
            }
            Op::DisconnectCustomer { session } => {
                let id = self.session(session);
                as_rep(
                    &self.owner(id),
                    RepRequest::DisconnectCustomer { session_id: id },
                )
            }
            Op::CustomerLeave { session } => Input::Customer {
                session_id: self.session(session),
                request: CustomerRequest::Leave,
            },
            Op::End { session } => {
                let id = self.session(session);
                let owner = self.owner(id);
                let _ = self
                    .h
                    .request(owner.as_str(), req::disposition(id, "Resolved"));
                as_rep(&owner, req::end(id))
            }
            Op::NewSession { owner, native } => {
                self.new_session(owner, native);
                return None;
            }
            Op::Time { secs } => {
                self.h.advance(u64::from(secs));
                Input::Tick
            }
            Op::Restart => {
                self.h.restart();
                Input::Tick
            }
        })
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        if let Op::TakeOver { who, session } = *op {
            let allow = |session| Op::Answer {
                session,
                pick: 0,
                allow: true,
            };
            for sub in [
                Op::Ask {
                    who,
                    session,
                    control: true,
                    shell: false,
                },
                allow(session),
                Op::OwnerAsk {
                    session,
                    control: true,
                    shell: false,
                },
                allow(session),
            ] {
                self.step(&sub)?;
            }
            return Ok(());
        }
        let Some(input) = self.input(op) else {
            return self.check(op, &[]);
        };
        let described = format!("{op:?} as {input:?}");
        let allowed = match &input {
            Input::Rep { request, .. } => Some(request.error_codes()),
            Input::Customer { request, .. } => Some(request.error_codes()),
            _ => None,
        };
        let access_before: BTreeMap<SessionId, BTreeMap<RepId, MediaRights>> = self
            .h
            .router
            .sessions
            .iter()
            .map(|(id, s)| (*id, media_access(s)))
            .collect();
        let snaps_before = self.h.all_snaps();
        let (reply, effects) = self.h.router.handle(self.h.now, input);
        match &reply {
            Err(error) => {
                if let Some(allowed) = allowed {
                    prop_assert!(
                        allowed.contains(&error.code),
                        "{described}: refused with `{}`, not on its errors_table list",
                        error.code.as_str()
                    );
                }
                prop_assert!(effects.is_empty(), "{described}: a refusal with effects");
                prop_assert_eq!(&self.h.all_snaps(), &snaps_before, "{}", described);
            }
            Ok(_) => self.h.store.apply_all(&effects),
        }
        // The relay hears every change of access, and the last word is the state now.
        for (id, before) in &access_before {
            let now = self.live(*id).map(media_access).unwrap_or_default();
            let told = effects.iter().rev().find_map(|e| match e {
                Effect::MediaAccess {
                    session_id,
                    viewers,
                } if session_id == id => Some(viewers.clone()),
                _ => None,
            });
            if &now != before {
                prop_assert_eq!(told.as_ref(), Some(&now), "{}: access not told", described);
            } else if let Some(told) = told {
                prop_assert_eq!(told, now, "{}: wrong access told", described);
            }
        }
        // Tickets only for holders of a granted grant of the ticket's channel.
        for effect in &effects {
            if let Effect::IssueMediaTicket {
                session_id,
                holder,
                channel,
                ..
            } = effect
            {
                let session = self.live(*session_id);
                let granted = session.is_some_and(|s| {
                    s.grants.list.iter().any(|g| {
                        g.state == GrantState::Granted
                            && (g.capability == Capability::Shell)
                                == (*channel == MediaChannel::Shell)
                            && match holder {
                                MediaHolder::Customer => true,
                                MediaHolder::Rep(r) => &g.rep == r,
                            }
                    })
                });
                prop_assert!(granted, "{described}: a ticket without a granted grant");
            }
        }
        self.check(op, &effects)
    }

    fn check(&self, op: &Op, _effects: &[Effect]) -> Result<(), TestCaseError> {
        let ticked = matches!(op, Op::Time { .. } | Op::Restart);
        for session in self.h.router.sessions.values() {
            let live: Vec<_> = session
                .grants
                .list
                .iter()
                .filter(|g| g.state.is_live())
                .collect();
            for g in &live {
                prop_assert!(
                    session.participants.contains(&g.rep),
                    "{op:?}: a live grant of {} who is not in session {}",
                    g.rep,
                    session.id
                );
                prop_assert!(
                    session.customer_connected && !session.customer_gone,
                    "{op:?}: a live grant while session {}'s customer is away",
                    session.id
                );
                if ticked && g.state == GrantState::Prompting {
                    prop_assert!(
                        g.deadline > self.h.now,
                        "{op:?}: a prompt past its deadline"
                    );
                }
            }
            let controls = live
                .iter()
                .filter(|g| {
                    g.capability == Capability::ScreenControl && g.state == GrantState::Granted
                })
                .count();
            prop_assert!(controls <= 1, "{op:?}: {controls} controllers");
            let shells = live
                .iter()
                .filter(|g| g.capability == Capability::Shell)
                .count();
            prop_assert!(shells <= 1, "{op:?}: {shells} live shell grants");
            for g in live.iter().filter(|g| g.capability == Capability::Shell) {
                let may = self
                    .h
                    .router
                    .config()
                    .reps
                    .get(&g.rep)
                    .is_some_and(|r| r.permissions.shell);
                prop_assert!(may, "{op:?}: a shell for {} without the permission", g.rep);
            }
            let mut per_rep = BTreeMap::new();
            for g in &live {
                *per_rep.entry((g.rep.clone(), g.capability)).or_insert(0) += 1;
            }
            prop_assert!(per_rep.values().all(|n| *n == 1), "{op:?}: a doubled grant");
            prop_assert!(
                session.grants.list.len() <= MAX_LISTED_GRANTS.max(live.len()),
                "{op:?}: the list grew to {}",
                session.grants.list.len()
            );
        }
        // Ended sessions, as stored, hold nothing live.
        for (ended, json) in self.h.store.sessions.values() {
            if *ended {
                let session: Session = serde_json::from_str(json).unwrap();
                prop_assert!(
                    session.grants.list.iter().all(|g| !g.state.is_live()),
                    "{op:?}: ended session {} stored with a live grant",
                    session.id
                );
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 192,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_grant_survives_anything_that_ends_it(ops in prop::collection::vec(op(), 1..80)) {
        let mut world = World::new();
        for op in &ops {
            world.step(op)?;
        }
    }
}

/// The property is not vacuous: random runs do reach granted control and every end.
#[test]
fn random_runs_reach_granted_control_and_revocations() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut granted_control = 0;
    let mut ends = std::collections::BTreeSet::new();
    for _ in 0..160 {
        let ops = prop::collection::vec(op(), 80)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut world = World::new();
        for op in &ops {
            world.step(op).unwrap();
            let stored: Vec<Session> = world
                .h
                .store
                .sessions
                .values()
                .map(|(_, json)| serde_json::from_str(json).unwrap())
                .collect();
            for session in world.h.router.sessions.values().chain(&stored) {
                for g in &session.grants.list {
                    if g.capability == Capability::ScreenControl && g.state == GrantState::Granted {
                        granted_control += 1;
                    }
                    if let Some(end) = g.ended {
                        ends.insert(format!("{end:?}"));
                    }
                }
            }
        }
    }
    assert!(granted_control > 0);
    assert!(ends.len() >= 7, "ends seen: {ends:?}");
}
