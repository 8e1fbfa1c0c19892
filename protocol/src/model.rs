//! The shared vocabulary: queues, entries, sessions, chat messages, reps and teams as they appear on the wire.

use crate::ids::{InvitationId, IssueId, MessageId, RepId, SessionId, TeamId};
use crate::remote::{RemoteInfo, ScreenPermission};
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC. Every timestamp on the wire uses it.
pub type UnixMillis = u64;

/// One of the queues a waiting session (or an invitation) can sit in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueueRef {
    /// A rep's own queue: sessions directed to them, invitations for them.
    Personal { rep: RepId },
    /// A team's queue, seen by every member.
    Team { team: TeamId },
    /// The queue for sessions with no specific destination.
    General,
}

impl std::fmt::Display for QueueRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueueRef::Personal { rep } => write!(f, "personal:{rep}"),
            QueueRef::Team { team } => write!(f, "team:{team}"),
            QueueRef::General => f.write_str("general"),
        }
    }
}

/// How a queue hands out its sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QueueMode {
    /// Any eligible rep accepts a session from the queue.
    #[default]
    Pull,
    /// The server offers each session to one available rep at a time.
    Push,
}

/// A rep's presence as colleagues and the router see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Ready for work; push queues offer sessions to available reps only.
    Available,
    Busy,
    Away,
    /// Set by the server when a push offer's deadline passed unanswered.
    Paused,
    #[default]
    Offline,
}

/// How the customer reached support: decides the first queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryPath {
    /// The customer entered a session key a rep generated (personal queue).
    SessionKey,
    /// The customer picked a rep by name on the public site (personal queue).
    RepPick,
    /// A support button tied to a rep (personal queue).
    RepButton,
    /// A support button tied to a team (team queue).
    TeamButton,
    /// A help link directed to a rep (personal queue; a browser session).
    RepHelpLink,
    /// A help link directed to a team (team queue; a browser session).
    TeamHelpLink,
    /// An issue picked on the issue submission form (the owning team's queue).
    Issue,
    /// Nothing specific (general queue).
    General,
    /// A rep jumped to a pinned Jump Client: nobody at the machine started it.
    JumpClient,
}

/// What kind of session the customer started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A chat support session.
    #[default]
    Standard,
    /// Started from a help link: the console shows "[Browser]" before the name.
    Browser,
}

/// Why a session entered a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueReason {
    /// The customer started the session (see the entry path).
    Started,
    /// A rep transferred the session here.
    Transfer,
    /// A waiting-session rule moved it after a time in its previous queue.
    WaitingRule,
    /// Its owner's connection was lost and did not come back in the grace period.
    ConnectionLost,
    /// Its owner closed their tab and left the session in queue.
    LeftInQueue,
}

/// One step of a session's way through the queues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueHop {
    pub queue: QueueRef,
    pub reason: QueueReason,
    pub at: UnixMillis,
    /// The rep behind a transfer or a lost connection, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<RepId>,
}

/// What the customer told us about themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerInfo {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// How the customer can be recognised next time (an email address, an account id):
    /// earlier chats with the same contact are the session's "older messages".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// An invitation shown as a queue entry (personal queue for a rep, team queue for a team).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub invitation_id: InvitationId,
    pub inviter: RepId,
    pub target: InviteTarget,
    pub created_at: UnixMillis,
}

/// Whom an invitation or a transfer is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InviteTarget {
    /// A named rep: goes to their personal queue.
    Rep { rep: RepId },
    /// "Any Representative" of a team: goes to the team queue.
    Team { team: TeamId },
    /// "Request Help" by support issue: goes to the issue's team queue.
    Issue { issue: IssueId },
}

/// Where a transfer sends a session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferTarget {
    Rep { rep: RepId },
    Team { team: TeamId },
}

/// One row of a queue: a waiting session or an invitation to join one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// Stable key within the rep's view: `"session:12"` or `"invitation:7"`.
    pub entry_id: String,
    pub queue: QueueRef,
    pub session_id: SessionId,
    pub customer: CustomerInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<IssueId>,
    pub kind: SessionKind,
    pub entry_path: EntryPath,
    /// When this entry entered this queue.
    pub entered_queue_at: UnixMillis,
    /// When the customer started the session.
    pub session_started_at: UnixMillis,
    pub important: bool,
    pub history: Vec<QueueHop>,
    /// The session key the customer entered, when they came by key (for search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_key: Option<String>,
    /// Present when the entry is an invitation to join a shared session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<InvitationInfo>,
}

/// Who wrote a chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    Customer {
        name: String,
    },
    Rep {
        rep: RepId,
        name: String,
    },
    /// The server itself: "Bob joined the session".
    System,
}

/// Who may read a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The customer and every rep in the session.
    #[default]
    Public,
    /// Reps only; never sent to the customer.
    Reps,
    /// A team lead's whisper: only its author and `whisper_to` see it (never the customer,
    /// never other participants). Sent with `whisper`, not `send_chat`.
    Whisper,
}

/// A message in a session's chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: MessageId,
    pub session_id: SessionId,
    pub author: Author,
    pub text: String,
    pub visibility: Visibility,
    pub at: UnixMillis,
    /// The sender's own id for the message, so a retried send is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
    /// A file shared in the chat (`text` is then its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// With visibility `whisper`: the one rep (besides the author) who sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whisper_to: Option<RepId>,
}

/// A file someone shared in a session, stored by the server. Download it with
/// `GET /api/files/{file_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub file_id: String,
    /// The file name as uploaded (no directories).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// The media type the server decided from the name and the content.
    pub content_type: String,
}

/// A message in a team's chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChatMessage {
    pub id: MessageId,
    pub team: TeamId,
    pub author: RepId,
    pub author_name: String,
    pub text: String,
    pub at: UnixMillis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
}

