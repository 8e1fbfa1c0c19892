//! The Dashboard's reps: one sortable table of the reps of the teams shown — presence and
//! for how long, sessions owned against their cap, time since their last reply to a
//! customer, how many of their customers await a reply, and the push offers they missed
//! today. A rep at their cap, with customers awaiting, or who missed offers stands out.

use super::{DashboardPanel, sort_header};
use crate::model::Model;
use crate::model::dashboard::{DashboardState, RepColumn, TableSort, elapsed};
use crate::text::dashboard::{REPS_TITLE, presence_text};
use crate::text::display;
use crate::ui::intent::Intent;
use egui_extras::{Column as TableColumn, TableBuilder};
use switchboard_protocol::supervision::RepLoad;
use switchboard_protocol::{RepId, UnixMillis};

const ROW_HEIGHT: f32 = 24.0;
const ROWS_SHOWN: usize = 12;

pub fn reps_ui(
    ui: &mut egui::Ui,
    model: &Model,
    state: &DashboardState,
    panel: &mut DashboardPanel,
    sort: TableSort<RepColumn>,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let name = |rep: &RepId| model.rep_name(rep);
    let members: Option<(&switchboard_protocol::TeamId, &[RepId])> =
        panel.team.as_ref().map(|team| {
            let members = model
                .teams
                .iter()
                .find(|t| &t.team == team)
                .map_or(&[][..], |t| t.members.as_slice());
            (team, members)
        });
    let rows = panel.views.reps(state, members, sort, &name).to_vec();
    ui.strong(format!("{REPS_TITLE} ({})", rows.len()));
    if rows.is_empty() {
        ui.weak("No reps in these teams.");
        return;
    }
    let height = ROW_HEIGHT * rows.len().min(ROWS_SHOWN) as f32;
    ui.push_id("dashboard_reps", |ui| {
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        let mut builder = TableBuilder::new(ui)
            .id_salt("dashboard_reps_table")
            .striped(true)
            .min_scrolled_height(height)
            .max_scroll_height(height)
            .auto_shrink([false, true])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
        for column in RepColumn::ALL {
            builder = builder.column(match column {
                RepColumn::Rep => TableColumn::remainder().at_least(110.0).clip(true),
                RepColumn::Presence => TableColumn::initial(150.0).at_least(90.0).clip(true),
                _ => TableColumn::initial(100.0).at_least(60.0).clip(true),
            });
        }
        builder
            .header(ROW_HEIGHT, |mut header| {
                for column in RepColumn::ALL {
                    header.col(|ui| {
                        if sort_header(ui, column.label(), column == sort.column, sort.descending) {
                            intents.push(Intent::SortDashboardReps(column));
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                    if let Some(rep) = rows.get(row.index()).and_then(|i| state.data.reps.get(*i)) {
                        row_ui(&mut row, model, rep, now);
                    }
                });
            });
    });
}

fn row_ui(row: &mut egui_extras::TableRow<'_, '_>, model: &Model, rep: &RepLoad, now: UnixMillis) {
    let warn = |ui: &egui::Ui| ui.visuals().warn_fg_color;
    row.col(|ui| {
        ui.add(egui::Label::new(model.rep_name(&rep.rep)).truncate());
    });
    row.col(|ui| {
        ui.label(format!(
            "{} · {}",
            presence_text(rep.presence),
            display::wait(elapsed(rep.presence_since, now))
        ));
    });
    row.col(|ui| {
        let text = format!("{} / {}", rep.sessions_owned, rep.max_sessions);
        if rep.max_sessions > 0 && rep.sessions_owned >= rep.max_sessions {
            ui.colored_label(warn(ui), text)
                .on_hover_text("At their cap");
        } else {
            ui.label(text);
        }
    });
    row.col(|ui| match rep.last_reply_at {
        Some(at) => {
            ui.label(display::wait(elapsed(at, now)));
        }
        None => {
            ui.weak("—");
        }
    });
    row.col(|ui| {
        let text = rep.awaiting_reply.to_string();
        if rep.awaiting_reply > 0 {
            ui.colored_label(warn(ui), text)
                .on_hover_text("Sessions whose customer wrote last");
        } else {
            ui.label(text);
        }
    });
    row.col(|ui| {
        let text = rep.missed_offers_today.to_string();
        if rep.missed_offers_today > 0 {
            ui.colored_label(warn(ui), text);
        } else {
            ui.label(text);
        }
    });
}
