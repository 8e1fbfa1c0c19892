//! How long a Jump Client's agent waits before connecting again: exponential from
//! [`FIRST`] to [`CAP`], with jitter, so a server that restarts is not met by every agent at
//! the same instant, and one that stays away is asked at most once a minute. Pure (the
//! random part is an argument), so the schedule is a unit test.

use std::time::Duration;

/// The first wait.
pub const FIRST: Duration = Duration::from_secs(1);
/// The longest wait.
pub const CAP: Duration = Duration::from_secs(60);
/// A connection that lasted this long was a good one: the next loss starts again at
/// [`FIRST`]. A shorter one (welcomed, then dropped at once, again and again) keeps
/// backing off.
pub const STABLE: Duration = Duration::from_secs(30);

/// The wait before try `attempt` (0: the first retry), with `unit` in `[0, 1)` the random
/// part: between half the exponential step and the whole of it, never below [`FIRST`] nor
/// above [`CAP`].
pub fn delay(attempt: u32, unit: f64) -> Duration {
    let step = FIRST
        .checked_mul(1u32 << attempt.min(16))
        .unwrap_or(CAP)
        .min(CAP);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let low = (step / 2).max(FIRST);
    let span = step.saturating_sub(low);
    low + span.mul_f64(unit)
}

/// The agent's place in the schedule.
#[derive(Debug, Default)]
pub struct Backoff {
    attempt: u32,
}

impl Backoff {
    /// The next wait (random jitter), and one step further.
    pub fn next_wait(&mut self) -> Duration {
        let wait = delay(self.attempt, rand::random::<f64>());
        self.attempt = self.attempt.saturating_add(1);
        wait
    }

    /// After a good connection: start again at [`FIRST`].
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Straight to the longest wait (another agent with the same token took the place).
    pub fn to_cap(&mut self) {
        self.attempt = self.attempt.max(6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 s, then doubling (each between half and the whole step), capped at 60 s for ever.
    #[test]
    fn the_schedule_doubles_to_the_cap() {
        let secs = |attempt, unit| delay(attempt, unit).as_secs_f64();
        assert_eq!(secs(0, 0.0), 1.0);
        assert_eq!(secs(0, 0.99), 1.0);
        assert_eq!(secs(1, 0.0), 1.0);
        assert_eq!(secs(1, 0.5), 1.5);
        assert_eq!(secs(2, 0.0), 2.0);
        assert_eq!(secs(3, 1.0), 8.0);
        assert_eq!(secs(5, 0.0), 16.0);
        assert_eq!(secs(6, 0.0), 30.0);
        assert_eq!(secs(6, 1.0), 60.0);
        for attempt in [7, 20, 1000, u32::MAX] {
            for unit in [0.0, 0.3, 0.999, f64::NAN, -1.0, 7.0] {
                let wait = delay(attempt, unit);
                assert!(
                    wait >= Duration::from_secs(30) && wait <= CAP,
                    "{attempt} {unit}: {wait:?}"
                );
            }
        }
    }

    /// The schedule goes up, resets after a good connection, and jumps to the cap.
    #[test]
    fn backoff_steps() {
        let mut backoff = Backoff::default();
        let waits: Vec<Duration> = (0..10).map(|_| backoff.next_wait()).collect();
        assert!(waits[0] == FIRST, "{waits:?}");
        assert!(waits[9] >= Duration::from_secs(30) && waits[9] <= CAP);
        backoff.reset();
        assert_eq!(backoff.next_wait(), FIRST);
        backoff.to_cap();
        assert!(backoff.next_wait() >= Duration::from_secs(30));
    }
}
