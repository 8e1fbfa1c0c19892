//! The Dashboard's plots of the last hour (egui_plot), x = minutes ago: waiting per team,
//! sessions in progress per team, the wait-time percentiles of accepted sessions (p50, p90,
//! longest), and arrivals against accepts (per minute). With one team chosen every plot is
//! that team's; with all teams the counts are one line per team and the percentiles show
//! the worst team of each step (percentiles do not add up). Two plots a row when wide, one
//! when narrow. The plots are for reading, not editing: no zoom or drag.

use super::{NARROW, team_name};
use crate::model::Model;
use crate::model::dashboard::DashboardState;
use crate::text::dashboard::{FLOW, IN_PROGRESS, WAIT_TIMES, WAITING};
use egui_plot::{Legend, Line, Plot, PlotPoints};
use switchboard_protocol::supervision::SeriesPoint;
use switchboard_protocol::{TeamId, UnixMillis};

const MINUTE_MS: u64 = 60_000;

/// A plot's height in points.
pub const PLOT_HEIGHT: f32 = 170.0;

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
    const GAP: f32 = 12.0;
    let available = ui.available_width();
    let columns = if available < NARROW { 1 } else { 2 };
    let width = ((available - GAP * (columns as f32 - 1.0)) / columns as f32).floor();
    let plots = [WAITING, IN_PROGRESS, WAIT_TIMES, FLOW];
    for (row, titles) in plots.chunks(columns).enumerate() {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = GAP;
            for (column, title) in titles.iter().enumerate() {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    ui.strong(*title);
                    match row * columns + column {
                        0 => per_team(ui, "plot_waiting", width, &series, now, |p| {
                            f64::from(p.waiting)
                        }),
                        1 => per_team(ui, "plot_in_progress", width, &series, now, |p| {
                            f64::from(p.in_progress)
                        }),
                        2 => wait_times(ui, width, &series, now),
                        _ => flow(ui, width, &series, now),
                    }
                });
            }
        });
        ui.add_space(8.0);
    }
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
        // An hour of zeros (a quiet team, a fresh server) keeps 0..1 instead of egui_plot's
        // symmetric ±30 around a flat line.
        .include_y(1.0)
        .x_axis_formatter(|mark, _| {
            let minutes = -mark.value;
            if minutes.abs() < 0.5 {
                "now".to_owned()
            } else {
                format!("{minutes:.0} min ago")
            }
        })
        .legend(
            Legend::default()
                .position(egui_plot::Corner::LeftTop)
                .follow_insertion_order(true),
        )
}

fn per_team(
    ui: &mut egui::Ui,
    id: &str,
    width: f32,
    series: &[(String, &[SeriesPoint])],
    now: UnixMillis,
    y: impl Fn(&SeriesPoint) -> f64,
) {
    base(id, width).show(ui, |plot| {
        for (name, points) in series {
            plot.line(Line::new(name.as_str(), line_of(points, now, &y)));
        }
    });
}

/// The worst value of each step with accepts across teams (all teams' steps end at the same
/// instants).
fn worst(
    series: &[(String, &[SeriesPoint])],
    y: impl Fn(&SeriesPoint) -> u64,
) -> Vec<(UnixMillis, u64)> {
    let mut by_step: std::collections::BTreeMap<UnixMillis, u64> = Default::default();
    for (_, points) in series {
        // A step without accepts has no waits to tell (its zeros are not short waits).
        for p in points.iter().filter(|p| p.accepts > 0) {
            let value = by_step.entry(p.at).or_default();
            *value = (*value).max(y(p));
        }
    }
    by_step.into_iter().collect()
}

fn wait_times(ui: &mut egui::Ui, width: f32, series: &[(String, &[SeriesPoint])], now: UnixMillis) {
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

fn flow(ui: &mut egui::Ui, width: f32, series: &[(String, &[SeriesPoint])], now: UnixMillis) {
    // Per 10 s the counts are 0, 1 or 2 and the lines only zigzag: summed per minute
    // (all teams' when all are shown), the trend reads.
    let per_minute = |y: fn(&SeriesPoint) -> u32| -> PlotPoints<'static> {
        // (sum, how many steps) per minute.
        let mut by_minute: std::collections::BTreeMap<UnixMillis, (u32, u32)> = Default::default();
        for (_, points) in series {
            for p in *points {
                let minute_end = p.at.saturating_sub(1) / MINUTE_MS * MINUTE_MS + MINUTE_MS;
                let bucket = by_minute.entry(minute_end).or_default();
                bucket.0 += y(p);
                bucket.1 += 1;
            }
        }
        // The hour's first and the current minute hold only part of their steps: left out,
        // they would read as sudden drops.
        let full = by_minute
            .values()
            .map(|(_, steps)| *steps)
            .max()
            .unwrap_or(0);
        by_minute
            .into_iter()
            .filter(|(_, (_, steps))| *steps == full)
            .map(|(at, (n, _))| [-(now.saturating_sub(at) as f64) / 60_000.0, f64::from(n)])
            .collect()
    };
    base("plot_flow", width).show(ui, |plot| {
        plot.line(Line::new("arrivals", per_minute(|p| p.arrivals)));
        plot.line(Line::new("accepts", per_minute(|p| p.accepts)));
    });
}
