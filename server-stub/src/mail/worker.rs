//! The outbox worker: a task that takes the unsent emails from the store's outbox, hands
//! each to a [`Mailer`], marks it sent once the mail server took it, and retries the ones it
//! did not take with exponential backoff. It shares nothing with the core task but the
//! store, so a slow or absent mail server never delays routing.
//!
//! The outbox is read at start and then every [`POLL_INTERVAL`] (the store has no change
//! notification; a new email waits at most that long). Retry state lives in memory: after
//! a restart every unsent email is tried again at once. Delivery is at least once: an email
//! the server took just before a crash may be sent again (with the same Message-ID).

use super::config::MailConfig;
use super::{MailError, Mailer};
use crate::server::core::now_ms;
use crate::store::{OutboxEmail, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// How often the outbox is read for new emails.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How long to wait before trying a refused email again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure.
    pub first: Duration,
    /// The longest wait; the doubling stops here.
    pub max: Duration,
}

impl RetryPolicy {
    /// The policy of a `[mail]` section.
    pub fn from_config(config: &MailConfig) -> RetryPolicy {
        RetryPolicy {
            first: Duration::from_secs(config.retry_first_secs),
            max: Duration::from_secs(config.retry_max_secs),
        }
    }

    /// The wait after `failures` failures in a row (1 for the first): `first`, doubled for
    /// each further failure, at most `max`.
    pub fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.first.saturating_mul(1 << doublings).min(self.max)
    }
}

/// What the worker remembers about an unsent email it has tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    /// Failed `failures` times in a row; not tried again before `next_at`.
    Retrying { failures: u32, next_at: Instant },
    /// The mail server took it but marking it sent failed: only the marking is retried,
    /// so the rep does not get it twice.
    SentUnmarked,
    /// Refused for good (bad address, 5xx): it stays in the outbox and is not tried again
    /// until the server restarts (after the configuration is fixed).
    GivenUp,
}

/// The worker's memory of the unsent emails it has tried: plain state, no IO, so the retry
/// rules are unit-tested without a clock or a mail server.
#[derive(Debug)]
struct Schedule {
    retry: RetryPolicy,
    attempts: HashMap<i64, Attempt>,
}

/// What to do with one unsent email now.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    Send,
    MarkSent,
    Wait,
}

impl Schedule {
    fn new(retry: RetryPolicy) -> Schedule {
        Schedule {
            retry,
            attempts: HashMap::new(),
        }
    }

    /// Forgets the emails no longer unsent (marked sent, or removed from the table).
    fn retain(&mut self, unsent: &HashSet<i64>) {
        self.attempts.retain(|id, _| unsent.contains(id));
    }

    fn action(&self, id: i64, now: Instant) -> Action {
        match self.attempts.get(&id) {
            None => Action::Send,
            Some(Attempt::Retrying { next_at, .. }) if *next_at <= now => Action::Send,
            Some(Attempt::SentUnmarked) => Action::MarkSent,
            Some(Attempt::Retrying { .. } | Attempt::GivenUp) => Action::Wait,
        }
    }

    /// Records a failed try; returns the failures in a row and the wait before the next.
    fn failed(&mut self, id: i64, now: Instant) -> (u32, Duration) {
        let failures = match self.attempts.get(&id) {
            Some(Attempt::Retrying { failures, .. }) => failures.saturating_add(1),
            _ => 1,
        };
        let delay = self.retry.delay(failures);
        self.attempts.insert(
            id,
            Attempt::Retrying {
                failures,
                next_at: now + delay,
            },
        );
        (failures, delay)
    }

    /// The failures before this try (0 if it is the first).
    fn failures(&self, id: i64) -> u32 {
        match self.attempts.get(&id) {
            Some(Attempt::Retrying { failures, .. }) => *failures,
            _ => 0,
        }
    }

    fn sent(&mut self, id: i64) {
        self.attempts.insert(id, Attempt::SentUnmarked);
    }

    fn marked(&mut self, id: i64) {
        self.attempts.remove(&id);
    }

    fn give_up(&mut self, id: i64) {
        self.attempts.insert(id, Attempt::GivenUp);
    }

    /// The earliest retry still to come.
    fn next_retry(&self) -> Option<Instant> {
        self.attempts
            .values()
            .filter_map(|attempt| match attempt {
                Attempt::Retrying { next_at, .. } => Some(*next_at),
                _ => None,
            })
            .min()
    }
}

