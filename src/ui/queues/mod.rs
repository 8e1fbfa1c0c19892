//! The queues: one pane per queue (Personal, the rep's teams with favourites first, General),
//! each a virtual-row table whose columns can be sorted, moved and hidden; a search box
//! across all queues; the details pane of the selected entry. A pane's title gives its
//! longest wait and how many waits breach its service level, in the level's colours.

pub mod details;
pub mod heights;
pub mod table;

use crate::model::queue_view::{SortedView, matches, sorted_rows};
use crate::model::{Model, Queue};
use crate::prefs::Prefs;
use crate::text;
use crate::text::display;
use crate::ui::intent::Intent;
use std::collections::{HashMap, HashSet};
use switchboard_protocol::{QueueEntry, QueueRef, RepRequest, TeamId, UnixMillis};
use table::{TableSpec, table_ui};

/// The height of a row, without the spacing between rows.
pub const ROW_HEIGHT: f32 = 22.0;
/// The space between one pane and the next pane's title.
const PANE_GAP: f32 = 8.0;
/// What a table needs beyond its header and rows (its margins), so the last row is whole.
const TABLE_EDGE: f32 = 4.0;
/// A pointer resting this long over the queues no longer holds the rows still.
pub const HOLD_IDLE_SECS: f32 = 3.0;
/// The orange of the team chat bubble (seed 001).
pub const CHAT_BUBBLE: egui::Color32 = egui::Color32::from_rgb(0xF0, 0x8C, 0x1E);

/// The prefs key of a queue: "personal", "team:<id>", "general".
pub fn queue_key(queue: &QueueRef) -> String {
    match queue {
        QueueRef::Personal { .. } => "personal".to_owned(),
        QueueRef::Team { team } => format!("team:{team}"),
        QueueRef::General => "general".to_owned(),
    }
}

/// What the queues view keeps between frames.
#[derive(Default)]
pub struct QueuesState {
    pub search: String,
    /// The selected entry (its details pane is open): queue and entry id.
    pub selected: Option<(QueueRef, String)>,
    /// Sorted row order per queue, rebuilt only when needed.
    pub views: HashMap<String, SortedView>,
    /// What the panes showed in the last frame the rows were free to move: while the
    /// pointer is over the queues, new arrivals wait behind an "N new" note instead of
    /// pushing the row under it away.
    shown: Shown,
    /// Where the queue area was last frame: the pointer over it holds the rows still.
    area: Option<egui::Rect>,
    /// The keyboard moved the selection: scroll it into sight this frame.
    scroll_to_selected: bool,
    /// Put the cursor in the search box on the next frame (a shortcut asked).
    pub focus_search: bool,
}

/// The entries each pane showed (hashes of their ids, with the queue's generation they were
/// taken at, so a steady queue is not hashed again every frame), the rows each pane was
/// given, and the height each pane took (a pane that loses a row while held keeps it, so
/// nothing below moves up under the pointer).
#[derive(Default)]
struct Shown {
    entries: HashMap<String, (u64, HashSet<u64>)>,
    rows: HashMap<String, f32>,
    heights: HashMap<String, f32>,
}

