//! Flow control for the publisher, as VNC does it: at most [`MAX_IN_FLIGHT`] updates
//! unacknowledged, a frame rate that steps down when acknowledgements come late (above 200, 500
//! and 1,000 ms: ¾, ½ and ¼ of [`BASE_FPS`], as RustDesk does) and back up when they come in
//! time, and a JPEG quality that steps with it. Pure: the clock is an argument.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Updates sent and not yet acknowledged before the publisher waits.
pub const MAX_IN_FLIGHT: usize = 2;

/// The frame rate when acknowledgements are timely.
pub const BASE_FPS: f64 = 30.0;

/// Ack latencies (ms) above which the rate drops to the next level.
const LATE_MS: [u128; 3] = [200, 500, 1_000];

/// The share of [`BASE_FPS`] at each level.
const RATE: [f64; 4] = [1.0, 0.75, 0.5, 0.25];

/// The JPEG quality at each level (used for large changes; see the worker).
const JPEG_QUALITY: [u8; 4] = [75, 60, 45, 30];

/// Timely acknowledgements in a row before the rate steps back up one level.
const TIMELY_TO_RECOVER: u32 = 8;

/// The publisher's pacing and its view of what is in flight.
#[derive(Debug, Clone)]
pub struct FlowControl {
    /// Sequence numbers sent and not yet acknowledged, with when they were sent.
    in_flight: VecDeque<(u64, Instant)>,
    /// 0 (full rate) to 3 (a quarter).
    level: usize,
    /// Acknowledgements in a row that were timely for a better level.
    timely: u32,
    /// When the screen was last looked at (captured), for pacing.
    last_poll: Option<Instant>,
    /// How late the last acknowledgement came.
    last_latency: Option<Duration>,
}

impl Default for FlowControl {
    fn default() -> Self {
        Self::new()
    }
}

impl FlowControl {
    pub fn new() -> Self {
        Self {
            in_flight: VecDeque::new(),
            level: 0,
            timely: 0,
            last_poll: None,
            last_latency: None,
        }
    }

    /// When the screen may next be captured: `None` while [`MAX_IN_FLIGHT`] updates wait for
    /// their acknowledgement (changes pile up in the damage region meanwhile, and go out as one
    /// update later).
    pub fn next_poll_at(&self, now: Instant) -> Option<Instant> {
        if self.in_flight.len() >= MAX_IN_FLIGHT {
            return None;
        }
        Some(self.last_poll.map_or(now, |last| last + self.interval()))
    }

    /// The screen was captured at `now` (whether or not anything changed).
    pub fn on_poll(&mut self, now: Instant) {
        // Keep the cadence: the next poll is due one interval after this one was *due*, not
        // after it fired (the timer fires about 1 ms late, which made 30 fps into 29). After
        // a pause (two in flight, a slow capture) start again from now.
        let interval = self.interval();
        self.last_poll = Some(match self.last_poll {
            Some(last) if now >= last + interval && now < last + 2 * interval => last + interval,
            _ => now,
        });
    }

    /// Update `seq` went out at `now`.
    pub fn on_sent(&mut self, seq: u64, now: Instant) {
        self.in_flight.push_back((seq, now));
    }

    /// The relay says every update up to `seq` was drawn by some viewer.
    pub fn on_ack(&mut self, seq: u64, now: Instant) {
        let mut newest = None;
        while let Some(&(sent_seq, sent_at)) = self.in_flight.front() {
            if sent_seq > seq {
                break;
            }
            newest = Some(sent_at);
            self.in_flight.pop_front();
        }
        // An acknowledgement of nothing in flight (old, or after a refresh) says nothing about
        // the link now.
        let Some(sent_at) = newest else { return };
        let latency = now.saturating_duration_since(sent_at);
        self.last_latency = Some(latency);
        let ms = latency.as_millis();
        let target = LATE_MS.iter().filter(|&&limit| ms > limit).count();
        if target > self.level {
            self.level = target;
            self.timely = 0;
        } else if target < self.level {
            self.timely += 1;
            if self.timely >= TIMELY_TO_RECOVER {
                self.level -= 1;
                self.timely = 0;
            }
        } else {
            self.timely = 0;
        }
    }

    /// A viewer asked for the whole screen: what was in flight no longer counts.
    pub fn on_refresh(&mut self) {
        self.in_flight.clear();
    }

