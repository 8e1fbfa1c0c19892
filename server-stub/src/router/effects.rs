//! What the router asks the outside world to do: send messages, persist records. The
//! owning task carries these out; the router itself does no IO.

use super::state::{Invitation, Session, SessionKey};
use std::collections::BTreeMap;
use switchboard_protocol::{
    ChatMessage, CustomerServerMessage, GrantId, InvitationId, JumpClientId, JumpServerMessage,
    MediaChannel, RepEvent, RepId, SessionId, TeamChatMessage, UnixMillis,
};

/// Identifies one customer WebSocket connection (assigned by the connection layer).
pub type CustomerConn = u64;

/// Identifies one Jump Client agent's `/ws/jump` connection (same id space).
pub type JumpConn = u64;

/// A durable change, written to the store before any `ok` of the same batch is sent. The
/// records are typed: the store encodes them (and says so when it cannot), the router only
/// says what to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOp {
    /// Insert or replace a session's record (its chat is kept apart, by `PutChat`).
    PutSession(Box<Session>),
    PutChat(ChatMessage),
    /// Insert or replace an invitation.
    PutInvitation(Invitation),
    DeleteInvitation(InvitationId),
    PutTeamChat(TeamChatMessage),
    PutKey(SessionKey),
    DeleteKey(String),
    /// An email for a rep with extended availability (the outbox table; a mailer sends it).
    Email {
        rep: RepId,
        to: String,
        subject: String,
        body: String,
        at: UnixMillis,
    },
    /// Insert or replace a deployed Support Button (only its token's hash is in it).
    PutButton(Box<super::buttons::DeployedButton>),
    /// Insert or replace a pinned Jump Client (only its token's hash is in it).
    PutJumpClient(Box<super::jumps::PinnedJumpClient>),
    /// Merge what the report needs into the session's `session_facts` row.
    PutSessionFacts(SessionFacts),
}

/// What `switchboard-server report` needs of a session (the `session_facts` table), merged
/// into its row: a `None` keeps what the row has, so the first team, the first arrival and
/// the first accept win, and `abandoned` once set stays set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub session_id: SessionId,
    /// The team of a team queue it waited in.
    pub team: Option<switchboard_protocol::TeamId>,
    /// When it first entered a queue.
    pub queued_at: Option<UnixMillis>,
    /// When a rep first took it from a queue, and who.
    pub accepted_at: Option<UnixMillis>,
    pub accepted_by: Option<RepId>,
    pub ended_at: Option<UnixMillis>,
    /// It ended while waiting in a queue (the customer left or was lost before anyone took it).
    pub abandoned: bool,
    /// With an accept: how long it waited in the queue it was taken from. Not stored (the
    /// report counts from the first arrival); `/metrics` observes it.
    pub waited_ms: Option<u64>,
}

/// What the store must read to answer a rep's request (data the router does not keep in
/// memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepRead {
    /// "Load older messages": ended chats of `contact` older than session `before`.
    History { contact: String, before: SessionId },
}

/// What the store must read to answer a customer's hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerRead {
    /// A `resume` of a session not in memory: ended (the store has it; answer
    /// `session_started` with `ended: true` if the token is its), or never started.
    EndedSession {
        session_id: SessionId,
        customer_token: String,
    },
}

/// What one rep may do on a session's media now, as its granted grants say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MediaRights {
    /// See the screen (a granted `screen_view` or `screen_control`).
    pub view: bool,
    /// Drive the screen (a granted `screen_control`).
    pub control: bool,
    /// Use the shell: the granted `shell` grant, if this rep has one.
    pub shell: Option<GrantId>,
}

impl MediaRights {
    /// What both `self` and `other` allow.
    pub fn and(self, other: MediaRights) -> MediaRights {
        MediaRights {
            view: self.view && other.view,
            control: self.control && other.control,
            shell: self.shell.filter(|grant| other.shell == Some(*grant)),
        }
    }

    /// Nothing at all.
    pub fn is_none(self) -> bool {
        !(self.view || self.control || self.shell.is_some())
    }
}

/// Whose `/ws/media` socket a ticket opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaHolder {
    /// The session's customer: publishes the screen.
    Customer,
    /// A rep in the session: views it (and, with control, drives it).
    Rep(RepId),
}

/// One thing the router wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// An event for a rep's stream (numbered and buffered by the stream layer).
    ToRep(RepId, RepEvent),
    /// A message to the customer of a session, if connected.
    ToCustomer(SessionId, CustomerServerMessage),
    /// A message only the portal page gets (the session's customer is on the web).
    ToPortal(SessionId, switchboard_protocol::PortalMessage),
    /// A reply to a specific customer connection (before or instead of a session binding).
    ToCustomerConn(CustomerConn, CustomerServerMessage),
    /// From now on, messages for this session's customer go to this connection.
    BindCustomer(CustomerConn, SessionId),
    /// Close the customer's connection (after the messages before it).
    CloseCustomer(SessionId),
    /// The answer to this rep request comes from the store: read this, and answer the
    /// requester with it (in place of the input's own reply).
    ReadForRep(RepRead),
    /// The same for a customer's hello.
    ReadForCustomer(CustomerRead),
    Persist(StoreOp),
    /// A media ticket `open_media` minted: the relay accepts `token` once, before
    /// `expires_at`, for `holder` in `session_id`. It adds a right, so the core registers it
    /// only once the batch is durable (with the reply that hands the token out).
    IssueMediaTicket {
        token: String,
        session_id: SessionId,
        holder: MediaHolder,
        /// The stream the socket carries: the screen or the shell.
        channel: MediaChannel,
        expires_at: UnixMillis,
    },
    /// What each rep may do on `session_id`'s media now (view, control, shell): the whole
    /// access, replacing the previous one (empty: nobody, the session's media sockets
    /// close). The core applies a narrowing at once and a widening only once the batch is
    /// durable.
    MediaAccess {
        session_id: SessionId,
        viewers: BTreeMap<RepId, MediaRights>,
    },
    /// A message to a Jump Client's agent, if connected (`jump`, `uninstall`).
    ToJump(JumpClientId, JumpServerMessage),
    /// A reply to one agent connection (its hello's `welcome` or `uninstall`).
    ToJumpConn(JumpConn, JumpServerMessage),
    /// From now on this connection is the Jump Client's; an older one of the same Jump
    /// Client is closed with `CLOSE_REPLACED`.
    BindJump(JumpConn, JumpClientId),
    /// Close the Jump Client's agent connection (after the messages before it).
    CloseJump(JumpClientId),
}
