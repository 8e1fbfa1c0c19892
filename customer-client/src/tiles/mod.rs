//! Frames to screen updates and back. [`TileEncoder`] cuts each captured frame into square
//! tiles, keeps only those that differ from the previous frame, and encodes each as the
//! cheapest form that keeps it right: one colour ([`TileEncoding::Solid`]), lossless QOI, or
//! JPEG at a chosen quality (adjacent JPEG tiles of a row merged into one picture). [`apply_update`] paints an update onto a framebuffer (the
//! viewer's side).

mod apply;

pub use apply::{ApplyError, apply_update};

use crate::capture::Rect;
use crate::frame::RgbaFrame;
use crate::qoi;
use switchboard_protocol::media::{
    HEADER_BYTES, MAX_FRAME_BYTES, MAX_TILES, ScreenUpdate, Tile, TileEncoding,
};

/// The side of a tile in pixels: 510 tiles for 1080p, a typed character touches one or two.
pub const TILE_SIDE: u16 = 64;

/// How tiles with more than one colour are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    /// QOI: exact pixels (text and UI).
    Lossless,
    /// JPEG at this quality (1..=100): smaller for photos and video, not exact.
    Jpeg(u8),
}

/// Encodes successive frames of one screen as screen updates.
pub struct TileEncoder {
    quality: Quality,
    /// The last frame sent; tiles equal to it are skipped. `None` sends everything.
    previous: Option<RgbaFrame>,
    /// The next update's sequence number.
    next_seq: u64,
}

impl TileEncoder {
    /// An encoder whose first update covers the whole screen.
    pub fn new(quality: Quality) -> Self {
        Self {
            quality,
            previous: None,
            next_seq: 1,
        }
    }

    /// Changes how multi-colour tiles are sent from the next update on.
    pub fn set_quality(&mut self, quality: Quality) {
        self.quality = quality;
    }

    /// Makes the next update cover the whole screen (a viewer asked for a refresh).
    pub fn force_full(&mut self) {
        self.previous = None;
    }

    /// The updates that bring a viewer holding the previous frame to `frame`: none when
    /// nothing changed, usually one, several when the tiles exceed one frame's limits
    /// ([`MAX_TILES`], [`MAX_FRAME_BYTES`]). A frame of another size is sent whole.
    pub fn encode(&mut self, frame: &RgbaFrame, captured_micros: u64) -> Vec<ScreenUpdate> {
        self.encode_within(frame, None, captured_micros)
    }

    /// Like [`encode`](Self::encode), but only the tiles touching `damaged` are compared:
    /// the capture (XDamage) says nothing else changed. Without a previous frame of the same
    /// size, everything is sent.
    pub fn encode_damaged(
        &mut self,
        frame: &RgbaFrame,
        damaged: &[Rect],
        captured_micros: u64,
    ) -> Vec<ScreenUpdate> {
        self.encode_within(frame, Some(damaged), captured_micros)
    }

    fn encode_within(
        &mut self,
        frame: &RgbaFrame,
        damaged: Option<&[Rect]>,
        captured_micros: u64,
    ) -> Vec<ScreenUpdate> {
        let mut previous = self
            .previous
            .take()
            .filter(|p| p.width == frame.width && p.height == frame.height);
        let damaged = damaged.filter(|_| previous.is_some());
        let touched = |x: u16, y: u16, w: u16, h: u16| {
            damaged.is_none_or(|rects| {
                rects.iter().any(|&(rx, ry, rw, rh)| {
                    u32::from(rx) < u32::from(x) + u32::from(w)
                        && u32::from(x) < u32::from(rx) + u32::from(rw)
                        && u32::from(ry) < u32::from(y) + u32::from(h)
                        && u32::from(y) < u32::from(ry) + u32::from(rh)
                })
            })
        };
        let mut tiles = Vec::new();
        for y in (0..frame.height).step_by(usize::from(TILE_SIDE)) {
            let h = TILE_SIDE.min(frame.height - y);
            // A run of adjacent changed tiles of several colours, sent as one picture when
            // JPEG (each JPEG carries ~600 bytes of tables; one per tile would triple a key
            // frame). QOI's header is 14 bytes, so QOI tiles stay separate.
            let mut run: Option<(u16, u16)> = None;
            for x in (0..frame.width).step_by(usize::from(TILE_SIDE)) {
                let w = TILE_SIDE.min(frame.width - x);
                let unchanged = !touched(x, y, w, h)
                    || previous
                        .as_ref()
                        .is_some_and(|p| p.same_region(frame, x, y, w, h));
                if unchanged {
                    self.flush_run(&mut run, frame, y, h, &mut tiles);
                    continue;
                }
                // Keep the previous frame current by copying only what changed (a whole
                // 1080p copy is 8 MB).
                if let Some(p) = previous.as_mut() {
                    p.copy_region_from(frame, x, y, w, h);
                }
                if let Some(rgba) = frame.solid_colour(x, y, w, h) {
                    self.flush_run(&mut run, frame, y, h, &mut tiles);
                    let encoding = TileEncoding::Solid(rgba);
                    tiles.push(Tile {
                        x,
                        y,
                        w,
                        h,
                        encoding,
                    });
                    continue;
                }
                match (&mut run, self.quality) {
                    (Some((_, run_w)), Quality::Jpeg(_)) => *run_w += w,
                    (None, Quality::Jpeg(_)) => run = Some((x, w)),
                    (_, Quality::Lossless) => {
                        tiles.push(encode_tile(frame, x, y, w, h, self.quality))
                    }
                }
            }
            self.flush_run(&mut run, frame, y, h, &mut tiles);
        }
        self.previous = Some(previous.unwrap_or_else(|| frame.clone()));
        self.split(tiles, frame, captured_micros)
    }

