//! Waits for egui_kittest harnesses (the `ui` feature): step frames until a condition holds,
//! or fail after the deadline with what was awaited and every label (and text) visible.
//! Generic over the harness's state, so the kit does not depend on the console.

use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};
use std::time::{Duration, Instant};

/// How long a UI test steps frames waiting for something before it fails (frames wait on
/// the server's runtime, and a busy machine draws slowly).
pub const FRAME_DEADLINE: Duration = Duration::from_secs(15);

/// Steps frames until `done` holds; panics after the deadline with `what` and the visible
/// labels.
pub fn step_until<'a, S>(
    harness: &mut Harness<'a, S>,
    what: &str,
    mut done: impl FnMut(&Harness<'a, S>) -> bool,
) {
    let deadline = Instant::now() + FRAME_DEADLINE;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for: {what}\nvisible labels: {:?}",
            visible_labels(harness)
        );
        std::thread::yield_now();
    }
}

/// Every label and every text shown (a label's text is its value) in the accessibility
/// tree, in tree order: what a timed-out wait saw.
pub fn visible_labels<S>(harness: &Harness<'_, S>) -> Vec<String> {
    harness
        .query_all(By::new().predicate(|n| n.label().is_some() || n.value().is_some()))
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .filter(|text| !text.is_empty())
        .collect()
}

/// Steps until exactly one widget has this label.
pub fn wait_for_label<S>(harness: &mut Harness<'_, S>, label: &str) {
    step_until(harness, &format!("a widget labelled {label:?}"), |h| {
        h.query_by_label(label).is_some()
    });
}

/// Steps until a widget whose label contains `part` exists.
pub fn wait_for_label_containing<S>(harness: &mut Harness<'_, S>, part: &str) {
    step_until(
        harness,
        &format!("a widget whose label contains {part:?}"),
        |h| h.query_by_label_contains(part).is_some(),
    );
}

/// Whether at least one widget has exactly this label (several may).
pub fn has_label<S>(harness: &Harness<'_, S>, label: &str) -> bool {
    harness.query_all_by_label(label).next().is_some()
}

/// Steps until at least one widget has exactly this label (several may).
pub fn wait_for_any_label<S>(harness: &mut Harness<'_, S>, label: &str) {
    step_until(harness, &format!("a widget labelled {label:?}"), |h| {
        has_label(h, label)
    });
}

/// Steps until no widget has this label.
pub fn wait_for_no_label<S>(harness: &mut Harness<'_, S>, label: &str) {
    step_until(harness, &format!("no widget labelled {label:?}"), |h| {
        !has_label(h, label)
    });
}
