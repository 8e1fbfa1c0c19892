//! `cargo bench -p switchboard --bench glass_to_glass`: how long pixels drawn on the
//! customer's X server take to be in the console's picture. A private 1920×1080 Xvfb, the real
//! customer client (`CustomerSession`: XDamage capture, tiles, the publisher and its flow
//! control), the real server relaying on 127.0.0.1, and the console's own media stream
//! (`net/media.rs`: socket task, decoder thread, `SharedPicture`). A sample starts once the
//! drawing request is flushed and acknowledged by a round trip (the X server has drawn it)
//! and ends when the console's picture holds the new pixels. Reported: p50 and p95 of
//! typing-size changes (a 10×16 rectangle of a new colour at a new place) and of whole-screen
//! changes (a new checkerboard, which goes as JPEG; a new flat colour, solid tiles), the part
//! of it from the customer's capture to the console's picture (the picture's own latency
//! figure), and the rate of typing-size changes sustained for a few seconds.
//!
//! `cargo test --benches` (no `--bench` argument) runs a short version: a few samples each.

#![allow(clippy::unwrap_used)]

#[cfg(target_os = "linux")]
#[path = "../tests/screen_support/mod.rs"]
mod screen_support;

fn main() {
    #[cfg(target_os = "linux")]
    linux::main();
    #[cfg(not(target_os = "linux"))]
    println!("glass to glass: skipped (needs Xvfb, Linux only)");
}

#[cfg(target_os = "linux")]
mod linux {
    use super::screen_support::{Console, near, rect_is, setup};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use switchboard_customer::publish::ScreenChoice;
    use switchboard_customer::session::Policy;
    use switchboard_customer::xvfb::{BACKGROUND, Painter, SQUARE, Xvfb, rgba};
    use switchboard_protocol::Capability;

    const W: u16 = 1920;
    const H: u16 = 1080;
    /// How long one sample may take before the bench gives up.
    const LIMIT: Duration = Duration::from_secs(10);

    /// Samples (or seconds) for the full run and for the short one of `cargo test --benches`.
    struct Plan {
        samples: usize,
        sustained: Duration,
    }

