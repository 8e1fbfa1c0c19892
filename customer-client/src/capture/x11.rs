//! Capturing an X11 screen with `GetImage` on the root window (ZPixmap), in pure Rust through
//! `x11rb`. The server's pixel layout (bits per pixel, scanline padding, byte order and the
//! root visual's colour masks) is read from the connection setup, so any 24- or 32-bit
//! TrueColor screen converts to RGBA. With [`X11Screen::watch_damage`], XDamage says which
//! rectangles changed, so only those are fetched (`damage.rs`).

use super::{CaptureError, Screen, check_region};
use crate::frame::RgbaFrame;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder, Window};
use x11rb::rust_connection::RustConnection;

/// An X11 screen, captured from its root window.
pub struct X11Screen {
    pub(super) conn: RustConnection,
    pub(super) root: Window,
    width: u16,
    height: u16,
    layout: PixelLayout,
    /// The damage object and the region its changes are moved into, once watched.
    pub(super) damage: Option<super::damage::DamageWatch>,
}

/// How the server lays out one ZPixmap pixel.
#[derive(Debug, Clone, Copy)]
struct PixelLayout {
    bytes_per_pixel: usize,
    scanline_pad_bits: usize,
    big_endian: bool,
    /// Shift and width of each channel's mask, red, green, blue.
    channels: [(u32, u32); 3],
}

impl X11Screen {
    /// Connects to `display` (`":1"`), or `$DISPLAY` when `None`.
    pub fn connect(display: Option<&str>) -> Result<Self, CaptureError> {
        let (conn, screen_num) = x11rb::connect(display)?;
        let setup = conn.setup();
        let screen = &setup.roots[screen_num];
        let depth = screen.root_depth;
        let format = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == depth)
            .ok_or(CaptureError::UnsupportedFormat {
                depth,
                bits_per_pixel: 0,
            })?;
        let unsupported = CaptureError::UnsupportedFormat {
            depth,
            bits_per_pixel: format.bits_per_pixel,
        };
        if !(24..=32).contains(&depth) || !matches!(format.bits_per_pixel, 24 | 32) {
            return Err(unsupported);
        }
        let visual = screen
            .allowed_depths
            .iter()
            .flat_map(|d| d.visuals.iter())
            .find(|v| v.visual_id == screen.root_visual)
            .ok_or(unsupported)?;
        let channel = |mask: u32| (mask.trailing_zeros(), mask.count_ones());
        let layout = PixelLayout {
            bytes_per_pixel: usize::from(format.bits_per_pixel / 8),
            scanline_pad_bits: usize::from(format.scanline_pad),
            big_endian: setup.image_byte_order == ImageOrder::MSB_FIRST,
            channels: [
                channel(visual.red_mask),
                channel(visual.green_mask),
                channel(visual.blue_mask),
            ],
        };
        let (root, width, height) = (screen.root, screen.width_in_pixels, screen.height_in_pixels);
        Ok(Self {
            conn,
            root,
            width,
            height,
            layout,
            damage: None,
        })
    }

    /// The X connection, for tests that draw on the same server.
    pub fn connection(&self) -> &RustConnection {
        &self.conn
    }
}

impl Screen for X11Screen {
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
        // Inside an 8192-pixel screen (u16, checked above), the i16 conversions cannot wrap
        // for real X screens, whose sides are at most 32767.
        let reply = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                self.root,
                x as i16,
                y as i16,
                w,
                h,
                u32::MAX,
            )?
            .reply()?;
        to_rgba(&reply.data, w, h, self.layout)
    }
}

/// Converts ZPixmap rows to RGBA, opaque.
fn to_rgba(data: &[u8], w: u16, h: u16, layout: PixelLayout) -> Result<RgbaFrame, CaptureError> {
    let row_bits = usize::from(w) * layout.bytes_per_pixel * 8;
    let stride = row_bits.div_ceil(layout.scanline_pad_bits) * layout.scanline_pad_bits / 8;
    let expected = stride * usize::from(h);
    if data.len() < expected {
        return Err(CaptureError::ShortImage {
            expected,
            actual: data.len(),
        });
    }
    let mut pixels = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
    let bpp = layout.bytes_per_pixel;
    let scale = |value: u32, (shift, bits): (u32, u32)| -> u8 {
        let v = (value >> shift) & ((1u32 << bits) - 1);
        if bits >= 8 {
            (v >> (bits - 8)) as u8
        } else {
            (v * 255 / ((1 << bits) - 1)) as u8
        }
    };
    let fast = !layout.big_endian && bpp == 4 && layout.channels == [(16, 8), (8, 8), (0, 8)];
    for row in data.chunks_exact(stride).take(usize::from(h)) {
        let row = &row[..usize::from(w) * bpp];
        if fast {
            // The usual case (Xvfb, Xorg on x86): B, G, R, X in memory.
            let start = pixels.len();
            pixels.resize(start + row.len(), 255);
            for (to, from) in pixels[start..].chunks_exact_mut(4).zip(row.chunks_exact(4)) {
                to[0] = from[2];
                to[1] = from[1];
                to[2] = from[0];
            }
            continue;
        }
        for p in row.chunks_exact(bpp) {
            let value = p.iter().enumerate().fold(0u32, |acc, (i, &byte)| {
                if layout.big_endian {
                    acc << 8 | u32::from(byte)
                } else {
                    acc | u32::from(byte) << (8 * i)
                }
            });
            pixels.extend_from_slice(&[
                scale(value, layout.channels[0]),
                scale(value, layout.channels[1]),
                scale(value, layout.channels[2]),
                255,
            ]);
        }
    }
    Ok(RgbaFrame {
        width: w,
        height: h,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both the common little-endian BGRX layout and a big-endian RGB layout convert.
    #[test]
    fn zpixmap_rows_convert_to_rgba() {
        let mut layout = PixelLayout {
            bytes_per_pixel: 4,
            scanline_pad_bits: 32,
            big_endian: false,
            channels: [(16, 8), (8, 8), (0, 8)],
        };
        let frame = to_rgba(&[3, 2, 1, 0, 6, 5, 4, 0], 2, 1, layout).unwrap();
        assert_eq!(frame.pixels, [1, 2, 3, 255, 4, 5, 6, 255]);
        layout.big_endian = true;
        layout.bytes_per_pixel = 3;
        // Two 3-byte pixels padded to 8 bytes a row.
        let frame = to_rgba(&[1, 2, 3, 4, 5, 6, 0, 0], 2, 1, layout).unwrap();
        assert_eq!(frame.pixels, [1, 2, 3, 255, 4, 5, 6, 255]);
        assert!(matches!(
            to_rgba(&[0; 4], 2, 1, layout),
            Err(CaptureError::ShortImage { .. })
        ));
    }
}
