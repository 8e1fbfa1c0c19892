//! Property tests: random sequences of inputs, with the invariants checked after every
//! step, and every refusal's code checked against its request's list in
//! `switchboard_protocol::errors_table` (the list `docs/PROTOCOL.md` is held to).

use super::support::*;
use crate::config::Config;
use crate::router::effects::Effect;
use crate::router::state::Session;
use crate::router::{Input, Reply, Router};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use switchboard_protocol::errors_table::customer_hello_errors;
use switchboard_protocol::{
    CloseMode, CustomerRequest, CustomerServerMessage, ErrorCode, InvitationId, InviteTarget,
    Presence, QueueMode, QueueRef, RepEvent, RepId, RepRequest, RepSnapshot, Route, SessionId,
    TransferTarget, Visibility,
};

/// One random step; the numbers are resolved against the router's state when it runs
/// (mostly to reps and sessions for which the step makes sense, sometimes not).
#[derive(Debug, Clone)]
pub enum Op {
    Start {
        route: u8,
    },
    /// A start whose customer name is blank.
    StartBlankName,
    GenerateKey {
        who: u8,
    },
    StartWithKey {
        pick: u8,
    },
    Connect {
        who: u8,
    },
    Disconnect {
        who: u8,
    },
    Accept {
        who: u8,
        session: u8,
    },
    Chat {
        who: u8,
        session: u8,
        cid: u8,
        reps_only: bool,
    },
    CustomerChat {
        session: u8,
        cid: u8,
    },
    CustomerLeave {
        session: u8,
    },
    CustomerDrop {
        session: u8,
    },
    CustomerPing {
        session: u8,
    },
    /// A customer's `resume`, with their token or a wrong one.
    CustomerResume {
        session: u8,
        right_token: bool,
    },
    Ping {
        who: u8,
    },
    Invite {
        who: u8,
        session: u8,
        target: u8,
    },
    Cancel {
        who: u8,
        inv: u8,
    },
    AcceptInvitation {
        who: u8,
        inv: u8,
    },
    DeclineInvitation {
        who: u8,
        inv: u8,
    },
    ListInvitees {
        who: u8,
        session: u8,
    },
    Transfer {
        who: u8,
        session: u8,
        target: u8,
        stay: bool,
    },
    Remove {
        who: u8,
        session: u8,
        other: u8,
    },
    DisconnectCustomer {
        who: u8,
        session: u8,
    },
    Leave {
        who: u8,
        session: u8,
    },
    Close {
        who: u8,
        session: u8,
        end: bool,
    },
    Disposition {
        who: u8,
        session: u8,
        known: bool,
    },
    Important {
        who: u8,
        session: u8,
        on: bool,
    },
    Presence {
        who: u8,
        which: u8,
    },
    RejectOffer {
        who: u8,
    },
    TeamChat {
        who: u8,
        which: u8,
        cid: u8,
    },
    Assistance {
        who: u8,
        session: u8,
        needed: bool,
    },
    JoinSession {
        who: u8,
        session: u8,
    },
    /// The router's check of "Load older messages" (the core reads the store after it).
    LoadHistory {
        who: u8,
        session: u8,
    },
    Tick {
        secs: u16,
    },
}

pub fn op() -> impl Strategy<Value = Op> {
    let b = any::<u8>;
    prop_oneof![
        10 => b().prop_map(|route| Op::Start { route }),
        1 => b().prop_map(|who| Op::GenerateKey { who }),
        1 => b().prop_map(|pick| Op::StartWithKey { pick }),
        2 => b().prop_map(|who| Op::Connect { who }),
        1 => b().prop_map(|who| Op::Disconnect { who }),
        10 => (b(), b()).prop_map(|(who, session)| Op::Accept { who, session }),
        3 => (b(), b(), 0u8..4, any::<bool>())
            .prop_map(|(who, session, cid, reps_only)| Op::Chat { who, session, cid, reps_only }),
        2 => (b(), 0u8..4).prop_map(|(session, cid)| Op::CustomerChat { session, cid }),
        1 => b().prop_map(|session| Op::CustomerLeave { session }),
        1 => b().prop_map(|session| Op::CustomerDrop { session }),
        8 => (b(), b(), b()).prop_map(|(who, session, target)| Op::Invite { who, session, target }),
        1 => (b(), b()).prop_map(|(who, inv)| Op::Cancel { who, inv }),
        6 => (b(), b()).prop_map(|(who, inv)| Op::AcceptInvitation { who, inv }),
        2 => (b(), b()).prop_map(|(who, inv)| Op::DeclineInvitation { who, inv }),
        1 => (b(), b()).prop_map(|(who, session)| Op::ListInvitees { who, session }),
        3 => (b(), b(), b(), any::<bool>())
            .prop_map(|(who, session, target, stay)| Op::Transfer { who, session, target, stay }),
        2 => (b(), b(), b()).prop_map(|(who, session, other)| Op::Remove { who, session, other }),
        1 => (b(), b()).prop_map(|(who, session)| Op::DisconnectCustomer { who, session }),
        2 => (b(), b()).prop_map(|(who, session)| Op::Leave { who, session }),
        2 => (b(), b(), any::<bool>()).prop_map(|(who, session, end)| Op::Close { who, session, end }),
        2 => (b(), b(), any::<bool>())
            .prop_map(|(who, session, known)| Op::Disposition { who, session, known }),
        1 => (b(), b(), any::<bool>()).prop_map(|(who, session, on)| Op::Important { who, session, on }),
        2 => (b(), b()).prop_map(|(who, which)| Op::Presence { who, which }),
        2 => b().prop_map(|who| Op::RejectOffer { who }),
        1 => (b(), b(), 0u8..3).prop_map(|(who, which, cid)| Op::TeamChat { who, which, cid }),
        1 => Just(Op::StartBlankName),
        1 => b().prop_map(|session| Op::CustomerPing { session }),
        1 => (b(), any::<bool>())
            .prop_map(|(session, right_token)| Op::CustomerResume { session, right_token }),
        1 => b().prop_map(|who| Op::Ping { who }),
        2 => (b(), b(), any::<bool>())
            .prop_map(|(who, session, needed)| Op::Assistance { who, session, needed }),
        2 => (b(), b()).prop_map(|(who, session)| Op::JoinSession { who, session }),
        1 => (b(), b()).prop_map(|(who, session)| Op::LoadHistory { who, session }),
        3 => prop_oneof![0u16..10, 0u16..40, 100u16..320].prop_map(|secs| Op::Tick { secs }),
    ]
}

