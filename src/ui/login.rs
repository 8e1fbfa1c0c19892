//! The login screen: server URL, username and password, and a "Log in" button. The first
//! empty field (or the password) has the keyboard focus when the screen opens.

use super::intent::Intent;

/// What the rep has typed into the login form.
#[derive(Clone, Debug, Default)]
pub struct LoginForm {
    pub server_url: String,
    pub username: String,
    pub password: String,
    /// Put the cursor in the first field to fill on the next frame (the screen just opened).
    pub focus: bool,
}

/// Width of the form's text fields and of the "Log in" button, in points.
const FIELD_WIDTH: f32 = 280.0;

/// Width of the card holding the form, in points: labels, fields and margins.
const CARD_WIDTH: f32 = 400.0;

/// Draws the login form centred in `ui`, with `message` (the outcome of the last
/// attempt) under it. "Log in" (or Enter in the password field) reports `Intent::LogIn`.
pub fn login_ui(
    ui: &mut egui::Ui,
    form: &mut LoginForm,
    message: Option<&str>,
    intents: &mut Vec<Intent>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.2).min(160.0));
        ui.heading("Log in");
        ui.add_space(12.0);

        // A fixed-width card, centred by the surrounding layout.
        ui.allocate_ui_with_layout(
            egui::vec2(CARD_WIDTH, 0.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                egui::Frame::group(ui.style())
                    .inner_margin(egui::Margin::same(16))
                    .show(ui, |ui| {
                        // Fill the card, so it sits centred under the heading.
                        ui.set_min_width(ui.available_width());
                        if form_ui(ui, form) {
                            intents.push(Intent::LogIn);
                        }
                    });
            },
        );

        if let Some(message) = message {
            ui.add_space(12.0);
            // As wide as the card: a long reason (a refused certificate and what to do about
            // it) wraps under the form instead of running across the window.
            ui.allocate_ui_with_layout(
                egui::vec2(CARD_WIDTH, 0.0),
                egui::Layout::top_down(egui::Align::Center),
                |ui| ui.add(egui::Label::new(message).wrap()),
            );
        }
    });
}

/// The labelled fields and the "Log in" button. Returns true when the rep asked to
/// log in.
fn form_ui(ui: &mut egui::Ui, form: &mut LoginForm) -> bool {
    let mut submitted = false;

    egui::Grid::new("login_form")
        .num_columns(2)
        .spacing([12.0, 10.0])
        .show(ui, |ui| {
            let focus = std::mem::take(&mut form.focus);
            let url_empty = form.server_url.trim().is_empty();
            let user_empty = form.username.trim().is_empty();
            let url = labelled_field(ui, "Server URL", &mut form.server_url, false);
            ui.end_row();

            let user = labelled_field(ui, "Username", &mut form.username, false);
            ui.end_row();

            let password = labelled_field(ui, "Password", &mut form.password, true);
            if focus {
                match (url_empty, user_empty) {
                    (true, _) => url.request_focus(),
                    (false, true) => user.request_focus(),
                    (false, false) => password.request_focus(),
                }
            }
            if password.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                submitted = true;
            }
            ui.end_row();

            // Under the fields, as wide as they are.
            ui.label("");
            if ui
                .add_sized([FIELD_WIDTH, 28.0], egui::Button::new("Log in"))
                .clicked()
            {
                submitted = true;
            }
            ui.end_row();
        });

    submitted
}

/// A label and a single-line text field named by it, so screen readers and UI tests
/// find the field by its label.
fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    password: bool,
) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .password(password)
            .desired_width(FIELD_WIDTH),
    )
    .labelled_by(label.id)
}
