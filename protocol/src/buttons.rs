//! Support Buttons a rep deploys on a customer's machine (seed 003: "install a Support Button
//! on the remote desktop or remove a previously installed Support Button"): the customer's
//! program writes a launcher that starts a new session in the rep's or the team's queue. Each
//! button is a row on the server with its own secret token; removing one revokes the token
//! and asks the program to delete the launcher.

use crate::ids::{ButtonId, RepId};
use crate::model::{QueueRef, UnixMillis};
use serde::{Deserialize, Serialize};

/// The longest description a button may have, in characters.
pub const MAX_BUTTON_DESCRIPTION_CHARS: usize = 100;

/// The most live (not removed) buttons one machine may carry.
pub const MAX_BUTTONS_PER_MACHINE: usize = 20;

/// Where a button stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonState {
    /// The customer's program was asked to write the launcher and has not said yet.
    Pending,
    /// The launcher is on the machine; a session started from it lands in `target`.
    Installed,
    /// The program could not write the launcher (`detail` says why).
    Failed,
    /// Removed (revoked): the token starts nothing; the program was asked to delete it.
    Removed,
}

/// A deployed button as reps see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ButtonInfo {
    pub button_id: ButtonId,
    pub description: String,
    /// The queue a session started from the button lands in.
    pub target: QueueRef,
    pub created_by: RepId,
    pub created_by_name: String,
    pub created_at: UnixMillis,
    /// After this the token starts nothing (the configuration's `button_days`).
    pub expires_at: UnixMillis,
    pub state: ButtonState,
    /// With `failed`: the program's reason.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// The customer's machine as its program describes it (`describe_machine`). `machine_id` is
/// a random id the program keeps in its data folder; the server only compares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineInfo {
    /// 8..=64 characters of `[A-Za-z0-9-]`.
    pub machine_id: String,
    /// The host name, at most 100 characters.
    pub host: String,
    /// The operating system, at most 100 characters (`"Linux (Debian 12)"`).
    pub os: String,
}

impl MachineInfo {
    /// Whether every field is within its limits.
    pub fn is_valid(&self) -> bool {
        let id_ok = (8..=64).contains(&self.machine_id.len())
            && self
                .machine_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let text_ok =
            |text: &str| text.chars().count() <= 100 && !text.chars().any(char::is_control);
        id_ok && text_ok(&self.host) && text_ok(&self.os)
    }
}