/// Steps around sharing sessions only, so invitations pile up and get used.
pub fn sharing_op() -> impl Strategy<Value = Op> {
    let b = any::<u8>;
    prop_oneof![
        3 => b().prop_map(|route| Op::Start { route }),
        4 => (b(), b()).prop_map(|(who, session)| Op::Accept { who, session }),
        8 => (b(), b(), b()).prop_map(|(who, session, target)| Op::Invite { who, session, target }),
        5 => (b(), b()).prop_map(|(who, inv)| Op::AcceptInvitation { who, inv }),
        2 => (b(), b()).prop_map(|(who, inv)| Op::DeclineInvitation { who, inv }),
        1 => (b(), b()).prop_map(|(who, inv)| Op::Cancel { who, inv }),
        3 => (b(), b()).prop_map(|(who, session)| Op::Leave { who, session }),
        1 => (b(), b(), b()).prop_map(|(who, session, other)| Op::Remove { who, session, other }),
        1 => b().prop_map(|who| Op::Connect { who }),
        1 => (0u16..10).prop_map(|secs| Op::Tick { secs }),
    ]
}

/// Every route a customer can take, a few unknown ones included.
fn routes() -> Vec<Route> {
    let mut routes = vec![Route::General, Route::General];
    routes.extend(REPS.iter().map(|r| Route::Rep { rep: rep(r) }));
    routes.extend(TEAMS.iter().map(|t| Route::Team { team: team(t) }));
    routes.extend(ISSUES.iter().map(|i| Route::Issue { issue: issue(i) }));
    routes.extend([
        Route::Button {
            token: "btn-erin".to_owned(),
        },
        Route::Button {
            token: "btn-team-sales".to_owned(),
        },
        Route::HelpLink {
            rep: Some(rep("dave")),
            team: None,
        },
        Route::HelpLink {
            rep: None,
            team: Some(team("billing")),
        },
        Route::Rep { rep: rep("ghost") },
        Route::Button {
            token: "btn-ghost".to_owned(),
        },
        Route::Team {
            team: team("ghost"),
        },
        Route::Issue {
            issue: issue("ghost"),
        },
        Route::HelpLink {
            rep: Some(rep("dave")),
            team: Some(team("billing")),
        },
        Route::HelpLink {
            rep: None,
            team: None,
        },
    ]);
    routes
}

fn invite_targets() -> Vec<InviteTarget> {
    let mut targets: Vec<InviteTarget> = REPS
        .iter()
        .map(|r| InviteTarget::Rep { rep: rep(r) })
        .collect();
    targets.extend(TEAMS.iter().map(|t| InviteTarget::Team { team: team(t) }));
    targets.extend(
        ISSUES
            .iter()
            .map(|i| InviteTarget::Issue { issue: issue(i) }),
    );
    targets
}

fn transfer_targets() -> Vec<TransferTarget> {
    let mut targets: Vec<TransferTarget> = REPS
        .iter()
        .map(|r| TransferTarget::Rep { rep: rep(r) })
        .collect();
    targets.extend(TEAMS.iter().map(|t| TransferTarget::Team { team: team(t) }));
    targets
}

fn pick<T: Clone>(items: &[T], n: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(n) % items.len()].clone())
}

fn any_rep(n: u8) -> RepId {
    rep(REPS[usize::from(n) % REPS.len()])
}

/// The test's memory of what happened: tokens of customers, keys handed out.
#[derive(Default)]
struct Model {
    tokens: BTreeMap<SessionId, String>,
    keys: Vec<String>,
}

pub struct Runner {
    pub h: Harness,
    model: Model,
    /// Customers give a contact (one of three), so chats have history to load.
    contacts: bool,
}

