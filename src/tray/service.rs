//! The tray's thread: connects to the bus, serves the item and its menu, registers the
//! item with the StatusNotifierWatcher (the tray host), then applies each view the UI
//! sends and signals what changed. zbus serves the objects' calls on its own executor
//! thread meanwhile, so this thread may block on the UI's channel.

use super::item::{ITEM_PATH, Item};
use super::menu::{MENU_PATH, Menu};
use super::{Outbox, SharedView, TrayBus, TrayHost, TrayView};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use zbus::Connection;
use zbus::object_server::SignalEmitter;

/// How long a call to the bus may take before the tray gives up (a hung watcher).
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Makes each item's bus name unique within the process (tests run several).
static ITEMS: AtomicUsize = AtomicUsize::new(1);

const WATCHER: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";

pub(super) fn spawn(
    bus: TrayBus,
    views: Receiver<TrayView>,
    outbox: Outbox,
    host: Arc<Mutex<TrayHost>>,
) {
    let thread_host = Arc::clone(&host);
    let started = std::thread::Builder::new()
        .name("switchboard-tray".to_owned())
        .spawn(move || run(bus, views, outbox, thread_host));
    if let Err(error) = started {
        set(
            &host,
            TrayHost::Missing(format!("no thread for the tray: {error}")),
        );
    }
}

fn set(host: &Mutex<TrayHost>, state: TrayHost) {
    *host.lock().unwrap_or_else(PoisonError::into_inner) = state;
}

fn run(bus: TrayBus, views: Receiver<TrayView>, outbox: Outbox, host: Arc<Mutex<TrayHost>>) {
    let view: SharedView = Arc::new(Mutex::new(TrayView::default()));
    let revision = Arc::new(AtomicU32::new(1));
    let objects = Objects {
        view: Arc::clone(&view),
        outbox,
        revision: Arc::clone(&revision),
    };
    let (conn, name) = match zbus::block_on(connect(&bus, objects)) {
        Ok(connected) => connected,
        Err(why) => {
            // Quietly: a desktop without a session bus is normal; the window works as before.
            tracing::info!(%why, "no system tray icon");
            set(&host, TrayHost::Missing(why));
            return;
        }
    };
    // Followed before registering, so a host that starts in between is not missed.
    if let Err(error) = zbus::block_on(follow_watcher(&conn, &name, &host)) {
        tracing::debug!(%error, "cannot follow the tray host coming and going");
    }
    match zbus::block_on(register(&conn, &name)) {
        Ok(()) => set(&host, TrayHost::Shown),
        Err(why) => {
            // Quietly: no tray host (yet); the icon shows if one starts later.
            tracing::info!(%why, "no system tray icon");
            set(&host, TrayHost::Missing(why));
        }
    }
    while let Ok(mut next) = views.recv() {
        // Only the newest view matters.
        while let Ok(newer) = views.try_recv() {
            next = newer;
        }
        let old = std::mem::replace(
            &mut *view.lock().unwrap_or_else(PoisonError::into_inner),
            next,
        );
        if let Err(error) = zbus::block_on(signal_changes(&conn, old, next, &revision)) {
            tracing::debug!(%error, "could not signal the tray icon's change");
        }
    }
    // The UI dropped its end: the item leaves the tray (and the watcher task ends).
    let _ = zbus::block_on(conn.close());
}

/// What the D-Bus objects share with this thread.
struct Objects {
    view: SharedView,
    outbox: Outbox,
    revision: Arc<AtomicU32>,
}

/// Connects, serves the objects and takes a bus name of the item's own.
async fn connect(bus: &TrayBus, objects: Objects) -> Result<(Connection, String), String> {
    let builder = match bus {
        TrayBus::Session => zbus::connection::Builder::session(),
        TrayBus::At(address) => zbus::connection::Builder::address(address.as_str()),
    }
    .map_err(|e| format!("no session bus: {e}"))?;
    let item = Item {
        view: Arc::clone(&objects.view),
        outbox: objects.outbox.clone(),
    };
    let menu = Menu {
        view: objects.view,
        outbox: objects.outbox,
        revision: objects.revision,
    };
    let conn = builder
        .method_timeout(CALL_TIMEOUT)
        .serve_at(ITEM_PATH, item)
        .and_then(|b| b.serve_at(MENU_PATH, menu))
        .map_err(|e| format!("could not serve the tray item: {e}"))?
        .build()
        .await
        .map_err(|e| format!("no session bus: {e}"))?;
    let name = format!(
        "org.kde.StatusNotifierItem-{}-{}",
        std::process::id(),
        ITEMS.fetch_add(1, Ordering::Relaxed)
    );
    conn.request_name(name.as_str())
        .await
        .map_err(|e| format!("could not take the name {name}: {e}"))?;
    Ok((conn, name))
}

/// Registers the item `name` with the StatusNotifierWatcher, the tray host's registry.
async fn register(conn: &Connection, name: &str) -> Result<(), String> {
    conn.call_method(
        Some(WATCHER),
        WATCHER_PATH,
        Some(WATCHER),
        "RegisterStatusNotifierItem",
        &(name,),
    )
    .await
    .map(|_| ())
    .map_err(|e| format!("no tray host (StatusNotifierWatcher): {e}"))
}

/// Registers again whenever a watcher takes the name (a tray host started after the
/// console, or restarted), and says the host is missing while none has it.
async fn follow_watcher(
    conn: &Connection,
    name: &str,
    host: &Arc<Mutex<TrayHost>>,
) -> zbus::Result<()> {
    use futures_util::StreamExt as _;
    let dbus = zbus::fdo::DBusProxy::new(conn).await?;
    let mut changes = dbus
        .receive_name_owner_changed_with_args(&[(0, WATCHER)])
        .await?;
    let (task_conn, name, host) = (conn.clone(), name.to_owned(), Arc::clone(host));
    let follow = async move {
        while let Some(change) = changes.next().await {
            let Ok(args) = change.args() else { continue };
            if args.new_owner().is_some() {
                match register(&task_conn, &name).await {
                    Ok(()) => set(&host, TrayHost::Shown),
                    Err(why) => set(&host, TrayHost::Missing(why)),
                }
            } else {
                set(&host, TrayHost::Missing("the tray host left".to_owned()));
            }
        }
    };
    conn.executor()
        .spawn(follow, "switchboard tray host")
        .detach();
    Ok(())
}

/// Tells the host what changed between two views.
async fn signal_changes(
    conn: &Connection,
    old: TrayView,
    new: TrayView,
    revision: &AtomicU32,
) -> zbus::Result<()> {
    if old == new {
        return Ok(());
    }
    let item = SignalEmitter::new(conn, ITEM_PATH)?;
    if old.title() != new.title() {
        Item::new_title(&item).await?;
    }
    if old.status() != new.status() {
        Item::new_status(&item, new.status()).await?;
    }
    Item::new_icon(&item).await?;
    Item::new_tool_tip(&item).await?;
    if old.presence != new.presence {
        let next = revision.fetch_add(1, Ordering::AcqRel) + 1;
        let menu = SignalEmitter::new(conn, MENU_PATH)?;
        Menu::layout_updated(&menu, next, 0).await?;
    }
    Ok(())
}
