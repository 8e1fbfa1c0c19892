//! The Dashboard's team cards: per team, what a lead glances at first — waiting now and the
//! longest wait counting up live (in the warning or breach colour once past the team's
//! service level), in progress, who is available, busy, away or paused, how many waits are
//! over the target or breached, the predicted wait, and the last hour's accepted and
//! abandoned. As many cards a row as the width holds, stretched to fill it; when they would
//! need more than one row, one line a team in a grid instead.

use super::{DashboardPanel, team_name};
use crate::model::Model;
use crate::model::dashboard::{DashboardState, elapsed};
use crate::text::dashboard::{longest_text, predicted_text, waiting_label, waiting_text};
use crate::text::display;
use switchboard_protocol::UnixMillis;
use switchboard_protocol::supervision::{TeamLoad, WaitLevel};

/// A card's narrowest inside: three fit in 1024 points, six in 1920 (then they stretch).
pub const CARD_WIDTH: f32 = 280.0;
/// What a group frame adds around its inside (margins and stroke, both sides).
const CARD_FRAME: f32 = 14.0;
const CARD_GAP: f32 = 8.0;

/// The cards of the teams shown (one when the filter names a team).
pub fn cards_ui(
    ui: &mut egui::Ui,
    model: &Model,
    state: &DashboardState,
    panel: &DashboardPanel,
    now: UnixMillis,
) {
    let shown = state
        .data
        .teams
        .iter()
        .filter(|t| panel.team.as_ref().is_none_or(|f| &t.team == f));
    let shown: Vec<&TeamLoad> = shown.collect();
    // Frames size themselves after their content, so egui cannot wrap them: the rows are
    // laid out here, as many cards a row as fit, stretched to fill it.
    let available = ui.available_width();
    let per_row = (((available + CARD_GAP) / (CARD_WIDTH + CARD_FRAME + CARD_GAP)) as usize).max(1);
    let per_row = per_row.min(shown.len().max(1));
    let inner = ((available - CARD_GAP * (per_row as f32 - 1.0)) / per_row as f32 - CARD_FRAME)
        .floor()
        .max(120.0);
    if shown.len() > per_row {
        // They would take several rows of cards and push the plots and sessions out of
        // sight (1024x700 with four teams): one line a team instead.
        compact_ui(ui, model, &shown, now);
        return;
    }
    for row in shown.chunks(per_row) {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing = egui::vec2(CARD_GAP, CARD_GAP);
            for team in row {
                card_ui(ui, model, team, inner, now);
            }
        });
        ui.add_space(CARD_GAP);
    }
}

fn card_ui(ui: &mut egui::Ui, model: &Model, team: &TeamLoad, width: f32, now: UnixMillis) {
    let dark = ui.visuals().dark_mode;
    let name = team_name(model, &team.team);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(width);
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                ui.strong(&name);
                ui.weak(format!(
                    "target {} · breach {}",
                    display::wait(team.service_level.target_ms),
                    display::wait(team.service_level.breach_ms)
                ));
            });
            ui.horizontal(|ui| {
                let level = team.oldest_waiting_since.map_or(WaitLevel::Normal, |s| {
                    team.service_level.level(elapsed(s, now))
                });
                let mut waiting = egui::RichText::new(waiting_text(team.waiting))
                    .size(20.0)
                    .strong();
                if let Some(colour) = crate::theme::wait_colour(level, dark) {
                    waiting = waiting.color(colour);
                }
                let label = waiting_label(&name, team.waiting);
                ui.label(waiting)
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
                let mut longest = egui::RichText::new(longest_text(team, now));
                if let Some(colour) = crate::theme::wait_colour(level, dark) {
                    longest = longest.color(colour).strong();
                }
                ui.label(longest);
            });
            ui.label(format!("{} in progress", team.in_progress));
            ui.label(format!(
                "{} available · {} busy · {} away · {} paused",
                team.available, team.busy, team.away, team.paused
            ));
            ui.horizontal(|ui| {
                let over = format!("{} over target", team.over_target);
                match crate::theme::wait_colour(WaitLevel::Warning, dark) {
                    Some(c) if team.over_target > 0 => ui.colored_label(c, over),
                    _ => ui.label(over),
                };
                ui.label("·");
                let breached = format!("{} breached", team.breached);
                match crate::theme::wait_colour(WaitLevel::Breach, dark) {
                    Some(c) if team.breached > 0 => ui.colored_label(c, breached),
                    _ => ui.label(breached),
                };
            });
            ui.label(predicted_text(team));
            ui.weak(format!(
                "Last hour: {} accepted · {} abandoned",
                team.accepted_last_hour, team.abandoned_last_hour
            ));
        });
    });
}

/// The figures of a level's colour (`None`: the normal text colour).
fn coloured(ui: &egui::Ui, text: String, level: WaitLevel) -> egui::RichText {
    let text = egui::RichText::new(text);
    match crate::theme::wait_colour(level, ui.visuals().dark_mode) {
        Some(colour) => text.color(colour).strong(),
        None => text,
    }
}

/// One line a team: the cards' figures in a striped grid.
fn compact_ui(ui: &mut egui::Ui, model: &Model, teams: &[&TeamLoad], now: UnixMillis) {
    egui::Grid::new("dashboard_teams_compact")
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for header in [
                "Team",
                "Waiting",
                "Longest",
                "In progress",
                "Available · busy · away · paused",
                "Over target · breached",
                "Predicted wait",
                "Last hour",
            ] {
                ui.weak(header);
            }
            ui.end_row();
            for team in teams {
                let name = team_name(model, &team.team);
                let level = team.oldest_waiting_since.map_or(WaitLevel::Normal, |s| {
                    team.service_level.level(elapsed(s, now))
                });
                ui.strong(&name).on_hover_text(format!(
                    "target {} · breach {}",
                    display::wait(team.service_level.target_ms),
                    display::wait(team.service_level.breach_ms)
                ));
                let label = waiting_label(&name, team.waiting);
                ui.label(coloured(ui, waiting_text(team.waiting), level))
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
                let longest = team
                    .oldest_waiting_since
                    .map_or_else(|| "—".to_owned(), |s| display::wait(elapsed(s, now)));
                ui.label(coloured(ui, longest, level));
                ui.label(team.in_progress.to_string());
                ui.label(format!(
                    "{} · {} · {} · {}",
                    team.available, team.busy, team.away, team.paused
                ));
                ui.horizontal(|ui| {
                    let over = if team.over_target > 0 {
                        WaitLevel::Warning
                    } else {
                        WaitLevel::Normal
                    };
                    ui.label(coloured(ui, team.over_target.to_string(), over));
                    ui.label("·");
                    let breached = if team.breached > 0 {
                        WaitLevel::Breach
                    } else {
                        WaitLevel::Normal
                    };
                    ui.label(coloured(ui, team.breached.to_string(), breached));
                });
                ui.label(match (team.predicted_wait_ms, team.waiting) {
                    (Some(ms), _) => display::wait(ms),
                    (None, 0) => "none".to_owned(),
                    (None, _) => "unknown".to_owned(),
                });
                ui.label(format!(
                    "{} accepted · {} abandoned",
                    team.accepted_last_hour, team.abandoned_last_hour
                ));
                ui.end_row();
            }
        });
    ui.add_space(CARD_GAP);
}
