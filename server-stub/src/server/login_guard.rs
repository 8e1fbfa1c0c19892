//! Slowing password guessing without locking the real user out.
//!
//! Failures are counted per (user, address): after a few, each further attempt from that
//! address for that user waits, the wait doubling with each failure (capped). The real user
//! typing from another address is not slowed by an attacker's failures. Only far more
//! failures for one user from everywhere (a distributed guess) lock the user from every
//! address, and only for the window. Failures from one address across many users are capped
//! too (spraying one password over every account).
//!
//! An attempt is counted *before* its password is checked ([`LoginGuard::begin`]), so a
//! burst of simultaneous attempts cannot all slip through while the first hashes run; a
//! success takes its own count back ([`LoginGuard::succeeded`]). Pure: the clock is an
//! argument.

use crate::limits::Limits;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

/// Keys kept per map at most; beyond it the oldest state is forgotten (bounded memory under
/// a flood of made-up user names).
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
struct PairState {
    /// Failures (and attempts in flight) within the window, oldest first.
    times: VecDeque<u64>,
}

/// The guard's state: failures per (user, address), per user, per address.
pub struct LoginGuard {
    limits: Limits,
    pairs: HashMap<(String, IpAddr), PairState>,
    users: HashMap<String, VecDeque<u64>>,
    addresses: HashMap<IpAddr, VecDeque<u64>>,
}

/// Why an attempt may not be checked now: seconds to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub u64);

impl LoginGuard {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            pairs: HashMap::new(),
            users: HashMap::new(),
            addresses: HashMap::new(),
        }
    }

    fn window_ms(&self) -> u64 {
        self.limits.login_window_secs * 1000
    }

    /// Checks whether `user` may try a password from `address` now; if so, counts the
    /// attempt as a failure until [`LoginGuard::succeeded`] says otherwise.
    pub fn begin(&mut self, user: &str, address: IpAddr, now: u64) -> Result<(), Wait> {
        let window = self.window_ms();
        let key = (user.to_owned(), address);
        // Per user and address: a doubling delay after the first few failures.
        if let Some(pair) = self.pairs.get_mut(&key) {
            forget_before(&mut pair.times, now, window);
            let failures = pair.times.len() as u32;
            if failures >= self.limits.login_failures_before_delay
                && let Some(&last) = pair.times.back()
            {
                let extra = failures - self.limits.login_failures_before_delay;
                let delay_ms = (self.limits.login_delay_secs * 1000)
                    .saturating_mul(1u64 << extra.min(20))
                    .min(self.limits.login_max_delay_secs * 1000);
                let ready = last + delay_ms;
                if now < ready {
                    return Err(Wait((ready - now).div_ceil(1000).max(1)));
                }
            }
        }
        // Per user from everywhere: a ceiling far above what a person types.
        if let Some(times) = self.users.get_mut(user) {
            forget_before(times, now, window);
            if times.len() as u32 >= self.limits.login_user_ceiling {
                return Err(wait_for_oldest(times, now, window));
            }
        }
        // Per address over every user.
        if let Some(times) = self.addresses.get_mut(&address) {
            forget_before(times, now, window);
            if times.len() as u32 >= self.limits.login_address_ceiling {
                return Err(wait_for_oldest(times, now, window));
            }
        }
        self.record(key, now);
        Ok(())
    }

    fn record(&mut self, key: (String, IpAddr), now: u64) {
        if self.pairs.len() >= MAX_KEYS {
            self.pairs.clear();
        }
        if self.users.len() >= MAX_KEYS {
            self.users.clear();
        }
        if self.addresses.len() >= MAX_KEYS {
            self.addresses.clear();
        }
        self.users.entry(key.0.clone()).or_default().push_back(now);
        self.addresses.entry(key.1).or_default().push_back(now);
        self.pairs.entry(key).or_default().times.push_back(now);
    }

    /// The password was right: this address's failures for the user are forgotten, and the
    /// attempt no longer counts against the user or the address.
    pub fn succeeded(&mut self, user: &str, address: IpAddr, began: u64) {
        self.pairs.remove(&(user.to_owned(), address));
        if let Some(times) = self.users.get_mut(user) {
            remove_one(times, began);
        }
        if let Some(times) = self.addresses.get_mut(&address) {
            remove_one(times, began);
        }
    }
}

