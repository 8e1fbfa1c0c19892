//! What of the rep's unsent text to save, and when: pure, the clock is an argument, no IO.
//!
//! The app shows the book what every composer holds after each frame
//! ([`DraftBook::observe`]); the book keeps a bounded copy and says when it is time to hand
//! it to the writer ([`DraftBook::due`]): [`DEBOUNCE_MS`] after the last keystroke, but never
//! later than [`MAX_UNSAVED_MS`] after the first unsaved one (a rep typing without a pause
//! still gets saved), and at once when a draft went away (sent, or its session closed), so a
//! crash right after Send never brings back a message that was already sent.
//!
//! Drafts read from disk wait in the book until the first snapshot says which sessions and
//! teams are still the rep's ([`DraftBook::restore`]); until then nothing is saved, so the
//! file is never overwritten by the empty composers of a console that is still starting.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use switchboard_protocol::{SessionId, TeamId, UnixMillis};

/// Save this long after the last change (typing on resets it).
pub const DEBOUNCE_MS: u64 = 700;
/// ...but no later than this after the first change not yet saved.
pub const MAX_UNSAVED_MS: u64 = 5_000;
/// The longest draft kept, in characters: the server refuses longer chat messages
/// (`router::MAX_CHAT_CHARS`), so more could never be sent anyway.
pub const MAX_DRAFT_CHARS: usize = switchboard_server::router::MAX_CHAT_CHARS;
/// The most drafts kept (a rep has far fewer composers open; this bounds the file).
pub const MAX_DRAFTS: usize = 200;
/// The longest team id accepted from the file (real ones are short names).
pub const MAX_TEAM_ID_CHARS: usize = 200;

/// Which composer a draft belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DraftKey {
    /// A session's chat composer.
    Session { session_id: SessionId },
    /// A team chat's message box.
    Team { team: TeamId },
}

/// One saved draft: the text and the switches that decide who would read it, so a note
/// meant for reps only is never restored as one to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub key: DraftKey,
    pub text: String,
    #[serde(default)]
    pub reps_only: bool,
    #[serde(default)]
    pub whisper: bool,
}

/// A composer as the app sees it this frame (borrowed: observing allocates only on change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComposerView<'a> {
    pub text: &'a str,
    pub reps_only: bool,
    pub whisper: bool,
}

impl ComposerView<'_> {
    /// The composer's text as saved: cut at [`MAX_DRAFT_CHARS`] characters.
    fn bounded_text(&self) -> &str {
        bounded(self.text)
    }

    fn same_as(&self, draft: &Draft) -> bool {
        // Every frame looks: the plain comparison settles the usual case without walking
        // the characters to find the cut.
        (self.text == draft.text || self.bounded_text() == draft.text)
            && self.reps_only == draft.reps_only
            && self.whisper == draft.whisper
    }
}

