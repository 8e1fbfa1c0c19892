//! Closing a session tab as its owner: end the session (with a disposition, where the
//! server requires one), end it and have the customer client uninstall itself (only for a
//! connected customer client; greyed with why otherwise), or leave it in its queue. A small
//! window in the console, not an OS dialog. Both ends stay greyed until a disposition is
//! chosen, and the dialog says why; Esc (or a click beside it) cancels.

use super::intent::Intent;
use crate::model::SessionState;
use crate::model::client_actions::uninstall_unavailable;
use crate::text;
use crate::text::actions as words;
use switchboard_protocol::CloseMode;

/// The dialog's choices between frames.
#[derive(Debug, Clone, Default)]
pub struct CloseDialog {
    pub session_id: Option<switchboard_protocol::SessionId>,
    pub disposition: Option<String>,
}

pub fn close_dialog_ui(
    ctx: &egui::Context,
    dialog: &mut CloseDialog,
    session: &SessionState,
    dispositions: &[String],
    require_disposition: bool,
    intents: &mut Vec<Intent>,
) {
    let session_id = session.info.session_id;
    if dialog.disposition.is_none() {
        dialog.disposition = session.info.disposition.clone();
    }
    // Where the server requires a disposition, End waits for one (and says so).
    let missing = require_disposition && dialog.disposition.is_none();
    let modal =
        egui::Modal::new(egui::Id::unique(("close_dialog", session_id.0))).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading(format!(
                "Close the session with {}?",
                session.info.customer.name
            ));
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let label = ui.label("Disposition");
                egui::ComboBox::from_id_salt("disposition")
                    .selected_text(
                        dialog
                            .disposition
                            .clone()
                            .unwrap_or_else(|| "Choose…".to_owned()),
                    )
                    .show_ui(ui, |ui| {
                        for choice in dispositions {
                            ui.selectable_value(
                                &mut dialog.disposition,
                                Some(choice.clone()),
                                choice,
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            if missing {
                ui.add_space(4.0);
                ui.colored_label(ui.visuals().warn_fg_color, text::CHOOSE_DISPOSITION);
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!missing, egui::Button::new("End session"))
                    .on_hover_text("The customer is told the session is over.")
                    .on_disabled_hover_text(text::CHOOSE_DISPOSITION)
                    .clicked()
                {
                    intents.push(Intent::Close {
                        session_id,
                        mode: CloseMode::End,
                        disposition: dialog.disposition.clone(),
                    });
                }
                if ui
                    .button("Leave in queue")
                    .on_hover_text("The session goes back to its queue with its history.")
                    .clicked()
                {
                    intents.push(Intent::Close {
                        session_id,
                        mode: CloseMode::LeaveInQueue,
                        disposition: None,
                    });
                }
                if ui.button("Cancel").clicked() {
                    intents.push(Intent::CancelClose);
                }
            });
            ui.add_space(4.0);
            // The same disposition rule as End; and only a connected customer client can
            // be told to remove itself.
            let unavailable = uninstall_unavailable(&session.info);
            let why_not = unavailable.or(missing.then_some(text::CHOOSE_DISPOSITION));
            let uninstall = ui
                .add_enabled(
                    why_not.is_none(),
                    egui::Button::new(words::END_AND_UNINSTALL),
                )
                .on_hover_text(words::END_AND_UNINSTALL_HINT)
                .on_disabled_hover_text(why_not.unwrap_or_default());
            if uninstall.clicked() {
                intents.push(Intent::Close {
                    session_id,
                    mode: CloseMode::EndAndUninstall,
                    disposition: dialog.disposition.clone(),
                });
            }
            if let Some(reason) = unavailable {
                ui.add(egui::Label::new(egui::RichText::new(reason).weak()).wrap());
            }
        });
    if modal.should_close() {
        intents.push(Intent::CancelClose);
    }
}
