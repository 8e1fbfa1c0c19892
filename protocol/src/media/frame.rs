//! The media frame types and their limits. Every count and length on the wire is bounded by a
//! constant here; [`MediaFrame::validate`] is the one check both the encoder and the decoder
//! apply, so nothing encodes that would not decode.

use super::error::MediaError;

/// The media framing's version, the third byte of every frame.
pub const MEDIA_VERSION: u8 = 1;

/// The two bytes every media frame starts with (`"SM"`, Switchboard Media).
pub const MEDIA_MAGIC: [u8; 2] = *b"SM";

/// Bytes in the fixed header: magic (2), version (1), kind (1), body length (u32).
pub const HEADER_BYTES: usize = 8;

/// The largest frame, header included. A sender splits a larger update into several.
pub const MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;

/// The most tiles in one screen update (a 1080p screen in 64x64 tiles is 510).
pub const MAX_TILES: usize = 4096;

/// The widest and tallest screen a frame may describe, in pixels.
pub const MAX_SCREEN_SIDE: u16 = 8192;

/// The longest grant token, in bytes (the server's tokens are 43 characters).
pub const MAX_TOKEN_BYTES: usize = 256;

/// The highest X11 pointer button (1 left, 2 middle, 3 right, 4–7 wheel, 8–9 back/forward).
pub const MAX_POINTER_BUTTON: u8 = 9;

/// The most bytes of shell output or input one frame carries (at least 1).
pub const MAX_SHELL_CHUNK: usize = 64 * 1024;

/// The widest terminal a `shell_resize` may ask for, in columns.
pub const MAX_SHELL_COLS: u16 = 1000;

/// The tallest terminal a `shell_resize` may ask for, in rows.
pub const MAX_SHELL_ROWS: u16 = 500;

/// The lowest and highest JPEG quality a tile may carry.
pub const JPEG_QUALITY_RANGE: std::ops::RangeInclusive<u8> = 1..=100;

/// One binary frame on `/ws/media`, in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaFrame {
    /// First frame of either side: the grant token the server minted for this stream.
    Auth { token: String },
    /// Customer to viewers: the tiles that changed since the previous update.
    ScreenUpdate(ScreenUpdate),
    /// Viewer to customer: every update up to and including `seq` was drawn.
    Ack { seq: u64 },
    /// Viewer to customer, only while control is granted: a pointer or key event.
    Input(InputEvent),
    /// Viewer to customer: send the whole screen in the next update.
    RefreshRequest,
    /// Shell, customer to rep: the shell's output from byte `offset` of its whole output
    /// (1..=[`MAX_SHELL_CHUNK`] bytes).
    ShellOutput { offset: u64, data: Vec<u8> },
    /// Shell, rep to customer: bytes typed or pasted (1..=[`MAX_SHELL_CHUNK`]).
    ShellInput { data: Vec<u8> },
    /// Shell, rep to customer: the terminal's new size (1..=[`MAX_SHELL_COLS`] columns,
    /// 1..=[`MAX_SHELL_ROWS`] rows).
    ShellResize { cols: u16, rows: u16 },
    /// Shell, rep to customer: every output byte before `offset` has been shown (frees the
    /// customer's output window).
    ShellAck { offset: u64 },
    /// Shell, customer to rep: the shell exited with `code` (-1: killed, or no code).
    ShellExit { code: i32 },
}

/// A screen update: the screen's size and the tiles that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenUpdate {
    /// Increases by one per update of a stream; acknowledgements name it.
    pub seq: u64,
    /// When the pixels were captured, in microseconds since the Unix epoch (for latency).
    pub captured_micros: u64,
    /// Screen width in pixels, 1..=[`MAX_SCREEN_SIDE`].
    pub width: u16,
    /// Screen height in pixels, 1..=[`MAX_SCREEN_SIDE`].
    pub height: u16,
    /// Changed tiles, at most [`MAX_TILES`], each inside the screen. Later tiles paint over
    /// earlier ones where they overlap.
    pub tiles: Vec<Tile>,
}

/// A rectangle of the screen and its pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    pub x: u16,
    pub y: u16,
    /// Width, at least 1; `x + w` is at most the screen width.
    pub w: u16,
    /// Height, at least 1; `y + h` is at most the screen height.
    pub h: u16,
    pub encoding: TileEncoding,
}

/// How a tile's pixels are sent. The payloads are opaque here: the protocol checks lengths,
/// the receiver's image decoder checks contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileEncoding {
    /// Every pixel is this RGBA colour.
    Solid([u8; 4]),
    /// A QOI image (lossless) of exactly `w` x `h` pixels.
    Qoi(Vec<u8>),
    /// A baseline JPEG of exactly `w` x `h` pixels, made at `quality` (1..=100).
    Jpeg { quality: u8, data: Vec<u8> },
}

/// A viewer's input, in screen pixels and X11 keysyms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEvent {
    /// The pointer moved to (x, y).
    PointerMove { x: u16, y: u16 },
    /// A pointer button (1..=[`MAX_POINTER_BUTTON`]) went down or up at (x, y).
    PointerButton {
        x: u16,
        y: u16,
        button: u8,
        pressed: bool,
    },
    /// A key, named by its X11 keysym, went down or up.
    Key { keysym: u32, pressed: bool },
}

