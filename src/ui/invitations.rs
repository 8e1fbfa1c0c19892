//! The active invitations of a session, each with a Cancel button for the owner
//! (seed 002: revoke an invitation while it is still active).

use super::intent::Intent;
use crate::model::Model;
use crate::text::display;
use switchboard_protocol::{RepRequest, SessionInfo};

/// One line per active invitation; nothing when there are none.
pub fn invitations_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionInfo,
    intents: &mut Vec<Intent>,
) {
    if session.invitations.is_empty() {
        return;
    }
    let owner = model.owns(session);
    ui.horizontal_wrapped(|ui| {
        ui.weak("Invited");
        for invitation in &session.invitations {
            let target = model.invite_target_name(&invitation.target);
            egui::Frame::group(ui.style())
                .inner_margin(egui::Margin::symmetric(6, 2))
                .show(ui, |ui| {
                    ui.label(&target);
                    ui.weak(format!("since {}", display::clock(invitation.created_at)));
                    if owner {
                        let name = format!("Cancel the invitation for {target}");
                        let cancel = ui.small_button("Cancel").on_hover_text(&name);
                        cancel.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &name)
                        });
                        if cancel.clicked() {
                            intents.push(Intent::Request(RepRequest::CancelInvitation {
                                invitation_id: invitation.invitation_id,
                            }));
                        }
                    }
                });
        }
    });
}
