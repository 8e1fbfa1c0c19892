//! "Waiting activities" (seed 004): work waiting in the rep's push queues that they may
//! take even though it is not offered to them (while another rep has the offer, while
//! their presence is busy or away, or paused). Listed in a menu with the customer, the
//! queue and the wait, each with Accept; the server lets any member take from the queue.

use crate::model::Model;
use crate::text;
use crate::text::display;
use crate::ui::intent::Intent;
use switchboard_protocol::{QueueEntry, QueueMode, RepRequest, UnixMillis};

/// Entries in push queues, except the one offered to this rep (its box already shows it);
/// longest waiting first.
pub fn waiting_activities(model: &Model) -> Vec<&QueueEntry> {
    let offered = model.offer.as_ref().map(|o| o.entry.session_id);
    let mut entries: Vec<&QueueEntry> = model
        .queues
        .iter()
        .filter(|q| q.mode == QueueMode::Push)
        .flat_map(|q| &q.entries)
        .filter(|e| Some(e.session_id) != offered)
        .collect();
    entries.sort_by_key(|e| e.entered_queue_at);
    entries
}

/// The "Waiting activities (N)" menu ("Waiting (N)" in a narrow window).
pub fn waiting_activities_ui(
    ui: &mut egui::Ui,
    model: &Model,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let waiting = waiting_activities(model);
    let short = super::compact(ui.ctx());
    let label = text::waiting_activities(waiting.len(), short);
    let menu = ui.menu_button(label, |ui| {
        if waiting.is_empty() {
            ui.weak("Nothing is waiting in your push queues.");
            return;
        }
        egui::Grid::new("waiting_activities")
            .num_columns(4)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for entry in &waiting {
                    ui.strong(display::customer(entry));
                    ui.label(display::queue(&entry.queue, &model.teams));
                    ui.label(display::wait(now.saturating_sub(entry.entered_queue_at)));
                    if ui.button("Accept").clicked() {
                        intents.push(accept(entry));
                        ui.close();
                    }
                    ui.end_row();
                }
            });
    });
    if short {
        menu.response
            .on_hover_text(text::waiting_activities(waiting.len(), false));
    }
}

fn accept(entry: &QueueEntry) -> Intent {
    Intent::Request(match &entry.invitation {
        Some(invitation) => RepRequest::AcceptInvitation {
            invitation_id: invitation.invitation_id,
        },
        None => RepRequest::Accept {
            session_id: entry.session_id,
        },
    })
}
