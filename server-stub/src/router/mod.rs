//! The routing state machine: pure, synchronous and deterministic. Requests go in with
//! the current time; effects (messages to send, records to persist) come out. No IO, no
//! clock reads, no OS randomness (session keys come from a seeded generator, customer
//! tokens are passed in).
//!
//! - [`state`]: sessions, invitations, keys, rep state.
//! - [`effects`]: what the router asks the outside world to do.
//! - `views`: building queue entries, session views and snapshots.
//! - `rep_requests`, `sharing`, `customers`, `offers`, `timers`, `assistance`: the rules,
//!   by topic; `buttons` (Support Buttons), `jumps` and `jump_sessions` (Jump Clients: pinning
//!   and listing; the agent's hello, `jump` and the policy's grants); `client_offer` (a web
//!   customer offered the native client, and its `join`).
//! - `chat_rules`: what every chat message must pass; `final_updates`: one
//!   `session_updated` per rep and session per input.
//! - `deadlines`: what falls due when (offers, grace periods, keys, waiting rules), kept by
//!   `timers`' setters, so a tick costs what is due rather than what exists.

pub mod effects;
pub mod state;

mod assistance;
pub mod buttons;
mod chat_rules;
pub mod client_offer;
mod customers;
pub mod dashboard;
mod deadlines;
mod elevation;
mod files;
mod final_updates;
mod grants;
mod history;
mod jump_sessions;
pub mod jumps;
mod notes;
/// Kept here for callers that reach it through the router.
pub use crate::auth::hash_secret;
pub use customers::RESUME_REFUSED;
mod offers;
mod queueing;
pub mod rate;
mod remote;
mod remote_text;
mod rep_requests;
mod sharing;
mod special;
mod supervision;
mod take_next;
mod timers;
#[cfg(test)]
mod timers_scan;
mod views;

#[cfg(test)]
mod tests;

use crate::config::Config;
pub use chat_rules::MAX_CHAT_CHARS;
use chat_rules::{valid_chat_text, valid_client_id};
use effects::{CustomerConn, Effect, StoreOp};
pub use files::{FileSender, may_read_files};
use rand::SeedableRng;
use rand::rngs::StdRng;
use state::{Invitation, RepState, Session, SessionKey};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
pub use supervision::rep_sees_message;
use switchboard_protocol::{
    ChatMessage, ClientKind, CustomerInfo, CustomerRequest, CustomerServerMessage, ErrorBody,
    ErrorCode, InvitationId, OkResult, Platform, QueueRef, RepEvent, RepId, RepRequest, Route,
    SessionId, TeamChatMessage, TeamId, UnixMillis,
};

/// What a request returns: an optional result with the `ok`, or a refusal.
pub type Reply = Result<Option<OkResult>, ErrorBody>;

/// Team chat messages kept in memory per team (all are stored).
pub const TEAM_CHAT_KEPT: usize = 200;

/// Everything the router can be told.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A request from a logged-in rep's console.
    Rep { rep: RepId, request: RepRequest },
    /// A rep's console connected (or reconnected).
    RepConnected { rep: RepId },
    /// A rep's console connection dropped; the grace period starts.
    RepDisconnected { rep: RepId },
    /// A customer starts a new session; `customer_token` lets them reconnect later.
    CustomerStart {
        conn: CustomerConn,
        customer: CustomerInfo,
        route: Route,
        customer_token: String,
        /// The customer's program (`start`'s `client`): what they can share.
        client: ClientKind,
        /// What the customer is on (the portal says `ios` on an iPhone or iPad).
        platform: Platform,
    },
    /// A customer reconnects to their session.
    CustomerResume {
        conn: CustomerConn,
        session_id: SessionId,
        customer_token: String,
    },
    /// The native client takes over a web customer's session with a join code
    /// (`offer_client`); `customer_token` is its new reconnect token.
    CustomerJoin {
        conn: CustomerConn,
        code: String,
        customer_token: String,
    },
    /// A request from a customer bound to a session.
    Customer {
        session_id: SessionId,
        request: CustomerRequest,
    },
    /// A customer's connection dropped (they may resume).
    CustomerDisconnected { session_id: SessionId },
    /// A file was stored for a session; it becomes a chat entry (or is refused).
    ShareFile {
        sender: FileSender,
        session_id: SessionId,
        attachment: switchboard_protocol::Attachment,
    },
    /// Time passed: run timers (grace periods, offer deadlines, waiting rules, key expiry).
    Tick,
    /// A Jump Client's agent said hello on `/ws/jump` (version already checked).
    JumpHello {
        conn: effects::JumpConn,
        token: String,
        machine: switchboard_protocol::MachineInfo,
    },
    /// The Jump Client's current agent connection ended.
    JumpDisconnected {
        jump_client_id: switchboard_protocol::JumpClientId,
    },
}

