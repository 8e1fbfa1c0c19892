//! Transferring a session (seed 003): to a team's queue or a rep's personal queue, staying
//! in the session as a participant or leaving it. A small window in the console.

use super::intent::Intent;
use crate::model::{Model, SessionState};
use crate::text::display;
use switchboard_protocol::{RepRequest, SessionId, TransferTarget};

/// The dialog's choices between frames; `session_id` is `None` while it is closed.
#[derive(Debug, Clone, Default)]
pub struct TransferDialog {
    pub session_id: Option<SessionId>,
    pub target: Option<TransferTarget>,
    /// Stay in the session as a participant after the transfer.
    pub stay: bool,
}

impl TransferDialog {
    pub fn open(session_id: SessionId) -> TransferDialog {
        TransferDialog {
            session_id: Some(session_id),
            target: None,
            stay: false,
        }
    }
}

pub fn transfer_dialog_ui(
    ctx: &egui::Context,
    dialog: &mut TransferDialog,
    model: &Model,
    session: &SessionState,
    intents: &mut Vec<Intent>,
) {
    let session_id = session.info.session_id;
    let modal =
        egui::Modal::new(egui::Id::unique(("transfer_dialog", session_id.0))).show(ctx, |ui| {
            ui.set_width(400.0);
            ui.heading(format!(
                "Transfer the session with {}",
                session.info.customer.name
            ));
            ui.add_space(6.0);
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    targets_ui(ui, model, session_id, &mut dialog.target)
                });
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.radio_value(&mut dialog.stay, true, "Stay in session")
                    .on_hover_text("Keep the tab as a participant; the new owner leads.");
                ui.radio_value(&mut dialog.stay, false, "Leave session")
                    .on_hover_text("The tab closes once the session is transferred.");
            });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let chosen = dialog.target.clone();
                let transfer = ui
                    .add_enabled(chosen.is_some(), egui::Button::new("Transfer session"))
                    .on_disabled_hover_text("Choose a team or a representative first.");
                if transfer.clicked()
                    && let Some(target) = chosen
                {
                    intents.push(Intent::Request(RepRequest::Transfer {
                        session_id,
                        target,
                        stay: dialog.stay,
                    }));
                    intents.push(Intent::CloseTransfer);
                }
                if ui.button("Cancel").clicked() {
                    intents.push(Intent::CloseTransfer);
                }
            });
        });
    if modal.should_close() {
        intents.push(Intent::CloseTransfer);
    }
}

/// Teams, then the representatives the server lists as reachable now (`list_invitees`,
/// asked for when the dialog opens: other teams' reps too when the rep may share outside
/// their teams). Until that answer arrives a spinner stands in, so no list jumps under the
/// pointer.
fn targets_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session_id: SessionId,
    target: &mut Option<TransferTarget>,
) {
    ui.weak("Teams (the session waits in the team's queue)");
    for team in &model.teams {
        let choice = TransferTarget::Team {
            team: team.team.clone(),
        };
        ui.selectable_value(target, Some(choice), team.display_name.as_str());
    }
    ui.add_space(4.0);
    // Reps already in the session may take it over (list_invitees leaves them out).
    let me = model.me_id();
    let participants: Vec<_> = model
        .sessions
        .get(&session_id)
        .map(|s| {
            s.info
                .participants
                .iter()
                .filter(|r| Some(*r) != me)
                .collect()
        })
        .unwrap_or_default();
    if !participants.is_empty() {
        ui.weak("In this session (they become the owner when they accept)");
        for rep in &participants {
            let choice = TransferTarget::Rep {
                rep: (*rep).clone(),
            };
            ui.selectable_value(target, Some(choice), model.rep_name(rep));
        }
        ui.add_space(4.0);
    }
    ui.weak("Representatives (their personal queue)");
    let Some(invitees) = model.invitees.get(&session_id).filter(|i| !i.loading) else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("Finding who is reachable…");
        });
        return;
    };
    let reps = invitees.representatives();
    if reps.is_empty() {
        ui.weak("Nobody else is reachable right now.");
    }
    for rep in reps.into_iter().filter(|r| !participants.contains(&&r.rep)) {
        ui.horizontal(|ui| {
            let choice = TransferTarget::Rep {
                rep: rep.rep.clone(),
            };
            ui.selectable_value(target, Some(choice), rep.display_name.as_str());
            ui.weak(display::presence(rep.presence).to_lowercase());
        });
    }
}
