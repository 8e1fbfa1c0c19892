//! Beside the session's actions: "Ask for assistance" (a flag team leads see) and "Open
//! external URL" (the configured page about this customer, in the system browser).

use super::intent::Intent;
use crate::model::Model;
use switchboard_protocol::{RepRequest, SessionInfo};

pub fn session_tools_ui(
    ui: &mut egui::Ui,
    model: &Model,
    info: &SessionInfo,
    intents: &mut Vec<Intent>,
) {
    let asked = info.assistance;
    let label = if asked {
        "Withdraw assistance request"
    } else {
        "Ask for assistance"
    };
    // A real button, not a toggle that reads as plain text: it has to look clickable.
    let button = ui.button(label).on_hover_text(if asked {
        "A team lead has been asked to help. Click to withdraw the request."
    } else {
        "Raise a flag that your team leads see; they can join the session."
    });
    if button.clicked() {
        intents.push(Intent::Request(RepRequest::SetAssistance {
            session_id: info.session_id,
            needed: !asked,
        }));
    }
    if let Some(template) = &model.external_url {
        let url =
            switchboard_protocol::links::fill_link(template, info.session_id, &info.customer.name);
        if ui
            .button("Open external URL")
            .on_hover_text(format!("Open {url} in your browser"))
            .clicked()
        {
            intents.push(Intent::OpenUrl(url));
        }
    }
}
