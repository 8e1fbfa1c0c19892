//! The words of "Offer the Switchboard program" (Click-to-chat → full client): the session
//! toolbar's entry and why it is greyed, and the window with the one-time join code, its
//! expiry, what the customer sees, and the line once the customer uses the program.

/// The toolbar entry.
pub const OFFER: &str = "Offer the Switchboard program";
pub const OFFER_HINT: &str = "Give the customer a one-time code to continue this chat in the \
     Switchboard program, where you can ask to see their screen or open a shell";
/// Why the entry is greyed.
pub const OFFER_ALREADY_PROGRAM: &str = "The customer already uses the Switchboard program";
pub const OFFER_NOT_CONNECTED: &str = "The customer is not connected";
pub const OFFER_WAITING: &str = "The session is waiting in a queue";
pub const OFFER_ENDED: &str = "The session has ended";

/// The window's title.
pub fn title(customer: &str) -> String {
    format!("{OFFER} · {customer}")
}

/// Above the code.
pub const CODE_LABEL: &str = "Join code";
pub const COPY_CODE: &str = "Copy code";
/// Makes a new code (the old one stops working).
pub const NEW_CODE: &str = "New code";
pub const NEW_CODE_HINT: &str = "Make a new code; the one shown stops working";
pub const CLOSE: &str = "Close";
/// While `offer_client` is on its way.
pub const MAKING_CODE: &str = "Making a code…";

/// Until when the code works, and how long that is from now.
pub fn works_until(clock: &str, left_ms: u64) -> String {
    let minutes = left_ms.div_ceil(60_000);
    match minutes {
        0 | 1 => format!("Works once, until {clock} (less than a minute left)"),
        n => format!("Works once, until {clock} ({n} min left)"),
    }
}

/// What the customer sees now, and what follows.
pub fn customer_sees(customer: &str) -> String {
    format!(
        "{customer}'s chat page now shows this code, where to get the Switchboard program, \
         and the command that joins with it: switchboard-customer --server … --join CODE. \
         Once {customer} runs it, the chat continues in the program, and Screen and Shell \
         can be asked for."
    )
}

/// The code's time ran out before the customer joined.
pub fn expired(customer: &str) -> String {
    format!("The code has expired. Make a new one if {customer} still wants the program.")
}

/// The customer joined with the code.
pub fn now_using(customer: &str) -> String {
    format!("{customer} is now using the program.")
}
pub const NOW_POSSIBLE: &str = "Screen and Shell can now be asked for from the toolbar.";

#[cfg(test)]
mod tests {
    use super::*;

    /// The time left reads in whole minutes, rounded up; the last minute says so.
    #[test]
    fn the_time_left_reads_in_minutes() {
        assert_eq!(
            works_until("14:05", 600_000),
            "Works once, until 14:05 (10 min left)"
        );
        assert_eq!(
            works_until("14:05", 540_001),
            "Works once, until 14:05 (10 min left)"
        );
        assert_eq!(
            works_until("14:05", 59_000),
            "Works once, until 14:05 (less than a minute left)"
        );
    }
}
