//! Sorting and filtering a queue's entries. The sorted order is cached and rebuilt only
//! when the queue changes (its generation), or the sort or the filter does: not every frame.

use super::Queue;
use super::column::Column;
use crate::text::display;
use std::cmp::Ordering;
use switchboard_protocol::{QueueEntry, SessionKind};

/// A queue's rows in display order, as indices into `Queue::entries`.
#[derive(Debug, Default, Clone)]
pub struct SortedView {
    key: Option<(u64, Column, bool, String)>,
    rows: Vec<usize>,
    /// How many times the order was rebuilt (for tests and the benchmark).
    pub rebuilds: u64,
}

impl SortedView {
    /// The rows of `queue` sorted by `column` and filtered by `filter` (case-insensitive).
    pub fn rows(
        &mut self,
        queue: &Queue,
        column: Column,
        descending: bool,
        filter: &str,
    ) -> &[usize] {
        let key = (queue.generation, column, descending, filter.to_owned());
        if self.key.as_ref() != Some(&key) {
            self.rows = sorted_rows(&queue.entries, column, descending, filter);
            self.key = Some(key);
            self.rebuilds += 1;
        }
        &self.rows
    }
}

/// Indices of the entries matching `filter`, sorted. Ties keep the queue order (oldest first).
pub fn sorted_rows(
    entries: &[QueueEntry],
    column: Column,
    descending: bool,
    filter: &str,
) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..entries.len())
        .filter(|i| needle.is_empty() || matches(&entries[*i], &needle))
        .collect();
    // Entries without a value for the column stay last in both directions.
    let missing = |e: &QueueEntry| match column {
        Column::Issue => e.issue.is_none(),
        Column::Company => e.customer.company.is_none(),
        _ => false,
    };
    rows.sort_by(|a, b| {
        let (ea, eb) = (&entries[*a], &entries[*b]);
        missing(ea).cmp(&missing(eb)).then_with(|| {
            let order = compare(ea, eb, column);
            let order = if descending { order.reverse() } else { order };
            order.then_with(|| ea.entered_queue_at.cmp(&eb.entered_queue_at))
        })
    });
    rows
}

/// Compares two entries by one column, ascending.
pub fn compare(a: &QueueEntry, b: &QueueEntry, column: Column) -> Ordering {
    match column {
        Column::Customer => a
            .customer
            .name
            .to_lowercase()
            .cmp(&b.customer.name.to_lowercase())
            .then((a.kind == SessionKind::Browser).cmp(&(b.kind == SessionKind::Browser))),
        // Ascending time in queue = the newest arrival first.
        Column::TimeInQueue => b.entered_queue_at.cmp(&a.entered_queue_at),
        Column::Issue => optional(
            a.issue.as_ref().map(|i| i.as_str()),
            b.issue.as_ref().map(|i| i.as_str()),
        ),
        Column::Queue => a.queue.to_string().cmp(&b.queue.to_string()),
        Column::EntryPath => {
            display::entry_path(a.entry_path).cmp(display::entry_path(b.entry_path))
        }
        Column::Company => optional(a.customer.company.as_deref(), b.customer.company.as_deref()),
        Column::SessionStart => a.session_started_at.cmp(&b.session_started_at),
        Column::Important => a.important.cmp(&b.important),
    }
}

/// Present values before missing ones, then alphabetical.
fn optional(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Whether an entry matches a lower-case search: customer, company, issue, question or session number.
pub fn matches(entry: &QueueEntry, needle: &str) -> bool {
    let hay = [
        Some(entry.customer.name.as_str()),
        entry.customer.company.as_deref(),
        entry.customer.question.as_deref(),
        entry.issue.as_ref().map(|i| i.as_str()),
        entry.session_key.as_deref(),
    ];
    hay.iter()
        .flatten()
        .any(|h| h.to_lowercase().contains(needle))
        || entry.session_id.to_string() == needle.trim_start_matches('#')
}
