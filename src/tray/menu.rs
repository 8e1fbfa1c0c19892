//! The tray's menu, the com.canonical.dbusmenu object at [`MENU_PATH`]: "Show Switchboard",
//! the presences the top bar offers (Available, Busy, Away; a radio group, greyed before
//! logging in), and "Quit". A "clicked" event becomes a [`TrayAction`] for the UI.
//!
//! Every call is from a peer on the session bus and is checked: unknown ids are refused
//! with InvalidArgs, and an EventGroup carries at most [`EVENTS_PER_GROUP`] events.

use super::{Outbox, SharedView, TrayAction, TrayView, read};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use switchboard_protocol::Presence;
use zbus::fdo;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedValue, StructureBuilder, Value};

/// Where the menu is served.
pub const MENU_PATH: &str = "/MenuBar";

/// The most events one EventGroup call may carry (the menu has seven items).
pub const EVENTS_PER_GROUP: usize = 16;

/// The menu's words (the tests click by them).
pub const SHOW: &str = "Show Switchboard";
pub const QUIT: &str = "Quit";

/// The presences offered, as in the top bar's menu.
const PRESENCES: [Presence; 3] = [Presence::Available, Presence::Busy, Presence::Away];

/// One entry of the menu (id 0 is the root that holds them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Show,
    Separator,
    Presence(Presence),
    Quit,
}

/// The entries in order; an entry's id is its index + 1.
const ENTRIES: [Entry; 7] = [
    Entry::Show,
    Entry::Separator,
    Entry::Presence(PRESENCES[0]),
    Entry::Presence(PRESENCES[1]),
    Entry::Presence(PRESENCES[2]),
    Entry::Separator,
    Entry::Quit,
];

fn entry(id: i32) -> Option<Entry> {
    let index = usize::try_from(id).ok()?.checked_sub(1)?;
    ENTRIES.get(index).copied()
}

fn ids() -> impl Iterator<Item = i32> {
    (1..=ENTRIES.len()).filter_map(|id| i32::try_from(id).ok())
}

/// An entry's properties as dbusmenu names them.
fn properties(entry: Entry, view: &TrayView) -> HashMap<String, OwnedValue> {
    let mut props: HashMap<String, OwnedValue> = HashMap::new();
    let mut put = |name: &str, value: Value<'_>| {
        if let Ok(value) = value.try_to_owned() {
            props.insert(name.to_owned(), value);
        }
    };
    match entry {
        Entry::Show => put("label", Value::from(SHOW)),
        Entry::Separator => put("type", Value::from("separator")),
        Entry::Presence(presence) => {
            put(
                "label",
                Value::from(crate::text::display::presence(presence)),
            );
            put("toggle-type", Value::from("radio"));
            let on = view.presence == Some(presence);
            put("toggle-state", Value::from(i32::from(on)));
            put("enabled", Value::from(view.presence.is_some()));
        }
        Entry::Quit => put("label", Value::from(QUIT)),
    }
    props
}

/// A `(ia{sv}av)` layout: an entry's id, properties and children (each a layout in a variant).
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The `(ia{sv}av)` layout of one entry without children.
fn layout_of(id: i32, props: HashMap<String, OwnedValue>) -> fdo::Result<Value<'static>> {
    StructureBuilder::new()
        .add_field(id)
        .add_field(props)
        .add_field(Vec::<Value<'static>>::new())
        .build()
        .map(Value::from)
        .map_err(|e| fdo::Error::Failed(e.to_string()))
}

pub struct Menu {
    pub view: SharedView,
    pub outbox: Outbox,
    /// Bumped whenever what the menu shows changed (the presence ticked).
    pub revision: Arc<AtomicU32>,
}

impl Menu {
    fn clicked(&self, id: i32) -> fdo::Result<()> {
        let action = match entry(id) {
            Some(Entry::Show) => TrayAction::Show,
            Some(Entry::Quit) => TrayAction::Quit,
            Some(Entry::Presence(presence)) if read(&self.view).presence.is_some() => {
                TrayAction::SetPresence(presence)
            }
            // Greyed (not logged in) or a separator: nothing to do.
            Some(Entry::Presence(_) | Entry::Separator) => return Ok(()),
            None => return Err(fdo::Error::InvalidArgs(format!("no menu item {id}"))),
        };
        self.outbox.send(action);
        Ok(())
    }
}

