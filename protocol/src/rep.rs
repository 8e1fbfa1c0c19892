//! Messages between a representative's console and the server, over `GET /ws/rep`.

use crate::buttons::ButtonInfo;
use crate::error::ErrorCode;
use crate::ids::{
    ButtonId, GrantId, InvitationId, IssueId, JumpClientId, MessageId, RepId, RequestId, SessionId,
    TeamId,
};
use crate::jump::JumpClientInfo;
use crate::model::{
    AssistanceRequest, ChatMessage, InviteTarget, Offer, PastChat, Presence, QueueEntry, QueueRef,
    RepInfo, RepSnapshot, SessionInfo, SessionView, TeamChatMessage, TransferTarget, UnixMillis,
    Visibility,
};
use crate::remote::{Capability, ElevationRequest, MediaChannel, MediaTicket, SpecialAction};
use crate::supervision::{DashboardDelta, PreviousOwner};
use serde::{Deserialize, Serialize};

/// Where a reconnecting console left off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeFrom {
    /// The `stream_id` from the previous `welcome`.
    pub stream_id: String,
    /// The highest event `seq` the console applied.
    pub last_seq: u64,
}

/// The first frame a console sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RepHello {
    Hello {
        protocol_version: u32,
        /// The token from `POST /api/login`. A hello without one is read as an empty
        /// token, so it is refused as `unauthorized` like a wrong one (not `bad_request`).
        #[serde(default)]
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<ResumeFrom>,
    },
}

/// How the owner closes their session tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseMode {
    /// End the session for everyone (the customer is told).
    End,
    /// Put the session back in its queue, history kept.
    LeaveInQueue,
    /// End the session and tell the customer's program (the native client) to remove itself
    /// from the machine and exit; a pinned Jump Client stays.
    EndAndUninstall,
}

