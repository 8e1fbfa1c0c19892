//! Sorting and filtering queue entries, and when a sorted view rebuilds.

use super::*;
use crate::model::Queue;
use crate::model::column::Column;
use crate::model::queue_view::{SortedView, matches, sorted_rows};

/// An entry in the general queue named after its session, entered `entered` ms after T0.
fn e(session: u64, entered: u64) -> QueueEntry {
    entry(
        session,
        QueueRef::General,
        &format!("C{session}"),
        T0 + entered,
    )
}

/// The session ids of `entries` in sorted order.
fn order(entries: &[QueueEntry], column: Column, descending: bool) -> Vec<u64> {
    sorted_rows(entries, column, descending, "")
        .into_iter()
        .map(|i| entries[i].session_id.0)
        .collect()
}

fn filtered(entries: &[QueueEntry], filter: &str) -> Vec<u64> {
    let mut ids: Vec<u64> = sorted_rows(entries, Column::TimeInQueue, true, filter)
        .into_iter()
        .map(|i| entries[i].session_id.0)
        .collect();
    ids.sort();
    ids
}

/// Customer sorts by name, ignoring case.
#[test]
fn sorts_by_customer_case_insensitively() {
    let names = ["bob", "Alice", "carol", "Dave"];
    let entries: Vec<QueueEntry> = names
        .iter()
        .zip(1..)
        .map(|(name, id)| QueueEntry {
            customer: CustomerInfo {
                name: (*name).to_owned(),
                company: None,
                question: None,
                contact: None,
            },
            ..e(id, id)
        })
        .collect();
    assert_eq!(order(&entries, Column::Customer, false), vec![2, 1, 3, 4]);
    assert_eq!(order(&entries, Column::Customer, true), vec![4, 3, 1, 2]);
}

/// Of two customers with the same name, the browser session comes after the standard one.
#[test]
fn browser_sessions_sort_after_standard_ones_of_the_same_name() {
    let entries = vec![
        QueueEntry {
            kind: SessionKind::Browser,
            ..entry(1, QueueRef::General, "Jane", T0)
        },
        entry(2, QueueRef::General, "jane", T0 + 1),
    ];
    assert_eq!(order(&entries, Column::Customer, false), vec![2, 1]);
}

/// Time in queue ascending puts the newest arrival first; descending the longest wait first.
#[test]
fn sorts_by_time_in_queue() {
    let entries = vec![e(1, 30), e(2, 10), e(3, 20)];
    assert_eq!(order(&entries, Column::TimeInQueue, false), vec![1, 3, 2]);
    assert_eq!(order(&entries, Column::TimeInQueue, true), vec![2, 3, 1]);
}

fn with_issues() -> Vec<QueueEntry> {
    [Some("refund"), None, Some("Billing"), Some("account")]
        .into_iter()
        .zip(1..)
        .map(|(issue, id)| QueueEntry {
            issue: issue.map(IssueId::new),
            ..e(id, id)
        })
        .collect()
}

fn with_companies() -> Vec<QueueEntry> {
    [Some("acme"), None, Some("Zeta"), Some("Beta")]
        .into_iter()
        .zip(1..)
        .map(|(company, id)| {
            let mut entry = e(id, id);
            entry.customer.company = company.map(str::to_owned);
            entry
        })
        .collect()
}

/// Issue ascending sorts alphabetically (ignoring case) with the entries without an issue
/// last; descending reverses the alphabetical order.
#[test]
fn sorts_by_issue() {
    let entries = with_issues();
    assert_eq!(order(&entries, Column::Issue, false), vec![4, 3, 1, 2]);
    let descending = order(&entries, Column::Issue, true);
    let present: Vec<u64> = descending.into_iter().filter(|id| *id != 2).collect();
    assert_eq!(present, vec![1, 3, 4]);
}

/// Company ascending sorts alphabetically (ignoring case) with the entries without a company
/// last; descending reverses the alphabetical order.
#[test]
fn sorts_by_company() {
    let entries = with_companies();
    assert_eq!(order(&entries, Column::Company, false), vec![1, 4, 3, 2]);
    let descending = order(&entries, Column::Company, true);
    let present: Vec<u64> = descending.into_iter().filter(|id| *id != 2).collect();
    assert_eq!(present, vec![3, 4, 1]);
}

/// Sorted descending by Issue or Company, the entries missing the value still come last.
#[test]
fn missing_issue_and_company_stay_last_descending() {
    assert_eq!(order(&with_issues(), Column::Issue, true), vec![1, 3, 4, 2]);
    assert_eq!(
        order(&with_companies(), Column::Company, true),
        vec![3, 4, 1, 2]
    );
}

/// Session start sorts by when the customer started the session, not when they queued.
#[test]
fn sorts_by_session_start() {
    let entries: Vec<QueueEntry> = [5, 1, 3]
        .into_iter()
        .zip(1..)
        .map(|(started, id)| QueueEntry {
            session_started_at: T0 + started,
            ..e(id, 100 - id)
        })
        .collect();
    assert_eq!(order(&entries, Column::SessionStart, false), vec![2, 3, 1]);
    assert_eq!(order(&entries, Column::SessionStart, true), vec![1, 3, 2]);
}

