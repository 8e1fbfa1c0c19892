//! Support Buttons deployed on customers' machines (docs/PROTOCOL.md §5 `deploy_button`,
//! §9 "Support Buttons"): a rep with the permission asks the native client to write a
//! launcher; the button is a stored row with its own token (only its hash is kept), which
//! routes a new session to the rep's or the team's queue until it is removed or expires.
//! Which buttons a machine carries comes from the machine id its client reported
//! (`describe_machine`).

use super::effects::{Effect, StoreOp};
use super::{Reply, Router, refuse};
use crate::auth::hash_secret;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use switchboard_protocol::{
    ButtonId, ButtonInfo, ButtonState, ClientKind, CustomerServerMessage, ErrorBody, ErrorCode,
    MAX_BUTTON_DESCRIPTION_CHARS, MAX_BUTTONS_PER_MACHINE, MachineInfo, OkResult, QueueRef, RepId,
    SessionId, TeamId, UnixMillis,
};

/// The longest `detail` a program's report may carry, in characters (longer is cut).
pub const MAX_DETAIL_CHARS: usize = 200;

/// A deployed button as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployedButton {
    pub info: ButtonInfo,
    /// SHA-256 of the launcher's token; the token itself is never stored.
    pub token_hash: String,
    /// The machine it was written on.
    pub machine_id: String,
    /// The session it was deployed from.
    pub session_id: SessionId,
}

/// Every deployed button, by id and by token hash.
#[derive(Debug, Default)]
pub struct Buttons {
    by_id: BTreeMap<ButtonId, DeployedButton>,
    by_token: HashMap<String, ButtonId>,
    next_id: u64,
}

impl Buttons {
    /// The buttons the store kept.
    pub fn restore(list: Vec<DeployedButton>) -> Buttons {
        let mut buttons = Buttons::default();
        for button in list {
            buttons.insert(button);
        }
        buttons
    }

    fn insert(&mut self, button: DeployedButton) {
        self.next_id = self.next_id.max(button.info.button_id.0);
        self.by_token
            .insert(button.token_hash.clone(), button.info.button_id);
        self.by_id.insert(button.info.button_id, button);
    }

    /// The button a launcher's token names, if any.
    pub fn by_token(&self, token: &str) -> Option<&DeployedButton> {
        self.by_token
            .get(&hash_secret(token))
            .and_then(|id| self.by_id.get(id))
    }

    /// The buttons written on `machine_id`, newest first.
    fn on_machine<'a>(&'a self, machine_id: &'a str) -> impl Iterator<Item = &'a DeployedButton> {
        self.by_id
            .values()
            .rev()
            .filter(move |b| b.machine_id == machine_id)
    }
}

/// Whether a button is still in force (not removed, not expired).
fn in_force(button: &DeployedButton, now: UnixMillis) -> bool {
    button.info.state != ButtonState::Removed && button.info.expires_at > now
}

impl Router {
    /// The queue a deployed button's token routes to, or why it does not.
    pub(super) fn deployed_button_queue(
        &self,
        now: UnixMillis,
        token: &str,
    ) -> Result<QueueRef, ErrorBody> {
        match self.buttons.by_token(token) {
            Some(button) if in_force(button, now) => Ok(button.info.target.clone()),
            Some(_) => Err(refuse(
                ErrorCode::NotFound,
                "This Support Button is no longer active. Ask your support team for a new one.",
            )),
            None => Err(refuse(
                ErrorCode::NotFound,
                "This support button is not known (it may have been removed).",
            )),
        }
    }

