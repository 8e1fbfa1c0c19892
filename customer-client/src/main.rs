//! `switchboard-customer`: the customer's program. Opens the window (start a session by any
//! route, chat, consent cards, the banner with Stop); `--simulate` runs a simulated customer
//! without a window; `--probe` reports what this machine can capture (the X11 screen on Linux,
//! the primary monitor on Windows and macOS). A Support Button's launcher runs it with
//! `--server URL --button TOKEN`: the form opens on that route, the customer gives a name and
//! starts (with `--name` too it starts at once). `--join CODE` takes over a web chat's
//! session with the one-time code a rep offered there: the window opens on it at once (a
//! refused code is said in the window, with a field for another).
//!
//! Jump Clients: `--jump-agent CONFIG` runs a pinned Jump Client's agent (what its systemd
//! user unit or autostart entry runs); the agent opens the window on a session a rep jumped
//! into with `--resume-session ID --jumped-by NAME --jump-policy notify|ask`, the customer
//! token in `$SWITCHBOARD_CUSTOMER_TOKEN` (or `--customer-token`). `--remove-jump-clients`
//! removes every Jump Client pinned for this user.

use anyhow::Context;
use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;
use switchboard_customer::capture::Screen;
use switchboard_customer::install::{self, Places};
use switchboard_customer::jump::{self, AgentEnd, Attended, TOKEN_VARIABLE};
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::Policy;
use switchboard_customer::window::model::{RouteKind, StartForm};
use switchboard_customer::window::{CustomerApp, JoinSession, WindowOptions};
use switchboard_protocol::{JumpPolicy, SessionId};

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
    /// Continue a web chat in this program with the join code your representative offered
    /// there (nine digits, like 482-193-057).
    #[arg(long = "join", value_name = "CODE", group = "route", conflicts_with_all = ["resume_session", "simulate"])]
    join_code: Option<String>,
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
    /// Run as a pinned Jump Client's agent with this config (what its systemd user unit or
    /// autostart entry runs): stay connected so support can reach this computer later.
    #[arg(long, value_name = "CONFIG")]
    jump_agent: Option<PathBuf>,
    /// Remove every Jump Client pinned on this computer for this user, then exit.
    #[arg(long)]
    remove_jump_clients: bool,
    /// Open the window on a session a representative started (a jump to this computer's
    /// Jump Client); its customer token in `$SWITCHBOARD_CUSTOMER_TOKEN` or
    /// `--customer-token`.
    #[arg(long, value_name = "ID")]
    resume_session: Option<u64>,
    /// The customer token for `--resume-session` (prefer the environment variable: other
    /// users can read a command line).
    #[arg(long, requires = "resume_session")]
    customer_token: Option<String>,
    /// Who jumped, for `--resume-session`.
    #[arg(
        long,
        requires = "resume_session",
        default_value = "A support representative"
    )]
    jumped_by: String,
    /// The jump's policy for `--resume-session`: `notify` or `ask`.
    #[arg(long, requires = "resume_session", default_value = "ask")]
    jump_policy: String,
    /// Also trust the certificate authorities in this PEM file for an https:// server (a
    /// private CA); the system's are always trusted.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
}

impl Args {
    /// The session to join (`--resume-session`), with its token from the environment or
    /// the command line.
    fn join(&self) -> anyhow::Result<Option<JoinSession>> {
        let Some(id) = self.resume_session else {
            return Ok(None);
        };
        let customer_token = std::env::var(TOKEN_VARIABLE)
            .ok()
            .or_else(|| self.customer_token.clone())
            .filter(|t| !t.is_empty())
            .with_context(|| {
                format!("--resume-session needs ${TOKEN_VARIABLE} or --customer-token")
            })?;
        let policy = match self.jump_policy.as_str() {
            "notify" => JumpPolicy::Notify,
            "ask" => JumpPolicy::Ask,
            other => anyhow::bail!("--jump-policy is notify or ask, not {other:?}"),
        };
        Ok(Some(JoinSession {
            session_id: SessionId(id),
            customer_token,
            rep_name: self.jumped_by.clone(),
            policy,
        }))
    }