/// The state of a session a rep takes part in (or can see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub session_id: SessionId,
    pub customer: CustomerInfo,
    pub customer_connected: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<IssueId>,
    pub kind: SessionKind,
    pub entry_path: EntryPath,
    pub started_at: UnixMillis,
    /// `None` while the session waits in a queue (for instance after a transfer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<RepId>,
    /// Every rep in the session, the owner included.
    pub participants: Vec<RepId>,
    /// The queue the session waits in, when it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_in: Option<QueueRef>,
    pub important: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    pub history: Vec<QueueHop>,
    /// Active invitations (only the owner may cancel them).
    pub invitations: Vec<InvitationInfo>,
    pub ended: bool,
    /// A rep in the session asked for assistance; team leads see it.
    #[serde(default)]
    pub assistance: bool,
    /// Earlier, ended chats with the same customer contact exist ("Load older messages").
    #[serde(default)]
    pub has_history: bool,
    /// Remote support: what the customer can share and the live grants.
    #[serde(default)]
    pub remote: RemoteInfo,
    /// Team leads monitoring the session without being in it (the customer is never told).
    /// Reps in the session see them unless the server's `[supervision] announce_monitoring`
    /// is false; a monitoring lead always sees themselves here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors: Vec<RepId>,
}

/// An earlier, ended chat with the same customer contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastChat {
    pub session_id: SessionId,
    pub started_at: UnixMillis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<UnixMillis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    pub chat: Vec<ChatMessage>,
}

/// A session whose rep asked for assistance, as a team lead sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistanceRequest {
    pub session: SessionInfo,
    /// The rep who asked.
    pub rep: RepId,
    pub at: UnixMillis,
}

/// A canned reply from the configuration. Placeholders in `text`: `{customer}`,
/// `{company}`, `{rep}`; the console fills them in when the rep inserts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub text: String,
    /// The team it belongs to; `None` for everyone's templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
}

/// A session with its whole chat, as a rep receives it on joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub session: SessionInfo,
    /// The newest part of the chat (all of it when short); see `earlier_chat`.
    pub chat: Vec<ChatMessage>,
    /// Older messages exist than those in `chat`: ask with `load_chat`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier_chat: bool,
}

/// What a rep may do, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    pub general_queue: bool,
    pub share_outside_teams: bool,
    pub transfer: bool,
    pub max_sessions: u32,
    /// A team lead: sees assistance requests of their teams' sessions and may join them.
    #[serde(default)]
    pub lead: bool,
    /// How far this rep may go with a customer's screen.
    #[serde(default)]
    pub screen: ScreenPermission,
    /// May ask for a command shell on a customer's machine (the customer still consents).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shell: bool,
    /// May deploy Support Buttons on customers' machines (and remove them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub support_button: bool,
    /// May pin Jump Clients on customers' machines, jump to the ones they can see, and
    /// unpin them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub jump_client: bool,
    /// May ask for an administrator's command shell (`elevate_shell`; needs `shell` too).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub elevate: bool,
    /// A lead who may monitor their teams' sessions (`monitor_session`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub monitor: bool,
    /// A lead who may whisper in their teams' sessions (`whisper`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whisper: bool,
    /// A lead who may take their teams' sessions over (`take_over`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub take_over: bool,
}

/// A rep as others see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepInfo {
    pub rep: RepId,
    pub display_name: String,
    pub teams: Vec<TeamId>,
    pub presence: Presence,
    /// Not logged in, but may be invited (they get an email).
    pub extended_availability: bool,
}

/// A team and its queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInfo {
    pub team: TeamId,
    pub display_name: String,
    pub mode: QueueMode,
    pub members: Vec<RepId>,
}

/// A support issue from the issue submission form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueInfo {
    pub issue: IssueId,
    pub display_name: String,
    pub team: TeamId,
    /// Reps may "Request Help" with this issue.
    pub request_help: bool,
}

/// A push offer: the server asks one rep to take a session before a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub entry: QueueEntry,
    pub offered_at: UnixMillis,
    pub deadline: UnixMillis,
    /// A page to open about this customer (the queue's `offer_url`, filled in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A queue and its entries, as one rep may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub queue: QueueRef,
    pub mode: QueueMode,
    pub entries: Vec<QueueEntry>,
    /// Its target and breach waits: time in queue ramps from normal to warning to breach.
    #[serde(default)]
    pub service_level: crate::supervision::ServiceLevel,
}

/// Everything a console needs to draw itself after connecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepSnapshot {
    pub me: RepInfo,
    pub permissions: Permissions,
    /// This rep and everyone sharing a team with them; `presence_changed` keeps them current.
    pub reps: Vec<RepInfo>,
    pub teams: Vec<TeamInfo>,
    pub issues: Vec<IssueInfo>,
    pub dispositions: Vec<String>,
    /// Ending a session needs one of `dispositions` chosen first (else `close` `end` is
    /// refused with `disposition_required`). Left out when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_disposition: bool,
    /// The queues this rep may see, with their entries.
    pub queues: Vec<QueueView>,
    /// The sessions this rep takes part in, each with its whole chat.
    pub sessions: Vec<SessionView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// The latest team chat messages of the rep's teams, oldest first.
    pub team_chat: Vec<TeamChatMessage>,
    /// Canned replies this rep may use: everyone's and their teams'.
    #[serde(default)]
    pub templates: Vec<Template>,
    /// "Open external URL": a link template with `{session_id}` and `{customer}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    /// For team leads: open assistance requests in their teams.
    #[serde(default)]
    pub assistance: Vec<AssistanceRequest>,
    /// For team leads: the dashboard of the teams they lead (`dashboard_changed` keeps it
    /// current). Absent for everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard: Option<Box<crate::supervision::Dashboard>>,
}
