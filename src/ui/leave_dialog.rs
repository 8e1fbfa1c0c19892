//! Logging out or quitting with sessions still open asks first: leave them in their queues
//! (sessions the rep only takes part in are left), transfer them (the first one's Transfer
//! dialog opens and nothing else happens), or cancel. Esc cancels.

use super::intent::{Intent, Leaving};
use crate::model::Model;
use crate::text;

pub fn leave_dialog_ui(
    ctx: &egui::Context,
    model: &Model,
    leaving: Leaving,
    intents: &mut Vec<Intent>,
) {
    let open = model.tabs.len();
    let modal = egui::Modal::new(egui::Id::unique("leave_dialog")).show(ctx, |ui| {
        ui.set_width(400.0);
        ui.heading(match leaving {
            Leaving::LogOut => "Log out?",
            Leaving::Quit => "Quit Switchboard?",
        });
        ui.add_space(6.0);
        ui.label(text::sessions_still_open(open));
        ui.weak(
            "Customers you own go back to their queues; sessions you joined go on without you.",
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let go = match leaving {
                Leaving::LogOut => "Leave in queue and log out",
                Leaving::Quit => "Leave in queue and quit",
            };
            if ui.button(go).clicked() {
                intents.push(Intent::LeaveAll(leaving));
            }
            let can_transfer = model
                .tabs
                .iter()
                .filter_map(|id| model.sessions.get(id))
                .find(|s| model.owns(&s.info));
            if let Some(session) = can_transfer
                && ui
                    .button("Transfer…")
                    .on_hover_text("Transfer your sessions first, one at a time.")
                    .clicked()
            {
                intents.push(Intent::CancelLeave);
                intents.push(Intent::ShowTab(Some(session.info.session_id)));
                intents.push(Intent::OpenTransfer(session.info.session_id));
            }
            if ui.button("Cancel").clicked() {
                intents.push(Intent::CancelLeave);
            }
        });
    });
    if modal.should_close() {
        intents.push(Intent::CancelLeave);
    }
}
