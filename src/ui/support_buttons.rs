//! Support Buttons (seed 003: "install a Support Button on the remote desktop or remove a
//! previously installed Support Button"): the session toolbar's entry, greyed with why
//! (permission, web chat, not connected), and the window it opens — a form to deploy a
//! button for the rep or one of their teams, and the buttons on the customer's computer with
//! their queue, who made them, when, until when, where each stands, and Remove. The list
//! comes from the model ([`crate::model::buttons`]); everything here pushes intents.

use super::intent::Intent;
use crate::model::buttons::{
    ButtonPanel, deploy_request, description_problem, is_live, state_text,
};
use crate::model::{Model, SessionState};
use crate::text::actions as words;
use crate::text::display;
use switchboard_protocol::{
    ButtonInfo, MAX_BUTTON_DESCRIPTION_CHARS, RepRequest, SessionId, TeamId, UnixMillis,
};

/// The deploy form of one session's window, between frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployForm {
    pub description: String,
    /// The team the button's sessions go to; `None`: the rep's own queue ("Me").
    pub team: Option<TeamId>,
    /// The panel's count of deploys that went through, as last seen: when it moves, the
    /// description is cleared for the next button.
    deployed_seen: u32,
}

/// The toolbar entry: opens the window; greyed, it says why on hover.
pub fn support_buttons_entry_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    unavailable: Option<&str>,
    intents: &mut Vec<Intent>,
) {
    let entry = ui
        .add_enabled(
            unavailable.is_none(),
            egui::Button::new(words::SUPPORT_BUTTONS),
        )
        .on_hover_text("Deploy or remove Support Buttons on the customer's computer")
        .on_disabled_hover_text(unavailable.unwrap_or_default());
    if entry.clicked() {
        intents.push(Intent::OpenButtons(session_id));
    }
}

/// The window of `session`'s Support Buttons at `now`; closing it pushes
/// [`Intent::CloseButtons`].
pub fn support_buttons_window_ui(
    ctx: &egui::Context,
    model: &Model,
    session: &SessionState,
    panel: &ButtonPanel,
    form: &mut DeployForm,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let session_id = session.info.session_id;
    if form.deployed_seen != panel.deployed {
        form.deployed_seen = panel.deployed;
        form.description.clear();
    }
    let mut open = true;
    egui::Window::new(words::buttons_title(&session.info.customer.name))
        .id(egui::Id::unique(("support_buttons", session_id.0)))
        .open(&mut open)
        .default_size([760.0, 420.0])
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            deploy_form_ui(ui, model, session, panel, form, intents);
            if let Some(error) = &panel.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong(words::BUTTONS_ON_COMPUTER);
                if panel.loading {
                    ui.spinner();
                }
                let reload =
                    ui.add_enabled(!panel.loading, egui::Button::new(words::RELOAD_BUTTONS));
                if reload.clicked() {
                    intents.push(Intent::Request(RepRequest::ListButtons { session_id }));
                }
            });
            match &panel.buttons {
                None => {
                    ui.weak(words::BUTTONS_LOADING);
                }
                Some(buttons) if buttons.is_empty() => {
                    ui.weak(words::BUTTONS_NONE);
                }
                Some(buttons) => list_ui(ui, model, session_id, panel, buttons, now, intents),
            }
        });
    if !open {
        intents.push(Intent::CloseButtons(session_id));
    }
}

