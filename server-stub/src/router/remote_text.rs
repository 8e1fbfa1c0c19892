//! The words of remote support's public chat lines: one place for every sentence the
//! console, the portal and the customer client show inline in the chat (and that the
//! session's history keeps), so they read alike wherever they appear.

use switchboard_protocol::{Capability, GrantEnd, GrantInfo};

/// What the customer shares: their screen (the customer client) or the page they are on (a
/// help link's browser tab). The lines name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    Screen,
    Page,
}

impl Shared {
    /// "the screen" / "the page".
    fn the(self) -> &'static str {
        match self {
            Shared::Screen => "the screen",
            Shared::Page => "the page",
        }
    }

    /// "screen sharing" / "page sharing".
    fn sharing(self) -> &'static str {
        match self {
            Shared::Screen => "Screen sharing",
            Shared::Page => "Page sharing",
        }
    }
}

/// "view" / "control": what a grant lets its rep do, as a verb.
fn verb(capability: Capability) -> &'static str {
    match capability {
        Capability::ScreenView => "view",
        Capability::ScreenControl => "control",
    }
}

/// "viewing" / "controlling".
fn doing(capability: Capability) -> &'static str {
    match capability {
        Capability::ScreenView => "viewing",
        Capability::ScreenControl => "controlling",
    }
}

/// "Alice Martin asked to view the screen."
pub fn requested(grant: &GrantInfo, what: Shared) -> String {
    let the = what.the();
    format!(
        "{} asked to {} {the}.",
        grant.rep_name,
        verb(grant.capability)
    )
}

/// "The customer allowed Alice Martin to control the screen." / "... declined ..."
pub fn answered(grant: &GrantInfo, allow: bool, what: Shared) -> String {
    let the = what.the();
    if allow {
        format!(
            "The customer allowed {} to {} {the}.",
            grant.rep_name,
            verb(grant.capability)
        )
    } else {
        format!(
            "The customer declined {}'s request to {} {the}.",
            grant.rep_name,
            verb(grant.capability)
        )
    }
}

/// "Alice Martin's request to view the screen timed out."
pub fn timed_out(grant: &GrantInfo, what: Shared) -> String {
    let the = what.the();
    format!(
        "{}'s request to {} {the} timed out.",
        grant.rep_name,
        verb(grant.capability)
    )
}

/// A rep's `stop_remote`: their own grant, or (the owner, `by`) someone else's.
pub fn rep_stopped(grant: &GrantInfo, by: &str, what: Shared) -> String {
    let the = what.the();
    let live_request = grant_was_prompting(grant);
    match (by == grant.rep_name, live_request) {
        (true, true) => format!(
            "{} withdrew the request to {} {the}.",
            grant.rep_name,
            verb(grant.capability)
        ),
        (true, false) => format!(
            "{} stopped {} {the}.",
            grant.rep_name,
            doing(grant.capability)
        ),
        (false, true) => format!(
            "{by} withdrew {}'s request to {} {the}.",
            grant.rep_name,
            verb(grant.capability)
        ),
        (false, false) => format!(
            "{by} stopped {} {} {the}.",
            grant.rep_name,
            doing(grant.capability)
        ),
    }
}

/// A rep's `stop_remote` of their control with `keep_view`.
pub fn control_given_back(grant: &GrantInfo, what: Shared) -> String {
    let the = what.the();
    format!(
        "{} gave back control of {the} and is still viewing it.",
        grant.rep_name
    )
}

/// The customer's Stop for one grant.
pub fn customer_stopped_one(grant: &GrantInfo, what: Shared) -> String {
    let the = what.the();
    if grant_was_prompting(grant) {
        answered(grant, false, what)
    } else {
        format!(
            "The customer stopped {} {} {the}.",
            grant.rep_name,
            doing(grant.capability)
        )
    }
}

/// The customer's Stop for everything.
pub fn customer_stopped_all(what: Shared) -> String {
    format!("The customer stopped {}.", what.sharing().to_lowercase())
}

/// The owner's control replaced another rep's.
pub fn control_taken(taken: &GrantInfo, by: &str, what: Shared) -> String {
    let the = what.the();
    if grant_was_prompting(taken) {
        format!(
            "{}'s request to control {the} ended: {by} took control.",
            taken.rep_name
        )
    } else {
        format!("{by} took control of {the} from {}.", taken.rep_name)
    }
}

/// A rep's grants ended because they left the session (transferred it away, were removed,
/// left or lost their connection): one line for all of them.
pub fn rep_gone(name: &str, ended: &[GrantInfo], what: Shared) -> String {
    let the = what.the();
    let granted: Vec<&GrantInfo> = ended.iter().filter(|g| !grant_was_prompting(g)).collect();
    if granted.is_empty() {
        return format!("{name}'s request to see {the} was withdrawn.");
    }
    let controlling = granted
        .iter()
        .any(|g| g.capability == Capability::ScreenControl);
    format!(
        "{name} is no longer {} {the}.",
        if controlling {
            "controlling"
        } else {
            "viewing"
        }
    )
}

/// Every grant of the session ended at once, for `end`.
pub fn all_ended(end: GrantEnd, what: Shared) -> String {
    let sharing = what.sharing();
    match end {
        GrantEnd::CustomerDisconnected => {
            format!("{sharing} stopped: the customer's connection ended.")
        }
        GrantEnd::SessionEnded => format!("{sharing} stopped: the session ended."),
        GrantEnd::CustomerStopped => customer_stopped_all(what),
        _ => format!("{sharing} stopped."),
    }
}

/// Whether the grant was still a request when it ended: the lines say "withdrew" or
/// "declined" rather than "stopped viewing". Reads the grant as it was before it ended.
fn grant_was_prompting(grant: &GrantInfo) -> bool {
    grant.state == switchboard_protocol::GrantState::Prompting
}
