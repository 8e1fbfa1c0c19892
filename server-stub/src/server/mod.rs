//! The running server: opens the store, rebuilds the router, starts the core task and
//! the HTTP/WebSocket listener, and stops them in order.

pub mod commit;
pub mod core;
mod customer_ws;
mod download;
mod files;
mod files_access;
mod files_body;
pub mod files_check;
mod files_permits;
#[cfg(test)]
mod future_sizes;
mod http;
mod jump_ws;
pub mod lease;
pub mod listen;
pub mod login_guard;
mod logins;
pub mod media;
pub mod metrics;
mod portal;
pub mod proxy;
mod rep_ws;
mod shell_http;
mod socket;
/// The size of the pieces a large text frame leaves in (the large-frame tests read it).
pub use socket::FRAGMENT_BYTES;
pub mod standby;
pub mod streams;
pub mod throttle;
pub mod tls;
mod ws_upgrade;

use crate::config::Config;
use crate::router::Router;
use crate::router::client_offer as router_paths;
use crate::store::Store;
use anyhow::Context;
use axum::Router as HttpRouter;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use core::{CoreHandle, CoreMsg, now_ms};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// Shared by every HTTP handler and connection task.
#[derive(Clone)]
pub struct AppState {
    pub core: CoreHandle,
    pub store: Store,
    pub config: Arc<Config>,
    /// Upload slots, in all and per address (taken before an upload's body is read).
    pub uploads: Arc<files_permits::UploadPermits>,
    /// Failed logins, and the bounded pool of password checks.
    pub logins: Arc<logins::Logins>,
    /// The `/ws/media` relay: tickets and who may view or control each session's screen
    /// (the core tells it what the router decided; the media sockets read it).
    pub media: media::MediaRelay,
    /// Downloads of the customer program per address (`GET /download/switchboard-customer`).
    pub downloads: Arc<download::DownloadRate>,
}

/// How to start a server.
pub struct Options {
    pub config: Arc<Config>,
    pub db_path: PathBuf,
    /// Seeds nothing secret: session keys and tokens always come from the OS's CSPRNG.
    /// (Kept for the router's deterministic tests and the simulator.)
    pub seed: u64,
}

/// Where the store is beyond [`Options`]: by default the SQLite file `Options::db_path`;
/// with `postgres`, PostgreSQL, files and shell transcripts included (`db_path` is then
/// unused). `lease`: the active server's lease guard,
/// checked after every commit before anything is delivered (`commit.rs`).
#[derive(Default)]
pub struct Storage {
    pub postgres: Option<PostgresStore>,
    pub lease: Option<lease::LeaseGuard>,
}

/// PostgreSQL as the store, fenced by the lease's token when this server holds one.
pub struct PostgresStore {
    pub url: String,
    pub fence: Option<crate::store::Fence>,
}

/// A server that is running; [`Server::shutdown`] stops it cleanly.
pub struct Server {
    pub addr: SocketAddr,
    pub store: Store,
    shutdown: watch::Sender<bool>,
    http: JoinHandle<()>,
    core: JoinHandle<()>,
    /// Set (once) when the core stopped because a batch could not be stored.
    failed: watch::Receiver<Option<commit::FailStop>>,
    /// The outbox worker sending extended-availability emails (none without `[mail]`).
    mail: Option<JoinHandle<()>>,
    /// The `/ws/media` relay (for tests and benches that issue tickets directly).
    media: media::MediaRelay,
}

/// Opens the store and starts serving plain HTTP on `listener`.
pub async fn start(listener: TcpListener, options: Options) -> anyhow::Result<Server> {
    start_with_tls(listener, options, None).await
}