/// A request from a console. On the wire it also carries `"id"`, see [`RepFrame`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RepRequest {
    /// Answered with `ok` (no result): keeps NATs awake and measures latency.
    Ping,
    /// Set own presence to available, busy or away (paused and offline are the server's).
    SetPresence { presence: Presence },
    /// Make a single-use numeric key a customer can enter to reach this rep.
    GenerateSessionKey,
    /// Take a waiting session from a queue this rep can see (or an offer made to them).
    Accept { session_id: SessionId },
    /// Turn down a push offer; the server offers the session to someone else.
    RejectOffer { session_id: SessionId },
    /// Join a shared session by accepting an invitation.
    AcceptInvitation { invitation_id: InvitationId },
    /// Turn down an invitation.
    DeclineInvitation { invitation_id: InvitationId },
    /// Send a chat message in a session. `client_msg_id` makes retries safe.
    SendChat {
        session_id: SessionId,
        client_msg_id: String,
        text: String,
        /// Required, so a misspelt field can never turn a rep-only note public.
        visibility: Visibility,
    },
    /// Owner only: invite a rep, any rep of a team, or help by support issue.
    Invite {
        session_id: SessionId,
        target: InviteTarget,
    },
    /// Owner only: withdraw an active invitation.
    CancelInvitation { invitation_id: InvitationId },
    /// Who this rep may invite to a session right now.
    ListInvitees { session_id: SessionId },
    /// Owner only: send the session to another rep's or a team's queue.
    Transfer {
        session_id: SessionId,
        target: TransferTarget,
        /// Stay in the session as a participant after the transfer.
        stay: bool,
    },
    /// Owner only: remove a participating rep.
    RemoveRep { session_id: SessionId, rep: RepId },
    /// Owner only: disconnect the customer; the session stays open for the reps.
    DisconnectCustomer { session_id: SessionId },
    /// A participant leaves the session.
    Leave { session_id: SessionId },
    /// Owner only: end the session or leave it in its queue.
    Close {
        session_id: SessionId,
        mode: CloseMode,
    },
    /// Mark or unmark the session as important (any rep in it).
    SetImportant {
        session_id: SessionId,
        important: bool,
    },
    /// Set the session's disposition (one of the configured list).
    SetDisposition {
        session_id: SessionId,
        disposition: String,
    },
    /// Send a message to a team this rep belongs to.
    TeamChat {
        team: TeamId,
        client_msg_id: String,
        text: String,
    },
    /// Ask for (or withdraw the request for) a team lead's assistance (any rep in it).
    SetAssistance { session_id: SessionId, needed: bool },
    /// A team lead joins a session of a team they lead as a normal participant (stepping in
    /// when asked for assistance, or at any time). Answered with `ok`; the session arrives as
    /// `session_joined`.
    JoinSession { session_id: SessionId },
    /// A lead with `permissions.monitor` watches a session of a team they lead without
    /// joining it: the chat (rep-only messages too) and, once granted, the screen. The customer
    /// is not told; the reps see the lead in `monitors` unless the server hides it. Answered
    /// with `ok`; the session arrives as `session_joined`.
    MonitorSession { session_id: SessionId },
    /// Stop monitoring; answered with `ok`, followed by `session_left` (`left`).
    StopMonitoring { session_id: SessionId },
    /// A lead with `permissions.whisper`, monitoring or in a session of a team they lead, sends
    /// a message only `to` (default: the owner) sees. Answered with `chat`.
    Whisper {
        session_id: SessionId,
        client_msg_id: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<RepId>,
    },
    /// A lead with `permissions.take_over` becomes the owner of a session of a team they lead
    /// (monitoring, in it, or neither). The previous owner stays as a participant or leaves
    /// (`session_left` `taken_over`); their invitations are cancelled. Answered with `ok`.
    TakeOver {
        session_id: SessionId,
        #[serde(default)]
        previous_owner: PreviousOwner,
    },
    /// Accept the longest-waiting session this rep may take now (queue rules respected: the
    /// queues they see, pull or push offers to them, under their cap). Answered with `taken`;
    /// `not_found` when nothing is waiting for them.
    TakeNext,
    /// Earlier chats with the same customer contact, newest first, older than `before`
    /// (a session id) when given. Answered with `history`.
    LoadHistory {
        session_id: SessionId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<SessionId>,
    },
    /// The session's own chat before message `before`, newest last: the part a snapshot or
    /// `session_joined` left out (`earlier_chat`). Answered with `chat_page`.
    LoadChat {
        session_id: SessionId,
        before: MessageId,
    },
    /// Ask the customer for a remote support capability; they are prompted. Answered with
    /// `grant`; the grant's progress arrives in `session_updated`.
    RequestRemote {
        session_id: SessionId,
        capability: Capability,
    },
    /// Ask the customer for an administrator's command shell (seed 003 "Elevate"): a `shell`
    /// grant carrying `elevation` (without the password), prompted like any shell. Needs
    /// `permissions.shell` and `permissions.elevate`, and the method available on the
    /// customer's machine (`remote.elevation`). Answered with `grant`.
    ElevateShell {
        session_id: SessionId,
        elevation: ElevationRequest,
    },
    /// Stop a grant: the rep's own, or (the owner) anyone's. Prompting or granted.
    StopRemote {
        session_id: SessionId,
        grant_id: GrantId,
        /// On the rep's own granted `screen_control`: give control back but keep viewing
        /// (the customer's consent to control covers viewing, so the new `screen_view` grant
        /// is granted at once).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        keep_view: bool,
    },
    /// A token for `/ws/media`: with `channel` `screen` (the default) to view (and, with
    /// control, drive) the session's screen, which needs a granted screen grant; with `shell`
    /// to use the shell, which needs the rep's own granted `shell`. Answered with `media`.
    OpenMedia {
        session_id: SessionId,
        #[serde(default, skip_serializing_if = "MediaChannel::is_screen")]
        channel: MediaChannel,
    },
    /// A special action for this customer (the toolbar's "Special Actions"), such as sending
    /// an iOS customer the steps of iOS's own screen broadcast. Answered with `ok`.
    SpecialAction {
        session_id: SessionId,
        action: SpecialAction,
    },
    /// Deploy a Support Button on the customer's machine: a launcher that starts a new
    /// session in this rep's personal queue, or in `team`'s (one of the rep's teams). Needs
    /// `permissions.support_button` and the native client. Answered with `button`.
    DeployButton {
        session_id: SessionId,
        description: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<TeamId>,
    },
    /// The Support Buttons deployed on this session's customer machine. Answered with
    /// `buttons`.
    ListButtons { session_id: SessionId },
    /// Remove a Support Button: its token is revoked at once and the customer's program (if
    /// connected in this session) deletes the launcher. Answered with `ok`.
    RemoveButton {
        session_id: SessionId,
        button_id: ButtonId,
    },
    /// Pin a Jump Client on this session's customer machine: the native client installs
    /// itself as an agent that keeps a connection to the server, in this rep's personal list
    /// or `team`'s (one of the rep's teams). `name` (optional) is what reps see; by default
    /// the customer's name and the host. Needs `permissions.jump_client` and the native
    /// client. Answered with `jump_client`.
    PinJumpClient {
        session_id: SessionId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<TeamId>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        name: String,
    },
    /// The Jump Clients this rep may jump to: their own and their teams', not unpinned.
    /// Answered with `jump_clients`; changes arrive as `jump_client_updated` events.
    ListJumpClients,
    /// Start a session with a Jump Client's machine, owned by this rep, under the configured
    /// policy (`remote_unavailable` when it is offline). Answered with `jump_session`; the
    /// session arrives as `session_joined`.
    Jump { jump_client_id: JumpClientId },
    /// Unpin a Jump Client: its token is revoked at once and the agent (now, or when it next
    /// connects) uninstalls itself. Answered with `ok`.
    UnpinJumpClient { jump_client_id: JumpClientId },
    /// Offer the web customer the native client (any rep in the session): a one-time join
    /// code, valid for ten minutes, with which `switchboard-customer --join CODE` attaches to
    /// this session. A new offer replaces the previous code. The customer's page is sent
    /// `client_offered`. Answered with `client_offer`.
    OfferClient { session_id: SessionId },
}

