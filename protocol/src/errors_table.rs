//! Which error codes each request and each hello may be refused with: the one list that the
//! `Errors:` lines of `docs/PROTOCOL.md` and the server's router tests are checked against,
//! so a new refusal cannot reach clients without the document saying so.
//!
//! Three layers:
//! - [`FRAME_ERRORS`]: any frame that cannot be read, whatever its `type`.
//! - [`ANY_REQUEST_ERRORS`]: any request or hello (storage failed).
//! - The per-request lists below: what the request itself may be refused with. They do not
//!   repeat the two lists above.

use crate::customer::{CustomerHello, CustomerRequest};
use crate::error::ErrorCode::{self, *};
use crate::rep::{RepHello, RepRequest};

/// Request (or hello) `type` names, each with the codes it may be refused with.
pub type ErrorLists = [(&'static str, &'static [ErrorCode])];

/// Codes any frame may get before it is a request: it is not JSON or misses a field
/// (`bad_request`), its `type` is not known on this endpoint (`unknown_type`), or it is too
/// large (`frame_too_large`).
pub const FRAME_ERRORS: &[ErrorCode] = &[BadRequest, UnknownType, FrameTooLarge];

/// Codes any request or hello may get: storage failed (`internal`).
pub const ANY_REQUEST_ERRORS: &[ErrorCode] = &[Internal];

