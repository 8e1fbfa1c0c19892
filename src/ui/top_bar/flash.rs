//! Tab flashing (seed 004: "the tab will flash red and white"): the tab of a session with
//! a customer message the rep has not seen alternates between two looks, about once a
//! second, until the rep looks at it.

use crate::model::{Model, SessionState};
use switchboard_protocol::{Author, SessionId, UnixMillis};

/// Each look lasts this long: a full flash (on, then off) takes a second.
pub const HALF_PERIOD_MS: u64 = 500;

/// The highlighted half of the flash at `now`.
pub fn flash_on(now: UnixMillis) -> bool {
    (now / HALF_PERIOD_MS).is_multiple_of(2)
}

/// Milliseconds until the flash next changes, to wake the window then.
pub fn until_next_change(now: UnixMillis) -> u64 {
    HALF_PERIOD_MS - now % HALF_PERIOD_MS
}

/// Whether a customer message is among the session's unread ones (a colleague's note is
/// counted as unread but does not flash).
pub fn has_unread_customer_message(session: &SessionState) -> bool {
    session
        .chat
        .iter()
        .rev()
        // The server's own lines (joined, left…) are never unread.
        .filter(|m| m.author != Author::System)
        .take(session.unread)
        .any(|m| matches!(m.author, Author::Customer { .. }))
}

/// The tabs that flash: not in front, with an unread customer message.
pub fn flashing(model: &Model, front: Option<SessionId>) -> Vec<SessionId> {
    model
        .tabs
        .iter()
        .filter(|id| front != Some(**id))
        .filter(|id| {
            model
                .sessions
                .get(id)
                .is_some_and(has_unread_customer_message)
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flash alternates every half second.
    #[test]
    fn alternates_every_half_second() {
        assert!(flash_on(1_000));
        assert!(flash_on(1_499));
        assert!(!flash_on(1_500));
        assert!(!flash_on(1_999));
        assert!(flash_on(2_000));
        assert_eq!(until_next_change(1_200), 300);
        assert_eq!(until_next_change(1_500), 500);
    }
}