impl RepRequest {
    /// Every `type` a console may send, for telling unknown types from malformed frames.
    pub const TYPES: &'static [&'static str] = &[
        "ping",
        "set_presence",
        "generate_session_key",
        "accept",
        "reject_offer",
        "accept_invitation",
        "decline_invitation",
        "send_chat",
        "invite",
        "cancel_invitation",
        "list_invitees",
        "transfer",
        "remove_rep",
        "disconnect_customer",
        "leave",
        "close",
        "set_important",
        "set_disposition",
        "team_chat",
        "set_assistance",
        "join_session",
        "monitor_session",
        "stop_monitoring",
        "whisper",
        "take_over",
        "take_next",
        "load_history",
        "load_chat",
        "request_remote",
        "elevate_shell",
        "stop_remote",
        "open_media",
        "special_action",
        "deploy_button",
        "list_buttons",
        "remove_button",
        "pin_jump_client",
        "list_jump_clients",
        "jump",
        "unpin_jump_client",
        "offer_client",
    ];
}

/// A request with its id, as sent on the wire: `{"id": 7, "type": "accept", ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepFrame {
    pub id: RequestId,
    pub request: RepRequest,
}

/// Someone a rep can invite, with what the invitation would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitee {
    pub rep: RepId,
    pub display_name: String,
    pub presence: Presence,
    /// Not logged in; the invitation is emailed.
    pub extended_availability: bool,
    /// Already has an active invitation to this session (a second one would be refused).
    #[serde(default)]
    pub invited: bool,
}

/// A team a rep may invite, with its members who can be invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteeTeam {
    pub team: TeamId,
    pub display_name: String,
    /// Whether this is one of the inviting rep's own teams.
    pub own_team: bool,
    pub reps: Vec<Invitee>,
}

/// An issue a rep may "Request Help" with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpIssue {
    pub issue: IssueId,
    pub display_name: String,
    pub team: TeamId,
}

