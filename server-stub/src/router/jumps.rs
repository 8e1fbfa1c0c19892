//! Jump Clients (docs/PROTOCOL.md §5 `pin_jump_client` … `unpin_jump_client`, §12
//! `/ws/jump`): a rep with the permission pins the customer's program as an agent on the
//! machine of a session they own; the agent keeps `/ws/jump` open with its own token (only
//! the hash is kept); reps who may see it (the owner rep, or the members of the owning
//! team) list it and jump to it (`jump_sessions.rs`), and it is unpinned by its owner, a
//! lead of its team or a permitted member. Every change is told to every rep who may see it
//! (`jump_client_updated`) and stored before it is acknowledged.

use super::effects::{Effect, StoreOp};
use super::{Reply, Router, refuse};
use crate::auth::hash_secret;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use switchboard_protocol::{
    ClientKind, CustomerServerMessage, ErrorBody, ErrorCode, JumpClientId, JumpClientInfo,
    JumpClientState, JumpServerMessage, MAX_JUMP_CLIENTS_PER_MACHINE, MAX_JUMP_NAME_CHARS,
    OkResult, QueueRef, RepEvent, RepId, SessionId, TeamId, UnixMillis,
};

use super::buttons::MAX_DETAIL_CHARS;

/// A pinned Jump Client as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedJumpClient {
    /// As reps see it; `online` and `lost` are live state, recomputed on restore and on
    /// every view.
    pub info: JumpClientInfo,
    /// SHA-256 of the agent's token; the token itself is never stored.
    pub token_hash: String,
    /// The machine it was pinned on: an agent's hello must name the same one.
    pub machine_id: String,
    /// The session it was pinned from: the only one whose program may report on it.
    pub session_id: SessionId,
    /// Unpinned while its agent was offline: its next hello is answered `uninstall` (once;
    /// the token is refused `unauthorized` after that).
    #[serde(default)]
    pub uninstall_pending: bool,
}

/// Every pinned Jump Client (unpinned ones too: their tokens must keep answering), by id
/// and by token hash, and which are connected now.
#[derive(Debug, Default)]
pub struct JumpClients {
    pub(super) by_id: BTreeMap<JumpClientId, PinnedJumpClient>,
    by_token: HashMap<String, JumpClientId>,
    next_id: u64,
    /// Connected to `/ws/jump` now (never stored: after a restart all are offline).
    pub(super) online: BTreeSet<JumpClientId>,
    /// Offline ones already announced as lost, so each is told once.
    pub(super) lost_told: BTreeSet<JumpClientId>,
    /// When the tick next looks for Jump Clients that became lost.
    pub(super) next_lost_check: UnixMillis,
}

/// How often the tick looks for Jump Clients that became lost.
pub(super) const LOST_CHECK_MS: u64 = 60_000;

impl JumpClients {
    /// The Jump Clients the store kept; all offline.
    pub fn restore(list: Vec<PinnedJumpClient>) -> JumpClients {
        let mut clients = JumpClients::default();
        for mut client in list {
            client.info.online = false;
            client.info.lost = false;
            clients.insert(client);
        }
        clients
    }

    pub(super) fn insert(&mut self, client: PinnedJumpClient) {
        self.next_id = self.next_id.max(client.info.jump_client_id.0);
        self.by_token
            .insert(client.token_hash.clone(), client.info.jump_client_id);
        self.by_id.insert(client.info.jump_client_id, client);
    }

    /// The Jump Client an agent's token names, if any.
    pub(super) fn by_token(&self, token: &str) -> Option<&PinnedJumpClient> {
        self.by_token
            .get(&hash_secret(token))
            .and_then(|id| self.by_id.get(id))
    }

    /// Not unpinned ones on `machine_id`.
    fn pinned_on(&self, machine_id: &str) -> usize {
        self.by_id
            .values()
            .filter(|j| j.machine_id == machine_id && j.info.state != JumpClientState::Unpinned)
            .count()
    }
}

/// A Jump Client's name: trimmed, 1..=MAX_JUMP_NAME_CHARS characters on one line.
fn valid_name(name: &str) -> Result<String, ErrorBody> {
    let name = name.trim();
    if name.chars().count() > MAX_JUMP_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(refuse(
            ErrorCode::Invalid,
            format!(
                "A Jump Client's name is at most {MAX_JUMP_NAME_CHARS} characters on one line."
            ),
        ));
    }
    Ok(name.to_owned())
}

