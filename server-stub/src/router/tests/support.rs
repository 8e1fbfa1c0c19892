//! Shared test support: the dedicated test configuration, a harness that keeps the clock
//! and a tiny in-memory store fed by the router's `Persist` effects, and small helpers to
//! look into effects and snapshots.

use crate::config::{Config, hash_password};
use crate::router::effects::{CustomerConn, Effect, StoreOp};
use crate::router::state::{Invitation, Session, SessionKey};
use crate::router::{Input, Reply, RestoredState, Router};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use switchboard_protocol::{
    Author, ChatMessage, ClientKind, CloseMode, CustomerInfo, CustomerRequest,
    CustomerServerMessage, ErrorCode, InvitationId, InviteTarget, IssueId, OkResult, QueueEntry,
    QueueRef, RepEvent, RepId, RepRequest, RepSnapshot, Route, SessionId, TeamChatMessage, TeamId,
    TransferTarget, UnixMillis, Visibility,
};

/// The start of every test clock.
pub const T0: UnixMillis = 1_700_000_000_000;
/// Settings of the test configuration, repeated here for the tests that count on them.
pub const GRACE_SECS: u64 = 5;
pub const KEY_TTL_SECS: u64 = 300;
pub const SALES_ANSWER_SECS: u64 = 20;
pub const PERSONAL_RULE_SECS: u64 = 120;
pub const BILLING_RULE_SECS: u64 = 300;

/// Every rep of the test configuration, in id order.
pub const REPS: [&str; 9] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivan",
];
pub const TEAMS: [&str; 4] = ["billing", "leads", "sales", "tech"];
pub const ISSUES: [&str; 5] = ["crash", "escalate", "invoice", "pricing", "refund"];

/// The test configuration (see the TOML below for who may do what). `{HASH}` is replaced
/// by one argon2 hash computed once per test binary.
const TEST_CONFIG: &str = r#"
[server]
grace_secs = 5
session_key_ttl_secs = 300
offer_answer_secs = 30
token_ttl_secs = 3600
require_disposition = true
dispositions = ["Resolved", "Escalated"]

[general]
mode = "pull"

[[teams]]
id = "billing"
name = "Billing"

[[teams]]
id = "tech"
name = "Technical Support"
mode = "pull"

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = 20

[[teams]]
id = "leads"
name = "Team Leads"

# alice: two teams, general queue, may share outside her teams and transfer; screen control,
# the shell and an administrator's shell.
[[reps]]
id = "alice"
name = "Alice Martin"
email = "alice@example.com"
password_hash = "{HASH}"
teams = ["billing", "tech"]
general_queue = true
share_outside_teams = true
transfer = true
max_sessions = 5
screen = "control"
shell = true
support_button = true
jump_client = true
elevate = true

# bob: billing only, general queue, transfer, at most 2 sessions; screen control, the shell
# and an administrator's shell.
[[reps]]
id = "bob"
name = "Bob Okafor"
password_hash = "{HASH}"
teams = ["billing"]
general_queue = true
transfer = true
max_sessions = 2
screen = "control"
shell = true
support_button = true
jump_client = true
elevate = true

# carol: tech only, no general queue, may not transfer; may view screens, not control.
[[reps]]
id = "carol"
name = "Carol Chen"
password_hash = "{HASH}"
teams = ["tech"]
max_sessions = 4
screen = "view"

# dave: tech and sales, extended availability with an email; screen control.
[[reps]]
id = "dave"
name = "Dave Dunn"
email = "dave@example.com"
password_hash = "{HASH}"
teams = ["tech", "sales"]
transfer = true
max_sessions = 3
extended_availability = true
screen = "control"

# erin and frank: sales (the push team).
[[reps]]
id = "erin"
name = "Erin Eads"
password_hash = "{HASH}"
teams = ["sales"]
transfer = true
max_sessions = 2

[[reps]]
id = "frank"
name = "Frank Fox"
password_hash = "{HASH}"
teams = ["sales"]
general_queue = true
max_sessions = 2

