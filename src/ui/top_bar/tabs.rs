//! The row of session tabs under the top bar: "Queues (N)" first, a lead's "Dashboard"
//! beside it (a rep who leads no team has none), then one tab per session
//! (unread counts when not in front; flashing while a customer message waits unseen) in a
//! horizontal scroll area, each ellipsized to a fixed width with the full name on hover.
//! "Active sessions" at the right end is the overflow menu: every session by its full
//! name, marked when chat waits, and flashing when a flashing tab is scrolled out of sight.

use crate::model::{Model, SessionState};
use crate::text;
use crate::ui::intent::Intent;
use switchboard_protocol::SessionId;

/// The seed's "red and white" flash: red behind white text, then red text.
const FLASH_RED: egui::Color32 = egui::Color32::from_rgb(0xD0, 0x30, 0x30);

/// The widest a tab grows; longer names end in "…".
pub const TAB_MAX_WIDTH: f32 = 180.0;

/// How the tabs flash in this frame.
pub struct TabFlash<'a> {
    /// The tabs that flash (see [`super::flash::flashing`]).
    pub tabs: &'a [SessionId],
    /// Whether this frame shows the highlighted look.
    pub on: bool,
}

/// A session tab's title: the customer, with the unread count when not in front.
pub fn tab_title(session: &SessionState, in_front: bool) -> String {
    let name = &session.info.customer.name;
    if !in_front && session.unread > 0 {
        format!("{name} ({})", session.unread)
    } else {
        name.clone()
    }
}

pub fn tabs_ui(
    ui: &mut egui::Ui,
    model: &Model,
    front: Option<SessionId>,
    dashboard: Option<bool>,
    flashing: TabFlash<'_>,
    intents: &mut Vec<Intent>,
) {
    let mut right = Vec::new();
    let dashboard_in_front = dashboard == Some(true);
    egui::Sides::new().shrink_left().show(
        ui,
        |ui| {
            let waiting: usize = model.queues.iter().map(|q| q.entries.len()).sum();
            if ui
                .selectable_label(
                    front.is_none() && !dashboard_in_front,
                    text::queues_tab(waiting),
                )
                .clicked()
            {
                intents.push(Intent::ShowTab(None));
            }
            // `dashboard`: `None` for a rep who leads no team (no tab), else whether in front.
            if let Some(in_front) = dashboard
                && ui
                    .selectable_label(in_front, crate::text::dashboard::DASHBOARD)
                    .on_hover_text("Your teams now and over the last hour")
                    .clicked()
            {
                intents.push(Intent::ShowDashboard);
            }
            ui.separator();
            egui::ScrollArea::horizontal()
                .id_salt("session_tabs")
                .max_width(ui.available_width())
                .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysHidden)
                .show(ui, |ui| {
                    ui.horizontal(|ui| session_tabs_ui(ui, model, front, &flashing, intents));
                });
        },
        |ui| {
            if !model.tabs.is_empty() {
                overflow_menu_ui(ui, model, &flashing, &mut right);
            }
        },
    );
    intents.extend(right);
}

fn session_tabs_ui(
    ui: &mut egui::Ui,
    model: &Model,
    front: Option<SessionId>,
    flashing: &TabFlash<'_>,
    intents: &mut Vec<Intent>,
) {
    for id in &model.tabs {
        let Some(session) = model.sessions.get(id) else {
            continue;
        };
        let in_front = front == Some(*id);
        let mut title = egui::RichText::new(tab_title(session, in_front));
        if flashing.tabs.contains(id) {
            title = if flashing.on {
                title
                    .color(egui::Color32::WHITE)
                    .background_color(FLASH_RED)
                    .strong()
            } else {
                title.color(FLASH_RED).strong()
            };
        } else if !in_front && session.unread > 0 {
            title = title.color(ui.visuals().warn_fg_color).strong();
        }
        if session.info.important {
            title = title.underline();
        }
        let button = egui::Button::selectable(in_front, title)
            .truncate()
            .min_size(egui::vec2(48.0, 0.0));
        let tab = ui
            .scope(|ui| {
                ui.set_max_width(TAB_MAX_WIDTH);
                ui.add(button)
            })
            .inner
            .on_hover_text(&session.info.customer.name);
        if in_front && came_to_front(ui, *id) {
            // A tab brought forward (by a key, a notification, the menu) scrolls into sight.
            tab.scroll_to_me(None);
        }
        if tab.clicked() {
            intents.push(Intent::ShowTab(Some(*id)));
        }
    }
}

/// Whether `id` is in front for the first frame (remembered in egui's memory).
fn came_to_front(ui: &egui::Ui, id: SessionId) -> bool {
    let key = egui::Id::unique("session_tabs_front");
    let before = ui.data_mut(|d| d.get_temp::<SessionId>(key));
    ui.data_mut(|d| d.insert_temp(key, id));
    before != Some(id)
}

/// "Active sessions": every session, so a tab scrolled out of sight is one click away.
fn overflow_menu_ui(
    ui: &mut egui::Ui,
    model: &Model,
    flashing: &TabFlash<'_>,
    intents: &mut Vec<Intent>,
) {
    let waiting_chat = model.sessions_with_unread().count();
    let mut label = egui::RichText::new(text::active_sessions(waiting_chat));
    if !flashing.tabs.is_empty() && flashing.on {
        label = label
            .color(egui::Color32::WHITE)
            .background_color(FLASH_RED);
    }
    ui.menu_button(label, |ui| {
        ui.set_max_width(360.0);
        for id in &model.tabs {
            let Some(session) = model.sessions.get(id) else {
                continue;
            };
            let mark = if session.unread > 0 { "  💬" } else { "" };
            let item = egui::Button::new(format!("{}{mark}", session.info.customer.name)).wrap();
            if ui.add(item).clicked() {
                intents.push(Intent::ShowTab(Some(*id)));
                ui.close();
            }
        }
    });
}
