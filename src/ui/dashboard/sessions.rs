//! The Dashboard's sessions in progress: one sortable table (customer, owner, participants,
//! duration, time since the customer's unanswered message, important, assistance; the sort
//! is remembered) with per row **Monitor**, **Join** and **Take over**. Each is greyed with
//! its reason on hover when the snapshot's permissions do not allow it or it makes no
//! sense (already in the session, already the owner). Only the visible rows are laid out.

use super::{DashboardPanel, sort_header, team_name};
use crate::model::Model;
use crate::model::dashboard::{DashboardState, SessionColumn, TableSort, elapsed};
use crate::text::dashboard::{
    ALREADY_IN, ALREADY_MONITORING, ALREADY_OWNER, JOIN, MONITOR, NO_JOIN, NO_MONITOR,
    NO_TAKE_OVER, TAKE_OVER,
};
/// The rows' accessible names and the table's title, here too for the tests that click them.
pub use crate::text::dashboard::{
    join_label, monitor_label, sessions_title as title, take_over_label,
};
use crate::text::display;
use crate::ui::intent::Intent;
use egui_extras::{Column as TableColumn, TableBuilder};
use switchboard_protocol::supervision::{LiveSession, PreviousOwner, WaitLevel};
use switchboard_protocol::{RepRequest, UnixMillis};

const ROW_HEIGHT: f32 = 26.0;
/// Rows shown before the table scrolls.
const ROWS_SHOWN: usize = 12;

/// Why each action is greyed for this lead in this session (`None`: allowed).
pub struct RowActions {
    pub monitor: Option<&'static str>,
    pub join: Option<&'static str>,
    pub take_over: Option<&'static str>,
}

pub fn row_actions(model: &Model, session: &LiveSession) -> RowActions {
    let permissions = model.permissions.as_ref();
    let me = model.me_id();
    let tab = model.sessions.get(&session.session_id);
    let in_it = tab.is_some();
    // The session's own view knows first (it arrives before the dashboard's next delta).
    let monitoring = me.is_some_and(|me| {
        session.monitors.contains(me) || tab.is_some_and(|t| t.info.monitors.contains(me))
    });
    let participant = in_it && !monitoring;
    let owner = me.is_some() && session.owner.as_ref() == me;
    RowActions {
        monitor: if !permissions.is_some_and(|p| p.monitor) {
            Some(NO_MONITOR)
        } else if monitoring {
            Some(ALREADY_MONITORING)
        } else if participant {
            Some(ALREADY_IN)
        } else {
            None
        },
        join: if !permissions.is_some_and(|p| p.lead) {
            Some(NO_JOIN)
        } else if participant {
            Some(ALREADY_IN)
        } else {
            None
        },
        take_over: if !permissions.is_some_and(|p| p.take_over) {
            Some(NO_TAKE_OVER)
        } else if owner {
            Some(ALREADY_OWNER)
        } else {
            None
        },
    }
}

pub fn sessions_ui(
    ui: &mut egui::Ui,
    model: &Model,
    state: &DashboardState,
    panel: &mut DashboardPanel,
    sort: TableSort<SessionColumn>,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let name = |rep: &switchboard_protocol::RepId| model.rep_name(rep);
    let rows = panel
        .views
        .sessions(state, panel.team.as_ref(), sort, &name)
        .to_vec();
    ui.strong(title(rows.len()));
    if rows.is_empty() {
        ui.weak("None right now.");
        return;
    }
    let all_teams = panel.team.is_none();
    let narrow = ui.available_width() < super::NARROW;
    let height = ROW_HEIGHT * rows.len().min(ROWS_SHOWN) as f32;
    ui.push_id("dashboard_sessions", |ui| {
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        let mut builder = TableBuilder::new(ui)
            .id_salt("dashboard_sessions_table")
            .striped(true)
            .min_scrolled_height(height)
            .max_scroll_height(height)
            .auto_shrink([false, true])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
        if all_teams {
            builder = builder.column(TableColumn::initial(90.0).at_least(60.0).clip(true));
        }
        for column in SessionColumn::ALL {
            builder = builder.column(match column {
                SessionColumn::Customer => TableColumn::remainder().at_least(100.0).clip(true),
                SessionColumn::Owner => TableColumn::initial(if narrow { 80.0 } else { 120.0 })
                    .at_least(60.0)
                    .clip(true),
                SessionColumn::Participants => {
                    TableColumn::initial(if narrow { 40.0 } else { 90.0 })
                        .at_least(36.0)
                        .clip(true)
                }
                _ => TableColumn::initial(if narrow { 64.0 } else { 84.0 })
                    .at_least(40.0)
                    .clip(true),
            });
        }
        builder = builder.column(TableColumn::auto().at_least(if narrow { 170.0 } else { 230.0 }));
        builder
            .header(ROW_HEIGHT, |mut header| {
                if all_teams {
                    header.col(|ui| {
                        ui.strong("Team");
                    });
                }
                for column in SessionColumn::ALL {
                    header.col(|ui| {
                        let sorted = column == sort.column;
                        let label = match (narrow, column) {
                            (true, SessionColumn::Participants) => "In it",
                            (true, SessionColumn::Important) => "★",
                            (true, SessionColumn::Assistance) => "Help",
                            _ => column.label(),
                        };
                        if sort_header(ui, label, sorted, sort.descending) {
                            intents.push(Intent::SortDashboardSessions(column));
                        }
                    });
                }
                header.col(|_| {});
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                    let Some(session) = rows
                        .get(row.index())
                        .and_then(|i| state.data.sessions.get(*i))
                    else {
                        return;
                    };
                    if all_teams {
                        row.col(|ui| {
                            let team = session
                                .team
                                .as_ref()
                                .map_or_else(String::new, |t| team_name(model, t));
                            ui.add(egui::Label::new(team).truncate());
                        });
                    }
                    row_ui(&mut row, model, state, session, now, intents);
                });
            });
    });
}