# gina and hank: leads, a team alice is not in; hank has extended availability, no email.
[[reps]]
id = "gina"
name = "Gina Gold"
password_hash = "{HASH}"
teams = ["leads"]
transfer = true

[[reps]]
id = "hank"
name = "Hank Hill"
password_hash = "{HASH}"
teams = ["leads"]
extended_availability = true

# ivan: no team, general queue only.
[[reps]]
id = "ivan"
name = "Ivan Ito"
password_hash = "{HASH}"
general_queue = true

[[issues]]
id = "refund"
name = "Refund"
team = "billing"
request_help = true

[[issues]]
id = "invoice"
name = "Invoice question"
team = "billing"

[[issues]]
id = "crash"
name = "The app crashes"
team = "tech"
request_help = true

[[issues]]
id = "pricing"
name = "Pricing"
team = "sales"

[[issues]]
id = "escalate"
name = "Escalation"
team = "leads"
request_help = true

[[buttons]]
token = "btn-alice"
rep = "alice"

[[buttons]]
token = "btn-bob"
rep = "bob"

[[buttons]]
token = "btn-carol"
rep = "carol"

[[buttons]]
token = "btn-dave"
rep = "dave"

[[buttons]]
token = "btn-erin"
rep = "erin"

[[buttons]]
token = "btn-frank"
rep = "frank"

[[buttons]]
token = "btn-gina"
rep = "gina"

[[buttons]]
token = "btn-hank"
rep = "hank"

[[buttons]]
token = "btn-ivan"
rep = "ivan"

[[buttons]]
token = "btn-team-billing"
team = "billing"

[[buttons]]
token = "btn-team-tech"
team = "tech"

[[buttons]]
token = "btn-team-sales"
team = "sales"

[[buttons]]
token = "btn-team-leads"
team = "leads"

[[waiting_rules]]
queue = "personal"
after_secs = 120
move_to = "rep_team"

[[waiting_rules]]
queue = "team:billing"
after_secs = 300
move_to = "general"
"#;

/// The test configuration, built once per test binary (argon2 is slow in debug builds).
pub fn config() -> Arc<Config> {
    static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let hash = hash_password("test-password").expect("hashing works");
            let text = TEST_CONFIG.replace("{HASH}", &hash);
            Arc::new(Config::from_toml(&text).expect("the test configuration is valid"))
        })
        .clone()
}

// ---- ids and queues ----

pub fn rep(id: &str) -> RepId {
    RepId::new(id)
}

pub fn team(id: &str) -> TeamId {
    TeamId::new(id)
}

pub fn issue(id: &str) -> IssueId {
    IssueId::new(id)
}

pub fn personal(id: &str) -> QueueRef {
    QueueRef::Personal { rep: rep(id) }
}

pub fn team_q(id: &str) -> QueueRef {
    QueueRef::Team { team: team(id) }
}

pub fn session_entry_id(id: SessionId) -> String {
    format!("session:{id}")
}

pub fn invitation_entry_id(id: InvitationId) -> String {
    format!("invitation:{id}")
}

pub fn customer(name: &str) -> CustomerInfo {
    CustomerInfo {
        name: name.to_owned(),
        company: Some("Acme".to_owned()),
        question: Some("Something is wrong".to_owned()),
        contact: None,
    }
}

// ---- requests ----

pub mod req {
    use super::*;

    pub fn accept(session_id: SessionId) -> RepRequest {
        RepRequest::Accept { session_id }
    }

    pub fn chat(session_id: SessionId, client_msg_id: &str, text: &str) -> RepRequest {
        RepRequest::SendChat {
            session_id,
            client_msg_id: client_msg_id.to_owned(),
            text: text.to_owned(),
            visibility: Visibility::Public,
        }
    }

