//! A generated desktop for tests, benches and demos without an X server: a background, a few
//! windows with text-like blocks, a text field that grows as characters are "typed", a clock
//! in a taskbar that changes every second, and a mark wherever a click landed. Deterministic:
//! the same size, time, typing and clicks give the same pixels.

use super::{CaptureError, Screen, check_region};
use crate::frame::RgbaFrame;

const BACKGROUND: [u8; 4] = [36, 52, 71, 255];
const TASKBAR: [u8; 4] = [20, 20, 24, 255];
const TITLE_BAR: [u8; 4] = [60, 64, 76, 255];
const WINDOW: [u8; 4] = [245, 245, 242, 255];
const TEXT: [u8; 4] = [70, 70, 80, 255];
const CLOCK: [u8; 4] = [230, 230, 230, 255];
const MARK: [u8; 4] = [220, 40, 40, 255];
const TASKBAR_HEIGHT: u16 = 32;

/// A desktop drawn from a few parameters.
pub struct SyntheticScreen {
    /// Everything that does not change: background, windows and their text.
    base: RgbaFrame,
    /// Seconds since midnight shown on the clock.
    clock_secs: u64,
    /// Characters typed into the first window's text field.
    typed: u16,
    /// Where clicks landed, drawn as small crosses.
    clicks: Vec<(u16, u16)>,
}

impl SyntheticScreen {
    /// A `width` x `height` desktop (at least 200 x 150) at midnight.
    pub fn new(width: u16, height: u16) -> Self {
        let (width, height) = (width.max(200), height.max(150));
        let mut base = RgbaFrame::filled(width, height, BACKGROUND);
        base.fill(0, height - TASKBAR_HEIGHT, width, TASKBAR_HEIGHT, TASKBAR);
        for index in 0..3u16 {
            let (x, y) = (20 + index * width / 5, 20 + index * height / 7);
            let (w, h) = (width * 2 / 5, height / 2);
            draw_window(&mut base, index, x, y, w, h);
        }
        Self {
            base,
            clock_secs: 0,
            typed: 0,
            clicks: Vec::new(),
        }
    }

    /// Sets the clock, in seconds (since midnight, or any epoch: it shows the time of day).
    pub fn set_time(&mut self, secs: u64) {
        self.clock_secs = secs % 86_400;
    }

    /// Types one more character into the text field.
    pub fn type_char(&mut self) {
        self.typed = self.typed.saturating_add(1);
    }

    /// Marks a click at (x, y).
    pub fn click(&mut self, x: u16, y: u16) {
        self.clicks.push((x, y));
    }

    /// The whole desktop as it looks now.
    pub fn render(&self) -> RgbaFrame {
        let mut frame = self.base.clone();
        let (width, height) = (frame.width, frame.height);
        // The text field: one 7x12 block per character, wrapping inside the first window.
        let (field_x, field_y) = (32u16, 20 + 24 + 12);
        let per_row = (width * 2 / 5 - 24) / 9;
        for i in 0..self.typed {
            let (col, row) = (i % per_row.max(1), i / per_row.max(1));
            frame.fill(field_x + col * 9, field_y + row * 16, 7, 12, TEXT);
        }
        let time = self.clock_secs;
        let digits = [
            time / 36_000,
            time / 3_600 % 10,
            10,
            time / 600 % 6,
            time / 60 % 10,
            10,
            time / 10 % 6,
            time % 10,
        ];
        let clock_x = width.saturating_sub(8 * 14 + 12);
        for (i, digit) in digits.into_iter().enumerate() {
            draw_digit(&mut frame, clock_x + i as u16 * 14, height - 25, digit);
        }
        for &(x, y) in &self.clicks {
            frame.fill(x.saturating_sub(4), y, 9, 1, MARK);
            frame.fill(x, y.saturating_sub(4), 1, 9, MARK);
        }
        frame
    }
}

impl Screen for SyntheticScreen {
    fn size(&self) -> (u16, u16) {
        (self.base.width, self.base.height)
    }

    fn capture_region(
        &mut self,
        x: u16,
        y: u16,
        w: u16,
        h: u16,
    ) -> Result<RgbaFrame, CaptureError> {
        check_region(self.size(), (x, y, w, h))?;
        Ok(self.render().region(x, y, w, h))
    }

    fn capture(&mut self) -> Result<RgbaFrame, CaptureError> {
        Ok(self.render())
    }
}

/// A window: title bar, body, and rows of word-like blocks whose widths come from a hash.
fn draw_window(frame: &mut RgbaFrame, index: u16, x: u16, y: u16, w: u16, h: u16) {
    frame.fill(x, y, w, 24, TITLE_BAR);
    frame.fill(x, y + 24, w, h - 24, WINDOW);
    let mut seed = u32::from(index).wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    // The first window keeps its top rows free for the text field.
    let first_row = if index == 0 { 5 } else { 1 };
    for row in first_row..(h - 24) / 16 {
        let mut cx = x + 12;
        let line_end = x + w - 12 - (next() % u32::from(w / 3).max(1)) as u16;
        while cx + 10 < line_end {
            let word = 10 + (next() % 50) as u16;
            let word = word.min(line_end - cx);
            frame.fill(cx, y + 24 + row * 16 + 4, word, 8, TEXT);
            cx += word + 7;
        }
    }
}

/// A seven-segment digit, 10 x 18 pixels; 10 draws a colon.
fn draw_digit(frame: &mut RgbaFrame, x: u16, y: u16, digit: u64) {
    if digit == 10 {
        frame.fill(x + 4, y + 4, 2, 2, CLOCK);
        frame.fill(x + 4, y + 12, 2, 2, CLOCK);
        return;
    }
    // Segments a..g as bits 0..6.
    const SEGMENTS: [u8; 10] = [0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F];
    let on = SEGMENTS[(digit % 10) as usize];
    let bars: [(u16, u16, u16, u16); 7] = [
        (1, 0, 8, 2),
        (8, 1, 2, 8),
        (8, 9, 2, 8),
        (1, 16, 8, 2),
        (0, 9, 2, 8),
        (0, 1, 2, 8),
        (1, 8, 8, 2),
    ];
    for (bit, (bx, by, bw, bh)) in bars.into_iter().enumerate() {
        if on & (1 << bit) != 0 {
            frame.fill(x + bx, y + by, bw, bh, CLOCK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same inputs draw the same pixels; another second draws other pixels.
    #[test]
    fn the_desktop_is_deterministic() {
        let mut a = SyntheticScreen::new(640, 480);
        let mut b = SyntheticScreen::new(640, 480);
        a.set_time(3_723);
        b.set_time(3_723);
        assert_eq!(a.capture().unwrap(), b.capture().unwrap());
        b.set_time(3_724);
        assert_ne!(a.capture().unwrap(), b.capture().unwrap());
    }

    /// A click leaves a red mark where it landed.
    #[test]
    fn a_click_is_marked() {
        let mut screen = SyntheticScreen::new(640, 480);
        screen.click(300, 200);
        assert_eq!(screen.capture().unwrap().pixel(300, 200), MARK);
        assert!(screen.capture_region(600, 400, 64, 64).is_err());
    }
}
