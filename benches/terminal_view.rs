//! `cargo bench -p switchboard --bench terminal_view`: what the Shell view costs. Two
//! figures:
//! - the UI thread's time per frame of the real `terminal_view_ui` in a kittest harness,
//!   sized to a 200×60 terminal full of coloured text that all changes every frame (a
//!   full-screen program redrawing), median and p95, beside an empty frame. The target is
//!   ≤ 2 ms per frame in release. Feeding each frame's bytes to the model is timed apart
//!   (the transport does it between frames), and so is tessellating the frame's shapes
//!   (eframe does it after the frame; the harness does not).
//! - the time to feed the output of `seq 1 100000` ("1\r\n2\r\n…", 688,895 bytes) through
//!   the model, and then draw one frame of it: the terminal's share of the issue's "seq 1
//!   100000 fully shown in < 2 s".
//!
//! `cargo test --benches` (no `--bench` argument) runs a short version: a few frames.

#![allow(clippy::unwrap_used)]

use egui::Vec2;
use egui_kittest::Harness;
use std::time::{Duration, Instant};
use switchboard::terminal::{TermSize, TerminalModel};
use switchboard::ui::terminal_view::{TerminalViewState, terminal_view_ui};

const ROWS: u16 = 60;
const COLS: u16 = 200;

/// Frames (and `seq` runs) for the full run and for the short one of `cargo test --benches`.
struct Plan {
    frames: usize,
    seq_runs: usize,
}

/// What the bench's frames draw from.
struct Shell {
    model: TerminalModel,
    view: TerminalViewState,
    shown: bool,
    widget_size: Vec2,
    cell_size: Vec2,
}

/// A whole screen of coloured text for frame `frame`: every row redrawn from the home
/// position, a colour change (256-colour, truecolour, bold, underline) every 8 cells, and
/// the characters shifting each frame so no row's layout can be reused.
fn screen_bytes(frame: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(usize::from(ROWS) * usize::from(COLS) * 3);
    bytes.extend_from_slice(b"\x1b[H");
    for row in 0..usize::from(ROWS) {
        bytes.extend_from_slice(format!("\x1b[{};1H", row + 1).as_bytes());
        for run in 0..usize::from(COLS) / 8 {
            let n = frame + row * 7 + run * 13;
            let sgr = match run % 4 {
                0 => format!("\x1b[0;38;5;{}m", 16 + n % 216),
                1 => format!("\x1b[0;1;3{}m", n % 8),
                2 => format!(
                    "\x1b[0;38;2;{};{};{}m",
                    n % 256,
                    (n * 3) % 256,
                    (n * 7) % 256
                ),
                _ => format!("\x1b[0;4;48;5;{}m", 232 + n % 24),
            };
            bytes.extend_from_slice(sgr.as_bytes());
            for k in 0..8 {
                bytes.push(b'!' + ((n + k) % 94) as u8);
            }
        }
    }
    bytes.extend_from_slice(b"\x1b[0m");
    bytes
}

/// The output of `seq 1 n`.
fn seq_output(n: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in 1..=n {
        bytes.extend_from_slice(format!("{i}\r\n").as_bytes());
    }
    bytes
}

fn harness(shown: bool) -> Harness<'static, Shell> {
    let shell = Shell {
        model: TerminalModel::new(TermSize {
            rows: ROWS,
            cols: COLS,
        }),
        view: TerminalViewState::default(),
        shown,
        widget_size: Vec2::ZERO,
        cell_size: Vec2::ZERO,
    };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(switchboard::app::install_fonts)
        .build_ui_state(
            |ui, shell: &mut Shell| {
                if shell.shown {
                    let response = terminal_view_ui(ui, &mut shell.model, &mut shell.view);
                    shell.widget_size = response.response.rect.size();
                    shell.cell_size = response.cell_size;
                } else {
                    ui.label("An empty frame");
                }
            },
            shell,
        );
    harness.step();
    if shown {
        // Size the window so exactly 200×60 cells fit (the widget fills what it is given).
        let state = harness.state();
        let margins = Vec2::new(1280.0, 800.0) - state.widget_size;
        let cells = Vec2::new(
            f32::from(COLS) * state.cell_size.x,
            f32::from(ROWS) * state.cell_size.y,
        );
        harness.set_size(margins + cells + Vec2::splat(8.0 + 0.5));
        harness.step();
        let size = harness.state().model.size();
        assert_eq!(
            size,
            TermSize {
                rows: ROWS,
                cols: COLS
            },
            "the harness fits 200×60"
        );
    }
    harness
}

