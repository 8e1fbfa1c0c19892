//! The files database's thread: one OS thread owns its connection and runs jobs from a
//! channel, one at a time, exactly as the main database's thread does, but apart from it.
//! A large file being written here never delays a chat commit there.
//!
//! The connection is SQLite's side file (`files.rs`) or, with PostgreSQL, a PostgreSQL
//! connection of its own (`postgres/files.rs`, writes fenced by the lease): [`FilesDb`]
//! says which, and put/info/data/delete mean the same on both.

use super::database::Fence;
use super::error::StoreError;
use super::files::{self, FileInfo};
use super::postgres::files::PostgresFiles;
use super::side_thread::spawn_opening;
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use switchboard_protocol::{Attachment, SessionId};
use tokio::sync::oneshot;

/// The files' database, on either engine.
enum FilesDb {
    Sqlite(Connection),
    Postgres(Box<PostgresFiles>),
}

impl FilesDb {
    fn put(
        &mut self,
        session_id: SessionId,
        attachment: &Attachment,
        data: &[u8],
        now: u64,
    ) -> Result<(), StoreError> {
        match self {
            FilesDb::Sqlite(conn) => files::put(conn, session_id, attachment, data, now),
            FilesDb::Postgres(db) => db.put(session_id, attachment, data, now),
        }
    }

    fn info(&mut self, file_id: &str) -> Result<Option<FileInfo>, StoreError> {
        match self {
            FilesDb::Sqlite(conn) => files::info(conn, file_id),
            FilesDb::Postgres(db) => db.info(file_id),
        }
    }

    fn data(&mut self, file_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            FilesDb::Sqlite(conn) => files::data(conn, file_id),
            FilesDb::Postgres(db) => db.data(file_id),
        }
    }

    fn delete(&mut self, file_id: &str) -> Result<(), StoreError> {
        match self {
            FilesDb::Sqlite(conn) => files::delete(conn, file_id),
            FilesDb::Postgres(db) => db.delete(file_id),
        }
    }
}

/// A closure run on the files thread; it sends its own result back.
type Job = Box<dyn FnOnce(&mut FilesDb) + Send + 'static>;

/// A handle to the files database's thread. Cheap to clone; the thread stops when the last
/// clone is dropped, after finishing the jobs already sent.
#[derive(Debug, Clone)]
pub(crate) struct FileStore {
    jobs: mpsc::Sender<Job>,
}

impl FileStore {
    /// Opens (or creates) the SQLite files database beside the main database at
    /// `main_path`, and moves into it the files an older server kept in `main`. Blocking.
    pub(crate) fn open(main_path: &Path, main: &mut Connection) -> Result<FileStore, StoreError> {
        let path = files::files_path(main_path);
        let mut conn = files::open(&path)?;
        files::move_from_main(main, &mut conn)?;
        Self::spawn(move || Ok(FilesDb::Sqlite(conn)))
    }

    /// Connects to PostgreSQL at `url` for the files (creating their table if missing),
    /// on the files thread itself. Blocking, but safe to call from an async task.
    pub(crate) fn open_postgres(url: &str, fence: Option<Fence>) -> Result<FileStore, StoreError> {
        let url = url.to_owned();
        Self::spawn(move || {
            Ok(FilesDb::Postgres(Box::new(PostgresFiles::open(
                &url, fence,
            )?)))
        })
    }

    fn spawn(
        open: impl FnOnce() -> Result<FilesDb, StoreError> + Send + 'static,
    ) -> Result<FileStore, StoreError> {
        let (jobs, receiver) = mpsc::channel::<Job>();
        spawn_opening("switchboard-files", open, move |mut db| {
            while let Ok(job) = receiver.recv() {
                job(&mut db);
            }
            tracing::debug!("files database thread stopped");
        })?;
        Ok(FileStore { jobs })
    }

    pub(crate) async fn put(
        &self,
        session_id: SessionId,
        attachment: Attachment,
        data: Vec<u8>,
        now: u64,
    ) -> Result<(), StoreError> {
        self.call(move |db| db.put(session_id, &attachment, &data, now))
            .await
    }

    pub(crate) async fn info(&self, file_id: String) -> Result<Option<FileInfo>, StoreError> {
        self.call(move |db| db.info(&file_id)).await
    }

    pub(crate) async fn data(&self, file_id: String) -> Result<Option<Vec<u8>>, StoreError> {
        self.call(move |db| db.data(&file_id)).await
    }

    pub(crate) async fn delete(&self, file_id: String) -> Result<(), StoreError> {
        self.call(move |db| db.delete(&file_id)).await
    }

    /// Runs `f` on the files thread and waits for its result.
    async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut FilesDb) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, receiver) = oneshot::channel();
        let job: Job = Box::new(move |db: &mut FilesDb| {
            // The caller may have stopped waiting; nothing else to do with the result.
            let _ = reply.send(f(db));
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        receiver.await.map_err(|_| StoreError::Closed)?
    }
}
