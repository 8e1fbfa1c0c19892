//! An RGBA framebuffer (8 bits a channel, rows top to bottom, no padding) and the rectangle
//! operations the capture and tile code share.

/// A picture of `width` x `height` RGBA pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaFrame {
    pub width: u16,
    pub height: u16,
    /// `width * height * 4` bytes, row after row.
    pub pixels: Vec<u8>,
}

impl RgbaFrame {
    /// A frame of one colour.
    pub fn filled(width: u16, height: u16, rgba: [u8; 4]) -> Self {
        let count = usize::from(width) * usize::from(height);
        let mut pixels = Vec::with_capacity(count * 4);
        for _ in 0..count {
            pixels.extend_from_slice(&rgba);
        }
        Self {
            width,
            height,
            pixels,
        }
    }

    /// The byte range of row `y`, columns `x..x + w`.
    fn span(&self, x: u16, y: u16, w: u16) -> std::ops::Range<usize> {
        let start = (usize::from(y) * usize::from(self.width) + usize::from(x)) * 4;
        start..start + usize::from(w) * 4
    }

    /// The pixel at (x, y). Panics outside the frame (callers index their own frames).
    pub fn pixel(&self, x: u16, y: u16) -> [u8; 4] {
        let range = self.span(x, y, 1);
        let p = &self.pixels[range];
        [p[0], p[1], p[2], p[3]]
    }

    /// Whether the rectangle lies inside the frame.
    pub fn contains(&self, x: u16, y: u16, w: u16, h: u16) -> bool {
        u32::from(x) + u32::from(w) <= u32::from(self.width)
            && u32::from(y) + u32::from(h) <= u32::from(self.height)
    }

    /// Copies a rectangle (which must lie inside the frame) out as its own frame.
    pub fn region(&self, x: u16, y: u16, w: u16, h: u16) -> RgbaFrame {
        let mut pixels = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
        for row in y..y + h {
            pixels.extend_from_slice(&self.pixels[self.span(x, row, w)]);
        }
        RgbaFrame {
            width: w,
            height: h,
            pixels,
        }
    }

    /// Fills a rectangle (clipped to the frame) with one colour.
    pub fn fill(&mut self, x: u16, y: u16, w: u16, h: u16, rgba: [u8; 4]) {
        let x_end = (u32::from(x) + u32::from(w)).min(u32::from(self.width)) as u16;
        let y_end = (u32::from(y) + u32::from(h)).min(u32::from(self.height)) as u16;
        if x >= x_end {
            return;
        }
        for row in y..y_end {
            let range = self.span(x, row, x_end - x);
            for pixel in self.pixels[range].chunks_exact_mut(4) {
                pixel.copy_from_slice(&rgba);
            }
        }
    }

    /// Pastes `source` with its top-left corner at (x, y); it must fit inside the frame.
    pub fn paste(&mut self, x: u16, y: u16, source: &RgbaFrame) {
        for row in 0..source.height {
            let from = source.span(0, row, source.width);
            let to = self.span(x, y + row, source.width);
            self.pixels[to].copy_from_slice(&source.pixels[from]);
        }
    }

    /// Copies a rectangle from `other` (a frame of the same size) into the same place here.
    pub fn copy_region_from(&mut self, other: &RgbaFrame, x: u16, y: u16, w: u16, h: u16) {
        for row in y..y + h {
            let range = self.span(x, row, w);
            self.pixels[range.clone()].copy_from_slice(&other.pixels[range]);
        }
    }

    /// Whether the rectangle has the same pixels here and in `other` (same size frames).
    pub fn same_region(&self, other: &RgbaFrame, x: u16, y: u16, w: u16, h: u16) -> bool {
        (y..y + h).all(|row| {
            let range = self.span(x, row, w);
            self.pixels[range.clone()] == other.pixels[range]
        })
    }

    /// The rectangle's colour if every pixel in it is the same.
    pub fn solid_colour(&self, x: u16, y: u16, w: u16, h: u16) -> Option<[u8; 4]> {
        let first = self.pixel(x, y);
        (y..y + h)
            .all(|row| {
                self.pixels[self.span(x, row, w)]
                    .chunks_exact(4)
                    .all(|p| p == first)
            })
            .then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A region copied out and pasted back leaves the frame as it was.
    #[test]
    fn region_and_paste_are_inverse() {
        let mut frame = RgbaFrame::filled(10, 8, [1, 2, 3, 255]);
        frame.fill(2, 3, 4, 2, [9, 9, 9, 255]);
        let region = frame.region(1, 2, 6, 4);
        assert_eq!(region.pixel(1, 1), [9, 9, 9, 255]);
        let mut other = RgbaFrame::filled(10, 8, [1, 2, 3, 255]);
        other.paste(1, 2, &region);
        assert_eq!(other, frame);
        assert_eq!(frame.solid_colour(2, 3, 4, 2), Some([9, 9, 9, 255]));
        assert_eq!(frame.solid_colour(1, 3, 4, 2), None);
    }
}
