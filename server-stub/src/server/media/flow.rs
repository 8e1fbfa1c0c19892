//! Per-viewer flow control, as VNC does it (PROTOCOL.md §11): at most [`MAX_IN_FLIGHT`]
//! updates unacknowledged; an update that would be one more is not sent and the viewer is
//! marked stale; when a stale viewer has acknowledged everything sent to it, it wants a whole
//! fresh picture (a `refresh_request` to the publisher). Also the token bucket the relay caps
//! rates with. Pure: no IO, no clock reads, so each rule is a unit test.

use std::collections::VecDeque;
use std::time::Duration;

/// Updates a viewer may have unacknowledged; the viewer's outgoing queue holds no more.
pub const MAX_IN_FLIGHT: usize = 2;

/// Whether an update goes to a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Queue it; it now counts as in flight.
    Send,
    /// Not sent: the viewer has [`MAX_IN_FLIGHT`] unacknowledged (it is now stale).
    Skip,
}

/// What an acknowledgement changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Acked {
    /// The acknowledged seq, capped at the highest sent to this viewer (a viewer cannot
    /// acknowledge what it never got); `None` when nothing was ever sent to it.
    pub seq: Option<u64>,
    /// The viewer was stale and has now acknowledged everything sent to it: it needs a
    /// whole fresh picture.
    pub caught_up: bool,
}

/// One viewer's updates in flight.
#[derive(Debug, Default)]
pub struct ViewerFlow {
    /// Seqs sent and not yet acknowledged, oldest first (at most [`MAX_IN_FLIGHT`]).
    in_flight: VecDeque<u64>,
    /// Whether an update was skipped since the viewer's last whole picture.
    stale: bool,
    /// The highest seq sent to this viewer.
    highest_sent: Option<u64>,
}

impl ViewerFlow {
    /// Decides whether update `seq` goes to this viewer, and counts it if it does.
    pub fn offer(&mut self, seq: u64) -> Offer {
        if self.in_flight.len() >= MAX_IN_FLIGHT {
            self.stale = true;
            return Offer::Skip;
        }
        self.in_flight.push_back(seq);
        self.highest_sent = Some(self.highest_sent.map_or(seq, |h| h.max(seq)));
        Offer::Send
    }

    /// The update offered last could not be queued after all (the viewer's queue was full):
    /// it is not in flight, and the viewer is stale.
    pub fn unsend(&mut self, seq: u64) {
        if self.in_flight.back() == Some(&seq) {
            self.in_flight.pop_back();
        }
        self.stale = true;
    }

    /// An update was not relayed to anyone (over the publisher's rate): the viewer missed it.
    pub fn missed(&mut self) {
        self.stale = true;
    }

    /// The viewer has drawn every update up to `seq`.
    pub fn ack(&mut self, seq: u64) -> Acked {
        while self.in_flight.front().is_some_and(|&s| s <= seq) {
            self.in_flight.pop_front();
        }
        let caught_up = self.stale && self.in_flight.is_empty();
        if caught_up {
            self.stale = false;
        }
        Acked {
            seq: self.highest_sent.map(|h| h.min(seq)),
            caught_up,
        }
    }

    /// A whole picture is coming (the publisher was asked for one): whatever was skipped is
    /// about to be repainted.
    pub fn refreshed(&mut self) {
        self.stale = false;
    }

    /// Updates sent and not acknowledged.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    pub fn stale(&self) -> bool {
        self.stale
    }
}

/// A token bucket: `per_sec` tokens a second, at most `burst` saved up.
#[derive(Debug, Clone)]
pub struct Bucket {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    /// When `tokens` was last brought up to date, as time since the bucket's owner started.
    at: Duration,
}

impl Bucket {
    /// A full bucket at time `now`.
    pub fn new(per_sec: u32, burst: u32, now: Duration) -> Self {
        Self {
            per_sec: f64::from(per_sec),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            at: now,
        }
    }

