//! The customer's screen as the console holds it: a decoder thread paints each screen update
//! onto its own framebuffer (off the UI thread), then copies only the changed rectangles
//! into the [`Picture`] it shares with the UI, and notes them as damage, each with its
//! texture image already made (the RGBA → `ColorImage` work is the decoder's too). The UI
//! takes the damage each frame and hands just those images to its texture.

use egui::ColorImage;
use std::collections::VecDeque;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use switchboard_customer::RgbaFrame;
use switchboard_customer::tiles::apply_update;
use switchboard_protocol::media::{MediaFrame, ScreenUpdate};
use tokio::sync::mpsc::UnboundedSender;

/// A rectangle of the screen, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

/// When damage covers more rectangles than this, the UI uploads the whole picture instead.
const MAX_DAMAGE_RECTS: usize = 1024;

/// The picture shared between the decoder thread and the UI, and the figures of the status line.
#[derive(Debug, Default)]
pub struct Picture {
    /// The screen as last painted (`None` until the first update).
    pub frame: Option<RgbaFrame>,
    /// What changed since the UI last took it; `whole` means upload everything.
    pub damage: Vec<Rect>,
    /// The texture images of `damage`, one per rectangle, made by the decoder thread.
    pub damage_images: Vec<ColorImage>,
    pub whole: bool,
    /// With `whole`: the whole picture as a texture image, made by the decoder thread.
    pub whole_image: Option<ColorImage>,
    /// The newest update's delay: now − its capture time, at the moment it was painted.
    pub latency_ms: Option<u64>,
    /// Updates painted and bytes received in the last second (for fps and KB/s).
    painted: VecDeque<Instant>,
    received: VecDeque<(Instant, usize)>,
    /// Updates that could not be painted (a tile that does not decode).
    pub bad_updates: u64,
}

/// What the UI takes from the picture each frame.
#[derive(Debug, Default)]
pub struct Damage {
    pub rects: Vec<Rect>,
    /// One texture image per rectangle of `rects`.
    pub images: Vec<ColorImage>,
    pub whole: bool,
    /// With `whole`: the whole picture, ready to upload (`None`: make it from the frame).
    pub whole_image: Option<ColorImage>,
}

impl Damage {
    pub fn is_empty(&self) -> bool {
        self.rects.is_empty() && !self.whole
    }
}

/// The window the rates are measured over.
const RATE_WINDOW: Duration = Duration::from_secs(1);

impl Picture {
    /// Takes what changed since the last call.
    pub fn take_damage(&mut self) -> Damage {
        Damage {
            rects: std::mem::take(&mut self.damage),
            images: std::mem::take(&mut self.damage_images),
            whole: std::mem::take(&mut self.whole),
            whole_image: self.whole_image.take(),
        }
    }

    /// The screen's size, once known.
    pub fn size(&self) -> Option<(u16, u16)> {
        self.frame.as_ref().map(|f| (f.width, f.height))
    }

    /// Updates painted in the last second.
    pub fn fps(&mut self, now: Instant) -> f64 {
        trim(&mut self.painted, now, |t| *t);
        self.painted.len() as f64
    }

    /// Bytes received in the last second.
    pub fn bytes_per_sec(&mut self, now: Instant) -> f64 {
        trim(&mut self.received, now, |(t, _)| *t);
        self.received.iter().map(|(_, n)| *n).sum::<usize>() as f64
    }

    /// The socket received a frame of `bytes`.
    pub fn received(&mut self, now: Instant, bytes: usize) {
        self.received.push_back((now, bytes));
        trim(&mut self.received, now, |(t, _)| *t);
    }
}

fn trim<T>(window: &mut VecDeque<T>, now: Instant, at: impl Fn(&T) -> Instant) {
    while window
        .front()
        .is_some_and(|first| now.duration_since(at(first)) > RATE_WINDOW)
    {
        window.pop_front();
    }
}

/// The picture behind a lock the UI and the decoder share.
#[derive(Debug, Clone, Default)]
pub struct SharedPicture(Arc<Mutex<Picture>>);

impl SharedPicture {
    /// The picture (a poisoned lock still holds a usable picture: it is plain data).
    pub fn lock(&self) -> MutexGuard<'_, Picture> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Microseconds since the Unix epoch, for the latency of an update.
fn now_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// Paints updates onto a framebuffer of its own and shares what changed: the decoder
/// thread's work (public so benches can drive it without a socket).
pub struct Painter {
    framebuffer: RgbaFrame,
    picture: SharedPicture,
}

impl Painter {
    pub fn new(picture: SharedPicture) -> Painter {
        Painter {
            framebuffer: RgbaFrame {
                width: 0,
                height: 0,
                pixels: Vec::new(),
            },
            picture,
        }
    }

