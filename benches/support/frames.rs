//! Timing console frames for the UI benches (`queue_view`, `dashboard`): this thread's CPU
//! time per `Harness::step`, so another process on the machine does not count.
//! Included with `#[path]` by each bench (a bench is its own crate).

use egui_kittest::Harness;
use std::time::Instant;

/// CPU time of this thread in nanoseconds (the first field of schedstat), or wall time if
/// unavailable.
pub fn thread_cpu_ns(wall: Instant) -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or_else(|| wall.elapsed().as_nanos() as u64)
}

/// Milliseconds of CPU per frame over `frames` frames, after three warm-up frames (font
/// atlas, layout caches). `before_frame(harness, k)` runs before frame `k` (from 1), outside
/// the timing: applying the change the frame then draws.
pub fn ms_per_frame<S>(
    harness: &mut Harness<'_, S>,
    frames: u32,
    mut before_frame: impl FnMut(&mut Harness<'_, S>, u64),
) -> f64 {
    for _ in 0..3 {
        harness.step();
    }
    let wall = Instant::now();
    let mut total_ns = 0u64;
    for k in 1..=u64::from(frames) {
        before_frame(harness, k);
        let before = thread_cpu_ns(wall);
        harness.step();
        total_ns += thread_cpu_ns(wall) - before;
    }
    total_ns as f64 / f64::from(frames) / 1e6
}
