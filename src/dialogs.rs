//! Choosing files: the native open and save dialogs (rfd, through the desktop's portal), or
//! fixed answers for tests. A dialog runs on its own thread and its answer comes back on a
//! channel, so the window keeps drawing while it is open.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use switchboard_protocol::{Attachment, SessionId};

/// How the console asks the rep for files.
#[derive(Debug, Clone, Default)]
pub enum FileDialogs {
    /// The desktop's own dialogs.
    #[default]
    Native,
    /// Tests: "Attach file" picks `pick`; "Save" writes into `save_dir` under the file's name.
    Fixed { pick: PathBuf, save_dir: PathBuf },
}

/// What a dialog came back with.
#[derive(Debug, Clone, PartialEq)]
pub enum Chosen {
    /// A file to upload into a session.
    Upload {
        session_id: SessionId,
        path: PathBuf,
    },
    /// Where to save a shared file.
    SaveAs {
        attachment: Attachment,
        path: PathBuf,
    },
}

/// Opens dialogs and collects their answers.
pub struct Dialogs {
    kind: FileDialogs,
    answers_tx: Sender<Chosen>,
    answers: Receiver<Chosen>,
    wake: std::sync::Arc<dyn Fn() + Send + Sync>,
}

impl Dialogs {
    pub fn new(kind: FileDialogs, wake: impl Fn() + Send + Sync + 'static) -> Dialogs {
        let (answers_tx, answers) = channel();
        Dialogs {
            kind,
            answers_tx,
            answers,
            wake: std::sync::Arc::new(wake),
        }
    }

    /// "Attach file": the rep picks a file to send into the session.
    pub fn pick_upload(&self, session_id: SessionId) {
        match &self.kind {
            FileDialogs::Fixed { pick, .. } => self.answer(Chosen::Upload {
                session_id,
                path: pick.clone(),
            }),
            FileDialogs::Native => self.on_thread(move || {
                rfd::FileDialog::new()
                    .set_title("Attach a file")
                    .pick_file()
                    .map(|path| Chosen::Upload { session_id, path })
            }),
        }
    }

    /// "Save": the rep chooses where a shared file goes.
    pub fn pick_save(&self, attachment: Attachment) {
        match &self.kind {
            FileDialogs::Fixed { save_dir, .. } => {
                let path = save_dir.join(&attachment.name);
                self.answer(Chosen::SaveAs { attachment, path });
            }
            FileDialogs::Native => self.on_thread(move || {
                rfd::FileDialog::new()
                    .set_title("Save the file")
                    .set_file_name(&attachment.name)
                    .save_file()
                    .map(|path| Chosen::SaveAs { attachment, path })
            }),
        }
    }

    /// The answers that came back since the last call.
    pub fn answers(&self) -> Vec<Chosen> {
        self.answers.try_iter().collect()
    }

    fn answer(&self, chosen: Chosen) {
        let _ = self.answers_tx.send(chosen);
        (self.wake)();
    }

    fn on_thread(&self, dialog: impl FnOnce() -> Option<Chosen> + Send + 'static) {
        let tx = self.answers_tx.clone();
        let wake = self.wake.clone();
        let started = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                // Cancelled: nothing to do.
                if let Some(chosen) = dialog() {
                    let _ = tx.send(chosen);
                    wake();
                }
            });
        if let Err(error) = started {
            tracing::error!(%error, "could not open a file dialog");
        }
    }
}
