//! Jump Clients at work: an agent's hello on `/ws/jump` and its disconnection (online,
//! offline, `uninstall` for an unpinned one), a rep's `jump` (a new session owned by that
//! rep with the machine, nobody at it asked to start it), the policy that grants requests in
//! such a session without a prompt, and the tick that notices Jump Clients becoming lost.
//! The pinning and listing rules are in `jumps.rs`.

use super::effects::{Effect, JumpConn};
use super::jumps::LOST_CHECK_MS;
use super::remote_text;
use super::state::Session;
use super::{Reply, Router, refuse};
use crate::auth::hash_secret;
use std::collections::BTreeSet;
use switchboard_protocol::{
    Capability, ClientKind, CustomerInfo, EntryPath, ErrorCode, GrantEnd, GrantInfo, GrantState,
    JumpClientId, JumpClientState, JumpServerMessage, MachineInfo, OkResult, PROTOCOL_VERSION,
    Platform, RepId, SessionId, SessionKind, UnixMillis,
};

impl Router {
    /// An agent's hello: its token must name a pinned Jump Client and its machine the one
    /// it was pinned on. Refused `unauthorized` / `invalid` (the edge closes the socket);
    /// an unpinned one whose agent was not told yet is answered `uninstall`.
    pub(super) fn jump_hello(
        &mut self,
        now: UnixMillis,
        conn: JumpConn,
        token: &str,
        machine: MachineInfo,
    ) -> Reply {
        let unknown = || {
            refuse(
                ErrorCode::Unauthorized,
                "This Jump Client is not known (it may have been unpinned); do not connect with this token again.",
            )
        };
        let Some(client) = self.jump_clients.by_token(token) else {
            return Err(unknown());
        };
        let mut client = client.clone();
        if client.info.state == JumpClientState::Unpinned {
            if !client.uninstall_pending {
                return Err(unknown());
            }
            client.uninstall_pending = false;
            self.jump_clients.insert(client.clone());
            self.emit(Effect::Persist(super::effects::StoreOp::PutJumpClient(
                Box::new(client),
            )));
            self.emit(Effect::ToJumpConn(conn, JumpServerMessage::Uninstall));
            return Ok(None);
        }
        if !machine.is_valid() || machine.machine_id != client.machine_id {
            return Err(refuse(
                ErrorCode::Invalid,
                "This Jump Client was pinned on another computer, or the computer's description is out of bounds.",
            ));
        }
        let id = client.info.jump_client_id;
        client.info.host = machine.host;
        client.info.os = machine.os;
        if client.info.state != JumpClientState::Installed {
            // The agent is running: whatever the program reported, it is installed.
            client.info.state = JumpClientState::Installed;
            client.info.detail.clear();
        }
        client.info.last_seen = now;
        client.info.online = true;
        let name = client.info.name.clone();
        self.jump_clients.online.insert(id);
        self.jump_clients.lost_told.remove(&id);
        self.emit(Effect::BindJump(conn, id));
        self.emit(Effect::ToJumpConn(
            conn,
            JumpServerMessage::Welcome {
                protocol_version: PROTOCOL_VERSION,
                jump_client_id: id,
                name,
            },
        ));
        self.jump_client_changed(now, client);
        Ok(None)
    }

    /// The agent's connection ended (the edge tells only of the current one).
    pub(super) fn jump_disconnected(&mut self, now: UnixMillis, id: JumpClientId) {
        if !self.jump_clients.online.remove(&id) {
            return;
        }
        let Some(mut client) = self.jump_clients.by_id.get(&id).cloned() else {
            return;
        };
        client.info.online = false;
        client.info.last_seen = now;
        if client.info.state == JumpClientState::Unpinned {
            // Reps were told when it was unpinned; only the record changes.
            self.jump_clients.insert(client.clone());
            self.emit(Effect::Persist(super::effects::StoreOp::PutJumpClient(
                Box::new(client),
            )));
        } else {
            self.jump_client_changed(now, client);
        }
    }