impl Runner {
    /// Most reps start logged in; dave and hank (extended availability) start away.
    pub fn new() -> Runner {
        Runner::on(config(), false)
    }

    /// As [`Runner::new`], with carol (tech) and erin (sales) team leads and customers who
    /// give a contact, so assistance and history requests get past their first checks. Not
    /// for restarts: the test store keeps no ended contacts, and restarts use the plain config.
    pub fn with_leads_and_contacts() -> Runner {
        let mut config = (*config()).clone();
        for lead in ["carol", "erin"] {
            if let Some(r) = config.reps.get_mut(&rep(lead)) {
                r.permissions.lead = true;
            }
        }
        Runner::on(Arc::new(config), true)
    }

    fn on(config: Arc<Config>, contacts: bool) -> Runner {
        let mut h = Harness::new();
        h.router = Router::new(config, 7);
        for r in REPS.iter().filter(|r| !matches!(**r, "dave" | "hank")) {
            h.connect(r);
        }
        Runner {
            h,
            model: Model::default(),
            contacts,
        }
    }

    /// Mostly a live session; sometimes any id ever handed out (ended ones included) or one
    /// never handed out.
    fn session(&self, n: u8) -> SessionId {
        let live: Vec<SessionId> = self.h.router.sessions.keys().copied().collect();
        if n % 16 == 15 || live.is_empty() {
            SessionId(u64::from(n / 16) % (self.h.router.next_session + 1))
        } else {
            live[usize::from(n) % live.len()]
        }
    }

    /// Mostly a session matching `wanted`; otherwise as [`Runner::session`].
    fn session_where(&self, n: u8, wanted: impl Fn(&Session) -> bool) -> SessionId {
        let matching: Vec<SessionId> = self
            .h
            .router
            .sessions
            .values()
            .filter(|s| wanted(s))
            .map(|s| s.id)
            .collect();
        match pick(&matching, n) {
            Some(id) if n % 16 != 15 => id,
            _ => self.session(n),
        }
    }

    fn owned_session(&self, n: u8) -> SessionId {
        self.session_where(n, |s| s.owner.is_some())
    }

    fn waiting_session(&self, n: u8) -> SessionId {
        self.session_where(n, |s| s.waiting.is_some())
    }

    fn staffed_session(&self, n: u8) -> SessionId {
        self.session_where(n, |s| !s.participants.is_empty())
    }

    /// Mostly a rep in the session; sometimes anyone.
    fn rep_in(&self, session: SessionId, who: u8) -> RepId {
        let participants = self
            .h
            .router
            .sessions
            .get(&session)
            .map(|s| {
                // The owner first, so owner-only requests are often tried by the owner.
                let mut reps: Vec<RepId> = s.owner.iter().cloned().collect();
                reps.extend(s.participants.iter().cloned());
                reps
            })
            .unwrap_or_default();
        match pick(&participants, who) {
            Some(r) if who < 200 => r,
            _ => any_rep(who),
        }
    }

    /// Mostly a rep who sees the queue; sometimes anyone.
    fn rep_seeing(&self, queue: Option<&QueueRef>, who: u8) -> RepId {
        let viewers = queue
            .map(|q| self.h.router.config().viewers(q))
            .unwrap_or_default();
        match pick(&viewers, who) {
            Some(r) if who < 200 => r,
            _ => any_rep(who),
        }
    }

    fn invitation(&self, n: u8) -> InvitationId {
        let live: Vec<InvitationId> = self.h.router.invitations.keys().copied().collect();
        if n % 16 == 15 || live.is_empty() {
            InvitationId(u64::from(n / 16) % (self.h.router.next_invitation + 1))
        } else {
            live[usize::from(n) % live.len()]
        }
    }

    /// Consoles only send requests while connected: connect the rep first if needed.
    fn as_rep(&mut self, who: RepId, request: RepRequest) -> Input {
        if self.h.router.connected(&who) {
            Input::Rep { rep: who, request }
        } else {
            Input::RepConnected { rep: who }
        }
    }

    /// Customers only send requests while connected: resume first if needed.
    fn as_customer(&mut self, session_id: SessionId, request: CustomerRequest) -> Input {
        match self.h.router.sessions.get(&session_id) {
            Some(s) if !s.customer_connected && !s.customer_gone => Input::CustomerResume {
                conn: 10_000 + session_id.0,
                session_id,
                customer_token: self
                    .model
                    .tokens
                    .get(&session_id)
                    .cloned()
                    .unwrap_or_default(),
            },
            _ => Input::Customer {
                session_id,
                request,
            },
        }
    }

    fn start(&mut self, route: Route) -> Input {
        let next = self.h.router.next_session;
        let mut who = customer("Random");
        if self.contacts {
            who.contact = Some(format!("c{}@example.com", next % 3));
        }
        Input::CustomerStart {
            conn: next,
            customer: who,
            route,
            customer_token: format!("tok-{next}"),
            client: Default::default(),
            platform: Default::default(),
        }
    }

