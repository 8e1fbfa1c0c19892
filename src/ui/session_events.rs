//! Session events told inline in the chat ("Bob Okafor joined the session.", "Transferred
//! to Technical Support", "The customer disconnected"): the server's own lines
//! (`Author::System`) and, against a server that sends none, the events the model derived.
//! Both are a centred, small, italic, muted line without a bubble, so they never read as a
//! message from anyone.

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
    line_ui(ui, &event_text(model, event), None);
}

/// One event line: centred, small, italic, in the secondary text colour (≥ 4.5:1 in both
/// themes), no bubble, so it never reads as somebody's message. `at`: when, on hover.
pub fn line_ui(ui: &mut egui::Ui, text: &str, at: Option<switchboard_protocol::UnixMillis>) {
    ui.add_space(2.0);
    ui.vertical_centered(|ui| {
        let line = egui::RichText::new(text)
            .italics()
            .small()
            .color(ui.visuals().weak_text_color());
        let label = ui.add(egui::Label::new(line).wrap());
        if let Some(at) = at {
            label.on_hover_text(display::clock(at));
        }
    });
    ui.add_space(2.0);
}