impl Router {
    /// The Jump Client as `now` shows it: connected or not, lost or not.
    pub(super) fn jump_view(&self, now: UnixMillis, client: &PinnedJumpClient) -> JumpClientInfo {
        let mut info = client.info.clone();
        let id = info.jump_client_id;
        info.online = self.jump_clients.online.contains(&id);
        info.lost = info.state == JumpClientState::Installed
            && !info.online
            && now.saturating_sub(info.last_seen) > self.config.jump.lost_after_ms();
        info
    }

    /// Tells every rep who may see it how the Jump Client stands now.
    pub(super) fn announce_jump_client(&mut self, now: UnixMillis, id: JumpClientId) {
        let Some(client) = self.jump_clients.by_id.get(&id) else {
            return;
        };
        let info = self.jump_view(now, client);
        for rep in self.config.viewers(&info.owner) {
            self.tell_rep(
                &rep,
                RepEvent::JumpClientUpdated {
                    jump_client: info.clone(),
                },
            );
        }
    }

    /// Stores the Jump Client's record and tells who may see it.
    pub(super) fn jump_client_changed(&mut self, now: UnixMillis, client: PinnedJumpClient) {
        let id = client.info.jump_client_id;
        self.jump_clients.insert(client.clone());
        self.emit(Effect::Persist(StoreOp::PutJumpClient(Box::new(client))));
        self.announce_jump_client(now, id);
    }

    fn may_use_jump_clients(&self, rep: &RepId) -> Result<(), ErrorBody> {
        let allowed = self
            .config
            .reps
            .get(rep)
            .is_some_and(|r| r.permissions.jump_client);
        if allowed {
            Ok(())
        } else {
            Err(refuse(
                ErrorCode::Forbidden,
                "You are not permitted to pin, jump to or unpin Jump Clients.",
            ))
        }
    }

    /// A Jump Client `rep` may see (theirs, or their team's), not unpinned; `not_found`
    /// for any other, so nobody learns of others' machines.
    pub(super) fn visible_jump_client(
        &self,
        rep: &RepId,
        id: JumpClientId,
    ) -> Result<&PinnedJumpClient, ErrorBody> {
        self.jump_clients
            .by_id
            .get(&id)
            .filter(|j| j.info.state != JumpClientState::Unpinned)
            .filter(|j| self.config.can_see(rep, &j.info.owner))
            .ok_or_else(|| {
                refuse(
                    ErrorCode::NotFound,
                    format!("There is no Jump Client {id}."),
                )
            })
    }

