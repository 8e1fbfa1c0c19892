//! The Dashboard's words (a team lead's view of their teams): the tab, the team filter, the
//! team cards' figures, the plots' titles, the sessions table's actions and why each is
//! greyed, the reps table. Accessible names that tell rows apart (`Monitor Pat Doe`,
//! `Billing: 3 waiting`) are here too: the tests find widgets by them.

use crate::text::display;
use switchboard_protocol::supervision::TeamLoad;
use switchboard_protocol::{Presence, UnixMillis};

/// The Dashboard tab's title.
pub const DASHBOARD: &str = "Dashboard";

/// The team filter's label and its "everything" choice.
pub const TEAM_FILTER: &str = "Team";

pub const ALL_TEAMS: &str = "All teams";

/// The words of a card's figures, for the card and the tests that read it.
pub fn waiting_text(waiting: u32) -> String {
    format!("{waiting} waiting")
}

/// The waiting figure's accessible name: the team's name tells the cards apart.
pub fn waiting_label(team_name: &str, waiting: u32) -> String {
    format!("{team_name}: {}", waiting_text(waiting))
}

pub fn longest_text(team: &TeamLoad, now: UnixMillis) -> String {
    match team.oldest_waiting_since {
        Some(since) => format!(
            "longest {}",
            display::wait(crate::model::dashboard::elapsed(since, now))
        ),
        None => "no one waiting".to_owned(),
    }
}

pub fn predicted_text(team: &TeamLoad) -> String {
    match (team.predicted_wait_ms, team.waiting) {
        (Some(ms), _) => format!("Predicted wait {}", display::wait(ms)),
        (None, 0) => "Predicted wait: none".to_owned(),
        (None, _) => "Predicted wait: unknown (no recent accepts)".to_owned(),
    }
}

/// The titles, as the lead reads them above each plot.
pub const WAITING: &str = "Waiting, by team";

pub const IN_PROGRESS: &str = "In progress, by team";

pub const WAIT_TIMES: &str = "Wait of accepted sessions (seconds)";

pub const FLOW: &str = "Arrivals and accepts per minute";

pub const SESSIONS_TITLE: &str = "Sessions in progress";

/// The table's title with its count of rows.
pub fn sessions_title(rows: usize) -> String {
    format!("{SESSIONS_TITLE} ({rows})")
}

pub const MONITOR: &str = "Monitor";

pub const JOIN: &str = "Join";

pub const TAKE_OVER: &str = "Take over";

pub const NO_MONITOR: &str = "Your account may not monitor sessions";

pub const NO_JOIN: &str = "Only team leads may join their teams' sessions";

pub const NO_TAKE_OVER: &str = "Your account may not take sessions over";

pub const ALREADY_IN: &str = "You are already in this session";

pub const ALREADY_MONITORING: &str = "You are already monitoring this session";

pub const ALREADY_OWNER: &str = "You already own this session";

/// The accessible names of a row's buttons (the customer's name tells the rows apart).
pub fn monitor_label(customer: &str) -> String {
    format!("Monitor {customer}")
}

pub fn join_label(customer: &str) -> String {
    format!("Join {customer}")
}

pub fn take_over_label(customer: &str) -> String {
    format!("Take over {customer}")
}

pub const REPS_TITLE: &str = "Reps";

pub fn presence_text(presence: Presence) -> &'static str {
    match presence {
        Presence::Available => "Available",
        Presence::Busy => "Busy",
        Presence::Away => "Away",
        Presence::Paused => "Paused",
        Presence::Offline => "Offline",
    }
}
