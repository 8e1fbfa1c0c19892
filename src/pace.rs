//! How often a console with nothing happening redraws. Every timed redraw (time in queue,
//! the offer's countdown, the reconnect countdown, the tab flash) is asked for at the next
//! whole second (or half second) of the wall clock, so they fall on the same frames: at most
//! two frames a second while a tab flashes, one otherwise, none while the window is
//! minimised. Network events still wake the window at once.

use std::time::Duration;
use switchboard_protocol::UnixMillis;

/// Milliseconds since the Unix epoch, now: the console's one clock (the model reads none).
pub fn now_ms() -> UnixMillis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A prefix for this run's client message ids: the start time in nanoseconds, in hex.
pub fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos:x}")
}

/// The slowest timers tick once a second.
pub const SECOND_MS: u64 = 1_000;

/// The wait until the next multiple of `period_ms` on the wall clock.
pub fn until_next(now: UnixMillis, period_ms: u64) -> Duration {
    let period = period_ms.max(1);
    Duration::from_millis(period - now % period)
}

/// Asks `ctx` to redraw at the next multiple of `period_ms`, unless the window is minimised.
pub fn tick(ctx: &egui::Context, now: UnixMillis, period_ms: u64) {
    let minimised = ctx.input(|i| i.viewport().minimized).unwrap_or(false);
    if !minimised {
        ctx.request_repaint_after(until_next(now, period_ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Timers land on whole seconds, so two of them share one frame.
    #[test]
    fn ticks_fall_on_whole_seconds() {
        assert_eq!(until_next(1_000_250, SECOND_MS), Duration::from_millis(750));
        assert_eq!(
            until_next(1_000_000, SECOND_MS),
            Duration::from_millis(1_000)
        );
        assert_eq!(until_next(1_000_250, 500), Duration::from_millis(250));
    }
}
