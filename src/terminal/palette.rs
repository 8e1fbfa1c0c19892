//! The terminal's 256 indexed colours as RGB, and its default colours: the 16 named ones
//! (a dark scheme that keeps every named colour legible on the default background), the
//! 6×6×6 colour cube and the 24 greys, as xterm defines them.

/// The default background: the view is a dark terminal whatever the console's theme, as
/// programs pick their colours for one.
pub const DEFAULT_BG: [u8; 3] = [0x1e, 0x1e, 0x1e];
/// The default foreground.
pub const DEFAULT_FG: [u8; 3] = [0xd4, 0xd4, 0xd4];

/// Colours 0–15: black, red, green, yellow, blue, magenta, cyan, white, then their bright
/// forms.
const NAMED: [[u8; 3]; 16] = [
    [0x00, 0x00, 0x00],
    [0xcd, 0x31, 0x31],
    [0x0d, 0xbc, 0x79],
    [0xe5, 0xe5, 0x10],
    [0x24, 0x72, 0xc8],
    [0xbc, 0x3f, 0xbc],
    [0x11, 0xa8, 0xcd],
    [0xe5, 0xe5, 0xe5],
    [0x66, 0x66, 0x66],
    [0xf1, 0x4c, 0x4c],
    [0x23, 0xd1, 0x8b],
    [0xf5, 0xf5, 0x43],
    [0x3b, 0x8e, 0xea],
    [0xd6, 0x70, 0xd6],
    [0x29, 0xb8, 0xdb],
    [0xff, 0xff, 0xff],
];

/// The levels of each channel in the colour cube (16–231).
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB of indexed colour `index`.
pub fn indexed(index: u8) -> [u8; 3] {
    match index {
        0..=15 => NAMED[usize::from(index)],
        16..=231 => {
            let n = index - 16;
            [
                CUBE_LEVELS[usize::from(n / 36)],
                CUBE_LEVELS[usize::from((n / 6) % 6)],
                CUBE_LEVELS[usize::from(n % 6)],
            ]
        }
        232..=255 => {
            let grey = 8 + (index - 232) * 10;
            [grey, grey, grey]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cube's corners and the grey ramp's ends are xterm's.
    #[test]
    fn cube_and_greys_match_xterm() {
        assert_eq!(indexed(16), [0, 0, 0]);
        assert_eq!(indexed(196), [255, 0, 0]);
        assert_eq!(indexed(21), [0, 0, 255]);
        assert_eq!(indexed(231), [255, 255, 255]);
        assert_eq!(indexed(232), [8, 8, 8]);
        assert_eq!(indexed(255), [238, 238, 238]);
        assert_eq!(indexed(1), NAMED[1]);
    }
}
