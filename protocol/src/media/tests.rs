//! Round trips, hostile bytes and property tests for the media framing.

use super::*;
use proptest::prelude::*;

fn update(tiles: Vec<Tile>) -> MediaFrame {
    MediaFrame::ScreenUpdate(ScreenUpdate {
        seq: 7,
        captured_micros: 1_700_000_000_000_000,
        width: 1920,
        height: 1080,
        tiles,
    })
}

fn tile(x: u16, y: u16, w: u16, h: u16, encoding: TileEncoding) -> Tile {
    Tile {
        x,
        y,
        w,
        h,
        encoding,
    }
}

/// Every kind of frame decodes to what was encoded.
#[test]
fn every_frame_kind_round_trips() {
    let frames = [
        MediaFrame::Auth {
            token: "grant-token-abc".into(),
        },
        update(vec![
            tile(0, 0, 64, 64, TileEncoding::Solid([1, 2, 3, 255])),
            tile(64, 0, 64, 64, TileEncoding::Qoi(vec![9; 40])),
            tile(
                1856,
                1016,
                64,
                64,
                TileEncoding::Jpeg {
                    quality: 70,
                    data: vec![0xFF, 0xD8, 0xFF, 0xD9],
                },
            ),
        ]),
        update(vec![]),
        MediaFrame::Ack { seq: u64::MAX },
        MediaFrame::Input(InputEvent::PointerMove { x: 5, y: 6 }),
        MediaFrame::Input(InputEvent::PointerButton {
            x: 100,
            y: 200,
            button: 3,
            pressed: true,
        }),
        MediaFrame::Input(InputEvent::Key {
            keysym: 0xFF0D,
            pressed: false,
        }),
        MediaFrame::RefreshRequest,
        MediaFrame::ShellOutput {
            offset: 1 << 40,
            data: b"\x1b[31mred\x1b[0m\r\n".to_vec(),
        },
        MediaFrame::ShellInput {
            data: vec![b'x'; MAX_SHELL_CHUNK],
        },
        MediaFrame::ShellResize {
            cols: MAX_SHELL_COLS,
            rows: 1,
        },
        MediaFrame::ShellAck { offset: 7 },
        MediaFrame::ShellExit { code: -1 },
    ];
    for frame in frames {
        let bytes = encode_media(&frame).unwrap();
        assert_eq!(decode_media(&bytes).unwrap(), frame);
    }
}

/// The header is magic, version, kind and the body length, little-endian.
#[test]
fn the_header_is_as_documented() {
    let bytes = encode_media(&MediaFrame::Ack { seq: 258 }).unwrap();
    assert_eq!(
        bytes,
        [b'S', b'M', 1, 3, 8, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0]
    );
}

/// Wrong magic, version, kind and lengths are each a typed error.
#[test]
fn broken_headers_are_refused() {
    let good = encode_media(&MediaFrame::Ack { seq: 1 }).unwrap();
    assert_eq!(decode_media(&good[..5]), Err(MediaError::ShortHeader(5)));
    let mut bad = good.clone();
    bad[0] = b'X';
    assert_eq!(decode_media(&bad), Err(MediaError::BadMagic));
    let mut bad = good.clone();
    bad[2] = 2;
    assert_eq!(decode_media(&bad), Err(MediaError::UnsupportedVersion(2)));
    let mut bad = good.clone();
    bad[3] = 99;
    assert_eq!(decode_media(&bad), Err(MediaError::UnknownKind(99)));
    let mut bad = good.clone();
    bad.push(0);
    assert!(matches!(
        decode_media(&bad),
        Err(MediaError::LengthMismatch { .. })
    ));
    // Announce and carry one byte more than an ack's body.
    let mut bad = good.clone();
    bad[4] = 9;
    bad.push(0);
    assert_eq!(decode_media(&bad), Err(MediaError::TrailingBytes(1)));
    assert_eq!(
        decode_media(&vec![0; MAX_FRAME_BYTES + 1]),
        Err(MediaError::TooLarge(MAX_FRAME_BYTES + 1))
    );
}

/// A tile count the bytes cannot hold is refused before anything is reserved.
#[test]
fn a_forged_tile_count_is_refused() {
    let mut bytes = encode_media(&update(vec![])).unwrap();
    let count_at = HEADER_BYTES + 20;
    bytes[count_at..count_at + 2].copy_from_slice(&4000u16.to_le_bytes());
    assert!(matches!(
        decode_media(&bytes),
        Err(MediaError::Truncated { .. })
    ));
    bytes[count_at..count_at + 2].copy_from_slice(&5000u16.to_le_bytes());
    assert_eq!(decode_media(&bytes), Err(MediaError::TooManyTiles(5000)));
}