    /// Paints `update`, copies the changed rectangles into the shared picture, and counts it.
    pub fn paint(&mut self, update: &ScreenUpdate) {
        let framebuffer = &mut self.framebuffer;
        let resized = framebuffer.width != update.width || framebuffer.height != update.height;
        let painted = apply_update(framebuffer, update);
        let mut shared = self.picture.lock();
        share(&mut shared, framebuffer, update, resized);
        if let Err(error) = &painted {
            shared.bad_updates += 1;
            tracing::warn!(%error, seq = update.seq, "a screen update could not be painted");
        }
        let now = Instant::now();
        shared.painted.push_back(now);
        trim(&mut shared.painted, now, |t| *t);
        let delay_micros = now_micros().saturating_sub(update.captured_micros);
        shared.latency_ms = Some(delay_micros / 1000);
    }
}

/// The decoder thread's body: paints every update, shares the changed rectangles, acks it.
/// Ends when the socket task drops its sender.
pub(crate) fn decode_loop(
    updates: Receiver<ScreenUpdate>,
    picture: SharedPicture,
    acks: UnboundedSender<MediaFrame>,
    wake: Arc<dyn Fn() + Send + Sync>,
) {
    let mut painter = Painter::new(picture);
    while let Ok(update) = updates.recv() {
        painter.paint(&update);
        // Acknowledged once drawn into the picture, even when a tile was bad: the stream
        // goes on, and a refresh repaints what was wrong.
        if acks.send(MediaFrame::Ack { seq: update.seq }).is_err() {
            break;
        }
        wake();
    }
}

/// Copies what `update` changed from the decoder's framebuffer into the shared picture.
fn share(shared: &mut Picture, framebuffer: &RgbaFrame, update: &ScreenUpdate, resized: bool) {
    let same_size = shared
        .frame
        .as_ref()
        .is_some_and(|f| f.width == framebuffer.width && f.height == framebuffer.height);
    if resized || !same_size {
        shared.frame = Some(framebuffer.clone());
        shared.damage.clear();
        shared.damage_images.clear();
        shared.whole = true;
        shared.whole_image = Some(color_image(
            framebuffer,
            0,
            0,
            framebuffer.width,
            framebuffer.height,
        ));
        return;
    }
    let Some(frame) = shared.frame.as_mut() else {
        return;
    };
    let mut pending_pixels: usize = shared
        .damage
        .iter()
        .map(|r| usize::from(r.w) * usize::from(r.h))
        .sum();
    let screen_pixels = usize::from(frame.width) * usize::from(frame.height);
    for tile in &update.tiles {
        if !framebuffer.contains(tile.x, tile.y, tile.w, tile.h) {
            continue;
        }
        frame.copy_region_from(framebuffer, tile.x, tile.y, tile.w, tile.h);
        if !shared.whole {
            shared.damage.push(Rect {
                x: tile.x,
                y: tile.y,
                w: tile.w,
                h: tile.h,
            });
            shared
                .damage_images
                .push(color_image(framebuffer, tile.x, tile.y, tile.w, tile.h));
            pending_pixels += usize::from(tile.w) * usize::from(tile.h);
        }
    }
    // The UI fell behind (more rectangles, or more pixels, than the screen is worth):
    // one whole picture replaces them, so what waits stays bounded.
    if shared.whole || shared.damage.len() > MAX_DAMAGE_RECTS || pending_pixels > screen_pixels {
        shared.damage.clear();
        shared.damage_images.clear();
        shared.whole = true;
        shared.whole_image = Some(color_image(
            framebuffer,
            0,
            0,
            framebuffer.width,
            framebuffer.height,
        ));
    }
}

/// A rectangle of the framebuffer as a texture image (premultiplied, as egui wants).
fn color_image(framebuffer: &RgbaFrame, x: u16, y: u16, w: u16, h: u16) -> ColorImage {
    let size = [usize::from(w), usize::from(h)];
    if x == 0 && y == 0 && w == framebuffer.width && h == framebuffer.height {
        return ColorImage::from_rgba_premultiplied(size, &framebuffer.pixels);
    }
    let region = framebuffer.region(x, y, w, h);
    ColorImage::from_rgba_premultiplied(size, &region.pixels)
}
