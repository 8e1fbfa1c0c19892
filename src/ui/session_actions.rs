//! The session's action bar (seed 003): Share, Transfer, Remove and Disconnect customer.
//! They belong to the session owner; for anyone else they are greyed out, and hovering
//! one says why.

use super::intent::Intent;
use super::share_menu::share_menu_ui;
use crate::model::{Model, SessionState};
use switchboard_protocol::RepRequest;

pub fn session_actions_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionState,
    intents: &mut Vec<Intent>,
) {
    let info = &session.info;
    let session_id = info.session_id;
    share_and_transfer_ui(ui, model, session, ["Share", "Transfer"], intents);

    let others: Vec<_> = info
        .participants
        .iter()
        .filter(|rep| Some(*rep) != model.me_id())
        .collect();
    let why = model
        .why_not_owner(info, "remove a representative")
        .or_else(|| {
            others
                .is_empty()
                .then(|| "Nobody else is in this session.".into())
        });
    owner_only(ui, why, |ui| {
        ui.menu_button("Remove", |ui| {
            ui.weak("Remove from the session");
            for rep in &others {
                if ui.button(model.rep_name(rep)).clicked() {
                    intents.push(Intent::Request(RepRequest::RemoveRep {
                        session_id,
                        rep: (*rep).clone(),
                    }));
                }
            }
        })
        .response
    });

    let why = model
        .why_not_owner(info, "disconnect the customer")
        .or_else(|| {
            (!info.customer_connected).then(|| "The customer is not connected.".to_owned())
        });
    owner_only(ui, why, |ui| {
        let disconnect = ui
            .button("Disconnect customer")
            .on_hover_text("End the customer's connection; the session stays open for the reps.");
        if disconnect.clicked() {
            intents.push(Intent::Request(RepRequest::DisconnectCustomer {
                session_id,
            }));
        }
        disconnect
    });
}

/// The Share menu and the Transfer button under the given labels (the session bar's
/// "Share"/"Transfer", the chat widget's "Invite"/"Transfer chat"), owner-only.
pub(super) fn share_and_transfer_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionState,
    [share, transfer]: [&str; 2],
    intents: &mut Vec<Intent>,
) {
    let info = &session.info;
    let session_id = info.session_id;
    let why = model.why_not_owner(info, "share the session");
    owner_only(ui, why, |ui| {
        share_menu_ui(ui, share, model, session_id, intents)
    });
    owner_only(ui, model.why_not_transfer(info), |ui| {
        let button = ui
            .button(transfer)
            .on_hover_text("Send the session to a team or a representative");
        if button.clicked() {
            intents.push(Intent::OpenTransfer(session_id));
        }
        button
    });
}

/// Adds a control that only works when `why_not` is `None`; otherwise it is greyed out
/// and its tooltip gives the reason.
pub(super) fn owner_only(
    ui: &mut egui::Ui,
    why_not: Option<String>,
    add: impl FnOnce(&mut egui::Ui) -> egui::Response,
) {
    let response = ui.add_enabled_ui(why_not.is_none(), add).inner;
    if let Some(why) = why_not {
        response.on_disabled_hover_text(why);
    }
}
