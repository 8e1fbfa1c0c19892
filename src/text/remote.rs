//! The words of remote support: the Screen toolbar's items, why one is greyed, how the rep's
//! last request went, the Screen view's status line, and the Shell view's.

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

/// The Shell view (its accessible label too).
pub const SHELL: &str = "Shell";

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
