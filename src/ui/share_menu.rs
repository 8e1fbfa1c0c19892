//! The Share menu of a session (seed 002): a team, then a named rep or "Any
//! Representative"; "Request Help" by support issue; or the "Representatives" list. Only
//! what the server lists as invitable right now (`list_invitees`, asked for each time the
//! menu opens) is offered.

use super::intent::Intent;
use crate::model::Model;
use crate::model::invitees::Invitees;
use crate::text::display;
use switchboard_protocol::{InviteTarget, Invitee, RepRequest, SessionId};

/// The Share menu button (`label`: "Share" in the session bar, "Invite" in the chat
/// widget) and, while it is open, its menu.
pub fn share_menu_ui(
    ui: &mut egui::Ui,
    label: &str,
    model: &Model,
    session_id: SessionId,
    intents: &mut Vec<Intent>,
) -> egui::Response {
    let menu = ui.menu_button(label, |ui| {
        ui.set_min_width(220.0);
        match model.invitees.get(&session_id) {
            Some(invitees) if !(invitees.loading && invitees.teams.is_empty()) => {
                share_choices_ui(ui, model, session_id, invitees, intents);
            }
            _ => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Loading who can be invited…");
                });
            }
        }
    });
    if menu.response.clicked() {
        // A fresh list each time: who is logged in changes all day.
        intents.push(Intent::Request(RepRequest::ListInvitees { session_id }));
    }
    menu.response
        .on_hover_text("Invite a team, a representative, or help by support issue")
}

fn share_choices_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session_id: SessionId,
    invitees: &Invitees,
    intents: &mut Vec<Intent>,
) {
    let mut invite = |target: InviteTarget| {
        intents.push(Intent::Request(RepRequest::Invite { session_id, target }));
    };
    ui.weak("Teams");
    for team in &invitees.teams {
        ui.menu_button(team.display_name.as_str(), |ui| {
            ui.set_min_width(200.0);
            let any = ui.add_enabled(
                !team.reps.is_empty(),
                egui::Button::new("Any Representative"),
            );
            let any = if team.reps.is_empty() {
                any.on_disabled_hover_text(format!(
                    "Nobody in {} is logged in or has extended availability.",
                    team.display_name
                ))
            } else {
                any.on_hover_text("The invitation waits in the team's queue; one rep joins.")
            };
            if any.clicked() {
                invite(InviteTarget::Team {
                    team: team.team.clone(),
                });
            }
            ui.separator();
            for rep in &team.reps {
                if invitee_button_ui(ui, rep) {
                    invite(InviteTarget::Rep {
                        rep: rep.rep.clone(),
                    });
                }
            }
        });
    }
    if invitees.teams.is_empty() {
        ui.weak("No team can be invited.");
    }
    ui.separator();
    ui.menu_button("Request Help", |ui| {
        ui.set_min_width(200.0);
        if invitees.issues.is_empty() {
            ui.weak("No support issue allows requesting help.");
        }
        for issue in &invitees.issues {
            let team = display::queue(
                &switchboard_protocol::QueueRef::Team {
                    team: issue.team.clone(),
                },
                &model.teams,
            );
            if ui
                .button(&issue.display_name)
                .on_hover_text(format!("The request waits in the {team} queue."))
                .clicked()
            {
                invite(InviteTarget::Issue {
                    issue: issue.issue.clone(),
                });
            }
        }
    });
    ui.menu_button("Representatives", |ui| {
        ui.set_min_width(200.0);
        let reps = invitees.representatives();
        if reps.is_empty() {
            ui.weak("Nobody else is logged in.");
        }
        for rep in reps {
            if invitee_button_ui(ui, rep) {
                invite(InviteTarget::Rep {
                    rep: rep.rep.clone(),
                });
            }
        }
    });
}

/// One invitable rep: their name as the button, presence beside it. True when clicked.
/// A rep already invited to this session is greyed: a second invitation would be refused.
fn invitee_button_ui(ui: &mut egui::Ui, rep: &Invitee) -> bool {
    ui.horizontal(|ui| {
        let clicked = ui
            .add_enabled(!rep.invited, egui::Button::new(&rep.display_name))
            .on_hover_text(if rep.extended_availability {
                "Not logged in: the invitation is emailed and waits in their personal queue."
            } else {
                "The invitation goes to their personal queue."
            })
            .on_disabled_hover_text("Already invited; cancel that invitation to send a new one.")
            .clicked();
        ui.weak(invitee_status(rep));
        clicked
    })
    .inner
}

fn invitee_status(rep: &Invitee) -> String {
    if rep.invited {
        return "invited".to_owned();
    }
    if rep.extended_availability {
        return "by email".to_owned();
    }
    display::presence(rep.presence).to_lowercase()
}
