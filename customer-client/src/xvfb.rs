//! A private Xvfb server for tests and benches: started on a free display number, waited for
//! with a deadline (its socket in `/tmp/.X11-unix`), and killed by process id when dropped,
//! even when the test fails.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why Xvfb could not be started.
#[derive(Debug, thiserror::Error)]
pub enum XvfbError {
    #[error("cannot run Xvfb (is it installed?): {0}")]
    Spawn(std::io::Error),
    #[error("Xvfb did not create its socket for :{0} within {1:?}")]
    Timeout(u32, Duration),
    #[error("no free display number between :{0} and :{1}")]
    NoFreeDisplay(u32, u32),
}

/// A running Xvfb; dropping it kills that process (and only that one).
pub struct Xvfb {
    child: Child,
    display: u32,
}

impl Xvfb {
    /// Starts `Xvfb :N -screen 0 WxHx24` on the first display number whose socket and lock
    /// file do not exist, from a range picked by the process id so parallel tests rarely
    /// race, and waits up to 10 s for its socket.
    pub fn start(width: u16, height: u16) -> Result<Self, XvfbError> {
        let first = 200 + (std::process::id() % 400) * 4;
        let last = first + 200;
        for display in first..last {
            if Path::new(&format!("/tmp/.X11-unix/X{display}")).exists()
                || Path::new(&format!("/tmp/.X{display}-lock")).exists()
            {
                continue;
            }
            let child = Command::new("Xvfb")
                .arg(format!(":{display}"))
                .args(["-screen", "0", &format!("{width}x{height}x24")])
                .args(["-nolisten", "tcp"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(XvfbError::Spawn)?;
            let mut xvfb = Xvfb { child, display };
            match xvfb.wait_ready(Duration::from_secs(10)) {
                Ok(()) => return Ok(xvfb),
                // Lost a race for this number (the server exited): try the next one.
                Err(_) if xvfb.exited() => continue,
                Err(error) => return Err(error),
            }
        }
        Err(XvfbError::NoFreeDisplay(first, last))
    }

    /// The display name to connect to, `":N"`.
    pub fn display(&self) -> String {
        format!(":{}", self.display)
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits for the socket, checking every few milliseconds until the deadline.
    fn wait_ready(&mut self, limit: Duration) -> Result<(), XvfbError> {
        let deadline = Instant::now() + limit;
        let socket = format!("/tmp/.X11-unix/X{}", self.display);
        while Instant::now() < deadline {
            if self.exited() {
                return Err(XvfbError::Timeout(self.display, limit));
            }
            if Path::new(&socket).exists() && x11rb::connect(Some(&self.display())).is_ok() {
                return Ok(());
            }
            std::thread::park_timeout(Duration::from_millis(5));
        }
        Err(XvfbError::Timeout(self.display, limit))
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