/// Drains the outbox into `mailer` until `shutdown` turns true (or the store closes).
/// `poll` is how often the outbox is read for new emails.
pub async fn run<M: Mailer>(
    mailer: M,
    store: Store,
    retry: RetryPolicy,
    poll: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut schedule = Schedule::new(retry);
    loop {
        let outcome = tokio::select! {
            // Shutdown: stop now, even mid-send; an email not marked sent stays in the
            // outbox and goes out after the next start.
            () = stopped(&mut shutdown) => break,
            // One pass over the outbox: send what is due.
            outcome = pass(&mailer, &store, &mut schedule) => outcome,
        };
        match outcome {
            Ok(()) => {}
            Err(StoreError::Closed) => break,
            Err(error) => {
                tracing::warn!(%error, "could not read or update the email outbox; trying again");
            }
        }
        let now = Instant::now();
        let wake_at = schedule
            .next_retry()
            .map_or(now + poll, |retry_at| retry_at.min(now + poll));
        tokio::select! {
            () = stopped(&mut shutdown) => break,
            // Time to look for new emails, or to retry one.
            () = tokio::time::sleep_until(wake_at) => {}
        }
    }
    tracing::debug!("mail worker stopped");
}

/// Resolves once `shutdown` is true or its sender is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    while !*shutdown.borrow_and_update() {
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

/// Reads the unsent emails and sends (or marks) each one that is due, oldest first.
async fn pass<M: Mailer>(
    mailer: &M,
    store: &Store,
    schedule: &mut Schedule,
) -> Result<(), StoreError> {
    let unsent = store.outbox().await?;
    schedule.retain(&unsent.iter().map(|email| email.id).collect());
    for email in &unsent {
        match schedule.action(email.id, Instant::now()) {
            Action::Send => deliver(mailer, store, schedule, email).await?,
            Action::MarkSent => mark_sent(store, schedule, email).await?,
            Action::Wait => {}
        }
    }
    Ok(())
}

/// One try at one email; a refusal is logged and scheduled, only store errors are returned.
async fn deliver<M: Mailer>(
    mailer: &M,
    store: &Store,
    schedule: &mut Schedule,
    email: &OutboxEmail,
) -> Result<(), StoreError> {
    match mailer.send(email).await {
        Ok(()) => {
            schedule.sent(email.id);
            mark_sent(store, schedule, email).await
        }
        Err(error) => {
            refused(schedule, email, &error);
            Ok(())
        }
    }
}

fn refused(schedule: &mut Schedule, email: &OutboxEmail, error: &MailError) {
    if error.is_permanent() {
        schedule.give_up(email.id);
        tracing::error!(
            id = email.id,
            rep = ?email.rep,
            to = ?email.to,
            %error,
            "email refused for good; it stays in the outbox and is tried again after a restart"
        );
    } else {
        let (failures, delay) = schedule.failed(email.id, Instant::now());
        tracing::warn!(
            id = email.id,
            rep = ?email.rep,
            to = ?email.to,
            failures,
            retry_in_secs = delay.as_secs_f64(),
            %error,
            "email not sent; will retry"
        );
    }
}