    /// Starts a session with a Jump Client's machine, owned by `rep`, and tells the agent
    /// to join it.
    pub(super) fn jump(&mut self, now: UnixMillis, rep: &RepId, id: JumpClientId) -> Reply {
        let client = self.visible_jump_client(rep, id)?.clone();
        let allowed = self
            .config
            .reps
            .get(rep)
            .is_some_and(|r| r.permissions.jump_client);
        if !allowed {
            return Err(refuse(
                ErrorCode::Forbidden,
                "You are not permitted to jump to Jump Clients.",
            ));
        }
        if !self.jump_clients.online.contains(&id) {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                format!("“{}” is offline.", client.info.name),
            ));
        }
        self.check_capacity(rep)?;
        use rand::Rng;
        let customer_token = hex::encode(self.rng.random::<[u8; 32]>());
        let policy = self.config.jump.policy;
        let session_id = SessionId(self.next_session);
        self.next_session += 1;
        let session = Session {
            id: session_id,
            customer: CustomerInfo {
                name: client.info.name.clone(),
                company: None,
                question: None,
                contact: None,
            },
            customer_token_hash: hash_secret(&customer_token),
            customer_connected: false,
            customer_gone: false,
            issue: None,
            kind: SessionKind::Standard,
            entry_path: EntryPath::JumpClient,
            session_key: None,
            started_at: now,
            owner: None,
            participants: Vec::new(),
            ever_joined: BTreeSet::new(),
            waiting: None,
            home_queue: client.info.owner.clone(),
            history: Vec::new(),
            important: false,
            disposition: None,
            rejected_by: BTreeSet::new(),
            ended_at: None,
            assistance: None,
            client: ClientKind::Native,
            grants: Default::default(),
            platform: Platform::Other,
            machine: Some(MachineInfo {
                machine_id: client.machine_id.clone(),
                host: client.info.host.clone(),
                os: client.info.os.clone(),
            }),
            elevation: None,
            jump: Some(policy),
            client_offer: None,
            offer: None,
            chat: Vec::new(),
            sent_ids: Default::default(),
            position_sent: None,
            monitors: Default::default(),
        };
        self.sessions.insert(session_id, session);
        let rep_name = self.config.rep_name(rep);
        self.note(
            session_id,
            format!(
                "{rep_name} jumped to “{}” (policy {}).",
                client.info.name,
                remote_text::policy_name(policy)
            ),
        );
        self.join_session(session_id, rep, true);
        self.emit(Effect::ToJump(
            id,
            JumpServerMessage::Jump {
                session_id,
                customer_token,
                rep_name,
                policy,
            },
        ));
        Ok(Some(OkResult::JumpSession { session_id }))
    }

    /// In a jump session whose policy grants without asking, a request just made is
    /// granted at once (the rep's permission was checked as for any request). Returns
    /// whether it was.
    pub(super) fn grant_by_policy(&mut self, session_id: SessionId, grant: &GrantInfo) -> bool {
        let Some(policy) = self.sessions.get(&session_id).and_then(|s| s.jump) else {
            return false;
        };
        // An administrator's shell always asks the person at the machine, whatever the
        // policy: nobody there to answer means no elevated shell.
        if !policy.grants_without_prompt() || grant.elevation.is_some() {
            return false;
        }
        self.set_grant(session_id, grant.grant_id, GrantState::Granted, None);
        self.public_note(
            session_id,
            remote_text::granted_by_policy(grant, policy, self.shared_in(session_id)),
        );
        if grant.capability == Capability::ScreenControl {
            self.control_taken_by(session_id, grant);
        }
        true
    }

    /// One controller: `grant`'s control replaces any other rep's (granted or asked).
    pub(super) fn control_taken_by(&mut self, session_id: SessionId, grant: &GrantInfo) {
        let taken = self.live_grants(session_id, |g| {
            g.capability == Capability::ScreenControl && g.grant_id != grant.grant_id
        });
        for other in taken {
            self.set_grant(
                session_id,
                other.grant_id,
                GrantState::Stopped,
                Some(GrantEnd::ControlTaken),
            );
            self.public_note(
                session_id,
                remote_text::control_taken(&other, &grant.rep_name, self.shared_in(session_id)),
            );
        }
    }

    /// Announces, once each, Jump Clients that have been offline past `[jump] lost_days`
    /// (looked for once a minute).
    pub(super) fn announce_lost_jump_clients(&mut self, now: UnixMillis) {
        if now < self.jump_clients.next_lost_check {
            return;
        }
        self.jump_clients.next_lost_check = now + LOST_CHECK_MS;
        let newly_lost: Vec<JumpClientId> = self
            .jump_clients
            .by_id
            .values()
            .filter(|j| !self.jump_clients.lost_told.contains(&j.info.jump_client_id))
            .filter(|j| self.jump_view(now, j).lost)
            .map(|j| j.info.jump_client_id)
            .collect();
        for id in newly_lost {
            self.jump_clients.lost_told.insert(id);
            self.announce_jump_client(now, id);
        }
    }
}
