//! The words of elevated shells (issue 14, seed 003 "Elevate"): the Shell entry's
//! Administrator menu and why each of its choices is greyed, the "Shell as a specific user"
//! dialog, the toolbar's badge while an administrator's shell is live, and how one that
//! could not start reads.

/// The menu beside "Shell" (seed 003: "Select Prompt Customer … or Specific User").
pub const ADMIN_MENU: &str = "Administrator ▾";
pub const ADMIN_MENU_HINT: &str = "Ask the customer for a command shell as an administrator";
/// Prompt Customer: the customer's computer asks them for an administrator's password.
pub const PROMPT_CUSTOMER: &str = "Shell as administrator (ask the customer)";
pub const PROMPT_CUSTOMER_HINT: &str = "The customer allows the shell, then their computer asks \
     them for an administrator's password; the shell runs as root";
/// Specific User: the rep types an administrator's credentials.
pub const SPECIFIC_USER: &str = "Shell as a specific user…";
pub const SPECIFIC_USER_HINT: &str = "You type an administrator's user name and password; the \
     customer still has to allow the shell";

/// Why a choice is greyed (the shell's own reasons, `crate::text::remote::SHELL_*`, come
/// first where they apply).
pub const NO_PERMISSION: &str = "You are not permitted to ask for an administrator's shell";
pub const NOT_NATIVE: &str =
    "The customer is in web chat; an administrator's shell needs the Switchboard program";
pub const NOT_DESCRIBED: &str = "The customer's program has not said it can elevate";
pub const OWN_SHELL_LIVE: &str = "You have a shell in this session; stop it first";

/// The program's own reason a method is unavailable on the customer's computer.
pub fn program_says(reason: &str) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        "The customer's computer cannot do this".to_owned()
    } else {
        format!("The customer's computer cannot do this: {reason}")
    }
}

/// Beside the Shell entry while a live shell grant is elevated: who the shell runs as.
pub fn badge(user: &str) -> String {
    format!("Shell · administrator: {user}")
}

/// The Shell view's status line for an administrator's shell:
/// `Command shell · administrator: sbadmin · 80×24 · Connected`.
pub fn view_status(user: &str, cols: u16, rows: u16, state: &str) -> String {
    format!("Command shell · administrator: {user} · {cols}×{rows} · {state}")
}

/// Beside the Shell entry once the rep's last administrator's shell ended
/// `elevation_failed` (the customer's program reports su's or pkexec's words in the chat).
pub const FAILED: &str = "The administrator's shell could not start (wrong password, or the customer cancelled); \
     the chat says why";

/// The "Shell as a specific user" dialog.
pub const DIALOG_TITLE: &str = "Shell as a specific user";
pub const DIALOG_EXPLAINED: &str = "Type the user name and password of an administrator's \
     account on the customer's computer. The customer still has to allow the shell. The \
     password goes to their computer once and is not kept, logged or shown.";
pub const USER_NAME: &str = "User name";
pub const PASSWORD: &str = "Password";
pub const ASK: &str = "Ask";
pub const CANCEL: &str = "Cancel";

/// What is wrong with what was typed.
pub const USER_NAME_EMPTY: &str = "Type the administrator's user name";
pub const USER_NAME_INVALID: &str = "A user name is up to 32 of a–z, 0–9, _ . and -, and does \
     not start with - or .";
pub const PASSWORD_EMPTY: &str = "Type the password";
pub fn password_too_long(max_bytes: usize) -> String {
    format!("The password is longer than {max_bytes} bytes")
}
