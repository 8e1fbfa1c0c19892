//! `cargo bench --bench screen_view`: what a 1080p Screen view adds to the console's frame
//! time. The real `screen_view_ui` in a kittest harness with a 1920×1080 picture, per frame:
//! nothing changing, a typing-size change (one 64×64 tile), and the whole screen changing
//! (510 tiles). The tiles are painted between frames, as the decoder thread does off the UI
//! thread; the frame pays for taking the damage and uploading it (`set_partial` per tile, or
//! the whole picture), the status line, layout and tessellation. Reported as the time of
//! the UI thread per frame (wall time), median and p95, beside an empty frame.

#![allow(clippy::unwrap_used)]

use egui_kittest::Harness;
use std::time::Instant;
use switchboard::model::remote::{Item, ScreenToolbar};
use switchboard::net::{Painter, ScreenStream};
use switchboard::ui::screen_view::{ScreenView, screen_view_ui};
use switchboard_customer::RgbaFrame;
use switchboard_protocol::SessionId;
use switchboard_protocol::media::{ScreenUpdate, Tile, TileEncoding};

const FRAMES: usize = 200;
const W: u16 = 1920;
const H: u16 = 1080;
const TILE: u16 = 64;

fn tile_pixels(w: u16, h: u16, seed: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
    for y in 0..u32::from(h) {
        for x in 0..u32::from(w) {
            let v = x
                .wrapping_mul(7)
                .wrapping_add(y.wrapping_mul(13))
                .wrapping_add(seed);
            pixels.extend_from_slice(&[v as u8, (v >> 3) as u8, (x ^ y) as u8, 255]);
        }
    }
    pixels
}

/// One QOI tile at (x, y).
fn tile(x: u16, y: u16, w: u16, h: u16, seed: u32) -> Tile {
    let frame = RgbaFrame {
        width: w,
        height: h,
        pixels: tile_pixels(w, h, seed),
    };
    Tile {
        x,
        y,
        w,
        h,
        encoding: TileEncoding::Qoi(switchboard_customer::qoi::encode(&frame)),
    }
}

/// The whole screen in 64-pixel tiles (510 at 1080p).
fn full_update(seq: u64) -> ScreenUpdate {
    let mut tiles = Vec::new();
    for y in (0..H).step_by(usize::from(TILE)) {
        for x in (0..W).step_by(usize::from(TILE)) {
            tiles.push(tile(x, y, TILE.min(W - x), TILE.min(H - y), seq as u32));
        }
    }
    ScreenUpdate {
        seq,
        captured_micros: 0,
        width: W,
        height: H,
        tiles,
    }
}

fn typing_update(seq: u64) -> ScreenUpdate {
    let column = (seq % 29) as u16;
    ScreenUpdate {
        seq,
        captured_micros: 0,
        width: W,
        height: H,
        tiles: vec![tile(column * TILE, 5 * TILE, TILE, TILE, seq as u32)],
    }
}

fn toolbar() -> ScreenToolbar {
    ScreenToolbar {
        view: Item::Active,
        control: Item::Open,
        stoppable: Vec::new(),
        note: None,
        viewing: true,
        controlling: false,
        controller: None,
    }
}

struct Screen {
    stream: ScreenStream,
    view: ScreenView,
    shown: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Change {
    None,
    Typing,
    Full,
}

/// Median and p95 of the UI thread's CPU time per frame, in ms.
fn measure(shown: bool, change: Change) -> (f64, f64) {
    let stream = ScreenStream::detached(SessionId(1));
    let mut painter = Painter::new(stream.picture().clone());
    painter.paint(&full_update(0));
    // The full updates are made once; painting cycles through two so every frame differs.
    let fulls = if change == Change::Full {
        vec![full_update(1), full_update(2)]
    } else {
        Vec::new()
    };
    let screen = Screen {
        stream,
        view: ScreenView::default(),
        shown,
    };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(switchboard::app::install_fonts)
        .build_ui_state(
            move |ui, screen: &mut Screen| {
                let mut intents = Vec::new();
                if screen.shown {
                    screen_view_ui(
                        ui,
                        SessionId(1),
                        &toolbar(),
                        Some(&screen.stream),
                        &mut screen.view,
                        &mut intents,
                    );
                } else {
                    ui.label("An empty frame");
                }
            },
            screen,
        );
    for _ in 0..3 {
        harness.step();
    }
    let mut times = Vec::with_capacity(FRAMES);
    for n in 0..FRAMES {
        // Off the clock: the decoder thread's share of the work.
        match change {
            Change::None => {}
            Change::Typing => painter.paint(&typing_update(n as u64 + 10)),
            Change::Full => painter.paint(&fulls[n % 2]),
        }
        // Wall time: schedstat here counts in 4 ms ticks, too coarse for a frame.
        let wall = Instant::now();
        harness.step();
        times.push(wall.elapsed().as_nanos() as u64);
    }
    times.sort_unstable();
    let ms = |ns: u64| ns as f64 / 1e6;
    (ms(times[FRAMES / 2]), ms(times[FRAMES * 95 / 100]))
}

fn main() {
    let (empty, empty95) = measure(false, Change::None);
    println!(
        "{:<35}median {empty:6.2} ms   p95 {empty95:6.2} ms",
        "empty frame"
    );
    for (name, change) in [
        ("1080p view, nothing changing", Change::None),
        ("1080p view, typing-size change", Change::Typing),
        ("1080p view, whole screen changing", Change::Full),
    ] {
        let (median, p95) = measure(true, change);
        println!(
            "{name:<35}median {median:6.2} ms   p95 {p95:6.2} ms   (+{:.2} ms median over empty)",
            median - empty
        );
    }
}
