//! The Jump Clients window (seed 003: "access that system later without end-user
//! initiation"): a search box (name, host, OS), one table with headers that sort on click
//! (again to reverse) and a section per owner — the rep's personal list, then each team —
//! and per row the name, host, OS, status (online, offline, lost, pending, failed), when it
//! was last seen, **Jump** (greyed with its reason) and **Unpin** (after a confirmation).
//! The list, its order and the reasons come from the model ([`crate::model::jump`]);
//! everything here pushes intents.

use super::intent::Intent;
use crate::model::Model;
use crate::model::jump::{JumpColumn, JumpSort, JumpStatus, JumpView, jump_unavailable, status};
use crate::text::jump as words;
use egui_extras::{Column as TableColumn, TableBuilder};
use switchboard_protocol::{JumpClientId, JumpClientInfo, QueueRef, RepRequest, UnixMillis};

/// The window's own state between frames: the search, the cached order and the Unpin
/// waiting for its confirmation (the sort is remembered with the preferences).
#[derive(Debug, Clone, Default)]
pub struct JumpWindow {
    pub search: String,
    pub view: JumpView,
    /// The client whose Unpin was clicked: the confirmation shows.
    pub confirm_unpin: Option<JumpClientId>,
    /// How many times it was opened (each opening is a fresh, centred window).
    pub opened: u32,
}

/// The top bar's button: opens (or closes) the window.
pub fn jump_clients_button_ui(ui: &mut egui::Ui, open: bool, intents: &mut Vec<Intent>) {
    let button = ui
        .selectable_label(open, words::JUMP_CLIENTS)
        .on_hover_text("Computers with a Jump Client: jump to one without the customer");
    if button.clicked() {
        intents.push(if open {
            Intent::CloseJumpClients
        } else {
            Intent::OpenJumpClients
        });
    }
}

/// One line of the table: a section's title or a client.
#[derive(Clone, Copy)]
enum Line<'a> {
    Section(&'a QueueRef, usize),
    Client(&'a JumpClientInfo),
}

const ROW_HEIGHT: f32 = 26.0;

/// The window at `now`, if open; closing it pushes [`Intent::CloseJumpClients`].
pub fn jump_clients_window_ui(
    ctx: &egui::Context,
    model: &Model,
    window: &mut JumpWindow,
    sort: JumpSort,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    if !model.jump.open {
        return;
    }
    let mut open = true;
    let content = ctx.content_rect();
    egui::Window::new(words::JUMP_CLIENTS)
        // A new id each time it opens: it opens centred and sized for the window as it is
        // now (a window made wide since keeps no narrow Jump Clients).
        .id(egui::Id::unique(("jump_clients_window", window.opened)))
        .open(&mut open)
        .default_size([
            (content.width() - 80.0).clamp(320.0, 980.0),
            (content.height() - 160.0).clamp(240.0, 560.0),
        ])
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(content.center())
        .show(ctx, |ui| {
            toolbar_ui(ui, model, window, intents);
            if let Some(error) = &model.jump.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            if let Some(id) = window.confirm_unpin {
                confirm_unpin_ui(ui, model, window, id, intents);
            }
            ui.separator();
            let Some(clients) = &model.jump.clients else {
                ui.weak(words::LOADING);
                return;
            };
            if clients.is_empty() {
                ui.weak(words::NONE_PINNED);
                return;
            }
            let teams = model.my_teams();
            let JumpWindow { search, view, .. } = window;
            let groups = view.groups(&model.jump, &teams, sort, search);
            if groups.is_empty() {
                ui.weak(words::NONE_MATCH);
                return;
            }
            let mut lines = Vec::new();
            for group in groups {
                lines.push(Line::Section(&group.owner, group.rows.len()));
                lines.extend(group.rows.iter().map(|row| Line::Client(&clients[*row])));
            }
            table_ui(ui, model, sort, &lines, now, intents);
        });
    if !open {
        intents.push(Intent::CloseJumpClients);
    }
}

fn toolbar_ui(
    ui: &mut egui::Ui,
    model: &Model,
    window: &mut JumpWindow,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        let label = ui.label(words::SEARCH_LABEL);
        ui.add(
            egui::TextEdit::singleline(&mut window.search)
                .hint_text(words::SEARCH_HINT)
                .desired_width(200.0),
        )
        .labelled_by(label.id);
        if model.jump.loading {
            ui.spinner();
        }
        let reload = ui.add_enabled(!model.jump.loading, egui::Button::new(words::RELOAD));
        if reload.clicked() {
            intents.push(Intent::Request(RepRequest::ListJumpClients));
        }
        if let Some(clients) = &model.jump.clients {
            let online = clients
                .iter()
                .filter(|c| status(c) == JumpStatus::Online)
                .count();
            ui.weak(format!("{online} of {} online", clients.len()));
        }
    });
}

fn confirm_unpin_ui(
    ui: &mut egui::Ui,
    model: &Model,
    window: &mut JumpWindow,
    id: JumpClientId,
    intents: &mut Vec<Intent>,
) {
    let Some(client) = model.jump.get(id) else {
        window.confirm_unpin = None;
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(words::unpin_question(&client.name));
        ui.horizontal(|ui| {
            if ui.button(words::UNPIN_CONFIRM).clicked() {
                intents.push(Intent::Request(RepRequest::UnpinJumpClient {
                    jump_client_id: id,
                }));
                window.confirm_unpin = None;
            }
            if ui.button(words::CANCEL).clicked() {
                window.confirm_unpin = None;
            }
        });
    });
}

