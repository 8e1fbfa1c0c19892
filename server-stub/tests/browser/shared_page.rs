//! What the page-sharing tests look at: a minimal viewer on `/ws/media` (the rep's side of
//! PROTOCOL.md §11) and the pictures it receives, decoded from their JPEG tile, with the
//! checks for masked (a flat block of the mask colour) and unmasked (text) regions.

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use switchboard_protocol::media::{
    MediaFrame, ScreenUpdate, TileEncoding, decode_media, encode_media,
};
use switchboard_testkit::{DEADLINE, Socket, open_socket};
use tokio_tungstenite::tungstenite::Message;

/// The tab picker answers yes by itself (the customer's click is still the page's).
pub const AUTO_ACCEPT: &str = "--auto-accept-this-tab-capture";

/// What the masking turns a private field into (`mask.css`), give or take JPEG's error.
pub const MASK_RGB: [u8; 3] = [0x3b, 0x41, 0x50];

/// A viewer on `/ws/media`, as small as these tests need (the rep's side of §11).
pub struct Viewer(Socket);

impl Viewer {
    pub async fn auth(addr: SocketAddr, token: &str) -> Viewer {
        let mut viewer = Viewer(open_socket(addr, "/ws/media").await);
        viewer
            .send(&MediaFrame::Auth {
                token: token.to_owned(),
            })
            .await;
        viewer
    }

    pub async fn send(&mut self, frame: &MediaFrame) {
        let bytes = encode_media(frame).unwrap();
        self.0.send(Message::Binary(bytes.into())).await.unwrap();
    }

    /// The next screen update within the deadline (other frames skipped; a close fails).
    pub async fn update(&mut self) -> ScreenUpdate {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.0.next()).await else {
                panic!("no screen update within {DEADLINE:?}");
            };
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    if let MediaFrame::ScreenUpdate(update) =
                        decode_media(&bytes).expect("the relay's frame decodes")
                    {
                        return update;
                    }
                }
                Some(Ok(Message::Close(frame))) => panic!("media socket closed: {frame:?}"),
                Some(Ok(_)) => {}
                other => panic!("media socket failed: {other:?}"),
            }
        }
    }

    /// The close code, reading past any frames, within the deadline.
    pub async fn closed(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.0.next())
                .await
                .expect("the media socket closes within the deadline");
            match message {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    }
}

/// A decoded picture: RGBA rows, as the page drew its tab.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl Picture {
    /// The update's one tile (the page sends the whole picture as one JPEG), decoded.
    pub fn of(update: &ScreenUpdate) -> Picture {
        assert_eq!(update.tiles.len(), 1, "one tile per update");
        let tile = &update.tiles[0];
        assert_eq!(
            (tile.x, tile.y, tile.w, tile.h),
            (0, 0, update.width, update.height),
            "the tile covers the whole picture"
        );
        let TileEncoding::Jpeg { quality, data } = &tile.encoding else {
            panic!("the page sends JPEG tiles, not {:?}", tile.encoding);
        };
        assert!((1..=100).contains(quality));
        let image = image::load_from_memory_with_format(data, image::ImageFormat::Jpeg)
            .expect("the tile is a JPEG")
            .to_rgba8();
        assert_eq!(
            (image.width(), image.height()),
            (u32::from(update.width), u32::from(update.height)),
            "the JPEG is the tile's size"
        );
        Picture {
            width: image.width(),
            height: image.height(),
            rgba: image.into_raw(),
        }
    }

    /// Saves the picture as `$SWITCHBOARD_SCREENSHOTS/<name>.jpg` when that is set (to look
    /// at what the rep received).
    pub fn save_if_asked(&self, name: &str) {
        let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") else {
            return;
        };
        let path = std::path::PathBuf::from(dir).join(format!("{name}.jpg"));
        let rgb: Vec<u8> = self
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        image::save_buffer(&path, &rgb, self.width, self.height, image::ColorType::Rgb8)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// The pixels of a rectangle given in page (CSS) pixels, scaled to the picture. The tab
    /// keeps its aspect (its height may hold less than `innerHeight`), so the width decides.
    pub fn region(&self, page_width: f64, rect: (f64, f64, f64, f64)) -> Vec<[u8; 3]> {
        let sx = f64::from(self.width) / page_width;
        let sy = sx;
        let (x0, y0) = ((rect.0 * sx) as u32, (rect.1 * sy) as u32);
        let (x1, y1) = (
            ((rect.0 + rect.2) * sx) as u32,
            ((rect.1 + rect.3) * sy) as u32,
        );
        let mut out = Vec::new();
        for y in y0..y1.min(self.height) {
            for x in x0..x1.min(self.width) {
                let at = ((y * self.width + x) * 4) as usize;
                out.push([self.rgba[at], self.rgba[at + 1], self.rgba[at + 2]]);
            }
        }
        assert!(!out.is_empty(), "the region {rect:?} lies in the picture");
        out
    }
}

/// Whether every pixel is within `tolerance` of `rgb` on each channel.
pub fn all_near(pixels: &[[u8; 3]], rgb: [u8; 3], tolerance: u8) -> bool {
    pixels
        .iter()
        .all(|p| (0..3).all(|c| p[c].abs_diff(rgb[c]) <= tolerance))
}

/// The spread of brightness in the pixels (0 for a flat block, large for black text on white).
pub fn contrast(pixels: &[[u8; 3]]) -> u8 {
    let luma = |p: &[u8; 3]| ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8;
    let max = pixels.iter().map(luma).max().unwrap_or(0);
    let min = pixels.iter().map(luma).min().unwrap_or(0);
    max - min
}

/// The next screen update from the viewer socket (acknowledged, as a console would).
pub async fn next_picture(viewer: &mut Viewer) -> (ScreenUpdate, Picture) {
    let update = viewer.update().await;
    viewer.send(&MediaFrame::Ack { seq: update.seq }).await;
    let picture = Picture::of(&update);
    (update, picture)
}