    /// Mostly a team lead (of the runner's configuration); sometimes anyone.
    fn lead(&self, who: u8) -> RepId {
        let leads: Vec<RepId> = self
            .h
            .router
            .config()
            .reps
            .values()
            .filter(|r| r.permissions.lead)
            .map(|r| r.id.clone())
            .collect();
        match pick(&leads, who) {
            Some(r) if who < 200 => r,
            _ => any_rep(who),
        }
    }

    fn input_for(&mut self, op: &Op) -> Input {
        match *op {
            Op::Start { route } => {
                let route = pick(&routes(), route).unwrap_or(Route::General);
                self.start(route)
            }
            Op::StartBlankName => Input::CustomerStart {
                conn: self.h.router.next_session,
                customer: customer(" "),
                route: Route::General,
                customer_token: "tok-blank".to_owned(),
                client: Default::default(),
                platform: Default::default(),
            },
            Op::GenerateKey { who } => self.as_rep(any_rep(who), RepRequest::GenerateSessionKey),
            Op::StartWithKey { pick: n } => {
                let key = pick(&self.model.keys, n).unwrap_or_else(|| "000000".to_owned());
                self.start(Route::SessionKey { key })
            }
            Op::Connect { who } => Input::RepConnected { rep: any_rep(who) },
            Op::Disconnect { who } => Input::RepDisconnected { rep: any_rep(who) },
            Op::Accept { who, session } => {
                let id = self.waiting_session(session);
                let queue = self
                    .h
                    .router
                    .sessions
                    .get(&id)
                    .and_then(|s| s.waiting.as_ref())
                    .map(|w| w.queue.clone());
                let r = self.rep_seeing(queue.as_ref(), who);
                self.as_rep(r, req::accept(id))
            }
            Op::Chat {
                who,
                session,
                cid,
                reps_only,
            } => {
                let id = self.staffed_session(session);
                let r = self.rep_in(id, who);
                let request = RepRequest::SendChat {
                    session_id: id,
                    client_msg_id: format!("c{cid}"),
                    text: format!("text {cid}"),
                    visibility: if reps_only {
                        Visibility::Reps
                    } else {
                        Visibility::Public
                    },
                };
                self.as_rep(r, request)
            }
            Op::CustomerChat { session, cid } => {
                let id = self.session(session);
                self.as_customer(
                    id,
                    CustomerRequest::Chat {
                        client_msg_id: format!("k{cid}"),
                        text: format!("customer {cid}"),
                    },
                )
            }
            Op::CustomerLeave { session } => {
                let id = self.session(session);
                self.as_customer(id, CustomerRequest::Leave)
            }
            Op::CustomerDrop { session } => Input::CustomerDisconnected {
                session_id: self.session(session),
            },
            Op::CustomerPing { session } => {
                let id = self.session(session);
                self.as_customer(id, CustomerRequest::Ping)
            }
            Op::CustomerResume {
                session,
                right_token,
            } => {
                let session_id = self.session(session);
                let customer_token = match self.model.tokens.get(&session_id) {
                    Some(token) if right_token => token.clone(),
                    _ => "wrong".to_owned(),
                };
                Input::CustomerResume {
                    conn: 20_000 + session_id.0,
                    session_id,
                    customer_token,
                }
            }
            Op::Ping { who } => self.as_rep(any_rep(who), RepRequest::Ping),
            Op::Invite {
                who,
                session,
                target,
            } => {
                let id = self.owned_session(session);
                let r = self.rep_in(id, who);
                let target = pick(&invite_targets(), target).expect("targets");
                self.as_rep(r, req::invite(id, target))
            }
            Op::Cancel { who, inv } => {
                let id = self.invitation(inv);
                let session = self.h.router.invitations.get(&id).map(|i| i.session_id);
                let r = match session {
                    Some(s) => self.rep_in(s, who),
                    None => any_rep(who),
                };
                self.as_rep(r, req::cancel(id))
            }
            Op::AcceptInvitation { who, inv } | Op::DeclineInvitation { who, inv } => {
                let id = self.invitation(inv);
                let queue = self.h.router.invitations.get(&id).map(|i| i.queue.clone());
                let r = self.rep_seeing(queue.as_ref(), who);
                let request = if matches!(op, Op::AcceptInvitation { .. }) {
                    req::accept_inv(id)
                } else {
                    req::decline_inv(id)
                };
                self.as_rep(r, request)
            }
            Op::ListInvitees { who, session } => {
                let id = self.owned_session(session);
                let r = self.rep_in(id, who);
                self.as_rep(r, RepRequest::ListInvitees { session_id: id })
            }
            Op::Transfer {
                who,
                session,
                target,
                stay,
            } => {
                let id = self.owned_session(session);
                let r = self.rep_in(id, who);
                let target = pick(&transfer_targets(), target).expect("targets");
                self.as_rep(
                    r,
                    RepRequest::Transfer {
                        session_id: id,
                        target,
                        stay,
                    },
                )
            }
            Op::Remove {
                who,
                session,
                other,
            } => {
                let id = self.owned_session(session);
                let r = self.rep_in(id, who);
                let removed = self.rep_in(id, other.wrapping_add(1));
                self.as_rep(r, req::remove(id, removed.as_str()))
            }
            Op::DisconnectCustomer { who, session } => {
                let id = self.owned_session(session);
                let r = self.rep_in(id, who);
                self.as_rep(r, RepRequest::DisconnectCustomer { session_id: id })
            }
            Op::Leave { who, session } => {
                let id = self.staffed_session(session);
                let r = self.rep_in(id, who);
                self.as_rep(r, req::leave(id))
            }
            Op::Close { who, session, end } => {
                let id = self.owned_session(session);
                let r = self.rep_in(id, who);
                let mode = if end {
                    CloseMode::End
                } else {
                    CloseMode::LeaveInQueue
                };
                self.as_rep(
                    r,
                    RepRequest::Close {
                        session_id: id,
                        mode,
                    },
                )
            }
            Op::Disposition {
                who,
                session,
                known,
            } => {
                let id = self.staffed_session(session);
                let r = self.rep_in(id, who);
                let disposition = if known { "Resolved" } else { "Unheard of" };
                self.as_rep(r, req::disposition(id, disposition))
            }
            Op::Important { who, session, on } => {
                let id = self.staffed_session(session);
                let r = self.rep_in(id, who);
                self.as_rep(r, req::important(id, on))
            }
            Op::Presence { who, which } => {
                let presence = match which % 8 {
                    0..=3 => Presence::Available,
                    4 | 5 => Presence::Busy,
                    6 => Presence::Away,
                    _ => Presence::Paused,
                };
                self.as_rep(any_rep(who), RepRequest::SetPresence { presence })
            }
            Op::RejectOffer { who } => {
                // Mostly a rep holding an offer.
                let holders: Vec<(RepId, SessionId)> = self
                    .h
                    .router
                    .reps
                    .iter()
                    .filter_map(|(r, s)| s.offer.map(|o| (r.clone(), o)))
                    .collect();
                let (r, id) = match pick(&holders, who) {
                    Some(found) if who < 220 => found,
                    _ => (any_rep(who), self.session(who)),
                };
                self.as_rep(r, RepRequest::RejectOffer { session_id: id })
            }
            Op::TeamChat { who, which, cid } => {
                let r = any_rep(who);
                let t = TEAMS[usize::from(which) % TEAMS.len()];
                self.as_rep(r, req::team_chat(t, &format!("t{cid}"), "hello team"))
            }
            Op::Assistance {
                who,
                session,
                needed,
            } => {
                let id = self.staffed_session(session);
                let r = self.rep_in(id, who);
                self.as_rep(
                    r,
                    RepRequest::SetAssistance {
                        session_id: id,
                        needed,
                    },
                )
            }
            Op::JoinSession { who, session } => {
                let id = self.session_where(session, |s| s.assistance.is_some());
                let r = self.lead(who);
                self.as_rep(r, RepRequest::JoinSession { session_id: id })
            }
            Op::LoadHistory { who, session } => {
                // "Load older messages" is a router input like any other: it checks, and
                // says what the store must read.
                let session_id = self.staffed_session(session);
                let r = self.rep_in(session_id, who);
                self.as_rep(
                    r,
                    RepRequest::LoadHistory {
                        session_id,
                        before: None,
                    },
                )
            }
            Op::Tick { .. } => Input::Tick,
        }
    }

