//! Switchboard's customer client, the program on the customer's machine: a support session
//! (chat, consent to remote support, the Stop button) and the remote support that follows
//! consent (screen capture, tiles, the publisher with flow control, input injection).
//!
//! - [`session`]: the headless session (`CustomerSession`: started by a route, resumed, or
//!   joined with the one-time code a rep offered a web chat), its grant view and share
//!   state, and [`run_simulated_customer`] for the console's demo.
//! - [`publish`]: the media socket's publisher, its flow control, and the screen worker thread.
//! - [`install`]: what the program keeps on the computer and where: the machine id it
//!   describes the machine with, Support Buttons' launchers (Linux), and removing itself when
//!   a rep closes with uninstall, and a Jump Client's agent (its config, its systemd user
//!   unit or autostart entry).
//! - [`jump`]: a Jump Client's agent (`--jump-agent`): `/ws/jump` kept open with reconnect
//!   and backoff, and the sessions reps jump into (headless, or the customer's window).
//! - [`hotkey`]: the global Stop hotkey (Ctrl+Alt+Shift+S) on X11.
//! - [`inject`]: the rep's input on X11 (XTest), or through `enigo` on Windows and macOS,
//!   and keysym lookup.
//! - `shell` (Unix): a command shell on a PTY with a window of unacknowledged output, and
//!   `shell::link`, its media socket (channel `shell`), run by the session for each granted
//!   `shell` grant. Elsewhere (Windows) shell requests are denied with the reason.
//! - `elevate` (Unix): an elevated command shell, by `su` with the rep's credentials for an
//!   administrative account (answered here, never shown or kept) or by pkexec asking the
//!   customer.
//! - [`frame`]: an RGBA framebuffer and copying rectangles in and out of it.
//! - [`capture`]: the [`Screen`](capture::Screen) trait; X11 capture, the primary monitor
//!   through `xcap` on Windows and macOS, and a synthetic desktop.
//! - [`qoi`]: a QOI encoder and decoder (the lossless tile format).
//! - [`tiles`]: frame diffs to screen updates, and screen updates applied to a framebuffer.
//! - `xvfb` (Linux): a private Xvfb server for tests and benches, stopped on drop.
//! - `window` (feature `window`, on by default): the customer's eframe window.
//! - [`tls`]: the process's TLS settings (platform roots plus `--ca-file`) every socket
//!   dials with.
//!
//! Platforms: on Linux the real screen is an X11 display (capture with XDamage, XTest input,
//! the Stop hotkey); this is the tested path. On Windows and macOS the primary monitor is
//! captured whole each poll through `xcap` and input goes through `enigo`; that path is
//! compile-checked (`cargo check --target x86_64-pc-windows-gnu`, `x86_64-apple-darwin`) but
//! untested on a real machine, and has no global hotkey (the window's Stop button works). In
//! a Linux Wayland session nothing can be shared yet (XWayland's `DISPLAY` shows only X11
//! programs, not the desktop): the customer
//! reads why on the window and every request is denied with that reason (chat works). The
//! synthetic desktop works everywhere.

#![forbid(unsafe_code)]

pub mod capture;
#[cfg(unix)]
pub mod elevate;
pub mod frame;
pub mod hotkey;
pub mod inject;
pub mod install;
pub mod jump;
pub mod publish;
pub mod qoi;
pub mod session;
#[cfg(unix)]
pub mod shell;
pub mod tiles;
pub mod tls;
#[cfg(feature = "window")]
pub mod window;
#[cfg(target_os = "linux")]
pub mod xvfb;

pub use frame::RgbaFrame;
pub use session::run_simulated_customer;