/// Every [`RepRequest::TYPES`] entry, in that order, with its own refusals. A request that
/// names a session checks it first: no such session was ever started (`not_found`), it has
/// ended (`session_ended`), the rep is not in it (`not_in_session`); an owner-only request
/// then refuses a participant of a session someone else owns (`not_owner`) or of one that
/// waits in a queue (`not_active`).
pub const REP_REQUEST_ERRORS: &ErrorLists = &[
    ("ping", &[]),
    // Paused and offline are the server's to set.
    ("set_presence", &[Invalid]),
    // No free key found among the active ones.
    ("generate_session_key", &[RateLimited]),
    // Looks at sessions the rep is not in: never `not_in_session`.
    (
        "accept",
        &[
            NotFound,
            SessionEnded,
            Forbidden,
            AlreadyTaken,
            AlreadyInSession,
            AtCapacity,
        ],
    ),
    // `not_found` also when there is no open offer of the session to this rep.
    ("reject_offer", &[NotFound, SessionEnded]),
    // An invitation's session is live while the invitation is: never `session_ended`.
    // `already_in_session` also for an invitation this rep accepted before.
    (
        "accept_invitation",
        &[NotFound, AlreadyTaken, AlreadyInSession, AtCapacity],
    ),
    (
        "decline_invitation",
        &[NotFound, AlreadyTaken, AlreadyInSession],
    ),
    // `rate_limited`: the session's message rate; `limit_reached`: its message cap.
    (
        "send_chat",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            Invalid,
            RateLimited,
            LimitReached,
        ],
    ),
    (
        "invite",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotOwner,
            NotActive,
            Forbidden,
            AlreadyInSession,
            InvitationExists,
            RepUnavailable,
        ],
    ),
    // Active invitations belong to owned sessions: never `session_ended` or `not_active`.
    (
        "cancel_invitation",
        &[
            NotFound,
            AlreadyTaken,
            AlreadyInSession,
            NotInSession,
            NotOwner,
        ],
    ),
    (
        "list_invitees",
        &[NotFound, SessionEnded, NotInSession, NotOwner, NotActive],
    ),
    (
        "transfer",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotOwner,
            NotActive,
            Forbidden,
            Invalid,
        ],
    ),
    (
        "remove_rep",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotOwner,
            NotActive,
            Invalid,
        ],
    ),
    (
        "disconnect_customer",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotOwner,
            NotActive,
            Invalid,
        ],
    ),
    (
        "leave",
        &[NotFound, SessionEnded, NotInSession, OwnerMustClose],
    ),
    (
        "close",
        // `remote_unavailable`: `end_and_uninstall` for a customer without the native client.
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotOwner,
            NotActive,
            DispositionRequired,
            RemoteUnavailable,
        ],
    ),
    ("set_important", &[NotFound, SessionEnded, NotInSession]),
    (
        "set_disposition",
        &[NotFound, SessionEnded, NotInSession, Invalid],
    ),
    ("team_chat", &[NotFound, Forbidden, Invalid]),
    // `not_found` also when none of the rep's teams has a lead.
    ("set_assistance", &[NotFound, SessionEnded, NotInSession]),
    // `forbidden`: not a lead of the session's team; `already_in_session`: in it already;
    // `at_capacity`: the lead's own cap.
    (
        "join_session",
        &[
            NotFound,
            SessionEnded,
            Forbidden,
            AlreadyInSession,
            AtCapacity,
        ],
    ),
    // `forbidden`: not a lead of the session's team, or without `permissions.monitor`;
    // `already_in_session`: monitoring or in it already.
    (
        "monitor_session",
        &[NotFound, SessionEnded, Forbidden, AlreadyInSession],
    ),
    // `not_in_session`: not monitoring it.
    ("stop_monitoring", &[NotFound, SessionEnded, NotInSession]),
    // `not_in_session`: neither monitoring nor in it; `forbidden`: not a lead of its team or
    // without `permissions.whisper`; `invalid`: empty or too long, or `to` is not in the
    // session, or nobody owns it; `rate_limited`/`limit_reached` as for `send_chat`.
    (
        "whisper",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            Forbidden,
            Invalid,
            RateLimited,
            LimitReached,
        ],
    ),
    // `forbidden`: not a lead of its team or without `permissions.take_over`; `not_active`:
    // it waits in a queue (accept it instead); `already_taken`: the lead owns it already;
    // `at_capacity`: the lead's own cap.
    (
        "take_over",
        &[
            NotFound,
            SessionEnded,
            Forbidden,
            NotActive,
            AlreadyTaken,
            AtCapacity,
        ],
    ),
    // `not_found`: nothing is waiting that this rep may take.
    ("take_next", &[NotFound, AtCapacity]),
    // `not_found` also when the customer gave no contact.
    ("load_history", &[NotFound, SessionEnded, NotInSession]),
    ("load_chat", &[NotFound, SessionEnded, NotInSession]),
    // `forbidden`: the rep's screen permission; `remote_unavailable`: the customer's side
    // cannot, or another rep controls; `already_in_session`: the rep has this one live already.
    (
        "request_remote",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotActive,
            Forbidden,
            RemoteUnavailable,
            AlreadyInSession,
        ],
    ),
    // `forbidden`: the rep lacks `shell` or `elevate`; `remote_unavailable`: not the native
    // client, the method is not available on the customer's machine (the reason says why), or
    // a shell is live in the session; `invalid`: a user name or password out of bounds.
    (
        "elevate_shell",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            NotActive,
            Forbidden,
            RemoteUnavailable,
            AlreadyInSession,
            Invalid,
        ],
    ),
    // `not_found` also for a grant that is not live; `not_owner`: another rep's grant.
    (
        "stop_remote",
        &[NotFound, SessionEnded, NotInSession, NotOwner],
    ),
    // `forbidden`: the rep holds no granted grant in the session.
    (
        "open_media",
        &[NotFound, SessionEnded, NotInSession, Forbidden],
    ),
    // `remote_unavailable`: the customer is not on a platform the action is for.
    (
        "special_action",
        &[NotFound, SessionEnded, NotInSession, RemoteUnavailable],
    ),
    // `forbidden`: no Support Button permission, or a team that is not the rep's;
    // `remote_unavailable`: no native client connected; `invalid`: the description;
    // `limit_reached`: the machine carries as many buttons as it may.
    (
        "deploy_button",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            Forbidden,
            RemoteUnavailable,
            Invalid,
            LimitReached,
        ],
    ),
    ("list_buttons", &[NotFound, SessionEnded, NotInSession]),
    // `not_found` also for a button not on this session's machine, or removed already.
    (
        "remove_button",
        &[NotFound, SessionEnded, NotInSession, Forbidden],
    ),
    // `remote_unavailable`: web chat, or the program has not described its machine.
    // `limit_reached`: the machine carries as many Jump Clients as it may.
    (
        "pin_jump_client",
        &[
            NotFound,
            SessionEnded,
            NotInSession,
            Forbidden,
            RemoteUnavailable,
            Invalid,
            LimitReached,
        ],
    ),
    ("list_jump_clients", &[]),
    // `not_found` also for one this rep may not see, or unpinned; `remote_unavailable`: the
    // agent is offline; `at_capacity`: the rep is at their maximum of sessions.
    (
        "jump",
        &[NotFound, Forbidden, RemoteUnavailable, AtCapacity],
    ),
    ("unpin_jump_client", &[NotFound, Forbidden]),
    // `remote_unavailable`: the customer already uses the program, or has left or was
    // disconnected.
    (
        "offer_client",
        &[NotFound, SessionEnded, NotInSession, RemoteUnavailable],
    ),
];

