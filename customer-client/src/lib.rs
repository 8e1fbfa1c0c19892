//! Switchboard's customer client, the part that runs on the customer's machine. For now the
//! foundations of remote support: capturing the screen and turning frames into the tiles of
//! the media protocol (`switchboard_protocol::media`), and back.
//!
//! - [`frame`]: an RGBA framebuffer and copying rectangles in and out of it.
//! - [`capture`]: the [`Screen`](capture::Screen) trait; X11 capture and a synthetic desktop.
//! - [`qoi`]: a QOI encoder and decoder (the lossless tile format).
//! - [`tiles`]: frame diffs to screen updates, and screen updates applied to a framebuffer.
//! - [`xvfb`]: a private Xvfb server for tests and benches, stopped on drop.

#![forbid(unsafe_code)]

pub mod capture;
pub mod frame;
pub mod qoi;
pub mod tiles;
pub mod xvfb;

pub use frame::RgbaFrame;