/// What `measure` found, in ms.
struct FrameTimes {
    median: f64,
    p95: f64,
    /// The median time to feed one frame's bytes to the model.
    feed: f64,
    /// The median time to tessellate a frame's shapes (eframe does it after the frame).
    tessellate: f64,
}

/// Times `frames` frames of the widget (or of an empty frame).
fn measure(shown: bool, frames: usize) -> FrameTimes {
    let mut harness = harness(shown);
    let screens: Vec<Vec<u8>> = (0..frames).map(screen_bytes).collect();
    for _ in 0..3 {
        harness.step();
    }
    let mut times = Vec::with_capacity(frames);
    let mut feeds = Vec::with_capacity(frames);
    let mut tessellations = Vec::with_capacity(frames);
    for screen in &screens {
        if shown {
            let fed = Instant::now();
            harness.state_mut().model.process(screen);
            feeds.push(fed.elapsed());
        }
        // Wall time: schedstat here counts in 4 ms ticks, too coarse for a frame.
        let wall = Instant::now();
        harness.step();
        times.push(wall.elapsed());
        let shapes = harness.output().shapes.clone();
        let pixels_per_point = harness.output().pixels_per_point;
        let tessellating = Instant::now();
        let meshes = harness.ctx.tessellate(shapes, pixels_per_point);
        tessellations.push(tessellating.elapsed());
        drop(meshes);
    }
    times.sort_unstable();
    feeds.sort_unstable();
    tessellations.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median =
        |sorted: &[Duration]| ms(sorted.get(sorted.len() / 2).copied().unwrap_or_default());
    FrameTimes {
        median: median(&times),
        p95: ms(times[frames * 95 / 100]),
        feed: median(&feeds),
        tessellate: median(&tessellations),
    }
}

/// The time to feed `seq 1 100000` through a fresh 200×60 model, and then to draw one
/// frame of the result: medians of `runs`.
fn measure_seq(runs: usize) -> (Duration, Duration, usize) {
    let bytes = seq_output(100_000);
    let mut feeds = Vec::with_capacity(runs);
    let mut shown = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut harness = harness(true);
        let fed = Instant::now();
        harness.state_mut().model.process(&bytes);
        feeds.push(fed.elapsed());
        harness.step();
        shown.push(fed.elapsed());
        let model = &harness.state().model;
        assert_eq!(model.row_text(ROWS - 2), "100000");
    }
    feeds.sort_unstable();
    shown.sort_unstable();
    (feeds[runs / 2], shown[runs / 2], bytes.len())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let plan = if full {
        Plan {
            frames: 200,
            seq_runs: 5,
        }
    } else {
        Plan {
            frames: 10,
            seq_runs: 1,
        }
    };
    if !full {
        println!(
            "short run ({} frames; `cargo bench -p switchboard --bench terminal_view` takes 200)",
            plan.frames
        );
    }
    let empty = measure(false, plan.frames);
    println!(
        "{:<44}median {:6.2} ms   p95 {:6.2} ms",
        "empty frame", empty.median, empty.p95
    );
    let shown = measure(true, plan.frames);
    println!(
        "{:<44}median {:6.2} ms   p95 {:6.2} ms   (+{:.2} ms median over empty)",
        "200×60 coloured text, all changing",
        shown.median,
        shown.p95,
        shown.median - empty.median
    );
    println!(
        "{:<44}median {:6.2} ms",
        "  tessellating that frame (eframe's share)", shown.tessellate
    );
    println!(
        "{:<44}median {:6.2} ms",
        "  feeding one such screen to the model", shown.feed
    );
    let (feed, shown, bytes) = measure_seq(plan.seq_runs);
    println!(
        "{:<44}{:8.1} ms   ({bytes} bytes; {:.1} MB/s)",
        "seq 1 100000 fed to the model",
        feed.as_secs_f64() * 1e3,
        bytes as f64 / feed.as_secs_f64() / 1e6
    );
    println!(
        "{:<44}{:8.1} ms",
        "seq 1 100000 fed and drawn (one frame)",
        shown.as_secs_f64() * 1e3
    );
}
