//! `switchboard-server`: command line, logging, and the server's lifetime.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use switchboard_server::config::Config;
use switchboard_server::server::{self, Options, lease, standby};
use tracing_subscriber::EnvFilter;

/// The Switchboard routing server: queues, sessions and chat for live customer support.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (TOML). Without it, the bundled demo configuration is used.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// SQLite database file. Default: switchboard.db in the OS data directory. With
    /// --database, unused: everything, files and shell transcripts included, is in PostgreSQL.
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// PostgreSQL as the store (`postgres://user@host/db`; overrides the configuration's
    /// `database`): one server holds the lease and is active, the others are standbys
    /// that take over when it stops renewing it.
    #[arg(long, global = true, value_name = "URL")]
    database: Option<String>,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Simulated customers arriving per minute (0 = none).
    #[arg(long)]
    simulate: Option<f64>,
    /// Seed for simulated customers, for repeatable runs (session keys and tokens always
    /// come from the OS's random number generator).
    #[arg(long)]
    seed: Option<u64>,
    /// What a commit survives: `normal` (a crash or kill -9; the default) or `full` (also a
    /// power loss: one fsync per commit). Overrides the configuration's `durability`.
    #[arg(long, value_parser = ["normal", "full"])]
    durability: Option<String>,
    /// Serve HTTPS and wss:// with this certificate chain (PEM; the server's certificate
    /// first). Needs --tls-key. Without both, plain HTTP (behind a TLS reverse proxy, say).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print an argon2id hash for a password read from standard input (for `password_hash`).
    HashPassword,
    /// Check a configuration file and print a summary, then the database's state (a
    /// PostgreSQL database is reached read-only: an unreachable one is an error).
    CheckConfig,
    /// Measure: router commands/s in process, then a loopback load run against a server process.
    Bench(switchboard_server::bench::BenchArgs),
    /// Measure a well-behaved customer's round trip while an attack runs (uploads, chat,
    /// login, slowloris, sessions) against a server process (this one or --server-bin).
    Attack(switchboard_server::attack::AttackArgs),
    /// Be a customer in the terminal: connect by key, rep, team, button, help link, issue or nothing.
    Customer(Box<switchboard_server::customer_cli::CustomerArgs>),
    /// Service figures over whole UTC days as CSV (per team or per rep), read-only from the
    /// database (--db, or PostgreSQL with --database) of a running or stopped server.
    Report(switchboard_server::report::ReportArgs),
    /// Measure failover: per trial two server processes on --database (PostgreSQL), kill -9
    /// the active, time until the standby accepts a login; prints each trial, median and max.
    FailoverBench(switchboard_server::failover_bench::FailoverBenchArgs),
}

fn default_db_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("dev", "switchboard", "switchboard")
        .context("no home directory to keep the database in; pass --db PATH")?;
    Ok(dirs.data_dir().join("switchboard.db"))
}

/// The database the server (or a command) uses: `--database`, else the configuration's `database`
/// (PostgreSQL), else `--db` or the default file (SQLite) — the server's own choice.
fn chosen_database(
    database: Option<String>,
    config: &Config,
    db: Option<PathBuf>,
) -> anyhow::Result<switchboard_server::store::Database> {
    use switchboard_server::store::Database;
    Ok(
        match database.or_else(|| config.settings.database.clone()) {
            Some(url) => Database::Postgres(
                switchboard_server::config::check_database_url(url).map_err(anyhow::Error::msg)?,
            ),
            None => Database::Sqlite(match db {
                Some(path) => path,
                None => default_db_path()?,
            }),
        },
    )
}

fn load_config(path: Option<&PathBuf>) -> anyhow::Result<Config> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the configuration {}", path.display()))?;
            Config::from_toml(&text).with_context(|| format!("in {}", path.display()))
        }
        None => Config::demo().context("the bundled demo configuration"),
    }
}

