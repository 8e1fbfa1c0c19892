//! How long to wait before each reconnect attempt: exponential from 250 ms, doubling,
//! capped at 10 s, with ±20 % jitter so many consoles do not reconnect in step.

use rand::Rng;
use std::time::Duration;

/// The wait before the first retry.
pub(crate) const FIRST: Duration = Duration::from_millis(250);
/// The longest wait (before jitter).
pub(crate) const CAP: Duration = Duration::from_secs(10);
/// Each wait is moved by up to this fraction, up or down, at random.
pub(crate) const JITTER: f64 = 0.2;

/// The wait before attempt number `attempt` (1 for the first retry), with jitter.
pub(crate) fn delay(attempt: u32) -> Duration {
    let spread = rand::rng().random_range(-JITTER..=JITTER);
    jittered(base(attempt), spread)
}

/// The wait before attempt `attempt` without jitter: 250 ms, 500 ms, 1 s, … up to 10 s.
pub(crate) fn base(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    FIRST.saturating_mul(1 << doublings).min(CAP)
}

/// `delay` moved by `spread` (a fraction, e.g. -0.2..=0.2).
fn jittered(delay: Duration, spread: f64) -> Duration {
    delay.mul_f64((1.0 + spread).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The base delay doubles from 250 ms and stops at the cap, even for huge attempt numbers.
    #[test]
    fn doubles_up_to_the_cap() {
        assert_eq!(base(1), Duration::from_millis(250));
        assert_eq!(base(2), Duration::from_millis(500));
        assert_eq!(base(3), Duration::from_secs(1));
        assert_eq!(base(6), Duration::from_secs(8));
        assert_eq!(base(7), CAP);
        assert_eq!(base(u32::MAX), CAP);
        assert_eq!(base(0), FIRST);
    }

    /// Jitter stays within ±20 % of the base delay.
    #[test]
    fn jitter_stays_in_bounds() {
        for attempt in 1..12 {
            let b = base(attempt);
            for _ in 0..50 {
                let d = delay(attempt);
                assert!(d >= b.mul_f64(1.0 - JITTER) && d <= b.mul_f64(1.0 + JITTER));
            }
        }
        assert_eq!(
            jittered(Duration::from_secs(10), -0.2),
            Duration::from_secs(8)
        );
    }
}
