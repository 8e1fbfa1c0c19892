//! Messages between a customer (portal page, terminal customer, simulator) and the server, over `GET /ws/customer`.

use crate::buttons::MachineInfo;
use crate::error::ErrorCode;
use crate::ids::{ButtonId, GrantId, IssueId, JumpClientId, RepId, RequestId, SessionId, TeamId};
use crate::model::{ChatMessage, CustomerInfo, UnixMillis};
use crate::remote::{ClientKind, ElevationSupport, GrantInfo, HelpCard, MediaChannel, MediaTicket};
use serde::{Deserialize, Serialize};

/// How the customer asks to reach support; decides the first queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum Route {
    /// A session key a rep gave them (that rep's personal queue).
    SessionKey { key: String },
    /// A rep picked by name on the public site (personal queue).
    Rep { rep: RepId },
    /// A support button, by its configured token (a rep's or a team's queue).
    Button { token: String },
    /// A help link to a rep or a team: a browser-sharing session.
    HelpLink {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep: Option<RepId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<TeamId>,
    },
    /// A team directly, as a support button tied to the team does.
    Team { team: TeamId },
    /// An issue from the issue submission form (the owning team's queue).
    Issue { issue: IssueId },
    /// Nothing specific (the general queue).
    General,
}

/// The first frame a customer sends: start a new session or resume one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerHello {
    Start {
        protocol_version: u32,
        customer: CustomerInfo,
        route: Route,
        /// The program the customer uses; decides what can be shared. `web` when left out.
        #[serde(default, skip_serializing_if = "is_web")]
        client: ClientKind,
    },
    Resume {
        protocol_version: u32,
        session_id: SessionId,
        /// The `customer_token` from `session_started`.
        customer_token: String,
    },
    /// The native client takes over a web customer's session with the one-time code from
    /// `client_offered` (`switchboard-customer --join CODE`). Answered with `session_started`
    /// (a new `customer_token` to resume with); the web page is let go.
    Join {
        protocol_version: u32,
        /// As the rep read it out: spaces and dashes are ignored.
        code: String,
    },
}

/// A request from a customer after the hello; also carries `"id"` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerRequest {
    Ping,
    /// Send a chat message to the reps. `client_msg_id` makes retries safe.
    Chat {
        client_msg_id: String,
        text: String,
    },
    /// The customer gives up or is done: the session ends.
    Leave,
    /// Allow or deny a rep's request (a grant that is `prompting`).
    AnswerRemote {
        grant_id: GrantId,
        allow: bool,
    },
    /// Stop one grant, or every live grant when `grant_id` is left out (the Stop button).
    StopRemote {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grant_id: Option<GrantId>,
    },
    /// A token for `/ws/media` to send the screen on (`channel` `screen`, the default: needs
    /// a granted screen grant) or to run the shell on (`shell`: needs a granted `shell`).
    /// Answered with `ok` carrying `ticket`.
    OpenMedia {
        #[serde(default, skip_serializing_if = "MediaChannel::is_screen")]
        channel: MediaChannel,
    },
    /// The shell of `grant_id` exited by itself with `code` (-1: killed, or none): its grant
    /// ends (`shell_exited`). Answered with `ok`.
    ShellExited {
        grant_id: GrantId,
        code: i32,
    },
    /// An elevated shell (a `shell` grant with `elevation`) could not start: `reason` is the
    /// tool's own words ("su: Authentication failure"), never the credentials. The grant ends
    /// `elevation_failed` and the reason is a public line in the chat. Answered with `ok`.
    ElevationFailed {
        grant_id: GrantId,
        reason: String,
    },
    /// What this machine can do for elevation (sent with `describe_machine`). Answered with
    /// `ok`.
    DescribeElevation {
        support: ElevationSupport,
    },
    /// The native client describes its machine (once a session has started or resumed), so
    /// reps can list what was deployed on it. Answered with `ok`.
    DescribeMachine {
        machine: MachineInfo,
    },
    /// What became of `install_button` or `remove_button`: the launcher written (or deleted)
    /// with `done`, or not, with `detail` saying why. Answered with `ok`.
    ButtonResult {
        button_id: ButtonId,
        done: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    /// What became of `install_jump_client`: the agent installed (and enrolled) with `done`,
    /// or not, with `detail` saying why. Answered with `ok`.
    JumpClientResult {
        jump_client_id: JumpClientId,
        done: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail: String,
    },
}

