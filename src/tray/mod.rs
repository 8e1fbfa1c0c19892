//! The system tray icon (issue 16): a StatusNotifierItem with a com.canonical.dbusmenu
//! menu, spoken over D-Bus in pure Rust (zbus, the crate the desktop notifications' stack
//! already builds), so no libdbus headers are needed to build.
//!
//! The item shows the rep's presence and how many things wait for them (the badge:
//! [`crate::model::tray_badge`]); its menu shows the window, sets the presence, or quits.
//! It lives on a thread of its own: the UI only hands it a [`TrayView`] when that changes
//! and drains [`TrayAction`]s, so a frame never waits on D-Bus. The thread wakes the UI
//! (`request_repaint`) for each action, as the network actor and the notifier do.
//!
//! Degrades quietly: with no session bus, or no StatusNotifierWatcher on it (no tray host),
//! the item logs once at info level and reports [`TrayHost::Missing`]; nothing else changes.
//!
//! - [`icon`]: the icon's ARGB32 pixmaps, the badge's number drawn into them (pure).
//! - `item`: the org.kde.StatusNotifierItem object.
//! - `menu`: the com.canonical.dbusmenu object.
//! - `service`: the thread: connect, serve, register with the watcher, signal changes.

pub mod icon;
mod item;
mod menu;
mod service;

use std::sync::mpsc::{Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use switchboard_protocol::Presence;

/// How many menu actions may wait for the UI; more are dropped (a peer on the session bus
/// flooding Event calls cannot grow the console's memory).
pub const ACTIONS_QUEUED: usize = 64;

/// Which D-Bus the item goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayBus {
    /// The desktop's session bus (`DBUS_SESSION_BUS_ADDRESS`).
    Session,
    /// A bus at this address (tests start a private one).
    At(String),
}

/// What the tray shows: the rep's presence (`None` before logging in) and the badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrayView {
    pub presence: Option<Presence>,
    /// Offers, personal-queue entries and unread session tabs ([`crate::model::tray_badge`]).
    pub waiting: usize,
}

impl TrayView {
    /// The item's title: the app, and the number when something waits.
    pub fn title(&self) -> String {
        match self.waiting {
            0 => "Switchboard".to_owned(),
            n => format!("Switchboard ({n} waiting)"),
        }
    }

    /// The tooltip's line under the title: "Available · 3 waiting".
    pub fn description(&self) -> String {
        let presence = match self.presence {
            Some(presence) => crate::text::display::presence(presence),
            None => "Not logged in",
        };
        format!("{presence} · {} waiting", self.waiting)
    }

    /// The item's Status: NeedsAttention while something waits, so hosts can stress it.
    pub fn status(&self) -> &'static str {
        if self.waiting > 0 {
            "NeedsAttention"
        } else {
            "Active"
        }
    }
}

/// What the rep chose in the tray's menu (or by clicking the icon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    /// Show the window (raised, restored from the tray).
    Show,
    SetPresence(Presence),
    Quit,
}

/// Whether a tray host shows the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayHost {
    /// Still connecting and registering.
    Connecting,
    /// A StatusNotifierWatcher took the item: minimising to the tray is possible.
    Shown,
    /// No session bus or no watcher on it (why, for the log and tests).
    Missing(String),
}

/// The UI's end of the tray: hand it views, drain its actions.
pub struct Tray {
    views: Sender<TrayView>,
    actions: Receiver<TrayAction>,
    host: Arc<Mutex<TrayHost>>,
    last: Option<TrayView>,
}

impl Tray {
    /// Starts the tray's thread on `bus`; `wake` is called (from that thread) whenever an
    /// action waits, so the UI draws a frame and drains it.
    pub fn spawn(bus: TrayBus, wake: impl Fn() + Send + Sync + 'static) -> Tray {
        let (views, views_rx) = std::sync::mpsc::channel();
        let (actions_tx, actions) = std::sync::mpsc::sync_channel(ACTIONS_QUEUED);
        let host = Arc::new(Mutex::new(TrayHost::Connecting));
        let outbox = Outbox {
            actions: actions_tx,
            wake: Arc::new(wake),
        };
        service::spawn(bus, views_rx, outbox, Arc::clone(&host));
        Tray {
            views,
            actions,
            host,
            last: None,
        }
    }

    /// Shows `view` (a message to the thread only when it changed).
    pub fn show(&mut self, view: TrayView) {
        if self.last == Some(view) {
            return;
        }
        self.last = Some(view);
        // A closed thread (no host) needs no views.
        let _ = self.views.send(view);
    }

    /// Whether a tray host shows the item, as far as known now.
    pub fn host(&self) -> TrayHost {
        self.host
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The next action the rep chose, if any.
    pub fn next_action(&self) -> Option<TrayAction> {
        // Empty or disconnected (no host): nothing to do.
        self.actions.try_recv().ok()
    }
}

/// The D-Bus objects' way back to the UI: a bounded queue and the wake-up.
#[derive(Clone)]
pub(crate) struct Outbox {
    actions: SyncSender<TrayAction>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Outbox {
    /// Queues an action for the UI (dropped when the queue is full) and wakes it.
    pub(crate) fn send(&self, action: TrayAction) {
        if self.actions.try_send(action).is_ok() {
            (self.wake)();
        }
    }
}

/// The view the D-Bus objects read, shared with the thread that updates it.
pub(crate) type SharedView = Arc<Mutex<TrayView>>;

pub(crate) fn read(view: &SharedView) -> TrayView {
    *view.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tooltip_tells_presence_and_the_count() {
        let view = TrayView {
            presence: Some(Presence::Available),
            waiting: 3,
        };
        assert_eq!(view.description(), "Available · 3 waiting");
        assert_eq!(view.title(), "Switchboard (3 waiting)");
        assert_eq!(view.status(), "NeedsAttention");
        let idle = TrayView::default();
        assert_eq!(idle.description(), "Not logged in · 0 waiting");
        assert_eq!(idle.title(), "Switchboard");
        assert_eq!(idle.status(), "Active");
    }
}