/// The rep's `hello`.
pub const REP_HELLO_ERRORS: &ErrorLists = &[("hello", &[VersionMismatch, Unauthorized])];

/// A Jump Client agent's `hello` on `/ws/jump`. `unauthorized`: the token is unknown or
/// revoked (the agent must not retry with it); `invalid`: the machine description is out of
/// bounds or names another machine than the one pinned.
pub const JUMP_HELLO_ERRORS: &ErrorLists = &[("hello", &[VersionMismatch, Unauthorized, Invalid])];

/// The customer's `start` and `resume`. A `resume` of a session that is over for the
/// customer is answered `session_started` with `ended: true`, not refused.
pub const CUSTOMER_HELLO_ERRORS: &ErrorLists = &[
    (
        "start",
        // `rate_limited`: wrong session keys, or new sessions from one address too fast;
        // `busy`: the queue is full.
        &[
            VersionMismatch,
            Invalid,
            NotFound,
            KeyInvalid,
            RateLimited,
            Busy,
        ],
    ),
    ("resume", &[VersionMismatch, Unauthorized]),
    // `key_invalid`: the code is unknown, used or expired (its session ended, or its
    // customer was let go); `rate_limited`: too many wrong codes from one address.
    ("join", &[VersionMismatch, KeyInvalid, RateLimited]),
];

/// Every [`CustomerRequest::TYPES`] entry, in that order, with its own refusals.
pub const CUSTOMER_REQUEST_ERRORS: &ErrorLists = &[
    ("ping", &[SessionEnded]),
    ("chat", &[SessionEnded, Invalid, RateLimited, LimitReached]),
    ("leave", &[SessionEnded]),
    // `not_found`: no such grant waiting for an answer.
    ("answer_remote", &[SessionEnded, NotFound]),
    ("stop_remote", &[SessionEnded, NotFound]),
    // `forbidden`: nothing is granted.
    ("open_media", &[SessionEnded, Forbidden]),
    // `not_found`: no live shell grant of that id.
    ("shell_exited", &[SessionEnded, NotFound]),
    // `not_found`: no live elevated shell grant of that id.
    ("elevation_failed", &[SessionEnded, NotFound]),
    ("describe_elevation", &[SessionEnded, Invalid]),
    ("describe_machine", &[SessionEnded, Invalid]),
    // `not_found`: no button of that id waits for this session's machine.
    ("button_result", &[SessionEnded, NotFound]),
    // `not_found`: no Jump Client of that id waits for this session's machine.
    ("jump_client_result", &[SessionEnded, NotFound]),
];

fn lookup(table: &ErrorLists, type_name: &str) -> Option<&'static [ErrorCode]> {
    table
        .iter()
        .find(|(name, _)| *name == type_name)
        .map(|(_, codes)| *codes)
}

/// The codes a rep request of this `type` may be refused with; `None` for an unknown type.
pub fn rep_request_errors(type_name: &str) -> Option<&'static [ErrorCode]> {
    lookup(REP_REQUEST_ERRORS, type_name)
}

/// The codes a customer request of this `type` may be refused with; `None` for an unknown type.
pub fn customer_request_errors(type_name: &str) -> Option<&'static [ErrorCode]> {
    lookup(CUSTOMER_REQUEST_ERRORS, type_name)
}

/// The codes a customer hello (`start`, `resume`) may be refused with.
pub fn customer_hello_errors(type_name: &str) -> Option<&'static [ErrorCode]> {
    lookup(CUSTOMER_HELLO_ERRORS, type_name)
}

/// The codes the rep `hello` may be refused with.
pub fn rep_hello_errors(type_name: &str) -> Option<&'static [ErrorCode]> {
    lookup(REP_HELLO_ERRORS, type_name)
}

