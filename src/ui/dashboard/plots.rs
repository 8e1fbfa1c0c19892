//! The Dashboard's plots of the last hour (egui_plot), x = minutes ago: waiting per team,
//! sessions in progress per team, the wait-time percentiles of accepted sessions (p50, p90,
//! longest), and arrivals against accepts. With one team chosen every plot is that team's;
//! with all teams the counts are one line per team and the percentiles show the worst
//! team of each step (percentiles do not add up). Two plots a row when wide, one when
//! narrow. The plots are for reading, not editing: no zoom or drag.

use super::{NARROW, team_name};
use crate::model::Model;
use crate::model::dashboard::DashboardState;
use egui_plot::{Legend, Line, Plot, PlotPoints};
use switchboard_protocol::supervision::SeriesPoint;
use switchboard_protocol::{TeamId, UnixMillis};

/// A plot's height in points.
pub const PLOT_HEIGHT: f32 = 170.0;

/// The titles, as the lead reads them above each plot.
pub const WAITING: &str = "Waiting, by team";
pub const IN_PROGRESS: &str = "In progress, by team";
pub const WAIT_TIMES: &str = "Wait of accepted sessions (seconds)";
pub const FLOW: &str = "Arrivals and accepts per 10 s";

/// Minutes before `now` of a point (negative: the x axis runs from -60 to 0).
fn x(point: &SeriesPoint, now: UnixMillis) -> f64 {
    -(now.saturating_sub(point.at) as f64) / 60_000.0
}

fn line_of(
    points: &[SeriesPoint],
    now: UnixMillis,
    y: impl Fn(&SeriesPoint) -> f64,
) -> PlotPoints<'static> {
    points.iter().map(|p| [x(p, now), y(p)]).collect()
}

pub fn plots_ui(
    ui: &mut egui::Ui,
    model: &Model,
    state: &DashboardState,
    team: Option<&TeamId>,
    now: UnixMillis,
) {
    let teams: Vec<&TeamId> = match team {
        Some(team) => vec![team],
        None => state.data.teams.iter().map(|t| &t.team).collect(),
    };
    let series: Vec<(String, &[SeriesPoint])> = teams
        .iter()
        .map(|t| (team_name(model, t), state.series(t)))
        .collect();
    if series.iter().all(|(_, points)| points.is_empty()) {
        ui.weak("The last hour's plots appear with the first 10 s step.");
        return;
    }
    let columns = if ui.available_width() < NARROW { 1 } else { 2 };
    let width = (ui.available_width() - 12.0 * (columns as f32 - 1.0)) / columns as f32;
    egui::Grid::new("dashboard_plots")
        .num_columns(columns)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            for (at, title) in [WAITING, IN_PROGRESS, WAIT_TIMES, FLOW].iter().enumerate() {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    ui.strong(*title);
                    match at {
                        0 => per_team(ui, "plot_waiting", &series, now, |p| f64::from(p.waiting)),
                        1 => per_team(ui, "plot_in_progress", &series, now, |p| {
                            f64::from(p.in_progress)
                        }),
                        2 => wait_times(ui, &series, now),
                        _ => flow(ui, &series, now),
                    }
                });
                if (at + 1) % columns == 0 {
                    ui.end_row();
                }
            }
        });
}

/// A plot for reading: fixed to the last hour, no zoom, drag or scroll.
fn base(id: &str, width: f32) -> Plot<'static> {
    Plot::new(id)
        .height(PLOT_HEIGHT)
        .width(width)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(-60.0)
        .include_x(0.0)
        .include_y(0.0)
        .x_axis_formatter(|mark, _| {
            let minutes = -mark.value;
            if minutes.abs() < 0.5 {
                "now".to_owned()
            } else {
                format!("{minutes:.0} min ago")
            }
        })
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
}

fn per_team(
    ui: &mut egui::Ui,
    id: &str,
    series: &[(String, &[SeriesPoint])],
    now: UnixMillis,
    y: impl Fn(&SeriesPoint) -> f64,
) {
    let width = ui.available_width();
    base(id, width).show(ui, |plot| {
        for (name, points) in series {
            plot.line(Line::new(name.as_str(), line_of(points, now, &y)));
        }
    });
}

/// The worst value of each step across teams (all teams' steps end at the same instants).
fn worst(
    series: &[(String, &[SeriesPoint])],
    y: impl Fn(&SeriesPoint) -> u64,
) -> Vec<(UnixMillis, u64)> {
    let mut by_step: std::collections::BTreeMap<UnixMillis, u64> = Default::default();
    for (_, points) in series {
        for p in *points {
            let value = by_step.entry(p.at).or_default();
            *value = (*value).max(y(p));
        }
    }
    by_step.into_iter().collect()
}

fn wait_times(ui: &mut egui::Ui, series: &[(String, &[SeriesPoint])], now: UnixMillis) {
    let width = ui.available_width();
    let seconds = |steps: Vec<(UnixMillis, u64)>| -> PlotPoints<'static> {
        steps
            .into_iter()
            .map(|(at, ms)| {
                [
                    -(now.saturating_sub(at) as f64) / 60_000.0,
                    ms as f64 / 1000.0,
                ]
            })
            .collect()
    };
    base("plot_wait_times", width).show(ui, |plot| {
        plot.line(Line::new("p50", seconds(worst(series, |p| p.wait_p50_ms))));
        plot.line(Line::new("p90", seconds(worst(series, |p| p.wait_p90_ms))));
        plot.line(Line::new(
            "longest",
            seconds(worst(series, |p| p.wait_max_ms)),
        ));
    });
}

fn flow(ui: &mut egui::Ui, series: &[(String, &[SeriesPoint])], now: UnixMillis) {
    let width = ui.available_width();
    let total = |y: fn(&SeriesPoint) -> u32| -> PlotPoints<'static> {
        let mut by_step: std::collections::BTreeMap<UnixMillis, u32> = Default::default();
        for (_, points) in series {
            for p in *points {
                *by_step.entry(p.at).or_default() += y(p);
            }
        }
        by_step
            .into_iter()
            .map(|(at, n)| [-(now.saturating_sub(at) as f64) / 60_000.0, f64::from(n)])
            .collect()
    };
    base("plot_flow", width).show(ui, |plot| {
        plot.line(Line::new("arrivals", total(|p| p.arrivals)));
        plot.line(Line::new("accepts", total(|p| p.accepts)));
    });
}
