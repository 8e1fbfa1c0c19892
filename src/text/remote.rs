//! The words of remote support: the Screen toolbar's items, why one is greyed, how the rep's
//! last request went, the Screen view's status line; the Shell toolbar entry, the Shell
//! view and the shell transcript.

/// The toolbar's menu button (seed 003: "the button at the top-left of the session interface").
pub const SCREEN_MENU: &str = "Screen ▾";
/// Ask to view the customer's screen.
pub const VIEW: &str = "View screen";
/// Ask to control the customer's screen.
pub const CONTROL: &str = "Control screen";
/// Stop viewing and controlling.
pub const STOP: &str = "Stop screen sharing";
/// The Screen view's buttons.
pub const CONTROL_TOGGLE: &str = "Control";
pub const REFRESH: &str = "Refresh";
pub const CTRL_ALT_DEL: &str = "Ctrl+Alt+Del";
pub const STOP_VIEW: &str = "Stop";
pub const FIT: &str = "Fit to window";
/// The Screen view's picture, for screen readers and tests.
pub const SCREEN_PICTURE: &str = "Customer's screen";
/// The key chord that gives the keyboard back to the console, and the hint that says so.
pub const RELEASE_HINT: &str = "Ctrl+Alt+Enter releases the keyboard";
pub const CLICK_TO_CONTROL: &str = "Click the screen to send it your keyboard and mouse";
pub const CONNECTING: &str = "Connecting to the customer's screen…";
pub const WAITING_FOR_PICTURE: &str = "Waiting for the first picture…";
pub const STREAM_LOST: &str = "The picture was lost; reconnecting…";

/// Why an item is greyed, or how things stand.
pub const NO_PERMISSION: &str = "you may not view customers' screens";
pub const VIEW_ONLY_PERMISSION: &str = "you may view but not control";
pub const WEB_CHAT: &str = "the customer is in web chat";
pub const NOT_CONNECTED: &str = "the customer is not connected";
pub const TAB_VIEW_ONLY: &str = "a browser tab can be viewed, not controlled";
pub const SESSION_WAITING: &str = "the session is waiting in a queue";
pub const DECLINED: &str = "the customer declined";
pub const NO_ANSWER: &str = "no answer from the customer";
pub const CUSTOMER_STOPPED: &str = "the customer stopped sharing";
pub const ALREADY_VIEWING: &str = "you are viewing the screen";
pub const ALREADY_CONTROLLING: &str = "you are controlling the screen";

/// Another rep controls the screen.
pub fn controlling(rep: &str) -> String {
    format!("{rep} is controlling")
}

/// Another rep is asking the customer for control.
pub fn asking_to_control(rep: &str) -> String {
    format!("{rep} is asking to control")
}

/// The rep's own request is on the customer's screen; `secs` until it counts as no.
pub fn waiting_for_customer(secs: u64) -> String {
    format!("waiting for the customer… {secs} s")
}

/// Who sees the screen, for the status line: "Viewing", "Controlling", "Alice Martin controls".
pub const VIEWING: &str = "Viewing";
pub const CONTROLLING: &str = "Controlling";
pub fn controls(rep: &str) -> String {
    format!("{rep} controls")
}

/// The Screen view's status line: `1920×1080 · 24 fps · 41 ms · 180 KB/s · Viewing`.
pub fn status_line(
    width: u16,
    height: u16,
    fps: f64,
    latency_ms: Option<u64>,
    bytes_per_sec: f64,
    who: &str,
) -> String {
    let latency = latency_ms.map_or_else(|| "– ms".to_owned(), |ms| format!("{ms} ms"));
    format!(
        "{width}×{height} · {fps:.0} fps · {latency} · {} · {who}",
        rate(bytes_per_sec)
    )
}

/// A byte rate as the rep reads it: `180 KB/s`, `2.4 MB/s`, `0 KB/s`.
pub fn rate(bytes_per_sec: f64) -> String {
    if bytes_per_sec >= 1_000_000.0 {
        format!("{:.1} MB/s", bytes_per_sec / 1_000_000.0)
    } else if bytes_per_sec < 10_000.0 {
        format!("{:.1} KB/s", bytes_per_sec / 1_000.0)
    } else {
        format!("{:.0} KB/s", bytes_per_sec / 1_000.0)
    }
}

