//! Jump Clients (docs/PROTOCOL.md `pin_jump_client`, `/ws/jump`): a rep pins the customer's
//! program as an agent on the machine, and reps who may see it jump to it later.

use super::{Reply, Router, refuse};
use switchboard_protocol::{ErrorCode, JumpClientId, RepId, SessionId, TeamId, UnixMillis};

impl Router {
    pub(super) fn pin_jump_client(
        &mut self,
        _now: UnixMillis,
        _rep: &RepId,
        _session_id: SessionId,
        _team: Option<TeamId>,
        _name: &str,
    ) -> Reply {
        Err(refuse(
            ErrorCode::Forbidden,
            "Jump Clients are not available yet.",
        ))
    }

    pub(super) fn list_jump_clients(&mut self, _now: UnixMillis, _rep: &RepId) -> Reply {
        Ok(Some(switchboard_protocol::OkResult::JumpClients {
            jump_clients: Vec::new(),
        }))
    }

    pub(super) fn jump(&mut self, _now: UnixMillis, _rep: &RepId, _id: JumpClientId) -> Reply {
        Err(refuse(ErrorCode::NotFound, "There is no such Jump Client."))
    }

    pub(super) fn unpin_jump_client(
        &mut self,
        _now: UnixMillis,
        _rep: &RepId,
        _id: JumpClientId,
    ) -> Reply {
        Err(refuse(ErrorCode::NotFound, "There is no such Jump Client."))
    }

    pub(super) fn jump_client_result(
        &mut self,
        _now: UnixMillis,
        _session_id: SessionId,
        _id: JumpClientId,
        _done: bool,
        _detail: &str,
    ) -> Reply {
        Err(refuse(
            ErrorCode::NotFound,
            "There is no such Jump Client for this computer.",
        ))
    }
}
