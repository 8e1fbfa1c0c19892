//! The draft book's rules: the debounce and its upper bound, urgent saves when a draft
//! goes, the bounds, and restoring only what is still the rep's.

use super::book::*;
use switchboard_protocol::{SessionId, TeamId};

fn session(id: u64) -> DraftKey {
    DraftKey::Session {
        session_id: SessionId(id),
    }
}

fn team(name: &str) -> DraftKey {
    DraftKey::Team {
        team: TeamId::new(name),
    }
}

fn view(text: &str) -> ComposerView<'_> {
    ComposerView {
        text,
        reps_only: false,
        whisper: false,
    }
}

fn draft(key: DraftKey, text: &str) -> Draft {
    Draft {
        key,
        text: text.to_owned(),
        reps_only: false,
        whisper: false,
    }
}

/// A book past its restore (nothing from disk).
fn fresh() -> DraftBook {
    let mut book = DraftBook::loaded(Vec::new());
    assert!(book.restore(0, |_| true).is_empty());
    book
}

fn saved(due: Due) -> Vec<Draft> {
    match due {
        Due::Save(drafts) => drafts,
        other => panic!("expected a save, got {other:?}"),
    }
}

#[test]
fn saves_700_ms_after_the_last_keystroke() {
    let mut book = fresh();
    book.observe(1_000, [(session(1), view("H"))]);
    assert_eq!(book.due(1_000), Due::At(1_700));
    book.observe(1_300, [(session(1), view("Hel"))]);
    assert_eq!(
        book.due(1_699),
        Due::At(2_000),
        "typing pushes the save out"
    );
    let drafts = saved(book.due(2_000));
    assert_eq!(drafts, vec![draft(session(1), "Hel")]);
    assert_eq!(book.due(2_001), Due::Idle, "saved once");
    book.observe(2_500, [(session(1), view("Hel"))]);
    assert_eq!(
        book.due(9_999),
        Due::Idle,
        "the same text is not saved again"
    );
}

#[test]
fn typing_without_a_pause_is_saved_within_the_upper_bound() {
    let mut book = fresh();
    let mut text = String::new();
    let mut now = 10_000;
    let mut saves = 0;
    while now <= 10_000 + 2 * MAX_UNSAVED_MS + 100 {
        text.push('x');
        book.observe(now, [(session(1), view(&text))]);
        if let Due::Save(_) = book.due(now) {
            saves += 1;
        }
        now += 100;
    }
    assert_eq!(
        saves, 2,
        "one save per {MAX_UNSAVED_MS} ms while the rep never pauses"
    );
}

#[test]
fn a_draft_sent_or_closed_is_saved_at_once() {
    let mut book = fresh();
    book.observe(0, [(session(1), view("hello")), (team("t"), view("hi"))]);
    saved(book.due(700));
    // Sent: the composer is blank now.
    book.observe(800, [(session(1), view("")), (team("t"), view("hi"))]);
    assert_eq!(saved(book.due(800)), vec![draft(team("t"), "hi")]);
    // The team chat window's draft went (its text gone from the composers).
    book.observe(900, []);
    assert_eq!(saved(book.due(900)), vec![]);
}

#[test]
fn whitespace_is_not_a_draft() {
    let mut book = fresh();
    book.observe(0, [(session(1), view("  \n "))]);
    assert_eq!(book.due(10_000), Due::Idle);
}

#[test]
fn the_switches_are_kept_and_a_change_to_them_is_saved() {
    let mut book = fresh();
    book.observe(0, [(session(1), view("note"))]);
    saved(book.due(700));
    let reps_only = ComposerView {
        reps_only: true,
        ..view("note")
    };
    book.observe(1_000, [(session(1), reps_only)]);
    let drafts = saved(book.due(1_700));
    assert!(drafts[0].reps_only);
}