    /// Encodes the pending run of multi-colour tiles (JPEG) as one tile, if there is one.
    fn flush_run(
        &self,
        run: &mut Option<(u16, u16)>,
        frame: &RgbaFrame,
        y: u16,
        h: u16,
        tiles: &mut Vec<Tile>,
    ) {
        if let Some((x, w)) = run.take() {
            tiles.push(encode_tile(frame, x, y, w, h, self.quality));
        }
    }

    /// Packs tiles into updates that each stay within the frame limits.
    fn split(
        &mut self,
        tiles: Vec<Tile>,
        frame: &RgbaFrame,
        captured_micros: u64,
    ) -> Vec<ScreenUpdate> {
        // Header, update fields, and a margin per tile for its fixed fields.
        let budget = MAX_FRAME_BYTES - HEADER_BYTES - 22;
        let mut updates = Vec::new();
        let mut current: Vec<Tile> = Vec::new();
        let mut bytes = 0;
        for tile in tiles {
            let size = 18
                + match &tile.encoding {
                    TileEncoding::Solid(_) => 0,
                    TileEncoding::Qoi(data) | TileEncoding::Jpeg { data, .. } => data.len(),
                };
            if !current.is_empty() && (current.len() == MAX_TILES || bytes + size > budget) {
                updates.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(tile);
        }
        if !current.is_empty() {
            updates.push(current);
        }
        updates
            .into_iter()
            .map(|tiles| {
                let seq = self.next_seq;
                self.next_seq += 1;
                ScreenUpdate {
                    seq,
                    captured_micros,
                    width: frame.width,
                    height: frame.height,
                    tiles,
                }
            })
            .collect()
    }
}

/// One tile in its cheapest form.
fn encode_tile(frame: &RgbaFrame, x: u16, y: u16, w: u16, h: u16, quality: Quality) -> Tile {
    let encoding = match frame.solid_colour(x, y, w, h) {
        Some(rgba) => TileEncoding::Solid(rgba),
        None => {
            let region = frame.region(x, y, w, h);
            match quality {
                Quality::Lossless => TileEncoding::Qoi(qoi::encode(&region)),
                Quality::Jpeg(q) => match encode_jpeg(&region, q) {
                    Some(data) => TileEncoding::Jpeg { quality: q, data },
                    // The JPEG encoder only fails on sizes a tile never has; stay exact.
                    None => TileEncoding::Qoi(qoi::encode(&region)),
                },
            }
        }
    };
    Tile {
        x,
        y,
        w,
        h,
        encoding,
    }
}

/// A JPEG of the region's colour channels (JPEG has no alpha; captures are opaque).
fn encode_jpeg(region: &RgbaFrame, quality: u8) -> Option<Vec<u8>> {
    let rgb: Vec<u8> = region
        .pixels
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    let quality = quality.clamp(1, 100);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode(
            &rgb,
            u32::from(region.width),
            u32::from(region.height),
            image::ExtendedColorType::Rgb8,
        )
        .ok()?;
    Some(out)
}

/// The bytes these updates take on the wire.
pub fn wire_bytes(updates: &[ScreenUpdate]) -> usize {
    updates
        .iter()
        .map(|u| {
            switchboard_protocol::media::encode_media(
                &switchboard_protocol::media::MediaFrame::ScreenUpdate(u.clone()),
            )
            .map_or(0, |b| b.len())
        })
        .sum()
}

#[cfg(test)]
mod tests;