    /// Updates waiting for their acknowledgement.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The time between captures at the current level.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.fps())
    }

    /// The current frame rate.
    pub fn fps(&self) -> f64 {
        BASE_FPS * RATE[self.level]
    }

    /// The JPEG quality for large changes at the current level.
    pub fn jpeg_quality(&self) -> u8 {
        JPEG_QUALITY[self.level]
    }

    /// How late the last acknowledgement came.
    pub fn last_latency(&self) -> Option<Duration> {
        self.last_latency
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Two updates in flight stop the captures; an ack of the first lets one more go.
    #[test]
    fn at_most_two_in_flight() {
        let t0 = Instant::now();
        let mut flow = FlowControl::new();
        assert_eq!(flow.next_poll_at(t0), Some(t0));
        flow.on_poll(t0);
        flow.on_sent(1, t0);
        assert_eq!(flow.next_poll_at(t0), Some(t0 + flow.interval()));
        flow.on_poll(t0 + ms(40));
        flow.on_sent(2, t0 + ms(40));
        assert_eq!(flow.next_poll_at(t0 + ms(50)), None);
        flow.on_ack(1, t0 + ms(60));
        assert_eq!(flow.in_flight(), 1);
        assert!(flow.next_poll_at(t0 + ms(60)).is_some());
        // An ack of the newest covers everything before it.
        flow.on_sent(3, t0 + ms(80));
        flow.on_ack(3, t0 + ms(90));
        assert_eq!(flow.in_flight(), 0);
    }

    /// A refresh request forgets what was in flight.
    #[test]
    fn refresh_resets_the_window() {
        let t0 = Instant::now();
        let mut flow = FlowControl::new();
        flow.on_sent(1, t0);
        flow.on_sent(2, t0);
        assert_eq!(flow.next_poll_at(t0), None);
        flow.on_refresh();
        assert_eq!(flow.in_flight(), 0);
        assert!(flow.next_poll_at(t0).is_some());
        // A late ack of something forgotten changes nothing.
        flow.on_ack(2, t0 + ms(5_000));
        assert_eq!(flow.fps(), BASE_FPS);
    }

    /// Late acks step the rate down to ¾, ½ and ¼ and the JPEG quality with it; timely ones
    /// bring it back one level at a time.
    #[test]
    fn the_rate_adapts_to_ack_latency() {
        let t0 = Instant::now();
        let mut flow = FlowControl::new();
        let mut seq = 0;
        let mut round = |flow: &mut FlowControl, latency: u64| {
            seq += 1;
            flow.on_sent(seq, t0);
            flow.on_ack(seq, t0 + ms(latency));
            flow.fps()
        };
        assert_eq!(round(&mut flow, 150), 30.0);
        assert_eq!(round(&mut flow, 250), 22.5);
        let q1 = flow.jpeg_quality();
        assert_eq!(round(&mut flow, 600), 15.0);
        assert_eq!(round(&mut flow, 1_200), 7.5);
        assert!(flow.jpeg_quality() < q1);
        assert_eq!(flow.interval(), Duration::from_secs_f64(1.0 / 7.5));
        // Back up, one level per run of timely acks.
        for _ in 0..TIMELY_TO_RECOVER - 1 {
            assert_eq!(round(&mut flow, 50), 7.5);
        }
        assert_eq!(round(&mut flow, 50), 15.0);
        for _ in 0..2 * TIMELY_TO_RECOVER {
            round(&mut flow, 50);
        }
        assert_eq!(flow.fps(), 30.0);
        assert_eq!(flow.last_latency(), Some(ms(50)));
    }

    /// Polls that fire a little late each time keep the rate: 30 polls, each 1 ms after it
    /// was due, take one second, not 30 × 34.3 ms; a long pause starts the cadence afresh.
    #[test]
    fn late_polls_keep_the_cadence() {
        let start = Instant::now();
        let mut flow = FlowControl::new();
        flow.on_poll(start);
        let mut fired = start;
        for _ in 0..30 {
            let due = flow.next_poll_at(fired).expect("nothing in flight");
            fired = due + Duration::from_millis(1);
            flow.on_poll(fired);
        }
        let took = fired - start;
        assert!(
            took < Duration::from_millis(1_010),
            "30 polls at 30 fps took {took:?}"
        );
        // After a pause of several intervals the next poll is one interval after the late one.
        let late = fired + Duration::from_millis(500);
        flow.on_poll(late);
        assert_eq!(flow.next_poll_at(late), Some(late + flow.interval()));
    }
}
