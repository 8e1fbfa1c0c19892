//! Remote support seen from the kit's clients: a native customer, asking the customer for a
//! capability, answering it, waiting for a grant to reach a state, and taking `/ws/media`
//! tickets for the screen or the shell on either side. One copy for the server's, the
//! customer client's, the console's and the portal's tests.

use crate::customer::CustomerClient;
use crate::rep::RepClient;
use switchboard_protocol::{
    Capability, ClientKind, CustomerHello, CustomerInfo, CustomerRequest, CustomerServerMessage,
    ErrorCode, GrantId, GrantInfo, GrantState, MediaChannel, MediaTicket, OkResult,
    PROTOCOL_VERSION, RepEvent, RepRequest, Route, SessionId, SessionInfo,
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

/// A customer on the native client (the `switchboard-customer` program), in `rep`'s queue:
/// what the server offers view, control and the shell to.
pub async fn native_customer(addr: std::net::SocketAddr, rep: &str) -> CustomerClient {
    CustomerClient::hello(
        addr,
        CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            customer: CustomerInfo {
                name: "Sam Lee".into(),
                company: None,
                question: None,
                contact: None,
            },
            route: Route::Rep { rep: rep.into() },
            client: ClientKind::Native,
        },
    )
    .await
    .unwrap_or_else(|refused| panic!("native start refused: {refused:?}"))
}

/// `rep` accepts the customer's session from `who`'s personal queue.
pub async fn accept(rep: &mut RepClient, who: &str, session_id: SessionId) {
    rep.entry_in(&crate::personal(who), session_id).await;
    rep.ok(RepRequest::Accept { session_id }).await;
    crate::rep::joined(rep, session_id).await;
}

impl CustomerClient {
    /// A request that must be answered `ok`; its ticket, if any.
    pub async fn ok_ticket(&mut self, request: CustomerRequest) -> Option<MediaTicket> {
        let id = self.send(request).await;
        self.pick("ok", |m| match m {
            CustomerServerMessage::Ok {
                id: got, ticket, ..
            } if *got == id => Some(ticket.clone()),
            CustomerServerMessage::Error {
                id: Some(got),
                code,
                message,
                ..
            } if *got == id => panic!("refused: {code:?} {message}"),
            _ => None,
        })
        .await
    }

    /// A request that must be refused; its code.
    pub async fn refused(&mut self, request: CustomerRequest) -> ErrorCode {
        let id = self.send(request).await;
        self.pick("error", |m| match m {
            CustomerServerMessage::Error {
                id: Some(got),
                code,
                ..
            } if *got == id => Some(*code),
            CustomerServerMessage::Ok { id: got, .. } if *got == id => {
                panic!("accepted, a refusal was due")
            }
            _ => None,
        })
        .await
    }

    /// The next `remote_updated` in which `grant` is in `state`.
    pub async fn sees_grant(&mut self, grant: GrantId, state: GrantState) -> GrantInfo {
        self.pick("remote_updated", |m| match m {
            CustomerServerMessage::RemoteUpdated { grants } => grants
                .iter()
                .find(|g| g.grant_id == grant && g.state == state)
                .cloned(),
            _ => None,
        })
        .await
    }

    /// Waits for `grant` to prompt, allows it, and waits until it is granted.
    pub async fn allow(&mut self, grant: GrantId) {
        self.sees_grant(grant, GrantState::Prompting).await;
        self.ok_ticket(CustomerRequest::AnswerRemote {
            grant_id: grant,
            allow: true,
        })
        .await;
        self.sees_grant(grant, GrantState::Granted).await;
    }

    /// `open_media` for `channel`; the ticket.
    pub async fn open_channel(&mut self, channel: MediaChannel) -> MediaTicket {
        self.ok_ticket(CustomerRequest::OpenMedia { channel })
            .await
            .unwrap_or_else(|| panic!("open_media ({channel:?}) gave no ticket"))
    }
}
