//! Waiting with a deadline: how long a test waits for something asynchronous before it
//! fails, polling a state that has no event to await, and taking the first match out of
//! what arrived, leaving the rest in order.

use std::collections::VecDeque;
use std::time::Duration;

/// How long a test waits for a frame, an event or a server start before it fails. Only a
/// failing test ever waits this long; 20 s, because `cargo xtask test` runs three test
/// binaries at once and CI's machine may be busy besides (at 10 s a relayed shell's output
/// missed it once with the load average at 8.8).
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Checks `done` every few milliseconds until it holds; fails the test with `what` (and
/// the state `describe` gives) after the deadline. Only for states nothing announces (a
/// relay's socket count, the X pointer, a process that is not our child): anything that
/// arrives as a message is awaited instead.
pub async fn poll_until(what: &str, mut done: impl FnMut() -> bool, describe: impl Fn() -> String) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {DEADLINE:?} waiting for {what} ({})",
            describe()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Takes the first item from `checked` on that `pred` accepts, leaving the rest in order;
/// `checked` remembers how far the queue was already looked at.
pub fn take_first<M, T>(
    queue: &mut VecDeque<M>,
    checked: &mut usize,
    mut pred: impl FnMut(&M) -> Option<T>,
) -> Option<T> {
    while *checked < queue.len() {
        if let Some(found) = pred(&queue[*checked]) {
            queue.remove(*checked);
            return Some(found);
        }
        *checked += 1;
    }
    None
}
