//! The files database's thread: one OS thread owns its connection and runs jobs from a
//! channel, one at a time, exactly as the main database's thread does, but apart from it.
//! A large file being written here never delays a chat commit there.

use super::error::StoreError;
use super::files::{self, FileInfo};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use switchboard_protocol::{Attachment, SessionId};
use tokio::sync::oneshot;

/// A closure run on the files thread; it sends its own result back.
type Job = Box<dyn FnOnce(&mut Connection) + Send + 'static>;

/// A handle to the files database's thread. Cheap to clone; the thread stops when the last
/// clone is dropped, after finishing the jobs already sent.
#[derive(Debug, Clone)]
pub(crate) struct FileStore {
    jobs: mpsc::Sender<Job>,
}

impl FileStore {
    /// Opens (or creates) the files database beside the main database at `main_path`, and
    /// moves into it the files an older server kept in `main` (an SQLite main database;
    /// `None` with PostgreSQL, which never held files). Blocking.
    pub(crate) fn open(
        main_path: &Path,
        main: Option<&mut Connection>,
    ) -> Result<FileStore, StoreError> {
        let path = files::files_path(main_path);
        let mut conn = files::open(&path)?;
        if let Some(main) = main {
            files::move_from_main(main, &mut conn)?;
        }
        let (jobs, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("switchboard-files".to_owned())
            .spawn(move || {
                let mut conn = conn;
                while let Ok(job) = receiver.recv() {
                    job(&mut conn);
                }
                tracing::debug!("files database thread stopped");
            })
            .map_err(StoreError::Spawn)?;
        Ok(FileStore { jobs })
    }

    pub(crate) async fn put(
        &self,
        session_id: SessionId,
        attachment: Attachment,
        data: Vec<u8>,
        now: u64,
    ) -> Result<(), StoreError> {
        self.call(move |conn| files::put(conn, session_id, &attachment, &data, now))
            .await
    }

    pub(crate) async fn info(&self, file_id: String) -> Result<Option<FileInfo>, StoreError> {
        self.call(move |conn| files::info(conn, &file_id)).await
    }

    pub(crate) async fn data(&self, file_id: String) -> Result<Option<Vec<u8>>, StoreError> {
        self.call(move |conn| files::data(conn, &file_id)).await
    }

    pub(crate) async fn delete(&self, file_id: String) -> Result<(), StoreError> {
        self.call(move |conn| files::delete(conn, &file_id)).await
    }

    /// Runs `f` on the files thread and waits for its result.
    async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, receiver) = oneshot::channel();
        let job: Job = Box::new(move |conn: &mut Connection| {
            // The caller may have stopped waiting; nothing else to do with the result.
            let _ = reply.send(f(conn));
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        receiver.await.map_err(|_| StoreError::Closed)?
    }
}
