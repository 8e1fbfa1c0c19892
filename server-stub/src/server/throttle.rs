//! Counting failures per key (a user name, a source address) to slow down guessing.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// Allows `max_failures` within `window_ms`; past that, refuses until the window clears.
pub struct Throttle<K> {
    max_failures: usize,
    window_ms: u64,
    failures: HashMap<K, VecDeque<u64>>,
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    pub fn new(max_failures: usize, window_ms: u64) -> Self {
        Self {
            max_failures,
            window_ms,
            failures: HashMap::new(),
        }
    }

    /// `Err(seconds to wait)` when the key has failed too often recently.
    pub fn check(&mut self, key: &K, now: u64) -> Result<(), u64> {
        let Some(times) = self.failures.get_mut(key) else {
            return Ok(());
        };
        while times.front().is_some_and(|t| t + self.window_ms <= now) {
            times.pop_front();
        }
        if times.is_empty() {
            self.failures.remove(key);
            return Ok(());
        }
        if times.len() >= self.max_failures {
            let oldest = times.front().copied().unwrap_or(now);
            let wait_ms = (oldest + self.window_ms).saturating_sub(now);
            return Err(wait_ms.div_ceil(1000).max(1));
        }
        Ok(())
    }

    pub fn fail(&mut self, key: &K, now: u64) {
        // Bound memory under a flood of distinct keys by forgetting the oldest state.
        if self.failures.len() > 100_000 {
            self.failures.clear();
        }
        let times = self.failures.entry(key.clone()).or_default();
        times.push_back(now);
        while times.len() > self.max_failures {
            times.pop_front();
        }
    }

    pub fn succeed(&mut self, key: &K) {
        self.failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After the allowed failures the key is refused until the window passes.
    #[test]
    fn blocks_then_recovers() {
        let mut t = Throttle::new(3, 10_000);
        let key = "alice".to_string();
        for i in 0..3 {
            assert!(t.check(&key, i).is_ok());
            t.fail(&key, i);
        }
        assert_eq!(t.check(&key, 5), Err(10));
        assert!(t.check(&"bob".to_string(), 5).is_ok());
        assert!(t.check(&key, 10_001).is_ok());
        t.fail(&key, 20_000);
        t.succeed(&key);
        assert!(t.check(&key, 20_001).is_ok());
    }
}
