//! X11 capture against a real X server: a private Xvfb (stopped when the test ends, pass or
//! fail), a window drawn with known colours through x11rb, captured by `X11Screen` and
//! checked pixel by pixel, then sent through the lossless tile codec and the media framing.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};
use switchboard_customer::RgbaFrame;
use switchboard_customer::capture::{Screen, X11Screen};
use switchboard_customer::tiles::{Quality, TileEncoder, apply_update};
use switchboard_customer::xvfb::Xvfb;
use switchboard_protocol::media::{MediaFrame, decode_media, encode_media};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ChangeGCAux, ConnectionExt as _, CreateGCAux, CreateWindowAux, MapState, Rectangle, WindowClass,
};
use x11rb::rust_connection::RustConnection;

/// Known rectangles: (x, y, w, h, 0xRRGGBB), in window coordinates.
const RECTS: &[(i16, i16, u16, u16, u32)] = &[
    (0, 0, 200, 100, 0xC0_30_20),
    (10, 10, 30, 20, 0x10_E0_40),
    (50, 10, 1, 1, 0x01_02_03),
    (60, 60, 100, 30, 0xFF_FF_FF),
    (61, 61, 3, 7, 0x20_40_F0),
];
const WINDOW_AT: (i16, i16) = (50, 40);

fn rgba(colour: u32) -> [u8; 4] {
    [(colour >> 16) as u8, (colour >> 8) as u8, colour as u8, 255]
}

/// Creates, maps and paints a window with [`RECTS`]; returns once the server has drawn them.
fn draw_known_window(conn: &RustConnection, screen_num: usize) {
    let screen = &conn.setup().roots[screen_num];
    let window = conn.generate_id().unwrap();
    conn.create_window(
        screen.root_depth,
        window,
        screen.root,
        WINDOW_AT.0,
        WINDOW_AT.1,
        200,
        100,
        0,
        WindowClass::INPUT_OUTPUT,
        screen.root_visual,
        &CreateWindowAux::new()
            .override_redirect(1)
            .background_pixel(RECTS[0].4),
    )
    .unwrap();
    conn.map_window(window).unwrap();
    conn.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attributes = conn.get_window_attributes(window).unwrap().reply().unwrap();
        if attributes.map_state == MapState::VIEWABLE {
            break;
        }
        assert!(Instant::now() < deadline, "the window was never mapped");
        std::thread::park_timeout(Duration::from_millis(5));
    }
    let gc = conn.generate_id().unwrap();
    conn.create_gc(gc, window, &CreateGCAux::new()).unwrap();
    for &(x, y, w, h, colour) in RECTS {
        conn.change_gc(gc, &ChangeGCAux::new().foreground(colour))
            .unwrap();
        conn.poly_fill_rectangle(
            window,
            gc,
            &[Rectangle {
                x,
                y,
                width: w,
                height: h,
            }],
        )
        .unwrap();
    }
    // A round trip: every request above has been carried out when the reply arrives.
    conn.get_input_focus().unwrap().reply().unwrap();
}

/// The colour the window should show at window coordinates (x, y): the last rectangle
/// covering it.
fn expected(x: i16, y: i16) -> [u8; 4] {
    let colour = RECTS
        .iter()
        .rev()
        .find(|&&(rx, ry, w, h, _)| x >= rx && y >= ry && x < rx + w as i16 && y < ry + h as i16)
        .map_or(RECTS[0].4, |r| r.4);
    rgba(colour)
}

/// X11Screen captures exactly the pixels drawn, and lossless tiles carry them exactly.
#[test]
fn x11_capture_returns_the_drawn_pixels_and_tiles_carry_them_exactly() {
    let xvfb = Xvfb::start(640, 480).expect("Xvfb (install the xvfb package)");
    let (conn, screen_num) = x11rb::connect(Some(&xvfb.display())).unwrap();
    draw_known_window(&conn, screen_num);

    let mut screen = X11Screen::connect(Some(&xvfb.display())).unwrap();
    assert_eq!(screen.size(), (640, 480));
    let frame = screen.capture().unwrap();
    for y in 0..100i16 {
        for x in 0..200i16 {
            let at = ((WINDOW_AT.0 + x) as u16, (WINDOW_AT.1 + y) as u16);
            assert_eq!(
                frame.pixel(at.0, at.1),
                expected(x, y),
                "window pixel ({x}, {y})"
            );
        }
    }
    // A region capture agrees with the full one.
    let region = screen.capture_region(55, 45, 70, 40).unwrap();
    assert_eq!(region, frame.region(55, 45, 70, 40));
    assert!(screen.capture_region(600, 0, 64, 10).is_err());

    // Through the tile encoder, the media framing and back: the same pixels.
    let mut encoder = TileEncoder::new(Quality::Lossless);
    let mut viewer = RgbaFrame::filled(1, 1, [0; 4]);
    for update in encoder.encode(&frame, 1) {
        let bytes = encode_media(&MediaFrame::ScreenUpdate(update)).unwrap();
        let Ok(MediaFrame::ScreenUpdate(update)) = decode_media(&bytes) else {
            panic!("the update did not decode");
        };
        apply_update(&mut viewer, &update).unwrap();
    }
    assert_eq!(viewer, frame);
    // Nothing drawn since: nothing to send.
    assert!(encoder.encode(&screen.capture().unwrap(), 2).is_empty());
}

/// With XDamage, only the drawn window's area is fetched again, and the kept frame still
/// equals a full capture; an unchanged screen fetches nothing.
#[test]
fn x11_damage_fetches_only_what_was_drawn() {
    let xvfb = Xvfb::start(640, 480).expect("Xvfb (install the xvfb package)");
    let mut screen = X11Screen::connect(Some(&xvfb.display())).unwrap();
    screen.watch_damage().unwrap();
    let mut frame = RgbaFrame::filled(1, 1, [0; 4]);
    assert_eq!(
        screen.capture_damaged(&mut frame).unwrap(),
        vec![(0, 0, 640, 480)]
    );

    let (conn, screen_num) = x11rb::connect(Some(&xvfb.display())).unwrap();
    draw_known_window(&conn, screen_num);
    let rects = screen.capture_damaged(&mut frame).unwrap();
    assert!(!rects.is_empty());
    for &(x, y, w, h) in &rects {
        let inside = x >= 50 && y >= 40 && x + w <= 250 && y + h <= 140;
        assert!(
            inside,
            "damaged {w}x{h} at ({x}, {y}) is outside the window"
        );
    }
    assert_eq!(frame, screen.capture().unwrap());
    assert_eq!(frame.pixel(60, 50), [0x10, 0xE0, 0x40, 255]);
    assert!(screen.capture_damaged(&mut frame).unwrap().is_empty());
}
