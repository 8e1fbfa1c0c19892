//! Jump Clients (seed 003: "install a Jump Client on the remote computer, enabling you or your
//! teammates to access that system later without end-user initiation"): a rep pins the
//! customer's program as an agent on the machine; the agent keeps a connection to the server
//! on `GET /ws/jump` ([`JumpHello`], [`JumpServerMessage`]), and a rep who may see it can
//! **jump**: a new session owned by that rep starts with the machine, without the customer,
//! under the configured [`JumpPolicy`]. Unpinning revokes the agent's token and asks it to
//! uninstall itself.

use crate::buttons::MachineInfo;
use crate::error::ErrorCode;
use crate::ids::{JumpClientId, RepId, SessionId};
use crate::model::{QueueRef, UnixMillis};
use serde::{Deserialize, Serialize};

/// The longest name a Jump Client may have, in characters.
pub const MAX_JUMP_NAME_CHARS: usize = 100;

/// The most Jump Clients (not unpinned) one machine may carry.
pub const MAX_JUMP_CLIENTS_PER_MACHINE: usize = 4;

/// What the person at the machine sees when a rep jumps (the configuration's
/// `[jump] policy`). Recorded with the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum JumpPolicy {
    /// Unattended: the session starts and the rep's requests (screen, shell) are granted
    /// without a prompt; nothing is shown at the machine unless something is in use.
    NoPrompt,
    /// As `no_prompt`, but the customer's window opens at once saying who connected (and
    /// shows the banner with Stop while the screen or a shell is in use).
    #[default]
    Notify,
    /// The customer's window opens and every request prompts as in an ordinary session
    /// (30 s without an answer = deny).
    Ask,
}

impl JumpPolicy {
    /// Whether the rep's requests in a jump session are granted without asking.
    pub fn grants_without_prompt(self) -> bool {
        matches!(self, JumpPolicy::NoPrompt | JumpPolicy::Notify)
    }
}

/// Where a Jump Client stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JumpClientState {
    /// The customer's program was asked to install the agent and has not said yet.
    Pending,
    /// The agent is installed; `online` says whether it is connected now.
    Installed,
    /// The program could not install the agent (`detail` says why).
    Failed,
    /// Unpinned: its token is revoked; the agent was (or will be, when it next connects)
    /// told to uninstall itself.
    Unpinned,
}

/// A pinned Jump Client as reps see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JumpClientInfo {
    pub jump_client_id: JumpClientId,
    /// The name reps see (by default the customer's name and the host).
    pub name: String,
    /// The machine's host name and operating system, as its program last described them.
    pub host: String,
    pub os: String,
    /// Who may jump to it: the pinning rep's personal list or a team's.
    pub owner: QueueRef,
    pub created_by: RepId,
    pub created_by_name: String,
    pub created_at: UnixMillis,
    pub state: JumpClientState,
    /// Connected to `/ws/jump` now.
    pub online: bool,
    /// When the agent was last connected (its connect or disconnect); `created_at` before.
    pub last_seen: UnixMillis,
    /// Offline longer than the configuration's `[jump] lost_days`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost: bool,
    /// With `failed`: the program's reason.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// The first frame an agent sends on `/ws/jump`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JumpHello {
    Hello {
        protocol_version: u32,
        /// The token from `install_jump_client` (only its hash is kept by the server).
        token: String,
        /// The machine as it is now (host and OS are updated; the id must match the one
        /// the Jump Client was pinned on).
        machine: MachineInfo,
    },
}

/// What an agent sends after the hello.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JumpAgentMessage {
    /// Keeps the connection (and NATs) awake; answered with `pong`.
    Ping,
}

impl JumpAgentMessage {
    /// Every `type` an agent may send after the hello.
    pub const TYPES: &'static [&'static str] = &["ping"];
}

/// A frame from the server to an agent on `/ws/jump`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JumpServerMessage {
    /// The hello was accepted: this connection is the Jump Client's (an older one of the same
    /// client is closed with `CLOSE_REPLACED`).
    Welcome {
        protocol_version: u32,
        jump_client_id: JumpClientId,
        name: String,
    },
    /// A rep jumped: join session `session_id` on `/ws/customer` with a `resume` hello and
    /// `customer_token`, as the native client, under `policy`.
    Jump {
        session_id: SessionId,
        customer_token: String,
        rep_name: String,
        policy: JumpPolicy,
    },
    /// The answer to `ping`.
    Pong,
    /// The Jump Client was unpinned: remove the agent from the machine and exit. The socket
    /// closes after it.
    Uninstall,
    /// The hello (or a frame) was refused; the socket closes after it. `unauthorized`: the
    /// token is unknown or revoked (do not retry with it).
    Error { code: ErrorCode, message: String },
}
