//! The `switchboard` binary: parses the command line, sets up logging and opens the
//! console window. Everything else lives in the library (`src/lib.rs`).

use anyhow::Context as _;
use clap::Parser;
use switchboard::{AppOptions, SwitchboardApp};
use tracing_subscriber::EnvFilter;

/// Switchboard: the representative console for live customer support.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Start the bundled routing server with demo data and simulated customers in this
    /// process, and log in as a demo rep.
    #[arg(long)]
    demo: bool,

    /// Base URL of the routing server (default: the last one used, else
    /// http://127.0.0.1:8080).
    #[arg(long, value_name = "URL")]
    server: Option<String>,

    /// With --demo: seed the simulated customers, for a repeatable demo.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    // `RUST_LOG` overrides the default level, e.g. `RUST_LOG=switchboard=debug`.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let options = AppOptions {
        demo: args.demo,
        server_url: args.server,
        demo_seed: args.seed,
        ..AppOptions::default()
    };
    let native_options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Switchboard")
            .with_app_id("switchboard")
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([640.0, 480.0]),
        ..Default::default()
    };

    eframe::run_native(
        "Switchboard",
        native_options,
        Box::new(|cc| Ok(Box::new(SwitchboardApp::new(cc, options)))),
    )
    .map_err(|err| anyhow::anyhow!("{err}"))
    .context("could not open the Switchboard window")
}