fn forget_before(times: &mut VecDeque<u64>, now: u64, window: u64) {
    while times.front().is_some_and(|t| t + window <= now) {
        times.pop_front();
    }
}

fn wait_for_oldest(times: &VecDeque<u64>, now: u64, window: u64) -> Wait {
    let oldest = times.front().copied().unwrap_or(now);
    Wait(
        ((oldest + window).saturating_sub(now))
            .div_ceil(1000)
            .max(1),
    )
}

fn remove_one(times: &mut VecDeque<u64>, at: u64) {
    if let Some(position) = times.iter().rposition(|t| *t == at) {
        times.remove(position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> LoginGuard {
        LoginGuard::new(Limits {
            login_failures_before_delay: 3,
            login_delay_secs: 2,
            login_max_delay_secs: 16,
            login_user_ceiling: 10,
            login_address_ceiling: 12,
            login_window_secs: 900,
            ..Limits::default()
        })
    }

    const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 66));
    const OFFICE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7));

    /// A burst of simultaneous attempts: only the first few are checked at all.
    #[test]
    fn attempts_are_counted_before_the_password_is_checked() {
        let mut g = guard();
        let checked = (0..60)
            .filter(|_| g.begin("bob", ATTACKER, 1_000).is_ok())
            .count();
        assert_eq!(checked, 3);
    }

    /// The delay doubles with each failure, up to the cap.
    #[test]
    fn the_delay_doubles_and_is_capped() {
        let mut g = guard();
        let mut now = 0;
        for _ in 0..3 {
            g.begin("bob", ATTACKER, now).unwrap();
        }
        assert_eq!(g.begin("bob", ATTACKER, now), Err(Wait(2)));
        now += 2_000;
        g.begin("bob", ATTACKER, now).unwrap();
        assert_eq!(g.begin("bob", ATTACKER, now), Err(Wait(4)));
        now += 4_000;
        g.begin("bob", ATTACKER, now).unwrap();
        assert_eq!(g.begin("bob", ATTACKER, now), Err(Wait(8)));
        now += 8_000;
        g.begin("bob", ATTACKER, now).unwrap();
        assert_eq!(g.begin("bob", ATTACKER, now), Err(Wait(16)));
        now += 16_000;
        g.begin("bob", ATTACKER, now).unwrap();
        assert_eq!(g.begin("bob", ATTACKER, now), Err(Wait(16)), "capped");
    }

    /// The attacker's failures do not lock bob out of his own office.
    #[test]
    fn another_address_is_not_locked_out() {
        let mut g = guard();
        for _ in 0..3 {
            g.begin("bob", ATTACKER, 0).unwrap();
        }
        assert!(g.begin("bob", ATTACKER, 0).is_err());
        assert!(g.begin("bob", OFFICE, 0).is_ok());
    }

    /// Many addresses guessing one user hit the user's ceiling, which locks every address
    /// until the window clears.
    #[test]
    fn a_distributed_guess_hits_the_user_ceiling() {
        let mut g = guard();
        for i in 0..10u8 {
            g.begin("bob", IpAddr::V4([10, 1, 0, i].into()), 0).unwrap();
        }
        assert!(g.begin("bob", OFFICE, 0).is_err());
        assert!(g.begin("bob", OFFICE, 900_000).is_ok(), "after the window");
    }

    /// One address spraying many users hits the address ceiling.
    #[test]
    fn spraying_users_hits_the_address_ceiling() {
        let mut g = guard();
        for i in 0..12 {
            g.begin(&format!("user{i}"), ATTACKER, 0).unwrap();
        }
        assert!(g.begin("someone", ATTACKER, 0).is_err());
        assert!(g.begin("someone", OFFICE, 0).is_ok());
    }

    /// A success takes back its own count and clears that address's failures.
    #[test]
    fn success_forgives() {
        let mut g = guard();
        g.begin("bob", OFFICE, 0).unwrap();
        g.begin("bob", OFFICE, 0).unwrap();
        g.begin("bob", OFFICE, 5).unwrap();
        g.succeeded("bob", OFFICE, 5);
        for _ in 0..3 {
            g.begin("bob", OFFICE, 10).unwrap();
        }
    }
}