/// Important ascending puts unmarked entries first, descending the important ones first;
/// within each group the oldest comes first.
#[test]
fn sorts_by_important() {
    let entries: Vec<QueueEntry> = [false, true, false, true]
        .into_iter()
        .zip(1..)
        .map(|(important, id)| QueueEntry {
            important,
            ..e(id, id)
        })
        .collect();
    assert_eq!(order(&entries, Column::Important, false), vec![1, 3, 2, 4]);
    assert_eq!(order(&entries, Column::Important, true), vec![2, 4, 1, 3]);
}

/// Queue sorts by the queue's name (general, personal, team).
#[test]
fn sorts_by_queue() {
    let entries = vec![
        entry(1, billing(), "A", T0 + 1),
        entry(2, QueueRef::General, "B", T0 + 2),
        entry(3, personal(), "C", T0 + 3),
    ];
    assert_eq!(order(&entries, Column::Queue, false), vec![2, 3, 1]);
    assert_eq!(order(&entries, Column::Queue, true), vec![1, 3, 2]);
}

/// Entry path sorts by the label the rep reads ("Help link", "Issue form", "Public site",
/// "Session key").
#[test]
fn sorts_by_entry_path() {
    let entries: Vec<QueueEntry> = [
        EntryPath::SessionKey,
        EntryPath::Issue,
        EntryPath::RepHelpLink,
        EntryPath::General,
    ]
    .into_iter()
    .zip(1..)
    .map(|(entry_path, id)| QueueEntry {
        entry_path,
        ..e(id, id)
    })
    .collect();
    assert_eq!(order(&entries, Column::EntryPath, false), vec![3, 2, 4, 1]);
    assert_eq!(order(&entries, Column::EntryPath, true), vec![1, 4, 2, 3]);
}

/// Entries equal in the sorted column keep the oldest first, in either direction, whatever
/// their order in the queue.
#[test]
fn ties_keep_the_oldest_first() {
    let entries: Vec<QueueEntry> = [300, 100, 200]
        .into_iter()
        .zip(1..)
        .map(|(entered, id)| QueueEntry {
            customer: CustomerInfo {
                name: "Same".to_owned(),
                company: Some("Acme".to_owned()),
                question: None,
                contact: None,
            },
            issue: Some(IssueId::new("refund")),
            session_started_at: T0,
            ..e(id, entered)
        })
        .collect();
    for column in Column::ALL {
        if column == Column::TimeInQueue {
            continue;
        }
        for descending in [false, true] {
            assert_eq!(
                order(&entries, column, descending),
                vec![2, 3, 1],
                "{column:?} descending={descending}"
            );
        }
    }
    // Also with the value missing on every entry.
    let bare: Vec<QueueEntry> = [300, 100, 200]
        .into_iter()
        .zip(1..)
        .map(|(t, id)| e(id, t))
        .collect();
    for column in [Column::Issue, Column::Company] {
        for descending in [false, true] {
            assert_eq!(
                order(&bare, column, descending),
                vec![2, 3, 1],
                "{column:?}"
            );
        }
    }
}

/// Entries that entered the queue at the same moment keep the queue's order by time in queue.
#[test]
fn same_time_in_queue_keeps_the_queue_order() {
    let entries = vec![e(3, 10), e(1, 10), e(2, 10)];
    assert_eq!(order(&entries, Column::TimeInQueue, false), vec![3, 1, 2]);
    assert_eq!(order(&entries, Column::TimeInQueue, true), vec![3, 1, 2]);
}

fn searchable() -> Vec<QueueEntry> {
    let mut jane = entry(1, QueueRef::General, "Jane Doe", T0);
    jane.customer.company = Some("Acme Corp".to_owned());
    let mut oskar = entry(2, QueueRef::General, "Oskar", T0 + 1);
    oskar.customer.question = Some("The Export button does nothing.".to_owned());
    let ana = QueueEntry {
        issue: Some(IssueId::new("refund")),
        ..entry(3, QueueRef::General, "Ana", T0 + 2)
    };
    let kim = QueueEntry {
        session_key: Some("482913".to_owned()),
        entry_path: EntryPath::SessionKey,
        ..entry(4, QueueRef::General, "Kim", T0 + 3)
    };
    vec![
        jane,
        oskar,
        ana,
        kim,
        entry(12, QueueRef::General, "Joe", T0 + 4),
        entry(112, QueueRef::General, "Max", T0 + 5),
    ]
}