/// [`start`], serving HTTPS (and `wss://`) with `tls` when given (`--tls-cert`/`--tls-key`,
/// read by [`tls::load`]).
pub async fn start_with_tls(
    listener: TcpListener,
    options: Options,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> anyhow::Result<Server> {
    start_with_storage(listener, options, tls, Storage::default()).await
}

/// [`start_with_tls`] with the store of `storage`: PostgreSQL and the lease's guard for the
/// active one of several servers (`main.rs` takes the lease first, see `standby.rs`).
pub async fn start_with_storage(
    listener: TcpListener,
    mut options: Options,
    tls: Option<Arc<rustls::ServerConfig>>,
    storage: Storage,
) -> anyhow::Result<Server> {
    if let Some(path) = &options.config.settings.client_download
        && !path.is_file()
    {
        // Offered without a file, the portal would show a link that leads nowhere.
        tracing::warn!(path = %path.display(), "client_download is not a file: not offered");
        let mut config = (*options.config).clone();
        config.settings.client_download = None;
        options.config = Arc::new(config);
    }
    let addr = listener
        .local_addr()
        .context("reading the listening address")?;
    let db_path = options.db_path.clone();
    let durability = options.config.settings.durability;
    let (store, restored) = match storage.postgres {
        None => tokio::task::spawn_blocking(move || Store::open_with(&db_path, durability))
            .await
            .context("opening the database")?
            .with_context(|| format!("opening the database {}", options.db_path.display()))?,
        Some(postgres) => {
            let shown = crate::store::Database::Postgres(postgres.url.clone()).redacted();
            tokio::task::spawn_blocking(move || {
                Store::open_postgres(&postgres.url, postgres.fence, durability)
            })
            .await
            .context("opening the database")?
            .with_context(|| format!("opening the database {shown}"))?
        }
    };
    let restored_sessions = restored.sessions.len();
    let mut router = Router::restore(options.config.clone(), options.seed, restored, now_ms());
    router.use_os_entropy();
    if let Ok(purged) = store.purge_expired_tokens(now_ms()).await {
        tracing::debug!(purged, "expired login tokens removed");
    }
    let (shutdown, shutdown_rx) = watch::channel(false);
    let mail = crate::mail::start(
        options.config.mail.as_ref(),
        store.clone(),
        shutdown_rx.clone(),
    )
    .context("starting the mail sender")?;
    let (core_tx, core_rx) = mpsc::channel::<CoreMsg>(65_536);
    let stream_id = hex::encode(rand::random::<[u8; 8]>());
    let (failed_tx, failed) = watch::channel(None);
    let media = media::MediaRelay::with_transcripts(store.transcripts());
    // The gauges exist from the first scrape on (the core republishes them every tick), so a
    // scrape that comes before the core's first tick reads the restored state, not nothing.
    store.metrics().publish(metrics::CoreGauges {
        waiting: router.waiting_by_queue(),
        ..Default::default()
    });
    let core = tokio::spawn(core::run(
        router,
        store.clone(),
        media.clone(),
        stream_id,
        core_rx,
        shutdown_rx.clone(),
        failed_tx,
        storage.lease,
    ));
    let state = AppState {
        core: CoreHandle { tx: core_tx },
        store: store.clone(),
        config: options.config.clone(),
        uploads: Arc::new(files_permits::UploadPermits::new(&options.config.limits)),
        logins: Arc::new(logins::Logins::new(&options.config.limits)),
        media: media.clone(),
        downloads: Arc::new(download::DownloadRate::new()),
    };
    let app = HttpRouter::new()
        .route("/", get(portal::index))
        .route("/help", get(portal::help_link))
        .route("/button/{token}", get(portal::button))
        .route("/assets/portal.js", get(portal::script))
        .route("/assets/portal.css", get(portal::style))
        .route("/assets/{name}", get(portal::named_asset))
        .route("/healthz", get(http::healthz))
        .route("/metrics", get(metrics::scrape))
        .route(router_paths::DOWNLOAD_PATH, get(download::customer_program))
        .route("/api/login", post(http::login))
        .route("/api/logout", post(http::logout))
        .route("/api/reps/available", get(http::available_reps))
        .route("/api/issues", get(http::issues))
        .route(
            "/api/sessions/{id}/files",
            // The one route that takes more than a frame: up to the file limit (plus slack
            // so the handler, not the extractor, words the refusal of a slightly large file).
            post(files::upload).layer(DefaultBodyLimit::max(
                usize::try_from(options.config.settings.max_file_bytes)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1),
            )),
        )
        .route("/api/files/{file_id}", get(files::download))
        .route("/api/sessions/{id}/shell", get(shell_http::transcript))
        .route("/ws/rep", get(http::rep_socket))
        .route("/ws/customer", get(http::customer_socket))
        .route("/ws/media", get(http::media_socket))
        .route("/ws/jump", get(http::jump_socket))
        .fallback(http::not_found)
        .layer(DefaultBodyLimit::max(switchboard_protocol::MAX_FRAME_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::request_deadline,
        ))
        .layer(axum::middleware::from_fn(http::json_errors))
        .with_state(state);
    let limits = Arc::new(options.config.limits.clone());
    let edge = listen::Edge {
        tls: tls.map(tokio_rustls::TlsAcceptor::from),
        proxies: Arc::new(options.config.settings.trusted_proxies.clone()),
    };
    let http = tokio::spawn(listen::serve(
        listener,
        app,
        limits,
        edge,
        Arc::new(listen::ConnectionCounts::default()),
        shutdown_rx,
    ));
    tracing::info!(%addr, restored_sessions, "switchboard server listening");
    Ok(Server {
        addr,
        store,
        shutdown,
        http,
        core,
        mail,
        failed,
        media,
    })
}

impl Server {
    /// The media relay behind `/ws/media`: tests and the relay bench issue tickets and set
    /// access on it directly, as the core does for the router's decisions.
    pub fn media(&self) -> media::MediaRelay {
        self.media.clone()
    }

    /// Resolves when the server stopped itself because a batch of changes could not be
    /// stored (see `server/commit.rs`), with the reason; never resolves otherwise.
    pub async fn failed(&self) -> commit::FailStop {
        let mut failed = self.failed.clone();
        loop {
            if let Some(stop) = failed.borrow().clone() {
                return stop;
            }
            if failed.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Stops taking connections, ends the core (its last batch committed), and waits.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        self.media.close_all();
        let _ = self.core.await;
        if let Some(mail) = self.mail {
            let _ = mail.await;
        }
        // Open WebSockets keep graceful shutdown waiting; they were told to close, give them a moment.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.http).await;
    }
}

/// Resolves when the process gets Ctrl-C (or SIGTERM on Unix).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
