//! The console's words for people: labels that tests and several panels share, and the
//! sentences built from the model's facts. One place to read (and one day translate); the
//! model, the panels and the notifications all take their words from here.
//!
//! - [`display`]: names, waits, clock times and sizes as the rep reads them.
//! - [`refusal`]: how the server's refusals read, and what each request does.
//! - [`notices`]: the sentences the model leaves for the rep (sessions ended, missed offers).
//! - [`remote`]: the Screen toolbar, its reasons, and the Screen view's status line; the
//!   Shell entry, the Shell view and the shell transcript.
//! - [`elevation`]: elevated shells: the Administrator menu, its reasons, the dialog.
//! - [`actions`]: Support Buttons, Special Actions (iOS) and closing with uninstall.
//! - [`client_offer`]: Offer the Switchboard program: the entry, the join code's window.
//! - [`jump`]: Jump Clients: the window, Pin Jump Client…, a jump session's header, refusals.
//! - [`supervision`]: monitoring, whispers, Take over, the load, Take next, service levels.
//! - [`dashboard`]: a team lead's Dashboard: cards, plots, the sessions' actions, reps.
//! - [`notify`]: how alerts read (a whisper's).

pub mod actions;
pub mod client_offer;
pub mod dashboard;
pub mod display;
pub mod elevation;
pub mod jump;
pub mod notices;
pub mod notify;
pub mod refusal;
pub mod remote;
pub mod supervision;

/// The console's name, at the start of the top bar.
pub const TITLE: &str = "Switchboard";

/// Who is logged in, in a narrow top bar's tooltips (the name is not shown there).
pub fn logged_in_as(name: &str) -> String {
    format!("Logged in as {name}")
}

/// Beside the title when the console runs its bundled demo server.
pub const DEMO: &str = "Demo";
pub const LOG_OUT: &str = "Log out";
/// The top-bar button that opens the shortcut map.
pub const SHORTCUTS: &str = "Shortcuts";
/// The title of the shortcut map's window.
pub const SHORTCUTS_TITLE: &str = "Keyboard shortcuts";
/// The top bar's session key button; narrow windows show it [`SESSION_KEY_SHORT`].
pub const GENERATE_SESSION_KEY: &str = "Generate session key";
pub const SESSION_KEY_SHORT: &str = "Session key";

/// The top bar's menu of push-queue work the rep may take; narrow windows say "Waiting (N)"
/// (the whole name in its tooltip).
pub fn waiting_activities(count: usize, short: bool) -> String {
    if short {
        format!("Waiting ({count})")
    } else {
        format!("Waiting activities ({count})")
    }
}

/// The first tab: the queues, with how many customers wait in them.
pub fn queues_tab(waiting: usize) -> String {
    format!("Queues ({waiting})")
}

/// The overflow menu of session tabs, with how many sessions have chat waiting.
pub fn active_sessions(with_unread: usize) -> String {
    if with_unread > 0 {
        format!("Active sessions 💬 {with_unread}")
    } else {
        "Active sessions".to_owned()
    }
}

/// The marker beside an important customer's name (and its tooltip).
pub const IMPORTANT: &str = "Important";

/// A pane's note that customers arrived while the pointer held the rows still.
pub fn new_arrivals(count: usize) -> String {
    format!("{count} new")
}

/// Why End is greyed in the close dialog.
pub const CHOOSE_DISPOSITION: &str = "Choose a disposition before ending the session.";

/// The question before logging out or quitting with sessions open.
pub fn sessions_still_open(count: usize) -> String {
    match count {
        1 => "You have 1 active session.".to_owned(),
        n => format!("You have {n} active sessions."),
    }
}

/// Session events told inline in the chat.
pub fn joined(rep: &str) -> String {
    format!("{rep} joined")
}
pub fn left(rep: &str) -> String {
    format!("{rep} left")
}
pub fn transferred_to(queue: &str) -> String {
    format!("Transferred to {queue}")
}
pub fn new_owner(rep: &str) -> String {
    format!("{rep} took over the session")
}
pub fn invited(inviter: &str, invitee: &str) -> String {
    format!("{inviter} invited {invitee}")
}
pub const CUSTOMER_DISCONNECTED: &str = "The customer disconnected";
pub const CUSTOMER_RECONNECTED: &str = "The customer is back";

/// The chat bar's toggle while it is hidden, with how many messages wait.
pub fn show_chat(waiting: usize) -> String {
    if waiting > 0 {
        format!("Show chat ({waiting} waiting)")
    } else {
        "Show chat".to_owned()
    }
}
pub const CHAT_HIDDEN: &str = "The chat is hidden.";
pub const CHAT_IN_ITS_WINDOW: &str = "The chat is in its own window (unpinned).";