/// A cheap stand-in for an entry id in the held set.
fn id_hash(entry_id: &str) -> u64 {
    use std::hash::{BuildHasher as _, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(entry_id)
}

impl QueuesState {
    /// Moves the selection `by` rows (down when positive) through the rows in display order
    /// (all panes, or the search results); returns the newly selected entry, for an
    /// `Intent::Select`. Worked out on the key press, not every frame.
    pub fn step_selection(
        &mut self,
        model: &Model,
        prefs: &Prefs,
        by: isize,
    ) -> Option<(QueueRef, String)> {
        let order = self.display_order(model, prefs);
        if order.is_empty() {
            return None;
        }
        let at = self
            .selected
            .as_ref()
            .and_then(|s| order.iter().position(|o| o == s));
        let last = order.len() as isize - 1;
        let next = match at {
            Some(at) => (at as isize + by).clamp(0, last),
            None if by >= 0 => 0,
            None => last,
        };
        self.scroll_to_selected = true;
        order.get(next as usize).cloned()
    }

    /// Every row in display order: the panes' (Personal, favourites, teams, General), or the
    /// search results'.
    fn display_order(&mut self, model: &Model, prefs: &Prefs) -> Vec<(QueueRef, String)> {
        let needle = self.search.trim().to_lowercase();
        if !needle.is_empty() {
            let all: Vec<&QueueEntry> = model
                .queues
                .iter()
                .flat_map(|q| q.entries.iter())
                .filter(|e| matches(e, &needle))
                .collect();
            let owned: Vec<QueueEntry> = all.iter().map(|e| (*e).clone()).collect();
            let layout = prefs.layout("search");
            let rows = sorted_rows(&owned, layout.sort, layout.descending, "");
            return rows
                .iter()
                .filter_map(|i| owned.get(*i))
                .map(|e| (e.queue.clone(), e.entry_id.clone()))
                .collect();
        }
        let mut order = Vec::new();
        for queue in ordered(model, prefs) {
            let key = queue_key(&queue.queue);
            let layout = prefs.layout(&key);
            let view = self.views.entry(key).or_default();
            let rows = view.rows(queue, layout.sort, layout.descending, "");
            order.extend(
                rows.iter()
                    .filter_map(|i| queue.entries.get(*i))
                    .map(|e| (e.queue.clone(), e.entry_id.clone())),
            );
        }
        order
    }
}

/// The queues in display order: Personal, favourite teams, other teams, General.
fn ordered<'a>(model: &'a Model, prefs: &Prefs) -> Vec<&'a Queue> {
    let mut queues: Vec<&Queue> = model.queues.iter().collect();
    queues.sort_by_key(|q| match &q.queue {
        QueueRef::Personal { .. } => 0,
        QueueRef::Team { team } if prefs.is_favourite(team.as_str()) => 1,
        QueueRef::Team { .. } => 2,
        QueueRef::General => 3,
    });
    queues
}

/// One pane as it will be drawn this frame.
struct Pane<'a> {
    queue: &'a Queue,
    key: String,
    /// Its rows, in display order (arrivals held back while the pointer is over the panes).
    entries: Vec<&'a QueueEntry>,
    /// Arrivals not shown yet.
    held_back: usize,
}

pub fn queues_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    state: &mut QueuesState,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut state.search)
                    .hint_text("customer, company, issue or session key")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut state.focus_search) {
            search.request_focus();
        }
        let escaped = ui.input(|i| i.key_pressed(egui::Key::Escape));
        if (search.has_focus() || search.lost_focus()) && escaped {
            state.search.clear();
            search.surrender_focus();
        }
        if !state.search.is_empty() && ui.button("Clear").clicked() {
            state.search.clear();
        }
    });
    ui.add_space(4.0);

    let details_open = state
        .selected
        .as_ref()
        .and_then(|(queue, id)| find_entry(model, queue, id))
        .is_some();
    if details_open {
        let panel = egui::Panel::bottom("details_pane")
            .resizable(true)
            .default_size(prefs.details_height)
            .min_size(120.0)
            .show(ui, |ui| {
                if let Some((queue, id)) = state.selected.clone()
                    && let Some(entry) = find_entry(model, &queue, &id)
                {
                    details::details_ui(ui, model, entry, now, intents);
                }
            });
        // Remember a new height once the rep lets go of the divider.
        let height = panel.response.rect.height().round();
        let dragging = ui.input(|i| i.pointer.any_down());
        if !dragging && (height - prefs.details_height).abs() >= 1.0 {
            intents.push(Intent::DetailsResized(height));
        }
    }

    let output = egui::ScrollArea::vertical()
        .id_salt("queues_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.search.trim().is_empty() {
                panes_ui(ui, model, prefs, state, now, intents);
            } else {
                search_results_ui(ui, model, prefs, state, now, intents);
            }
        });
    state.area = Some(output.inner_rect);
    state.scroll_to_selected = false;
}

