//! `switchboard-customer`: the customer's program. Opens the window (start a session by any
//! route, chat, consent cards, the banner with Stop); `--simulate` runs a simulated customer
//! without a window; `--probe` reports what this machine can capture (the X11 screen on Linux,
//! the primary monitor on Windows and macOS). A Support Button's launcher runs it with
//! `--server URL --button TOKEN`: the form opens on that route, the customer gives a name and
//! starts (with `--name` too it starts at once).

use anyhow::Context;
use clap::Parser;
use std::time::Instant;
use switchboard_customer::capture::Screen;
use switchboard_customer::install::Places;
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::Policy;
use switchboard_customer::window::model::{RouteKind, StartForm};
use switchboard_customer::window::{CustomerApp, WindowOptions};

/// Switchboard's customer program: chat with support and, when you allow it, share your screen.
#[derive(Debug, Parser)]
#[command(name = "switchboard-customer", version)]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Your name, as the rep sees it (with it, the session starts at once).
    #[arg(long)]
    name: Option<String>,
    /// Your company (optional).
    #[arg(long)]
    company: Option<String>,
    /// Your question, shown to the rep before you chat (optional).
    #[arg(long)]
    question: Option<String>,
    /// A session key a rep gave you (their personal queue).
    #[arg(long, group = "route")]
    key: Option<String>,
    /// A rep picked by name (their personal queue).
    #[arg(long, group = "route")]
    rep: Option<String>,
    /// A team directly, as its support button does.
    #[arg(long, group = "route")]
    team: Option<String>,
    /// A support button's token (a Support Button's launcher passes its own).
    #[arg(long, group = "route")]
    button: Option<String>,
    /// An issue from the issue form (the owning team's queue).
    #[arg(long, group = "route")]
    issue: Option<String>,
    /// Share a generated desktop (a clock, typing, marks where the rep clicks) instead of the
    /// real screen: for demos and trying things out.
    #[arg(long)]
    synthetic: bool,
    /// No window: a simulated customer (synthetic desktop, every screen request allowed, a
    /// command shell refused) that chats a line or two and runs until the session ends.
    #[arg(long)]
    simulate: bool,
    /// Print the screen's size and how long one full capture takes, then exit (the X11
    /// screen on Linux, the primary monitor on Windows and macOS).
    #[arg(long)]
    probe: bool,
    /// The X display for `--probe` (default `$DISPLAY`).
    #[arg(long)]
    display: Option<String>,
}

impl Args {
    fn route(&self) -> (RouteKind, String) {
        let pairs = [
            (RouteKind::SessionKey, &self.key),
            (RouteKind::Rep, &self.rep),
            (RouteKind::Team, &self.team),
            (RouteKind::Button, &self.button),
            (RouteKind::Issue, &self.issue),
        ];
        pairs
            .into_iter()
            .find_map(|(kind, value)| value.clone().map(|v| (kind, v)))
            .unwrap_or((RouteKind::General, String::new()))
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    if args.probe {
        return probe(args.display.as_deref());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (route, value) = args.route();
    let form = StartForm {
        server: args.server.clone(),
        name: args.name.clone().unwrap_or_default(),
        company: args.company.clone().unwrap_or_default(),
        question: args.question.clone().unwrap_or_default(),
        route,
        value,
    };
    if args.simulate {
        let route = form.route().map_err(anyhow::Error::msg)?;
        let name = args.name.unwrap_or_else(|| "Simulated Customer".into());
        return runtime.block_on(switchboard_customer::run_simulated_customer(
            args.server,
            name,
            route,
            1280,
            800,
        ));
    }
    let screen = if args.synthetic {
        Ok(ScreenChoice::Synthetic {
            width: 1280,
            height: 800,
            typing: true,
        })
    } else {
        ScreenChoice::detect()
    };
    let options = WindowOptions {
        auto_start: args.name.is_some(),
        form,
        screen,
        policy: Policy::Ask,
        places: Places::for_this_user(),
    };
    let handle = runtime.handle().clone();
    let native_options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Switchboard support")
            .with_app_id("switchboard-customer")
            .with_inner_size([560.0, 520.0])
            .with_min_inner_size([420.0, 360.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Switchboard support",
        native_options,
        Box::new(move |_cc| Ok(Box::new(CustomerApp::new(handle, options)))),
    )
    .map_err(|err| anyhow::anyhow!("{err}"))
    .context("could not open the window")
}

/// `--probe`: the X11 screen's size and the time of one full capture.
#[cfg(target_os = "linux")]
fn probe(display: Option<&str>) -> anyhow::Result<()> {
    if display.is_none()
        && let Err(reason) = ScreenChoice::detect()
    {
        anyhow::bail!("{reason}");
    }
    let mut screen = switchboard_customer::capture::X11Screen::connect(display)
        .context("connecting to the X server")?;
    probe_screen("X11 screen", &mut screen)
}

/// `--probe`: the primary monitor's size and the time of one full capture.
#[cfg(any(target_os = "windows", target_os = "macos"))]
fn probe(_display: Option<&str>) -> anyhow::Result<()> {
    let mut screen = switchboard_customer::capture::XcapScreen::open()
        .context("capturing the primary monitor")?;
    probe_screen("primary monitor", &mut screen)
}

/// `--probe` where nothing can be captured.
#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn probe(_display: Option<&str>) -> anyhow::Result<()> {
    match ScreenChoice::detect() {
        Ok(choice) => anyhow::bail!("no screen capture for {choice:?} on this system"),
        Err(reason) => anyhow::bail!("{reason}"),
    }
}

/// Prints `screen`'s size and the time of one full capture of it.
#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
fn probe_screen(what: &str, screen: &mut impl Screen) -> anyhow::Result<()> {
    let (width, height) = screen.size();
    println!("{what}: {width}x{height}");
    let started = Instant::now();
    let frame = screen.capture().context("capturing the screen")?;
    println!(
        "one full capture: {:.1} ms ({} bytes of RGBA)",
        started.elapsed().as_secs_f64() * 1000.0,
        frame.pixels.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Support Button's launcher line (`--server URL --button TOKEN`) opens the form on the
    /// button's route with its token; the server is the one the launcher names.
    #[test]
    fn a_launchers_arguments_give_the_button_route() {
        let args = Args::try_parse_from([
            "switchboard-customer",
            "--server",
            "https://help.example.com",
            "--button",
            "0123abcd",
        ])
        .unwrap();
        assert_eq!(args.route(), (RouteKind::Button, "0123abcd".to_owned()));
        assert_eq!(args.server, "https://help.example.com");
        assert!(args.name.is_none(), "the form asks for the name");
    }
}