    pub fn rep_chat(session_id: SessionId, client_msg_id: &str, text: &str) -> RepRequest {
        RepRequest::SendChat {
            session_id,
            client_msg_id: client_msg_id.to_owned(),
            text: text.to_owned(),
            visibility: Visibility::Reps,
        }
    }

    pub fn invite(session_id: SessionId, target: InviteTarget) -> RepRequest {
        RepRequest::Invite { session_id, target }
    }

    pub fn invite_rep(session_id: SessionId, who: &str) -> RepRequest {
        invite(session_id, InviteTarget::Rep { rep: rep(who) })
    }

    pub fn invite_team(session_id: SessionId, which: &str) -> RepRequest {
        invite(session_id, InviteTarget::Team { team: team(which) })
    }

    pub fn invite_issue(session_id: SessionId, which: &str) -> RepRequest {
        invite(
            session_id,
            InviteTarget::Issue {
                issue: issue(which),
            },
        )
    }

    pub fn cancel(invitation_id: InvitationId) -> RepRequest {
        RepRequest::CancelInvitation { invitation_id }
    }

    pub fn accept_inv(invitation_id: InvitationId) -> RepRequest {
        RepRequest::AcceptInvitation { invitation_id }
    }

    pub fn decline_inv(invitation_id: InvitationId) -> RepRequest {
        RepRequest::DeclineInvitation { invitation_id }
    }

    pub fn transfer_rep(session_id: SessionId, to: &str, stay: bool) -> RepRequest {
        RepRequest::Transfer {
            session_id,
            target: TransferTarget::Rep { rep: rep(to) },
            stay,
        }
    }

    pub fn transfer_team(session_id: SessionId, to: &str, stay: bool) -> RepRequest {
        RepRequest::Transfer {
            session_id,
            target: TransferTarget::Team { team: team(to) },
            stay,
        }
    }

    pub fn remove(session_id: SessionId, who: &str) -> RepRequest {
        RepRequest::RemoveRep {
            session_id,
            rep: rep(who),
        }
    }

    pub fn leave(session_id: SessionId) -> RepRequest {
        RepRequest::Leave { session_id }
    }

    pub fn end(session_id: SessionId) -> RepRequest {
        RepRequest::Close {
            session_id,
            mode: CloseMode::End,
        }
    }

    pub fn leave_in_queue(session_id: SessionId) -> RepRequest {
        RepRequest::Close {
            session_id,
            mode: CloseMode::LeaveInQueue,
        }
    }

    pub fn disposition(session_id: SessionId, disposition: &str) -> RepRequest {
        RepRequest::SetDisposition {
            session_id,
            disposition: disposition.to_owned(),
        }
    }

    pub fn important(session_id: SessionId, important: bool) -> RepRequest {
        RepRequest::SetImportant {
            session_id,
            important,
        }
    }

    pub fn team_chat(which: &str, client_msg_id: &str, text: &str) -> RepRequest {
        RepRequest::TeamChat {
            team: team(which),
            client_msg_id: client_msg_id.to_owned(),
            text: text.to_owned(),
        }
    }
}

// ---- the in-memory store ----

/// The durable records, kept as JSON like the real store keeps them.
#[derive(Debug, Default, Clone)]
pub struct MemStore {
    /// id → (ended, JSON of the session).
    pub sessions: BTreeMap<u64, (bool, String)>,
    pub chat: BTreeMap<u64, String>,
    pub invitations: BTreeMap<u64, String>,
    pub max_invitation_id: u64,
    pub keys: BTreeMap<String, String>,
    pub team_chat: BTreeMap<u64, String>,
    /// (rep, address, subject) of every queued email.
    pub emails: Vec<(RepId, String, String)>,
    pub buttons: BTreeMap<u64, String>,
    pub jump_clients: BTreeMap<u64, String>,
}

