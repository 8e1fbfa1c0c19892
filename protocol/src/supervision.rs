//! Team leads: the live dashboard of the teams they lead, supervising a session (monitor,
//! whisper, take over), and the service levels every queue view ramps its colours by.
//!
//! A lead's console gets the whole [`Dashboard`] in its snapshot and then
//! `dashboard_changed` events carrying a [`DashboardDelta`] (only what changed, at most one a
//! second, plus one [`SeriesPoint`] per team every `step_ms`): the console never polls.

use crate::ids::{RepId, SessionId, TeamId};
use crate::model::{Presence, UnixMillis};
use serde::{Deserialize, Serialize};

/// How long a series keeps: an hour.
pub const SERIES_SPAN_MS: u64 = 60 * 60 * 1000;
/// One series step: 10 seconds (360 points an hour).
pub const SERIES_STEP_MS: u64 = 10 * 1000;

/// A queue's service level (the configuration's `target_wait_secs` and `breach_wait_secs`):
/// time in queue up to `target_ms` is normal, then a warning, and from `breach_ms` a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceLevel {
    pub target_ms: u64,
    pub breach_ms: u64,
}

impl Default for ServiceLevel {
    /// 60 s target, 180 s breach.
    fn default() -> Self {
        ServiceLevel {
            target_ms: 60_000,
            breach_ms: 180_000,
        }
    }
}

/// Where a wait stands against a [`ServiceLevel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaitLevel {
    Normal,
    Warning,
    Breach,
}

impl ServiceLevel {
    /// Where a wait of `waited_ms` stands.
    pub fn level(&self, waited_ms: u64) -> WaitLevel {
        if waited_ms >= self.breach_ms {
            WaitLevel::Breach
        } else if waited_ms >= self.target_ms {
            WaitLevel::Warning
        } else {
            WaitLevel::Normal
        }
    }
}

/// What the previous owner does when a lead takes a session over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PreviousOwner {
    /// Stays in the session as a participant.
    #[default]
    Stay,
    /// Leaves the session (`session_left` with reason `taken_over`).
    Leave,
}

/// Everything a team lead's dashboard shows, for the teams they lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Dashboard {
    /// The length of one series step (`SERIES_STEP_MS`).
    pub step_ms: u64,
    /// One per team the lead leads, in configuration order.
    pub teams: Vec<TeamLoad>,
    /// Every rep of those teams.
    pub reps: Vec<RepLoad>,
    /// Every session in progress (owned, not waiting, not ended) in those teams.
    pub sessions: Vec<LiveSession>,
    /// The last hour of each team, oldest point first.
    pub series: Vec<TeamSeries>,
}

/// A team's figures now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamLoad {
    pub team: TeamId,
    pub service_level: ServiceLevel,
    /// Sessions waiting in the team's queue now.
    pub waiting: u32,
    /// When the longest-waiting of them entered the queue (the console counts up from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_waiting_since: Option<UnixMillis>,
    /// Sessions in progress (owned) in the team.
    pub in_progress: u32,
    pub available: u32,
    pub busy: u32,
    pub away: u32,
    pub paused: u32,
    pub offline: u32,
    /// Waiting sessions past the target wait, and of those past the breach.
    pub over_target: u32,
    pub breached: u32,
    /// The expected wait of the next arrival, from the recent accept rate; `None` when
    /// nothing was accepted recently and someone waits (unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicted_wait_ms: Option<u64>,
    pub accepted_last_hour: u32,
    /// Customers who left (or were lost) while waiting, in the last hour.
    pub abandoned_last_hour: u32,
}

/// A rep as the dashboard shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepLoad {
    pub rep: RepId,
    pub presence: Presence,
    /// Since when the presence is what it is.
    pub presence_since: UnixMillis,
    pub sessions_owned: u32,
    pub max_sessions: u32,
    /// Their last chat message a customer could read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reply_at: Option<UnixMillis>,
    /// Sessions they own whose customer wrote last (waiting for an answer).
    pub awaiting_reply: u32,
    /// Push offers they let time out or rejected since midnight (server time, UTC).
    pub missed_offers_today: u32,
}

/// A session in progress as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    pub session_id: SessionId,
    /// The team it belongs to (its queue's), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    pub customer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<RepId>,
    pub participants: Vec<RepId>,
    pub started_at: UnixMillis,
    /// When the customer's oldest message not yet answered by a rep was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanswered_since: Option<UnixMillis>,
    pub important: bool,
    pub assistance: bool,
    /// Leads monitoring it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors: Vec<RepId>,
}

/// One step of a team's series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The end of the step.
    pub at: UnixMillis,
    /// Waiting in the team's queue at the end of the step.
    pub waiting: u32,
    /// In progress at the end of the step.
    pub in_progress: u32,
    /// Waits of the sessions accepted during the step: median, 90th percentile, longest
    /// (0 when none was accepted).
    pub wait_p50_ms: u64,
    pub wait_p90_ms: u64,
    pub wait_max_ms: u64,
    /// Sessions that entered the team's queue during the step.
    pub arrivals: u32,
    /// Sessions accepted from it during the step.
    pub accepts: u32,
}

/// A team's series, oldest point first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSeries {
    pub team: TeamId,
    pub points: Vec<SeriesPoint>,
}

/// A new point of a team's series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamPoint {
    pub team: TeamId,
    pub point: SeriesPoint,
}

/// What changed on a lead's dashboard. Apply in order: replace the `teams` and `reps` rows
/// with the same id, upsert `sessions`, remove `ended`, append `points` (dropping points
/// older than `SERIES_SPAN_MS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DashboardDelta {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamLoad>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reps: Vec<RepLoad>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<LiveSession>,
    /// Sessions no longer in progress in these teams (ended, waiting again, moved away).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended: Vec<SessionId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<TeamPoint>,
}

impl DashboardDelta {
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty()
            && self.reps.is_empty()
            && self.sessions.is_empty()
            && self.ended.is_empty()
            && self.points.is_empty()
    }
}
