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

/// The item's interface and object path, as a tray host reads them.
pub const ITEM: &str = "org.kde.StatusNotifierItem";
pub const ITEM_PATH: &str = "/StatusNotifierItem";
/// The menu's interface.
pub const MENU: &str = "com.canonical.dbusmenu";

/// One entry of an item's menu, from GetLayout: its id, label (a separator's type), toggle
/// state and whether it may be clicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
    pub toggled: Option<i32>,
    pub enabled: bool,
}

type Layout = (
    i32,
    std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
    Vec<zbus::zvariant::OwnedValue>,
);

/// The object path of the menu the item at `dest` names.
pub async fn menu_path(conn: &zbus::Connection, dest: &str) -> String {
    let item = zbus::Proxy::new(conn, dest.to_owned(), ITEM_PATH, ITEM)
        .await
        .unwrap();
    let path: zbus::zvariant::OwnedObjectPath = item.get_property("Menu").await.unwrap();
    path.as_str().to_owned()
}

/// The menu's entries under its root, in order, as a host asks for them (GetLayout).
pub async fn menu_entries(conn: &zbus::Connection, dest: &str) -> Vec<MenuEntry> {
    use zbus::zvariant::{OwnedValue, Structure, Value};
    let path = menu_path(conn, dest).await;
    let menu = zbus::Proxy::new(conn, dest.to_owned(), path, MENU)
        .await
        .unwrap();
    let (_revision, (root, _, children)): (u32, Layout) = menu
        .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
        .await
        .unwrap();
    assert_eq!(root, 0, "GetLayout(0) answers with the root");
    children
        .into_iter()
        .map(|child| {
            let fields = Structure::try_from(Value::from(child))
                .unwrap()
                .into_fields();
            let id = i32::try_from(&fields[0]).unwrap();
            let props = std::collections::HashMap::<String, OwnedValue>::try_from(
                fields[1].try_clone().unwrap(),
            )
            .unwrap();
            let text = |name: &str| {
                props
                    .get(name)
                    .map(|v| String::try_from(v.try_clone().unwrap()).unwrap())
            };
            MenuEntry {
                id,
                label: text("label").or_else(|| text("type")).unwrap_or_default(),
                toggled: props.get("toggle-state").map(|v| i32::try_from(v).unwrap()),
                enabled: props
                    .get("enabled")
                    .is_none_or(|v| bool::try_from(v).unwrap()),
            }
        })
        .collect()
}

/// Sends the host's "clicked" event for the menu entry `id`; the item's answer.
pub async fn click_entry(conn: &zbus::Connection, dest: &str, id: i32) -> zbus::Result<()> {
    let path = menu_path(conn, dest).await;
    let menu = zbus::Proxy::new(conn, dest.to_owned(), path, MENU).await?;
    menu.call::<_, _, ()>(
        "Event",
        &(id, "clicked", zbus::zvariant::Value::from(0i32), 0u32),
    )
    .await
}

/// Clicks the menu entry labelled `label` (it must be there).
pub async fn click_menu(conn: &zbus::Connection, dest: &str, label: &str) {
    let entries = menu_entries(conn, dest).await;
    let Some(entry) = entries.iter().find(|e| e.label == label) else {
        panic!("no menu entry {label:?} in {entries:?}");
    };
    click_entry(conn, dest, entry.id).await.unwrap();
}

/// The item's tooltip line under its title ("Available · 3 waiting"), read as a host does.
pub async fn tool_tip_text(conn: &zbus::Connection, dest: &str) -> String {
    type Pixmaps = Vec<(i32, i32, Vec<u8>)>;
    let item = zbus::Proxy::new(conn, dest.to_owned(), ITEM_PATH, ITEM)
        .await
        .unwrap();
    let (_icon, _pixmaps, _title, text): (String, Pixmaps, String, String) =
        item.get_property("ToolTip").await.unwrap();
    text
}
