//! `switchboard-customer`: for now only `--probe`, which reports what this machine can
//! capture (the X11 screen size and the time of one full capture).

use anyhow::Context;
use std::time::Instant;
use switchboard_customer::capture::{Screen, X11Screen};

const USAGE: &str = "usage: switchboard-customer --probe [--display :N]\n\n  --probe    print the X11 screen size and how long one full capture takes";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut probe = false;
    let mut display = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--probe" => probe = true,
            "--display" => display = Some(iter.next().context("--display needs a value")?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => anyhow::bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    if !probe {
        println!("{USAGE}");
        return Ok(());
    }
    let display_set = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty());
    if display.is_none() && !display_set {
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
        anyhow::bail!(
            "no X11 display (DISPLAY is not set{}): sharing the screen needs an X11 session for now",
            if wayland {
                "; this is a Wayland session, which is not supported yet"
            } else {
                ""
            }
        );
    }
    let mut screen =
        X11Screen::connect(display.as_deref()).context("connecting to the X server")?;
    let (width, height) = screen.size();
    println!("X11 screen: {width}x{height}");
    let started = Instant::now();
    let frame = screen.capture().context("capturing the screen")?;
    println!(
        "one full capture: {:.1} ms ({} bytes of RGBA)",
        started.elapsed().as_secs_f64() * 1000.0,
        frame.pixels.len()
    );
    Ok(())
}