async fn mark_sent(
    store: &Store,
    schedule: &mut Schedule,
    email: &OutboxEmail,
) -> Result<(), StoreError> {
    let failures = schedule.failures(email.id);
    store.mark_email_sent(email.id, now_ms()).await?;
    schedule.marked(email.id);
    tracing::info!(
        id = email.id,
        rep = ?email.rep,
        to = ?email.to,
        failures,
        "email sent"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::effects::StoreOp;
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use switchboard_protocol::RepId;

    const POLICY: RetryPolicy = RetryPolicy {
        first: Duration::from_secs(5),
        max: Duration::from_secs(600),
    };

    /// Retry waits start at `first`, double, and stop at `max`.
    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let waits: Vec<u64> = (1..=10).map(|n| POLICY.delay(n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(POLICY.delay(u32::MAX), POLICY.max);
    }

    /// A new email is sent at once; a failed one waits its backoff; one the server took is
    /// only marked, never sent again; one refused for good waits for a restart.
    #[test]
    fn schedule_follows_the_retry_rules() {
        let start = Instant::now();
        let mut schedule = Schedule::new(POLICY);
        assert_eq!(schedule.action(1, start), Action::Send);
        assert_eq!(schedule.failed(1, start), (1, Duration::from_secs(5)));
        assert_eq!(
            schedule.action(1, start + Duration::from_secs(4)),
            Action::Wait
        );
        assert_eq!(schedule.next_retry(), Some(start + Duration::from_secs(5)));
        let later = start + Duration::from_secs(5);
        assert_eq!(schedule.action(1, later), Action::Send);
        assert_eq!(schedule.failed(1, later), (2, Duration::from_secs(10)));
        assert_eq!(schedule.failures(1), 2);

        schedule.sent(1);
        assert_eq!(schedule.action(1, later), Action::MarkSent);
        assert_eq!(schedule.next_retry(), None);
        schedule.marked(1);
        assert_eq!(schedule.failures(1), 0);

        schedule.give_up(2);
        assert_eq!(
            schedule.action(2, start + Duration::from_secs(86_400)),
            Action::Wait
        );
        schedule.failed(3, start);
        schedule.retain(&HashSet::from([3]));
        assert_eq!(schedule.action(2, start), Action::Send, "forgotten");
        assert_eq!(schedule.failures(3), 1);
    }

    /// A mailer that answers from a script (then succeeds) and records every try.
    #[derive(Clone, Default)]
    struct ScriptedMailer {
        answers: Arc<Mutex<VecDeque<Result<(), MailError>>>>,
        tried: Arc<Mutex<Vec<String>>>,
    }

    impl Mailer for ScriptedMailer {
        async fn send(&self, email: &OutboxEmail) -> Result<(), MailError> {
            self.tried.lock().unwrap().push(email.to.clone());
            self.answers.lock().unwrap().pop_front().unwrap_or(Ok(()))
        }
    }

    fn email_to(to: &str) -> StoreOp {
        StoreOp::Email {
            rep: RepId::new("dave"),
            to: to.to_owned(),
            subject: "Alice invites you to a support session".to_owned(),
            body: "Alice invites you to join session 1 with Rex.".to_owned(),
            at: 1,
        }
    }

    /// Waits (with a deadline) until `done` holds for the store's unsent emails.
    async fn until_outbox(store: &Store, what: &str, done: impl Fn(&[OutboxEmail]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if done(&store.outbox().await.unwrap()) {
                return;
            }
            assert!(Instant::now() < deadline, "outbox never {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits (with a deadline) until the mailer was tried `count` times.
    async fn until_tried(mailer: &ScriptedMailer, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while mailer.tried.lock().unwrap().len() < count {
            assert!(Instant::now() < deadline, "fewer than {count} tries");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// With a pluggable mailer: transient failures are retried until the email is sent
    /// (once), a permanent refusal is not retried, and shutdown stops the worker.
    #[tokio::test]
    async fn worker_retries_transient_failures_and_gives_up_on_permanent_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(&dir.path().join("mail.db")).unwrap();
        let mailer = ScriptedMailer::default();
        mailer.answers.lock().unwrap().extend([
            Err(MailError::Unavailable("451 try later".to_owned())),
            Err(MailError::Unavailable("connection refused".to_owned())),
            Ok(()),
            Err(MailError::Rejected("550 no such user".to_owned())),
        ]);
        store
            .commit(vec![email_to("dave@example.com")])
            .await
            .unwrap();
        let (stop, shutdown) = watch::channel(false);
        let policy = RetryPolicy {
            first: Duration::from_millis(20),
            max: Duration::from_millis(40),
        };
        let worker = tokio::spawn(run(
            mailer.clone(),
            store.clone(),
            policy,
            Duration::from_millis(10),
            shutdown,
        ));

        until_outbox(&store, "emptied", <[OutboxEmail]>::is_empty).await;
        assert_eq!(
            mailer.tried.lock().unwrap().len(),
            3,
            "two failures, then sent"
        );

        store
            .commit(vec![email_to("gone@example.com")])
            .await
            .unwrap();
        until_tried(&mailer, 4).await;
        // A later email goes out; the pass that sends it looks at the refused (older) email
        // first, and does not try it again.
        store
            .commit(vec![email_to("next@example.com")])
            .await
            .unwrap();
        until_outbox(&store, "down to the refused email", |unsent| {
            unsent.len() == 1 && unsent[0].to == "gone@example.com"
        })
        .await;
        assert_eq!(
            *mailer.tried.lock().unwrap(),
            [
                "dave@example.com",
                "dave@example.com",
                "dave@example.com",
                "gone@example.com",
                "next@example.com"
            ]
        );

        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(10), worker)
            .await
            .unwrap()
            .unwrap();
    }
}
