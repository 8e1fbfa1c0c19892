//! Bytes to media frames. Nothing here panics or allocates more than the input holds: every
//! count is checked against the bytes that remain before anything is reserved, and every
//! length must match exactly (no trailing bytes, no payload running past its frame).

use super::error::MediaError;
use super::frame::{
    HEADER_BYTES, InputEvent, MAX_FRAME_BYTES, MAX_TILES, MAX_TOKEN_BYTES, MEDIA_MAGIC,
    MEDIA_VERSION, MediaFrame, ScreenUpdate, Tile, TileEncoding, check_screen, check_shell_chunk,
    check_shell_size, check_tile, encoding, input, kind,
};

/// The fewest bytes a tile takes on the wire (a solid tile: 8 of geometry, 1 of encoding, 4
/// of colour). A tile count is checked against this before any tile is read.
const MIN_TILE_BYTES: usize = 13;

/// Decodes one whole binary WebSocket message as a media frame.
pub fn decode_media(bytes: &[u8]) -> Result<MediaFrame, MediaError> {
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(MediaError::TooLarge(bytes.len()));
    }
    if bytes.len() < HEADER_BYTES {
        return Err(MediaError::ShortHeader(bytes.len()));
    }
    if bytes[0..2] != MEDIA_MAGIC {
        return Err(MediaError::BadMagic);
    }
    if bytes[2] != MEDIA_VERSION {
        return Err(MediaError::UnsupportedVersion(bytes[2]));
    }
    let frame_kind = bytes[3];
    let announced = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let body = &bytes[HEADER_BYTES..];
    if announced != body.len() {
        return Err(MediaError::LengthMismatch {
            announced,
            actual: body.len(),
        });
    }
    let mut reader = Reader { body, offset: 0 };
    let frame = match frame_kind {
        kind::AUTH => read_auth(&mut reader)?,
        kind::SCREEN_UPDATE => MediaFrame::ScreenUpdate(read_update(&mut reader)?),
        kind::ACK => MediaFrame::Ack { seq: reader.u64()? },
        kind::INPUT => MediaFrame::Input(read_input(&mut reader)?),
        kind::REFRESH_REQUEST => MediaFrame::RefreshRequest,
        kind::SHELL_OUTPUT => MediaFrame::ShellOutput {
            offset: reader.u64()?,
            data: reader.shell_chunk()?,
        },
        kind::SHELL_INPUT => MediaFrame::ShellInput {
            data: reader.shell_chunk()?,
        },
        kind::SHELL_RESIZE => {
            let (cols, rows) = (reader.u16()?, reader.u16()?);
            check_shell_size(cols, rows)?;
            MediaFrame::ShellResize { cols, rows }
        }
        kind::SHELL_ACK => MediaFrame::ShellAck {
            offset: reader.u64()?,
        },
        kind::SHELL_EXIT => MediaFrame::ShellExit {
            code: i32::from_le_bytes(reader.array()?),
        },
        other => return Err(MediaError::UnknownKind(other)),
    };
    let left = reader.body.len() - reader.offset;
    if left != 0 {
        return Err(MediaError::TrailingBytes(left));
    }
    Ok(frame)
}

fn read_auth(reader: &mut Reader<'_>) -> Result<MediaFrame, MediaError> {
    let len = usize::from(reader.u16()?);
    if len == 0 || len > MAX_TOKEN_BYTES {
        return Err(MediaError::BadToken);
    }
    let token = std::str::from_utf8(reader.take(len)?).map_err(|_| MediaError::BadToken)?;
    Ok(MediaFrame::Auth {
        token: token.to_owned(),
    })
}

fn read_update(reader: &mut Reader<'_>) -> Result<ScreenUpdate, MediaError> {
    let seq = reader.u64()?;
    let captured_micros = reader.u64()?;
    let width = reader.u16()?;
    let height = reader.u16()?;
    check_screen(width, height)?;
    let count = usize::from(reader.u16()?);
    if count > MAX_TILES {
        return Err(MediaError::TooManyTiles(count));
    }
    // Reserve only what the remaining bytes can hold, so a forged count allocates nothing.
    if count.saturating_mul(MIN_TILE_BYTES) > reader.remaining() {
        return Err(MediaError::Truncated {
            offset: reader.offset,
            needed: count * MIN_TILE_BYTES - reader.remaining(),
        });
    }
    let mut tiles = Vec::with_capacity(count);
    for index in 0..count {
        let (x, y, w, h) = (reader.u16()?, reader.u16()?, reader.u16()?, reader.u16()?);
        let encoding = match reader.u8()? {
            encoding::SOLID => {
                let rgba = reader.take(4)?;
                TileEncoding::Solid([rgba[0], rgba[1], rgba[2], rgba[3]])
            }
            encoding::QOI => TileEncoding::Qoi(reader.payload()?),
            encoding::JPEG => {
                let quality = reader.u8()?;
                TileEncoding::Jpeg {
                    quality,
                    data: reader.payload()?,
                }
            }
            other => return Err(MediaError::UnknownEncoding(other)),
        };
        let tile = Tile {
            x,
            y,
            w,
            h,
            encoding,
        };
        check_tile(index, &tile, width, height)?;
        tiles.push(tile);
    }
    Ok(ScreenUpdate {
        seq,
        captured_micros,
        width,
        height,
        tiles,
    })
}

fn read_input(reader: &mut Reader<'_>) -> Result<InputEvent, MediaError> {
    let event = match reader.u8()? {
        input::POINTER_MOVE => InputEvent::PointerMove {
            x: reader.u16()?,
            y: reader.u16()?,
        },
        input::POINTER_BUTTON => InputEvent::PointerButton {
            x: reader.u16()?,
            y: reader.u16()?,
            button: reader.u8()?,
            pressed: reader.bool()?,
        },
        input::KEY => InputEvent::Key {
            keysym: reader.u32()?,
            pressed: reader.bool()?,
        },
        other => return Err(MediaError::UnknownInput(other)),
    };
    event.validate()?;
    Ok(event)
}

/// A cursor over a frame's body that never reads past its end.
struct Reader<'a> {
    body: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.body.len() - self.offset
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], MediaError> {
        if len > self.remaining() {
            return Err(MediaError::Truncated {
                offset: self.offset,
                needed: len - self.remaining(),
            });
        }
        let slice = &self.body[self.offset..self.offset + len];
        self.offset += len;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], MediaError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, MediaError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, MediaError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, MediaError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, MediaError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn bool(&mut self) -> Result<bool, MediaError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(MediaError::BadBool(other)),
        }
    }

    /// A shell chunk: a u32 length within 1..=`MAX_SHELL_CHUNK`, checked before the copy.
    fn shell_chunk(&mut self) -> Result<Vec<u8>, MediaError> {
        let len = self.u32()? as usize;
        check_shell_chunk(len)?;
        Ok(self.take(len)?.to_vec())
    }

    /// A u32 length, then that many bytes; the length is checked before the copy.
    fn payload(&mut self) -> Result<Vec<u8>, MediaError> {
        let len = self.u32()? as usize;
        Ok(self.take(len)?.to_vec())
    }
}
