//! `switchboard --demo`: the bundled routing server in this process, on a free loopback
//! port, with the demo configuration, a temporary database and simulated customers, so a
//! newcomer sees customers waiting within seconds. A few of them run the native customer
//! client with a synthetic desktop and allow screen sharing when asked, so "Screen ▾ → View
//! screen" shows a living screen.

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use switchboard_server::config::{Config, SimulateConfig};
use switchboard_server::server::{self, Options};

/// The demo rep the console logs in as.
pub const DEMO_USER: &str = "alice";
pub const DEMO_PASSWORD: &str = "alice-demo";
/// Customers already waiting when the console opens, and then arrivals per minute.
const FIRST_CUSTOMERS: usize = 12;
const ARRIVALS_PER_MINUTE: f64 = 8.0;
/// Customers on the native client (synthetic screen, allow when asked), in the demo rep's own
/// queue: name and screen size.
const NATIVE_CUSTOMERS: [(&str, u16, u16); 3] = [
    ("Sam Lee", 1920, 1080),
    ("Priya Natarajan", 1440, 900),
    ("Jonas Berg", 1280, 800),
];
/// Between the native customers' arrivals, so they wait in a known order.
const NATIVE_GAP: std::time::Duration = std::time::Duration::from_millis(400);

/// The running demo server; dropping it stops the server and removes its database.
pub struct DemoServer {
    pub addr: SocketAddr,
    db_path: PathBuf,
    runtime: Option<tokio::runtime::Runtime>,
}

impl DemoServer {
    /// Starts the server on its own runtime thread(s) and the first simulated customers.
    pub fn start(seed: u64) -> anyhow::Result<DemoServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("demo-server")
            .enable_all()
            .build()
            .context("starting the demo server's runtime")?;
        let db_path =
            std::env::temp_dir().join(format!("switchboard-demo-{}.db", std::process::id()));
        let config = Arc::new(Config::demo().context("the bundled demo configuration")?);
        let server = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .context("binding a loopback port for the demo server")?;
            server::start(
                listener,
                Options {
                    config: config.clone(),
                    db_path: db_path.clone(),
                    seed,
                },
            )
            .await
        })?;
        let addr = server.addr;
        runtime.spawn(async move {
            // Keep the server alive as long as the runtime runs.
            let _server = server;
            std::future::pending::<()>().await;
        });
        // The native customers first, so the longest-waiting customer (Ctrl+Enter) has a screen.
        runtime.spawn(async move {
            for (name, width, height) in NATIVE_CUSTOMERS {
                tokio::spawn(native_customer(addr, name, width, height));
                tokio::time::sleep(NATIVE_GAP).await;
            }
        });
        runtime.spawn(first_customers(addr, config.clone(), seed));
        runtime.spawn(switchboard_server::sim::run(
            addr,
            config,
            SimulateConfig {
                rate_per_min: ARRIVALS_PER_MINUTE,
                seed: seed.wrapping_add(1),
            },
        ));
        tracing::info!(%addr, db = %db_path.display(), "demo server running");
        Ok(DemoServer {
            addr,
            db_path,
            runtime: Some(runtime),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A handful of customers at once, over the demo rep's own queues, so there is work waiting.
async fn first_customers(addr: SocketAddr, config: Arc<Config>, seed: u64) {
    use rand::SeedableRng;
    tokio::time::sleep(NATIVE_GAP * NATIVE_CUSTOMERS.len() as u32).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for n in 0..FIRST_CUSTOMERS {
        let mut plan = switchboard_server::sim::Plan::random(&mut rng, &config);
        // Long patience: these wait for the newcomer to look around.
        plan.patience_secs = 3600;
        tokio::spawn(async move {
            if let Err(error) = plan.play(addr, n as u64).await {
                tracing::debug!(%error, "a demo customer left early");
            }
        });
    }
}

/// One simulated customer on the native client, waiting in the demo rep's personal queue.
async fn native_customer(addr: SocketAddr, name: &'static str, width: u16, height: u16) {
    let route = switchboard_protocol::Route::Rep {
        rep: switchboard_protocol::RepId::new(DEMO_USER),
    };
    let server = format!("http://{addr}");
    let run = switchboard_customer::session::run_simulated_customer(
        server,
        name.to_owned(),
        route,
        width,
        height,
    );
    if let Err(error) = run.await {
        tracing::debug!(%error, name, "a native demo customer stopped");
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.db_path.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
