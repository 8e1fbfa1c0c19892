//! "Pin Jump Client…" in a session, pure: why it is greyed (permission, waiting, not the
//! owner, not connected, web chat), the name's checks, the request, and the dialog's state
//! while its `pin_jump_client` is on its way (answered in [`super::jump`]). No egui, no IO.

use super::Model;
use crate::text::jump as words;
use switchboard_protocol::{
    JumpClientId, MAX_JUMP_NAME_CHARS, Permissions, RepRequest, ScreenSource, SessionId,
    SessionInfo, TeamId,
};

/// Why "Pin Jump Client…" is greyed in this session (`None`: open). The customer client
/// installs the agent, so the customer must be on it and connected; only the owner pins.
/// (Whether the program has described its machine yet is not in the session's info: the
/// server's `remote_unavailable` says so, in the dialog.)
pub fn pin_unavailable(
    info: &SessionInfo,
    permissions: Option<&Permissions>,
    owner: bool,
) -> Option<&'static str> {
    if !permissions.is_some_and(|p| p.jump_client) {
        Some(words::PIN_NO_PERMISSION)
    } else if info.owner.is_none() && info.waiting_in.is_some() {
        Some(words::PIN_WAITING)
    } else if !owner {
        Some(words::PIN_NOT_OWNER)
    } else if !info.customer_connected || info.ended {
        Some(words::PIN_NOT_CONNECTED)
    } else if info.remote.source != ScreenSource::Desktop {
        Some(words::PIN_WEB_CHAT)
    } else {
        None
    }
}

/// What is wrong with a Jump Client's name (`None`: fine; empty means the server's
/// default, the customer's name and the host).
pub fn name_problem(name: &str) -> Option<String> {
    let name = name.trim();
    if name.chars().count() > MAX_JUMP_NAME_CHARS {
        Some(words::name_too_long(MAX_JUMP_NAME_CHARS))
    } else if name.chars().any(char::is_control) {
        Some(words::NAME_ONE_LINE.to_owned())
    } else {
        None
    }
}

/// The request that pins a Jump Client named `name` for `team` (`None`: the rep's personal
/// list), or why it cannot be sent.
pub fn pin_request(
    session_id: SessionId,
    name: &str,
    team: Option<TeamId>,
) -> Result<RepRequest, String> {
    match name_problem(name) {
        Some(problem) => Err(problem),
        None => Ok(RepRequest::PinJumpClient {
            session_id,
            team,
            name: name.trim().to_owned(),
        }),
    }
}

/// The "Pin Jump Client" dialog of one session, while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct PinPanel {
    pub session_id: SessionId,
    /// A `pin_jump_client` is on its way.
    pub sending: bool,
    /// The pin went through (the dialog says so and the rep closes it).
    pub pinned: Option<JumpClientId>,
    /// Why the last pin was refused.
    pub error: Option<String>,
}

impl Model {
    /// Why the session's "Pin Jump Client…" is greyed, if it is.
    pub fn pin_unavailable(&self, info: &SessionInfo) -> Option<&'static str> {
        pin_unavailable(info, self.permissions.as_ref(), self.owns(info))
    }

    /// Opens the Pin dialog for a session (one at a time).
    pub fn open_pin(&mut self, session_id: SessionId) {
        if self.sessions.contains_key(&session_id) {
            self.pin = Some(PinPanel {
                session_id,
                sending: false,
                pinned: None,
                error: None,
            });
        }
    }

    pub fn close_pin(&mut self) {
        self.pin = None;
    }
}
