//! Remote support figures (`cargo bench -p switchboard-customer`): a full 1080p capture under
//! a private Xvfb, encoding a full 1080p synthetic desktop as QOI and as JPEG q70, and a
//! typing-size change (one character), synthetic and drawn on the X server (XDamage, capture,
//! diff and encode). Prints the median of several runs and the bytes the updates take on the
//! wire.

use std::time::{Duration, Instant};
use switchboard_customer::capture::{Screen, SyntheticScreen};
use switchboard_customer::tiles::{Quality, TileEncoder, wire_bytes};

const RUNS: usize = 15;

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing. Both just run.
    println!("remote support foundations, release build, median of {RUNS} runs");
    #[cfg(target_os = "linux")]
    x11::figures()?;
    #[cfg(not(target_os = "linux"))]
    println!("X11 capture skipped: not Linux");

    let mut desktop = SyntheticScreen::new(1920, 1080);
    desktop.set_time(12 * 3600);
    let frame = desktop.capture()?;
    for (name, quality) in [("QOI", Quality::Lossless), ("JPEG q70", Quality::Jpeg(70))] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..RUNS {
            let mut encoder = TileEncoder::new(quality);
            let started = Instant::now();
            let updates = encoder.encode(&frame, 0);
            times.push(started.elapsed());
            bytes = wire_bytes(&updates);
        }
        println!(
            "1080p synthetic key frame, {name}: {:.1} ms, {:.1} KB",
            median(times),
            bytes as f64 / 1000.0
        );
    }

    let mut encoder = TileEncoder::new(Quality::Lossless);
    encoder.encode(&frame, 0);
    let mut times = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..RUNS {
        desktop.type_char();
        let frame = desktop.capture()?;
        let started = Instant::now();
        let updates = encoder.encode(&frame, 0);
        times.push(started.elapsed());
        sizes.push(wire_bytes(&updates));
    }
    sizes.sort();
    println!(
        "1080p typing-size change (one character), diff + QOI: {:.2} ms, {} bytes",
        median(times),
        sizes[sizes.len() / 2]
    );
    Ok(())
}

/// The figures that need an X server (a private Xvfb): Linux only.
#[cfg(target_os = "linux")]
mod x11 {
    use super::{RUNS, median};
    use std::time::Instant;
    use switchboard_customer::RgbaFrame;
    use switchboard_customer::capture::{Screen, X11Screen};
    use switchboard_customer::tiles::{Quality, TileEncoder, wire_bytes};
    use switchboard_customer::xvfb::{Painter, Rectangle, Xvfb};

    /// A full 1080p capture, the diff of an unchanged screen, and typing-size changes.
    pub fn figures() -> anyhow::Result<()> {
        match Xvfb::start(1920, 1080) {
            Ok(xvfb) => {
                let mut screen = X11Screen::connect(Some(&xvfb.display()))?;
                // Warm up: the first captures of a fresh server are slower.
                for _ in 0..3 {
                    screen.capture()?;
                }
                let mut times = Vec::new();
                for _ in 0..RUNS {
                    let started = Instant::now();
                    screen.capture()?;
                    times.push(started.elapsed());
                }
                println!(
                    "1080p X11 capture (GetImage, Xvfb): {:.1} ms",
                    median(times)
                );
                let mut encoder = TileEncoder::new(Quality::Lossless);
                encoder.encode(&screen.capture()?, 0);
                let mut times = Vec::new();
                for _ in 0..RUNS {
                    let started = Instant::now();
                    let frame = screen.capture()?;
                    assert!(encoder.encode(&frame, 0).is_empty());
                    times.push(started.elapsed());
                }
                println!(
                    "1080p X11 capture + diff of an unchanged screen: {:.1} ms, 0 bytes",
                    median(times)
                );
                x11_typing(&xvfb, &mut screen)?;
            }
            Err(error) => println!("X11 capture skipped: {error}"),
        }
        Ok(())
    }

    /// Draws one character-sized block at a time on the X server and times what the customer
    /// does for it: XDamage, capture of the damaged rectangles, diff and QOI encoding.
    fn x11_typing(xvfb: &Xvfb, screen: &mut X11Screen) -> anyhow::Result<()> {
        let painter = Painter::cover(&xvfb.display())?;
        screen.watch_damage()?;
        let mut frame = RgbaFrame::filled(1, 1, [0; 4]);
        screen.capture_damaged(&mut frame)?;
        let mut encoder = TileEncoder::new(Quality::Lossless);
        encoder.encode(&frame, 0);
        let (mut idle, mut typing, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..RUNS as i16 {
            let started = Instant::now();
            let rects = screen.capture_damaged(&mut frame)?;
            anyhow::ensure!(rects.is_empty(), "the screen changed by itself");
            idle.push(started.elapsed());

            let rect = Rectangle {
                x: 100 + i * 9,
                y: 200,
                width: 7,
                height: 12,
            };
            painter.fill(0x464650, &[rect])?;
            let started = Instant::now();
            let rects = screen.capture_damaged(&mut frame)?;
            let updates = encoder.encode_damaged(&frame, &rects, 0);
            typing.push(started.elapsed());
            sizes.push(wire_bytes(&updates));
        }
        sizes.sort();
        println!(
            "1080p X11 idle screen, XDamage poll: {:.2} ms, 0 bytes",
            median(idle)
        );
        println!(
            "1080p X11 typing-size change, XDamage + capture + diff + QOI: {:.2} ms, {} bytes",
            median(typing),
            sizes[sizes.len() / 2]
        );
        Ok(())
    }
}
