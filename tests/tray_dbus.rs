//! The tray icon on a private D-Bus session bus started by the test (issue 16): with a
//! StatusNotifierWatcher there the item registers, and its properties (Status, Title,
//! ToolTip, IconPixmap with the badge) and its menu (com.canonical.dbusmenu GetLayout,
//! a "clicked" Event) are queried as a tray host would. Without a watcher (no tray host)
//! or without a bus, the tray says so and nothing fails.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use switchboard::tray::icon;
use switchboard::tray::{Tray, TrayAction, TrayBus, TrayHost, TrayView};
use switchboard_protocol::Presence;
use switchboard_testkit::poll_until;
use switchboard_testkit::session_bus::{
    ITEM, ITEM_PATH, PrivateBus, Watcher, click_entry, menu_entries, menu_path,
};
use zbus::zvariant::OwnedValue;

/// A tray on `bus`, and how many times it woke the UI.
fn tray_on(bus: &PrivateBus) -> (Tray, Arc<AtomicUsize>) {
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    let tray = Tray::spawn(TrayBus::At(bus.address().to_owned()), move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (tray, wakes)
}

async fn wait_for_host(tray: &Tray, wanted: fn(&TrayHost) -> bool, what: &str) {
    poll_until(
        what,
        || wanted(&tray.host()),
        || format!("{:?}", tray.host()),
    )
    .await;
}

/// Reads a property as a host does (no cache: each read asks the item).
async fn property<T>(conn: &zbus::Connection, dest: &str, path: &str, iface: &str, name: &str) -> T
where
    T: TryFrom<OwnedValue>,
    <T as TryFrom<OwnedValue>>::Error: std::fmt::Debug,
{
    let proxy = zbus::Proxy::new(conn, dest.to_owned(), path.to_owned(), iface.to_owned())
        .await
        .unwrap();
    let value: OwnedValue = proxy.get_property(name).await.unwrap();
    T::try_from(value).unwrap()
}

type Pixmaps = Vec<(i32, i32, Vec<u8>)>;
type ToolTip = (String, Pixmaps, String, String);

async fn tool_tip(conn: &zbus::Connection, dest: &str) -> ToolTip {
    let proxy = zbus::Proxy::new(conn, dest.to_owned(), ITEM_PATH, ITEM)
        .await
        .unwrap();
    proxy.get_property::<ToolTip>("ToolTip").await.unwrap()
}

async fn pixmaps(conn: &zbus::Connection, dest: &str) -> Pixmaps {
    let proxy = zbus::Proxy::new(conn, dest.to_owned(), ITEM_PATH, ITEM)
        .await
        .unwrap();
    proxy.get_property::<Pixmaps>("IconPixmap").await.unwrap()
}

fn expected_pixmaps(view: &TrayView) -> Pixmaps {
    icon::pixmaps(view)
        .iter()
        .map(icon::Pixmap::to_wire)
        .collect()
}

/// Waits for the tray's next action (it arrives on its thread's channel).
async fn next_action(tray: &Tray) -> TrayAction {
    let mut got = None;
    poll_until(
        "a tray action",
        || {
            got = got.or_else(|| tray.next_action());
            got.is_some()
        },
        || "none yet".to_owned(),
    )
    .await;
    got.unwrap()
}

#[tokio::test]
async fn the_item_shows_presence_and_badge_and_its_menu_acts() {
    let bus = PrivateBus::start();
    let watcher = Watcher::start(&bus).await;
    let (mut tray, wakes) = tray_on(&bus);
    wait_for_host(
        &tray,
        |h| *h == TrayHost::Shown,
        "the tray host to show the item",
    )
    .await;
    let items = watcher.items();
    assert_eq!(items.len(), 1, "one item registered: {items:?}");
    let dest = items[0].as_str();
    let conn = bus.connect().await;

    // Not logged in yet: no count, no badge.
    let status: String = property(&conn, dest, ITEM_PATH, ITEM, "Status").await;
    assert_eq!(status, "Active");
    let quiet = TrayView::default();
    assert_eq!(pixmaps(&conn, dest).await, expected_pixmaps(&quiet));
    // Before logging in the presences are greyed, and a click on one does nothing.
    let entries = menu_entries(&conn, dest).await;
    let away = entries.iter().find(|e| e.label == "Away").unwrap();
    assert!(!away.enabled);
    click_entry(&conn, dest, away.id).await.unwrap();
    assert_eq!(tray.next_action(), None);

    let busy = TrayView {
        presence: Some(Presence::Available),
        waiting: 3,
    };
    tray.show(busy);
    let mut tip = tool_tip(&conn, dest).await;
    poll_until_async_tip(&conn, dest, &mut tip).await;
    assert_eq!(tip.2, "Switchboard (3 waiting)");
    assert_eq!(tip.3, "Available · 3 waiting");
    let title: String = property(&conn, dest, ITEM_PATH, ITEM, "Title").await;
    assert_eq!(title, "Switchboard (3 waiting)");
    let status: String = property(&conn, dest, ITEM_PATH, ITEM, "Status").await;
    assert_eq!(status, "NeedsAttention");
    // The badge's number is drawn into the pixmap: 3 now, none before.
    let drawn = pixmaps(&conn, dest).await;
    assert_eq!(drawn, expected_pixmaps(&busy));
    assert_ne!(drawn, expected_pixmaps(&quiet));
    assert_eq!(drawn.len(), icon::SIZES.len());

    // The menu, as the host reads it.
    assert_eq!(menu_path(&conn, dest).await, "/MenuBar");
    let entries = menu_entries(&conn, dest).await;
    let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Show Switchboard",
            "separator",
            "Available",
            "Busy",
            "Away",
            "separator",
            "Quit"
        ]
    );
    let by_label = |label: &str| entries.iter().find(|e| e.label == label).unwrap();
    assert_eq!(by_label("Available").toggled, Some(1));
    assert_eq!(by_label("Away").toggled, Some(0));
    assert!(by_label("Away").enabled);

    // "Away" clicked in the host's menu arrives as the presence action, and wakes the UI.
    let before = wakes.load(Ordering::SeqCst);
    click_entry(&conn, dest, by_label("Away").id).await.unwrap();
    assert_eq!(
        next_action(&tray).await,
        TrayAction::SetPresence(Presence::Away)
    );
    assert!(wakes.load(Ordering::SeqCst) > before);
    click_entry(&conn, dest, by_label("Show Switchboard").id)
        .await
        .unwrap();
    assert_eq!(next_action(&tray).await, TrayAction::Show);
    click_entry(&conn, dest, by_label("Quit").id).await.unwrap();
    assert_eq!(next_action(&tray).await, TrayAction::Quit);
    // A click on the icon itself shows the window.
    let item = zbus::Proxy::new(&conn, dest.to_owned(), ITEM_PATH, ITEM)
        .await
        .unwrap();
    item.call::<_, _, ()>("Activate", &(0i32, 0i32))
        .await
        .unwrap();
    assert_eq!(next_action(&tray).await, TrayAction::Show);
    // A hostile peer's unknown id is refused, and nothing reaches the UI.
    assert!(click_entry(&conn, dest, 999).await.is_err());
    assert!(click_entry(&conn, dest, -1).await.is_err());
    assert_eq!(tray.next_action(), None);
    // EventGroup: unknown ids come back, known ones act; more than the bound is refused.
    let menu = zbus::Proxy::new(&conn, dest.to_owned(), "/MenuBar", "com.canonical.dbusmenu")
        .await
        .unwrap();
    let event = |id: i32| (id, "clicked", zbus::zvariant::Value::from(0i32), 0u32);
    let not_found: Vec<i32> = menu
        .call(
            "EventGroup",
            &(vec![event(999), event(by_label("Busy").id)],),
        )
        .await
        .unwrap();
    assert_eq!(not_found, [999]);
    assert_eq!(
        next_action(&tray).await,
        TrayAction::SetPresence(Presence::Busy)
    );
    let flood: Vec<_> = (0..17).map(|_| event(by_label("Quit").id)).collect();
    let refused = menu.call::<_, _, Vec<i32>>("EventGroup", &(flood,)).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(tray.next_action(), None);

    // The presence ticks in the menu when it changes.
    tray.show(TrayView {
        presence: Some(Presence::Away),
        waiting: 0,
    });
    let mut entries = menu_entries(&conn, dest).await;
    let mut tries = 0;
    while entries.iter().find(|e| e.label == "Away").unwrap().toggled != Some(1) {
        tries += 1;
        assert!(tries < 10_000, "the menu never showed Away: {entries:?}");
        entries = menu_entries(&conn, dest).await;
    }
    let status: String = property(&conn, dest, ITEM_PATH, ITEM, "Status").await;
    assert_eq!(status, "Active");
}

