//! One session event told inline in the chat ("Bob Okafor joined", "Transferred to
//! Technical Support", "The customer disconnected"): a centred, italic, muted line between
//! rules, so it never reads as a message from anyone.

use crate::model::Model;
use crate::model::session_events::SessionEventKind;
use crate::text;
use crate::text::display;
use switchboard_protocol::QueueRef;

/// The words for an event.
pub fn event_text(model: &Model, event: &SessionEventKind) -> String {
    match event {
        SessionEventKind::Joined(rep) => text::joined(&model.rep_name(rep)),
        SessionEventKind::Left(rep) => text::left(&model.rep_name(rep)),
        SessionEventKind::TransferredTo(QueueRef::Personal { rep }) => {
            text::transferred_to(&model.rep_name(rep))
        }
        SessionEventKind::TransferredTo(queue) => {
            text::transferred_to(&display::queue(queue, &model.teams))
        }
        SessionEventKind::NewOwner(rep) => text::new_owner(&model.rep_name(rep)),
        SessionEventKind::Invited { inviter, target } => {
            text::invited(&model.rep_name(inviter), &model.invite_target_name(target))
        }
        SessionEventKind::CustomerDisconnected => text::CUSTOMER_DISCONNECTED.to_owned(),
        SessionEventKind::CustomerReconnected => text::CUSTOMER_RECONNECTED.to_owned(),
    }
}

pub fn event_ui(ui: &mut egui::Ui, model: &Model, event: &SessionEventKind) {
    ui.add_space(2.0);
    ui.vertical_centered(|ui| {
        let line = egui::RichText::new(event_text(model, event))
            .italics()
            .small()
            .color(ui.visuals().weak_text_color());
        ui.add(egui::Label::new(line).wrap());
    });
    ui.add_space(2.0);
}