#[zbus::interface(name = "com.canonical.dbusmenu")]
impl Menu {
    /// The root with its entries (the menu is one level deep), or one entry alone.
    fn get_layout(
        &self,
        parent_id: i32,
        recursion_depth: i32,
        _property_names: Vec<String>,
    ) -> fdo::Result<(u32, Layout)> {
        let view = read(&self.view);
        let revision = self.revision.load(Ordering::Acquire);
        if parent_id != 0 {
            let Some(found) = entry(parent_id) else {
                return Err(fdo::Error::InvalidArgs(format!("no menu item {parent_id}")));
            };
            return Ok((revision, (parent_id, properties(found, &view), Vec::new())));
        }
        let mut root = HashMap::new();
        if let Ok(value) = Value::from("submenu").try_to_owned() {
            root.insert("children-display".to_owned(), value);
        }
        let mut children = Vec::new();
        if recursion_depth != 0 {
            for id in ids() {
                let Some(found) = entry(id) else { continue };
                let child = layout_of(id, properties(found, &view))?;
                children.push(
                    OwnedValue::try_from(child).map_err(|e| fdo::Error::Failed(e.to_string()))?,
                );
            }
        }
        Ok((revision, (0, root, children)))
    }

    fn get_group_properties(
        &self,
        ids_asked: Vec<i32>,
        _property_names: Vec<String>,
    ) -> Vec<(i32, HashMap<String, OwnedValue>)> {
        let view = read(&self.view);
        // Each known id once, whatever the peer sent (an empty list means all).
        ids()
            .filter(|id| ids_asked.is_empty() || ids_asked.contains(id))
            .filter_map(|id| entry(id).map(|found| (id, properties(found, &view))))
            .collect()
    }

    fn get_property(&self, id: i32, name: String) -> fdo::Result<OwnedValue> {
        let found = entry(id).ok_or_else(|| fdo::Error::InvalidArgs(format!("no item {id}")))?;
        properties(found, &read(&self.view))
            .remove(&name)
            .ok_or_else(|| fdo::Error::InvalidArgs(format!("no property {name}")))
    }

    fn event(
        &self,
        id: i32,
        event_id: String,
        _data: OwnedValue,
        _timestamp: u32,
    ) -> fdo::Result<()> {
        if event_id == "clicked" {
            self.clicked(id)
        } else if entry(id).is_some() {
            // hovered, opened, closed: nothing to do.
            Ok(())
        } else {
            Err(fdo::Error::InvalidArgs(format!("no menu item {id}")))
        }
    }

    /// Several events at once; returns the ids not found.
    fn event_group(&self, events: Vec<(i32, String, OwnedValue, u32)>) -> fdo::Result<Vec<i32>> {
        if events.len() > EVENTS_PER_GROUP {
            return Err(fdo::Error::LimitsExceeded(format!(
                "at most {EVENTS_PER_GROUP} events a group"
            )));
        }
        let mut not_found = Vec::new();
        for (id, event_id, _data, _timestamp) in events {
            if entry(id).is_none() {
                not_found.push(id);
            } else if event_id == "clicked" {
                self.clicked(id)?;
            }
        }
        Ok(not_found)
    }

    /// The menu never changes when it opens.
    fn about_to_show(&self, _id: i32) -> bool {
        false
    }

    fn about_to_show_group(&self, _ids: Vec<i32>) -> (Vec<i32>, Vec<i32>) {
        (Vec::new(), Vec::new())
    }

    #[zbus(property)]
    fn version(&self) -> u32 {
        3
    }

    #[zbus(property)]
    fn text_direction(&self) -> String {
        "ltr".to_owned()
    }

    #[zbus(property)]
    fn status(&self) -> String {
        "normal".to_owned()
    }

    #[zbus(property)]
    fn icon_theme_path(&self) -> Vec<String> {
        Vec::new()
    }

    #[zbus(signal)]
    pub async fn layout_updated(
        emitter: &SignalEmitter<'_>,
        revision: u32,
        parent: i32,
    ) -> zbus::Result<()>;
}