impl RepRequest {
    /// The wire `type` of this request.
    pub fn type_name(&self) -> &'static str {
        match self {
            RepRequest::Ping => "ping",
            RepRequest::SetPresence { .. } => "set_presence",
            RepRequest::GenerateSessionKey => "generate_session_key",
            RepRequest::Accept { .. } => "accept",
            RepRequest::RejectOffer { .. } => "reject_offer",
            RepRequest::AcceptInvitation { .. } => "accept_invitation",
            RepRequest::DeclineInvitation { .. } => "decline_invitation",
            RepRequest::SendChat { .. } => "send_chat",
            RepRequest::Invite { .. } => "invite",
            RepRequest::CancelInvitation { .. } => "cancel_invitation",
            RepRequest::ListInvitees { .. } => "list_invitees",
            RepRequest::Transfer { .. } => "transfer",
            RepRequest::RemoveRep { .. } => "remove_rep",
            RepRequest::DisconnectCustomer { .. } => "disconnect_customer",
            RepRequest::Leave { .. } => "leave",
            RepRequest::Close { .. } => "close",
            RepRequest::SetImportant { .. } => "set_important",
            RepRequest::SetDisposition { .. } => "set_disposition",
            RepRequest::TeamChat { .. } => "team_chat",
            RepRequest::SetAssistance { .. } => "set_assistance",
            RepRequest::JoinSession { .. } => "join_session",
            RepRequest::MonitorSession { .. } => "monitor_session",
            RepRequest::StopMonitoring { .. } => "stop_monitoring",
            RepRequest::Whisper { .. } => "whisper",
            RepRequest::TakeOver { .. } => "take_over",
            RepRequest::TakeNext => "take_next",
            RepRequest::LoadHistory { .. } => "load_history",
            RepRequest::LoadChat { .. } => "load_chat",
            RepRequest::RequestRemote { .. } => "request_remote",
            RepRequest::ElevateShell { .. } => "elevate_shell",
            RepRequest::StopRemote { .. } => "stop_remote",
            RepRequest::OpenMedia { .. } => "open_media",
            RepRequest::SpecialAction { .. } => "special_action",
            RepRequest::DeployButton { .. } => "deploy_button",
            RepRequest::ListButtons { .. } => "list_buttons",
            RepRequest::RemoveButton { .. } => "remove_button",
            RepRequest::PinJumpClient { .. } => "pin_jump_client",
            RepRequest::ListJumpClients => "list_jump_clients",
            RepRequest::Jump { .. } => "jump",
            RepRequest::UnpinJumpClient { .. } => "unpin_jump_client",
            RepRequest::OfferClient { .. } => "offer_client",
        }
    }

    /// The codes this request may be refused with, besides [`FRAME_ERRORS`] and
    /// [`ANY_REQUEST_ERRORS`].
    pub fn error_codes(&self) -> &'static [ErrorCode] {
        rep_request_errors(self.type_name()).unwrap_or(&[])
    }
}

impl CustomerRequest {
    /// The wire `type` of this request.
    pub fn type_name(&self) -> &'static str {
        match self {
            CustomerRequest::Ping => "ping",
            CustomerRequest::Chat { .. } => "chat",
            CustomerRequest::Leave => "leave",
            CustomerRequest::AnswerRemote { .. } => "answer_remote",
            CustomerRequest::StopRemote { .. } => "stop_remote",
            CustomerRequest::OpenMedia { .. } => "open_media",
            CustomerRequest::ShellExited { .. } => "shell_exited",
            CustomerRequest::ElevationFailed { .. } => "elevation_failed",
            CustomerRequest::DescribeElevation { .. } => "describe_elevation",
            CustomerRequest::DescribeMachine { .. } => "describe_machine",
            CustomerRequest::ButtonResult { .. } => "button_result",
            CustomerRequest::JumpClientResult { .. } => "jump_client_result",
        }
    }

    /// The codes this request may be refused with, besides [`FRAME_ERRORS`] and
    /// [`ANY_REQUEST_ERRORS`].
    pub fn error_codes(&self) -> &'static [ErrorCode] {
        customer_request_errors(self.type_name()).unwrap_or(&[])
    }
}

impl CustomerHello {
    /// The wire `type` of this hello.
    pub fn type_name(&self) -> &'static str {
        match self {
            CustomerHello::Start { .. } => "start",
            CustomerHello::Resume { .. } => "resume",
            CustomerHello::Join { .. } => "join",
        }
    }

    /// The codes this hello may be refused with, besides [`FRAME_ERRORS`] and
    /// [`ANY_REQUEST_ERRORS`].
    pub fn error_codes(&self) -> &'static [ErrorCode] {
        customer_hello_errors(self.type_name()).unwrap_or(&[])
    }
}

