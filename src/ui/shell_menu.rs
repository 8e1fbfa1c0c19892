//! The session tab's Shell entry, beside the Screen menu: "Shell" asks the customer for a
//! command shell on their computer; greyed, it says why (on hover, and beside it when
//! another rep has the session's one shell); while the customer is asked, a countdown and
//! Cancel; granted, "Stop shell". Once a shell was asked for in the session, "Shell
//! transcript" opens what was typed and printed. Beside it, "Administrator ▾" asks for an
//! elevated shell ([`super::elevate_dialog`]), and while one is live the entry says who it
//! runs as ("Shell · administrator: sbadmin").

use super::elevate_dialog::admin_menu_ui;
use super::intent::Intent;
use crate::model::shell::{ShellButton, ShellToolbar};
use crate::text::remote as words;
use switchboard_protocol::{Capability, GrantId, RepRequest, SessionId};

pub fn shell_menu_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    customer: &str,
    bar: &ShellToolbar,
    intents: &mut Vec<Intent>,
) {
    match &bar.button {
        ShellButton::Open => {
            let ask = ui
                .button(words::SHELL)
                .on_hover_text("Ask the customer for a command shell on their computer");
            if ask.clicked() {
                intents.push(Intent::Request(RepRequest::RequestRemote {
                    session_id,
                    capability: Capability::Shell,
                }));
            }
        }
        ShellButton::Greyed(reason) => {
            ui.add_enabled(false, egui::Button::new(words::SHELL))
                .on_disabled_hover_text(reason);
            // What every session would say (permission, web chat) stays in the tooltip; the
            // Screen menu beside says the same about the customer already.
            let general = [
                words::SHELL_NO_PERMISSION,
                words::SHELL_WEB_CHAT,
                words::SHELL_NOT_CONNECTED,
                words::SHELL_SESSION_WAITING,
            ];
            if !general.contains(&reason.as_str()) {
                ui.weak(reason);
            }
        }
        ShellButton::Waiting { grant_id, note } => {
            ui.add_enabled(false, egui::Button::new(words::SHELL))
                .on_disabled_hover_text(note);
            ui.weak(note);
            if ui.button(words::CANCEL_SHELL).clicked() {
                intents.push(stop(session_id, *grant_id));
            }
        }
        ShellButton::Active { grant_id } => {
            if ui.button(words::STOP_SHELL).clicked() {
                intents.push(stop(session_id, *grant_id));
            }
        }
    }
    if let Some(elevation) = &bar.elevation {
        admin_menu_ui(ui, session_id, elevation, intents);
    }
    if let Some(note) = &bar.note {
        ui.weak(note);
    }
    if bar.used
        && ui
            .button(words::TRANSCRIPT)
            .on_hover_text("What was typed and printed on this session's shells")
            .clicked()
    {
        intents.push(Intent::OpenTranscript {
            session_id,
            customer: customer.to_owned(),
        });
    }
}

/// Ends the rep's shell grant (asked for or granted).
pub fn stop(session_id: SessionId, grant_id: GrantId) -> Intent {
    Intent::Request(RepRequest::StopRemote {
        session_id,
        grant_id,
        keep_view: false,
    })
}
