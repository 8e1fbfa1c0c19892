//! The real server on a free loopback port with its SQLite file in a temp directory:
//! [`TestServer`] for async tests, [`ServerThread`] (the same server on a runtime of its
//! own) for UI tests, whose thread must stay free to draw frames.

use crate::config::test_config;
use crate::customer::CustomerClient;
use crate::rep::RepClient;
use crate::socket::login;
use crate::wait::DEADLINE;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use switchboard_protocol::Route;
use switchboard_server::config::Config;
use switchboard_server::server::{self, Options, Server};

/// The database's file name in the server's temp directory.
const DB_FILE: &str = "test.db";

/// A real server on `127.0.0.1:0` with a database in a temp directory.
pub struct TestServer {
    pub server: Option<Server>,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    config: Arc<Config>,
    /// `Some` for a server started with [`TestServer::start_tls`]: it serves HTTPS/WSS only
    /// (the plain helpers `login`, `rep` and `customer` do not reach it).
    tls: Option<Arc<rustls::ServerConfig>>,
    /// Reps log in with `<id><password_suffix>` (`-pw` in the test configuration).
    password_suffix: &'static str,
}

impl TestServer {
    /// A server with the end-to-end test configuration ([`test_config`]).
    pub async fn start() -> TestServer {
        TestServer::start_with(test_config()).await
    }

    /// A server with another configuration (smaller limits, say); its reps' passwords are
    /// `<id>-pw`, as in the test configuration.
    pub async fn start_with(config: Arc<Config>) -> TestServer {
        TestServer::start_configured(config, "-pw").await
    }

    /// A server with `config`, whose reps' passwords are `<id><password_suffix>`.
    pub async fn start_configured(
        config: Arc<Config>,
        password_suffix: &'static str,
    ) -> TestServer {
        TestServer::start_serving(config, password_suffix, None).await
    }

    /// A server with `config` serving HTTPS and WSS with `cert` (`--tls-cert`/`--tls-key`
    /// read by the server's own loader); its reps' passwords are `<id>-pw`.
    pub async fn start_tls(config: Arc<Config>, cert: &crate::tls::TestCert) -> TestServer {
        TestServer::start_serving(config, "-pw", Some(cert.server_config())).await
    }

    async fn start_serving(
        config: Arc<Config>,
        password_suffix: &'static str,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join(DB_FILE);
        let server = start_on(db, "127.0.0.1:0", config.clone(), tls.clone()).await;
        TestServer {
            addr: server.addr,
            server: Some(server),
            dir,
            config,
            tls,
            password_suffix,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join(DB_FILE)
    }

    /// The base URL of its HTTP edge (`http://127.0.0.1:PORT`, or `https://localhost:PORT`
    /// with TLS: the name the test certificates carry).
    pub fn url(&self) -> String {
        match self.tls {
            Some(_) => format!("https://localhost:{}", self.addr.port()),
            None => format!("http://{}", self.addr),
        }
    }

    pub fn http(&self, path: &str) -> String {
        format!("{}{}", self.url(), path)
    }

    /// Stops the server cleanly (its sockets close); the database stays.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// Starts it again on the same port and database, with the same configuration.
    pub async fn start_again(&mut self) {
        let server = start_on(
            self.db_path(),
            &self.addr.to_string(),
            self.config.clone(),
            self.tls.clone(),
        )
        .await;
        assert_eq!(server.addr, self.addr, "the same port again");
        self.server = Some(server);
    }

    /// Stops the server cleanly and starts a new one on the same port and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start_again().await;
    }

    /// `user`'s test password.
    pub fn password(&self, user: &str) -> String {
        format!("{user}{}", self.password_suffix)
    }

    /// Logs `user` in over HTTP with their test password; the token.
    pub async fn login(&self, user: &str) -> String {
        login(self.addr, user, &format!("{user}{}", self.password_suffix)).await
    }

    /// `user` logged in with a rep socket open, the snapshot read.
    pub async fn rep(&self, user: &str) -> RepClient {
        let token = self.login(user).await;
        RepClient::connect(self.addr, &token, None).await
    }

    /// A customer named `name` started over `route`.
    pub async fn customer(&self, name: &str, route: Route) -> CustomerClient {
        CustomerClient::start(self.addr, name, route).await
    }
}

/// Binds `listen` (waiting, within the deadline, for a port just given up to be free
/// again) and starts the server there.
async fn start_on(
    db: PathBuf,
    listen: &str,
    config: Arc<Config>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Server {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let listener = loop {
        match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => break listener,
            Err(_) if tokio::time::Instant::now() < deadline => tokio::task::yield_now().await,
            Err(e) => panic!("bind {listen}: {e}"),
        }
    };
    let options = Options {
        config,
        db_path: db,
        seed: 7,
    };
    server::start_with_tls(listener, options, tls)
        .await
        .expect("server starts")
}

/// A [`TestServer`] on a runtime of its own (one worker thread), for tests whose own
/// thread must stay free: a UI test draws frames while the server works.
pub struct ServerThread {
    pub runtime: tokio::runtime::Runtime,
    pub server: TestServer,
}

impl ServerThread {
    /// A server with the bundled demo configuration (reps log in with `<id>-demo`).
    pub fn start() -> ServerThread {
        ServerThread::start_with(crate::config::demo_config())
    }

    /// A server with `config`, whose reps log in with `<id>-demo` as the demo's do.
    pub fn start_with(config: Arc<Config>) -> ServerThread {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the test server");
        let server = runtime.block_on(TestServer::start_configured(config, "-demo"));
        ServerThread { runtime, server }
    }

    /// A server with `config` serving HTTPS and WSS with `cert`, whose reps log in with
    /// `<id>-demo`.
    pub fn start_tls(config: Arc<Config>, cert: &crate::tls::TestCert) -> ServerThread {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the test server");
        let server = runtime.block_on(TestServer::start_serving(
            config,
            "-demo",
            Some(cert.server_config()),
        ));
        ServerThread { runtime, server }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Runs `future` on the server's runtime and waits for it.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Stops the server (its sockets close).
    pub fn stop(&mut self) {
        self.runtime.block_on(self.server.stop());
    }

    /// Starts it again on the same port and database.
    pub fn start_again(&mut self) {
        self.runtime.block_on(self.server.start_again());
    }
}
