//! QOI, "the Quite OK Image format" (qoiformat.org/qoi-specification.pdf): the lossless tile
//! encoding. Fast, simple, and good on the flat colours and text of desktop UI. The decoder
//! reads untrusted bytes: it checks the header's size against what the caller expects before
//! allocating, and never reads past the input.

use crate::frame::RgbaFrame;

const MAGIC: &[u8; 4] = b"qoif";
const HEADER_BYTES: usize = 14;
const END_MARKER: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];

const OP_INDEX: u8 = 0x00;
const OP_DIFF: u8 = 0x40;
const OP_LUMA: u8 = 0x80;
const OP_RUN: u8 = 0xC0;
const OP_RGB: u8 = 0xFE;
const OP_RGBA: u8 = 0xFF;
const MASK_2: u8 = 0xC0;

/// Why a QOI image could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QoiError {
    #[error("not a QOI image (header missing or wrong)")]
    BadHeader,
    #[error("QOI image is {width}x{height}, expected {expected_width}x{expected_height}")]
    WrongSize {
        width: u32,
        height: u32,
        expected_width: u16,
        expected_height: u16,
    },
    #[error("QOI data ends before the last pixel")]
    Truncated,
}

fn hash(p: [u8; 4]) -> usize {
    (usize::from(p[0]) * 3 + usize::from(p[1]) * 5 + usize::from(p[2]) * 7 + usize::from(p[3]) * 11)
        % 64
}

/// Encodes a frame as a QOI image (4 channels, sRGB).
pub fn encode(frame: &RgbaFrame) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_BYTES + frame.pixels.len() / 4 + END_MARKER.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&u32::from(frame.width).to_be_bytes());
    out.extend_from_slice(&u32::from(frame.height).to_be_bytes());
    out.extend_from_slice(&[4, 0]);
    let mut index = [[0u8; 4]; 64];
    let mut prev = [0u8, 0, 0, 255];
    let mut run = 0u8;
    for chunk in frame.pixels.chunks_exact(4) {
        let px = [chunk[0], chunk[1], chunk[2], chunk[3]];
        if px == prev {
            run += 1;
            if run == 62 {
                out.push(OP_RUN | (run - 1));
                run = 0;
            }
            continue;
        }
        if run > 0 {
            out.push(OP_RUN | (run - 1));
            run = 0;
        }
        let slot = hash(px);
        if index[slot] == px {
            out.push(OP_INDEX | slot as u8);
        } else {
            index[slot] = px;
            if px[3] == prev[3] {
                let dr = px[0].wrapping_sub(prev[0]) as i8;
                let dg = px[1].wrapping_sub(prev[1]) as i8;
                let db = px[2].wrapping_sub(prev[2]) as i8;
                let dr_dg = dr.wrapping_sub(dg);
                let db_dg = db.wrapping_sub(dg);
                if (-2..=1).contains(&dr) && (-2..=1).contains(&dg) && (-2..=1).contains(&db) {
                    out.push(
                        OP_DIFF | ((dr + 2) as u8) << 4 | ((dg + 2) as u8) << 2 | (db + 2) as u8,
                    );
                } else if (-32..=31).contains(&dg)
                    && (-8..=7).contains(&dr_dg)
                    && (-8..=7).contains(&db_dg)
                {
                    out.push(OP_LUMA | (dg + 32) as u8);
                    out.push(((dr_dg + 8) as u8) << 4 | (db_dg + 8) as u8);
                } else {
                    out.extend_from_slice(&[OP_RGB, px[0], px[1], px[2]]);
                }
            } else {
                out.extend_from_slice(&[OP_RGBA, px[0], px[1], px[2], px[3]]);
            }
        }
        prev = px;
    }
    if run > 0 {
        out.push(OP_RUN | (run - 1));
    }
    out.extend_from_slice(&END_MARKER);
    out
}