/// Reads the tooltip until the view the test handed the tray arrived on its thread (each
/// read is a round trip on the bus, so this waits without sleeping).
async fn poll_until_async_tip(conn: &zbus::Connection, dest: &str, tip: &mut ToolTip) {
    let mut reads = 0;
    while tip.3 == TrayView::default().description() {
        reads += 1;
        assert!(reads < 10_000, "the tooltip never changed: {tip:?}");
        *tip = tool_tip(conn, dest).await;
    }
}

/// A bus without a StatusNotifierWatcher (no tray host): the tray reports it, and showing
/// views or asking for actions goes on working.
#[tokio::test]
async fn no_watcher_means_no_host_quietly() {
    let bus = PrivateBus::start();
    let (mut tray, wakes) = tray_on(&bus);
    wait_for_host(
        &tray,
        |h| matches!(h, TrayHost::Missing(_)),
        "the tray to find no host",
    )
    .await;
    let TrayHost::Missing(why) = tray.host() else {
        unreachable!()
    };
    assert!(why.contains("StatusNotifierWatcher"), "{why}");
    tray.show(TrayView {
        presence: Some(Presence::Available),
        waiting: 2,
    });
    assert_eq!(tray.next_action(), None);
    assert_eq!(wakes.load(Ordering::SeqCst), 0);
}

/// No bus at all at the address: no host either.
#[tokio::test]
async fn no_bus_means_no_host() {
    let dir = tempfile::tempdir().unwrap();
    let address = format!("unix:path={}", dir.path().join("nobody").display());
    let mut tray = Tray::spawn(TrayBus::At(address), || {});
    wait_for_host(
        &tray,
        |h| matches!(h, TrayHost::Missing(_)),
        "the tray to find no bus",
    )
    .await;
    tray.show(TrayView::default());
    assert_eq!(tray.next_action(), None);
}

/// A tray host that starts after the console (a desktop session still starting), or
/// restarts: the item registers with it then.
#[tokio::test]
async fn a_host_that_comes_later_gets_the_item() {
    let bus = PrivateBus::start();
    let (tray, _wakes) = tray_on(&bus);
    wait_for_host(
        &tray,
        |h| matches!(h, TrayHost::Missing(_)),
        "the tray to find no host",
    )
    .await;
    let watcher = Watcher::start(&bus).await;
    wait_for_host(
        &tray,
        |h| *h == TrayHost::Shown,
        "the late host to show the item",
    )
    .await;
    assert_eq!(watcher.items().len(), 1);
    drop(watcher);
    wait_for_host(
        &tray,
        |h| matches!(h, TrayHost::Missing(_)),
        "the tray to see its host leave",
    )
    .await;
}