impl CustomerRequest {
    /// Every `type` a customer may send.
    pub const TYPES: &'static [&'static str] = &[
        "ping",
        "chat",
        "leave",
        "answer_remote",
        "stop_remote",
        "open_media",
        "shell_exited",
        "elevation_failed",
        "describe_elevation",
        "describe_machine",
        "button_result",
        "jump_client_result",
    ];
}

fn is_web(client: &ClientKind) -> bool {
    *client == ClientKind::Web
}

/// A customer request with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFrame {
    pub id: RequestId,
    pub request: CustomerRequest,
}

/// A frame from the server to a customer. Rep-only messages are never among them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerServerMessage {
    /// The session exists; keep `customer_token` to reconnect to it.
    SessionStarted {
        protocol_version: u32,
        session_id: SessionId,
        customer_token: String,
        /// The public chat so far (empty for a new session).
        chat: Vec<ChatMessage>,
        /// Names of the reps in the session now.
        reps: Vec<String>,
        /// Set when the session was already over (on resume).
        ended: bool,
        /// Remote support grants, as in `remote_updated` (on resume).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        grants: Vec<GrantInfo>,
    },
    /// Still waiting: place in the queue (1 = next) and a rough wait estimate.
    QueueStatus {
        position: u32,
        estimated_wait_secs: u32,
    },
    /// A public message from a rep. The customer's own messages come back in their `ok`.
    Chat { message: ChatMessage },
    /// A rep joined the session.
    RepJoined { name: String },
    /// A rep left the session (the others, if any, are still there).
    RepLeft { name: String },
    /// The rep disconnected the customer; the session is over for them.
    Disconnected { message: String },
    /// The session has ended.
    SessionEnded { message: String },
    /// The rep is ending the session with "uninstall": the native client removes itself from
    /// the machine and exits when `session_ended` follows (a pinned Jump Client stays).
    Uninstall,
    /// A card of steps from the rep (a special action, such as iOS's screen broadcast).
    Card { card: HelpCard },
    /// Write a Support Button's launcher: a new session started from it uses
    /// `route` `button` with `token`. Report with `button_result`.
    InstallButton {
        button_id: ButtonId,
        token: String,
        description: String,
    },
    /// Delete a Support Button's launcher (it was removed; its token starts nothing now).
    /// Report with `button_result`.
    RemoveButton { button_id: ButtonId },
    /// Install this program as a Jump Client agent on the machine (a systemd user unit, or
    /// an XDG autostart entry where systemd is absent) that connects to `/ws/jump` with
    /// `token`. Report with `jump_client_result`.
    InstallJumpClient {
        jump_client_id: JumpClientId,
        token: String,
        name: String,
    },
    /// The credentials for an elevated `specific_user` shell the customer just allowed, sent
    /// once, right after the allow, to this connection only; the program types them at
    /// `su`'s prompt and forgets them. Never stored or repeated on resume.
    ElevationCredentials {
        grant_id: GrantId,
        username: String,
        password: crate::remote::Secret,
    },
    /// The remote support grants changed: the live ones (`prompting`, `granted`) and the
    /// latest ended ones, as in `RemoteInfo`. A `prompting` one waits for `answer_remote`;
    /// nobody views unless one is `granted`.
    RemoteUpdated { grants: Vec<GrantInfo> },
    Ok {
        id: RequestId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<ChatMessage>,
        /// The answer to `open_media`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<MediaTicket>,
    },
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

/// A frame only the portal page (a web customer) is sent, on the same socket as
/// [`CustomerServerMessage`]: the native client never gets one, so it need not know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PortalMessage {
    /// A rep offers the native client: download it from `download_url` (a path on this
    /// server; absent when the server has no copy: ask the rep), then run
    /// `switchboard-customer --server URL --join CODE` before `expires_at`. Once the program
    /// joined, this page is sent `disconnected` and closed; the chat goes on in the program.
    ClientOffered {
        code: String,
        expires_at: UnixMillis,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        download_url: Option<String>,
    },
}

/// `POST /api/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /api/login` success body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub rep: RepId,
    pub display_name: String,
    pub expires_at: UnixMillis,
    pub protocol_version: u32,
}

/// The body of every HTTP error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}
