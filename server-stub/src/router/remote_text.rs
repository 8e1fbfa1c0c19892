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

/// What a grant lets its rep do, as a verb and its object: "view the screen", "control the
/// page", "open a command shell".
fn act(capability: Capability, what: Shared) -> String {
    match capability {
        Capability::ScreenView => format!("view {}", what.the()),
        Capability::ScreenControl => format!("control {}", what.the()),
        Capability::Shell => "open a command shell".to_owned(),
    }
}

/// The same, going on: "viewing the screen", "using the command shell".
fn acting(capability: Capability, what: Shared) -> String {
    match capability {
        Capability::ScreenView => format!("viewing {}", what.the()),
        Capability::ScreenControl => format!("controlling {}", what.the()),
        Capability::Shell => "using the command shell".to_owned(),
    }
}

/// " as administrator (sbadmin)" for an elevated shell's grant, else nothing: the lines of
/// an elevated request or grant name who its shell runs as (never a credential).
fn as_whom(grant: &GrantInfo) -> String {
    grant
        .elevation
        .as_ref()
        .map(|e| format!(" as administrator ({})", e.user))
        .unwrap_or_default()
}

/// [`act`] for this grant: "open a command shell as administrator (sbadmin)".
fn act_of(grant: &GrantInfo, what: Shared) -> String {
    format!("{}{}", act(grant.capability, what), as_whom(grant))
}

/// [`acting`] for this grant: "using the command shell as administrator (root)".
fn acting_of(grant: &GrantInfo, what: Shared) -> String {
    format!("{}{}", acting(grant.capability, what), as_whom(grant))
}

/// "Alice Martin asked to view the screen." / "... to open a command shell." / "... to open
/// a command shell as administrator (sbadmin)."
pub fn requested(grant: &GrantInfo, what: Shared) -> String {
    format!("{} asked to {}.", grant.rep_name, act_of(grant, what))
}

/// "Alice Martin's administrator shell could not start: su: Authentication failure"
/// (`reason` is the customer program's, already one plain line).
pub fn elevation_failed(grant: &GrantInfo, reason: &str) -> String {
    if reason.is_empty() {
        format!("{}'s administrator shell could not start.", grant.rep_name)
    } else {
        format!(
            "{}'s administrator shell could not start: {reason}",
            grant.rep_name
        )
    }
}

/// "The customer allowed Alice Martin to control the screen." / "... declined ..."
pub fn answered(grant: &GrantInfo, allow: bool, what: Shared) -> String {
    let act = act_of(grant, what);
    if allow {
        format!("The customer allowed {} to {act}.", grant.rep_name)
    } else {
        format!(
            "The customer declined {}'s request to {act}.",
            grant.rep_name
        )
    }
}

/// "Alice Martin's request to view the screen timed out."
pub fn timed_out(grant: &GrantInfo, what: Shared) -> String {
    format!(
        "{}'s request to {} timed out.",
        grant.rep_name,
        act_of(grant, what)
    )
}

/// A rep's `stop_remote`: their own grant, or (the owner, `by`) someone else's.
pub fn rep_stopped(grant: &GrantInfo, by: &str, what: Shared) -> String {
    let live_request = grant_was_prompting(grant);
    let (act, acting) = (act_of(grant, what), acting_of(grant, what));
    match (by == grant.rep_name, live_request) {
        (true, true) => format!("{} withdrew the request to {act}.", grant.rep_name),
        (true, false) => format!("{} stopped {acting}.", grant.rep_name),
        (false, true) => format!("{by} withdrew {}'s request to {act}.", grant.rep_name),
        (false, false) => format!("{by} stopped {} {acting}.", grant.rep_name),
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
    if grant_was_prompting(grant) {
        answered(grant, false, what)
    } else {
        format!(
            "The customer stopped {} {}.",
            grant.rep_name,
            acting_of(grant, what)
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
    let screen = ended.iter().any(|g| g.capability.is_screen());
    if granted.is_empty() {
        return if screen {
            format!("{name}'s request to see {the} was withdrawn.")
        } else {
            format!("{name}'s request to open a command shell was withdrawn.")
        };
    }
    let doing = |capability: Capability| granted.iter().any(|g| g.capability == capability);
    let screen_part = if doing(Capability::ScreenControl) {
        Some(format!("controlling {the}"))
    } else if doing(Capability::ScreenView) {
        Some(format!("viewing {the}"))
    } else {
        None
    };
    let shell_part = granted
        .iter()
        .find(|g| g.capability == Capability::Shell)
        .map(|g| acting_of(g, what));
    let parts: Vec<String> = screen_part.into_iter().chain(shell_part).collect();
    format!("{name} is no longer {}.", parts.join(" or "))
}

/// Every grant of the session ended at once, for `end`. `ended` are the grants that were
/// live: with none of the screen among them, the line names the command shell.
pub fn all_ended(end: GrantEnd, ended: &[GrantInfo], what: Shared) -> String {
    let only_shell = !ended.is_empty() && ended.iter().all(|g| !g.capability.is_screen());
    let sharing = if only_shell {
        "The command shell"
    } else {
        what.sharing()
    };
    match end {
        GrantEnd::CustomerDisconnected => {
            format!("{sharing} stopped: the customer's connection ended.")
        }
        GrantEnd::SessionEnded => format!("{sharing} stopped: the session ended."),
        GrantEnd::CustomerStopped if only_shell => {
            "The customer stopped the command shell.".to_owned()
        }
        GrantEnd::CustomerStopped => customer_stopped_all(what),
        _ => format!("{sharing} stopped."),
    }
}

/// Whether the grant was still a request when it ended: the lines say "withdrew" or
/// "declined" rather than "stopped viewing". Reads the grant as it was before it ended.
fn grant_was_prompting(grant: &GrantInfo) -> bool {
    grant.state == switchboard_protocol::GrantState::Prompting
}

/// "Alice Martin may now view the screen: this Jump Client session's policy (notify)
/// grants requests without asking."
pub fn granted_by_policy(
    grant: &GrantInfo,
    policy: switchboard_protocol::JumpPolicy,
    what: Shared,
) -> String {
    format!(
        "{} may now {}: this Jump Client session's policy ({}) grants requests without asking.",
        grant.rep_name,
        act(grant.capability, what),
        policy_name(policy)
    )
}

/// The configuration's word for a Jump Client policy.
pub fn policy_name(policy: switchboard_protocol::JumpPolicy) -> &'static str {
    match policy {
        switchboard_protocol::JumpPolicy::NoPrompt => "no_prompt",
        switchboard_protocol::JumpPolicy::Notify => "notify",
        switchboard_protocol::JumpPolicy::Ask => "ask",
    }
}