/// The routing state machine.
pub struct Router {
    config: Arc<Config>,
    sessions: BTreeMap<SessionId, Session>,
    /// Waiting sessions per queue, ordered by (time entered, id): the queue order.
    queues: BTreeMap<QueueRef, BTreeSet<(UnixMillis, SessionId)>>,
    invitations: BTreeMap<InvitationId, Invitation>,
    /// Invitations someone accepted (by whom, in which queue), so a late accept by a rep who
    /// saw it hears "already taken" rather than "not found".
    accepted_invitations: BTreeMap<InvitationId, (RepId, QueueRef)>,
    keys: HashMap<String, SessionKey>,
    reps: BTreeMap<RepId, RepState>,
    /// The sessions each rep is in (owner or participant): an index over `participants`.
    rep_sessions: HashMap<RepId, BTreeSet<SessionId>>,
    team_chat: BTreeMap<TeamId, VecDeque<TeamChatMessage>>,
    /// (team, author, client id) of kept team chat messages, for retried sends.
    team_chat_ids: HashMap<(TeamId, RepId, String), TeamChatMessage>,
    next_session: u64,
    next_invitation: u64,
    next_message: u64,
    /// Queues whose waiting customers should be told their new position.
    dirty_positions: BTreeSet<QueueRef>,
    /// How many ended sessions each customer contact has: their "older messages".
    ended_contacts: HashMap<String, u32>,
    /// Message rates: each session's customer, and each session as a whole.
    /// (Session ids are the router's own: hashed cheaply, see [`rate::ServerIds`].)
    customer_chat_rate: rate::Buckets<SessionId, rate::ServerIds>,
    session_chat_rate: rate::Buckets<SessionId, rate::ServerIds>,
    rng: StdRng,
    /// Prompting remote support grants by deadline: (deadline, session, grant). Entries of
    /// grants answered in time stay until their deadline passes and are skipped then.
    prompt_deadlines: BTreeSet<(UnixMillis, SessionId, switchboard_protocol::GrantId)>,
    /// Sessions whose live grants ended at the restart, to be told at the first tick.
    restart_revoked: Vec<SessionId>,
    /// Support Buttons deployed on customers' machines.
    buttons: buttons::Buttons,
    /// Jump Clients pinned on customers' machines, and which are connected.
    jump_clients: jumps::JumpClients,
    /// The credentials of elevated `specific_user` shells still prompting, by (session,
    /// grant): only here, in memory, never in a grant, a record or a log. Sent once to the
    /// customer right after the allow and dropped then, or as soon as the grant is no
    /// longer prompting (denied, timed out, stopped); a restart forgets them.
    elevation_credentials:
        HashMap<(SessionId, switchboard_protocol::GrantId), elevation::Credentials>,
    /// Team leads' dashboards: the tally, the series, the rows leads have.
    dashboard: dashboard::DashboardState,
    /// The time of the input being handled (0 before the first): what system notes are
    /// stamped with, so helpers deep in a change need not thread the clock.
    now: UnixMillis,
    /// Effects of the input being handled.
    out: Vec<Effect>,
    /// What falls due when: the timers' indexes, so a tick costs what is due (timers.rs).
    timers: deadlines::TimerIndex,
    /// Tests only: tick by scanning every record, as before the indexes, to compare with.
    #[cfg(test)]
    pub(crate) scan_oracle: bool,
}

