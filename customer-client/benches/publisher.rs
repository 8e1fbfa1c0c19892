//! The publisher's figures (`cargo bench -p switchboard-customer --bench publisher`), under a
//! private 1080p Xvfb, through the real screen worker (capture with XDamage, diff, encode):
//! the customer's CPU while sharing an idle screen at the full 30 fps poll rate, and the
//! sustained frame rate and bytes with the whole 1080p screen changing every frame.

use std::time::{Duration, Instant};
use switchboard_customer::publish::{ScreenChoice, ScreenWorker};
use switchboard_customer::session::{ShareState, Viewer};
use switchboard_customer::xvfb::Xvfb;
use switchboard_protocol::media::{MediaFrame, encode_media};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, CreateGCAux, Rectangle};

/// This process's CPU time so far (user + system), from /proc/self/stat.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    // Clock ticks of 10 ms (USER_HZ = 100 on Linux).
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

fn bytes(updates: &[switchboard_protocol::media::ScreenUpdate]) -> usize {
    updates
        .iter()
        .map(|u| {
            encode_media(&MediaFrame::ScreenUpdate(u.clone()))
                .map(|b| b.len())
                .unwrap_or(0)
        })
        .sum()
}

fn main() -> anyhow::Result<()> {
    let xvfb = match Xvfb::start(1920, 1080) {
        Ok(xvfb) => xvfb,
        Err(error) => {
            println!("publisher bench skipped: {error}");
            return Ok(());
        }
    };
    let display = xvfb.display();
    let (_tx, share) = tokio::sync::watch::channel(ShareState {
        viewers: vec![Viewer {
            rep_name: "bench".into(),
            controlling: false,
        }],
        control: false,
        shell: None,
    });
    let worker = ScreenWorker::start(
        &ScreenChoice::X11 {
            display: Some(display.clone()),
        },
        share,
    )?;
    let capture = |q| {
        worker
            .capture(q)
            .blocking_recv()
            .map_err(anyhow::Error::msg)
    };
    let key = capture(75)??;
    println!(
        "1080p key frame (blank Xvfb root) through the worker: {} bytes",
        bytes(&key)
    );

    // Idle: poll at 30 fps for 5 s, as the publisher does while nothing changes.
    let seconds = 5;
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    let mut sent = 0;
    for frame in 0..seconds * 30 {
        let due = wall0 + Duration::from_secs_f64(f64::from(frame) / 30.0);
        while Instant::now() < due {
            std::thread::park_timeout(due - Instant::now());
        }
        sent += bytes(&capture(75)??);
    }
    let cpu = cpu_time() - cpu0;
    let wall = wall0.elapsed();
    println!(
        "idle 1080p screen shared at 30 polls/s for {seconds} s: {:.2} % of a core, {sent} bytes sent",
        cpu.as_secs_f64() / wall.as_secs_f64() * 100.0
    );

    // The whole screen changing every frame: stripes that move by one pixel each frame.
    let (conn, screen_num) = x11rb::connect(Some(&display))?;
    let root = conn.setup().roots[screen_num].root;
    let gcs: Vec<u32> = [0x202830u32, 0xE8E4D8, 0x3366AA]
        .into_iter()
        .map(|colour| {
            let gc = conn.generate_id()?;
            conn.create_gc(
                gc,
                root,
                &CreateGCAux::new()
                    .foreground(colour)
                    .subwindow_mode(x11rb::protocol::xproto::SubwindowMode::INCLUDE_INFERIORS),
            )?;
            Ok(gc)
        })
        .collect::<anyhow::Result<_>>()?;
    let frames = 60;
    let (mut total, mut busy) = (0usize, Duration::ZERO);
    let started = Instant::now();
    for frame in 0..frames {
        for (band, gc) in gcs.iter().enumerate() {
            let rects: Vec<Rectangle> = (0..1920 / 24)
                .map(|i| Rectangle {
                    x: (i * 24 + band as i16 * 8 + frame as i16) % 1920,
                    y: 0,
                    width: 8,
                    height: 1080,
                })
                .collect();
            conn.poly_fill_rectangle(root, *gc, &rects)?;
        }
        conn.get_input_focus()?.reply()?;
        let t = Instant::now();
        let updates = capture(75)??;
        busy += t.elapsed();
        total += bytes(&updates);
    }
    let wall = started.elapsed();
    println!(
        "whole 1080p changing every frame: capture + encode {:.1} ms a frame = {:.1} fps sustained \
         ({:.1} fps including drawing), {:.0} KB a frame (JPEG q75)",
        busy.as_secs_f64() * 1000.0 / f64::from(frames),
        f64::from(frames) / busy.as_secs_f64(),
        f64::from(frames) / wall.as_secs_f64(),
        total as f64 / 1000.0 / f64::from(frames)
    );
    Ok(())
}