    fn route(&self) -> (RouteKind, String) {
        let pairs = [
            (RouteKind::SessionKey, &self.key),
            (RouteKind::Rep, &self.rep),
            (RouteKind::Team, &self.team),
            (RouteKind::Button, &self.button),
            (RouteKind::Issue, &self.issue),
            (RouteKind::JoinCode, &self.join_code),
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
    if let Some(ca_file) = &args.ca_file {
        switchboard_customer::tls::trust_ca_file(ca_file).context("--ca-file")?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if args.remove_jump_clients {
        return remove_jump_clients();
    }
    if let Some(config) = args.jump_agent.clone() {
        return runtime.block_on(jump_agent(config));
    }
    let join = args.join()?;
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
        // A join code needs nothing else: the window opens on the session at once.
        auto_start: args.name.is_some() || args.join_code.is_some(),
        form,
        screen,
        policy: Policy::Ask,
        places: Places::for_this_user(),
        join,
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

/// `--jump-agent CONFIG`: runs the agent until it is unpinned, refused, its config goes,
/// or Ctrl+C. A jump with `notify` or `ask` opens this program's window. Ends with success
/// whenever running again would not help (so its unit does not restart it).
async fn jump_agent(config: PathBuf) -> anyhow::Result<()> {
    if !config.exists() {
        // Removed on this computer: nothing to run, and nothing a restart would change.
        eprintln!(
            "No Jump Client config at {}: nothing to do.",
            config.display()
        );
        return Ok(());
    }
    let places = Places::for_this_user().context("no home folder for the Jump Client")?;
    let program = places.program.clone();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let end = jump::run_from_config(
        config,
        places,
        ScreenChoice::detect(),
        Attended::Window { program },
        shutdown,
    )
    .await
    .context("starting the Jump Client's agent")?;
    match end {
        AgentEnd::Uninstalled(Ok(())) => eprintln!("The Jump Client was unpinned and removed."),
        AgentEnd::Uninstalled(Err(why)) => {
            eprintln!("The Jump Client was unpinned; removing it failed: {why}")
        }
        AgentEnd::Refused(why) => eprintln!("The server refused this Jump Client: {why}"),
        AgentEnd::ConfigGone => eprintln!("The Jump Client's config was removed."),
        AgentEnd::Stopped => {}
    }
    Ok(())
}

/// `--remove-jump-clients`: removes every Jump Client pinned for this user (its unit
/// stopped and disabled, or its autostart entry, and its config).
fn remove_jump_clients() -> anyhow::Result<()> {
    let places = Places::for_this_user().context("no home folder")?;
    let removed = install::remove_all_jump_clients(&places);
    if removed.is_empty() {
        println!("No Jump Client is pinned on this computer for this user.");
    }
    let mut failed = false;
    for (path, result) in removed {
        match result {
            Ok(name) if name.is_empty() => println!("Removed {}.", places.shown(&path)),
            Ok(name) => println!("Removed the Jump Client “{name}”."),
            Err(error) => {
                eprintln!("{}: {error}", places.shown(&path));
                failed = true;
            }
        }
    }
    anyhow::ensure!(!failed, "some Jump Clients could not be removed");
    Ok(())
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

    /// `--join CODE` (the portal's command line) gives the join route with the code as typed
    /// (the form normalises it), and the window starts at once; it excludes other routes,
    /// a jump's session and `--simulate`.
    #[test]
    fn the_portals_command_line_gives_the_join_route() {
        let args = Args::try_parse_from([
            "switchboard-customer",
            "--server",
            "http://help.example.com:8080",
            "--join",
            "482-193-057",
        ])
        .unwrap();
        assert_eq!(
            args.route(),
            (RouteKind::JoinCode, "482-193-057".to_owned())
        );
        assert!(args.join_code.is_some());
        for other in [
            ["--key", "123"],
            ["--resume-session", "3"],
            ["--simulate", "--name"],
        ] {
            let mut line = vec!["switchboard-customer", "--join", "482193057"];
            line.extend(other);
            if other[0] == "--simulate" {
                line.push("Pat");
            }
            assert!(Args::try_parse_from(&line).is_err(), "{line:?}");
        }
    }

    /// The agent's window line joins the session with the token from the command line (the
    /// environment variable wins when set), the rep's name and the policy.
    #[test]
    fn a_jump_windows_arguments_give_the_session() {
        let args = Args::try_parse_from([
            "switchboard-customer",
            "--server",
            "http://h:1",
            "--resume-session",
            "12",
            "--customer-token",
            "tok",
            "--jumped-by",
            "Alice",
            "--jump-policy",
            "notify",
        ])
        .unwrap();
        if std::env::var(TOKEN_VARIABLE).is_err() {
            let join = args.join().unwrap().unwrap();
            assert_eq!(join.session_id, SessionId(12));
            assert_eq!(join.customer_token, "tok");
            assert_eq!(join.rep_name, "Alice");
            assert_eq!(join.policy, JumpPolicy::Notify);
        }
        let agent = Args::try_parse_from(["switchboard-customer", "--jump-agent", "/x/7.json"]);
        assert_eq!(agent.unwrap().jump_agent, Some(PathBuf::from("/x/7.json")));
        assert!(Args::try_parse_from(["switchboard-customer", "--customer-token", "t"]).is_err());
    }
}