/// A payload length running past the frame's end is refused.
#[test]
fn a_payload_longer_than_the_frame_is_refused() {
    let mut bytes = encode_media(&update(vec![tile(
        0,
        0,
        8,
        8,
        TileEncoding::Qoi(vec![1; 10]),
    )]))
    .unwrap();
    let len_at = HEADER_BYTES + 22 + 9;
    bytes[len_at..len_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        decode_media(&bytes),
        Err(MediaError::Truncated { .. })
    ));
}

/// Tiles outside the screen, empty tiles, bad sizes, qualities, buttons and tokens are
/// refused by the encoder and the decoder alike.
#[test]
fn broken_limits_are_refused_both_ways() {
    let cases = [
        (
            update(vec![tile(1900, 0, 64, 64, TileEncoding::Solid([0; 4]))]),
            MediaError::TileOutsideScreen { index: 0 },
        ),
        (
            update(vec![tile(0, 0, 0, 64, TileEncoding::Solid([0; 4]))]),
            MediaError::TileOutsideScreen { index: 0 },
        ),
        (
            update(vec![tile(0, 0, 8, 8, TileEncoding::Qoi(vec![]))]),
            MediaError::EmptyPayload { index: 0 },
        ),
        (
            update(vec![tile(
                0,
                0,
                8,
                8,
                TileEncoding::Jpeg {
                    quality: 0,
                    data: vec![1],
                },
            )]),
            MediaError::BadQuality(0),
        ),
        (
            MediaFrame::ScreenUpdate(ScreenUpdate {
                seq: 0,
                captured_micros: 0,
                width: 8193,
                height: 10,
                tiles: vec![],
            }),
            MediaError::BadScreenSize {
                width: 8193,
                height: 10,
            },
        ),
        (
            MediaFrame::Input(InputEvent::PointerButton {
                x: 0,
                y: 0,
                button: 0,
                pressed: true,
            }),
            MediaError::BadButton(0),
        ),
        (
            MediaFrame::Auth {
                token: String::new(),
            },
            MediaError::BadToken,
        ),
        (
            MediaFrame::Auth {
                token: "x".repeat(MAX_TOKEN_BYTES + 1),
            },
            MediaError::BadToken,
        ),
    ];
    for (frame, error) in cases {
        assert_eq!(encode_media(&frame), Err(error.clone()), "{frame:?}");
        // Encode by hand, skipping the check, and the decoder refuses the same.
        let mut body = Vec::new();
        encode::write_body(&frame, &mut body);
        let mut bytes = vec![b'S', b'M', MEDIA_VERSION, encode::frame_kind(&frame)];
        bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&body);
        assert_eq!(decode_media(&bytes), Err(error), "{frame:?}");
    }
}

/// A frame over the size limit is refused by the encoder.
#[test]
fn an_oversized_update_is_refused_by_the_encoder() {
    let frame = update(vec![tile(
        0,
        0,
        64,
        64,
        TileEncoding::Qoi(vec![0; MAX_FRAME_BYTES]),
    )]);
    assert!(matches!(encode_media(&frame), Err(MediaError::TooLarge(_))));
}

fn encoding_strategy() -> impl Strategy<Value = TileEncoding> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(TileEncoding::Solid),
        proptest::collection::vec(any::<u8>(), 1..64).prop_map(TileEncoding::Qoi),
        (1u8..=100, proptest::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(quality, data)| TileEncoding::Jpeg { quality, data }),
    ]
}

fn update_strategy() -> impl Strategy<Value = ScreenUpdate> {
    (1u16..=MAX_SCREEN_SIDE, 1u16..=MAX_SCREEN_SIDE).prop_flat_map(|(width, height)| {
        let tile =
            (0..width, 0..height, encoding_strategy()).prop_flat_map(move |(x, y, encoding)| {
                (1..=width - x, 1..=height - y).prop_map(move |(w, h)| Tile {
                    x,
                    y,
                    w,
                    h,
                    encoding: encoding.clone(),
                })
            });
        (
            any::<u64>(),
            any::<u64>(),
            proptest::collection::vec(tile, 0..20),
        )
            .prop_map(move |(seq, captured_micros, tiles)| ScreenUpdate {
                seq,
                captured_micros,
                width,
                height,
                tiles,
            })
    })
}

