//! What can be wrong with a media frame, on the way in or out.

/// A media frame that breaks the format or one of its limits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("frame of {0} bytes is shorter than the 8-byte header")]
    ShortHeader(usize),
    #[error("frame does not start with the media magic \"SM\"")]
    BadMagic,
    #[error("media framing version {0} is not supported (this side speaks 1)")]
    UnsupportedVersion(u8),
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    #[error("frame of {0} bytes is over the limit")]
    TooLarge(usize),
    #[error("header announces a {announced}-byte body but {actual} bytes follow")]
    LengthMismatch { announced: usize, actual: usize },
    #[error("body ends early: {needed} more bytes needed at offset {offset}")]
    Truncated { offset: usize, needed: usize },
    #[error("{0} bytes left over after the frame's body")]
    TrailingBytes(usize),
    #[error("grant token is empty, too long or not UTF-8")]
    BadToken,
    #[error("screen size {width}x{height} is outside 1..=8192")]
    BadScreenSize { width: u16, height: u16 },
    #[error("update has {0} tiles, over the limit")]
    TooManyTiles(usize),
    #[error("tile {index} is empty or not inside the screen")]
    TileOutsideScreen { index: usize },
    #[error("tile {index} has an empty payload")]
    EmptyPayload { index: usize },
    #[error("unknown tile encoding {0}")]
    UnknownEncoding(u8),
    #[error("JPEG quality {0} is outside 1..=100")]
    BadQuality(u8),
    #[error("unknown input event {0}")]
    UnknownInput(u8),
    #[error("pointer button {0} is outside 1..=9")]
    BadButton(u8),
    #[error("a boolean byte is {0}, not 0 or 1")]
    BadBool(u8),
    #[error("a shell chunk of {0} bytes is outside 1..=65536")]
    BadShellChunk(usize),
    #[error("terminal size {cols}x{rows} is outside 1..=1000 columns and 1..=500 rows")]
    BadShellSize { cols: u16, rows: u16 },
}