    /// Takes one token at `now`; false when there is none (the caller drops the thing).
    pub fn take(&mut self, now: Duration) -> bool {
        let elapsed = now.saturating_sub(self.at).as_secs_f64();
        self.at = self.at.max(now);
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The bytes a publisher may send, as a budget that refills at a fixed rate and may go into
/// debt by one frame: a frame is read whole, then the next read waits until the debt is paid.
/// Waiting to read is the back-pressure: the customer's socket fills and its sends slow, so
/// nothing is dropped and the server holds no more than one frame for it.
#[derive(Debug, Clone)]
pub struct ByteBudget {
    per_sec: f64,
    burst: f64,
    bytes: f64,
    /// When `bytes` was last brought up to date, as time since the budget's owner started.
    at: Duration,
}

impl ByteBudget {
    /// A full budget of `burst` bytes at time `now`, refilling at `per_sec`.
    pub fn new(per_sec: u64, burst: u64, now: Duration) -> Self {
        // Both are far below 2^53: exact as f64.
        Self {
            per_sec: per_sec as f64,
            burst: burst as f64,
            bytes: burst as f64,
            at: now,
        }
    }

    /// Spends `bytes` just read at `now`; how long to wait before reading again (zero while
    /// the budget is not in debt).
    pub fn spend(&mut self, bytes: usize, now: Duration) -> Duration {
        let elapsed = now.saturating_sub(self.at).as_secs_f64();
        self.at = self.at.max(now);
        self.bytes = (self.bytes + elapsed * self.per_sec).min(self.burst) - bytes as f64;
        if self.bytes >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.bytes / self.per_sec)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_two_in_flight_and_a_third_marks_the_viewer_stale() {
        let mut flow = ViewerFlow::default();
        assert_eq!(flow.offer(1), Offer::Send);
        assert_eq!(flow.offer(2), Offer::Send);
        assert!(!flow.stale());
        assert_eq!(flow.offer(3), Offer::Skip);
        assert!(flow.stale());
        assert_eq!(flow.in_flight(), 2);
    }

    #[test]
    fn an_ack_frees_what_it_covers_and_a_stale_viewer_catching_up_wants_a_refresh() {
        let mut flow = ViewerFlow::default();
        flow.offer(1);
        flow.offer(2);
        flow.offer(3);
        let acked = flow.ack(1);
        assert_eq!(
            acked,
            Acked {
                seq: Some(1),
                caught_up: false
            }
        );
        assert_eq!(flow.offer(4), Offer::Send);
        let acked = flow.ack(4);
        assert_eq!(
            acked,
            Acked {
                seq: Some(4),
                caught_up: true
            }
        );
        assert!(!flow.stale());
        // Caught up once: the next ack asks for nothing.
        flow.offer(5);
        assert!(!flow.ack(5).caught_up);
    }

    #[test]
    fn an_ack_cannot_run_ahead_of_what_was_sent() {
        let mut flow = ViewerFlow::default();
        assert_eq!(flow.ack(9).seq, None, "nothing sent yet");
        flow.offer(3);
        assert_eq!(flow.ack(u64::MAX).seq, Some(3));
        assert_eq!(flow.in_flight(), 0);
    }

    #[test]
    fn an_update_that_could_not_be_queued_is_not_in_flight() {
        let mut flow = ViewerFlow::default();
        flow.offer(1);
        flow.unsend(1);
        assert_eq!(flow.in_flight(), 0);
        assert!(flow.stale());
        // Nothing in flight: the next ack (of anything) is a catch-up.
        assert!(flow.ack(0).caught_up);
    }

    #[test]
    fn a_missed_update_and_a_refresh() {
        let mut flow = ViewerFlow::default();
        flow.offer(1);
        flow.missed();
        flow.refreshed();
        assert!(!flow.ack(1).caught_up, "the refresh already covers it");
    }

    #[test]
    fn the_bucket_refills_at_its_rate_up_to_its_burst() {
        let ms = Duration::from_millis;
        let mut bucket = Bucket::new(10, 2, ms(0));
        assert!(bucket.take(ms(0)));
        assert!(bucket.take(ms(0)));
        assert!(!bucket.take(ms(0)));
        assert!(!bucket.take(ms(50)));
        assert!(bucket.take(ms(100)));
        assert!(bucket.take(ms(10_000)));
        assert!(bucket.take(ms(10_000)));
        assert!(!bucket.take(ms(10_000)), "at most the burst saved up");
        assert!(!bucket.take(ms(5)), "time going backwards adds nothing");
    }

    #[test]
    fn the_byte_budget_lets_the_burst_through_then_paces_reads_at_its_rate() {
        let ms = Duration::from_millis;
        let mut budget = ByteBudget::new(1_000, 2_000, ms(0));
        assert_eq!(budget.spend(1_500, ms(0)), Duration::ZERO);
        assert_eq!(
            budget.spend(500, ms(0)),
            Duration::ZERO,
            "exactly the burst"
        );
        // One more frame goes into debt: the next read waits until it is paid.
        assert_eq!(budget.spend(250, ms(0)), ms(250));
        // Paid at 250 ms; a frame read then is in debt again.
        assert_eq!(budget.spend(100, ms(250)), ms(100));
        // Idle for long: the budget refills to its burst, no further.
        assert_eq!(budget.spend(2_000, ms(60_000)), Duration::ZERO);
        assert_eq!(budget.spend(1, ms(60_000)), ms(1));
        // Time going backwards adds nothing.
        assert_eq!(budget.spend(0, ms(5)), ms(1));
    }
}
