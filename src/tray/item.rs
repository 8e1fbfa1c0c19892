//! The org.kde.StatusNotifierItem object at `/StatusNotifierItem`: its properties read the
//! shared [`TrayView`](super::TrayView); a click on the icon (Activate) shows the window.
//! The menu is the dbusmenu object at [`MENU_PATH`](super::menu::MENU_PATH).

use super::{Outbox, SharedView, TrayAction, icon, read};
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedObjectPath;

/// Where the item is served.
pub const ITEM_PATH: &str = "/StatusNotifierItem";

/// The `(iiay)` pixmaps and the `(sa(iiay)ss)` tooltip, as D-Bus carries them.
type WirePixmap = (i32, i32, Vec<u8>);
type WireToolTip = (String, Vec<WirePixmap>, String, String);

pub struct Item {
    pub view: SharedView,
    pub outbox: Outbox,
}

#[zbus::interface(name = "org.kde.StatusNotifierItem")]
impl Item {
    /// A click on the icon: show the window.
    fn activate(&self, _x: i32, _y: i32) {
        self.outbox.send(TrayAction::Show);
    }

    fn secondary_activate(&self, _x: i32, _y: i32) {
        self.outbox.send(TrayAction::Show);
    }

    /// The host shows the menu itself from [`Item::menu`]; nothing to do here.
    fn context_menu(&self, _x: i32, _y: i32) {}

    fn scroll(&self, _delta: i32, _orientation: String) {}

    #[zbus(property)]
    fn category(&self) -> String {
        "Communications".to_owned()
    }

    #[zbus(property)]
    fn id(&self) -> String {
        "switchboard".to_owned()
    }

    #[zbus(property)]
    fn title(&self) -> String {
        read(&self.view).title()
    }

    #[zbus(property)]
    fn status(&self) -> String {
        read(&self.view).status().to_owned()
    }

    #[zbus(property)]
    fn window_id(&self) -> i32 {
        0
    }

    /// Empty: the pixmap is the icon (it carries the badge).
    #[zbus(property)]
    fn icon_name(&self) -> String {
        String::new()
    }

    #[zbus(property)]
    fn icon_pixmap(&self) -> Vec<WirePixmap> {
        pixmaps(&self.view)
    }

    #[zbus(property)]
    fn attention_icon_pixmap(&self) -> Vec<WirePixmap> {
        pixmaps(&self.view)
    }

    #[zbus(property)]
    fn tool_tip(&self) -> WireToolTip {
        let view = read(&self.view);
        (String::new(), Vec::new(), view.title(), view.description())
    }

    /// The item has an Activate of its own (show the window), not only a menu.
    #[zbus(property)]
    fn item_is_menu(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn menu(&self) -> OwnedObjectPath {
        OwnedObjectPath::try_from(super::menu::MENU_PATH)
            .unwrap_or_else(|_| OwnedObjectPath::default())
    }

    #[zbus(signal)]
    pub async fn new_title(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub async fn new_icon(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub async fn new_attention_icon(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub async fn new_tool_tip(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub async fn new_status(emitter: &SignalEmitter<'_>, status: &str) -> zbus::Result<()>;
}

fn pixmaps(view: &SharedView) -> Vec<WirePixmap> {
    icon::pixmaps(&read(view))
        .iter()
        .map(icon::Pixmap::to_wire)
        .collect()
}
