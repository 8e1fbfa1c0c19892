//! Where pictures of the screen come from: the [`Screen`] trait, X11 capture
//! (`X11Screen`, with XDamage in `damage.rs`), the primary monitor through `xcap` on Windows
//! and macOS (`XcapScreen`) and a generated desktop for tests and demos ([`SyntheticScreen`]).
//!
//! Platforms: X11 capture is built on Linux only and is the one tested (under Xvfb). On
//! Windows and macOS, `xcap` captures the whole primary monitor each poll and the tile diff
//! sends only what changed; that path is compile-checked for both targets
//! (`cargo check --target x86_64-pc-windows-gnu` / `x86_64-apple-darwin`) but has never run
//! on a real machine. A Linux Wayland session without an X11 `DISPLAY` cannot share: the
//! customer is told so ([`ScreenChoice::for_session`](crate::publish::ScreenChoice::for_session)).

#[cfg(target_os = "linux")]
mod damage;
mod synthetic;
#[cfg(target_os = "linux")]
mod x11;
#[cfg(any(target_os = "windows", target_os = "macos"))]
mod xcap;

/// A changed rectangle of the screen: x, y, width, height.
pub type Rect = (u16, u16, u16, u16);

pub use synthetic::SyntheticScreen;
#[cfg(target_os = "linux")]
pub use x11::X11Screen;
#[cfg(any(target_os = "windows", target_os = "macos"))]
pub use xcap::XcapScreen;

use crate::frame::RgbaFrame;

/// Why a capture failed.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[cfg(target_os = "linux")]
    #[error("cannot connect to the X server: {0}")]
    Connect(#[from] x11rb::errors::ConnectError),
    #[cfg(target_os = "linux")]
    #[error("the X connection failed: {0}")]
    Connection(#[from] x11rb::errors::ConnectionError),
    #[cfg(target_os = "linux")]
    #[error("the X server refused a request: {0}")]
    Reply(#[from] x11rb::errors::ReplyError),
    #[cfg(target_os = "linux")]
    #[error("the X server refused a request or ran out of ids: {0}")]
    ReplyOrId(#[from] x11rb::errors::ReplyOrIdError),
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    #[error("the screen capture failed: {0}")]
    Xcap(#[from] ::xcap::XCapError),
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    #[error("no monitor to capture was found")]
    NoMonitor,
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    #[error("the monitor is {width}x{height} pixels, more than 65535 a side")]
    TooLarge { width: u32, height: u32 },
    #[error("the X server lacks the {0} extension")]
    MissingExtension(&'static str),
    #[error("unsupported pixel format: depth {depth}, {bits_per_pixel} bits per pixel")]
    UnsupportedFormat { depth: u8, bits_per_pixel: u8 },
    #[error("the X server sent {actual} bytes of image data, {expected} expected")]
    ShortImage { expected: usize, actual: usize },
    #[error("region {w}x{h} at ({x}, {y}) is not inside the {width}x{height} screen")]
    OutsideScreen {
        x: u16,
        y: u16,
        w: u16,
        h: u16,
        width: u16,
        height: u16,
    },
}

/// A screen that can be captured as RGBA.
pub trait Screen {
    /// The screen's width and height in pixels.
    fn size(&self) -> (u16, u16);

    /// The rectangle's current pixels; it must lie inside the screen.
    fn capture_region(&mut self, x: u16, y: u16, w: u16, h: u16)
    -> Result<RgbaFrame, CaptureError>;

    /// The whole screen's current pixels.
    fn capture(&mut self) -> Result<RgbaFrame, CaptureError> {
        let (width, height) = self.size();
        self.capture_region(0, 0, width, height)
    }
}

/// The `side` x `side` tiles (smaller at the right and bottom edges) where `current` differs
/// from `previous`; the whole screen when their sizes differ. Full-frame capture (no XDamage,
/// as with `xcap`) uses it to find what changed.
pub fn changed_tiles(previous: &RgbaFrame, current: &RgbaFrame, side: u16) -> Vec<Rect> {
    if previous.width != current.width || previous.height != current.height {
        return vec![(0, 0, current.width, current.height)];
    }
    let side = side.max(1);
    let mut changed = Vec::new();
    for y in (0..current.height).step_by(usize::from(side)) {
        let h = side.min(current.height - y);
        for x in (0..current.width).step_by(usize::from(side)) {
            let w = side.min(current.width - x);
            if !current.same_region(previous, x, y, w, h) {
                changed.push((x, y, w, h));
            }
        }
    }
    changed
}

/// The error for a region outside a `width` x `height` screen, if it is.
pub(crate) fn check_region(
    (width, height): (u16, u16),
    (x, y, w, h): (u16, u16, u16, u16),
) -> Result<(), CaptureError> {
    let inside = w > 0
        && h > 0
        && u32::from(x) + u32::from(w) <= u32::from(width)
        && u32::from(y) + u32::from(h) <= u32::from(height);
    if inside {
        Ok(())
    } else {
        Err(CaptureError::OutsideScreen {
            x,
            y,
            w,
            h,
            width,
            height,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the tiles holding a changed pixel are reported, cut at the frame's edges; a new
    /// size reports the whole frame.
    #[test]
    fn changed_tiles_are_those_with_a_changed_pixel() {
        let before = RgbaFrame::filled(100, 70, [1, 2, 3, 255]);
        assert!(changed_tiles(&before, &before, 64).is_empty());
        let mut after = before.clone();
        after.fill(70, 65, 1, 1, [9, 9, 9, 255]);
        after.fill(3, 3, 1, 1, [9, 9, 9, 255]);
        assert_eq!(
            changed_tiles(&before, &after, 64),
            vec![(0, 0, 64, 64), (64, 64, 36, 6)]
        );
        let resized = RgbaFrame::filled(50, 40, [1, 2, 3, 255]);
        assert_eq!(changed_tiles(&before, &resized, 64), vec![(0, 0, 50, 40)]);
    }
}
