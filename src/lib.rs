//! Switchboard's desktop console: the window a support representative works in.
//!
//! The binary (`src/main.rs`) only parses arguments and opens the window; everything
//! else is here, so tests in `tests/` build the real app.
//!
//! Layout:
//! - [`app`]: the [`eframe::App`]: lays out the screen and acts on what the user asked for.
//! - [`ui`]: one module per screen or panel; each draws from state and reports intents.
//!
//! Still to come (see `docs/ARCHITECTURE.md`): `model/` (client state, applied from
//! server events), `net/` (the connection actor), `prefs.rs` and `notify.rs`.

pub mod app;
pub mod ui;

pub use app::{AppOptions, DEFAULT_SERVER_URL, NOT_CONNECTED_MESSAGE, SwitchboardApp};