/// `text` cut at [`MAX_DRAFT_CHARS`] characters (on a character boundary).
pub fn bounded(text: &str) -> &str {
    // No more bytes than the limit: no more characters either.
    if text.len() <= MAX_DRAFT_CHARS {
        return text;
    }
    match text.char_indices().nth(MAX_DRAFT_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Whether a draft is worth keeping: blank text is not.
fn worth_keeping(text: &str) -> bool {
    !text.trim().is_empty()
}

/// Drafts from a file, made safe: blank ones and over-long team ids dropped, texts cut to
/// [`MAX_DRAFT_CHARS`], one per key (the first), at most [`MAX_DRAFTS`].
pub fn sanitise(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut kept: BTreeMap<DraftKey, Draft> = BTreeMap::new();
    for mut draft in drafts {
        if kept.len() >= MAX_DRAFTS {
            break;
        }
        let team_ok = match &draft.key {
            DraftKey::Team { team } => team.as_str().chars().count() <= MAX_TEAM_ID_CHARS,
            DraftKey::Session { .. } => true,
        };
        if !team_ok || !worth_keeping(&draft.text) || kept.contains_key(&draft.key) {
            continue;
        }
        let cut = bounded(&draft.text).len();
        draft.text.truncate(cut);
        kept.insert(draft.key.clone(), draft);
    }
    kept.into_values().collect()
}

/// What [`DraftBook::due`] asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Nothing unsaved.
    Idle,
    /// Unsaved changes: look again at this time (the app asks for a repaint then).
    At(UnixMillis),
    /// Hand these drafts (all of them: the file is rewritten whole) to the writer.
    Save(Vec<Draft>),
}

/// The drafts of one account (server and rep), as last seen in the composers.
#[derive(Debug, Clone, Default)]
pub struct DraftBook {
    /// Read from disk and not yet checked against a snapshot (`None` once restored).
    awaiting_restore: Option<Vec<Draft>>,
    /// What the composers hold, bounded, by key.
    current: BTreeMap<DraftKey, Draft>,
    /// The first change since the last save, and the latest one.
    first_unsaved: Option<UnixMillis>,
    last_change: Option<UnixMillis>,
    /// A draft went away since the last save: save without waiting.
    urgent: bool,
    /// Composers past [`MAX_DRAFTS`] were left out (warned once per book).
    warned_full: bool,
}

impl DraftBook {
    /// A book holding what was on disk, waiting for [`restore`](Self::restore).
    pub fn loaded(drafts: Vec<Draft>) -> DraftBook {
        DraftBook {
            awaiting_restore: Some(sanitise(drafts)),
            ..DraftBook::default()
        }
    }

    /// Whether the drafts from disk still wait for the first snapshot.
    pub fn awaiting_restore(&self) -> bool {
        self.awaiting_restore.is_some()
    }

    /// The snapshot arrived: keeps the drafts whose session or team `still_mine` says is
    /// still the rep's and returns them for the composers; the others are dropped, and if
    /// any were, the file is rewritten at once without them. Later calls return nothing.
    pub fn restore(
        &mut self,
        now: UnixMillis,
        still_mine: impl Fn(&DraftKey) -> bool,
    ) -> Vec<Draft> {
        let Some(loaded) = self.awaiting_restore.take() else {
            return Vec::new();
        };
        let total = loaded.len();
        let kept: Vec<Draft> = loaded.into_iter().filter(|d| still_mine(&d.key)).collect();
        self.current = kept.iter().map(|d| (d.key.clone(), d.clone())).collect();
        if kept.len() < total {
            self.mark_changed(now, true);
        }
        kept
    }

    /// Looks at what every composer holds now. Blank composers hold no draft; one that held
    /// a draft before and is blank or gone now (sent, closed) makes the next save urgent.
    /// Ignored while the drafts from disk await [`restore`](Self::restore).
    pub fn observe<'a>(
        &mut self,
        now: UnixMillis,
        composers: impl IntoIterator<Item = (DraftKey, ComposerView<'a>)>,
    ) {
        if self.awaiting_restore.is_some() {
            return;
        }
        let mut seen: Vec<(DraftKey, ComposerView<'a>)> = composers
            .into_iter()
            .filter(|(_, view)| worth_keeping(view.text))
            .collect();
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        seen.dedup_by(|a, b| a.0 == b.0);
        if seen.len() > MAX_DRAFTS {
            if !self.warned_full {
                tracing::warn!(
                    composers = seen.len(),
                    kept = MAX_DRAFTS,
                    "more composers hold text than drafts are kept; the rest are not saved",
                );
                self.warned_full = true;
            }
            seen.truncate(MAX_DRAFTS);
        }
        let unchanged = seen.len() == self.current.len()
            && seen
                .iter()
                .zip(self.current.iter())
                .all(|((key, view), (saved_key, saved))| key == saved_key && view.same_as(saved));
        if unchanged {
            return;
        }
        let went_away = self
            .current
            .keys()
            .any(|key| seen.binary_search_by(|(k, _)| k.cmp(key)).is_err());
        self.current = seen
            .into_iter()
            .map(|(key, view)| {
                let draft = Draft {
                    key: key.clone(),
                    text: view.bounded_text().to_owned(),
                    reps_only: view.reps_only,
                    whisper: view.whisper,
                };
                (key, draft)
            })
            .collect();
        self.mark_changed(now, went_away);
    }

    /// Whether to save now, later, or not at all. A [`Due::Save`] counts as saved.
    pub fn due(&mut self, now: UnixMillis) -> Due {
        let (Some(first), Some(last)) = (self.first_unsaved, self.last_change) else {
            return Due::Idle;
        };
        let at = if self.urgent {
            now
        } else {
            (last + DEBOUNCE_MS).min(first + MAX_UNSAVED_MS)
        };
        if now < at {
            return Due::At(at);
        }
        self.first_unsaved = None;
        self.last_change = None;
        self.urgent = false;
        Due::Save(self.drafts())
    }

    /// Everything unsaved, now, whatever the debounce says (exit, logout). `None` if nothing
    /// changed since the last save.
    pub fn save_now(&mut self) -> Option<Vec<Draft>> {
        self.urgent = true;
        match self.due(UnixMillis::MAX) {
            Due::Save(drafts) => Some(drafts),
            Due::Idle | Due::At(_) => {
                self.urgent = false;
                None
            }
        }
    }

    /// The drafts held now, in key order.
    pub fn drafts(&self) -> Vec<Draft> {
        self.current.values().cloned().collect()
    }

    fn mark_changed(&mut self, now: UnixMillis, urgent: bool) {
        self.first_unsaved.get_or_insert(now);
        self.last_change = Some(now);
        self.urgent |= urgent;
    }
}