    pub(super) fn pin_jump_client(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        team: Option<TeamId>,
        name: &str,
    ) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        self.may_use_jump_clients(rep)?;
        if !session.is_owner(rep) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "Only the session's owner can pin a Jump Client.",
            ));
        }
        let owner = match team {
            None => QueueRef::Personal { rep: rep.clone() },
            Some(team) => {
                let member = self
                    .config
                    .reps
                    .get(rep)
                    .is_some_and(|r| r.teams.contains(&team));
                if !member {
                    return Err(refuse(
                        ErrorCode::Forbidden,
                        format!("You can pin Jump Clients for your own teams only, not {team}."),
                    ));
                }
                QueueRef::Team { team }
            }
        };
        if session.client != ClientKind::Native {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "A Jump Client needs the customer client; the customer is in web chat.",
            ));
        }
        let Some(machine) = session.machine.clone() else {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer client has not described its computer yet.",
            ));
        };
        if !session.customer_connected || session.customer_gone {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer is not connected.",
            ));
        }
        let mut name = valid_name(name)?;
        if name.is_empty() {
            let default = format!("{} ({})", session.customer.name, machine.host);
            name = default
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_JUMP_NAME_CHARS)
                .collect();
        }
        if self.jump_clients.pinned_on(&machine.machine_id) >= MAX_JUMP_CLIENTS_PER_MACHINE {
            return Err(refuse(
                ErrorCode::LimitReached,
                format!(
                    "This computer already has {MAX_JUMP_CLIENTS_PER_MACHINE} Jump Clients; unpin one first."
                ),
            ));
        }
        use rand::Rng;
        let token = hex::encode(self.rng.random::<[u8; 32]>());
        let jump_client_id = JumpClientId(self.jump_clients.next_id + 1);
        let client = PinnedJumpClient {
            info: JumpClientInfo {
                jump_client_id,
                name: name.clone(),
                host: machine.host.clone(),
                os: machine.os.clone(),
                owner: owner.clone(),
                created_by: rep.clone(),
                created_by_name: self.config.rep_name(rep),
                created_at: now,
                state: JumpClientState::Pending,
                online: false,
                last_seen: now,
                lost: false,
                detail: String::new(),
            },
            token_hash: hash_secret(&token),
            machine_id: machine.machine_id,
            session_id,
            uninstall_pending: false,
        };
        self.jump_client_changed(now, client);
        self.tell_customer(
            session_id,
            CustomerServerMessage::InstallJumpClient {
                jump_client_id,
                token,
                name: name.clone(),
            },
        );
        let whose = match &owner {
            QueueRef::Team { team } => self.config.team_name(team),
            _ => self.config.rep_name(rep),
        };
        let by = self.config.rep_name(rep);
        self.note(
            session_id,
            format!("{by} pinned the Jump Client “{name}” ({whose})."),
        );
        Ok(Some(OkResult::JumpClient { jump_client_id }))
    }

    /// The program's report on installing the agent: only from the session it was pinned
    /// from.
    pub(super) fn jump_client_result(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        id: JumpClientId,
        done: bool,
        detail: &str,
    ) -> Reply {
        let machine_id = self
            .session(session_id)?
            .machine
            .as_ref()
            .map(|m| m.machine_id.clone());
        let Some(mut client) = self
            .jump_clients
            .by_id
            .get(&id)
            .filter(|j| j.session_id == session_id && Some(&j.machine_id) == machine_id.as_ref())
            .cloned()
        else {
            return Err(refuse(
                ErrorCode::NotFound,
                "There is no such Jump Client for this computer.",
            ));
        };
        if client.info.state != JumpClientState::Pending {
            // A repeated report, or the agent connected first: nothing changes.
            return Ok(None);
        }
        let detail: String = detail.chars().take(MAX_DETAIL_CHARS).collect();
        client.info.state = if done {
            JumpClientState::Installed
        } else {
            JumpClientState::Failed
        };
        client.info.detail = if done { String::new() } else { detail.clone() };
        let name = client.info.name.clone();
        self.jump_client_changed(now, client);
        self.note(
            session_id,
            if done {
                format!("The Jump Client “{name}” is installed on the customer's computer.")
            } else {
                format!("The Jump Client “{name}” could not be installed: {detail}")
            },
        );
        Ok(None)
    }

    pub(super) fn list_jump_clients(&mut self, now: UnixMillis, rep: &RepId) -> Reply {
        let mut jump_clients: Vec<JumpClientInfo> = self
            .jump_clients
            .by_id
            .values()
            .filter(|j| j.info.state != JumpClientState::Unpinned)
            .filter(|j| self.config.can_see(rep, &j.info.owner))
            .map(|j| self.jump_view(now, j))
            .collect();
        jump_clients.sort_by(|a, b| {
            (a.name.to_lowercase(), a.jump_client_id)
                .cmp(&(b.name.to_lowercase(), b.jump_client_id))
        });
        Ok(Some(OkResult::JumpClients { jump_clients }))
    }

    /// Who may unpin: the rep who pinned it, the owner of a personal one, a lead of the
    /// owning team, or a member of it with the permission.
    fn may_unpin(&self, rep: &RepId, client: &PinnedJumpClient) -> bool {
        let Some(config) = self.config.reps.get(rep) else {
            return false;
        };
        if &client.info.created_by == rep {
            return true;
        }
        match &client.info.owner {
            QueueRef::Personal { rep: owner } => owner == rep,
            QueueRef::Team { team } => {
                config.teams.contains(team)
                    && (config.permissions.lead || config.permissions.jump_client)
            }
            QueueRef::General => false,
        }
    }

    pub(super) fn unpin_jump_client(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        id: JumpClientId,
    ) -> Reply {
        let client = self.visible_jump_client(rep, id)?;
        if !self.may_unpin(rep, client) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "Only the rep who pinned it, a lead of its team or a teammate permitted to use Jump Clients can unpin it.",
            ));
        }
        let mut client = client.clone();
        let online = self.jump_clients.online.contains(&id);
        client.info.state = JumpClientState::Unpinned;
        // Told now if connected; otherwise at its next hello, once.
        client.uninstall_pending = !online;
        self.jump_clients.lost_told.remove(&id);
        self.jump_client_changed(now, client);
        if online {
            self.emit(Effect::ToJump(id, JumpServerMessage::Uninstall));
            self.emit(Effect::CloseJump(id));
        }
        Ok(None)
    }
}
