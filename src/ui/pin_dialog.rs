//! "Pin Jump Client…" (seed 003: "install a Jump Client on the remote computer, enabling
//! you or your teammates to access that system later"): the session toolbar's entry,
//! greyed with why (permission, not the owner, web chat, not connected), and its dialog —
//! an optional name, and who may jump to it (the rep, or one of their teams). The pin's
//! progress and refusals come from the model ([`crate::model::jump`]); everything here
//! pushes intents.

use super::intent::Intent;
use crate::model::Model;
use crate::model::jump_pin::{PinPanel, name_problem, pin_request};
use crate::text::jump as words;
use switchboard_protocol::{MAX_JUMP_NAME_CHARS, QueueRef, SessionId, TeamId};

/// The dialog's form between frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinForm {
    pub name: String,
    /// The team that may jump to it; `None`: the rep's personal list.
    pub team: Option<TeamId>,
}

/// The toolbar entry: opens the dialog; greyed, it says why on hover.
pub fn pin_entry_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    unavailable: Option<&str>,
    intents: &mut Vec<Intent>,
) {
    let entry = ui
        .add_enabled(unavailable.is_none(), egui::Button::new(words::PIN))
        .on_hover_text(words::PIN_HINT)
        .on_disabled_hover_text(unavailable.unwrap_or_default());
    if entry.clicked() {
        intents.push(Intent::OpenPin(session_id));
    }
}

/// The dialog, while the model has it open; closing it pushes [`Intent::ClosePin`].
pub fn pin_dialog_ui(
    ctx: &egui::Context,
    model: &Model,
    panel: &PinPanel,
    form: &mut PinForm,
    intents: &mut Vec<Intent>,
) {
    let Some(session) = model.sessions.get(&panel.session_id) else {
        return;
    };
    let customer = &session.info.customer.name;
    let mut open = true;
    egui::Window::new(format!("{} · {customer}", words::PIN_TITLE))
        .id(egui::Id::unique(("pin_jump_client", panel.session_id.0)))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            if let Some(id) = panel.pinned {
                let name = model
                    .jump
                    .get(id)
                    .map_or_else(|| form.name.trim().to_owned(), |c| c.name.clone());
                ui.label(words::pinned(if name.is_empty() {
                    customer
                } else {
                    &name
                }));
                if ui.button("Close").clicked() {
                    intents.push(Intent::ClosePin);
                }
                return;
            }
            ui.set_max_width(420.0);
            ui.weak(words::PIN_EXPLAINED);
            egui::Grid::new("pin_form").num_columns(2).show(ui, |ui| {
                let label = ui.label(words::PIN_NAME);
                ui.add(
                    egui::TextEdit::singleline(&mut form.name)
                        .char_limit(MAX_JUMP_NAME_CHARS)
                        .hint_text(words::pin_name_hint(customer))
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(words::PIN_FOR);
                let teams = model.my_teams();
                let name_of = |team: &Option<TeamId>| match team {
                    None => words::PIN_ME.to_owned(),
                    Some(team) => model.jump_owner_name(&QueueRef::Team { team: team.clone() }),
                };
                egui::ComboBox::from_id_salt("pin_for")
                    .selected_text(name_of(&form.team))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut form.team, None, words::PIN_ME);
                        for team in teams {
                            let text = name_of(&Some(team.clone()));
                            ui.selectable_value(&mut form.team, Some(team), text);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            });
            if let Some(problem) = name_problem(&form.name) {
                ui.colored_label(ui.visuals().warn_fg_color, problem);
            }
            if let Some(error) = &panel.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.horizontal(|ui| {
                let ready = name_problem(&form.name).is_none() && !panel.sending;
                let pin = ui.add_enabled(ready, egui::Button::new(words::PIN_BUTTON));
                if pin.clicked()
                    && let Ok(request) =
                        pin_request(panel.session_id, &form.name, form.team.clone())
                {
                    intents.push(Intent::Request(request));
                }
                if panel.sending {
                    ui.spinner();
                    ui.weak(words::PINNING);
                }
                if ui.button(words::CANCEL).clicked() {
                    intents.push(Intent::ClosePin);
                }
            });
        });
    if !open {
        intents.push(Intent::ClosePin);
    }
}
