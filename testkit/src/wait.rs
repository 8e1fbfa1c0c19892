//! Waiting with a deadline: how long a test waits for something asynchronous before it
//! fails, and taking the first match out of what arrived, leaving the rest in order.

use std::collections::VecDeque;
use std::time::Duration;

/// How long a test waits for a frame, an event or a server start before it fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

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