/// The WebSocket library writes every frame's payload at TRACE (and some at DEBUG): rep and
/// customer chat, tokens, and an elevated shell's password. Whatever `RUST_LOG` says, those
/// targets log at most warnings, so no frame's content ever reaches the log ("secrets pass
/// once"; e2e_elevation greps the log of a run at `trace`).
const FRAME_LOGGERS_CAPPED: [&str; 2] = ["tungstenite=warn", "tokio_tungstenite=warn"];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    for cap in FRAME_LOGGERS_CAPPED {
        filter = filter.add_directive(cap.parse().context("a built-in log directive")?);
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::HashPassword) => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let hash =
                switchboard_server::config::hash_password(password.trim_end_matches(['\r', '\n']))
                    .map_err(anyhow::Error::msg)?;
            println!("{hash}");
            return Ok(());
        }
        Some(Command::CheckConfig) => {
            let config = load_config(cli.config.as_ref())?;
            println!(
                "ok: {} reps, {} teams, {} issues, {} buttons, {} waiting rules",
                config.reps.len(),
                config.teams.len(),
                config.issues.len(),
                config.buttons.len(),
                config.waiting_rules.len()
            );
            match &config.mail {
                Some(mail) => println!(
                    "mail: SMTP {}:{} (tls = {}), from {}",
                    mail.smtp_host,
                    mail.smtp_port,
                    mail.tls.as_str(),
                    mail.from
                ),
                None => println!(
                    "mail: not configured (no [mail] section): extended-availability emails stay in the outbox table"
                ),
            }
            // The database the server would use (the same choice as the server's own, below):
            // reached read-only with a short timeout; unreachable is an error (exit 1).
            let database = chosen_database(cli.database, &config, cli.db)?;
            let line = tokio::task::spawn_blocking(move || {
                switchboard_server::report::describe_database(&database)
            })
            .await
            .context("checking the database")??;
            println!("{line}");
            return Ok(());
        }
        Some(Command::Bench(mut args)) => {
            args.database = cli.database.clone();
            return switchboard_server::bench::run(args).await;
        }
        Some(Command::Attack(args)) => return switchboard_server::attack::run(args).await,
        Some(Command::Customer(args)) => return switchboard_server::customer_cli::run(*args).await,
        Some(Command::FailoverBench(args)) => {
            return switchboard_server::failover_bench::run(cli.database.as_deref(), args).await;
        }
        Some(Command::Report(args)) => {
            let config = load_config(cli.config.as_ref())?;
            // PostgreSQL when configured (the CLI's --database first, as for the server).
            let database = chosen_database(cli.database, &config, cli.db)?;
            // Blocking (PostgreSQL's synchronous client must not run on an async task).
            let csv = tokio::task::spawn_blocking(move || {
                switchboard_server::report::report(
                    &config, &database, &args.from, &args.to, args.by,
                )
                .with_context(|| format!("report from {}", database.redacted()))
            })
            .await
            .context("the report's thread")??;
            print!("{csv}");
            return Ok(());
        }
        None => {}
    }
    let mut config = load_config(cli.config.as_ref())?;
    if let Some(durability) = cli.durability.as_deref() {
        config.settings.durability = match durability {
            "full" => switchboard_server::config::Durability::Full,
            _ => switchboard_server::config::Durability::Normal,
        };
    }
    let seed = cli
        .seed
        .or(config.simulate.as_ref().map(|s| s.seed))
        .unwrap_or_else(rand::random);
    if let Some(rate) = cli.simulate {
        anyhow::ensure!(
            rate.is_finite() && rate >= 0.0,
            "--simulate takes a non-negative rate per minute"
        );
        config.simulate = Some(switchboard_server::config::SimulateConfig {
            rate_per_min: rate,
            seed,
        });
    }
    // With PostgreSQL no file is opened (so no home folder is needed for a default path).
    let (database, db_path) = match chosen_database(cli.database, &config, cli.db)? {
        switchboard_server::store::Database::Postgres(url) => (Some(url), PathBuf::new()),
        switchboard_server::store::Database::Sqlite(path) => (None, path),
    };
    let config = Arc::new(config);
    // Read before listening, so a bad file stops the start with its name, not a handshake.
    let tls = match (&cli.tls_cert, &cli.tls_key) {
        (Some(cert), Some(key)) => {
            Some(server::tls::load(cert, key).context("--tls-cert/--tls-key")?)
        }
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Bound as always (tokio's backlog), then held as a std listener (non-blocking): a
    // standby serves its answers on a clone of this socket, and the active server then
    // serves the socket itself (server/standby.rs).
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .and_then(tokio::net::TcpListener::into_std)
        .with_context(|| format!("listening on {}", cli.listen))?;
    let options = Options {
        config: config.clone(),
        db_path: db_path.clone(),
        seed,
    };
    let (server, lease) = match &database {
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let server = server::start_with_tls(listener, options, tls).await?;
            print_listening(scheme, server.addr);
            tracing::info!(database = %db_path.display(), "database");
            (server, None)
        }
        Some(url) => {
            let addr = listener
                .local_addr()
                .context("reading the listening address")?;
            print_listening(scheme, addr);
            let Some(active) = become_active(listener, url, options, tls).await? else {
                return Ok(());
            };
            active
        }
    };
    // The simulated customers dial the listening address over plain ws://, which a TLS
    // listener refuses (and its certificate names a host, not that address): a demo feature.
    let simulate_here = scheme == "http";
    if !simulate_here
        && config
            .simulate
            .as_ref()
            .is_some_and(|s| s.rate_per_min > 0.0)
    {
        tracing::warn!("no simulated customers with --tls-cert: they speak plain HTTP only");
    }
    let simulation = config
        .simulate
        .as_ref()
        .filter(|s| s.rate_per_min > 0.0 && simulate_here)
        .map(|s| {
            tracing::info!(
                rate_per_min = s.rate_per_min,
                seed = s.seed,
                "simulating customers"
            );
            tokio::spawn(switchboard_server::sim::run(
                server.addr,
                config.clone(),
                s.clone(),
            ))
        });
    let mut lease = lease;
    let failed = tokio::select! {
        () = server::shutdown_signal() => None,
        stop = server.failed() => Some(stop.reason),
        lost = lease_lost(lease.as_mut()) => Some(lost),
    };
    tracing::info!("shutting down");
    if let Some(simulation) = simulation {
        simulation.abort();
    }
    let had_lease = lease.is_some();
    let lease_stopped = match lease {
        // Another server may be active already: stop at once, whatever the connections do
        // (the core may wait for a commit on a connection that never answers). Nothing
        // more is committed, so the lease is handed on at the same time, not after.
        Some(lease) if failed.is_some() => {
            let shutdown = tokio::time::timeout(LOST_LEASE_SHUTDOWN, server.shutdown());
            let (_, stopped) = tokio::join!(shutdown, lease.stop_within(LOST_LEASE_SHUTDOWN));
            stopped
        }
        // A clean stop: after the core's last commit, the lease is handed on without the TTL.
        Some(lease) => {
            server.shutdown().await;
            lease.stop().await
        }
        None => {
            server.shutdown().await;
            true
        }
    };
    // Bounded: on a cut network the release never answers; the lease expires by itself.
    if !lease_stopped {
        tracing::warn!("the lease's connection does not answer: exiting without releasing it");
    }
    match failed {
        // A non-zero exit, so a service manager restarts the server from the database.
        Some(reason) if had_lease && !reason.contains("lost the lease") => {
            anyhow::bail!("{reason} {GAVE_UP_THE_LEASE}")
        }
        Some(reason) => anyhow::bail!("{reason}"),
        None => Ok(()),
    }
}