    /// The codes a refusal of `input` may carry: its request's `errors_table` list. `None`
    /// where the test makes an input no client can (a customer bound to a session id never
    /// handed out) or one that is not a WebSocket request (a shared file).
    fn allowed_errors(&self, input: &Input) -> Option<&'static [ErrorCode]> {
        match input {
            Input::Rep { request, .. } => Some(request.error_codes()),
            Input::Customer {
                session_id,
                request,
            } => self
                .model
                .tokens
                .contains_key(session_id)
                .then(|| request.error_codes()),
            Input::CustomerStart { .. } => customer_hello_errors("start"),
            Input::CustomerResume { .. } => customer_hello_errors("resume"),
            Input::CustomerJoin { .. } => customer_hello_errors("join"),
            Input::ShareFile { .. } => None,
            Input::JumpHello { .. } => switchboard_protocol::errors_table::JUMP_HELLO_ERRORS
                .iter()
                .find(|(name, _)| *name == "hello")
                .map(|(_, codes)| *codes),
            Input::RepConnected { .. }
            | Input::RepDisconnected { .. }
            | Input::CustomerDisconnected { .. }
            | Input::JumpDisconnected { .. }
            | Input::Tick => Some(&[]),
        }
    }

    /// Runs one step and checks every invariant after it.
    pub fn step(&mut self, op: &Op) -> Result<Vec<Effect>, TestCaseError> {
        if let Op::Tick { secs } = op {
            self.h.advance(u64::from(*secs));
            self.h.advance_ms(u64::from(*secs % 7));
        }
        let input = self.input_for(op);
        let described = format!("{op:?} as {input:?}");
        let allowed = self.allowed_errors(&input);
        let before = self.h.all_snaps();
        let participants_before: BTreeMap<SessionId, Vec<RepId>> = self
            .h
            .router
            .sessions
            .iter()
            .map(|(id, s)| (*id, s.participants.clone()))
            .collect();
        let (reply, effects) = self.h.router.handle(self.h.now, input);
        if let (Err(error), Some(allowed)) = (&reply, allowed) {
            prop_assert!(
                allowed.contains(&error.code),
                "{described}: refused with `{}`, not in its errors_table list {allowed:?}",
                error.code.as_str()
            );
        }
        self.check_session_updates(&described, &effects)?;
        self.h.store.apply_all(&effects);
        self.remember(&reply, &effects);
        let after = self.h.all_snaps();
        check(
            &self.h,
            &described,
            &reply,
            &effects,
            &before,
            &after,
            &participants_before,
        )?;
        Ok(effects)
    }

    /// `session_updated` carries the whole state: per input, each rep gets at most one per
    /// session, and it shows the state the input left (never an intermediate one).
    fn check_session_updates(
        &self,
        described: &str,
        effects: &[Effect],
    ) -> Result<(), TestCaseError> {
        let mut seen = std::collections::BTreeSet::new();
        for effect in effects {
            let Effect::ToRep(rep, RepEvent::SessionUpdated { session }) = effect else {
                continue;
            };
            prop_assert!(
                seen.insert((rep.clone(), session.session_id)),
                "{described}: {rep} got two session_updated for session {:?}",
                session.session_id
            );
            if let Some(now) = self.h.router.sessions.get(&session.session_id) {
                let settled = self.h.router.session_info(now);
                prop_assert_eq!(
                    session,
                    &settled,
                    "{}: session_updated to {} is not the settled state",
                    described,
                    rep
                );
            }
        }
        Ok(())
    }

    fn remember(&mut self, reply: &Reply, effects: &[Effect]) {
        if let Ok(Some(switchboard_protocol::OkResult::SessionKey { key, .. })) = reply {
            self.model.keys.push(key.clone());
        }
        for effect in effects {
            if let Effect::ToCustomerConn(
                _,
                CustomerServerMessage::SessionStarted {
                    session_id,
                    customer_token,
                    ..
                },
            ) = effect
            {
                self.model
                    .tokens
                    .insert(*session_id, customer_token.clone());
            }
        }
    }
}