/// Wire codes of the frame kinds (the fourth header byte).
pub(crate) mod kind {
    pub const AUTH: u8 = 1;
    pub const SCREEN_UPDATE: u8 = 2;
    pub const ACK: u8 = 3;
    pub const INPUT: u8 = 4;
    pub const REFRESH_REQUEST: u8 = 5;
    pub const SHELL_OUTPUT: u8 = 6;
    pub const SHELL_INPUT: u8 = 7;
    pub const SHELL_RESIZE: u8 = 8;
    pub const SHELL_ACK: u8 = 9;
    pub const SHELL_EXIT: u8 = 10;
}

/// Wire codes of the tile encodings.
pub(crate) mod encoding {
    pub const SOLID: u8 = 1;
    pub const QOI: u8 = 2;
    pub const JPEG: u8 = 3;
}

/// Wire codes of the input events.
pub(crate) mod input {
    pub const POINTER_MOVE: u8 = 1;
    pub const POINTER_BUTTON: u8 = 2;
    pub const KEY: u8 = 3;
}

impl MediaFrame {
    /// Checks every limit the wire format sets, except the total size (which only the
    /// encoder or decoder knows).
    pub fn validate(&self) -> Result<(), MediaError> {
        match self {
            MediaFrame::Auth { token } => {
                if token.is_empty() || token.len() > MAX_TOKEN_BYTES {
                    return Err(MediaError::BadToken);
                }
                Ok(())
            }
            MediaFrame::ScreenUpdate(update) => update.validate(),
            MediaFrame::Ack { .. }
            | MediaFrame::RefreshRequest
            | MediaFrame::ShellAck { .. }
            | MediaFrame::ShellExit { .. } => Ok(()),
            MediaFrame::Input(event) => event.validate(),
            MediaFrame::ShellOutput { data, .. } | MediaFrame::ShellInput { data } => {
                check_shell_chunk(data.len())
            }
            MediaFrame::ShellResize { cols, rows } => check_shell_size(*cols, *rows),
        }
    }

    /// Whether this frame belongs on a shell socket (else on a screen socket; `auth` on both).
    pub fn is_shell(&self) -> bool {
        matches!(
            self,
            MediaFrame::ShellOutput { .. }
                | MediaFrame::ShellInput { .. }
                | MediaFrame::ShellResize { .. }
                | MediaFrame::ShellAck { .. }
                | MediaFrame::ShellExit { .. }
        )
    }
}

pub(crate) fn check_shell_chunk(len: usize) -> Result<(), MediaError> {
    if len == 0 || len > MAX_SHELL_CHUNK {
        return Err(MediaError::BadShellChunk(len));
    }
    Ok(())
}

pub(crate) fn check_shell_size(cols: u16, rows: u16) -> Result<(), MediaError> {
    if cols == 0 || rows == 0 || cols > MAX_SHELL_COLS || rows > MAX_SHELL_ROWS {
        return Err(MediaError::BadShellSize { cols, rows });
    }
    Ok(())
}

impl ScreenUpdate {
    /// The screen size is within [`MAX_SCREEN_SIDE`], there are at most [`MAX_TILES`] tiles,
    /// and each tile is non-empty, inside the screen, and has a valid encoding.
    pub fn validate(&self) -> Result<(), MediaError> {
        check_screen(self.width, self.height)?;
        if self.tiles.len() > MAX_TILES {
            return Err(MediaError::TooManyTiles(self.tiles.len()));
        }
        for (index, tile) in self.tiles.iter().enumerate() {
            check_tile(index, tile, self.width, self.height)?;
        }
        Ok(())
    }
}

impl InputEvent {
    /// Buttons are within 1..=[`MAX_POINTER_BUTTON`].
    pub fn validate(&self) -> Result<(), MediaError> {
        match *self {
            InputEvent::PointerButton { button, .. }
                if button == 0 || button > MAX_POINTER_BUTTON =>
            {
                Err(MediaError::BadButton(button))
            }
            _ => Ok(()),
        }
    }
}

pub(crate) fn check_screen(width: u16, height: u16) -> Result<(), MediaError> {
    if width == 0 || height == 0 || width > MAX_SCREEN_SIDE || height > MAX_SCREEN_SIDE {
        return Err(MediaError::BadScreenSize { width, height });
    }
    Ok(())
}

pub(crate) fn check_tile(
    index: usize,
    tile: &Tile,
    width: u16,
    height: u16,
) -> Result<(), MediaError> {
    let inside = tile.w > 0
        && tile.h > 0
        && u32::from(tile.x) + u32::from(tile.w) <= u32::from(width)
        && u32::from(tile.y) + u32::from(tile.h) <= u32::from(height);
    if !inside {
        return Err(MediaError::TileOutsideScreen { index });
    }
    match &tile.encoding {
        TileEncoding::Solid(_) => Ok(()),
        TileEncoding::Qoi(data) if data.is_empty() => Err(MediaError::EmptyPayload { index }),
        TileEncoding::Qoi(_) => Ok(()),
        TileEncoding::Jpeg { quality, data } => {
            if !JPEG_QUALITY_RANGE.contains(quality) {
                Err(MediaError::BadQuality(*quality))
            } else if data.is_empty() {
                Err(MediaError::EmptyPayload { index })
            } else {
                Ok(())
            }
        }
    }
}
