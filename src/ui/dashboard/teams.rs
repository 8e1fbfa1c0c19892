//! The Dashboard's team cards: per team, what a lead glances at first — waiting now and the
//! longest wait counting up live (in the warning or breach colour once past the team's
//! service level), in progress, who is available, busy, away or paused, how many waits are
//! over the target or breached, the predicted wait, and the last hour's accepted and
//! abandoned. Cards wrap to as many per row as the width holds.

use super::{DashboardPanel, team_name};
use crate::model::Model;
use crate::model::dashboard::{DashboardState, elapsed};
use crate::text::display;
use switchboard_protocol::UnixMillis;
use switchboard_protocol::supervision::{TeamLoad, WaitLevel};

/// A card's width: three fit in 1024 points, six in 1920.
pub const CARD_WIDTH: f32 = 290.0;

/// The words of a card's figures, for the card and the tests that read it.
pub fn waiting_text(waiting: u32) -> String {
    format!("{waiting} waiting")
}

/// The waiting figure's accessible name: the team's name tells the cards apart.
pub fn waiting_label(team_name: &str, waiting: u32) -> String {
    format!("{team_name}: {}", waiting_text(waiting))
}

pub fn longest_text(team: &TeamLoad, now: UnixMillis) -> String {
    match team.oldest_waiting_since {
        Some(since) => format!("longest {}", display::wait(elapsed(since, now))),
        None => "no one waiting".to_owned(),
    }
}

pub fn predicted_text(team: &TeamLoad) -> String {
    match (team.predicted_wait_ms, team.waiting) {
        (Some(ms), _) => format!("Predicted wait {}", display::wait(ms)),
        (None, 0) => "Predicted wait: none".to_owned(),
        (None, _) => "Predicted wait: unknown (no recent accepts)".to_owned(),
    }
}

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
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(8.0, 8.0);
        for team in shown {
            card_ui(ui, model, team, now);
        }
    });
}

fn card_ui(ui: &mut egui::Ui, model: &Model, team: &TeamLoad, now: UnixMillis) {
    let dark = ui.visuals().dark_mode;
    let width = CARD_WIDTH.min(ui.available_width().max(200.0) - 16.0);
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
