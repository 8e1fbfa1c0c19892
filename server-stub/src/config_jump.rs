//! The configuration's `[jump]` section: what the person at a machine sees when a rep
//! jumps to its Jump Client (`policy`), and after how many days offline a Jump Client lists
//! as lost (`lost_days`). Kept apart from `config.rs` so that file stays about reps, teams
//! and queues.

use serde::Deserialize;
use switchboard_protocol::JumpPolicy;

/// The validated `[jump]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JumpSettings {
    /// `no_prompt`, `notify` (the default) or `ask`: recorded with each jump session.
    pub policy: JumpPolicy,
    /// A Jump Client offline longer than this many days lists as `lost` (30 by default).
    pub lost_days: u64,
}

impl JumpSettings {
    /// How long offline makes a Jump Client lost, in milliseconds.
    pub fn lost_after_ms(&self) -> u64 {
        self.lost_days.saturating_mul(24 * 3600 * 1000)
    }
}

impl Default for JumpSettings {
    fn default() -> Self {
        JumpSettings {
            policy: JumpPolicy::Notify,
            lost_days: 30,
        }
    }
}

/// `[jump]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawJump {
    policy: JumpPolicy,
    lost_days: u64,
}

impl Default for RawJump {
    fn default() -> Self {
        let JumpSettings { policy, lost_days } = JumpSettings::default();
        Self { policy, lost_days }
    }
}

impl RawJump {
    pub(crate) fn validate(self) -> Result<JumpSettings, String> {
        if !(1..=3650).contains(&self.lost_days) {
            return Err("[jump] lost_days must be 1 to 3650".to_owned());
        }
        Ok(JumpSettings {
            policy: self.policy,
            lost_days: self.lost_days,
        })
    }
}