impl RepHello {
    /// The codes the hello may be refused with, besides [`FRAME_ERRORS`] and
    /// [`ANY_REQUEST_ERRORS`].
    pub fn error_codes(&self) -> &'static [ErrorCode] {
        rep_hello_errors("hello").unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{InvitationId, RepId, SessionId, TeamId};
    use crate::model::{CustomerInfo, InviteTarget, Presence, TransferTarget, Visibility};
    use crate::rep::CloseMode;
    use crate::{PROTOCOL_VERSION, Route};
    use std::collections::BTreeSet;

    /// One value of each request variant, to hold `type_name` to serde's name.
    fn every_rep_request() -> Vec<RepRequest> {
        let s = SessionId(1);
        let inv = InvitationId(1);
        let text = || "x".to_owned();
        vec![
            RepRequest::Ping,
            RepRequest::SetPresence {
                presence: Presence::Away,
            },
            RepRequest::GenerateSessionKey,
            RepRequest::Accept { session_id: s },
            RepRequest::RejectOffer { session_id: s },
            RepRequest::AcceptInvitation { invitation_id: inv },
            RepRequest::DeclineInvitation { invitation_id: inv },
            RepRequest::SendChat {
                session_id: s,
                client_msg_id: text(),
                text: text(),
                visibility: Visibility::Public,
            },
            RepRequest::Invite {
                session_id: s,
                target: InviteTarget::Rep {
                    rep: RepId::new("bob"),
                },
            },
            RepRequest::CancelInvitation { invitation_id: inv },
            RepRequest::ListInvitees { session_id: s },
            RepRequest::Transfer {
                session_id: s,
                target: TransferTarget::Team {
                    team: TeamId::new("tech"),
                },
                stay: false,
            },
            RepRequest::RemoveRep {
                session_id: s,
                rep: RepId::new("bob"),
            },
            RepRequest::DisconnectCustomer { session_id: s },
            RepRequest::Leave { session_id: s },
            RepRequest::Close {
                session_id: s,
                mode: CloseMode::End,
            },
            RepRequest::SetImportant {
                session_id: s,
                important: true,
            },
            RepRequest::SetDisposition {
                session_id: s,
                disposition: text(),
            },
            RepRequest::TeamChat {
                team: TeamId::new("tech"),
                client_msg_id: text(),
                text: text(),
            },
            RepRequest::SetAssistance {
                session_id: s,
                needed: true,
            },
            RepRequest::JoinSession { session_id: s },
            RepRequest::MonitorSession { session_id: s },
            RepRequest::StopMonitoring { session_id: s },
            RepRequest::Whisper {
                session_id: s,
                client_msg_id: "w1".into(),
                text: "Offer the refund.".into(),
                to: None,
            },
            RepRequest::TakeOver {
                session_id: s,
                previous_owner: crate::supervision::PreviousOwner::Stay,
            },
            RepRequest::TakeNext,
            RepRequest::LoadHistory {
                session_id: s,
                before: None,
            },
            RepRequest::LoadChat {
                session_id: s,
                before: crate::MessageId(1),
            },
            RepRequest::RequestRemote {
                session_id: s,
                capability: crate::remote::Capability::ScreenView,
            },
            RepRequest::ElevateShell {
                session_id: s,
                elevation: crate::remote::ElevationRequest::PromptCustomer,
            },
            RepRequest::StopRemote {
                session_id: s,
                grant_id: crate::ids::GrantId(1),
                keep_view: false,
            },
            RepRequest::OpenMedia {
                session_id: s,
                channel: crate::remote::MediaChannel::Shell,
            },
            RepRequest::SpecialAction {
                session_id: s,
                action: crate::remote::SpecialAction::IosScreenBroadcast,
            },
            RepRequest::DeployButton {
                session_id: s,
                description: "Printer help".into(),
                team: None,
            },
            RepRequest::ListButtons { session_id: s },
            RepRequest::RemoveButton {
                session_id: s,
                button_id: crate::ids::ButtonId(1),
            },
            RepRequest::PinJumpClient {
                session_id: s,
                team: None,
                name: String::new(),
            },
            RepRequest::ListJumpClients,
            RepRequest::Jump {
                jump_client_id: crate::ids::JumpClientId(1),
            },
            RepRequest::UnpinJumpClient {
                jump_client_id: crate::ids::JumpClientId(1),
            },
            RepRequest::OfferClient { session_id: s },
        ]
    }

