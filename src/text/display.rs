//! How things read on screen: queue names, entry paths, waits and clock times.

use switchboard_protocol::{
    EntryPath, Presence, QueueEntry, QueueRef, SessionKind, TeamInfo, UnixMillis,
};

pub fn queue(queue: &QueueRef, teams: &[TeamInfo]) -> String {
    match queue {
        QueueRef::Personal { .. } => "Personal".to_owned(),
        QueueRef::Team { team } => teams
            .iter()
            .find(|t| &t.team == team)
            .map(|t| t.display_name.clone())
            .unwrap_or_else(|| team.to_string()),
        QueueRef::General => "General".to_owned(),
    }
}

/// An issue's display name (empty if none or unknown).
pub fn issue(
    issue: Option<&switchboard_protocol::IssueId>,
    issues: &[switchboard_protocol::IssueInfo],
) -> String {
    issue
        .and_then(|i| issues.iter().find(|x| &x.issue == i))
        .map(|i| i.display_name.clone())
        .unwrap_or_default()
}

/// A presence as the rep reads it: "Available", "Paused"…
pub fn presence(presence: Presence) -> &'static str {
    match presence {
        Presence::Available => "Available",
        Presence::Busy => "Busy",
        Presence::Away => "Away",
        Presence::Paused => "Paused",
        Presence::Offline => "Offline",
    }
}

pub fn entry_path(path: EntryPath) -> &'static str {
    match path {
        EntryPath::SessionKey => "Session key",
        EntryPath::RepPick => "Picked rep",
        EntryPath::RepButton => "Rep button",
        EntryPath::TeamButton => "Team button",
        EntryPath::RepHelpLink => "Help link",
        EntryPath::TeamHelpLink => "Help link",
        EntryPath::Issue => "Issue form",
        EntryPath::General => "Public site",
        EntryPath::JumpClient => "Jump Client",
    }
}

/// The customer's name, with "[Browser]" before browser-sharing sessions.
pub fn customer(entry: &QueueEntry) -> String {
    if entry.kind == SessionKind::Browser {
        format!("[Browser] {}", entry.customer.name)
    } else {
        entry.customer.name.clone()
    }
}

/// A duration as a rep reads it: "45s", "3m 05s", "1h 02m".
pub fn wait(ms: u64) -> String {
    let secs = ms / 1000;
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

/// A moment as a local clock time, "14:05".
pub fn clock(at: UnixMillis) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(at as i64) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%H:%M").to_string()
        }
        chrono::LocalResult::None => String::new(),
    }
}

/// A date and time for an earlier chat: "2026-11-21 14:05".
pub fn date_time(at: UnixMillis) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(at as i64) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M").to_string()
        }
        chrono::LocalResult::None => String::new(),
    }
}

/// A file size as people read it: "512 B", "14 KB", "2.5 MB".
pub fn file_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits read naturally at every scale.
    #[test]
    fn waits_read_naturally() {
        assert_eq!(wait(0), "0s");
        assert_eq!(wait(45_000), "45s");
        assert_eq!(wait(185_000), "3m 05s");
        assert_eq!(wait(3_720_000), "1h 02m");
    }
}
