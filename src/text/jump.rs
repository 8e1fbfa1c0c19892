//! The words of Jump Clients: the Jump Clients window (its columns, statuses, last-seen
//! times and why Jump is greyed), the session toolbar's "Pin Jump Client…" and its dialog,
//! a jump session's header, and the refusals of the four Jump Client requests.

use switchboard_protocol::{ErrorCode, JumpPolicy, UnixMillis};

/// The top bar's button and the window's title.
pub const JUMP_CLIENTS: &str = "Jump Clients";
pub const SEARCH_HINT: &str = "Search name, host or OS";
/// The search box's label (the queues' box is "Search").
pub const SEARCH_LABEL: &str = "Find";
pub const RELOAD: &str = "Reload";
pub const LOADING: &str = "Loading the Jump Clients…";
pub const NONE_PINNED: &str =
    "No Jump Clients yet. Pin one from a session with the customer client (Pin Jump Client…).";
pub const NONE_MATCH: &str = "No Jump Client matches the search.";
/// A rep's own list ("Personal") as its section.
pub const PERSONAL: &str = "Personal";

/// Column headers.
pub const COLUMN_NAME: &str = "Name";
pub const COLUMN_HOST: &str = "Host";
pub const COLUMN_OS: &str = "OS";
pub const COLUMN_STATUS: &str = "Status";
pub const COLUMN_LAST_SEEN: &str = "Last seen";

/// Statuses.
pub const ONLINE: &str = "Online";
pub const OFFLINE: &str = "Offline";
pub const LOST: &str = "Lost";
pub const PENDING: &str = "Pending";
pub const FAILED: &str = "Failed";

/// A row's buttons, drawn "Jump" and "Unpin"; their accessible labels name the client so
/// each row's is unique.
pub const JUMP: &str = "Jump";
pub const JUMPING: &str = "Jumping…";
pub fn jump_label(name: &str) -> String {
    format!("{JUMP} to {name}")
}
pub const UNPIN: &str = "Unpin";
pub const UNPINNING: &str = "Unpinning…";
pub fn unpin_label(name: &str) -> String {
    format!("{UNPIN} {name}")
}

/// The Unpin confirmation.
pub fn unpin_question(name: &str) -> String {
    format!(
        "Unpin “{name}”? Its token is revoked at once and the agent removes itself from the \
         computer (now, or when it next connects). Nobody can jump to it afterwards."
    )
}
pub const UNPIN_CONFIRM: &str = "Unpin and uninstall";
pub const CANCEL: &str = "Cancel";

/// Why Jump (or Unpin) is greyed.
pub const NO_PERMISSION: &str = "You are not permitted to use Jump Clients";
pub fn offline_since(last_seen: &str) -> String {
    format!("The Jump Client is offline (last seen {last_seen})")
}
pub fn lost_since(last_seen: &str) -> String {
    format!(
        "The Jump Client is lost: offline too long (last seen {last_seen}). Unpin it if the \
         computer is gone"
    )
}
pub const NOT_INSTALLED_YET: &str =
    "Not installed yet: the customer's computer has not confirmed the Jump Client";
pub fn install_failed(detail: &str) -> String {
    if detail.trim().is_empty() {
        "The Jump Client could not be installed".to_owned()
    } else {
        format!("The Jump Client could not be installed: {}", detail.trim())
    }
}
pub const JUMP_HINT: &str = "Start a session with this computer now, without the customer";
pub const UNPIN_HINT: &str = "Revoke the Jump Client and remove it from the computer";