/// What some requests return with their `ok`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OkResult {
    SessionKey {
        key: String,
        expires_at: UnixMillis,
    },
    Invitation {
        invitation_id: InvitationId,
    },
    Invitees {
        teams: Vec<InviteeTeam>,
        issues: Vec<HelpIssue>,
    },
    Chat {
        message: ChatMessage,
    },
    TeamChat {
        message: TeamChatMessage,
    },
    History {
        /// Newest first.
        chats: Vec<PastChat>,
        /// Whether still older chats exist (ask again with `before`).
        more: bool,
    },
    /// Older messages of a session's chat, oldest first.
    ChatPage {
        messages: Vec<ChatMessage>,
        /// Whether still older messages exist (ask again with the oldest id as `before`).
        more: bool,
    },
    /// The grant `request_remote` made (now prompting the customer).
    Grant {
        grant_id: GrantId,
    },
    /// A ticket for `/ws/media`.
    Media {
        ticket: MediaTicket,
    },
    /// The Support Button `deploy_button` made (now `pending` until the program reports).
    Button {
        button_id: ButtonId,
    },
    /// The Support Buttons of a session's customer machine, newest first.
    Buttons {
        buttons: Vec<ButtonInfo>,
    },
    /// The Jump Client `pin_jump_client` made (now `pending` until the program reports).
    JumpClient {
        jump_client_id: JumpClientId,
    },
    /// The Jump Clients this rep may jump to, by name.
    JumpClients {
        jump_clients: Vec<JumpClientInfo>,
    },
    /// The session `jump` started.
    JumpSession {
        session_id: SessionId,
    },
    /// The join code `offer_client` made, to read out to the customer: single use, until
    /// `expires_at`.
    ClientOffer {
        code: String,
        expires_at: UnixMillis,
    },
    /// The session `take_next` accepted.
    Taken {
        session_id: SessionId,
    },
}

/// Why a rep is no longer in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    Left,
    Removed,
    Transferred,
    LeftInQueue,
    Ended,
    ConnectionLost,
    /// A team lead took the session over and this rep (its owner) chose, or was made, to go.
    TakenOver,
}

/// Why a push offer went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferEndReason {
    Accepted,
    Rejected,
    TimedOut,
    /// Someone else took the session, or it left the queue.
    Gone,
}

/// Something that happened that this rep may see. Carried in an `event` frame with a `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RepEvent {
    /// An entry appeared in, or changed in, a queue this rep sees.
    EntryUpserted { entry: QueueEntry },
    /// An entry left a queue this rep sees.
    EntryRemoved { queue: QueueRef, entry_id: String },
    /// This rep is now in a session (accepted, joined, or a transfer came back): the whole chat.
    SessionJoined { view: SessionView },
    /// Something about a session this rep is in changed (owner, participants, flags, invitations).
    SessionUpdated { session: SessionInfo },
    /// A chat message in a session this rep is in (rep-only messages included).
    Chat { message: ChatMessage },
    /// This rep is no longer in the session.
    SessionLeft {
        session_id: SessionId,
        reason: LeftReason,
    },
    /// The server offers this rep a session from a push queue.
    OfferMade { offer: Offer },
    /// The offer is no longer open.
    OfferEnded {
        session_id: SessionId,
        reason: OfferEndReason,
    },
    /// A rep's presence changed (this rep's own, or a colleague's).
    PresenceChanged { rep: RepInfo },
    /// A message in one of this rep's team chats.
    TeamChat { message: TeamChatMessage },
    /// For team leads: a rep in one of their teams asked for assistance.
    AssistanceRequested { request: AssistanceRequest },
    /// For team leads: the request was withdrawn, answered, or its session ended.
    AssistanceCleared { session_id: SessionId },
    /// A Jump Client this rep may see changed (pinned, installed, online, offline, lost,
    /// unpinned). An unpinned one is sent once more with `unpinned`, then no longer listed.
    JumpClientUpdated { jump_client: JumpClientInfo },
    /// For team leads: what changed on their dashboard (at most one a second, plus a series
    /// point per team every `step_ms`).
    DashboardChanged { delta: DashboardDelta },
}

/// A frame from the server to a console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every frame is an `event`: boxing it would allocate for the common case to shrink the rare ones"
)]
pub enum RepServerMessage {
    /// The handshake succeeded. `resumed` says whether missed events follow (true) or a snapshot (false).
    Welcome {
        protocol_version: u32,
        rep: RepId,
        /// Names this server's event stream; send it back with `last_seq` to resume.
        stream_id: String,
        resumed: bool,
    },
    /// The whole state; the next event will have `seq` + 1.
    Snapshot { seq: u64, state: Box<RepSnapshot> },
    /// An event, numbered per rep without gaps.
    Event { seq: u64, event: RepEvent },
    /// A request succeeded (and is durable).
    Ok {
        id: RequestId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<OkResult>,
    },
    /// A request (or a frame that could not be read, without `id`) was refused; nothing changed.
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        code: ErrorCode,
        message: String,
        /// With `rate_limited`: when trying again can succeed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
}