fn table_ui(
    ui: &mut egui::Ui,
    model: &Model,
    JumpSort {
        column: sorted_by,
        descending,
    }: JumpSort,
    lines: &[Line<'_>],
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    let may = model.may_use_jump_clients();
    let narrow = ui.available_width() < 640.0;
    let mut builder = TableBuilder::new(ui)
        .id_salt("jump_clients_table")
        .striped(true)
        .auto_shrink([false, true])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for column in JumpColumn::ALL {
        builder = builder.column(match column {
            // The OS ("Linux (Debian GNU/Linux 12)") is the longest text: it takes the spare
            // width, so a wide window shows it whole.
            JumpColumn::Os => TableColumn::remainder().at_least(110.0).clip(true),
            JumpColumn::Name => TableColumn::initial(if narrow { 140.0 } else { 190.0 })
                .at_least(90.0)
                .clip(true),
            JumpColumn::Host => TableColumn::initial(110.0).at_least(60.0).clip(true),
            JumpColumn::Status => TableColumn::initial(70.0).at_least(60.0).clip(true),
            JumpColumn::LastSeen => TableColumn::initial(90.0).at_least(60.0).clip(true),
        });
    }
    builder = builder.column(TableColumn::auto().at_least(120.0));
    builder
        .header(ROW_HEIGHT, |mut header| {
            for column in JumpColumn::ALL {
                header.col(|ui| {
                    let sorted = column == sorted_by;
                    let arrow = match (sorted, descending) {
                        (false, _) => "",
                        (true, true) => " ▼",
                        (true, false) => " ▲",
                    };
                    let text = format!("{}{arrow}", column.label());
                    let response = ui
                        .add(egui::Button::selectable(sorted, text).frame(false))
                        .on_hover_text("Click to sort; again to reverse");
                    if response.clicked() {
                        intents.push(Intent::SortJumpClients(column));
                    }
                });
            }
            header.col(|ui| {
                ui.strong("");
            });
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, lines.len(), |mut row| {
                match lines.get(row.index()).copied() {
                    Some(Line::Section(owner, count)) => {
                        row.col(|ui| {
                            ui.strong(format!("{} ({count})", model.jump_owner_name(owner)));
                        });
                        for _ in 0..JumpColumn::ALL.len() {
                            row.col(|_| {});
                        }
                    }
                    Some(Line::Client(client)) => {
                        client_row_ui(&mut row, model, client, may, now, intents)
                    }
                    None => {}
                }
            });
        });
}

fn client_row_ui(
    row: &mut egui_extras::TableRow<'_, '_>,
    model: &Model,
    client: &JumpClientInfo,
    may: bool,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    row.col(|ui| {
        ui.add(egui::Label::new(&client.name).truncate())
            .on_hover_text(format!("Pinned by {}", client.created_by_name));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(&client.host).truncate());
    });
    row.col(|ui| {
        ui.add(egui::Label::new(&client.os).truncate());
    });
    let state = status(client);
    row.col(|ui| {
        let visuals = ui.visuals();
        let colour = match state {
            JumpStatus::Online => egui::Color32::from_rgb(0x2e, 0x9d, 0x4f),
            JumpStatus::Lost => visuals.warn_fg_color,
            JumpStatus::Failed => visuals.error_fg_color,
            JumpStatus::Offline | JumpStatus::Pending => visuals.weak_text_color(),
        };
        let text = ui.colored_label(colour, state.text());
        if state == JumpStatus::Failed && !client.detail.is_empty() {
            text.on_hover_text(&client.detail);
        }
    });
    row.col(|ui| {
        let seen = match state {
            // Its agent never connected: when it was pinned, on hover.
            JumpStatus::Pending | JumpStatus::Failed => words::NEVER_SEEN.to_owned(),
            _ => words::last_seen(client.online, client.last_seen, now),
        };
        ui.label(seen)
            .on_hover_text(crate::text::display::date_time(client.last_seen));
    });
    row.col(|ui| {
        let id = client.jump_client_id;
        let jumping = model.jump.jumping == Some(id);
        let why_not = jump_unavailable(client, may, now)
            .or_else(|| model.jump.jumping.map(|_| words::JUMPING.to_owned()));
        let enabled = why_not.is_none();
        let label = words::jump_label(&client.name);
        let text = if jumping { words::JUMPING } else { words::JUMP };
        let jump = ui
            .add_enabled(enabled, egui::Button::new(text))
            .on_hover_text(words::JUMP_HINT)
            .on_disabled_hover_text(why_not.unwrap_or_default());
        jump.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &label));
        if jump.clicked() {
            intents.push(Intent::Request(RepRequest::Jump { jump_client_id: id }));
        }
        let unpinning = model.jump.unpinning.contains(&id);
        let enabled = may && !unpinning;
        let label = words::unpin_label(&client.name);
        let text = if unpinning {
            words::UNPINNING
        } else {
            words::UNPIN
        };
        let unpin = ui
            .add_enabled(enabled, egui::Button::new(text))
            .on_hover_text(words::UNPIN_HINT)
            .on_disabled_hover_text(if may {
                words::UNPINNING
            } else {
                words::NO_PERMISSION
            });
        unpin.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &label));
        if unpin.clicked() {
            intents.push(Intent::ConfirmUnpin(id));
        }
    });
}