impl MemStore {
    pub fn apply(&mut self, op: &StoreOp) {
        match op {
            StoreOp::PutSession(session) => {
                let json = serde_json::to_string(session).unwrap();
                self.sessions
                    .insert(session.id.0, (session.ended_at.is_some(), json));
            }
            StoreOp::PutChat(message) => {
                self.chat
                    .insert(message.id.0, serde_json::to_string(message).unwrap());
            }
            StoreOp::PutInvitation(invitation) => {
                let id = invitation.id;
                self.invitations
                    .insert(id.0, serde_json::to_string(invitation).unwrap());
                self.max_invitation_id = self.max_invitation_id.max(id.0);
            }
            StoreOp::DeleteInvitation(id) => {
                self.invitations.remove(&id.0);
            }
            StoreOp::PutTeamChat(message) => {
                self.team_chat
                    .insert(message.id.0, serde_json::to_string(message).unwrap());
            }
            StoreOp::PutKey(record) => {
                self.keys
                    .insert(record.key.clone(), serde_json::to_string(record).unwrap());
            }
            StoreOp::DeleteKey(key) => {
                self.keys.remove(key);
            }
            StoreOp::Email {
                rep, to, subject, ..
            } => self.emails.push((rep.clone(), to.clone(), subject.clone())),
            StoreOp::PutJumpClient(client) => {
                self.jump_clients.insert(
                    client.info.jump_client_id.0,
                    serde_json::to_string(client).unwrap(),
                );
            }
            // The report's facts are checked by router/tests/dashboard*.rs and e2e_report.
            StoreOp::PutSessionFacts(_) => {}
            StoreOp::PutButton(button) => {
                self.buttons.insert(
                    button.info.button_id.0,
                    serde_json::to_string(button).unwrap(),
                );
            }
        }
    }

    pub fn apply_all(&mut self, effects: &[Effect]) {
        for effect in effects {
            if let Effect::Persist(op) = effect {
                self.apply(op);
            }
        }
    }

    /// What the real store gives back at start: live sessions with their chat and
    /// invitations, keys, team chat and the id counters.
    pub fn restored(&self) -> RestoredState {
        let sessions: Vec<Session> = self
            .sessions
            .values()
            .filter(|(ended, _)| !ended)
            .map(|(_, json)| serde_json::from_str(json).unwrap())
            .collect();
        let live: BTreeSet<SessionId> = sessions.iter().map(|s| s.id).collect();
        let chat: Vec<ChatMessage> = self
            .chat
            .values()
            .map(|json| serde_json::from_str::<ChatMessage>(json).unwrap())
            .filter(|m| live.contains(&m.session_id))
            .collect();
        let invitations: Vec<Invitation> = self
            .invitations
            .values()
            .map(|json| serde_json::from_str::<Invitation>(json).unwrap())
            .filter(|i| live.contains(&i.session_id))
            .collect();
        let keys: Vec<SessionKey> = self
            .keys
            .values()
            .map(|json| serde_json::from_str(json).unwrap())
            .collect();
        let team_chat: Vec<TeamChatMessage> = self
            .team_chat
            .values()
            .map(|json| serde_json::from_str(json).unwrap())
            .collect();
        let max_message_id = self
            .chat
            .keys()
            .chain(self.team_chat.keys())
            .copied()
            .max()
            .unwrap_or(0);
        RestoredState {
            sessions,
            chat,
            invitations,
            keys,
            team_chat,
            max_session_id: self.sessions.keys().copied().max().unwrap_or(0),
            max_invitation_id: self.max_invitation_id,
            max_message_id,
            ended_contacts: Vec::new(),
            buttons: self
                .buttons
                .values()
                .map(|json| serde_json::from_str(json).unwrap())
                .collect(),
            jump_clients: self
                .jump_clients
                .values()
                .map(|json| serde_json::from_str(json).unwrap())
                .collect(),
        }
    }
}

// ---- the harness ----

/// A router with its clock and store.
pub struct Harness {
    pub router: Router,
    pub now: UnixMillis,
    pub store: MemStore,
    next_conn: CustomerConn,
}

