//! The words of the session actions that depend on the customer's program or device: the
//! Support Buttons entry and its window, the Special Actions menu (iOS), and the close
//! dialog's "uninstall" choice.

use switchboard_protocol::ButtonState;

/// The toolbar entry, and the window it opens.
pub const SUPPORT_BUTTONS: &str = "Support Buttons";
/// Why the entry (or Deploy) is greyed.
pub const BUTTONS_NO_PERMISSION: &str = "You are not permitted to deploy Support Buttons";
pub const BUTTONS_WEB_CHAT: &str =
    "The customer is in web chat: a Support Button needs the customer client";
pub const BUTTONS_NOT_CONNECTED: &str = "The customer is not connected";
pub const BUTTONS_SESSION_WAITING: &str = "The session is waiting in a queue";

/// The window's title.
pub fn buttons_title(customer: &str) -> String {
    format!("{SUPPORT_BUTTONS} · {customer}")
}

/// The deploy form.
pub const DEPLOY_HEADING: &str = "Deploy a Support Button";
pub const DESCRIPTION: &str = "Description";
pub const TARGET: &str = "Sessions go to";
/// The rep's own (personal) queue as a target.
pub const TARGET_ME: &str = "Me";
pub const DEPLOY: &str = "Deploy";
pub const DEPLOYING: &str = "Deploying…";
pub const DESCRIPTION_EMPTY: &str = "Describe the button (what the customer will read).";
/// A description past the limit.
pub fn description_too_long(max: usize) -> String {
    format!("At most {max} characters.")
}
pub const DESCRIPTION_ONE_LINE: &str = "The description is one line of text.";

/// The list.
pub const BUTTONS_ON_COMPUTER: &str = "On this computer";
pub const BUTTONS_LOADING: &str = "Loading the Support Buttons…";
pub const BUTTONS_NONE: &str = "No Support Buttons on this computer.";
pub const RELOAD_BUTTONS: &str = "Reload";
pub const COLUMN_DESCRIPTION: &str = "Description";
pub const COLUMN_QUEUE: &str = "Queue";
/// A rep's own queue as a button's target: "Alice Martin (personal)".
pub fn personal_queue(rep: &str) -> String {
    format!("{rep} (personal)")
}
pub const COLUMN_CREATED_BY: &str = "Created by";
pub const COLUMN_CREATED: &str = "Created";
pub const COLUMN_EXPIRES: &str = "Expires";
pub const COLUMN_STATE: &str = "State";
/// A button's Remove, drawn "Remove"; its accessible label names the button, so each row's
/// is unique.
pub const REMOVE: &str = "Remove";
pub fn remove_label(description: &str) -> String {
    format!("{REMOVE} {description}")
}
pub const REMOVING: &str = "Removing…";

/// Where a button stands, as the list shows it.
pub fn button_state(state: ButtonState, expired: bool) -> &'static str {
    match state {
        ButtonState::Removed => "Removed",
        _ if expired => "Expired",
        ButtonState::Pending => "Pending",
        ButtonState::Installed => "Installed",
        ButtonState::Failed => "Failed",
    }
}

/// A failed button's state with the program's reason.
pub fn failed_because(detail: &str) -> String {
    if detail.trim().is_empty() {
        "Failed".to_owned()
    } else {
        format!("Failed: {detail}")
    }
}

/// The Special Actions menu (shown only where there is one).
pub const SPECIAL_ACTIONS: &str = "Special Actions";
pub const IOS_SCREEN_BROADCAST: &str = "Send iOS screen broadcast steps";
pub const IOS_SCREEN_BROADCAST_HINT: &str = "Sends the customer iOS's own steps to broadcast their screen through an app you both use; Switchboard does not see the screen.";
pub const SPECIAL_NOT_CONNECTED: &str = "The customer is not connected";

/// The close dialog's third choice, and why it can be greyed.
pub const END_AND_UNINSTALL: &str = "End session and uninstall the customer client";
pub const END_AND_UNINSTALL_HINT: &str =
    "The session ends and the customer client removes itself from the customer's computer.";
pub const UNINSTALL_WEB_CHAT: &str =
    "The customer is in web chat: there is no customer client to uninstall.";
pub const UNINSTALL_NOT_CONNECTED: &str =
    "The customer is not connected: their customer client cannot be told to uninstall.";