/// The panes, sharing the area's height by how many rows each has.
fn panes_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    state: &mut QueuesState,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let holding = holding(ui, state.area);
    let mut panes = Vec::new();
    for queue in ordered(model, prefs) {
        let key = queue_key(&queue.queue);
        let layout = prefs.layout(&key);
        let view = state.views.entry(key.clone()).or_default();
        let rows = view.rows(queue, layout.sort, layout.descending, "");
        let all = rows.iter().filter_map(|i| queue.entries.get(*i));
        let (entries, held_back) = match state.shown.entries.get(&key).filter(|_| holding) {
            Some((_, shown)) => {
                let entries: Vec<&QueueEntry> = all
                    .filter(|e| shown.contains(&id_hash(&e.entry_id)))
                    .collect();
                let held_back = queue.entries.len() - entries.len();
                (entries, held_back)
            }
            None => (all.collect(), 0),
        };
        panes.push(Pane {
            queue,
            key,
            entries,
            held_back,
        });
    }

    // Each pane's title and table header, then the rows share what is left. A table that
    // fits shrinks to its rows, so only its header and edge are counted here (counting a
    // row of slack per pane left Billing's ninth row scrolled away above empty space).
    let pitch = ROW_HEIGHT + ui.spacing().item_spacing.y;
    let fixed: f32 = panes
        .iter()
        .map(|p| {
            pitch
                + PANE_GAP
                + if p.entries.is_empty() {
                    0.0
                } else {
                    // The header, and a scrolling table's edge and the spacing after it.
                    pitch + TABLE_EDGE + ui.spacing().item_spacing.y
                }
        })
        .sum();
    let available_rows = ((ui.available_height() - fixed) / pitch).floor().max(0.0);
    let wanted: Vec<f32> = panes.iter().map(|p| p.entries.len() as f32).collect();
    let mut rows = heights::share_rows(&wanted, available_rows);
    if holding {
        // Removals do not shrink a pane either while the pointer is over the panes.
        for (pane, rows) in panes.iter().zip(rows.iter_mut()) {
            if let Some(held) = state.shown.rows.get(&pane.key)
                && !pane.entries.is_empty()
            {
                *rows = *held;
            }
        }
    } else {
        for pane in &panes {
            let generation = pane.queue.generation;
            let fresh = state
                .shown
                .entries
                .get(&pane.key)
                .is_some_and(|(taken_at, _)| *taken_at == generation);
            if !fresh {
                let ids = pane.entries.iter().map(|e| id_hash(&e.entry_id)).collect();
                state
                    .shown
                    .entries
                    .insert(pane.key.clone(), (generation, ids));
            }
        }
        let resized = panes
            .iter()
            .zip(&rows)
            .any(|(p, r)| state.shown.rows.get(&p.key) != Some(r));
        if resized {
            // A table learns its new height a frame late: draw that frame now, so an
            // arrival is never left below a pane's edge until the next tick.
            ui.ctx().request_repaint();
        }
        state.shown.rows = panes
            .iter()
            .zip(&rows)
            .map(|(p, r)| (p.key.clone(), *r))
            .collect();
    }

    for (pane, rows) in panes.iter().zip(rows) {
        let top = ui.cursor().min.y;
        pane_header_ui(ui, model, prefs, pane, now, intents);
        if !pane.entries.is_empty() {
            let layout = prefs.layout(&pane.key);
            let spec = TableSpec {
                key: &pane.key,
                layout: &layout,
                entries: &pane.entries,
                // The table's edge: without it the last row would be cut.
                body_height: rows * pitch + TABLE_EDGE,
                in_pane: true,
                scroll_to: scroll_target(state, &pane.entries),
            };
            ui.push_id(&pane.key, |ui| {
                table_ui(ui, model, &spec, &state.selected, now, intents);
            });
        }
        let used = ui.cursor().min.y - top;
        if !holding {
            state.shown.heights.insert(pane.key.clone(), used);
        } else if let Some(held) = state.shown.heights.get(&pane.key)
            && used < *held
        {
            // A customer above went (accepted elsewhere, withdrew): keep the room.
            ui.add_space(held - used);
        }
        ui.add_space(PANE_GAP);
    }
}