#[test]
fn a_draft_is_cut_at_the_chat_limit_on_a_character_boundary() {
    let mut book = fresh();
    let long = "é".repeat(MAX_DRAFT_CHARS + 10);
    book.observe(0, [(session(1), view(&long))]);
    let drafts = saved(book.due(700));
    assert_eq!(drafts[0].text.chars().count(), MAX_DRAFT_CHARS);
    // Typing past the limit changes nothing saved.
    book.observe(800, [(session(1), view(&format!("{long}more")))]);
    assert_eq!(book.due(5_000), Due::Idle);
}

#[test]
fn at_most_max_drafts_are_kept() {
    let mut book = fresh();
    let texts: Vec<String> = (0..MAX_DRAFTS as u64 + 5)
        .map(|i| format!("d{i}"))
        .collect();
    book.observe(
        0,
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (session(i as u64), view(t))),
    );
    assert_eq!(saved(book.due(700)).len(), MAX_DRAFTS);
}

#[test]
fn nothing_is_saved_before_the_restore() {
    let mut book = DraftBook::loaded(vec![draft(session(1), "kept")]);
    // The composers are still empty while the console starts: that must not erase the file.
    book.observe(0, []);
    assert_eq!(book.due(60_000), Due::Idle);
    assert!(book.awaiting_restore());
}

#[test]
fn restores_only_what_is_still_the_reps_and_saves_without_the_rest() {
    let mut book = DraftBook::loaded(vec![
        draft(session(1), "mine"),
        draft(session(2), "closed meanwhile"),
        draft(team("support"), "team note"),
        draft(team("left-team"), "old team"),
    ]);
    let restored = book.restore(5_000, |key| {
        matches!(key, DraftKey::Session { session_id } if session_id.0 == 1)
            || *key == team("support")
    });
    assert_eq!(
        restored,
        vec![
            draft(session(1), "mine"),
            draft(team("support"), "team note")
        ]
    );
    assert_eq!(
        saved(book.due(5_000)),
        restored,
        "the dropped drafts leave the file at once"
    );
    assert!(book.restore(6_000, |_| true).is_empty(), "restores once");
    // The composers now hold what was restored: nothing to save.
    book.observe(
        6_000,
        [
            (session(1), view("mine")),
            (team("support"), view("team note")),
        ],
    );
    assert_eq!(book.due(60_000), Due::Idle);
}

#[test]
fn a_restore_that_keeps_everything_does_not_rewrite_the_file() {
    let mut book = DraftBook::loaded(vec![draft(session(1), "mine")]);
    assert_eq!(book.restore(0, |_| true).len(), 1);
    assert_eq!(book.due(60_000), Due::Idle);
}

#[test]
fn loaded_drafts_are_bounded() {
    let mut many: Vec<Draft> = (0..MAX_DRAFTS as u64 + 50)
        .map(|i| draft(session(i), "x"))
        .collect();
    many.push(draft(session(0), "a duplicate key"));
    many.insert(
        0,
        draft(team(&"t".repeat(MAX_TEAM_ID_CHARS + 1)), "long id"),
    );
    many.insert(0, draft(session(9_999), "   "));
    many.insert(0, draft(session(10_000), &"y".repeat(MAX_DRAFT_CHARS * 2)));
    let kept = sanitise(many);
    assert_eq!(kept.len(), MAX_DRAFTS);
    assert!(
        kept.iter()
            .all(|d| d.text.chars().count() <= MAX_DRAFT_CHARS)
    );
    assert!(
        kept.iter()
            .all(|d| matches!(d.key, DraftKey::Session { .. }))
    );
    assert!(kept.iter().all(|d| !d.text.trim().is_empty()));
    assert_eq!(
        kept.iter()
            .find(|d| d.key == session(0))
            .map(|d| d.text.as_str()),
        Some("x"),
        "the first of two drafts with one key wins"
    );
}

#[test]
fn save_now_saves_pending_changes_only() {
    let mut book = fresh();
    assert_eq!(book.save_now(), None);
    book.observe(0, [(session(1), view("bye"))]);
    assert_eq!(book.save_now(), Some(vec![draft(session(1), "bye")]));
    assert_eq!(book.save_now(), None);
    assert_eq!(book.due(60_000), Due::Idle);
}
