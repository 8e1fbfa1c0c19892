//! `cargo xtask demo`: set up what the console's window needs, then run the console's demo
//! (`cargo run --release -p switchboard -- --demo`, the in-process demo server with simulated
//! customers). Arguments after the command go to the console: `cargo xtask demo -- --as
//! grace`. Where there is no display (a server, a container, CI) the window opens on a
//! private Xvfb, and the user is told which display it is and how to look at it.

use crate::setup::{self, Display, Purpose};
use anyhow::{Context as _, bail};
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Passed to the console after `--demo`, e.g. `-- --as grace` or `-- --seed 7`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CONSOLE ARGS"
    )]
    pub console_args: Vec<String>,
}

/// The virtual screen's size: the console's window (1100×720) fits with room to spare.
const VIRTUAL_SCREEN: &str = "1280x800x24";

/// How long Xvfb may take to report its display.
const XVFB_START_LIMIT: Duration = Duration::from_secs(10);

pub fn run(root: &Path, args: &DemoArgs) -> anyhow::Result<()> {
    setup::ensure(Purpose::Demo)?;
    // Built first, so that what follows (the display to look at) is not lost above
    // hundreds of lines of compiler output.
    println!("xtask demo: building the console (the first build takes a few minutes)");
    let release_build = ["--release", "-p", "switchboard"];
    let status = Command::new(cargo())
        .current_dir(root)
        .arg("build")
        .args(release_build)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("building the console failed ({status})");
    }

    let mut console = Command::new(cargo());
    console
        .current_dir(root)
        .arg("run")
        .args(release_build)
        .args(["--", "--demo"])
        .args(&args.console_args);
    // Held until the console exits; dropping it stops the X server.
    let _virtual_display = if Display::from_env().is_headless() {
        let xvfb = VirtualDisplay::start()?;
        let display = format!(":{}", xvfb.number);
        println!(
            "xtask demo: there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), \
             so the console opens on a virtual screen, Xvfb at DISPLAY={display}.\n\
             To look at it from another terminal, take a screenshot (ImageMagick):\n  \
             import -display {display} -window root switchboard.png\n\
             or serve it over VNC: x11vnc -display {display} -localhost. \
             Ctrl+C here stops the console and the virtual screen."
        );
        console
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY");
        Some(xvfb)
    } else {
        None
    };
    println!(
        "xtask demo: starting the console's demo (logged in as alice unless --as says otherwise)"
    );
    let status = console.status().context("running cargo")?;
    if !status.success() {
        bail!("the console exited with {status}");
    }
    Ok(())
}

/// The cargo that runs this xtask (cargo sets `CARGO` for the programs it runs).
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A private Xvfb. It picks a free display number itself (`-displayfd`) so it never races
/// another X server for one; dropping this kills that process, by its id.
struct VirtualDisplay {
    child: Child,
    number: u32,
}

impl VirtualDisplay {
    fn start() -> anyhow::Result<VirtualDisplay> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(VIRTUAL_SCREEN)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb (package xvfb)")?;
        let stdout = child.stdout.take();
        // Reading blocks, so a thread reads the one line and the deadline is on the channel.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            if let Some(stdout) = stdout {
                let _ = BufReader::new(stdout).read_line(&mut line);
            }
            let _ = sender.send(line);
        });
        let number = receiver
            .recv_timeout(XVFB_START_LIMIT)
            .ok()
            .and_then(|line| parse_display_number(&line));
        let mut display = VirtualDisplay { child, number: 0 };
        match number {
            Some(number) => {
                display.number = number;
                Ok(display)
            }
            // Dropping `display` kills the Xvfb that never answered.
            None => bail!("Xvfb reported no display within {XVFB_START_LIMIT:?}"),
        }
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The display number Xvfb writes on its `-displayfd` ("99\n"); `None` for anything else.
fn parse_display_number(line: &str) -> Option<u32> {
    line.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        demo: DemoArgs,
    }

    #[test]
    fn arguments_after_the_command_go_to_the_console() {
        let cli = Cli::try_parse_from(["demo", "--", "--as", "grace"]).unwrap();
        assert_eq!(cli.demo.console_args, ["--as", "grace"]);
        let cli = Cli::try_parse_from(["demo", "--seed", "7"]).unwrap();
        assert_eq!(cli.demo.console_args, ["--seed", "7"]);
        let cli = Cli::try_parse_from(["demo"]).unwrap();
        assert!(cli.demo.console_args.is_empty());
    }

    #[test]
    fn the_display_number_is_read_from_xvfb() {
        assert_eq!(parse_display_number("99\n"), Some(99));
        assert_eq!(parse_display_number(""), None);
        assert_eq!(parse_display_number("Fatal server error\n"), None);
    }
}