/// Decodes a QOI image that must be `width` x `height`.
pub fn decode(bytes: &[u8], width: u16, height: u16) -> Result<RgbaFrame, QoiError> {
    if bytes.len() < HEADER_BYTES || &bytes[0..4] != MAGIC {
        return Err(QoiError::BadHeader);
    }
    let w = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    let h = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if w != u32::from(width) || h != u32::from(height) {
        return Err(QoiError::WrongSize {
            width: w,
            height: h,
            expected_width: width,
            expected_height: height,
        });
    }
    if !(3..=4).contains(&bytes[12]) || bytes[13] > 1 {
        return Err(QoiError::BadHeader);
    }
    let count = usize::from(width) * usize::from(height);
    let mut pixels = Vec::with_capacity(count * 4);
    let mut index = [[0u8; 4]; 64];
    let mut px = [0u8, 0, 0, 255];
    let mut data = bytes[HEADER_BYTES..].iter().copied();
    let mut next = || data.next().ok_or(QoiError::Truncated);
    let mut written = 0;
    while written < count {
        let b1 = next()?;
        let mut repeat = 1;
        if b1 == OP_RGB {
            px = [next()?, next()?, next()?, px[3]];
        } else if b1 == OP_RGBA {
            px = [next()?, next()?, next()?, next()?];
        } else {
            match b1 & MASK_2 {
                OP_INDEX => px = index[usize::from(b1)],
                OP_DIFF => {
                    px[0] = px[0].wrapping_add((b1 >> 4) & 3).wrapping_sub(2);
                    px[1] = px[1].wrapping_add((b1 >> 2) & 3).wrapping_sub(2);
                    px[2] = px[2].wrapping_add(b1 & 3).wrapping_sub(2);
                }
                OP_LUMA => {
                    let b2 = next()?;
                    let dg = (b1 & 0x3F).wrapping_sub(32);
                    px[0] = px[0].wrapping_add(dg).wrapping_add(b2 >> 4).wrapping_sub(8);
                    px[1] = px[1].wrapping_add(dg);
                    px[2] = px[2]
                        .wrapping_add(dg)
                        .wrapping_add(b2 & 0x0F)
                        .wrapping_sub(8);
                }
                _ => repeat = usize::from(b1 & 0x3F) + 1,
            }
        }
        index[hash(px)] = px;
        // A run past the last pixel is cut short rather than trusted.
        for _ in 0..repeat.min(count - written) {
            pixels.extend_from_slice(&px);
        }
        written += repeat.min(count - written);
    }
    Ok(RgbaFrame {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A picture with runs, small and large differences and alpha changes round-trips.
    #[test]
    fn a_mixed_picture_round_trips() {
        let mut frame = RgbaFrame::filled(33, 17, [10, 20, 30, 255]);
        for (i, p) in frame.pixels.chunks_exact_mut(4).enumerate() {
            if i % 7 == 0 {
                p.copy_from_slice(&[(i * 13) as u8, (i * 7) as u8, (i * 3) as u8, 255]);
            }
            if i % 31 == 0 {
                p[3] = 128;
            }
        }
        let bytes = encode(&frame);
        assert_eq!(decode(&bytes, 33, 17).unwrap(), frame);
    }

    /// A header announcing another size, a cut-off body and junk are refused.
    #[test]
    fn bad_input_is_refused() {
        let frame = RgbaFrame::filled(8, 8, [1, 2, 3, 4]);
        let bytes = encode(&frame);
        assert!(matches!(
            decode(&bytes, 8, 9),
            Err(QoiError::WrongSize { .. })
        ));
        assert_eq!(decode(&bytes[..15], 8, 8), Err(QoiError::Truncated));
        assert_eq!(decode(b"nope", 8, 8), Err(QoiError::BadHeader));
    }

    proptest! {
        /// Any picture survives encode then decode exactly (QOI is lossless).
        #[test]
        fn any_picture_round_trips(
            (w, h, pixels) in (1u16..40, 1u16..40).prop_flat_map(|(w, h)| {
                // Few distinct colours, so runs, index hits and diffs all occur.
                let palette = prop::sample::select(vec![
                    [0u8, 0, 0, 255], [0, 0, 0, 0], [255, 255, 255, 255], [1, 1, 1, 255],
                    [30, 60, 90, 255], [31, 59, 92, 255], [200, 10, 10, 200],
                ]);
                let any = any::<[u8; 4]>();
                let pixel = prop_oneof![palette, any];
                (Just(w), Just(h), proptest::collection::vec(pixel, usize::from(w) * usize::from(h)))
            })
        ) {
            let frame = RgbaFrame { width: w, height: h, pixels: pixels.concat() };
            prop_assert_eq!(decode(&encode(&frame), w, h).unwrap(), frame);
        }

        /// Arbitrary bytes after a valid header never panic the decoder.
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut bytes = encode(&RgbaFrame::filled(9, 7, [0; 4]))[..HEADER_BYTES].to_vec();
            bytes.extend_from_slice(&body);
            let _ = decode(&bytes, 9, 7);
        }
    }
}
