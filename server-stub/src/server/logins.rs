//! The login gate shared by the HTTP handlers: the failure counts ([`LoginGuard`]) and the
//! bounded pool of password checks (argon2 is slow and uses 19 MiB per check by design, so
//! an unbounded burst of logins is a memory and CPU attack).

use super::login_guard::LoginGuard;
use crate::limits::Limits;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::{Semaphore, SemaphorePermit};

pub struct Logins {
    guard: Mutex<LoginGuard>,
    checks: Semaphore,
    /// Logins waiting for a check, and how many may wait.
    waiting: AtomicUsize,
    queue: usize,
}

/// A login's place in the line for a password check; leaving it (success or failure) lets
/// the next one in.
pub struct CheckPermit<'a> {
    _permit: SemaphorePermit<'a>,
}

impl Logins {
    pub fn new(limits: &Limits) -> Self {
        Self {
            guard: Mutex::new(LoginGuard::new(limits.clone())),
            checks: Semaphore::new(limits.password_checks),
            waiting: AtomicUsize::new(0),
            queue: limits.login_queue,
        }
    }

    /// The failure counts (held only for a moment; never across an await).
    pub fn guard(&self) -> MutexGuard<'_, LoginGuard> {
        self.guard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a password check, or `None` at once when the line is full.
    pub async fn password_check(&self) -> Option<CheckPermit<'_>> {
        if let Ok(permit) = self.checks.try_acquire() {
            return Some(CheckPermit { _permit: permit });
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        let permit = self.checks.acquire().await.ok();
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        permit.map(|permit| CheckPermit { _permit: permit })
    }
}