/// Whether the rows hold still: the pointer is over the queues and either a button is
/// down or it moved in the last [`HOLD_IDLE_SECS`] (a pointer left resting there lets the
/// queues move on, and the window wakes to do so).
fn holding(ui: &egui::Ui, area: Option<egui::Rect>) -> bool {
    let (over, down, still_for) = ui.input(|i| {
        let over = i
            .pointer
            .hover_pos()
            .is_some_and(|p| area.is_some_and(|a| a.contains(p)));
        (
            over,
            i.pointer.any_down(),
            i.pointer.time_since_last_movement(),
        )
    });
    if !over {
        return false;
    }
    if !down && still_for < HOLD_IDLE_SECS {
        let left = f64::from(HOLD_IDLE_SECS - still_for);
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(left));
    }
    down || still_for < HOLD_IDLE_SECS
}

/// The row of the selected entry in `entries`, when the keyboard just moved to it.
fn scroll_target(state: &QueuesState, entries: &[&QueueEntry]) -> Option<usize> {
    let (queue, id) = state
        .selected
        .as_ref()
        .filter(|_| state.scroll_to_selected)?;
    entries
        .iter()
        .position(|e| &e.queue == queue && &e.entry_id == id)
}

fn find_entry<'a>(model: &'a Model, queue: &QueueRef, entry_id: &str) -> Option<&'a QueueEntry> {
    model
        .queue(queue)?
        .entries
        .iter()
        .find(|e| e.entry_id == entry_id)
}

fn pane_header_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    pane: &Pane<'_>,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let queue = pane.queue;
    ui.horizontal(|ui| {
        ui.set_min_height(ROW_HEIGHT);
        if let QueueRef::Team { team } = &queue.queue {
            team_marker_ui(ui, model, prefs, team, intents);
        }
        let name = display::queue(&queue.queue, &model.teams);
        ui.strong(&name);
        let waiting = queue.entries.len();
        ui.weak(format!("{waiting} waiting"));
        if let Some(waits) = crate::model::supervision::pane_waits(queue, now) {
            service_level_ui(ui, queue, waits);
        }
        if queue.mode == switchboard_protocol::QueueMode::Push {
            ui.weak("· offered to reps in turn");
        }
        if pane.held_back > 0 {
            ui.label(
                egui::RichText::new(text::new_arrivals(pane.held_back))
                    .strong()
                    .color(ui.visuals().warn_fg_color),
            )
            .on_hover_text("Shown when the pointer leaves the queues, so no row moves under it.");
        }
    });
}

/// A frameless icon button whose accessible name (and tooltip) says what it does.
fn icon_button(ui: &mut egui::Ui, icon: egui::RichText, name: &str) -> egui::Response {
    let response = ui
        .add(egui::Button::new(icon).frame(false))
        .on_hover_text(name);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    response
}