/// "Last seen" as a rep reads it, relative to `now`: "now" while online, "just now",
/// "5 min ago", "3 h ago", "2 days ago".
pub fn last_seen(online: bool, at: UnixMillis, now: UnixMillis) -> String {
    if online {
        return "now".to_owned();
    }
    let secs = now.saturating_sub(at) / 1000;
    match secs {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        86_400..172_800 => "1 day ago".to_owned(),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// "Last seen" of a Jump Client whose agent never connected (pending, failed).
pub const NEVER_SEEN: &str = "never";

/// The session toolbar's entry and its dialog.
pub const PIN: &str = "Pin Jump Client…";
pub const PIN_HINT: &str =
    "Install the customer client on this computer as a Jump Client, to jump to it later";
pub const PIN_TITLE: &str = "Pin Jump Client";
pub const PIN_NAME: &str = "Name";
/// The name's hint: the server names it after the customer and the host when left empty.
pub fn pin_name_hint(customer: &str) -> String {
    format!("Default: {customer} and the host name")
}
/// What pinning does, at the top of the dialog.
pub const PIN_EXPLAINED: &str = "The customer client installs itself on this computer and \
     stays connected, so you (or your team) can jump to it later without the customer.";
pub const PIN_FOR: &str = "Who may jump to it";
/// The rep's own list as the pin's owner.
pub const PIN_ME: &str = "Me (personal)";
pub const PIN_BUTTON: &str = "Pin";
pub const PINNING: &str = "Pinning…";
pub fn pinned(name: &str) -> String {
    format!("Pinned “{name}”. It shows in Jump Clients once the computer confirms it.")
}
pub fn name_too_long(max: usize) -> String {
    format!("At most {max} characters.")
}
pub const NAME_ONE_LINE: &str = "The name is one line of text.";
/// Why "Pin Jump Client…" is greyed.
pub const PIN_NO_PERMISSION: &str = "You are not permitted to pin Jump Clients";
pub const PIN_NOT_OWNER: &str = "Only the session owner can pin a Jump Client";
pub const PIN_WEB_CHAT: &str =
    "The customer is in web chat: a Jump Client needs the customer client";
pub const PIN_NOT_CONNECTED: &str = "The customer is not connected";
pub const PIN_WAITING: &str = "The session is waiting in a queue";
pub const PIN_JUMP_SESSION: &str = "This session is already with a Jump Client";

/// A jump session's header: "Jump Client · no prompt".
pub fn policy_badge(policy: JumpPolicy) -> String {
    format!("{JUMP_CLIENT} · {}", policy_name(policy))
}
pub const JUMP_CLIENT: &str = "Jump Client";
pub fn policy_name(policy: JumpPolicy) -> &'static str {
    match policy {
        JumpPolicy::NoPrompt => "no prompt",
        JumpPolicy::Notify => "customer notified",
        JumpPolicy::Ask => "customer asked",
    }
}
pub fn policy_hint(policy: JumpPolicy) -> &'static str {
    match policy {
        JumpPolicy::NoPrompt => {
            "Started from a Jump Client: your requests are granted without a prompt and \
             nothing shows at the computer unless something is in use"
        }
        JumpPolicy::Notify => {
            "Started from a Jump Client: the customer's window says who connected; your \
             requests are granted without a prompt"
        }
        JumpPolicy::Ask => {
            "Started from a Jump Client: the customer is asked for every request, as in an \
             ordinary session"
        }
    }
}

/// A refused Jump Client request in plain words. `what` is the verb phrase ("jump to
/// “Build box”"); `message` is the server's explanation, kept where nothing plainer fits.
pub fn refusal(what: &str, code: ErrorCode, message: &str) -> String {
    let plain = match code {
        ErrorCode::RemoteUnavailable if what.starts_with("jump") => {
            Some("the Jump Client is offline.")
        }
        ErrorCode::RemoteUnavailable => Some(
            "the customer's program has not described this computer yet (or the customer is \
             in web chat). Try again in a moment.",
        ),
        ErrorCode::NotFound if what.starts_with("pin") => Some("the session is gone."),
        ErrorCode::NotFound => {
            Some("it was unpinned, or you may no longer see it. The list is reloaded.")
        }
        ErrorCode::Forbidden if what.starts_with("pin") => Some(
            "you are not permitted to pin Jump Clients for that team (or at all). Ask an \
             administrator.",
        ),
        ErrorCode::Forbidden => Some("you are not permitted to do that with this Jump Client."),
        ErrorCode::LimitReached => {
            Some("this computer already carries as many Jump Clients as it may. Unpin one first.")
        }
        ErrorCode::NotInSession => Some("you are no longer in this session."),
        _ => None,
    };
    match plain {
        Some(plain) => format!("Could not {what}: {plain}"),
        None => super::refusal::refusal_text(what, code, message),
    }
}
