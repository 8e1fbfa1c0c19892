//! Elevated command shells (issue 14, seed 003 "Elevate"; docs/PROTOCOL.md `elevate_shell`):
//! what the customer's program says it can do (`describe_elevation`), a rep's request for an
//! administrator's shell, and the program's report that one could not start
//! (`elevation_failed`). Being built: until then every request is refused plainly.

use super::{Reply, Router, refuse};
use switchboard_protocol::{ElevationRequest, ElevationSupport, ErrorCode, GrantId, RepId, SessionId, UnixMillis};

impl Router {
    /// `elevate_shell`.
    pub(super) fn elevate_shell(
        &mut self,
        _now: UnixMillis,
        _rep: &RepId,
        _session_id: SessionId,
        _elevation: ElevationRequest,
    ) -> Reply {
        Err(refuse(
            ErrorCode::RemoteUnavailable,
            "Elevated shells are not available on this server yet.",
        ))
    }

    /// `describe_elevation` from the customer's program.
    pub(super) fn describe_elevation(
        &mut self,
        _session_id: SessionId,
        _support: ElevationSupport,
    ) -> Reply {
        Ok(None)
    }

    /// `elevation_failed` from the customer's program.
    pub(super) fn elevation_failed(
        &mut self,
        _session_id: SessionId,
        _grant_id: GrantId,
        _reason: &str,
    ) -> Reply {
        Err(refuse(ErrorCode::NotFound, "No elevated shell of that id is starting."))
    }
}
