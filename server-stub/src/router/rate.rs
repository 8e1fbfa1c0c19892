//! Token buckets keyed by anything: a steady rate with a burst on top. Pure (the clock is an
//! argument), so the router can hold them and tests can drive them.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

/// Buckets beyond this many are forgotten (all at once): bounded memory under a flood of
/// keys; the cost is that a few keys get a fresh burst.
const MAX_KEYS: usize = 100_000;

/// One rate for many keys. `S` hashes the keys: SipHash (the default) for keys someone
/// outside picks (addresses), [`ServerIds`] for ids the server hands out itself.
#[derive(Debug, Clone)]
pub struct Buckets<K, S = RandomState> {
    /// Tokens added per second.
    per_second: f64,
    /// The most tokens a key can hold (its burst).
    burst: f64,
    buckets: HashMap<K, (f64, u64), S>,
}

/// Hashing for keys the server assigns itself (session ids, `()`): one multiply per word
/// (FxHash's), where SipHash spends its rounds on every lookup of every chat message. Only
/// for such keys: nobody outside can pick them to pile up collisions.
pub type ServerIds = BuildHasherDefault<ServerIdHasher>;

/// See [`ServerIds`].
#[derive(Debug, Default, Clone, Copy)]
pub struct ServerIdHasher(u64);

impl ServerIdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for ServerIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// SipHash-keyed buckets: `per_second` tokens a second, `burst` at most.
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self::with_rate(per_second, burst)
    }

    /// A rate of `per_minute` with a burst.
    pub fn per_minute(per_minute: u32, burst: u32) -> Self {
        Self::new(f64::from(per_minute) / 60.0, burst)
    }
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default> Buckets<K, S> {
    /// Like [`Buckets::new`], with the hashing `S` (see [`ServerIds`]).
    pub fn with_rate(per_second: f64, burst: u32) -> Self {
        Self {
            per_second,
            burst: f64::from(burst.max(1)),
            buckets: HashMap::default(),
        }
    }

    /// Whether `key` may act now; if so, takes a token. `Err(milliseconds until a token)`.
    pub fn take(&mut self, key: &K, now: u64) -> Result<(), u64> {
        self.check(key, now)?;
        if let Some((tokens, _)) = self.buckets.get_mut(key) {
            *tokens -= 1.0;
        }
        Ok(())
    }

    /// Takes a token that [`Buckets::check`] just found, at the same time: one lookup, where
    /// `take` would look up and refill again.
    pub fn spend_checked(&mut self, key: &K) {
        if let Some((tokens, _)) = self.buckets.get_mut(key) {
            *tokens -= 1.0;
        }
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

    /// Server-id hashing keeps keys apart and counts like the default; `spend_checked`
    /// takes what `check` found.
    #[test]
    fn server_ids_and_spend_checked() {
        let mut b: Buckets<u64, ServerIds> = Buckets::with_rate(1.0, 2);
        for key in 0..1000u64 {
            assert_eq!(b.check(&key, 0), Ok(()));
            b.spend_checked(&key);
            assert_eq!(b.check(&key, 0), Ok(()));
            b.spend_checked(&key);
            assert_eq!(b.check(&key, 0), Err(1000), "key {key}");
        }
        assert_eq!(b.take(&7, 1000), Ok(()));
        assert_eq!(b.take(&7, 1000), Err(1000));
    }
}