fn in_session(participants: &BTreeMap<SessionId, Vec<RepId>>, id: SessionId, r: &RepId) -> bool {
    participants.get(&id).is_some_and(|p| p.contains(r))
}

/// The invariants, after one step.
fn check(
    h: &Harness,
    step: &str,
    reply: &Reply,
    effects: &[Effect],
    before: &BTreeMap<RepId, RepSnapshot>,
    after: &BTreeMap<RepId, RepSnapshot>,
    participants_before: &BTreeMap<SessionId, Vec<RepId>>,
) -> Result<(), TestCaseError> {
    let router = &h.router;
    let config = router.config();

    // A refused input produces no effects and changes no snapshot.
    if reply.is_err() {
        prop_assert!(
            effects.is_empty(),
            "{step}: refusal with effects {effects:?}"
        );
        prop_assert!(after == before, "{step}: a refusal changed a snapshot");
    }

    // Sessions: owned (one owner among the participants) xor waiting in exactly one queue.
    for (id, s) in &router.sessions {
        prop_assert!(s.ended_at.is_none(), "{step}: ended session {id} kept");
        let unique: BTreeSet<&RepId> = s.participants.iter().collect();
        prop_assert_eq!(
            unique.len(),
            s.participants.len(),
            "{}: duplicate participants",
            step
        );
        match (&s.owner, &s.waiting) {
            (Some(owner), None) => {
                prop_assert!(
                    s.participants.contains(owner),
                    "{step}: owner {owner} of {id} is not a participant"
                );
            }
            (None, Some(waiting)) => {
                let holders: Vec<&QueueRef> = router
                    .queues
                    .iter()
                    .filter(|(_, set)| set.iter().any(|(_, sid)| sid == id))
                    .map(|(q, _)| q)
                    .collect();
                prop_assert_eq!(
                    holders,
                    vec![&waiting.queue],
                    "{}: session {} is not in exactly its queue",
                    step,
                    id
                );
                prop_assert!(
                    router.queues[&waiting.queue].contains(&(waiting.entered_at, *id)),
                    "{step}: queue order key of {id}"
                );
            }
            (Some(_), Some(_)) => prop_assert!(false, "{step}: {id} owned and waiting"),
            (None, None) => prop_assert!(false, "{step}: {id} neither owned nor waiting"),
        }
        if let Some(offer) = &s.offer {
            let waiting = s.waiting.as_ref();
            prop_assert!(waiting.is_some(), "{step}: offer of a session not waiting");
            let queue = &waiting.expect("checked").queue;
            prop_assert_eq!(config.queue_mode(queue).0, QueueMode::Push);
            prop_assert!(
                config.can_see(&offer.rep, queue),
                "{step}: offer to a non-viewer"
            );
            prop_assert!(
                router.connected(&offer.rep),
                "{step}: offer to an offline rep"
            );
            prop_assert_eq!(router.reps[&offer.rep].offer, Some(*id));
        }
    }
    for (queue, set) in &router.queues {
        prop_assert!(!set.is_empty(), "{step}: empty queue {queue} kept");
        for (entered_at, id) in set {
            let waiting = router.sessions.get(id).and_then(|s| s.waiting.as_ref());
            prop_assert!(
                waiting.is_some_and(|w| &w.queue == queue && w.entered_at == *entered_at),
                "{step}: queue {queue} lists {id} which does not wait there"
            );
        }
    }
    for (r, state) in &router.reps {
        if let Some(id) = state.offer {
            let offered_to = router
                .sessions
                .get(&id)
                .and_then(|s| s.offer.as_ref())
                .map(|o| o.rep.clone());
            prop_assert_eq!(offered_to.as_ref(), Some(r), "{}: stale offer", step);
        }
        let max = config.reps[r].permissions.max_sessions as usize;
        prop_assert!(router.load(r) <= max, "{step}: {r} over capacity");
    }

    // Invitations: only while the inviter owns the session; queue as the target says; no
    // two for the same rep and session.
    let mut rep_targets = BTreeSet::new();
    for inv in router.invitations.values() {
        let session = router.sessions.get(&inv.session_id);
        prop_assert!(
            session.is_some_and(|s| s.is_owner(&inv.inviter)),
            "{step}: invitation {} outlived its inviter's ownership",
            inv.id
        );
        let queue = match &inv.target {
            InviteTarget::Rep { rep: r } => {
                prop_assert!(
                    rep_targets.insert((r.clone(), inv.session_id)),
                    "{step}: two invitations for {r} to {}",
                    inv.session_id
                );
                prop_assert!(
                    session.is_some_and(|s| !s.has_rep(r)),
                    "{step}: {r} is in {} and still invited to it",
                    inv.session_id
                );
                QueueRef::Personal { rep: r.clone() }
            }
            InviteTarget::Team { team: t } => QueueRef::Team { team: t.clone() },
            InviteTarget::Issue { issue: i } => {
                prop_assert!(config.issues[i].request_help);
                QueueRef::Team {
                    team: config.issues[i].team.clone(),
                }
            }
        };
        prop_assert_eq!(&inv.queue, &queue);
    }

    // Snapshots: exactly the visible queues; entries only of what waits there (or
    // invitations the rep may see); each waiting session once for each of its viewers.
    for (r, snap) in after {
        let queues: Vec<QueueRef> = snap.queues.iter().map(|q| q.queue.clone()).collect();
        prop_assert_eq!(
            &queues,
            &config.visible_queues(r),
            "{}: queues of {}",
            step,
            r
        );
        let mut seen = BTreeSet::new();
        for view in &snap.queues {
            prop_assert!(config.can_see(r, &view.queue));
            for entry in &view.entries {
                prop_assert!(
                    seen.insert(entry.entry_id.clone()),
                    "{step}: {r} sees {} twice",
                    entry.entry_id
                );
                prop_assert_eq!(&entry.queue, &view.queue);
                let session = router.sessions.get(&entry.session_id);
                match &entry.invitation {
                    None => prop_assert!(
                        session
                            .and_then(|s| s.waiting.as_ref())
                            .is_some_and(|w| w.queue == view.queue),
                        "{step}: {r} sees {} in {} where it does not wait",
                        entry.entry_id,
                        view.queue
                    ),
                    Some(info) => {
                        let inv = router.invitations.get(&info.invitation_id);
                        prop_assert!(
                            inv.is_some_and(|i| i.queue == view.queue && !i.declined_by.contains(r)),
                            "{step}: {r} sees a stale or declined invitation"
                        );
                        prop_assert!(
                            session.is_some_and(|s| !s.has_rep(r)),
                            "{step}: {r} is invited to a session they are in"
                        );
                    }
                }
            }
        }
        let mine: Vec<SessionId> = snap.sessions.iter().map(|v| v.session.session_id).collect();
        let expected: Vec<SessionId> = router
            .sessions
            .values()
            .filter(|s| s.has_rep(r))
            .map(|s| s.id)
            .collect();
        prop_assert_eq!(mine, expected, "{}: sessions of {}", step, r);
        if let Some(offer) = &snap.offer {
            prop_assert!(config.can_see(r, &offer.entry.queue));
        }
    }
    for s in router.sessions.values() {
        if let Some(waiting) = &s.waiting {
            for viewer in config.viewers(&waiting.queue) {
                let entry_id = session_entry_id(s.id);
                let count = after[&viewer]
                    .queues
                    .iter()
                    .filter(|q| q.queue == waiting.queue)
                    .flat_map(|q| q.entries.iter())
                    .filter(|e| e.entry_id == entry_id)
                    .count();
                prop_assert_eq!(
                    count,
                    1,
                    "{}: {} sees {} {} times",
                    step,
                    viewer,
                    entry_id,
                    count
                );
            }
        }
    }

    // Effects: nothing reaches a rep about a queue they may not see, session events only
    // reach the session's reps, rep-only chat never reaches a customer.
    for effect in effects {
        match effect {
            Effect::ToRep(r, event) => match event {
                RepEvent::EntryUpserted { entry } => {
                    prop_assert!(
                        config.can_see(r, &entry.queue),
                        "{step}: {r} told of {}",
                        entry.entry_id
                    );
                    if let Some(info) = &entry.invitation {
                        prop_assert!(
                            !router
                                .invitations
                                .get(&info.invitation_id)
                                .is_some_and(|i| i.declined_by.contains(r)),
                            "{step}: {r} told of an invitation they declined"
                        );
                    }
                }
                RepEvent::EntryRemoved { queue, .. } => {
                    prop_assert!(config.can_see(r, queue), "{step}: {r} told of {queue}");
                }
                RepEvent::OfferMade { offer } => {
                    prop_assert!(config.can_see(r, &offer.entry.queue));
                    prop_assert_eq!(config.queue_mode(&offer.entry.queue).0, QueueMode::Push);
                }
                RepEvent::Chat { message } => {
                    let id = message.session_id;
                    let now_in = router.sessions.get(&id).is_some_and(|s| s.has_rep(r));
                    prop_assert!(
                        now_in || in_session(participants_before, id, r),
                        "{step}: chat of {id} sent to {r}"
                    );
                }
                RepEvent::SessionUpdated { session } => {
                    let id = session.session_id;
                    let now_in = router.sessions.get(&id).is_some_and(|s| s.has_rep(r));
                    prop_assert!(
                        now_in || in_session(participants_before, id, r),
                        "{step}: update of {id} sent to {r}"
                    );
                }
                RepEvent::SessionJoined { view } => {
                    let id = view.session.session_id;
                    prop_assert!(router.sessions.get(&id).is_some_and(|s| s.has_rep(r)));
                }
                RepEvent::TeamChat { message } => {
                    prop_assert!(config.teams[&message.team].members.contains(r));
                }
                _ => {}
            },
            Effect::ToCustomer(_, CustomerServerMessage::Chat { message }) => {
                prop_assert_eq!(
                    message.visibility,
                    Visibility::Public,
                    "{}: rep-only chat to a customer",
                    step
                );
            }
            Effect::ToCustomerConn(_, CustomerServerMessage::SessionStarted { chat, .. }) => {
                prop_assert!(chat.iter().all(|m| m.visibility == Visibility::Public));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The snapshots with what a restart cannot keep taken out: presences, offers, whether
/// customers are connected.
fn restorable(snaps: &BTreeMap<RepId, RepSnapshot>) -> BTreeMap<RepId, RepSnapshot> {
    snaps
        .iter()
        .map(|(r, snap)| {
            let mut snap = snap.clone();
            snap.me.presence = Presence::Offline;
            for info in &mut snap.reps {
                info.presence = Presence::Offline;
            }
            snap.offer = None;
            for view in &mut snap.sessions {
                view.session.customer_connected = false;
                // What the customer's side can share follows from their connection.
                view.session.remote.source = switchboard_protocol::ScreenSource::None;
            }
            (r.clone(), snap)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The routing invariants hold after every step of any sequence of inputs: each waiting
    /// session in exactly one queue and seen once by each viewer; each active session with
    /// one owner among its participants; no two invitations for a rep and session;
    /// nothing shown to a rep who may not see it; rep-only chat never to customers; a
    /// refused input changes nothing, and its code is in its request's errors_table list.
    #[test]
    fn invariants_hold_after_every_step(ops in proptest::collection::vec(op(), 1..=60)) {
        let mut runner = Runner::new();
        for op in &ops {
            runner.step(op)?;
        }
    }

    /// The same invariants over sequences made mostly of sharing steps (invite, accept,
    /// decline, cancel, leave, remove), so invitations pile up and get used.
    #[test]
    fn invariants_hold_while_sharing(ops in proptest::collection::vec(sharing_op(), 1..=60)) {
        let mut runner = Runner::new();
        for op in &ops {
            runner.step(op)?;
        }
    }

    /// The same invariants and error lists with team leads and customer contacts, so
    /// `set_assistance`, `join_session` and `load_history` get past their first checks.
    #[test]
    fn invariants_hold_with_leads_and_contacts(ops in proptest::collection::vec(op(), 1..=60)) {
        let mut runner = Runner::with_leads_and_contacts();
        for op in &ops {
            runner.step(op)?;
        }
    }

    /// Restore: after any sequence of inputs, a router rebuilt from the persisted records
    /// shows every rep the same queues, sessions (with chat and invitations) and team chat.
    #[test]
    fn restore_reproduces_what_reps_see(ops in proptest::collection::vec(op(), 1..=40)) {
        let mut runner = Runner::new();
        for op in &ops {
            runner.step(op)?;
        }
        let before = restorable(&runner.h.all_snaps());
        runner.h.restart();
        let after = restorable(&runner.h.all_snaps());
        for (r, snap) in &before {
            prop_assert_eq!(&after[r], snap, "snapshot of {}", r);
        }
    }
}
