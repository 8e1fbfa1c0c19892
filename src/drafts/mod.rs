//! What the rep has typed but not sent survives a crash: each session's composer and each
//! team chat's message box are saved locally as the rep types and restored at the next
//! login, for the sessions and teams that are still theirs.
//!
//! - [`book`]: pure; what to save and when (debounced), bounds, restoring once.
//! - [`restore`]: pure; which drafts are still the rep's (owned or joined, their teams).
//! - [`store`]: one file per server and rep, owner-only, written atomically, read safely.
//! - [`writer`]: the thread that writes, so the UI never waits on the disk.
//!
//! The app wires them (`app::drafts`): it shows the book every composer after each frame,
//! hands due saves to the writer, and restores once the first snapshot has arrived.

pub mod book;
pub mod restore;
pub mod store;
pub mod writer;

#[cfg(test)]
mod book_tests;
#[cfg(test)]
mod store_tests;

pub use book::{ComposerView, Draft, DraftBook, DraftKey, Due};
pub use restore::still_mine;
pub use store::DraftStore;
pub use writer::DraftWriter;
