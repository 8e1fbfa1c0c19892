//! The queues: one pane per queue (Personal, the rep's teams with favourites first, General),
//! each a virtual-row table whose columns can be sorted, moved and hidden; a search box
//! across all queues; the details pane of the selected entry.

use super::details_field;
use super::intent::Intent;
use crate::model::display;
use crate::model::queue_view::{SortedView, matches, sorted_rows};
use crate::model::{Model, Queue};
use crate::prefs::{Column, Prefs, QueueLayout};
use egui_extras::{Column as TableColumn, TableBuilder};
use std::collections::HashMap;
use switchboard_protocol::{QueueEntry, QueueRef, RepRequest, TeamId, UnixMillis};

const ROW_HEIGHT: f32 = 22.0;
const PANE_MAX_HEIGHT: f32 = 280.0;
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
        ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .hint_text("customer, company, issue or session key")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
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
                    details_ui(ui, model, entry, now, intents);
                }
            });
        // Remember a new height once the rep lets go of the divider.
        let height = panel.response.rect.height().round();
        let dragging = ui.input(|i| i.pointer.any_down());
        if !dragging && (height - prefs.details_height).abs() >= 1.0 {
            intents.push(Intent::DetailsResized(height));
        }
    }

    egui::ScrollArea::vertical()
        .id_salt("queues_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.search.trim().is_empty() {
                for queue in ordered(model, prefs) {
                    queue_pane_ui(ui, model, prefs, state, queue, now, intents);
                    ui.add_space(8.0);
                }
            } else {
                search_results_ui(ui, model, prefs, state, now, intents);
            }
        });
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
    queue: &Queue,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        if let QueueRef::Team { team } = &queue.queue {
            team_marker_ui(ui, model, prefs, team, intents);
        }
        let name = display::queue(&queue.queue, &model.teams);
        ui.strong(&name);
        let waiting = queue.entries.len();
        ui.weak(format!("{waiting} waiting"));
        if queue.mode == switchboard_protocol::QueueMode::Push {
            ui.weak("· offered to reps in turn");
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

fn queue_pane_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    state: &mut QueuesState,
    queue: &Queue,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    pane_header_ui(ui, model, prefs, queue, intents);
    let key = queue_key(&queue.queue);
    let layout = prefs.layout(&key);
    if queue.entries.is_empty() {
        ui.weak("Nobody waiting.");
        return;
    }
    let view = state.views.entry(key.clone()).or_default();
    let rows = view
        .rows(queue, layout.sort, layout.descending, "")
        .to_vec();
    let entries: Vec<&QueueEntry> = rows.iter().filter_map(|i| queue.entries.get(*i)).collect();
    table_ui(
        ui,
        model,
        &key,
        &layout,
        &entries,
        &mut state.selected,
        now,
        intents,
    );
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
    table_ui(
        ui,
        model,
        "search",
        &layout,
        &entries,
        &mut state.selected,
        now,
        intents,
    );
}

#[allow(clippy::too_many_arguments)]
fn table_ui(
    ui: &mut egui::Ui,
    model: &Model,
    key: &str,
    layout: &QueueLayout,
    entries: &[&QueueEntry],
    selected: &mut Option<(QueueRef, String)>,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let mut builder = TableBuilder::new(ui)
        .id_salt(key)
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .max_scroll_height(PANE_MAX_HEIGHT)
        .auto_shrink([false, true])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for (i, column) in layout.columns.iter().enumerate() {
        let last = i + 1 == layout.columns.len();
        builder = builder.column(if last {
            TableColumn::remainder().at_least(60.0)
        } else {
            TableColumn::initial(initial_width(*column))
                .at_least(40.0)
                .clip(true)
        });
    }
    builder
        .header(ROW_HEIGHT, |mut header| {
            for column in &layout.columns {
                header.col(|ui| header_cell_ui(ui, key, layout, *column, intents));
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, entries.len(), |mut row| {
                let Some(entry) = entries.get(row.index()).copied() else {
                    return;
                };
                let is_selected = selected
                    .as_ref()
                    .is_some_and(|(q, id)| q == &entry.queue && id == &entry.entry_id);
                row.set_selected(is_selected);
                for column in &layout.columns {
                    row.col(|ui| cell_ui(ui, model, entry, *column, now));
                }
                let response = row.response();
                if response.double_clicked() {
                    intents.push(accept_intent(entry));
                } else if response.clicked() {
                    // Click selects; clicking the selected entry again closes its details.
                    let target =
                        (!is_selected).then(|| (entry.queue.clone(), entry.entry_id.clone()));
                    intents.push(Intent::Select(target));
                }
            });
        });
}

fn initial_width(column: Column) -> f32 {
    match column {
        Column::Customer => 190.0,
        Column::TimeInQueue => 120.0,
        Column::Issue => 90.0,
        Column::Queue => 110.0,
        Column::EntryPath => 100.0,
        Column::Company => 130.0,
        Column::SessionStart => 90.0,
        Column::Important => 70.0,
    }
}

