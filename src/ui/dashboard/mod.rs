//! The Dashboard: a team lead's view beside Queues (a plain rep has none). From the top: a
//! team filter, one card per team with its figures now ([`teams`]), the last hour as plots
//! ([`plots`]), the sessions in progress with Monitor, Join and Take over ([`sessions`]),
//! and the reps' load ([`reps`]). It draws from the model's [`DashboardState`] (kept current
//! by the server's deltas, never polled) and pushes intents; sorting is remembered in the
//! preferences. The whole view scrolls; each table scrolls its own rows so only the visible
//! ones are laid out (1,000 sessions stay cheap).

pub mod plots;
pub mod reps;
pub mod sessions;
pub mod teams;

use crate::model::Model;
use crate::model::dashboard::{DashboardSort, DashboardState, DashboardViews};
/// The tab's title, here too for the tests that open the Dashboard.
pub use crate::text::dashboard::DASHBOARD;
use crate::text::dashboard::{ALL_TEAMS, TEAM_FILTER};
use crate::ui::intent::Intent;
use switchboard_protocol::{TeamId, UnixMillis};

/// Below this width the cards, plots and tables stack in one column.
pub const NARROW: f32 = 900.0;

/// The Dashboard's own state between frames: whether it is in front, the team shown, the
/// tables' cached order (the sort itself lives in the preferences).
#[derive(Debug, Clone, Default)]
pub struct DashboardPanel {
    /// The dashboard is in front (the session tab in front is then `None`).
    pub shown: bool,
    /// Only this team's cards, plots and rows (all teams when `None`).
    pub team: Option<TeamId>,
    pub views: DashboardViews,
}

/// A team's name as the lead reads it (its id when the snapshot does not name it).
pub fn team_name(model: &Model, team: &TeamId) -> String {
    model
        .teams
        .iter()
        .find(|t| &t.team == team)
        .map_or_else(|| team.to_string(), |t| t.display_name.clone())
}

/// The Dashboard at `now`; `sort` is the remembered order of its tables.
pub fn dashboard_ui(
    ui: &mut egui::Ui,
    model: &Model,
    sort: DashboardSort,
    panel: &mut DashboardPanel,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let Some(state) = &model.dashboard else {
        ui.weak("No dashboard: it is for team leads.");
        return;
    };
    if panel.team.as_ref().is_some_and(|t| state.team(t).is_none()) {
        panel.team = None;
    }
    filter_ui(ui, model, state, panel);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("dashboard_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            teams::cards_ui(ui, model, state, panel, now);
            ui.add_space(8.0);
            plots::plots_ui(ui, model, state, panel.team.as_ref(), now);
            ui.add_space(8.0);
            sessions::sessions_ui(ui, model, state, panel, sort.sessions, now, intents);
            ui.add_space(8.0);
            reps::reps_ui(ui, model, state, panel, sort.reps, now, intents);
        });
}

fn filter_ui(ui: &mut egui::Ui, model: &Model, state: &DashboardState, panel: &mut DashboardPanel) {
    ui.horizontal(|ui| {
        ui.heading(DASHBOARD);
        ui.add_space(12.0);
        let label = ui.label(TEAM_FILTER);
        let selected = panel
            .team
            .as_ref()
            .map_or_else(|| ALL_TEAMS.to_owned(), |t| team_name(model, t));
        egui::ComboBox::from_id_salt("dashboard_team")
            .selected_text(selected)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut panel.team, None, ALL_TEAMS);
                for team in &state.data.teams {
                    let name = team_name(model, &team.team);
                    ui.selectable_value(&mut panel.team, Some(team.team.clone()), name);
                }
            })
            .response
            .labelled_by(label.id);
    });
}

/// A table's header cell that sorts on click (again to reverse), with the arrow of the
/// sorted column.
pub(crate) fn sort_header(ui: &mut egui::Ui, label: &str, sorted: bool, descending: bool) -> bool {
    let arrow = match (sorted, descending) {
        (false, _) => "",
        (true, true) => " ▼",
        (true, false) => " ▲",
    };
    ui.add(egui::Button::selectable(sorted, format!("{label}{arrow}")).frame(false))
        .on_hover_text("Click to sort; again to reverse")
        .clicked()
}
