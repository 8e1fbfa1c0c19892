//! Where pictures of the screen come from: the [`Screen`] trait, X11 capture
//! ([`X11Screen`], with XDamage in `damage.rs`) and a generated desktop for tests and demos
//! ([`SyntheticScreen`]).

mod damage;
mod synthetic;
mod x11;

pub use damage::Rect;
pub use synthetic::SyntheticScreen;
pub use x11::X11Screen;

use crate::frame::RgbaFrame;

/// Why a capture failed.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot connect to the X server: {0}")]
    Connect(#[from] x11rb::errors::ConnectError),
    #[error("the X connection failed: {0}")]
    Connection(#[from] x11rb::errors::ConnectionError),
    #[error("the X server refused a request: {0}")]
    Reply(#[from] x11rb::errors::ReplyError),
    #[error("the X server refused a request or ran out of ids: {0}")]
    ReplyOrId(#[from] x11rb::errors::ReplyOrIdError),
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
