//! The tray icon's pixmaps, drawn here rather than loaded: a disc in the presence's colour
//! and, when something waits, a red badge with the number in white (StatusNotifierItem has
//! no badge of its own, so the number is drawn into the icon; the title and tooltip carry
//! it too). Pure: the same view always gives the same bytes, which the D-Bus test compares.

use super::TrayView;
use switchboard_protocol::Presence;

/// The sizes offered; hosts pick the nearest to their panel (22 px on most panels).
pub const SIZES: [u32; 3] = [22, 32, 48];

/// One ARGB32 image, each pixel four bytes A, R, G, B (network byte order), as the
/// StatusNotifierItem's IconPixmap wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixmap {
    pub width: u32,
    pub height: u32,
    pub argb: Vec<u8>,
}

impl Pixmap {
    /// As the `(iiay)` D-Bus struct.
    pub fn to_wire(&self) -> (i32, i32, Vec<u8>) {
        let side = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        (side(self.width), side(self.height), self.argb.clone())
    }
}

/// The badge's text: the number up to 9, then "9+" (a 22 px icon has room for two glyphs).
pub fn badge_label(waiting: usize) -> Option<String> {
    match waiting {
        0 => None,
        1..=9 => Some(waiting.to_string()),
        _ => Some("9+".to_owned()),
    }
}

/// The icon at every size in [`SIZES`].
pub fn pixmaps(view: &TrayView) -> Vec<Pixmap> {
    SIZES.iter().map(|size| pixmap(view, *size)).collect()
}

type Rgb = [u8; 3];

const BADGE: Rgb = [0xd0, 0x21, 0x2e];
const WHITE: Rgb = [0xff, 0xff, 0xff];

fn presence_colour(presence: Option<Presence>) -> Rgb {
    match presence {
        Some(Presence::Available) => [0x2e, 0x9d, 0x48],
        Some(Presence::Busy) => [0xc9, 0x4f, 0x1d],
        Some(Presence::Paused) => [0xd9, 0x9a, 0x1c],
        Some(Presence::Away) => [0x8a, 0x8f, 0x98],
        Some(Presence::Offline) | None => [0x5a, 0x5f, 0x68],
    }
}

/// The icon at one size.
pub fn pixmap(view: &TrayView, size: u32) -> Pixmap {
    let mut canvas = Canvas::new(size);
    let s = size as f32;
    canvas.disc(s * 0.42, s * 0.56, s * 0.40, presence_colour(view.presence));
    if let Some(label) = badge_label(view.waiting) {
        let radius = s * 0.29;
        let (cx, cy) = (s - radius, radius);
        canvas.disc(cx, cy, radius, BADGE);
        canvas.text(cx, cy, &label, (size / 16).max(1), WHITE);
    }
    Pixmap {
        width: size,
        height: size,
        argb: canvas.argb,
    }
}

/// A square of ARGB32 pixels, transparent to start with.
struct Canvas {
    size: u32,
    argb: Vec<u8>,
}

impl Canvas {
    fn new(size: u32) -> Canvas {
        Canvas {
            size,
            argb: vec![0; (size * size * 4) as usize],
        }
    }

    /// Paints one pixel with `coverage` (0..=1) of `colour` over what is there.
    fn blend(&mut self, x: u32, y: u32, colour: Rgb, coverage: f32) {
        if x >= self.size || y >= self.size || coverage <= 0.0 {
            return;
        }
        let at = ((y * self.size + x) * 4) as usize;
        let a = coverage.min(1.0);
        let old_a = f32::from(self.argb[at]) / 255.0;
        let new_a = a + old_a * (1.0 - a);
        for (channel, value) in colour.iter().enumerate() {
            let old = f32::from(self.argb[at + 1 + channel]) * old_a * (1.0 - a);
            let mixed = (f32::from(*value) * a + old) / new_a.max(f32::EPSILON);
            self.argb[at + 1 + channel] = mixed.round().clamp(0.0, 255.0) as u8;
        }
        self.argb[at] = (new_a * 255.0).round() as u8;
    }

    /// A filled circle with a one-pixel soft edge.
    fn disc(&mut self, cx: f32, cy: f32, radius: f32, colour: Rgb) {
        for y in 0..self.size {
            for x in 0..self.size {
                let dx = x as f32 + 0.5 - cx;
                let dy = y as f32 + 0.5 - cy;
                let coverage = radius + 0.5 - (dx * dx + dy * dy).sqrt();
                self.blend(x, y, colour, coverage.clamp(0.0, 1.0));
            }
        }
    }

    /// `text` in the 3×5 glyphs below, each pixel `scale` pixels square, centred on (cx, cy).
    fn text(&mut self, cx: f32, cy: f32, text: &str, scale: u32, colour: Rgb) {
        let glyphs: Vec<[u8; 5]> = text.chars().filter_map(glyph).collect();
        let count = glyphs.len() as u32;
        if count == 0 {
            return;
        }
        let width = (count * 4 - 1) * scale;
        let left = (cx - width as f32 / 2.0).round().max(0.0) as u32;
        let top = (cy - (5 * scale) as f32 / 2.0).round().max(0.0) as u32;
        for (i, rows) in glyphs.iter().enumerate() {
            let x0 = left + i as u32 * 4 * scale;
            for (row, bits) in rows.iter().enumerate() {
                for column in 0..3u32 {
                    if bits & (0b100 >> column) == 0 {
                        continue;
                    }
                    for dy in 0..scale {
                        for dx in 0..scale {
                            let x = x0 + column * scale + dx;
                            let y = top + row as u32 * scale + dy;
                            self.blend(x, y, colour, 1.0);
                        }
                    }
                }
            }
        }
    }
}

/// A 3×5 glyph: five rows, the top bit of three the left column.
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(waiting: usize) -> TrayView {
        TrayView {
            presence: Some(Presence::Available),
            waiting,
        }
    }

    #[test]
    fn the_badge_caps_at_nine_plus() {
        assert_eq!(badge_label(0), None);
        assert_eq!(badge_label(3).as_deref(), Some("3"));
        assert_eq!(badge_label(9).as_deref(), Some("9"));
        assert_eq!(badge_label(10).as_deref(), Some("9+"));
    }

    #[test]
    fn every_size_is_argb32_of_its_side() {
        for icon in pixmaps(&view(3)) {
            assert_eq!(icon.argb.len(), (icon.width * icon.height * 4) as usize);
        }
    }

    /// The number changes the pixels (the badge is drawn); the presence changes them too.
    #[test]
    fn the_count_and_presence_show_in_the_pixels() {
        assert_ne!(pixmap(&view(0), 22), pixmap(&view(3), 22));
        assert_ne!(pixmap(&view(3), 22), pixmap(&view(4), 22));
        let away = TrayView {
            presence: Some(Presence::Away),
            waiting: 3,
        };
        assert_ne!(pixmap(&view(3), 22), pixmap(&away, 22));
        // The badge's corner is red with a count, transparent without one.
        let corner = |p: &Pixmap| {
            let at = ((2 * p.width + p.width - 5) * 4) as usize;
            p.argb[at..at + 4].to_vec()
        };
        assert_eq!(corner(&pixmap(&view(0), 22))[0], 0);
        assert_eq!(corner(&pixmap(&view(3), 22)), vec![0xff, 0xd0, 0x21, 0x2e]);
    }
}
