//! Elevated shells in a session tab (issue 14, seed 003 "Elevate"): the Shell entry's
//! "Administrator ▾" menu — "Shell as administrator (ask the customer)" and "Shell as a
//! specific user…", each greyed with why — the badge while an administrator's shell is live,
//! and the "Shell as a specific user" dialog: a user name, a masked password, Cancel and
//! Ask. The password leaves the console with the request; closing the dialog any way wipes
//! it, and egui's own copies (the text box's undo history) are dropped with it. Whether an
//! entry is greyed, and the form, are [`crate::model::elevation`]'s.

use super::intent::Intent;
use crate::model::Model;
use crate::model::elevation::{
    ElevateForm, ElevationBar, MAX_PASSWORD_BYTES, MAX_USER_NAME_CHARS, prompt_customer_request,
};
use crate::text::elevation as words;
use switchboard_protocol::{ElevationMethod, SessionId};

/// Beside "Shell": who the live administrator's shell runs as, and the Administrator menu.
/// Greyed as a whole (with why on hover) when both choices are greyed for the same reason.
pub fn admin_menu_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &ElevationBar,
    intents: &mut Vec<Intent>,
) {
    if let Some(user) = &bar.live_user {
        ui.label(egui::RichText::new(words::badge(user)).strong());
    }
    let shared = bar.shared_reason();
    let menu = ui.add_enabled_ui(shared.is_none(), |ui| {
        ui.menu_button(words::ADMIN_MENU, |ui| {
            let prompt = entry_ui(
                ui,
                words::PROMPT_CUSTOMER,
                words::PROMPT_CUSTOMER_HINT,
                bar.reason(ElevationMethod::PromptCustomer),
            );
            if prompt {
                intents.push(Intent::Request(prompt_customer_request(session_id)));
                ui.close();
            }
            let specific = entry_ui(
                ui,
                words::SPECIFIC_USER,
                words::SPECIFIC_USER_HINT,
                bar.reason(ElevationMethod::SpecificUser),
            );
            if specific {
                intents.push(Intent::OpenElevate(session_id));
                ui.close();
            }
        })
        .response
    });
    menu.inner
        .on_hover_text(words::ADMIN_MENU_HINT)
        .on_disabled_hover_text(shared.unwrap_or_default());
}

/// One choice of the menu; greyed, its reason is written under it. Whether it was clicked.
fn entry_ui(ui: &mut egui::Ui, label: &str, hint: &str, reason: Option<&str>) -> bool {
    let clicked = ui
        .add_enabled(reason.is_none(), egui::Button::new(label))
        .on_hover_text(hint)
        .on_disabled_hover_text(reason.unwrap_or_default())
        .clicked();
    if let Some(reason) = reason {
        ui.weak(reason);
    }
    clicked
}

/// The dialog, while `form` holds one. Ask sends `elevate_shell` with the password moved
/// into it and closes the dialog; Cancel, the window's ✕, or the session going close it
/// (the form's drop wipes the password).
pub fn elevate_dialog_ui(
    ctx: &egui::Context,
    model: &Model,
    form: &mut Option<ElevateForm>,
    intents: &mut Vec<Intent>,
) {
    let Some(open_form) = form.as_mut() else {
        return;
    };
    let session_id = open_form.session_id;
    let Some(session) = model.sessions.get(&session_id) else {
        close(ctx, form);
        return;
    };
    // Why the server would refuse now (a shell started meanwhile, the customer left…).
    let unavailable = model
        .elevation_bar(&session.info)
        .and_then(|bar| bar.specific_user);
    let mut open = true;
    let mut ask = false;
    let mut cancel = false;
    egui::Window::new(format!(
        "{} · {}",
        words::DIALOG_TITLE,
        session.info.customer.name
    ))
    .id(egui::Id::unique(("elevate_dialog", session_id.0)))
    .open(&mut open)
    .collapsible(false)
    .resizable(false)
    .pivot(egui::Align2::CENTER_CENTER)
    .default_pos(ctx.content_rect().center())
    .show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.weak(words::DIALOG_EXPLAINED);
        let mut entered = false;
        egui::Grid::new(("elevate_form", session_id.0))
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label(words::USER_NAME);
                ui.add(
                    egui::TextEdit::singleline(&mut open_form.user_name)
                        .char_limit(MAX_USER_NAME_CHARS)
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(words::PASSWORD);
                let field = ui
                    .add(
                        egui::TextEdit::singleline(open_form.password_mut())
                            .id(password_id(session_id))
                            .password(true)
                            .char_limit(MAX_PASSWORD_BYTES)
                            .desired_width(240.0),
                    )
                    .labelled_by(label.id);
                entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.end_row();
            });
        let problem = open_form.typed_problem();
        if let Some(problem) = problem {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
        if let Some(reason) = &unavailable {
            ui.colored_label(ui.visuals().error_fg_color, reason);
        }
        let ready = unavailable.is_none() && open_form.problem().is_none();
        ui.horizontal(|ui| {
            cancel = ui.button(words::CANCEL).clicked();
            ask = ui
                .add_enabled(ready, egui::Button::new(words::ASK))
                .clicked()
                || (entered && ready);
        });
    });
    if ask && let Ok(request) = open_form.ask() {
        intents.push(Intent::Request(request));
        close(ctx, form);
    } else if cancel || !open {
        close(ctx, form);
    }
}

/// The password box's id: its egui state (with the undo history, which holds what was
/// typed) is dropped when the dialog closes. Public for the tests that check it is.
pub fn password_id(session_id: SessionId) -> egui::Id {
    egui::Id::unique(("elevate_password", session_id.0))
}

/// Closes the dialog: the form goes (its drop wipes the password), and so does the password
/// box's state in egui's memory.
fn close(ctx: &egui::Context, form: &mut Option<ElevateForm>) {
    if let Some(closing) = form.take() {
        let id = password_id(closing.session_id);
        ctx.data_mut(|data| data.remove::<egui::text_edit::TextEditState>(id));
    }
}