/// What [`crate::store`] gives back at start, to rebuild the router.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoredState {
    /// Sessions not ended, ordered by id; their `chat` field is empty (see `chat`).
    pub sessions: Vec<Session>,
    /// Every message of those sessions, ordered by id.
    pub chat: Vec<ChatMessage>,
    /// The invitations of those sessions, ordered by id.
    pub invitations: Vec<Invitation>,
    /// Every stored session key, expired ones included (the router drops those).
    pub keys: Vec<SessionKey>,
    /// The latest messages of each team's chat, oldest first.
    pub team_chat: Vec<TeamChatMessage>,
    /// The largest session id ever stored, ended sessions included; 0 if none.
    pub max_session_id: u64,
    /// The largest invitation id ever stored, deleted invitations included; 0 if none.
    pub max_invitation_id: u64,
    /// The largest message id over session chat and team chat (one id space); 0 if none.
    pub max_message_id: u64,
    /// Customer contacts with ended sessions, and how many.
    pub ended_contacts: Vec<(String, u32)>,
    /// Every deployed Support Button, removed ones included (they say "no longer active").
    pub buttons: Vec<buttons::DeployedButton>,
    /// Every pinned Jump Client, unpinned ones included (their tokens still answer).
    pub jump_clients: Vec<jumps::PinnedJumpClient>,
}

impl Router {
    /// An empty router. `seed` drives session key generation.
    pub fn new(config: Arc<Config>, seed: u64) -> Router {
        let reps = config
            .reps
            .keys()
            .map(|r| (r.clone(), RepState::default()))
            .collect();
        let limits = config.limits.clone();
        let dashboard = dashboard::DashboardState::new(&config);
        Router {
            config,
            sessions: BTreeMap::new(),
            queues: BTreeMap::new(),
            invitations: BTreeMap::new(),
            accepted_invitations: BTreeMap::new(),
            keys: HashMap::new(),
            reps,
            rep_sessions: HashMap::new(),
            team_chat: BTreeMap::new(),
            customer_chat_rate: rate::Buckets::with_rate(
                f64::from(limits.chat_per_second),
                limits.chat_burst,
            ),
            // The session as a whole (customer and reps) may say twice as much.
            session_chat_rate: rate::Buckets::with_rate(
                2.0 * f64::from(limits.chat_per_second),
                2 * limits.chat_burst,
            ),
            team_chat_ids: HashMap::new(),
            next_session: 1,
            next_invitation: 1,
            next_message: 1,
            dirty_positions: BTreeSet::new(),
            ended_contacts: HashMap::new(),
            rng: StdRng::seed_from_u64(seed),
            prompt_deadlines: BTreeSet::new(),
            restart_revoked: Vec::new(),
            buttons: buttons::Buttons::default(),
            jump_clients: jumps::JumpClients::default(),
            elevation_credentials: HashMap::new(),
            dashboard,
            now: UnixMillis::default(),
            out: Vec::new(),
            timers: deadlines::TimerIndex {
                offer_pass_needed: true,
                ..Default::default()
            },
            #[cfg(test)]
            scan_oracle: false,
        }
    }

