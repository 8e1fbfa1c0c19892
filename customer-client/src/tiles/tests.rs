//! Tile encoding against the synthetic desktop and random pictures: lossless updates rebuild
//! the exact frame, unchanged screens send nothing, small changes send little.

use super::*;
use crate::capture::{Screen, SyntheticScreen};
use proptest::prelude::*;

/// A static screen sends everything once, then nothing.
#[test]
fn a_static_screen_sends_nothing_after_the_first_update() {
    let mut screen = SyntheticScreen::new(640, 480);
    let mut encoder = TileEncoder::new(Quality::Lossless);
    let first = encoder.encode(&screen.capture().unwrap(), 1);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].tiles.len(), 10 * 8);
    assert!(encoder.encode(&screen.capture().unwrap(), 2).is_empty());
}

/// A new second on the clock changes a few tiles and a few hundred bytes.
#[test]
fn a_clock_tick_is_a_small_update() {
    let mut screen = SyntheticScreen::new(1920, 1080);
    let mut encoder = TileEncoder::new(Quality::Lossless);
    let mut viewer = RgbaFrame::filled(1, 1, [0; 4]);
    for update in encoder.encode(&screen.capture().unwrap(), 1) {
        apply_update(&mut viewer, &update).unwrap();
    }
    screen.set_time(1);
    let frame = screen.capture().unwrap();
    let updates = encoder.encode(&frame, 2);
    assert_eq!(updates.len(), 1);
    assert!(
        updates[0].tiles.len() <= 2,
        "{} tiles",
        updates[0].tiles.len()
    );
    assert!(
        wire_bytes(&updates) < 2_000,
        "{} bytes",
        wire_bytes(&updates)
    );
    assert_eq!(updates[0].seq, 2);
    apply_update(&mut viewer, &updates[0]).unwrap();
    assert_eq!(viewer, frame);
}

/// JPEG tiles decode to the tile's size, close to the original; solid tiles stay exact.
#[test]
fn jpeg_tiles_are_close() {
    let mut screen = SyntheticScreen::new(640, 480);
    let frame = screen.capture().unwrap();
    let mut encoder = TileEncoder::new(Quality::Jpeg(90));
    let updates = encoder.encode(&frame, 1);
    assert!(
        updates[0]
            .tiles
            .iter()
            .any(|t| matches!(t.encoding, TileEncoding::Jpeg { .. }))
    );
    let mut viewer = RgbaFrame::filled(1, 1, [0; 4]);
    apply_update(&mut viewer, &updates[0]).unwrap();
    let worst = viewer
        .pixels
        .iter()
        .zip(&frame.pixels)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap();
    assert!(worst < 80, "largest channel error {worst}");
}

/// With damage rectangles, only the tiles they touch are compared: the same update as a
/// full diff when the rectangles cover the change, nothing when they miss it.
#[test]
fn damage_rectangles_limit_the_diff() {
    let mut screen = SyntheticScreen::new(1920, 1080);
    let (mut full, mut hinted) = (
        TileEncoder::new(Quality::Lossless),
        TileEncoder::new(Quality::Lossless),
    );
    let first = screen.capture().unwrap();
    full.encode(&first, 1);
    // No previous frame: the hint is ignored and everything is sent.
    assert_eq!(hinted.encode_damaged(&first, &[], 1)[0].tiles.len(), 510);
    screen.type_char();
    let frame = screen.capture().unwrap();
    let expected = full.encode(&frame, 2);
    assert_eq!(
        hinted.encode_damaged(&frame, &[(32, 56, 7, 12)], 2),
        expected
    );
    screen.type_char();
    let frame = screen.capture().unwrap();
    assert!(
        hinted
            .encode_damaged(&frame, &[(1000, 500, 5, 5)], 3)
            .is_empty()
    );
    // The missed change is still found by a full diff later (the previous frame kept up).
    let later = hinted.encode(&frame, 4);
    assert!(!later.is_empty());
    assert_eq!(later, full.encode(&frame, 4));
}

/// A refresh request makes the next update whole again.
#[test]
fn force_full_resends_everything() {
    let mut screen = SyntheticScreen::new(640, 480);
    let mut encoder = TileEncoder::new(Quality::Lossless);
    encoder.encode(&screen.capture().unwrap(), 1);
    encoder.force_full();
    assert_eq!(
        encoder.encode(&screen.capture().unwrap(), 2)[0].tiles.len(),
        80
    );
}

/// A tile whose QOI claims another size is refused.
#[test]
fn a_tile_of_the_wrong_size_is_refused() {
    let update = ScreenUpdate {
        seq: 1,
        captured_micros: 0,
        width: 100,
        height: 100,
        tiles: vec![Tile {
            x: 0,
            y: 0,
            w: 10,
            h: 10,
            encoding: TileEncoding::Qoi(qoi::encode(&RgbaFrame::filled(20, 20, [1; 4]))),
        }],
    };
    let mut viewer = RgbaFrame::filled(1, 1, [0; 4]);
    assert!(matches!(
        apply_update(&mut viewer, &update),
        Err(ApplyError::Qoi { .. })
    ));
}

fn picture(w: u16, h: u16) -> impl Strategy<Value = RgbaFrame> {
    let pixel = prop_oneof![
        3 => Just([255u8, 255, 255, 255]),
        1 => Just([20u8, 20, 20, 255]),
        1 => any::<[u8; 3]>().prop_map(|[r, g, b]| [r, g, b, 255]),
    ];
    proptest::collection::vec(pixel, usize::from(w) * usize::from(h)).prop_map(move |pixels| {
        RgbaFrame {
            width: w,
            height: h,
            pixels: pixels.concat(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Lossless updates, applied in order, rebuild every frame exactly, whatever changed.
    #[test]
    fn lossless_updates_rebuild_each_frame(
        frames in (1u16..200, 1u16..150).prop_flat_map(|(w, h)| proptest::collection::vec(picture(w, h), 1..4)),
    ) {
        let mut encoder = TileEncoder::new(Quality::Lossless);
        let mut viewer = RgbaFrame::filled(1, 1, [0; 4]);
        for (i, frame) in frames.iter().enumerate() {
            for update in encoder.encode(frame, i as u64) {
                // What goes on the wire is what the viewer decodes.
                let bytes = switchboard_protocol::media::encode_media(
                    &switchboard_protocol::media::MediaFrame::ScreenUpdate(update),
                ).unwrap();
                let switchboard_protocol::media::MediaFrame::ScreenUpdate(update) =
                    switchboard_protocol::media::decode_media(&bytes).unwrap() else {
                    panic!("not an update");
                };
                apply_update(&mut viewer, &update).unwrap();
            }
            prop_assert_eq!(&viewer, frame);
        }
    }
}