fn deploy_form_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session: &SessionState,
    panel: &ButtonPanel,
    form: &mut DeployForm,
    intents: &mut Vec<Intent>,
) {
    let session_id = session.info.session_id;
    ui.strong(words::DEPLOY_HEADING);
    let problem = description_problem(&form.description);
    ui.horizontal(|ui| {
        let label = ui.label(words::DESCRIPTION);
        ui.add(
            egui::TextEdit::singleline(&mut form.description)
                .char_limit(MAX_BUTTON_DESCRIPTION_CHARS)
                .hint_text("What the customer will see, e.g. “Printer help”")
                .desired_width(300.0),
        )
        .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label(words::TARGET);
        let targets = model.button_targets();
        let chosen = targets
            .iter()
            .find(|(team, _)| *team == form.team)
            .map_or_else(|| words::TARGET_ME.to_owned(), |(_, name)| name.clone());
        egui::ComboBox::from_id_salt(("button_target", session_id.0))
            .selected_text(chosen)
            .show_ui(ui, |ui| {
                for (team, name) in targets {
                    ui.selectable_value(&mut form.team, team, name);
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        // Greyed with why: the session (permission, the customer's side), then the text.
        let why_not = model
            .buttons_unavailable(&session.info)
            .map(str::to_owned)
            .or_else(|| {
                (!form.description.is_empty())
                    .then(|| problem.clone())
                    .flatten()
            });
        let ready = why_not.is_none() && problem.is_none() && !panel.deploying;
        let deploy = ui
            .add_enabled(ready, egui::Button::new(words::DEPLOY))
            .on_hover_text("The customer client writes a launcher that starts a new session")
            .on_disabled_hover_text(why_not.clone().unwrap_or_default());
        if deploy.clicked()
            && let Ok(request) = deploy_request(session_id, &form.description, form.team.clone())
        {
            intents.push(Intent::Request(request));
        }
        if panel.deploying {
            ui.spinner();
            ui.weak(words::DEPLOYING);
        } else if let Some(reason) = why_not {
            ui.weak(reason);
        }
    });
}

fn list_ui(
    ui: &mut egui::Ui,
    model: &Model,
    session_id: SessionId,
    panel: &ButtonPanel,
    buttons: &[ButtonInfo],
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let may_remove = model.permissions.as_ref().is_some_and(|p| p.support_button);
    egui::ScrollArea::both()
        .id_salt(("support_buttons_list", session_id.0))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new(("support_buttons_grid", session_id.0))
                .num_columns(7)
                .striped(true)
                .spacing([14.0, 6.0])
                .show(ui, |ui| {
                    for title in [
                        words::COLUMN_DESCRIPTION,
                        words::COLUMN_QUEUE,
                        words::COLUMN_CREATED_BY,
                        words::COLUMN_CREATED,
                        words::COLUMN_EXPIRES,
                        words::COLUMN_STATE,
                    ] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    let list = List {
                        model,
                        session_id,
                        panel,
                        may_remove,
                        now,
                    };
                    for button in buttons {
                        row_ui(ui, &list, button, intents);
                        ui.end_row();
                    }
                });
        });
}

/// What every row of the list is drawn with.
struct List<'a> {
    model: &'a Model,
    session_id: SessionId,
    panel: &'a ButtonPanel,
    /// The rep may remove buttons (`permissions.support_button`).
    may_remove: bool,
    now: UnixMillis,
}

fn row_ui(ui: &mut egui::Ui, list: &List<'_>, button: &ButtonInfo, intents: &mut Vec<Intent>) {
    let List {
        model,
        session_id,
        panel,
        may_remove,
        now,
    } = *list;
    ui.label(&button.description);
    ui.label(model.button_target_name(&button.target));
    ui.label(&button.created_by_name);
    ui.label(display::date_time(button.created_at));
    ui.label(display::date_time(button.expires_at));
    let state = state_text(button, now);
    let failed = button.state == switchboard_protocol::ButtonState::Failed;
    if failed {
        ui.colored_label(ui.visuals().warn_fg_color, state);
    } else {
        ui.label(state);
    }
    // Remove: on every button not removed yet (an expired one too: its launcher stays on
    // the computer until removed).
    if button.state == switchboard_protocol::ButtonState::Removed {
        ui.label("");
        return;
    }
    let removing = panel.removing.contains(&button.button_id);
    let label = words::remove_label(&button.description);
    let text = if removing {
        words::REMOVING
    } else {
        words::REMOVE
    };
    let enabled = may_remove && !removing;
    let remove = ui
        .add_enabled(enabled, egui::Button::new(text))
        .on_hover_text(if is_live(button, now) {
            "Revoke the button and delete its launcher from the customer's computer"
        } else {
            "Delete its launcher from the customer's computer"
        })
        .on_disabled_hover_text(if may_remove {
            words::REMOVING
        } else {
            words::BUTTONS_NO_PERMISSION
        });
    remove.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &label));
    if remove.clicked() {
        intents.push(Intent::Request(RepRequest::RemoveButton {
            session_id,
            button_id: button.button_id,
        }));
    }
}