    /// Rebuilds the router from stored state. Reps who owned or took part in sessions are
    /// treated as having lost their connection at `now`: they get the grace period to return.
    pub fn restore(
        config: Arc<Config>,
        seed: u64,
        restored: RestoredState,
        now: UnixMillis,
    ) -> Router {
        let mut router = Router::new(config, seed);
        router.next_session = restored.max_session_id + 1;
        router.next_invitation = restored.max_invitation_id + 1;
        router.next_message = restored.max_message_id + 1;
        for mut session in restored.sessions {
            // Sessions may name reps that were removed from the config since: drop them.
            session
                .participants
                .retain(|r| router.config.reps.contains_key(r));
            if session
                .owner
                .as_ref()
                .is_some_and(|o| !router.config.reps.contains_key(o))
            {
                session.owner = None;
            }
            session.customer_connected = false;
            session.offer = None;
            if grants::end_at_restart(&mut session) {
                router.restart_revoked.push(session.id);
            }
            if session.owner.is_none() && session.waiting.is_none() {
                // An unowned session must wait somewhere: put it back where it came from.
                session.waiting = Some(state::Waiting {
                    queue: session.home_queue.clone(),
                    entered_at: now,
                });
            }
            if let Some(waiting) = &session.waiting {
                router
                    .queues
                    .entry(waiting.queue.clone())
                    .or_default()
                    .insert((waiting.entered_at, session.id));
                router.index_waiting(session.id, waiting);
            }
            for rep in &session.participants {
                router.set_lost_at(rep, Some(now));
                router
                    .rep_sessions
                    .entry(rep.clone())
                    .or_default()
                    .insert(session.id);
            }
            router.sessions.insert(session.id, session);
        }
        for message in restored.chat {
            if let Some(session) = router.sessions.get_mut(&message.session_id) {
                session.push_chat(message);
            }
        }
        for invitation in restored.invitations {
            if router.sessions.contains_key(&invitation.session_id) {
                router.invitations.insert(invitation.id, invitation);
            }
        }
        for key in restored.keys {
            if key.expires_at > now {
                router.insert_key(key);
            }
        }
        for message in restored.team_chat {
            router.remember_team_chat(message);
        }
        router.ended_contacts = restored.ended_contacts.into_iter().collect();
        router.buttons = buttons::Buttons::restore(restored.buttons);
        router.jump_clients = jumps::JumpClients::restore(restored.jump_clients);
        router.dashboard_prime(now);
        router
    }