    /// The session `rep` is in, with a native client whose machine is known.
    fn button_session(&self, rep: &RepId, session_id: SessionId) -> Result<String, ErrorBody> {
        let session = self.rep_session(rep, session_id)?;
        if session.client != ClientKind::Native {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "A Support Button needs the customer client; the customer is in web chat.",
            ));
        }
        match &session.machine {
            Some(machine) => Ok(machine.machine_id.clone()),
            None => Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer client has not described its computer yet.",
            )),
        }
    }

    fn may_deploy_buttons(&self, rep: &RepId) -> Result<(), ErrorBody> {
        let allowed = self
            .config
            .reps
            .get(rep)
            .is_some_and(|r| r.permissions.support_button);
        if allowed {
            Ok(())
        } else {
            Err(refuse(
                ErrorCode::Forbidden,
                "You are not permitted to deploy or remove Support Buttons.",
            ))
        }
    }

    pub(super) fn deploy_button(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        description: &str,
        team: Option<TeamId>,
    ) -> Reply {
        let machine_id = self.button_session(rep, session_id)?;
        self.may_deploy_buttons(rep)?;
        let connected = self
            .sessions
            .get(&session_id)
            .is_some_and(|s| s.customer_connected && !s.customer_gone);
        if !connected {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer is not connected.",
            ));
        }
        let description = description.trim();
        if description.is_empty()
            || description.chars().count() > MAX_BUTTON_DESCRIPTION_CHARS
            || description.chars().any(char::is_control)
        {
            return Err(refuse(
                ErrorCode::Invalid,
                format!(
                    "A button's description is 1 to {MAX_BUTTON_DESCRIPTION_CHARS} characters on one line."
                ),
            ));
        }
        let target = match team {
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
                        format!("You can deploy buttons for your own teams only, not {team}."),
                    ));
                }
                QueueRef::Team { team }
            }
        };
        let live = self
            .buttons
            .on_machine(&machine_id)
            .filter(|b| in_force(b, now))
            .count();
        if live >= MAX_BUTTONS_PER_MACHINE {
            return Err(refuse(
                ErrorCode::LimitReached,
                format!(
                    "This computer already has {MAX_BUTTONS_PER_MACHINE} Support Buttons; remove one first."
                ),
            ));
        }
        use rand::Rng;
        let token = hex::encode(self.rng.random::<[u8; 32]>());
        let button_id = ButtonId(self.buttons.next_id + 1);
        let days = self.config.settings.button_days;
        let button = DeployedButton {
            info: ButtonInfo {
                button_id,
                description: description.to_owned(),
                target: target.clone(),
                created_by: rep.clone(),
                created_by_name: self.config.rep_name(rep),
                created_at: now,
                expires_at: now + days * 24 * 3600 * 1000,
                state: ButtonState::Pending,
                detail: String::new(),
            },
            token_hash: hash_secret(&token),
            machine_id,
            session_id,
        };
        self.buttons.insert(button.clone());
        self.emit(Effect::Persist(StoreOp::PutButton(Box::new(button))));
        self.tell_customer(
            session_id,
            CustomerServerMessage::InstallButton {
                button_id,
                token,
                description: description.to_owned(),
            },
        );
        let whose = match &target {
            QueueRef::Team { team } => self
                .config
                .teams
                .get(team)
                .map_or_else(|| team.to_string(), |t| t.name.clone()),
            _ => self.config.rep_name(rep),
        };
        let name = self.config.rep_name(rep);
        self.note(
            session_id,
            format!("{name} deployed the Support Button “{description}” ({whose})."),
        );
        Ok(Some(OkResult::Button { button_id }))
    }

    pub(super) fn list_buttons(&self, rep: &RepId, session_id: SessionId) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        let buttons = match &session.machine {
            Some(machine) => self
                .buttons
                .on_machine(&machine.machine_id)
                .map(|b| b.info.clone())
                .collect(),
            None => Vec::new(),
        };
        Ok(Some(OkResult::Buttons { buttons }))
    }

    pub(super) fn remove_button(
        &mut self,
        rep: &RepId,
        session_id: SessionId,
        button_id: ButtonId,
    ) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        let machine_id = session.machine.as_ref().map(|m| m.machine_id.clone());
        let customer_there = session.customer_connected && !session.customer_gone;
        self.may_deploy_buttons(rep)?;
        let Some(button) = self
            .buttons
            .by_id
            .get(&button_id)
            .filter(|b| Some(&b.machine_id) == machine_id.as_ref())
            .filter(|b| b.info.state != ButtonState::Removed)
            .cloned()
        else {
            return Err(refuse(
                ErrorCode::NotFound,
                "There is no such Support Button on this computer.",
            ));
        };
        let mut removed = button;
        removed.info.state = ButtonState::Removed;
        let description = removed.info.description.clone();
        self.buttons.insert(removed.clone());
        self.emit(Effect::Persist(StoreOp::PutButton(Box::new(removed))));
        if customer_there {
            self.tell_customer(
                session_id,
                CustomerServerMessage::RemoveButton { button_id },
            );
        }
        let name = self.config.rep_name(rep);
        self.note(
            session_id,
            format!("{name} removed the Support Button “{description}”."),
        );
        Ok(None)
    }

    /// The program's report on writing or deleting a launcher.
    pub(super) fn button_result(
        &mut self,
        session_id: SessionId,
        button_id: ButtonId,
        done: bool,
        detail: &str,
    ) -> Reply {
        let machine_id = self
            .session(session_id)?
            .machine
            .as_ref()
            .map(|m| m.machine_id.clone());
        let Some(mut button) = self
            .buttons
            .by_id
            .get(&button_id)
            .filter(|b| Some(&b.machine_id) == machine_id.as_ref())
            .cloned()
        else {
            return Err(refuse(
                ErrorCode::NotFound,
                "There is no such Support Button for this computer.",
            ));
        };
        if button.info.state != ButtonState::Pending {
            // A removal's report, or a repeated one: nothing changes.
            return Ok(None);
        }
        let detail: String = detail.chars().take(MAX_DETAIL_CHARS).collect();
        button.info.state = if done {
            ButtonState::Installed
        } else {
            ButtonState::Failed
        };
        button.info.detail = if done { String::new() } else { detail.clone() };
        let description = button.info.description.clone();
        self.buttons.insert(button.clone());
        self.emit(Effect::Persist(StoreOp::PutButton(Box::new(button))));
        self.note(
            session_id,
            if done {
                format!("The Support Button “{description}” is on the customer's computer.")
            } else {
                format!("The Support Button “{description}” could not be installed: {detail}")
            },
        );
        Ok(None)
    }

    /// The native client's description of its machine.
    pub(super) fn describe_machine(
        &mut self,
        session_id: SessionId,
        machine: MachineInfo,
    ) -> Reply {
        let session = self.session(session_id)?;
        if session.client != ClientKind::Native || !machine.is_valid() {
            return Err(refuse(
                ErrorCode::Invalid,
                "A machine is described by the customer client: an id of 8 to 64 letters, digits and dashes, a host and a system of at most 100 characters.",
            ));
        }
        if session.machine.as_ref() != Some(&machine) {
            if let Some(session) = self.sessions.get_mut(&session_id) {
                session.machine = Some(machine);
            }
            self.persist_session(session_id);
        }
        Ok(None)
    }
}
