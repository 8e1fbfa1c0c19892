//! A private Xvfb server for tests and benches: Xvfb picks a free display number itself
//! (`-displayfd`, so parallel tests never race for one) and reports it on its stdout; we wait
//! for it with a deadline, and the process is killed by its id when dropped, even when the
//! test fails. [`Painter`] (in `paint.rs`) draws known pixels on it.

mod paint;

pub use paint::{
    BACKGROUND, CHAR_H, CHAR_W, PaintError, Painter, SCENE_BLUE, SQUARE, char_colour, char_place,
    rgba,
};
/// The rectangles a [`Painter`] fills.
pub use x11rb::protocol::xproto::Rectangle;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long Xvfb may take to start.
const START_LIMIT: Duration = Duration::from_secs(10);

/// Why Xvfb could not be started.
#[derive(Debug, thiserror::Error)]
pub enum XvfbError {
    #[error("cannot run Xvfb (is it installed?): {0}")]
    Spawn(std::io::Error),
    #[error("Xvfb did not report a display within {0:?}")]
    Timeout(Duration),
    #[error("Xvfb exited or reported no display")]
    NoDisplay,
}

/// A running Xvfb; dropping it kills that process (and only that one).
pub struct Xvfb {
    child: Child,
    display: u32,
}

impl Xvfb {
    /// Starts `Xvfb -displayfd 1 -screen 0 WxHx24` and waits up to 10 s for it to accept
    /// connections.
    pub fn start(width: u16, height: u16) -> Result<Self, XvfbError> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp"])
            .args(["-screen", "0", &format!("{width}x{height}x24")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(XvfbError::Spawn)?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(XvfbError::NoDisplay);
        };
        // Reading blocks, so a thread reads the one line and the deadline is on the channel.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let display = match receiver.recv_timeout(START_LIMIT) {
            Ok(line) => line.trim().parse().ok(),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(XvfbError::Timeout(START_LIMIT));
            }
        };
        let Some(display) = display else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(XvfbError::NoDisplay);
        };
        // Xvfb writes the number once it listens, so a connection now succeeds.
        Ok(Xvfb { child, display })
    }

    /// For tests that need an X server: a running Xvfb, or `None` with a "skipped" line
    /// when Xvfb is not installed (CI installs it). Any other failure to start is a failure
    /// of the test, not a reason to skip it.
    pub fn start_or_skip(width: u16, height: u16) -> Option<Self> {
        match Self::start(width, height) {
            Ok(xvfb) => Some(xvfb),
            Err(XvfbError::Spawn(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("skipped: Xvfb is not installed ({error})");
                None
            }
            Err(error) => panic!("Xvfb is installed but did not start: {error}"),
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The display name to connect to, `":N"`.
    pub fn display(&self) -> String {
        format!(":{}", self.display)
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dropping the guard ends that Xvfb: its process is gone (killed and reaped).
    #[test]
    fn dropping_the_guard_stops_the_server() {
        let xvfb = Xvfb::start(64, 64).expect("Xvfb (install the xvfb package)");
        let pid = xvfb.pid();
        let display = xvfb.display();
        assert!(x11rb::connect(Some(&display)).is_ok());
        drop(xvfb);
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }
}