fn header_cell_ui(
    ui: &mut egui::Ui,
    key: &str,
    layout: &QueueLayout,
    column: Column,
    intents: &mut Vec<Intent>,
) {
    let sorted = layout.sort == column;
    let arrow = match (sorted, layout.descending) {
        (false, _) => "",
        (true, true) => " ▼",
        (true, false) => " ▲",
    };
    let response = ui
        .add(egui::Button::selectable(sorted, format!("{}{arrow}", column.label())).frame(false))
        .on_hover_text("Click to sort; again to reverse. Right-click to move or hide columns.");
    if response.clicked() {
        intents.push(Intent::Sort {
            queue_key: key.to_owned(),
            column,
        });
    }
    response.context_menu(|ui| {
        if ui.button("Move left").clicked() {
            intents.push(Intent::MoveColumn {
                queue_key: key.to_owned(),
                column,
                left: true,
            });
            ui.close();
        }
        if ui.button("Move right").clicked() {
            intents.push(Intent::MoveColumn {
                queue_key: key.to_owned(),
                column,
                left: false,
            });
            ui.close();
        }
        if layout.columns.len() > 1 && ui.button(format!("Hide {}", column.label())).clicked() {
            intents.push(Intent::SetColumnShown {
                queue_key: key.to_owned(),
                column,
                shown: false,
            });
            ui.close();
        }
        ui.separator();
        ui.weak("Columns");
        for other in Column::ALL {
            let mut shown = layout.columns.contains(&other);
            if ui.checkbox(&mut shown, other.label()).changed() {
                intents.push(Intent::SetColumnShown {
                    queue_key: key.to_owned(),
                    column: other,
                    shown,
                });
            }
        }
    });
}

fn cell_ui(ui: &mut egui::Ui, model: &Model, entry: &QueueEntry, column: Column, now: UnixMillis) {
    let text = match column {
        Column::Customer => {
            let name = display::customer(entry);
            match &entry.invitation {
                Some(invitation) => format!(
                    "Invitation: {name} (from {})",
                    model
                        .reps
                        .get(&invitation.inviter)
                        .map_or(invitation.inviter.to_string(), |r| r.display_name.clone())
                ),
                None => name,
            }
        }
        Column::TimeInQueue => {
            let waited = now.saturating_sub(entry.entered_queue_at);
            let text = display::wait(waited);
            if waited >= display::LONG_WAIT_MS {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(text)
                            .color(ui.visuals().warn_fg_color)
                            .strong(),
                    )
                    .selectable(false),
                );
                return;
            }
            text
        }
        Column::Issue => display::issue(entry.issue.as_ref(), &model.issues),
        Column::Queue => display::queue(&entry.queue, &model.teams),
        Column::EntryPath => display::entry_path(entry.entry_path).to_owned(),
        Column::Company => entry.customer.company.clone().unwrap_or_default(),
        Column::SessionStart => display::clock(entry.session_started_at),
        Column::Important => {
            if entry.important {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new("Important").color(ui.visuals().error_fg_color),
                    )
                    .selectable(false),
                );
            }
            return;
        }
    };
    ui.add(egui::Label::new(text).selectable(false).truncate());
}

fn accept_intent(entry: &QueueEntry) -> Intent {
    match &entry.invitation {
        Some(invitation) => Intent::Request(RepRequest::AcceptInvitation {
            invitation_id: invitation.invitation_id,
        }),
        None => Intent::Request(RepRequest::Accept {
            session_id: entry.session_id,
        }),
    }
}

fn details_ui(
    ui: &mut egui::Ui,
    model: &Model,
    entry: &QueueEntry,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        ui.heading(display::customer(entry));
        if entry.important {
            ui.colored_label(ui.visuals().error_fg_color, "Important");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Close details").clicked() {
                intents.push(Intent::Select(None));
            }
            if let Some(invitation) = &entry.invitation {
                if ui.button("Decline").clicked() {
                    intents.push(Intent::Request(RepRequest::DeclineInvitation {
                        invitation_id: invitation.invitation_id,
                    }));
                }
                if ui.button("Accept invitation").clicked() {
                    intents.push(accept_intent(entry));
                }
            } else if ui.button("Accept").clicked() {
                intents.push(accept_intent(entry));
            }
        });
    });
    egui::Grid::new("entry_details")
        .num_columns(4)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            details_field(
                ui,
                "Company",
                entry.customer.company.clone().unwrap_or_default(),
            );
            details_field(ui, "Queue", display::queue(&entry.queue, &model.teams));
            ui.end_row();
            details_field(
                ui,
                "Issue",
                display::issue(entry.issue.as_ref(), &model.issues),
            );
            details_field(
                ui,
                "Entry",
                display::entry_path(entry.entry_path).to_owned(),
            );
            ui.end_row();
            details_field(
                ui,
                "In queue",
                display::wait(now.saturating_sub(entry.entered_queue_at)),
            );
            details_field(
                ui,
                "Session started",
                display::clock(entry.session_started_at),
            );
            ui.end_row();
            details_field(ui, "Session", format!("#{}", entry.session_id));
            details_field(
                ui,
                "Session key",
                entry.session_key.clone().unwrap_or_default(),
            );
            ui.end_row();
        });
    if let Some(question) = &entry.customer.question {
        ui.add_space(4.0);
        ui.weak("Question");
        ui.label(question);
    }
    if entry.history.len() > 1 {
        ui.add_space(4.0);
        ui.weak("Queue history");
        for hop in &entry.history {
            ui.label(format!(
                "{}  {} — {:?}{}",
                display::clock(hop.at),
                display::queue(&hop.queue, &model.teams),
                hop.reason,
                hop.by
                    .as_ref()
                    .map(|r| format!(" by {r}"))
                    .unwrap_or_default()
            ));
        }
    }
}