/// The Shell view's terminal (its accessible label), and the toolbar entry that asks the
/// customer for a shell.
pub const SHELL: &str = "Shell";
/// The toolbar entry while the rep has the shell.
pub const STOP_SHELL: &str = "Stop shell";
/// Beside the toolbar entry while the customer is asked: withdraws the request.
pub const CANCEL_SHELL: &str = "Cancel";
/// The Shell view's own stop (the toolbar's "Stop shell" does the same).
pub const END_SHELL: &str = "End shell";
/// The Shell view's button once the shell has ended and its grant is over.
pub const CLOSE_SHELL: &str = "Close shell view";
/// Opens the window with what was typed and printed on the session's shells.
pub const TRANSCRIPT: &str = "Shell transcript";
pub const TRANSCRIPT_LOADING: &str = "Loading the transcript…";
pub const RELOAD_TRANSCRIPT: &str = "Reload transcript";
pub const TRANSCRIPT_EMPTY: &str = "No shell was used in this session.";
/// Who a transcript line is from when no rep typed it.
pub const TRANSCRIPT_OUTPUT: &str = "output";

/// Why the Shell entry is greyed, or how the rep's request went.
pub const SHELL_NO_PERMISSION: &str = "You are not permitted to open a shell";
pub const SHELL_WEB_CHAT: &str = "The customer is in web chat; a shell needs the customer client";
pub const SHELL_NOT_CONNECTED: &str = "The customer is not connected";
pub const SHELL_SESSION_WAITING: &str = "The session is waiting in a queue";
pub const SHELL_DECLINED: &str = "The customer declined the shell";
pub const SHELL_NO_ANSWER: &str = "No answer from the customer";
pub const SHELL_CUSTOMER_STOPPED: &str = "The customer stopped the shell";

/// Beside the Shell entry once the rep's last shell exited by itself (its grant ended with
/// `shell_exited`): how it ended, with the exit code when the console saw it.
pub fn shell_exited(exit_code: Option<i32>) -> String {
    match exit_code {
        Some(code) => format!("The last shell exited (code {code})"),
        None => "The last shell exited".to_owned(),
    }
}

/// Another rep has the session's one shell.
pub fn shell_in_use(rep: &str) -> String {
    format!("{rep} is using the command shell")
}

/// Another rep is asking the customer for the session's one shell.
pub fn shell_asked_by(rep: &str) -> String {
    format!("{rep} is asking the customer for a shell")
}

/// The rep's own shell request is on the customer's screen; `secs` until it counts as no.
pub fn shell_waiting(secs: u64) -> String {
    format!("Waiting for the customer… {secs} s")
}

/// The Shell view's status line: `Command shell · 80×24 · Connected`.
pub fn shell_status(cols: u16, rows: u16, state: &str) -> String {
    format!("Command shell · {cols}×{rows} · {state}")
}
pub const SHELL_CONNECTING: &str = "Connecting…";
pub const SHELL_CONNECTED: &str = "Connected";
pub const SHELL_RECONNECTING: &str = "The connection was lost; reconnecting…";

/// The transcript window's title.
pub fn transcript_title(customer: &str) -> String {
    format!("{TRANSCRIPT} · {customer}")
}

/// A transcript's lines for things that are not text.
pub fn transcript_started(rep: &str) -> String {
    format!("{rep} opened a shell")
}
pub fn transcript_resized(cols: u16, rows: u16) -> String {
    format!("terminal resized to {cols}×{rows}")
}
pub fn transcript_omitted(bytes: u64) -> String {
    format!("{bytes} bytes of output not kept")
}
pub fn transcript_exited(code: i32) -> String {
    if code < 0 {
        "the shell ended".to_owned()
    } else {
        format!("the shell ended (exit {code})")
    }
}
/// Above an output whose first lines fell out of the transcript view's scrollback.
pub fn transcript_lines_dropped(lines: u64) -> String {
    format!("… {lines} earlier lines not shown")
}

/// The line that says the shell has ended: "Shell ended (exit 3)".
pub fn shell_ended(exit_code: Option<i32>) -> String {
    match exit_code {
        Some(code) => format!("{SHELL} ended (exit {code})"),
        None => format!("{SHELL} ended"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status line reads as the issue shows it.
    #[test]
    fn the_status_line() {
        assert_eq!(
            status_line(1920, 1080, 24.2, Some(41), 180_400.0, VIEWING),
            "1920×1080 · 24 fps · 41 ms · 180 KB/s · Viewing"
        );
        assert_eq!(
            status_line(800, 600, 0.0, None, 2_400_000.0, &controls("Alice Martin")),
            "800×600 · 0 fps · – ms · 2.4 MB/s · Alice Martin controls"
        );
        assert_eq!(
            status_line(800, 600, 1.0, Some(3), 420.0, VIEWING),
            "800×600 · 1 fps · 3 ms · 0.4 KB/s · Viewing"
        );
    }
}
