//! Media frames to bytes. The layout (all integers little-endian) is in `docs/PROTOCOL.md`,
//! "Media frames"; [`decode`](super::decode) reads exactly what this writes.

use super::error::MediaError;
use super::frame::{
    HEADER_BYTES, InputEvent, MAX_FRAME_BYTES, MEDIA_MAGIC, MEDIA_VERSION, MediaFrame,
    TileEncoding, encoding, input, kind,
};

/// Encodes a frame, refusing one the decoder would refuse (a limit broken, or over
/// [`MAX_FRAME_BYTES`] in total).
pub fn encode_media(frame: &MediaFrame) -> Result<Vec<u8>, MediaError> {
    frame.validate()?;
    let total = HEADER_BYTES.saturating_add(body_len(frame));
    if total > MAX_FRAME_BYTES {
        return Err(MediaError::TooLarge(total));
    }
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&MEDIA_MAGIC);
    out.push(MEDIA_VERSION);
    out.push(frame_kind(frame));
    out.extend_from_slice(&[0; 4]); // body length, filled in below
    write_body(frame, &mut out);
    debug_assert_eq!(out.len(), total);
    // total <= MAX_FRAME_BYTES (8 MiB), so the body length fits a u32.
    out[4..8].copy_from_slice(&((total - HEADER_BYTES) as u32).to_le_bytes());
    Ok(out)
}

pub(super) fn frame_kind(frame: &MediaFrame) -> u8 {
    match frame {
        MediaFrame::Auth { .. } => kind::AUTH,
        MediaFrame::ScreenUpdate(_) => kind::SCREEN_UPDATE,
        MediaFrame::Ack { .. } => kind::ACK,
        MediaFrame::Input(_) => kind::INPUT,
        MediaFrame::RefreshRequest => kind::REFRESH_REQUEST,
        MediaFrame::ShellOutput { .. } => kind::SHELL_OUTPUT,
        MediaFrame::ShellInput { .. } => kind::SHELL_INPUT,
        MediaFrame::ShellResize { .. } => kind::SHELL_RESIZE,
        MediaFrame::ShellAck { .. } => kind::SHELL_ACK,
        MediaFrame::ShellExit { .. } => kind::SHELL_EXIT,
    }
}

/// The body's exact length in bytes (saturating, so a huge frame is refused, never wrapped).
fn body_len(frame: &MediaFrame) -> usize {
    match frame {
        MediaFrame::Auth { token } => 2 + token.len(),
        MediaFrame::ScreenUpdate(update) => update.tiles.iter().fold(22usize, |sum, tile| {
            // x, y, w, h and the encoding byte, then the encoding's own bytes.
            let tile_len = 9usize.saturating_add(match &tile.encoding {
                TileEncoding::Solid(_) => 4,
                TileEncoding::Qoi(data) => 4usize.saturating_add(data.len()),
                TileEncoding::Jpeg { data, .. } => 5usize.saturating_add(data.len()),
            });
            sum.saturating_add(tile_len)
        }),
        MediaFrame::Ack { .. } => 8,
        MediaFrame::Input(InputEvent::PointerMove { .. }) => 5,
        MediaFrame::Input(InputEvent::PointerButton { .. }) => 7,
        MediaFrame::Input(InputEvent::Key { .. }) => 6,
        MediaFrame::RefreshRequest => 0,
        MediaFrame::ShellOutput { data, .. } => 12usize.saturating_add(data.len()),
        MediaFrame::ShellInput { data } => 4usize.saturating_add(data.len()),
        MediaFrame::ShellResize { .. } => 4,
        MediaFrame::ShellAck { .. } => 8,
        MediaFrame::ShellExit { .. } => 4,
    }
}

pub(super) fn write_body(frame: &MediaFrame, out: &mut Vec<u8>) {
    match frame {
        MediaFrame::Auth { token } => {
            // validate() bounded the token to MAX_TOKEN_BYTES, so it fits a u16.
            out.extend_from_slice(&(token.len() as u16).to_le_bytes());
            out.extend_from_slice(token.as_bytes());
        }
        MediaFrame::ScreenUpdate(update) => {
            out.extend_from_slice(&update.seq.to_le_bytes());
            out.extend_from_slice(&update.captured_micros.to_le_bytes());
            out.extend_from_slice(&update.width.to_le_bytes());
            out.extend_from_slice(&update.height.to_le_bytes());
            // validate() bounded the count to MAX_TILES, so it fits a u16.
            out.extend_from_slice(&(update.tiles.len() as u16).to_le_bytes());
            for tile in &update.tiles {
                for value in [tile.x, tile.y, tile.w, tile.h] {
                    out.extend_from_slice(&value.to_le_bytes());
                }
                match &tile.encoding {
                    TileEncoding::Solid(rgba) => {
                        out.push(encoding::SOLID);
                        out.extend_from_slice(rgba);
                    }
                    TileEncoding::Qoi(data) => {
                        out.push(encoding::QOI);
                        write_payload(data, out);
                    }
                    TileEncoding::Jpeg { quality, data } => {
                        out.push(encoding::JPEG);
                        out.push(*quality);
                        write_payload(data, out);
                    }
                }
            }
        }
        MediaFrame::Ack { seq } => out.extend_from_slice(&seq.to_le_bytes()),
        MediaFrame::Input(event) => match *event {
            InputEvent::PointerMove { x, y } => {
                out.push(input::POINTER_MOVE);
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&y.to_le_bytes());
            }
            InputEvent::PointerButton {
                x,
                y,
                button,
                pressed,
            } => {
                out.push(input::POINTER_BUTTON);
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&y.to_le_bytes());
                out.push(button);
                out.push(u8::from(pressed));
            }
            InputEvent::Key { keysym, pressed } => {
                out.push(input::KEY);
                out.extend_from_slice(&keysym.to_le_bytes());
                out.push(u8::from(pressed));
            }
        },
        MediaFrame::RefreshRequest => {}
        MediaFrame::ShellOutput { offset, data } => {
            out.extend_from_slice(&offset.to_le_bytes());
            write_payload(data, out);
        }
        MediaFrame::ShellInput { data } => write_payload(data, out),
        MediaFrame::ShellResize { cols, rows } => {
            out.extend_from_slice(&cols.to_le_bytes());
            out.extend_from_slice(&rows.to_le_bytes());
        }
        MediaFrame::ShellAck { offset } => out.extend_from_slice(&offset.to_le_bytes()),
        MediaFrame::ShellExit { code } => out.extend_from_slice(&code.to_le_bytes()),
    }
}

/// A payload's length as a u32, then its bytes. The caller checked the whole frame fits
/// [`MAX_FRAME_BYTES`], so the length fits a u32.
fn write_payload(data: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
}
