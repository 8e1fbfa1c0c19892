//! The words of supervision (issue 15) as the rep and the lead read them: the monitoring
//! strip of a session tab, whispers, Take over, why each is greyed, the reps' "Grace is
//! monitoring", the top bar's load and Take next, and the queues' service-level figures.

use crate::text::display;
use switchboard_protocol::supervision::WaitLevel;

/// The monitoring lead's strip: the customer never learns of it.
pub const MONITORING: &str = "Monitoring — the customer is not told";
/// A lead in the session (not its owner): what the strip is.
pub const LEAD_TOOLS: &str = "Team lead";
pub const WHISPER_TO: &str = "Whisper to";
pub const JOIN: &str = "Join";
pub const TAKE_OVER: &str = "Take over";
pub const STOP_MONITORING: &str = "Stop monitoring";
/// The whisper composer's label (the text field).
pub const WHISPER_FIELD: &str = "Whisper";
pub const WHISPER_SEND: &str = "Send whisper";
/// The composer's toggle for a lead in the session.
pub const WHISPER_TOGGLE: &str = "Whisper";
pub const WHISPER_TOGGLE_HINT: &str =
    "Only the rep you whisper to sees it; never the customer or the other reps.";
/// While monitoring, why there is no public composer.
pub const MONITORING_NO_CHAT: &str =
    "You are monitoring: only whispers to a rep in the session can be sent.";

pub const JOIN_HINT: &str = "Join the session as a participant: the customer is told you joined.";
pub const STOP_HINT: &str = "Stop watching this session; its tab closes.";

pub const NO_WHISPER_PERMISSION: &str = "You are not permitted to whisper.";
pub const NO_TAKE_OVER_PERMISSION: &str = "You are not permitted to take sessions over.";
pub const NOBODY_TO_WHISPER_TO: &str = "No other rep is in the session to whisper to.";
pub const SESSION_ENDED: &str = "The session has ended.";
pub const ALREADY_OWNER: &str = "You already own this session.";

/// Why Take over is greyed while the session waits in a queue.
pub fn waiting_in(queue: &str) -> String {
    format!("The session waits in {queue}: accept it from the queue instead.")
}

/// Why Take over is greyed at the lead's cap.
pub fn at_cap(cap: u32) -> String {
    format!("You are at your limit of {cap} sessions.")
}

/// One of Take over's two choices.
pub fn take_over_stay(owner: &str) -> String {
    format!("Take over — {owner} stays in the session")
}

pub fn take_over_leave(owner: &str) -> String {
    format!("Take over — {owner} leaves the session")
}

/// A rep in the Whisper to list: the owner is said to be.
pub fn whisper_target(name: &str, owner: bool) -> String {
    if owner {
        format!("{name} (owner)")
    } else {
        name.to_owned()
    }
}

/// A whisper's caption in the chat: to whom (the author's own) or from whom.
pub fn whisper_to(name: &str) -> String {
    format!("Whisper to {name}")
}

pub fn whisper_from(name: &str) -> String {
    format!("Whisper from {name}")
}

/// What reps in the session read while leads monitor it: "Grace is monitoring", "Grace and
/// Hiro are monitoring", "Grace, Hiro and Ann are monitoring".
pub fn monitoring(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{one} is monitoring")),
        [rest @ .., last] => Some(format!("{} and {last} are monitoring", rest.join(", "))),
    }
}

pub const MONITORING_HINT: &str =
    "A team lead sees this session's chat (rep-only notes too); the customer is not told.";

/// The top bar's load: sessions owned against the cap.
pub fn load(owned: usize, cap: u32) -> String {
    format!("{owned} / {cap} sessions")
}

/// The load as a narrow top bar shows it: "3 / 5".
pub fn load_figure(owned: usize, cap: u32) -> String {
    format!("{owned} / {cap}")
}

pub const LOAD_HINT: &str = "Sessions you own, against the most you may own at once.";
pub const TAKE_NEXT: &str = "Take next";
pub const TAKE_NEXT_HINT: &str = "Accept the customer waiting longest that you may take";
pub const NOTHING_WAITING: &str = "Nobody is waiting in the queues you can take from.";

/// A queue pane's title figures: the longest wait and how many waits breach the level.
pub fn longest(waited_ms: u64) -> String {
    format!("longest {}", display::wait(waited_ms))
}

pub fn breached(count: usize) -> String {
    format!("{count} breached")
}

/// A time in queue's tooltip: where it stands against the queue's service level.
pub fn level_hint(level: WaitLevel, target_ms: u64, breach_ms: u64) -> String {
    let (target, breach) = (display::wait(target_ms), display::wait(breach_ms));
    match level {
        WaitLevel::Normal => format!("Within the target wait ({target})"),
        WaitLevel::Warning => format!("Past the target wait ({target}); breach at {breach}"),
        WaitLevel::Breach => format!("Past the breach wait ({breach})"),
    }
}