/// The star (favourite) or, when a team chat message is unread, the orange chat bubble in
/// its place (seed 001); and a button to open the team's chat.
fn team_marker_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    team: &TeamId,
    intents: &mut Vec<Intent>,
) {
    let unread = model.team_chats.get(team).map_or(0, |c| c.unread);
    let name = display::queue(&QueueRef::Team { team: team.clone() }, &model.teams);
    if unread > 0 {
        let bubble = egui::RichText::new("💬").color(CHAT_BUBBLE);
        let label = format!("{unread} unread in the {name} team chat");
        if icon_button(ui, bubble, &label).clicked() {
            intents.push(Intent::OpenTeamChat(Some(team.clone())));
        }
        return;
    }
    let favourite = prefs.is_favourite(team.as_str());
    let (star, label) = if favourite {
        ("★", format!("Unfavourite {name}"))
    } else {
        ("☆", format!("Favourite {name}"))
    };
    if icon_button(ui, egui::RichText::new(star), &label).clicked() {
        intents.push(Intent::ToggleFavourite(team.clone()));
    }
    let open = format!("Open the {name} team chat");
    if icon_button(ui, egui::RichText::new("💬"), &open).clicked() {
        intents.push(Intent::OpenTeamChat(Some(team.clone())));
    }
}

fn search_results_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    state: &mut QueuesState,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let needle = state.search.trim().to_lowercase();
    let all: Vec<QueueEntry> = model
        .queues
        .iter()
        .flat_map(|q| q.entries.iter())
        .filter(|e| matches(e, &needle))
        .cloned()
        .collect();
    ui.strong(format!("{} found in all queues", all.len()));
    let mut in_session: Vec<_> = model
        .sessions
        .values()
        .filter(|s| {
            let c = &s.info.customer;
            c.name.to_lowercase().contains(&needle)
                || c.company
                    .as_deref()
                    .is_some_and(|x| x.to_lowercase().contains(&needle))
        })
        .collect();
    in_session.sort_by_key(|s| s.info.session_id);
    for session in in_session {
        if ui
            .link(format!("In your session: {}", session.info.customer.name))
            .clicked()
        {
            intents.push(Intent::ShowTab(Some(session.info.session_id)));
        }
    }
    let layout = prefs.layout("search");
    let rows = sorted_rows(&all, layout.sort, layout.descending, "");
    let entries: Vec<&QueueEntry> = rows.iter().filter_map(|i| all.get(*i)).collect();
    let pitch = ROW_HEIGHT + ui.spacing().item_spacing.y;
    let spec = TableSpec {
        key: "search",
        layout: &layout,
        entries: &entries,
        body_height: (ui.available_height() - 2.0 * pitch).max(3.0 * pitch),
        in_pane: false,
        scroll_to: scroll_target(state, &entries),
    };
    table_ui(ui, model, &spec, &state.selected, now, intents);
}

/// Accept for a waiting customer, Accept invitation for an invitation.
pub fn accept_intent(entry: &QueueEntry) -> Intent {
    match &entry.invitation {
        Some(invitation) => Intent::Request(RepRequest::AcceptInvitation {
            invitation_id: invitation.invitation_id,
        }),
        None => Intent::Request(RepRequest::Accept {
            session_id: entry.session_id,
        }),
    }
}

/// "· longest 3m 12s · 2 breached" in a pane's title: the longest wait in its level's
/// colour, the breaches in the breach colour (left out when none).
fn service_level_ui(ui: &mut egui::Ui, queue: &Queue, waits: crate::model::supervision::PaneWaits) {
    use crate::text::supervision as words;
    use switchboard_protocol::supervision::WaitLevel;
    let dark = ui.visuals().dark_mode;
    let level = queue.service_level;
    ui.weak("·");
    let mut longest = egui::RichText::new(words::longest(waits.longest_ms));
    if let Some(colour) = crate::theme::wait_colour(waits.longest_level, dark) {
        longest = longest.color(colour).strong();
    }
    ui.label(longest).on_hover_text(words::level_hint(
        waits.longest_level,
        level.target_ms,
        level.breach_ms,
    ));
    if waits.breached > 0 {
        ui.weak("·");
        let mut breached = egui::RichText::new(words::breached(waits.breached)).strong();
        if let Some(colour) = crate::theme::wait_colour(WaitLevel::Breach, dark) {
            breached = breached.color(colour);
        }
        ui.label(breached);
    }
}
