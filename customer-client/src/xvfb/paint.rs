//! Drawing known pixels on an X server for tests and benches (one copy, shared by the
//! customer client's tests and benches and the console's end-to-end tests and glass-to-glass
//! bench): a [`Painter`] maps one window over the whole screen and fills rectangles in it.
//! Every drawing call ends with a round trip, so when it returns the X server has drawn the
//! pixels (what a capture reads from then on).

use std::time::{Duration, Instant};
use x11rb::connection::Connection;
use x11rb::errors::{ConnectError, ConnectionError, ReplyError, ReplyOrIdError};
use x11rb::protocol::xproto::{
    ChangeGCAux, ConnectionExt as _, CreateGCAux, CreateWindowAux, Gcontext, MapState, Rectangle,
    Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;

/// How long a new window may take to become viewable.
const MAP_LIMIT: Duration = Duration::from_secs(10);

/// The background of the painter's window (a light grey, as a desktop application's).
pub const BACKGROUND: u32 = 0xF5F5F2;

/// The colour of the known scene's shapes ([`Painter::scene`]).
pub const SCENE_BLUE: u32 = 0x336699;

/// The side of a checkerboard square ([`Painter::checkerboard`]).
pub const SQUARE: u16 = 32;

/// A typing-size change: about one character of a 16-pixel font.
pub const CHAR_W: u16 = 10;
pub const CHAR_H: u16 = 16;

/// Why drawing failed.
#[derive(Debug, thiserror::Error)]
pub enum PaintError {
    #[error("cannot connect to the X server: {0}")]
    Connect(#[from] ConnectError),
    #[error("the X connection failed: {0}")]
    Connection(#[from] ConnectionError),
    #[error("the X server refused a request: {0}")]
    Reply(#[from] ReplyError),
    #[error("the X server refused a request: {0}")]
    ReplyOrId(#[from] ReplyOrIdError),
    #[error("the window was not viewable within {0:?}")]
    NotMapped(Duration),
}

/// A window covering the whole screen of an X server, to draw known pixels in.
pub struct Painter {
    conn: RustConnection,
    root: Window,
    window: Window,
    gc: Gcontext,
    width: u16,
    height: u16,
}

impl Painter {
    /// Connects to `display`, maps an override-redirect window over the whole screen filled
    /// with [`BACKGROUND`], and returns once it is viewable and drawn.
    pub fn cover(display: &str) -> Result<Painter, PaintError> {
        let (conn, screen_num) = x11rb::connect(Some(display))?;
        let screen = &conn.setup().roots[screen_num];
        let (root, depth, visual) = (screen.root, screen.root_depth, screen.root_visual);
        let (width, height) = (screen.width_in_pixels, screen.height_in_pixels);
        let window = conn.generate_id()?;
        conn.create_window(
            depth,
            window,
            root,
            0,
            0,
            width,
            height,
            0,
            WindowClass::INPUT_OUTPUT,
            visual,
            &CreateWindowAux::new()
                .override_redirect(1)
                .background_pixel(BACKGROUND),
        )?;
        conn.map_window(window)?;
        let gc = conn.generate_id()?;
        conn.create_gc(gc, window, &CreateGCAux::new().foreground(SCENE_BLUE))?;
        conn.flush()?;
        // No window manager: the map is done once the server has read it, but ask until the
        // window says so rather than assume it.
        let deadline = Instant::now() + MAP_LIMIT;
        while conn.get_window_attributes(window)?.reply()?.map_state != MapState::VIEWABLE {
            if Instant::now() >= deadline {
                return Err(PaintError::NotMapped(MAP_LIMIT));
            }
            std::thread::park_timeout(Duration::from_millis(5));
        }
        let painter = Painter {
            conn,
            root,
            window,
            gc,
            width,
            height,
        };
        painter.sync()?;
        Ok(painter)
    }

    /// The X connection (to ask the server things, such as where the pointer is).
    pub fn connection(&self) -> &RustConnection {
        &self.conn
    }

    /// The root window of the painter's screen.
    pub fn root(&self) -> Window {
        self.root
    }

    /// The screen's size in pixels.
    pub fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// A round trip: when it returns, the server has carried out every request sent before.
    pub fn sync(&self) -> Result<(), PaintError> {
        self.conn.get_input_focus()?.reply()?;
        Ok(())
    }

    /// Fills `rects` with `rgb` (`0xRRGGBB`; captured as `[R, G, B, 255]`), and waits until
    /// the server has drawn them.
    pub fn fill(&self, rgb: u32, rects: &[Rectangle]) -> Result<(), PaintError> {
        self.conn
            .change_gc(self.gc, &ChangeGCAux::new().foreground(rgb))?;
        self.conn.poly_fill_rectangle(self.window, self.gc, rects)?;
        self.sync()
    }

    /// The known scene of the customer client's tests: the background, a 50×30 blue
    /// rectangle at (100, 100) and twenty one-pixel-wide blue stripes (nothing a lossy codec
    /// would keep) from (300, 200), 40 high.
    pub fn scene(&self) -> Result<(), PaintError> {
        let mut rects = vec![Rectangle {
            x: 100,
            y: 100,
            width: 50,
            height: 30,
        }];
        rects.extend((0..20).map(|i| Rectangle {
            x: 300 + 2 * i,
            y: 200,
            width: 1,
            height: 40,
        }));
        self.fill(SCENE_BLUE, &rects)
    }

    /// Draws typing-size change number `n`: a [`CHAR_W`]×[`CHAR_H`] rectangle of a colour
    /// that differs from every earlier one near it, at the next character place on a line of
    /// text (lines wrap, and the screen wraps to the top); returns the rectangle and the
    /// colour as captured.
    pub fn type_char(&self, n: u32) -> Result<(Rectangle, [u8; 4]), PaintError> {
        let rect = char_place(n, self.width, self.height);
        let rgb = char_colour(n);
        self.fill(rgb, &[rect])?;
        Ok((rect, rgba(rgb)))
    }

    /// Fills the whole screen with `rgb`.
    pub fn fill_screen(&self, rgb: u32) -> Result<(), PaintError> {
        self.fill(
            rgb,
            &[Rectangle {
                x: 0,
                y: 0,
                width: self.width,
                height: self.height,
            }],
        )
    }

    /// Covers the whole screen with a checkerboard of [`SQUARE`]-pixel squares in the two
    /// colours of pattern `n` (every pixel differs from pattern `n - 1`'s); returns them as
    /// captured, the first being the square at the top left.
    pub fn checkerboard(&self, n: u32) -> Result<([u8; 4], [u8; 4]), PaintError> {
        let (a, b) = checker_colours(n);
        self.conn
            .change_gc(self.gc, &ChangeGCAux::new().foreground(a))?;
        self.conn.poly_fill_rectangle(
            self.window,
            self.gc,
            &[Rectangle {
                x: 0,
                y: 0,
                width: self.width,
                height: self.height,
            }],
        )?;
        let mut squares = Vec::new();
        for row in 0..self.height.div_ceil(SQUARE) {
            for column in 0..self.width.div_ceil(SQUARE) {
                if (row + column) % 2 == 1 {
                    squares.push(Rectangle {
                        x: (column * SQUARE) as i16,
                        y: (row * SQUARE) as i16,
                        width: SQUARE,
                        height: SQUARE,
                    });
                }
            }
        }
        self.fill(b, &squares)?;
        Ok((rgba(a), rgba(b)))
    }
}

impl Drop for Painter {
    fn drop(&mut self) {
        let _ = self.conn.destroy_window(self.window);
        let _ = self.conn.flush();
    }
}

/// `0xRRGGBB` as a captured RGBA pixel.
pub fn rgba(rgb: u32) -> [u8; 4] {
    [(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8, 255]
}

/// Where typing-size change `n` goes on a `width`×`height` screen: the `n`th character place
/// of lines of text starting at (40, 40), one place every 12 pixels, one line every 20.
pub fn char_place(n: u32, width: u16, height: u16) -> Rectangle {
    let per_line = (u32::from(width.saturating_sub(80)) / 12).max(1);
    let lines = (u32::from(height.saturating_sub(80)) / 20).max(1);
    let column = n % per_line;
    let line = (n / per_line) % lines;
    Rectangle {
        x: (40 + column * 12) as i16,
        y: (40 + line * 20) as i16,
        width: CHAR_W,
        height: CHAR_H,
    }
}

/// The colour of typing-size change `n`: dark (every channel below 128, so never the light
/// background), and a different one for each `n` below 2^18, so a place that is written again
/// gets a colour it did not have.
pub fn char_colour(n: u32) -> u32 {
    // The low 18 bits of `n`, spread over bits 6..=1 of the three channels.
    let mut rgb = 0;
    for bit in 0..18 {
        if n & (1 << bit) != 0 {
            let channel = bit % 3;
            let place = 6 - bit / 3;
            rgb |= 1 << (channel * 8 + place);
        }
    }
    rgb
}

/// The two colours of checkerboard `n`: far from each other and from pattern `n - 1`'s.
fn checker_colours(n: u32) -> (u32, u32) {
    const PAIRS: [(u32, u32); 4] = [
        (0xE03020, 0x2040C0),
        (0x20C040, 0xC020A0),
        (0x2040C0, 0xE0C020),
        (0xC020A0, 0x20C040),
    ];
    PAIRS[(n % 4) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typing changes differ in colour from each other and from the background; their places
    /// stay on the screen.
    #[test]
    fn typing_changes_are_new_colours_in_places_on_the_screen() {
        let colours: std::collections::BTreeSet<u32> = (0..1 << 18).map(char_colour).collect();
        assert_eq!(colours.len(), 1 << 18);
        assert!(colours.iter().all(|&c| c & 0x808080 == 0), "all dark");
        for n in [0, 1, 150, 10_000, u32::MAX] {
            let rect = char_place(n, 1920, 1080);
            assert!(rect.x >= 0 && rect.x as u16 + rect.width <= 1920);
            assert!(rect.y >= 0 && rect.y as u16 + rect.height <= 1080);
        }
        let (a, b) = (char_place(0, 640, 480), char_place(1, 640, 480));
        assert_ne!((a.x, a.y), (b.x, b.y));
    }

    /// Each checkerboard's colours differ from the previous one's, square for square.
    #[test]
    fn each_checkerboard_changes_every_square() {
        for n in 1..8 {
            let (a, b) = checker_colours(n);
            let (pa, pb) = checker_colours(n - 1);
            assert!(a != pa && b != pb && a != b);
        }
    }
}