/// How long a server that lost the lease (or could not commit) with standbys waits for its
/// connections to close before it exits anyway.
const LOST_LEASE_SHUTDOWN: std::time::Duration = std::time::Duration::from_secs(2);

/// Said after the reason when a server with a lease stops for another reason (its database
/// unreachable, say): what happens next, for the operator.
const GAVE_UP_THE_LEASE: &str = "This server gave up the lease (it runs out within 3 s): \
     a standby takes over. Restart this one to come back as a standby.";

/// Exits at once, non-zero, with `reason` on stderr as a failed `main` prints it: for a
/// server that lost the lease while a blocking task may still wait on a database
/// connection that never answers (the runtime's drop would wait for it forever).
fn exit_lost_lease(reason: &str) -> ! {
    tracing::error!(%reason, "the server stops");
    eprintln!("Error: {reason}");
    std::process::exit(1)
}

/// Tests and scripts read this line to find the port. A closed stdout must not stop the server.
fn print_listening(scheme: &str, addr: SocketAddr) {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {scheme}://{addr}");
    let _ = stdout.flush();
}

/// Resolves when the lease is lost (never without one).
async fn lease_lost(lease: Option<&mut lease::LeaseHandle>) -> String {
    match lease {
        Some(lease) => lease.lost().await,
        None => std::future::pending().await,
    }
}

/// PostgreSQL with standbys: takes the lease (serving the standby's answers on `listener`
/// while another server holds it), then opens the store fenced by the lease's token and
/// serves the same socket as the active server. `None` when stopped (Ctrl-C, SIGTERM)
/// while still a standby.
async fn become_active(
    listener: std::net::TcpListener,
    url: &str,
    options: Options,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> anyhow::Result<Option<(server::Server, Option<lease::LeaseHandle>)>> {
    let addr = listener
        .local_addr()
        .context("reading the listening address")?;
    let shown = switchboard_server::store::Database::Postgres(url.to_owned()).redacted();
    tracing::info!(database = %shown, "database (PostgreSQL, with a lease)");
    let mut lease = lease::spawn(
        url,
        &lease::holder_name(addr),
        lease::LeaseTiming::default(),
    )
    .context("starting the lease")?;
    let edge = server::listen::Edge {
        tls: tls.clone().map(tokio_rustls::TlsAcceptor::from),
        proxies: Arc::new(options.config.settings.trusted_proxies.clone()),
    };
    let limits = Arc::new(options.config.limits.clone());
    let token = tokio::select! {
        token = standby::until_active(&listener, &mut lease, limits, edge) => {
            token.with_context(|| format!("taking the lease in {shown}"))?
        }
        () = server::shutdown_signal() => {
            tracing::info!("stopped while a standby");
            lease.stop().await;
            return Ok(None);
        }
    };
    let storage = server::Storage {
        postgres: Some(server::PostgresStore {
            url: url.to_owned(),
            fence: Some(switchboard_server::store::Fence { token }),
        }),
        lease: Some(lease.guard.clone()),
    };
    let listener = tokio::net::TcpListener::from_std(listener)?;
    // Opening the store (connect, migrate, restore) can hang on a cut network, and the
    // lease is not watched anywhere else yet: losing it meanwhile stops the server, or it
    // would stay up, listening and serving nobody, after another server took over.
    let server = tokio::select! {
        server = server::start_with_storage(listener, options, tls, storage) => server?,
        reason = lease.lost() => exit_lost_lease(&format!("{reason} (while opening the store)")),
    };
    Ok(Some((server, Some(lease))))
}