    pub fn main() {
        let full = std::env::args().any(|a| a == "--bench");
        let plan = if full {
            Plan {
                samples: 60,
                sustained: Duration::from_secs(4),
            }
        } else {
            Plan {
                samples: 5,
                sustained: Duration::from_millis(500),
            }
        };
        let xvfb = match Xvfb::start(W, H) {
            Ok(xvfb) => xvfb,
            Err(error) => {
                println!("glass to glass: skipped: {error}");
                return;
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run(&xvfb, &plan));
    }

    /// One sample: the whole delay, and the picture's own latency figure (its capture time →
    /// painted in the console) for the update that completed it.
    struct Sample {
        total: Duration,
        capture_to_picture: Option<u64>,
    }

    /// Sorted figures of a series, in ms.
    struct Figures {
        p50: f64,
        p95: f64,
        max: f64,
        capture_p50: Option<u64>,
    }

    fn figures(samples: &[Sample]) -> Figures {
        let mut totals: Vec<f64> = samples
            .iter()
            .map(|s| s.total.as_secs_f64() * 1000.0)
            .collect();
        totals.sort_by(f64::total_cmp);
        let mut captures: Vec<u64> = samples
            .iter()
            .filter_map(|s| s.capture_to_picture)
            .collect();
        captures.sort_unstable();
        let at =
            |q: f64| totals[((q * totals.len() as f64).ceil() as usize).clamp(1, totals.len()) - 1];
        Figures {
            p50: at(0.5),
            p95: at(0.95),
            max: totals[totals.len() - 1],
            capture_p50: captures.get(captures.len() / 2).copied(),
        }
    }

    /// A pause between samples that spreads where a drawing lands in the publisher's capture
    /// period (33 ms): 20 to 56 ms, different each time.
    fn spread(n: usize) -> Duration {
        Duration::from_millis(20 + (n as u64 * 13) % 37)
    }

    /// Draws with `draw` (which returns once the X server has drawn), then waits until the
    /// console's picture `shows` what was drawn.
    async fn sample<T>(
        console: &Console,
        draw: impl FnOnce() -> T,
        shows: impl Fn(&T, &switchboard_customer::RgbaFrame) -> bool,
    ) -> Sample {
        let what = draw();
        let drawn = Instant::now();
        assert!(
            console.picture_within(LIMIT, |f| shows(&what, f)).await,
            "the change reached the console's picture within {LIMIT:?}"
        );
        let total = drawn.elapsed();
        Sample {
            total,
            capture_to_picture: console.picture().lock().latency_ms,
        }
    }

    async fn run(xvfb: &Xvfb, plan: &Plan) {
        let display = xvfb.display();
        let painter = Arc::new(Painter::cover(&display).unwrap());
        let screen = ScreenChoice::X11 {
            display: Some(display.clone()),
        };
        let mut s = setup(Policy::AllowAll, screen).await;
        s.granted(Capability::ScreenView).await;
        let console = s.console().await;
        let background = rgba(BACKGROUND);
        console
            .picture_until("the covered screen", |f| {
                f.width == W && f.pixel(W / 2, H / 2) == background
            })
            .await;

        // Typing-size changes; the first few warm up.
        let mut typing = Vec::new();
        let mut n = 0u32;
        for i in 0..plan.samples + 3 {
            tokio::time::sleep(spread(i)).await;
            let result = sample(
                &console,
                || painter.type_char(n).unwrap(),
                |(rect, colour), f| {
                    rect_is(
                        f,
                        rect.x as u16,
                        rect.y as u16,
                        rect.width,
                        rect.height,
                        *colour,
                    )
                },
            )
            .await;
            n += 1;
            if i >= 3 {
                typing.push(result);
            }
        }

        // Sustained: a drawing thread types a new character every 5 ms; the console counts
        // the updates it paints.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let drawer = painter.clone();
        let sustained = plan.sustained;
        let first = n;
        let wakes_before = console.wakes();
        console.log_wakes();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            let mut n = first;
            while started.elapsed() < sustained {
                drawer.type_char(n).unwrap();
                n += 1;
                // Pacing, not waiting for anything: a new character every 5 ms.
                std::thread::park_timeout(Duration::from_millis(5));
            }
            n
        });
        tokio::time::sleep(sustained).await;
        let painted = console.wakes() - wakes_before;
        let window = started.elapsed();
        let fps = painted as f64 / window.as_secs_f64();
        // The time between pictures painted: the publisher's capture cadence as the rep sees it.
        let times = console.take_wakes();
        let mut gaps: Vec<f64> = times
            .windows(2)
            .map(|w| (w[1] - w[0]).as_secs_f64() * 1000.0)
            .collect();
        gaps.sort_by(f64::total_cmp);
        let gap = |q: f64| {
            gaps.get(((q * gaps.len() as f64) as usize).min(gaps.len().saturating_sub(1)))
                .copied()
                .unwrap_or(f64::NAN)
        };
        let mean_gap = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
        let last = tokio::task::spawn_blocking(move || thread.join().unwrap())
            .await
            .unwrap();
        let drawn_chars = last - first;
        // The last character arrives too (nothing is lost at the end of a burst).
        let place = switchboard_customer::xvfb::char_place(last - 1, W, H);
        let colour = rgba(switchboard_customer::xvfb::char_colour(last - 1));
        console
            .picture_until("the last character of the burst", |f| {
                rect_is(
                    f,
                    place.x as u16,
                    place.y as u16,
                    place.width,
                    place.height,
                    colour,
                )
            })
            .await;

        // Whole screen: a new checkerboard each time (JPEG), sampled at square centres.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut boards = Vec::new();
        for i in 0..plan.samples + 2 {
            tokio::time::sleep(spread(i)).await;
            let result = sample(
                &console,
                || painter.checkerboard(i as u32).unwrap(),
                |&(a, b), f| checkerboard_shows(f, a, b),
            )
            .await;
            if i >= 2 {
                boards.push(result);
            }
        }