impl Harness {
    pub fn new() -> Harness {
        Harness {
            router: Router::new(config(), 7),
            now: T0,
            store: MemStore::default(),
            next_conn: 1,
        }
    }

    /// A harness over another configuration (a test's own `[jump]` section, say). Its
    /// `restart` goes back to the test configuration.
    pub fn with_config(config: Arc<Config>) -> Harness {
        Harness {
            router: Router::new(config, 7),
            ..Harness::new()
        }
    }

    /// A harness with every rep of `reps` connected.
    pub fn with_reps(reps: &[&str]) -> Harness {
        let mut h = Harness::new();
        for r in reps {
            h.connect(r);
        }
        h
    }

    /// Rebuilds the router from what the store kept, as after a restart.
    pub fn restart(&mut self) {
        let restored = self.store.restored();
        self.router = Router::restore(config(), 7, restored, self.now);
    }

    /// Handles one input at the current time; the store keeps what it is told to.
    pub fn handle(&mut self, input: Input) -> (Reply, Vec<Effect>) {
        let (reply, effects) = self.router.handle(self.now, input);
        if reply.is_err() {
            assert!(
                effects.is_empty(),
                "a refusal came with effects: {effects:?}"
            );
        }
        self.store.apply_all(&effects);
        (reply, effects)
    }

    pub fn advance(&mut self, secs: u64) {
        self.now += secs * 1000;
    }

    pub fn advance_ms(&mut self, ms: u64) {
        self.now += ms;
    }

    pub fn tick(&mut self) -> Vec<Effect> {
        self.handle(Input::Tick).1
    }

    pub fn connect(&mut self, who: &str) -> Vec<Effect> {
        self.handle(Input::RepConnected { rep: rep(who) }).1
    }

    pub fn disconnect(&mut self, who: &str) -> Vec<Effect> {
        self.handle(Input::RepDisconnected { rep: rep(who) }).1
    }

    pub fn start_with(&mut self, who: CustomerInfo, route: Route) -> (Reply, Vec<Effect>) {
        self.start_as(who, route, ClientKind::Web)
    }

    /// A start from the given customer program (`native`: the customer client).
    pub fn start_as(
        &mut self,
        who: CustomerInfo,
        route: Route,
        client: ClientKind,
    ) -> (Reply, Vec<Effect>) {
        self.start_on(who, route, client, switchboard_protocol::Platform::Other)
    }

    /// [`Harness::start_as`] from a customer on `platform`.
    pub fn start_on(
        &mut self,
        who: CustomerInfo,
        route: Route,
        client: ClientKind,
        platform: switchboard_protocol::Platform,
    ) -> (Reply, Vec<Effect>) {
        let conn = self.next_conn;
        self.next_conn += 1;
        self.handle(Input::CustomerStart {
            conn,
            customer: who,
            route,
            customer_token: format!("token-{conn}"),
            client,
            platform,
        })
    }

    /// Starts a session; panics if refused. The customer's token is `token-{conn}`.
    pub fn start(&mut self, name: &str, route: Route) -> SessionId {
        let (reply, effects) = self.start_with(customer(name), route);
        assert_eq!(reply, Ok(None), "start refused");
        started_session(&effects)
    }

    pub fn request(&mut self, who: &str, request: RepRequest) -> (Reply, Vec<Effect>) {
        self.handle(Input::Rep {
            rep: rep(who),
            request,
        })
    }

    /// A request that must succeed.
    pub fn ok(&mut self, who: &str, request: RepRequest) -> (Option<OkResult>, Vec<Effect>) {
        let described = format!("{who}: {request:?}");
        let (reply, effects) = self.request(who, request);
        match reply {
            Ok(result) => (result, effects),
            Err(e) => panic!("{described} was refused: {e:?}"),
        }
    }

    /// A request that must be refused with `code`, with no effects and nothing changed
    /// in any rep's snapshot.
    pub fn refused(&mut self, who: &str, request: RepRequest, code: ErrorCode) {
        self.refused_input(
            Input::Rep {
                rep: rep(who),
                request,
            },
            code,
        );
    }