    /// Session keys from here on come from the operating system's CSPRNG (256 bits of
    /// seed), not from the 64-bit test seed: a running server calls this once at start, so
    /// knowing `--seed` (which drives the simulator) reveals nothing about keys.
    pub fn use_os_entropy(&mut self) {
        self.rng = StdRng::from_os_rng();
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Handles one input at time `now`; returns the reply (for requests) and the effects.
    /// A refused request returns an error and no effects: nothing changed.
    pub fn handle(&mut self, now: UnixMillis, input: Input) -> (Reply, Vec<Effect>) {
        debug_assert!(self.out.is_empty());
        self.now = now;
        let reply = match input {
            Input::Rep { rep, request } => self.rep_request(now, &rep, request),
            Input::RepConnected { rep } => {
                self.rep_connected(now, &rep);
                Ok(None)
            }
            Input::RepDisconnected { rep } => {
                self.rep_disconnected(now, &rep);
                Ok(None)
            }
            Input::CustomerStart {
                conn,
                customer,
                route,
                customer_token,
                client,
                platform,
            } => self.customer_start(
                now,
                conn,
                customer,
                route,
                &customer_token,
                (client, platform),
            ),
            Input::CustomerResume {
                conn,
                session_id,
                customer_token,
            } => self.customer_resume(conn, session_id, &customer_token),
            Input::CustomerJoin {
                conn,
                code,
                customer_token,
            } => self.customer_join(now, conn, &code, &customer_token),
            Input::Customer {
                session_id,
                request,
            } => self.customer_request(now, session_id, request),
            Input::CustomerDisconnected { session_id } => {
                self.customer_disconnected(session_id);
                Ok(None)
            }
            Input::ShareFile {
                sender,
                session_id,
                attachment,
            } => self.share_file(now, sender, session_id, attachment),
            Input::Tick => {
                self.tick(now);
                self.announce_lost_jump_clients(now);
                Ok(None)
            }
            Input::JumpHello {
                conn,
                token,
                machine,
            } => self.jump_hello(now, conn, &token, machine),
            Input::JumpDisconnected { jump_client_id } => {
                self.jump_disconnected(now, jump_client_id);
                Ok(None)
            }
        };
        let out = std::mem::take(&mut self.out);
        let effects = self.only_final_session_updates(out);
        debug_assert!(
            reply.is_ok() || effects.is_empty(),
            "a refused request must change nothing"
        );
        (reply, effects)
    }

    // ---- small shared helpers used by the rule files ----

    fn emit(&mut self, effect: Effect) {
        self.out.push(effect);
    }

    fn tell_rep(&mut self, rep: &RepId, event: RepEvent) {
        self.out.push(Effect::ToRep(rep.clone(), event));
    }

    fn tell_customer(&mut self, session_id: SessionId, message: CustomerServerMessage) {
        self.out.push(Effect::ToCustomer(session_id, message));
    }

    fn persist_session(&mut self, id: SessionId) {
        if let Some(session) = self.sessions.get(&id) {
            // The chat is stored message by message; the record goes without it.
            self.out.push(Effect::Persist(StoreOp::PutSession(Box::new(
                session.record(),
            ))));
        }
    }

    fn persist_invitation(&mut self, id: InvitationId) {
        if let Some(invitation) = self.invitations.get(&id) {
            self.out
                .push(Effect::Persist(StoreOp::PutInvitation(invitation.clone())));
        }
    }

    fn next_message_id(&mut self) -> switchboard_protocol::MessageId {
        let id = switchboard_protocol::MessageId(self.next_message);
        self.next_message += 1;
        id
    }

    /// The session, or `not_found` / `session_ended` for ids that existed once.
    fn session(&self, id: SessionId) -> Result<&Session, ErrorBody> {
        match self.sessions.get(&id) {
            Some(session) => Ok(session),
            None if id.0 > 0 && id.0 < self.next_session => Err(ErrorBody::new(
                ErrorCode::SessionEnded,
                format!("Session {id} has ended."),
            )),
            None => Err(ErrorBody::new(
                ErrorCode::NotFound,
                format!("There is no session {id}."),
            )),
        }
    }

    /// The session, which `rep` must be in.
    fn rep_session(&self, rep: &RepId, id: SessionId) -> Result<&Session, ErrorBody> {
        let session = self.session(id)?;
        if session.has_rep(rep) {
            Ok(session)
        } else {
            Err(refuse(
                ErrorCode::NotInSession,
                "You are not in this session.",
            ))
        }
    }

    fn session_mut(&mut self, id: SessionId) -> Option<&mut Session> {
        self.sessions.get_mut(&id)
    }

    /// Number of sessions the rep is in (owner or participant).
    fn load(&self, rep: &RepId) -> usize {
        self.rep_sessions.get(rep).map_or(0, BTreeSet::len)
    }

    /// The ids of the sessions the rep is in, in id order.
    fn sessions_of(&self, rep: &RepId) -> Vec<SessionId> {
        self.rep_sessions
            .get(rep)
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default()
    }

    fn rep_state(&self, rep: &RepId) -> RepState {
        self.reps.get(rep).cloned().unwrap_or_default()
    }

    fn connected(&self, rep: &RepId) -> bool {
        self.reps.get(rep).is_some_and(|r| r.connected)
    }

    fn remember_team_chat(&mut self, message: TeamChatMessage) {
        if let Some(client_id) = &message.client_msg_id {
            self.team_chat_ids.insert(
                (
                    message.team.clone(),
                    message.author.clone(),
                    client_id.clone(),
                ),
                message.clone(),
            );
        }
        let kept = self.team_chat.entry(message.team.clone()).or_default();
        kept.push_back(message);
        while kept.len() > TEAM_CHAT_KEPT {
            if let Some(old) = kept.pop_front()
                && let Some(client_id) = &old.client_msg_id
            {
                self.team_chat_ids.remove(&(
                    old.team.clone(),
                    old.author.clone(),
                    client_id.clone(),
                ));
            }
        }
    }
}

fn refuse(code: ErrorCode, message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code, message)
}
