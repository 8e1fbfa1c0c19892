//! Painting a screen update onto the viewer's framebuffer. The update's tiles come from the
//! network: each payload is decoded with the tile's own size as the limit, so a tile that
//! claims a bigger picture is refused before anything is allocated for it.

use crate::frame::RgbaFrame;
use crate::qoi::{self, QoiError};
use std::io::Cursor;
use switchboard_protocol::media::{ScreenUpdate, TileEncoding};

/// Why a tile could not be painted.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("tile {index} is not inside the screen")]
    OutsideScreen { index: usize },
    #[error("tile {index}: {source}")]
    Qoi { index: usize, source: QoiError },
    #[error("tile {index}: the JPEG cannot be decoded: {source}")]
    Jpeg {
        index: usize,
        source: image::ImageError,
    },
    #[error("tile {index}: the JPEG is {width}x{height}, not the tile's size")]
    JpegSize {
        index: usize,
        width: u32,
        height: u32,
    },
}

/// Paints `update` onto `framebuffer`. A screen of a new size replaces the framebuffer with
/// a black one of that size first. On error, tiles before the bad one stay painted.
pub fn apply_update(framebuffer: &mut RgbaFrame, update: &ScreenUpdate) -> Result<(), ApplyError> {
    if framebuffer.width != update.width || framebuffer.height != update.height {
        *framebuffer = RgbaFrame::filled(update.width, update.height, [0, 0, 0, 255]);
    }
    for (index, tile) in update.tiles.iter().enumerate() {
        if tile.w == 0 || tile.h == 0 || !framebuffer.contains(tile.x, tile.y, tile.w, tile.h) {
            return Err(ApplyError::OutsideScreen { index });
        }
        match &tile.encoding {
            TileEncoding::Solid(rgba) => framebuffer.fill(tile.x, tile.y, tile.w, tile.h, *rgba),
            TileEncoding::Qoi(data) => {
                let pixels = qoi::decode(data, tile.w, tile.h)
                    .map_err(|source| ApplyError::Qoi { index, source })?;
                framebuffer.paste(tile.x, tile.y, &pixels);
            }
            TileEncoding::Jpeg { data, .. } => {
                let pixels = decode_jpeg(data, tile.w, tile.h, index)?;
                framebuffer.paste(tile.x, tile.y, &pixels);
            }
        }
    }
    Ok(())
}

fn decode_jpeg(data: &[u8], w: u16, h: u16, index: usize) -> Result<RgbaFrame, ApplyError> {
    let mut reader = image::ImageReader::with_format(Cursor::new(data), image::ImageFormat::Jpeg);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(u32::from(w));
    limits.max_image_height = Some(u32::from(h));
    limits.max_alloc = Some(u64::from(w) * u64::from(h) * 16 + 65_536);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|source| ApplyError::Jpeg { index, source })?
        .into_rgba8();
    if picture.width() != u32::from(w) || picture.height() != u32::from(h) {
        return Err(ApplyError::JpegSize {
            index,
            width: picture.width(),
            height: picture.height(),
        });
    }
    Ok(RgbaFrame {
        width: w,
        height: h,
        pixels: picture.into_raw(),
    })
}
