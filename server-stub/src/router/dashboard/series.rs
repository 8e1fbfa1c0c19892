//! Each team's last hour as a ring of [`SeriesPoint`]s, one per `SERIES_STEP_MS` (10 s):
//! at most `SERIES_SPAN_MS / SERIES_STEP_MS` (360) points a team, whatever happens.
//!
//! Memory only: after a restart every series starts empty and fills again over the hour.

use std::collections::{HashMap, VecDeque};
use switchboard_protocol::{SERIES_SPAN_MS, SERIES_STEP_MS, SeriesPoint, TeamId, UnixMillis};

/// The most points a team's ring holds.
pub const MAX_POINTS: usize = (SERIES_SPAN_MS / SERIES_STEP_MS) as usize;

/// The rings, and where the step being filled started.
#[derive(Debug, Clone, Default)]
pub struct Series {
    rings: HashMap<TeamId, VecDeque<SeriesPoint>>,
    /// The start of the step being filled (a multiple of the step); `None` before the first
    /// dashboard round.
    step_start: Option<UnixMillis>,
}

impl Series {
    /// If `now` is past the step being filled, the end of that step (where the point goes):
    /// the latest step boundary, so a long pause makes one point, not a burst of empty ones.
    pub fn step_ended(&mut self, now: UnixMillis) -> Option<UnixMillis> {
        let boundary = now - now % SERIES_STEP_MS;
        match self.step_start {
            None => {
                self.step_start = Some(boundary);
                None
            }
            Some(start) if boundary > start => {
                self.step_start = Some(boundary);
                Some(boundary)
            }
            Some(_) => None,
        }
    }

    /// Appends a point, dropping the points older than the span and past the cap.
    pub fn push(&mut self, team: &TeamId, point: SeriesPoint) {
        let ring = self.rings.entry(team.clone()).or_default();
        ring.push_back(point);
        let oldest = point.at.saturating_sub(SERIES_SPAN_MS);
        while ring.len() > MAX_POINTS || ring.front().is_some_and(|p| p.at <= oldest) {
            ring.pop_front();
        }
    }

    /// A team's points, oldest first.
    pub fn points(&self, team: &TeamId) -> Vec<SeriesPoint> {
        self.rings
            .get(team)
            .map(|ring| ring.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// The point of a step: the queue now, and the accepts' waits during the step.
pub fn point(
    at: UnixMillis,
    waiting: u32,
    in_progress: u32,
    arrivals: u32,
    mut waits: Vec<u64>,
) -> SeriesPoint {
    waits.sort_unstable();
    SeriesPoint {
        at,
        waiting,
        in_progress,
        wait_p50_ms: percentile(&waits, 50),
        wait_p90_ms: percentile(&waits, 90),
        wait_max_ms: waits.last().copied().unwrap_or(0),
        arrivals,
        accepts: u32::try_from(waits.len()).unwrap_or(u32::MAX),
    }
}

/// The nearest-rank percentile of sorted values (0 for none): the smallest value with at
/// least `p` percent of the values at or below it.
pub fn percentile(sorted: &[u64], p: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), 0);
        assert_eq!(percentile(&[7], 90), 7);
        assert_eq!(percentile(&[1, 2, 3, 4], 50), 2);
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), 10);
    }

    #[test]
    fn the_ring_keeps_one_hour() {
        let mut series = Series::default();
        let team = TeamId::new("t");
        for i in 1..=400u64 {
            series.push(&team, point(i * SERIES_STEP_MS, 0, 0, 0, Vec::new()));
        }
        let points = series.points(&team);
        assert_eq!(points.len(), MAX_POINTS);
        assert_eq!(points[0].at, 41 * SERIES_STEP_MS);
    }

    #[test]
    fn steps_end_on_boundaries() {
        let mut series = Series::default();
        assert_eq!(series.step_ended(10_500), None);
        assert_eq!(series.step_ended(19_999), None);
        assert_eq!(series.step_ended(20_000), Some(20_000));
        assert_eq!(series.step_ended(25_000), None);
        assert_eq!(series.step_ended(95_000), Some(90_000));
    }
}
