//! The rep's drafts in the app: the account's drafts read at login, put back into the
//! composers once the first snapshot says which sessions and teams are still the rep's,
//! and every composer shown to the [`DraftBook`] after each frame, which says when to hand
//! them to the writer thread (see [`crate::drafts`]).

use super::*;
use crate::drafts::{ComposerView, DraftBook, DraftKey, DraftStore, DraftWriter, Due, still_mine};
use switchboard_protocol::{RepId, UnixMillis};

/// The drafts of the account logged in, and where and by whom they are written.
pub(super) struct Drafts {
    /// The drafts directory; `None` when the OS gives no home (drafts are then not kept).
    dir: Option<PathBuf>,
    writer: Option<DraftWriter>,
    /// The account logged in, its file and its book.
    account: Option<(DraftStore, DraftBook)>,
}

impl Drafts {
    /// Drafts beside the prefs file when one is given (tests), else in the OS data
    /// directory; none with `--demo`, whose server and sessions end with the process (and
    /// whose port, part of the file's name, changes each run).
    pub fn new(options: &AppOptions) -> Drafts {
        let dir = match &options.prefs_path {
            _ if options.demo => None,
            Some(prefs) => Some(DraftStore::dir_beside(prefs)),
            None => DraftStore::default_dir(),
        };
        let writer = dir.as_ref().map(|_| DraftWriter::spawn());
        Drafts {
            dir,
            writer,
            account: None,
        }
    }
}

impl SwitchboardApp {
    /// Logged in as `rep` on the server in the login form: reads that account's drafts
    /// (one small file, capped in size) to restore once the snapshot has arrived. A login
    /// again as the same account (after a reconnect) keeps the book it has.
    pub(super) fn drafts_logged_in(&mut self, rep: &RepId) {
        let Some(dir) = &self.drafts.dir else {
            return;
        };
        let store = DraftStore::for_account(dir, &self.panels.login.server_url, rep.as_str());
        if self
            .drafts
            .account
            .as_ref()
            .is_some_and(|(kept, _)| *kept == store)
        {
            return;
        }
        self.drafts_logged_out();
        let book = DraftBook::loaded(store.load());
        self.drafts.account = Some((store, book));
    }

    /// Logging out (or in as someone else): what is unsaved is written, and the composers
    /// are emptied, so the next account never sees this one's text.
    pub(super) fn drafts_logged_out(&mut self) {
        self.save_drafts_now();
        self.drafts.account = None;
        self.panels.drafts.clear();
        self.panels.team_drafts.clear();
    }

    /// After each frame: restores once the snapshot is in, shows the book every composer,
    /// and saves when it says so (or asks for a frame when it will).
    pub(super) fn keep_drafts(&mut self, ctx: &egui::Context, now: UnixMillis) {
        let Some((store, book)) = &mut self.drafts.account else {
            return;
        };
        if book.awaiting_restore() && self.model.ready {
            let model = &self.model;
            for draft in book.restore(now, |key| still_mine(model, key)) {
                restore_into_composer(&mut self.panels, draft);
            }
        }
        let sessions = self.panels.drafts.iter().map(|(id, draft)| {
            let view = ComposerView {
                text: &draft.text,
                reps_only: draft.reps_only,
                whisper: draft.whisper,
            };
            (DraftKey::Session { session_id: *id }, view)
        });
        let teams = self.panels.team_drafts.iter().map(|(team, text)| {
            let view = ComposerView {
                text,
                reps_only: false,
                whisper: false,
            };
            (DraftKey::Team { team: team.clone() }, view)
        });
        book.observe(now, sessions.chain(teams));
        match book.due(now) {
            Due::Idle => {}
            Due::At(at) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(at.saturating_sub(now)));
            }
            Due::Save(drafts) => {
                if let Some(writer) = &self.drafts.writer {
                    writer.save(store.clone(), drafts);
                }
            }
        }
    }

    /// Hands whatever is unsaved to the writer at once (logout, exit).
    fn save_drafts_now(&mut self) {
        if let Some((store, book)) = &mut self.drafts.account
            && let Some(drafts) = book.save_now()
            && let Some(writer) = &self.drafts.writer
        {
            writer.save(store.clone(), drafts);
        }
    }

    /// Saves what is unsaved and waits until every draft handed over is on disk (exit).
    pub fn flush_drafts(&mut self) {
        self.save_drafts_now();
        if let Some(writer) = &self.drafts.writer {
            writer.flush();
        }
    }
}

/// Puts a restored draft into its composer, unless the rep has typed there already.
fn restore_into_composer(panels: &mut Panels, draft: crate::drafts::Draft) {
    match draft.key {
        DraftKey::Session { session_id } => {
            let composer = panels.drafts.entry(session_id).or_default();
            if composer.text.is_empty() {
                composer.text = draft.text;
                composer.reps_only = draft.reps_only;
                composer.whisper = draft.whisper;
            }
        }
        DraftKey::Team { team } => {
            let composer = panels.team_drafts.entry(team).or_default();
            if composer.is_empty() {
                *composer = draft.text;
            }
        }
    }
}
