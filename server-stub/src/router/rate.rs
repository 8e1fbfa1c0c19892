//! Token buckets keyed by anything: a steady rate with a burst on top. Pure (the clock is an
//! argument), so the router can hold them and tests can drive them.

use std::collections::HashMap;
use std::hash::Hash;

/// Buckets beyond this many are forgotten (all at once): bounded memory under a flood of
/// keys; the cost is that a few keys get a fresh burst.
const MAX_KEYS: usize = 100_000;

/// One rate for many keys.
#[derive(Debug, Clone)]
pub struct Buckets<K> {
    /// Tokens added per second.
    per_second: f64,
    /// The most tokens a key can hold (its burst).
    burst: f64,
    buckets: HashMap<K, (f64, u64)>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self {
            per_second,
            burst: f64::from(burst.max(1)),
            buckets: HashMap::new(),
        }
    }

    /// A rate of `per_minute` with a burst.
    pub fn per_minute(per_minute: u32, burst: u32) -> Self {
        Self::new(f64::from(per_minute) / 60.0, burst)
    }

    /// Whether `key` may act now; if so, takes a token. `Err(milliseconds until a token)`.
    pub fn take(&mut self, key: &K, now: u64) -> Result<(), u64> {
        self.check(key, now)?;
        if let Some((tokens, _)) = self.buckets.get_mut(key) {
            *tokens -= 1.0;
        }
        Ok(())
    }

    /// Whether `key` has a token now (without taking it); refills it up to now.
    pub fn check(&mut self, key: &K, now: u64) -> Result<(), u64> {
        if self.buckets.len() >= MAX_KEYS && !self.buckets.contains_key(key) {
            self.buckets.clear();
        }
        let burst = self.burst;
        let per_second = self.per_second;
        let (tokens, at) = self.buckets.entry(key.clone()).or_insert((burst, now));
        let elapsed = now.saturating_sub(*at) as f64 / 1000.0;
        *tokens = (*tokens + elapsed * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            Ok(())
        } else if per_second <= 0.0 {
            Err(u64::MAX)
        } else {
            // (A hair off the exact value, so float noise does not round 1 ms up to 2.)
            Err(((((1.0 - *tokens) / per_second) * 1000.0) - 1e-6)
                .ceil()
                .max(1.0) as u64)
        }
    }

    /// Forgets a key (its session ended, say).
    pub fn forget(&mut self, key: &K) {
        self.buckets.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A burst, then one token per period; the wait says when the next one comes.
    #[test]
    fn burst_then_rate() {
        let mut b = Buckets::new(2.0, 3);
        for _ in 0..3 {
            assert_eq!(b.take(&"k", 0), Ok(()));
        }
        assert_eq!(b.take(&"k", 0), Err(500));
        assert_eq!(b.take(&"k", 499), Err(1));
        assert_eq!(b.take(&"k", 500), Ok(()));
        assert_eq!(b.take(&"other", 500), Ok(()), "keys are separate");
        // A long pause refills only up to the burst.
        for _ in 0..3 {
            assert_eq!(b.take(&"k", 100_000), Ok(()));
        }
        assert!(b.take(&"k", 100_000).is_err());
    }
}