    fn serde_type<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_value(value).expect("serializes")["type"]
            .as_str()
            .expect("has a type")
            .to_owned()
    }

    fn names(table: &ErrorLists) -> Vec<String> {
        table.iter().map(|(name, _)| (*name).to_owned()).collect()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Every request type has exactly one row, in `TYPES` order, so a new request type
    /// cannot go without its list.
    #[test]
    fn every_request_type_has_a_row() {
        assert_eq!(names(REP_REQUEST_ERRORS), strings(RepRequest::TYPES));
        assert_eq!(
            names(CUSTOMER_REQUEST_ERRORS),
            strings(CustomerRequest::TYPES)
        );
        assert_eq!(
            names(CUSTOMER_HELLO_ERRORS),
            strings(&["start", "resume", "join"])
        );
        assert_eq!(names(REP_HELLO_ERRORS), strings(&["hello"]));
    }

    /// `type_name` agrees with serde's `type` for every variant, and the variants cover `TYPES`.
    #[test]
    fn type_names_match_the_wire() {
        let requests = every_rep_request();
        for request in &requests {
            assert_eq!(request.type_name(), serde_type(request));
        }
        let named: Vec<&str> = requests.iter().map(RepRequest::type_name).collect();
        assert_eq!(named, RepRequest::TYPES);
        let customer = [
            CustomerRequest::Ping,
            CustomerRequest::Chat {
                client_msg_id: "c".into(),
                text: "x".into(),
            },
            CustomerRequest::Leave,
            CustomerRequest::AnswerRemote {
                grant_id: crate::ids::GrantId(1),
                allow: true,
            },
            CustomerRequest::StopRemote { grant_id: None },
            CustomerRequest::OpenMedia {
                channel: crate::remote::MediaChannel::Shell,
            },
            CustomerRequest::ShellExited {
                grant_id: crate::ids::GrantId(1),
                code: 0,
            },
            CustomerRequest::ElevationFailed {
                grant_id: crate::ids::GrantId(1),
                reason: "su: Authentication failure".into(),
            },
            CustomerRequest::DescribeElevation {
                support: crate::remote::ElevationSupport::default(),
            },
            CustomerRequest::DescribeMachine {
                machine: crate::buttons::MachineInfo {
                    machine_id: "0123456789abcdef".into(),
                    host: "laptop".into(),
                    os: "Linux".into(),
                },
            },
            CustomerRequest::ButtonResult {
                button_id: crate::ids::ButtonId(1),
                done: true,
                detail: String::new(),
            },
            CustomerRequest::JumpClientResult {
                jump_client_id: crate::ids::JumpClientId(1),
                done: true,
                detail: String::new(),
            },
        ];
        for request in &customer {
            assert_eq!(request.type_name(), serde_type(request));
        }
        let hellos = [
            CustomerHello::Start {
                protocol_version: PROTOCOL_VERSION,
                customer: CustomerInfo {
                    name: "Pat".into(),
                    company: None,
                    question: None,
                    contact: None,
                },
                route: Route::General,
                client: crate::remote::ClientKind::Native,
            },
            CustomerHello::Resume {
                protocol_version: PROTOCOL_VERSION,
                session_id: SessionId(1),
                customer_token: "t".into(),
            },
            CustomerHello::Join {
                protocol_version: PROTOCOL_VERSION,
                code: "123-456-789".into(),
            },
        ];
        for hello in &hellos {
            assert_eq!(hello.type_name(), serde_type(hello));
        }
    }

    /// No list repeats a code or repeats the frame-level and `internal` codes stated once.
    #[test]
    fn lists_are_sets_without_the_shared_codes() {
        let tables = [
            REP_REQUEST_ERRORS,
            REP_HELLO_ERRORS,
            JUMP_HELLO_ERRORS,
            CUSTOMER_HELLO_ERRORS,
            CUSTOMER_REQUEST_ERRORS,
        ];
        for (name, codes) in tables.iter().flat_map(|t| t.iter()) {
            let unique: BTreeSet<&str> = codes.iter().map(|c| c.as_str()).collect();
            assert_eq!(unique.len(), codes.len(), "`{name}` repeats a code");
            for shared in FRAME_ERRORS.iter().chain(ANY_REQUEST_ERRORS) {
                assert!(
                    !codes.contains(shared),
                    "`{name}` lists `{}`, which every frame or request may get",
                    shared.as_str()
                );
            }
        }
    }
}
