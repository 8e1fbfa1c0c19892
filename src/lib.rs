//! Switchboard's desktop console: the window a support representative works in.
//!
//! The binary (`src/main.rs`) only parses arguments and opens the window; everything
//! else is here, so tests in `tests/` build the real app.
//!
//! Layout:
//! - [`app`]: the [`eframe::App`]: drains network events into the model, draws, acts on intents.
//! - [`model`]: the console's state, pure: applies server frames; sorting, unread counts.
//! - [`net`]: the connection actor on its own tokio runtime: login, WebSocket, reconnect, resume.
//! - [`ui`]: one module per panel; each draws from state and reports intents.
//! - [`prefs`] and [`prefs_writer`]: remembered layout, written atomically off the UI thread.
//! - [`demo`]: `--demo`, the bundled server with demo data in this process.
//! - [`drafts`]: what the rep typed but did not send, saved as they type, restored after a crash.
//! - [`dialogs`]: the native open and save dialogs for files (or fixed answers in tests).
//! - [`fonts`]: the bundled font stack (emoji and the world's common scripts).
//! - [`theme`]: light and dark looks, following the OS or the rep's choice.
//! - [`text`]: the words shown to people, in one place.
//! - [`pace`]: timed redraws on shared wall-clock ticks (an idle console stays idle).
//! - [`notify`]: desktop notifications with a chime, reminders; toasts where there are none.
//! - [`tray`]: the system tray icon (presence, the waiting count, a menu) over D-Bus.

pub mod app;
pub mod demo;
pub mod dialogs;
pub mod drafts;
pub mod fonts;
pub mod model;
pub mod net;
pub mod notify;
pub mod pace;
pub mod prefs;
pub mod prefs_writer;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod tray;
pub mod ui;

pub use app::{AppOptions, DEFAULT_SERVER_URL, SwitchboardApp};
pub use dialogs::FileDialogs;
pub use notify::{Notifications, RecordingNotifier};