        // Whole screen: a new flat colour each time (solid tiles). After 600 ms of quiet
        // the JPEG pixels have been replaced with exact ones (that refresh is not measured).
        tokio::time::sleep(Duration::from_millis(600)).await;
        let mut flats = Vec::new();
        for i in 0..plan.samples + 2 {
            tokio::time::sleep(spread(i)).await;
            let rgb = [0x204060, 0x606020, 0x206040, 0x402060][i % 4] + i as u32;
            let result = sample(
                &console,
                || painter.fill_screen(rgb).unwrap(),
                |_, f| {
                    [(0, 0), (W - 1, H - 1), (W / 2, H / 2), (17, H - 5)]
                        .iter()
                        .all(|&(x, y)| f.pixel(x, y) == rgba(rgb))
                },
            )
            .await;
            if i >= 2 {
                flats.push(result);
            }
        }

        let stats = s.customer.publish_stats();
        println!();
        if plan.samples < 50 {
            println!(
                "short run ({} samples each; `cargo bench` takes 60){}",
                plan.samples,
                if cfg!(debug_assertions) {
                    ", debug build: not the figures to quote"
                } else {
                    ""
                }
            );
        }
        println!(
            "glass to glass: 1920×1080 Xvfb → real customer client → server relay on 127.0.0.1 → \
             console SharedPicture (release: `cargo bench -p switchboard --bench glass_to_glass`)"
        );
        println!(
            "{:<46} {:>7} {:>9} {:>9} {:>9} {:>16}   target",
            "change", "samples", "p50 ms", "p95 ms", "max ms", "capture→pic p50"
        );
        for (name, series, target) in [
            (
                "typing-size (10×16, new colour, new place)",
                &typing,
                "p50 ≤ 50, p95 ≤ 100",
            ),
            (
                "whole screen, new checkerboard (JPEG)",
                &boards,
                "p95 ≤ 150",
            ),
            ("whole screen, new flat colour (solid)", &flats, "p95 ≤ 150"),
        ] {
            let f = figures(series);
            println!(
                "{name:<46} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>13} ms   {target}",
                series.len(),
                f.p50,
                f.p95,
                f.max,
                f.capture_p50
                    .map_or_else(|| "-".to_owned(), |ms| ms.to_string()),
            );
        }
        println!(
            "sustained typing-size changes: {fps:.1} updates/s painted over {:.1} s ({drawn_chars} \
             characters drawn, one every 5 ms); target ≥ 30 fps",
            window.as_secs_f64(),
        );
        println!(
            "  time between pictures painted: mean {mean_gap:.2} ms, p5 {:.2}, p50 {:.2}, p95 {:.2} \
             (the publisher's 30 fps cap is 33.33 ms)",
            gap(0.05),
            gap(0.5),
            gap(0.95)
        );
        println!(
            "customer publisher: {} updates, {:.1} MB sent, rate cap now {:.1} fps",
            stats.updates,
            stats.bytes as f64 / 1e6,
            stats.fps
        );
    }

    /// Whether the picture shows the checkerboard of colours `a` (top-left square) and `b`
    /// within JPEG's error, sampled at the centres of every 3rd row and 5th column of squares.
    fn checkerboard_shows(f: &switchboard_customer::RgbaFrame, a: [u8; 4], b: [u8; 4]) -> bool {
        if f.width != W || f.height != H {
            return false;
        }
        (0..H.div_ceil(SQUARE)).step_by(3).all(|row| {
            (0..W.div_ceil(SQUARE)).step_by(5).all(|column| {
                let x = column * SQUARE + SQUARE / 2;
                let y = (row * SQUARE + SQUARE / 2).min(H - 1);
                let want = if (row + column) % 2 == 0 { a } else { b };
                near(f.pixel(x, y), want, 48)
            })
        })
    }
}
