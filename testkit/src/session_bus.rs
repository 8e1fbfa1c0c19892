//! A private D-Bus session bus for the tray icon's tests (the `tray` feature): a
//! `dbus-daemon --session` of the test's own on a socket in a temp dir (killed when
//! dropped), so tests never touch the desktop's bus and run side by side; and a tiny
//! StatusNotifierWatcher, the part of a tray host that items register with, which records
//! who registered. The console is pointed at the bus by its address, never by setting
//! `DBUS_SESSION_BUS_ADDRESS` in the test's process.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The StatusNotifierWatcher's well-known name and object path.
pub const WATCHER: &str = "org.kde.StatusNotifierWatcher";
pub const WATCHER_PATH: &str = "/StatusNotifierWatcher";

/// A `dbus-daemon` for one test.
pub struct PrivateBus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    /// Starts the daemon and waits until it listens (it prints its address then).
    pub fn start() -> PrivateBus {
        let dir = tempfile::tempdir().unwrap();
        let listen = format!("unix:path={}", dir.path().join("bus").display());
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!("--address={listen}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian package `dbus`) runs the tray tests' private bus");
        let mut address = String::new();
        // Blocks until the daemon listens; an exiting daemon ends the line early.
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        PrivateBus {
            daemon,
            address,
            _dir: dir,
        }
    }

    /// The bus's address, as `DBUS_SESSION_BUS_ADDRESS` would give it.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// A connection of the test's own, to query what is on the bus.
    pub async fn connect(&self) -> zbus::Connection {
        zbus::connection::Builder::address(self.address.as_str())
            .unwrap()
            .build()
            .await
            .unwrap()
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// A StatusNotifierWatcher on a private bus: the bus names of the items registered.
pub struct Watcher {
    items: Arc<Mutex<Vec<String>>>,
    _conn: zbus::Connection,
}

struct WatcherObject {
    items: Arc<Mutex<Vec<String>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl WatcherObject {
    fn register_status_notifier_item(&self, service: String) {
        self.items.lock().unwrap().push(service);
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.lock().unwrap().clone()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

impl Watcher {
    /// Takes the watcher's name on `bus`.
    pub async fn start(bus: &PrivateBus) -> Watcher {
        let items = Arc::new(Mutex::new(Vec::new()));
        let object = WatcherObject {
            items: Arc::clone(&items),
        };
        let conn = zbus::connection::Builder::address(bus.address())
            .unwrap()
            .name(WATCHER)
            .unwrap()
            .serve_at(WATCHER_PATH, object)
            .unwrap()
            .build()
            .await
            .unwrap();
        Watcher { items, _conn: conn }
    }

    /// The items registered so far (their bus names), in order.
    pub fn items(&self) -> Vec<String> {
        self.items.lock().unwrap().clone()
    }
}