fn frame_strategy() -> impl Strategy<Value = MediaFrame> {
    prop_oneof![
        "[ -~]{1,64}".prop_map(|token| MediaFrame::Auth { token }),
        update_strategy().prop_map(MediaFrame::ScreenUpdate),
        any::<u64>().prop_map(|seq| MediaFrame::Ack { seq }),
        (any::<u16>(), any::<u16>())
            .prop_map(|(x, y)| MediaFrame::Input(InputEvent::PointerMove { x, y })),
        (
            any::<u16>(),
            any::<u16>(),
            1..=MAX_POINTER_BUTTON,
            any::<bool>()
        )
            .prop_map(|(x, y, button, pressed)| MediaFrame::Input(
                InputEvent::PointerButton {
                    x,
                    y,
                    button,
                    pressed
                }
            )),
        (any::<u32>(), any::<bool>())
            .prop_map(|(keysym, pressed)| MediaFrame::Input(InputEvent::Key { keysym, pressed })),
        Just(MediaFrame::RefreshRequest),
        (any::<u64>(), proptest::collection::vec(any::<u8>(), 1..256))
            .prop_map(|(offset, data)| MediaFrame::ShellOutput { offset, data }),
        proptest::collection::vec(any::<u8>(), 1..256)
            .prop_map(|data| MediaFrame::ShellInput { data }),
        (1..=MAX_SHELL_COLS, 1..=MAX_SHELL_ROWS)
            .prop_map(|(cols, rows)| MediaFrame::ShellResize { cols, rows }),
        any::<u64>().prop_map(|offset| MediaFrame::ShellAck { offset }),
        any::<i32>().prop_map(|code| MediaFrame::ShellExit { code }),
    ]
}

/// Shell chunks are 1..=64 KiB and terminal sizes within 1000 x 500, both ways.
#[test]
fn shell_limits_are_refused_both_ways() {
    let empty = MediaFrame::ShellInput { data: vec![] };
    assert_eq!(encode_media(&empty), Err(MediaError::BadShellChunk(0)));
    let big = MediaFrame::ShellOutput {
        offset: 0,
        data: vec![0; MAX_SHELL_CHUNK + 1],
    };
    assert_eq!(
        encode_media(&big),
        Err(MediaError::BadShellChunk(MAX_SHELL_CHUNK + 1))
    );
    for (cols, rows) in [
        (0, 24),
        (80, 0),
        (MAX_SHELL_COLS + 1, 24),
        (80, MAX_SHELL_ROWS + 1),
        (u16::MAX, u16::MAX),
    ] {
        let frame = MediaFrame::ShellResize { cols, rows };
        assert_eq!(
            encode_media(&frame),
            Err(MediaError::BadShellSize { cols, rows })
        );
        // The same sizes forged past the encoder are refused by the decoder.
        let mut bytes = encode_media(&MediaFrame::ShellResize { cols: 80, rows: 24 }).unwrap();
        bytes[8..10].copy_from_slice(&cols.to_le_bytes());
        bytes[10..12].copy_from_slice(&rows.to_le_bytes());
        assert_eq!(
            decode_media(&bytes),
            Err(MediaError::BadShellSize { cols, rows })
        );
    }
    // A forged chunk length of 4 GiB is refused before anything is reserved.
    let mut bytes = encode_media(&MediaFrame::ShellInput { data: vec![1] }).unwrap();
    bytes[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        decode_media(&bytes),
        Err(MediaError::BadShellChunk(u32::MAX as usize))
    );
}

proptest! {
    /// Any valid frame survives encode then decode unchanged.
    #[test]
    fn valid_frames_round_trip(frame in frame_strategy()) {
        let bytes = encode_media(&frame).unwrap();
        prop_assert_eq!(decode_media(&bytes).unwrap(), frame);
    }

    /// Arbitrary bytes never panic the decoder; whatever decodes re-encodes to the same bytes.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(frame) = decode_media(&bytes) {
            prop_assert_eq!(encode_media(&frame).unwrap(), bytes);
        }
    }

    /// A valid frame with one byte changed or cut short decodes to an error or to a frame that
    /// re-encodes to exactly those bytes: never a panic, never a silent misreading of lengths.
    #[test]
    fn mutated_frames_are_refused_or_exact(
        frame in frame_strategy(),
        at in any::<prop::sample::Index>(),
        value in any::<u8>(),
        cut in any::<bool>(),
    ) {
        let mut bytes = encode_media(&frame).unwrap();
        let i = at.index(bytes.len());
        if cut {
            bytes.truncate(i);
        } else {
            bytes[i] = value;
        }
        if let Ok(decoded) = decode_media(&bytes) {
            prop_assert_eq!(encode_media(&decoded).unwrap(), bytes);
        }
    }
}