fn row_ui(
    row: &mut egui_extras::TableRow<'_, '_>,
    model: &Model,
    state: &DashboardState,
    session: &LiveSession,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    row.col(|ui| {
        ui.add(egui::Label::new(&session.customer).truncate());
    });
    row.col(|ui| {
        let owner = session
            .owner
            .as_ref()
            .map_or_else(|| "—".to_owned(), |o| model.rep_name(o));
        ui.add(egui::Label::new(owner).truncate());
    });
    row.col(|ui| {
        let names: Vec<String> = session
            .participants
            .iter()
            .map(|r| model.rep_name(r))
            .collect();
        ui.add(egui::Label::new(session.participants.len().to_string()).truncate())
            .on_hover_text(names.join(", "));
    });
    row.col(|ui| {
        ui.label(display::wait(elapsed(session.started_at, now)));
    });
    row.col(|ui| match session.unanswered_since {
        Some(since) => {
            let waited = elapsed(since, now);
            let level = session
                .team
                .as_ref()
                .and_then(|t| state.team(t))
                .map_or(WaitLevel::Normal, |t| t.service_level.level(waited));
            let mut text = egui::RichText::new(display::wait(waited));
            if let Some(colour) = crate::theme::wait_colour(level, ui.visuals().dark_mode) {
                text = text.color(colour).strong();
            }
            ui.label(text)
                .on_hover_text("Since the customer's oldest message no rep has answered");
        }
        None => {
            ui.weak("—");
        }
    });
    row.col(|ui| {
        if session.important {
            ui.label("★").on_hover_text("Marked important");
        }
    });
    row.col(|ui| {
        if session.assistance {
            ui.colored_label(ui.visuals().warn_fg_color, "Asked")
                .on_hover_text("The rep asked a lead for assistance");
        }
    });
    row.col(|ui| {
        let actions = row_actions(model, session);
        let session_id = session.session_id;
        let customer = &session.customer;
        if action_button(ui, MONITOR, &monitor_label(customer), actions.monitor) {
            intents.push(Intent::Request(RepRequest::MonitorSession { session_id }));
        }
        if action_button(ui, JOIN, &join_label(customer), actions.join) {
            intents.push(Intent::Request(RepRequest::JoinSession { session_id }));
        }
        if action_button(ui, TAKE_OVER, &take_over_label(customer), actions.take_over) {
            intents.push(Intent::Request(RepRequest::TakeOver {
                session_id,
                previous_owner: PreviousOwner::Stay,
            }));
        }
    });
}

/// A row's button: greyed with `why_not` on hover; named `label` for screen readers.
fn action_button(ui: &mut egui::Ui, text: &str, label: &str, why_not: Option<&str>) -> bool {
    let enabled = why_not.is_none();
    let button = ui
        .add_enabled(enabled, egui::Button::new(text).small())
        .on_disabled_hover_text(why_not.unwrap_or_default());
    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, label));
    button.clicked()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{Permissions, Presence, RepId, RepInfo, SessionId, TeamId};

    fn lead(lead: bool, monitor: bool, take_over: bool) -> Model {
        let mut model = Model::new();
        model.me = Some(RepInfo {
            rep: RepId::new("grace"),
            display_name: "Grace".into(),
            teams: vec![TeamId::new("billing")],
            presence: Presence::Available,
            extended_availability: false,
        });
        model.permissions = Some(Permissions {
            general_queue: true,
            share_outside_teams: false,
            transfer: true,
            max_sessions: 4,
            lead,
            screen: Default::default(),
            shell: false,
            support_button: false,
            jump_client: false,
            elevate: false,
            monitor,
            whisper: false,
            take_over,
        });
        model
    }

    fn live(owner: &str, monitors: &[&str]) -> LiveSession {
        LiveSession {
            session_id: SessionId(7),
            team: Some(TeamId::new("billing")),
            customer: "Pat".into(),
            owner: Some(RepId::new(owner)),
            participants: vec![RepId::new(owner)],
            started_at: 0,
            unanswered_since: None,
            important: false,
            assistance: false,
            monitors: monitors.iter().map(|m| RepId::new(*m)).collect(),
        }
    }

    #[test]
    fn each_action_is_greyed_with_its_reason() {
        let all = row_actions(&lead(true, true, true), &live("alice", &[]));
        assert_eq!(
            (all.monitor, all.join, all.take_over),
            (None, None, None),
            "a lead with every permission, someone else's session"
        );
        let bare = row_actions(&lead(true, false, false), &live("alice", &[]));
        assert_eq!(bare.monitor, Some(NO_MONITOR));
        assert_eq!(bare.join, None);
        assert_eq!(bare.take_over, Some(NO_TAKE_OVER));
        let not_lead = row_actions(&lead(false, false, false), &live("alice", &[]));
        assert_eq!(not_lead.join, Some(NO_JOIN));
        let monitoring = row_actions(&lead(true, true, true), &live("alice", &["grace"]));
        assert_eq!(monitoring.monitor, Some(ALREADY_MONITORING));
        assert_eq!(monitoring.join, None, "a monitor may still join");
        let owner = row_actions(&lead(true, true, true), &live("grace", &[]));
        assert_eq!(owner.take_over, Some(ALREADY_OWNER));
    }
}