    /// Any input that must be refused with `code`, changing nothing.
    pub fn refused_input(&mut self, input: Input, code: ErrorCode) {
        let described = format!("{input:?}");
        let got = self.refused_input_any(input);
        assert_eq!(got, code, "{described}: wrong code");
    }

    /// A request that must be refused (whatever the code, for cases whose code a BUG test
    /// pins down), changing nothing; returns the code.
    pub fn refused_any(&mut self, who: &str, request: RepRequest) -> ErrorCode {
        self.refused_input_any(Input::Rep {
            rep: rep(who),
            request,
        })
    }

    /// Any input that must be refused, with no effects and no snapshot changed.
    pub fn refused_input_any(&mut self, input: Input) -> ErrorCode {
        let before = self.all_snaps();
        let described = format!("{input:?}");
        let (reply, effects) = self.router.handle(self.now, input);
        let code = match reply {
            Err(e) => e.code,
            Ok(result) => panic!("{described} was accepted ({result:?}), expected a refusal"),
        };
        assert!(
            effects.is_empty(),
            "{described}: refusal had effects {effects:?}"
        );
        assert_eq!(
            self.all_snaps(),
            before,
            "{described}: refusal changed a snapshot"
        );
        code
    }

    pub fn customer(
        &mut self,
        session_id: SessionId,
        request: CustomerRequest,
    ) -> (Reply, Vec<Effect>) {
        self.handle(Input::Customer {
            session_id,
            request,
        })
    }

    pub fn customer_chat(
        &mut self,
        session_id: SessionId,
        client_msg_id: &str,
        text: &str,
    ) -> ChatMessage {
        let (reply, _) = self.customer(
            session_id,
            CustomerRequest::Chat {
                client_msg_id: client_msg_id.to_owned(),
                text: text.to_owned(),
            },
        );
        match reply {
            Ok(Some(OkResult::Chat { message })) => message,
            other => panic!("customer chat: {other:?}"),
        }
    }

    /// The customer's connection drops.
    pub fn customer_drops(&mut self, session_id: SessionId) -> Vec<Effect> {
        self.handle(Input::CustomerDisconnected { session_id }).1
    }

    pub fn accept(&mut self, who: &str, session_id: SessionId) -> Vec<Effect> {
        self.ok(who, req::accept(session_id)).1
    }

    /// A session started over `route` and accepted by `owner`.
    pub fn owned(&mut self, owner: &str, name: &str, route: Route) -> SessionId {
        let id = self.start(name, route);
        self.accept(owner, id);
        id
    }

    pub fn invite(&mut self, who: &str, request: RepRequest) -> (InvitationId, Vec<Effect>) {
        match self.ok(who, request) {
            (Some(OkResult::Invitation { invitation_id }), effects) => (invitation_id, effects),
            other => panic!("invite: {other:?}"),
        }
    }

    pub fn chat(&mut self, who: &str, request: RepRequest) -> (ChatMessage, Vec<Effect>) {
        match self.ok(who, request) {
            (Some(OkResult::Chat { message }), effects) => (message, effects),
            other => panic!("chat: {other:?}"),
        }
    }

    pub fn snap(&self, who: &str) -> RepSnapshot {
        self.router.snapshot(&rep(who)).expect("a known rep")
    }

    pub fn all_snaps(&self) -> BTreeMap<RepId, RepSnapshot> {
        self.router
            .config()
            .reps
            .keys()
            .map(|r| (r.clone(), self.router.snapshot(r).expect("a known rep")))
            .collect()
    }

    /// The live session record.
    pub fn session(&self, id: SessionId) -> &Session {
        self.router.sessions.get(&id).expect("a live session")
    }

    pub fn is_live(&self, id: SessionId) -> bool {
        self.router.sessions.contains_key(&id)
    }

    pub fn has_invitation(&self, id: InvitationId) -> bool {
        self.router.invitations.contains_key(&id)
    }
}

