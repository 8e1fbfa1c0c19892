//! The `switchboard` binary: parses the command line, sets up logging and opens the
//! console window. Everything else lives in the library (`src/lib.rs`).

use anyhow::Context as _;
use clap::Parser;
use switchboard::tray::{Tray, TrayBus};
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

    /// With --demo: log in as this demo rep instead of alice (e.g. `grace`, a team lead
    /// with the Dashboard). Demo passwords are `<rep>-demo`.
    #[arg(long = "as", value_name = "REP")]
    demo_rep: Option<String>,

    /// Also trust the certificate authorities in this PEM file for https:// and wss://
    /// servers (a private CA); the system's are always trusted.
    #[arg(long, value_name = "PATH")]
    ca_file: Option<std::path::PathBuf>,
}

/// The WebSocket library logs every frame's payload at TRACE: chat, tokens, and the password
/// typed for an administrator's shell (`elevate_shell`). Whatever `RUST_LOG` says, those
/// targets log at most warnings, so no frame's content reaches the console's log ("secrets
/// pass once"; the server's binary caps them the same way).
const FRAME_LOGGERS_CAPPED: [&str; 2] = ["tungstenite=warn", "tokio_tungstenite=warn"];

/// `filter` with the frame loggers capped.
fn capped(mut filter: EnvFilter) -> anyhow::Result<EnvFilter> {
    for cap in FRAME_LOGGERS_CAPPED {
        filter = filter.add_directive(cap.parse().context("a built-in log directive")?);
    }
    Ok(filter)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    // `RUST_LOG` overrides the default level, e.g. `RUST_LOG=switchboard=debug`.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(capped(filter)?)
        .init();

    // Read now, so a wrong path stops here with its name instead of at the first login.
    if let Some(path) = &args.ca_file {
        switchboard_tls::ClientTls::new(Some(path)).context("--ca-file")?;
    }
    let options = AppOptions {
        ca_file: args.ca_file,
        demo: args.demo,
        server_url: args.server,
        demo_seed: args.seed,
        demo_rep: args.demo_rep,
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
        Box::new(|cc| {
            let mut app = SwitchboardApp::new(cc, options);
            // The tray icon on the desktop's session bus; without a tray host it stays quiet.
            let ctx = cc.egui_ctx.clone();
            app.attach_tray(Tray::spawn(TrayBus::Session, move || ctx.request_repaint()));
            Ok(Box::new(app))
        }),
    )
    .map_err(|err| anyhow::anyhow!("{err}"))
    .context("could not open the Switchboard window")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Even at `RUST_LOG=trace,tungstenite=trace`, a frame logged by the WebSocket library
    /// (the password of an administrator's shell in it) never reaches the log; the console's
    /// own trace lines still do.
    #[test]
    fn frame_payloads_never_reach_the_log() {
        let written = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = written.clone();
        let filter = capped(EnvFilter::new(
            "trace,tungstenite=trace,tokio_tungstenite=trace",
        ));
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter.unwrap())
            .with_writer(move || Writer(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "tungstenite::protocol", "frame Sb-test-elevation-1");
            tracing::trace!(target: "tokio_tungstenite", "frame Sb-test-elevation-1");
            tracing::trace!(target: "switchboard::net", "a console line");
        });
        let log = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        assert!(!log.contains("Sb-test"), "{log}");
        assert!(log.contains("a console line"), "{log}");
    }

    /// A `MakeWriter` into a shared buffer.
    struct Writer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Writer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
