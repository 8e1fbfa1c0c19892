//! Remote support seen from the kit's rep client: asking the customer for a capability,
//! waiting for a grant to reach a state, and taking a `/ws/media` ticket. One copy for the
//! server's, the customer client's and the portal's tests.

use crate::rep::RepClient;
use switchboard_protocol::{
    Capability, GrantId, GrantState, MediaChannel, MediaTicket, OkResult, RepEvent, RepRequest,
    SessionId, SessionInfo,
};

impl RepClient {
    /// `request_remote`; the new grant's id.
    pub async fn request_remote(
        &mut self,
        session_id: SessionId,
        capability: Capability,
    ) -> GrantId {
        match self
            .ok(RepRequest::RequestRemote {
                session_id,
                capability,
            })
            .await
        {
            Some(OkResult::Grant { grant_id }) => grant_id,
            other => panic!("request_remote answered {other:?}"),
        }
    }

    /// Waits (with the deadline) for a `session_updated` in which `grant_id` is in `state`;
    /// the session as that event showed it. Other events stay queued.
    pub async fn grant_reaches(&mut self, grant_id: GrantId, state: GrantState) -> SessionInfo {
        self.pick("session_updated with the grant in its state", |e| match e {
            RepEvent::SessionUpdated { session }
                if session
                    .remote
                    .grants
                    .iter()
                    .any(|g| g.grant_id == grant_id && g.state == state) =>
            {
                Some(session.clone())
            }
            _ => None,
        })
        .await
    }

    /// `open_media` for the screen; the ticket for `/ws/media`.
    pub async fn open_media(&mut self, session_id: SessionId) -> MediaTicket {
        self.open_channel(session_id, MediaChannel::Screen).await
    }

    /// `open_media` for the shell; the ticket for `/ws/media`.
    pub async fn open_shell_media(&mut self, session_id: SessionId) -> MediaTicket {
        self.open_channel(session_id, MediaChannel::Shell).await
    }

    async fn open_channel(&mut self, session_id: SessionId, channel: MediaChannel) -> MediaTicket {
        match self
            .ok(RepRequest::OpenMedia {
                session_id,
                channel,
            })
            .await
        {
            Some(OkResult::Media { ticket }) => ticket,
            other => panic!("open_media ({channel:?}) answered {other:?}"),
        }
    }
}
