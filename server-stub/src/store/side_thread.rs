//! Starting a side store's thread (the files', the transcripts'): the thread opens its
//! database itself, then serves. PostgreSQL's blocking client must live on the one thread
//! that uses it, from connecting to closing, and must never run inside the async runtime
//! `Store::open_postgres` may be called from; SQLite's connection, opened by the caller,
//! is simply moved in by its `open`.

use super::error::StoreError;
use std::sync::mpsc;

/// Starts a thread named `name` that runs `open` and then `serve` with what it opened;
/// waits for the opening and returns its error if it failed (the thread then ends).
pub(crate) fn spawn_opening<D, O, S>(name: &str, open: O, serve: S) -> Result<(), StoreError>
where
    O: FnOnce() -> Result<D, StoreError> + Send + 'static,
    S: FnOnce(D) + Send + 'static,
{
    let (opened, opening) = mpsc::sync_channel(1);
    // Opening logs and the thread's own go where the caller's go.
    let dispatch = tracing::dispatcher::get_default(|dispatch| dispatch.clone());
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            tracing::dispatcher::with_default(&dispatch, || match open() {
                Ok(database) => {
                    if opened.send(Ok(())).is_ok() {
                        serve(database);
                    }
                }
                Err(error) => {
                    let _ = opened.send(Err(error));
                }
            });
        })
        .map_err(StoreError::Spawn)?;
    opening.recv().map_err(|_| StoreError::Closed)?
}
