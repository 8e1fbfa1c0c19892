//! A lead's Dashboard in the app: whether it is in front (only for a lead whose snapshot
//! carried one, and only while no session tab is), drawing it with a redraw each second
//! while it shows (the longest waits and durations count up), and its intents.

use super::*;
use crate::ui::dashboard::dashboard_ui;

impl SwitchboardApp {
    /// Whether the Dashboard is what the central panel shows.
    pub(super) fn dashboard_in_front(&self) -> bool {
        self.panels.front.is_none() && self.panels.dashboard.shown && self.model.dashboard.is_some()
    }

    /// Whether the queues are what the central panel shows.
    pub(super) fn queues_in_front(&self) -> bool {
        self.panels.front.is_none() && !self.dashboard_in_front()
    }

    /// The Dashboard tab's state for the tab row: `None` for a rep who is no lead.
    pub(super) fn dashboard_tab(&self) -> Option<bool> {
        self.model
            .dashboard
            .as_ref()
            .map(|_| self.dashboard_in_front())
    }

    pub(super) fn dashboard_central_ui(
        &mut self,
        ui: &mut egui::Ui,
        now: switchboard_protocol::UnixMillis,
        intents: &mut Vec<Intent>,
    ) {
        // Live figures (longest wait, durations) count up each second while it shows.
        crate::pace::tick(ui.ctx(), now, crate::pace::SECOND_MS);
        let sort = self.settings.prefs.dashboard_sort;
        dashboard_ui(
            ui,
            &self.model,
            sort,
            &mut self.panels.dashboard,
            now,
            intents,
        );
    }

    /// Brings the Dashboard to the front, as its tab does (the screenshots' fixture).
    pub fn show_dashboard(&mut self) {
        self.handle_dashboard(Intent::ShowDashboard);
    }

    pub(super) fn handle_dashboard(&mut self, intent: Intent) {
        match intent {
            Intent::ShowDashboard => {
                self.panels.front = None;
                self.panels.dashboard.shown = true;
            }
            Intent::SortDashboardSessions(column) => {
                self.settings.prefs.dashboard_sort.sessions.sort_by(column);
                self.save_prefs();
            }
            Intent::SortDashboardReps(column) => {
                self.settings.prefs.dashboard_sort.reps.sort_by(column);
                self.save_prefs();
            }
            _ => {}
        }
    }
}
