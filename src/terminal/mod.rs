//! The console's terminal emulator for the Shell view: bytes from the customer's shell in,
//! a grid of coloured cells out, and keys back to bytes for the shell.
//!
//! "The terminal is a parser plus a grid": escape sequences are never interpreted here but
//! by the `vt100` crate, which keeps the screen, the scrollback and the input modes. This
//! module adds what the console needs around it, all pure (no IO, no clock), so every rule
//! is a unit test:
//! - [`TerminalModel`] (`model.rs`): feeding bytes, the visible cells and the cursor, the
//!   scrollback offset, resizing within bounds, the selection and its text, and whether
//!   the shell has ended.
//! - [`Selection`] and [`GridPoint`] (`selection.rs`): cells in the whole history, so a
//!   selection stays on its text while output scrolls it up.
//! - [`keys`]: egui keys, text and pastes → the bytes a terminal sends.
//! - [`palette`]: the 256 indexed colours as RGB.
//! - [`transcript`]: a session's shell transcript as lines to read, its output read back
//!   through a terminal model.
//!
//! The widget that draws it is [`crate::ui::terminal_view`].

pub mod keys;
mod model;
pub mod palette;
mod selection;
pub mod transcript;

pub use model::{
    CellColor, CellView, Cursor, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, SCROLLBACK_LINES,
    ShellEnd, TermSize, TerminalModel,
};
pub use selection::{GridPoint, Selection};

#[cfg(test)]
mod model_tests;
