//! For team leads: the "Assistance" menu in the top bar lists sessions whose rep asked for
//! help, with a Join button each (the lead steps into the session and sees its whole chat).

use super::intent::Intent;
use crate::model::Model;
use crate::text::display;
use switchboard_protocol::RepRequest;

pub fn assistance_menu_ui(ui: &mut egui::Ui, model: &Model, now: u64, intents: &mut Vec<Intent>) {
    if !model.permissions.as_ref().is_some_and(|p| p.lead) {
        return;
    }
    let open = model.assistance.len();
    let label = if open > 0 {
        egui::RichText::new(format!("Assistance ({open})")).color(ui.visuals().warn_fg_color)
    } else {
        egui::RichText::new("Assistance")
    };
    ui.menu_button(label, |ui| {
        if model.assistance.is_empty() {
            ui.weak("Nobody asked for assistance.");
            return;
        }
        egui::Grid::new("assistance_requests")
            .num_columns(3)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for request in &model.assistance {
                    ui.label(format!(
                        "{} with {}",
                        model.rep_name(&request.rep),
                        request.session.customer.name
                    ));
                    ui.weak(format!(
                        "asked {} ago",
                        display::wait(now.saturating_sub(request.at))
                    ));
                    let already_in = model.sessions.contains_key(&request.session.session_id);
                    let join = ui.add_enabled(!already_in, egui::Button::new("Join"));
                    if join.clicked() {
                        intents.push(Intent::Request(RepRequest::JoinSession {
                            session_id: request.session.session_id,
                        }));
                        ui.close();
                    }
                    ui.end_row();
                }
            });
    });
}
