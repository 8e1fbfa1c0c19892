//! Remote support figures (`cargo bench -p switchboard-customer`): a full 1080p capture under
//! a private Xvfb, encoding a full 1080p synthetic desktop as QOI and as JPEG q70, and a
//! typing-size change (one character). Prints the median of several runs and the bytes the
//! updates take on the wire.

use std::time::{Duration, Instant};
use switchboard_customer::capture::{Screen, SyntheticScreen, X11Screen};
use switchboard_customer::tiles::{Quality, TileEncoder, wire_bytes};
use switchboard_customer::xvfb::Xvfb;

const RUNS: usize = 15;

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing. Both just run.
    println!("remote support foundations, release build, median of {RUNS} runs");
    match Xvfb::start(1920, 1080) {
        Ok(xvfb) => {
            let mut screen = X11Screen::connect(Some(&xvfb.display()))?;
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
        }
        Err(error) => println!("X11 capture skipped: {error}"),
    }

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