/// The filter matches customer name, company, issue, question and session key as
/// substrings, ignoring case and surrounding spaces; "#<id>" matches that session only.
#[test]
fn filter_matches_the_searchable_fields() {
    let entries = searchable();
    assert_eq!(filtered(&entries, "jane"), vec![1]);
    assert_eq!(filtered(&entries, "  jAnE DOE "), vec![1]);
    assert_eq!(filtered(&entries, "ACME"), vec![1]);
    assert_eq!(filtered(&entries, "export"), vec![2]);
    assert_eq!(filtered(&entries, "REFUND"), vec![3]);
    assert_eq!(filtered(&entries, "4829"), vec![4]);
    assert_eq!(filtered(&entries, "#12"), vec![12]);
    assert_eq!(filtered(&entries, "#112"), vec![112]);
    assert_eq!(filtered(&entries, "nobody"), Vec::<u64>::new());
    assert_eq!(filtered(&entries, "").len(), entries.len());
    assert_eq!(filtered(&entries, "   ").len(), entries.len());
}

/// `matches` takes a lower-case needle and checks every searchable field.
#[test]
fn matches_checks_each_field() {
    let entries = searchable();
    assert!(matches(&entries[0], "doe"));
    assert!(matches(&entries[0], "acme corp"));
    assert!(matches(&entries[1], "does nothing"));
    assert!(matches(&entries[2], "ref"));
    assert!(matches(&entries[3], "2913"));
    assert!(matches(&entries[4], "#12"));
    assert!(!matches(&entries[5], "#12"));
    assert!(!matches(&entries[0], "oskar"));
}

/// The filter and the sort combine: matching rows come in sorted order.
#[test]
fn filtered_rows_are_sorted() {
    let entries = vec![
        entry(1, QueueRef::General, "Zed Acme", T0),
        entry(2, QueueRef::General, "Bob", T0 + 1),
        entry(3, QueueRef::General, "amy acme", T0 + 2),
    ];
    let rows = sorted_rows(&entries, Column::Customer, false, "Acme");
    assert_eq!(rows, vec![2, 0]);
}

fn queue(entries: Vec<QueueEntry>, generation: u64) -> Queue {
    Queue {
        queue: QueueRef::General,
        mode: QueueMode::Pull,
        entries,
        generation,
        service_level: Default::default(),
    }
}

/// A sorted view rebuilds only when the queue's generation, the column, the direction or the
/// filter changes; otherwise it returns the cached rows.
#[test]
fn sorted_view_rebuilds_only_when_its_inputs_change() {
    let mut view = SortedView::default();
    let q = queue(vec![e(1, 30), e(2, 10), e(3, 20)], 1);
    assert_eq!(view.rows(&q, Column::TimeInQueue, false, ""), &[0, 2, 1]);
    assert_eq!(view.rebuilds, 1);
    assert_eq!(view.rows(&q, Column::TimeInQueue, false, ""), &[0, 2, 1]);
    assert_eq!(view.rebuilds, 1, "same inputs: cached");

    assert_eq!(view.rows(&q, Column::TimeInQueue, true, ""), &[1, 2, 0]);
    assert_eq!(view.rebuilds, 2, "direction");
    assert_eq!(view.rows(&q, Column::Customer, true, ""), &[2, 1, 0]);
    assert_eq!(view.rebuilds, 3, "column");
    assert_eq!(view.rows(&q, Column::Customer, true, "c2"), &[1]);
    assert_eq!(view.rebuilds, 4, "filter");
    view.rows(&q, Column::Customer, true, "c2");
    assert_eq!(view.rebuilds, 4);

    let mut changed = queue(vec![e(1, 30), e(2, 10), e(3, 20), e(22, 5)], 2);
    assert_eq!(view.rows(&changed, Column::Customer, true, "c2"), &[3, 1]);
    assert_eq!(view.rebuilds, 5, "generation");
    // The same generation is trusted to mean the same entries.
    changed.entries.pop();
    view.rows(&changed, Column::Customer, true, "c2");
    assert_eq!(view.rebuilds, 5);
}

/// Events on the model's queues bump the generation, so a sorted view shows them.
#[test]
fn sorted_view_follows_queue_events() {
    let mut c = Console::new();
    let mut view = SortedView::default();
    assert!(
        view.rows(c.queue(&billing()), Column::Customer, false, "")
            .is_empty()
    );
    c.event(RepEvent::EntryUpserted {
        entry: entry(1, billing(), "Zed", T0),
    });
    c.event(RepEvent::EntryUpserted {
        entry: entry(2, billing(), "Amy", T0 + 1),
    });
    assert_eq!(
        view.rows(c.queue(&billing()), Column::Customer, false, ""),
        &[1, 0]
    );
    c.event(RepEvent::EntryUpserted {
        entry: entry(1, billing(), "Abe", T0),
    });
    assert_eq!(
        view.rows(c.queue(&billing()), Column::Customer, false, ""),
        &[0, 1]
    );
    c.event(RepEvent::EntryRemoved {
        queue: billing(),
        entry_id: "session:2".to_owned(),
    });
    assert_eq!(
        view.rows(c.queue(&billing()), Column::Customer, false, ""),
        &[0]
    );
    assert_eq!(view.rebuilds, 4);
    view.rows(c.queue(&billing()), Column::Customer, false, "");
    assert_eq!(view.rebuilds, 4);
}