// ---- looking into effects ----

/// The session a successful `CustomerStart` created.
pub fn started_session(effects: &[Effect]) -> SessionId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::BindCustomer(_, id) => Some(*id),
            _ => None,
        })
        .expect("a started session is bound to its customer")
}

/// The events sent to one rep, in order.
/// The messages people wrote, without the server's system notes.
pub fn spoken(chat: &[ChatMessage]) -> Vec<ChatMessage> {
    chat.iter()
        .filter(|m| m.author != Author::System)
        .cloned()
        .collect()
}

/// The texts of the server's system notes in a chat, in order.
pub fn notes(chat: &[ChatMessage]) -> Vec<String> {
    chat.iter()
        .filter(|m| m.author == Author::System)
        .map(|m| m.text.clone())
        .collect()
}

pub fn events_for<'a>(effects: &'a [Effect], who: &str) -> Vec<&'a RepEvent> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ToRep(r, event) if r.as_str() == who => Some(event),
            _ => None,
        })
        .collect()
}

/// The reps that got at least one event matching `pred`.
pub fn reps_told(effects: &[Effect], pred: impl Fn(&RepEvent) -> bool) -> BTreeSet<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ToRep(r, event) if pred(event) => Some(r.to_string()),
            _ => None,
        })
        .collect()
}

/// The reps told that the entry appeared or changed.
pub fn upserted_to(effects: &[Effect], entry_id: &str) -> BTreeSet<String> {
    reps_told(
        effects,
        |e| matches!(e, RepEvent::EntryUpserted { entry } if entry.entry_id == entry_id),
    )
}

/// The reps told that the entry left a queue.
pub fn removed_to(effects: &[Effect], entry_id: &str) -> BTreeSet<String> {
    reps_told(
        effects,
        |e| matches!(e, RepEvent::EntryRemoved { entry_id: id, .. } if id == entry_id),
    )
}

/// The upserted entry with this id, as the first rep told saw it.
pub fn upserted_entry<'a>(effects: &'a [Effect], entry_id: &str) -> Option<&'a QueueEntry> {
    effects.iter().find_map(|e| match e {
        Effect::ToRep(_, RepEvent::EntryUpserted { entry }) if entry.entry_id == entry_id => {
            Some(entry)
        }
        _ => None,
    })
}

/// Messages for a session's customer (`ToCustomer` only).
pub fn to_customer(effects: &[Effect], session_id: SessionId) -> Vec<&CustomerServerMessage> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ToCustomer(id, message) if *id == session_id => Some(message),
            _ => None,
        })
        .collect()
}

pub fn store_ops(effects: &[Effect]) -> Vec<&StoreOp> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(op) => Some(op),
            _ => None,
        })
        .collect()
}

pub fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

// ---- looking into snapshots ----

/// The entries of one queue in a snapshot (panics if the rep cannot see the queue).
pub fn entries<'a>(snap: &'a RepSnapshot, queue: &QueueRef) -> &'a [QueueEntry] {
    &snap
        .queues
        .iter()
        .find(|q| &q.queue == queue)
        .unwrap_or_else(|| panic!("{} does not see {queue}", snap.me.rep))
        .entries
}

/// Every entry id the rep sees, over all queues.
pub fn all_entry_ids(snap: &RepSnapshot) -> Vec<String> {
    snap.queues
        .iter()
        .flat_map(|q| q.entries.iter().map(|e| e.entry_id.clone()))
        .collect()
}

pub fn find_entry<'a>(snap: &'a RepSnapshot, entry_id: &str) -> Option<&'a QueueEntry> {
    snap.queues
        .iter()
        .flat_map(|q| q.entries.iter())
        .find(|e| e.entry_id == entry_id)
}

pub fn visible_queues(snap: &RepSnapshot) -> Vec<QueueRef> {
    snap.queues.iter().map(|q| q.queue.clone()).collect()
}
