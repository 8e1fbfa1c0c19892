//! The primary monitor on Windows and macOS, captured through the `xcap` crate (GDI/DXGI on
//! Windows, CoreGraphics on macOS), so the customer client shares a screen there without
//! platform code (or `unsafe`) of its own. There is no damage tracking: every poll captures
//! the whole monitor, [`XcapScreen::capture_changed`] compares it with the previous frame tile
//! by tile, and only changed tiles are encoded and sent.
//!
//! Compile-checked for `x86_64-pc-windows-gnu` and `x86_64-apple-darwin`; never run on a real
//! Windows or macOS machine (on macOS the program also needs the Screen Recording permission).
//!
//! No `xcap::Monitor` is kept: on Windows it holds a raw monitor handle and is not `Send`,
//! while the screen worker's thread owns this screen. The primary monitor is looked up again
//! on each capture (cheap next to the capture itself); that also follows a change of primary
//! monitor or resolution.

use super::{CaptureError, Rect, Screen, changed_tiles, check_region};
use crate::frame::RgbaFrame;
use crate::tiles::TILE_SIDE;
use ::xcap::{Monitor, XCapError};

/// The primary monitor, in the pixels its captures have (physical pixels, which on a HiDPI
/// display are more than the desktop's logical coordinates).
pub struct XcapScreen {
    width: u16,
    height: u16,
}

impl XcapScreen {
    /// Finds the primary monitor and captures it once, to learn its size in captured pixels
    /// (and to fail here, not at the first poll, when capture is not allowed).
    pub fn open() -> Result<Self, CaptureError> {
        let frame = capture_primary()?;
        Ok(Self {
            width: frame.width,
            height: frame.height,
        })
    }

    /// Captures the whole monitor into `frame` (which the caller keeps between calls) and
    /// returns the tiles that differ from what `frame` held: all of it when its size changed.
    pub fn capture_changed(&mut self, frame: &mut RgbaFrame) -> Result<Vec<Rect>, CaptureError> {
        let current = self.capture()?;
        let changed = changed_tiles(frame, &current, TILE_SIDE);
        *frame = current;
        Ok(changed)
    }
}

impl Screen for XcapScreen {
    fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    fn capture_region(
        &mut self,
        x: u16,
        y: u16,
        w: u16,
        h: u16,
    ) -> Result<RgbaFrame, CaptureError> {
        check_region(self.size(), (x, y, w, h))?;
        let whole = self.capture()?;
        // The monitor may have changed size since the caller asked.
        check_region(self.size(), (x, y, w, h))?;
        Ok(whole.region(x, y, w, h))
    }

    fn capture(&mut self) -> Result<RgbaFrame, CaptureError> {
        let frame = capture_primary()?;
        self.width = frame.width;
        self.height = frame.height;
        Ok(frame)
    }
}

/// The primary monitor (the first one when none says it is primary).
fn primary_monitor() -> Result<Monitor, CaptureError> {
    let mut first = None;
    for monitor in Monitor::all()? {
        if monitor.is_primary().unwrap_or(false) {
            return Ok(monitor);
        }
        if first.is_none() {
            first = Some(monitor);
        }
    }
    first.ok_or(CaptureError::NoMonitor)
}

/// One capture of the primary monitor as an [`RgbaFrame`].
fn capture_primary() -> Result<RgbaFrame, CaptureError> {
    let image = primary_monitor()?.capture_image()?;
    let (width, height) = image.dimensions();
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(CaptureError::TooLarge { width, height });
    };
    if w == 0 || h == 0 {
        return Err(XCapError::new("the monitor gave an empty picture").into());
    }
    let expected = usize::from(w) * usize::from(h) * 4;
    // `RgbaImage` is RGBA8, row after row without padding: our frame's layout.
    let mut pixels = image.into_raw();
    if pixels.len() < expected {
        return Err(XCapError::new(format!(
            "the picture has {} bytes, {expected} expected",
            pixels.len()
        ))
        .into());
    }
    pixels.truncate(expected);
    Ok(RgbaFrame {
        width: w,
        height: h,
        pixels,
    })
}
