//! Team leads supervising a session of a team they lead: monitor, whisper, take over.
//! (Being built: every request is refused until the rules land.)

use super::{Reply, Router};
use switchboard_protocol::{ErrorBody, ErrorCode, PreviousOwner, RepId, SessionId, UnixMillis};

fn not_yet() -> ErrorBody {
    ErrorBody {
        code: ErrorCode::Forbidden,
        message: "Not available yet.".into(),
        retry_after_ms: None,
    }
}

impl Router {
    pub(super) fn monitor_session(
        &mut self,
        now: UnixMillis,
        lead: &RepId,
        session_id: SessionId,
    ) -> Reply {
        let _ = (now, lead, session_id);
        Err(not_yet())
    }

    pub(super) fn stop_monitoring(
        &mut self,
        now: UnixMillis,
        lead: &RepId,
        session_id: SessionId,
    ) -> Reply {
        let _ = (now, lead, session_id);
        Err(not_yet())
    }

    pub(super) fn whisper(
        &mut self,
        now: UnixMillis,
        lead: &RepId,
        session_id: SessionId,
        client_msg_id: String,
        text: &str,
        to: Option<RepId>,
    ) -> Reply {
        let _ = (now, lead, session_id, client_msg_id, text, to);
        Err(not_yet())
    }

    pub(super) fn take_over(
        &mut self,
        now: UnixMillis,
        lead: &RepId,
        session_id: SessionId,
        previous_owner: PreviousOwner,
    ) -> Reply {
        let _ = (now, lead, session_id, previous_owner);
        Err(not_yet())
    }

    pub(super) fn take_next(&mut self, now: UnixMillis, rep: &RepId) -> Reply {
        let _ = (now, rep);
        Err(not_yet())
    }
}
