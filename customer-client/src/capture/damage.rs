//! XDamage on the root window: the server keeps the region that changed since we last asked;
//! [`X11Screen::capture_damaged`] moves it into an XFixes region, fetches its rectangles and
//! captures only those into the frame the caller keeps. Events are not needed (the region is
//! polled once per capture); the one the server sends when damage appears is drained.

use super::{CaptureError, Rect, Screen, X11Screen};
use crate::frame::RgbaFrame;
use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::damage::{ConnectionExt as _, ReportLevel};
use x11rb::protocol::xfixes::ConnectionExt as _;

/// The ids of the server-side damage object and the region it is emptied into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DamageWatch {
    damage: u32,
    region: u32,
}

/// The most rectangles fetched one by one; beyond this their bounding box is fetched instead
/// (many small requests cost more than one larger one).
const MAX_RECTS: usize = 64;

impl X11Screen {
    /// Starts tracking changes with XDamage. Until the first
    /// [`capture_damaged`](Self::capture_damaged), the whole screen counts as changed.
    pub fn watch_damage(&mut self) -> Result<(), CaptureError> {
        if self.damage.is_some() {
            return Ok(());
        }
        for name in [
            x11rb::protocol::xfixes::X11_EXTENSION_NAME,
            x11rb::protocol::damage::X11_EXTENSION_NAME,
        ] {
            if self.conn.extension_information(name)?.is_none() {
                return Err(CaptureError::MissingExtension(name));
            }
        }
        // Each extension must be told our version before its first request.
        self.conn.xfixes_query_version(5, 0)?.reply()?;
        self.conn.damage_query_version(1, 1)?.reply()?;
        let damage = self.conn.generate_id()?;
        self.conn
            .damage_create(damage, self.root, ReportLevel::NON_EMPTY)?
            .check()?;
        let region = self.conn.generate_id()?;
        self.conn.xfixes_create_region(region, &[])?.check()?;
        self.damage = Some(DamageWatch { damage, region });
        Ok(())
    }

    /// Brings `frame` up to date by capturing only what changed since the last call, and
    /// returns the rectangles captured. The first call (or a frame of the wrong size)
    /// captures the whole screen. Needs [`watch_damage`](Self::watch_damage) first, else it
    /// captures the whole screen every time.
    pub fn capture_damaged(&mut self, frame: &mut RgbaFrame) -> Result<Vec<Rect>, CaptureError> {
        let (width, height) = self.size();
        let whole = vec![(0, 0, width, height)];
        let Some(watch) = self.damage else {
            *frame = self.capture()?;
            return Ok(whole);
        };
        // Take the damage accumulated so far into our region (and empty the server's).
        self.conn
            .damage_subtract(watch.damage, x11rb::NONE, watch.region)?;
        let reply = self.conn.xfixes_fetch_region(watch.region)?.reply()?;
        while self.conn.poll_for_event()?.is_some() {}
        if frame.width != width || frame.height != height {
            *frame = self.capture()?;
            return Ok(whole);
        }
        let mut rects: Vec<Rect> = reply
            .rectangles
            .iter()
            .filter_map(|r| clip(r.x, r.y, r.width, r.height, width, height))
            .collect();
        if rects.len() > MAX_RECTS {
            let e = reply.extents;
            rects = clip(e.x, e.y, e.width, e.height, width, height)
                .into_iter()
                .collect();
        }
        for &(x, y, w, h) in &rects {
            let part = self.capture_region(x, y, w, h)?;
            frame.paste(x, y, &part);
        }
        Ok(rects)
    }
}

/// The part of a server rectangle inside the screen, if any.
fn clip(x: i16, y: i16, w: u16, h: u16, width: u16, height: u16) -> Option<Rect> {
    let x0 = i32::from(x).clamp(0, i32::from(width));
    let y0 = i32::from(y).clamp(0, i32::from(height));
    let x1 = (i32::from(x) + i32::from(w)).clamp(0, i32::from(width));
    let y1 = (i32::from(y) + i32::from(h)).clamp(0, i32::from(height));
    // Inside 0..=u16::MAX after the clamps.
    (x1 > x0 && y1 > y0).then(|| (x0 as u16, y0 as u16, (x1 - x0) as u16, (y1 - y0) as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rectangles are cut to the screen; those wholly outside vanish.
    #[test]
    fn rectangles_are_clipped_to_the_screen() {
        assert_eq!(clip(-5, 10, 20, 5, 100, 100), Some((0, 10, 15, 5)));
        assert_eq!(clip(90, 90, 20, 20, 100, 100), Some((90, 90, 10, 10)));
        assert_eq!(clip(100, 0, 5, 5, 100, 100), None);
        assert_eq!(clip(-10, 0, 5, 5, 100, 100), None);
    }
}
