//! The customer's window (feature `window`): a small eframe app with the start form, the
//! chat, the consent cards and the always-visible banner while anyone views, controls or has
//! the command shell. It always asks the customer (`Policy::Ask`, from `main.rs`).
//!
//! - `model.rs`: the window's state, pure (no egui), unit-tested.
//! - `ui.rs`: the panels, drawing from the model and collecting intents.
//! - `app.rs`: the eframe app: the session on the tokio runtime, events in, intents out.

mod app;
pub mod model;
mod ui;

pub use app::{CustomerApp, JoinSession, WindowOptions};
