//! The details pane of the selected queue entry: who, where from, how long, the question
//! and the queue history, with Accept (or Accept invitation / Decline) and Close details.

use super::accept_intent;
use crate::model::Model;
use crate::text::display;
use crate::ui::details_field;
use crate::ui::intent::Intent;
use switchboard_protocol::{QueueEntry, RepRequest, UnixMillis};

pub fn details_ui(
    ui: &mut egui::Ui,
    model: &Model,
    entry: &QueueEntry,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        ui.heading(display::customer(entry));
        if entry.important {
            ui.colored_label(ui.visuals().error_fg_color, "Important");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Close details").clicked() {
                intents.push(Intent::Select(None));
            }
            if let Some(invitation) = &entry.invitation {
                if ui.button("Decline").clicked() {
                    intents.push(Intent::Request(RepRequest::DeclineInvitation {
                        invitation_id: invitation.invitation_id,
                    }));
                }
                if ui.button("Accept invitation").clicked() {
                    intents.push(accept_intent(entry));
                }
            } else if ui.button("Accept").clicked() {
                intents.push(accept_intent(entry));
            }
        });
    });
    egui::Grid::new("entry_details")
        .num_columns(4)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            details_field(
                ui,
                "Company",
                entry.customer.company.clone().unwrap_or_default(),
            );
            details_field(ui, "Queue", display::queue(&entry.queue, &model.teams));
            ui.end_row();
            details_field(
                ui,
                "Issue",
                display::issue(entry.issue.as_ref(), &model.issues),
            );
            details_field(
                ui,
                "Entry",
                display::entry_path(entry.entry_path).to_owned(),
            );
            ui.end_row();
            details_field(
                ui,
                "In queue",
                display::wait(now.saturating_sub(entry.entered_queue_at)),
            );
            details_field(
                ui,
                "Session started",
                display::clock(entry.session_started_at),
            );
            ui.end_row();
            details_field(ui, "Session", format!("#{}", entry.session_id));
            details_field(
                ui,
                "Session key",
                entry.session_key.clone().unwrap_or_default(),
            );
            ui.end_row();
        });
    if let Some(question) = &entry.customer.question {
        ui.add_space(4.0);
        ui.weak("Question");
        ui.label(question);
    }
    if entry.history.len() > 1 {
        ui.add_space(4.0);
        ui.weak("Queue history");
        for hop in &entry.history {
            ui.label(format!(
                "{}  {} — {:?}{}",
                display::clock(hop.at),
                display::queue(&hop.queue, &model.teams),
                hop.reason,
                hop.by
                    .as_ref()
                    .map(|r| format!(" by {r}"))
                    .unwrap_or_default()
            ));
        }
    }
}
