//! One queue's table: virtual rows (only the visible ones are laid out), headers that sort
//! on click and move or hide columns on right-click, and the cells of an entry. Time in
//! queue ramps normal → warning → breach by the entry's queue's service level.

use super::{ROW_HEIGHT, accept_intent};
use crate::model::Model;
use crate::prefs::{Column, QueueLayout};
use crate::text::display;
use crate::text::supervision as words;
use crate::ui::intent::Intent;
use egui_extras::{Column as TableColumn, TableBuilder};
use switchboard_protocol::{QueueEntry, QueueRef, UnixMillis};

/// What one table shows.
pub struct TableSpec<'a> {
    /// The prefs key of its layout ("personal", "team:…", "general", "search").
    pub key: &'a str,
    pub layout: &'a QueueLayout,
    /// The rows, in display order.
    pub entries: &'a [&'a QueueEntry],
    /// The height of the rows' area; the rows scroll within it.
    pub body_height: f32,
    /// Inside a queue's own pane, the Queue column would only repeat the pane's title.
    pub in_pane: bool,
    /// A row to scroll into sight (moved to by the keyboard).
    pub scroll_to: Option<usize>,
}

impl TableSpec<'_> {
    /// The columns drawn: the layout's, less the pane's own queue; Important is a marker
    /// beside the customer's name, never a column.
    pub fn columns(&self) -> Vec<Column> {
        self.layout
            .columns
            .iter()
            .copied()
            .filter(|c| *c != Column::Important && !(self.in_pane && *c == Column::Queue))
            .collect()
    }
}

pub fn table_ui(
    ui: &mut egui::Ui,
    model: &Model,
    spec: &TableSpec<'_>,
    selected: &Option<(QueueRef, String)>,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let columns = spec.columns();
    // A solid scroll bar, shown whenever rows are out of sight: the default floating one
    // shows only under the pointer, so a pane with "8 waiting" and four rows in view looked
    // complete.
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    let mut builder = TableBuilder::new(ui)
        .id_salt(spec.key)
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .min_scrolled_height(spec.body_height)
        .max_scroll_height(spec.body_height)
        .auto_shrink([false, true])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    if let Some(row) = spec.scroll_to {
        builder = builder.scroll_to_row(row, None);
    }
    for column in &columns {
        // Text columns share the width the fixed ones leave, so a wide window widens them.
        builder = builder.column(if stretches(*column) {
            // Not resizable by drag: a resizable column would keep its width when the
            // window grows.
            TableColumn::remainder()
                .at_least(80.0)
                .clip(true)
                .resizable(false)
        } else {
            TableColumn::initial(initial_width(*column))
                .at_least(40.0)
                .clip(true)
        });
    }
    let key = spec.key;
    let layout = spec.layout;
    builder
        .header(ROW_HEIGHT, |mut header| {
            for column in &columns {
                header.col(|ui| header_cell_ui(ui, key, layout, spec.in_pane, *column, intents));
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, spec.entries.len(), |mut row| {
                let Some(entry) = spec.entries.get(row.index()).copied() else {
                    return;
                };
                let is_selected = selected
                    .as_ref()
                    .is_some_and(|(q, id)| q == &entry.queue && id == &entry.entry_id);
                row.set_selected(is_selected);
                for column in &columns {
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

/// Columns of free text, which take the spare width.
fn stretches(column: Column) -> bool {
    matches!(column, Column::Customer | Column::Issue | Column::Company)
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
    in_pane: bool,
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
        let offered = Column::ALL
            .into_iter()
            .filter(|c| *c != Column::Important && !(in_pane && *c == Column::Queue));
        for other in offered {
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
            let text = match &entry.invitation {
                Some(invitation) => format!(
                    "Invitation: {name} (from {})",
                    model
                        .reps
                        .get(&invitation.inviter)
                        .map_or(invitation.inviter.to_string(), |r| r.display_name.clone())
                ),
                None => name,
            };
            if entry.important {
                important_marker_ui(ui);
            }
            text
        }
        Column::TimeInQueue => {
            wait_cell_ui(ui, model, entry, now);
            return;
        }
        Column::Issue => display::issue(entry.issue.as_ref(), &model.issues),
        Column::Queue => display::queue(&entry.queue, &model.teams),
        Column::EntryPath => display::entry_path(entry.entry_path).to_owned(),
        Column::Company => entry.customer.company.clone().unwrap_or_default(),
        Column::SessionStart => display::clock(entry.session_started_at),
        // Shown as a marker beside the customer's name.
        Column::Important => return,
    };
    ui.add(egui::Label::new(text).selectable(false).truncate());
}

/// The red "!" beside an important customer's name; its accessible name says what it means.
fn important_marker_ui(ui: &mut egui::Ui) {
    let marker = egui::RichText::new("!")
        .strong()
        .color(ui.visuals().error_fg_color);
    let response = ui
        .add(egui::Label::new(marker).selectable(false))
        .on_hover_text(crate::text::IMPORTANT);
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, crate::text::IMPORTANT));
}

/// Time in queue, coloured by where it stands against its queue's service level (the
/// tooltip says which, and the target and breach waits).
fn wait_cell_ui(ui: &mut egui::Ui, model: &Model, entry: &QueueEntry, now: UnixMillis) {
    let level = model
        .queue(&entry.queue)
        .map(|q| q.service_level)
        .unwrap_or_default();
    let waited = now.saturating_sub(entry.entered_queue_at);
    let at = level.level(waited);
    let mut text = egui::RichText::new(display::wait(waited));
    if let Some(colour) = crate::theme::wait_colour(at, ui.visuals().dark_mode) {
        text = text.color(colour).strong();
    }
    ui.add(egui::Label::new(text).selectable(false).truncate())
        .on_hover_text(words::level_hint(at, level.target_ms, level.breach_ms));
}
