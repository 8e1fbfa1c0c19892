//! The window's panels: the banner and consent cards on top, the start form (or the join
//! code's), the chat. Each draws from the [`Model`] and pushes [`Intent`]s; the app carries
//! them out after drawing.

use super::model::{Model, Phase, RouteKind, seconds_left};
use crate::session::{banner_text, prompt_text, shell_banner_text};
use eframe::egui::{self, Color32, RichText};
use switchboard_protocol::GrantId;

/// What the user asked for during a frame.
pub enum Intent {
    Start,
    Send,
    Answer(GrantId, bool),
    Stop,
    Leave,
    /// Close the window (after the program removed itself).
    Close,
}

const BANNER: Color32 = Color32::from_rgb(178, 34, 34);
const CARD: Color32 = Color32::from_rgb(255, 244, 206);
const CARD_TEXT: Color32 = Color32::from_rgb(60, 45, 0);

/// The banner (while anyone views, controls or has the shell), the consent cards, and the
/// notices.
pub fn top_ui(ui: &mut egui::Ui, model: &Model, hotkey: Option<&str>, intents: &mut Vec<Intent>) {
    if model.share.in_use() {
        let frame = egui::Frame::new().fill(BANNER).inner_margin(10.0);
        egui::Panel::top("banner").frame(frame).show(ui, |ui| {
            let shell = model.share.shell.iter().map(shell_banner_text);
            let lines = model.share.viewers.iter().map(banner_text).chain(shell);
            for line in lines {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("{line} —"))
                            .color(Color32::WHITE)
                            .strong()
                            .size(16.0),
                    );
                    // Stop ends everything granted (the screen and the shell) at once.
                    let stop = egui::Button::new(RichText::new("Stop").strong().size(16.0));
                    if ui.add(stop).clicked() {
                        intents.push(Intent::Stop);
                    }
                });
            }
            if let Some(hotkey) = hotkey {
                ui.label(
                    RichText::new(format!("{hotkey} stops sharing from anywhere."))
                        .color(Color32::from_rgb(255, 220, 220)),
                );
            }
        });
    }
    if !model.prompts.is_empty() {
        let frame = egui::Frame::new().fill(CARD).inner_margin(10.0);
        egui::Panel::top("consent").frame(frame).show(ui, |ui| {
            let now = now_ms();
            for prompt in &model.prompts {
                // The question wraps (a shell's says what allowing it means), the answers
                // go below it.
                ui.add(
                    egui::Label::new(
                        RichText::new(prompt_text(prompt))
                            .color(CARD_TEXT)
                            .strong()
                            .size(15.0),
                    )
                    .wrap(),
                );
                ui.horizontal(|ui| {
                    if ui.button("Allow").clicked() {
                        intents.push(Intent::Answer(prompt.grant_id, true));
                    }
                    if ui.button("Deny").clicked() {
                        intents.push(Intent::Answer(prompt.grant_id, false));
                    }
                    let left = seconds_left(prompt.deadline, now);
                    ui.label(
                        RichText::new(format!("{left} s (no answer counts as no)"))
                            .color(CARD_TEXT),
                    );
                });
            }
        });
    }
    let notes: Vec<&String> = model
        .cannot_share
        .iter()
        .chain(model.notice.iter())
        .collect();
    if !notes.is_empty() {
        egui::Panel::top("notices").show(ui, |ui| {
            for note in notes {
                ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
            }
        });
    }
}

/// The start form: server, who the customer is, and how they reach support; on the "Join
/// with a code" route, [`join_form_ui`] instead.
pub fn form_ui(ui: &mut egui::Ui, model: &mut Model, intents: &mut Vec<Intent>) {
    if model.form.route == RouteKind::JoinCode {
        return join_form_ui(ui, model, intents);
    }
    let connecting = model.phase == Phase::Connecting;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("Get help from a representative");
        ui.add_space(8.0);
        let form = &mut model.form;
        egui::Grid::new("form")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                ui.label("Your name");
                ui.text_edit_singleline(&mut form.name);
                ui.end_row();
                ui.label("Company (optional)");
                ui.text_edit_singleline(&mut form.company);
                ui.end_row();
                ui.label("Your question (optional)");
                ui.text_edit_singleline(&mut form.question);
                ui.end_row();
                ui.label("Reach");
                egui::ComboBox::from_id_salt("route")
                    .selected_text(form.route.label())
                    .show_ui(ui, |ui| {
                        for kind in RouteKind::ALL {
                            ui.selectable_value(&mut form.route, kind, kind.label());
                        }
                    });
                ui.end_row();
                if let Some(hint) = form.route.value_hint() {
                    ui.label("");
                    ui.add(egui::TextEdit::singleline(&mut form.value).hint_text(hint));
                    ui.end_row();
                }
                ui.label("Server");
                ui.text_edit_singleline(&mut form.server);
                ui.end_row();
            });
        ui.add_space(8.0);
        start_row_ui(ui, "Start", "Connecting…", connecting, intents);
        if let Some(error) = &model.form_error {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        }
    });
}

/// Joining a web chat's session with the code a rep offered (`--join CODE` opens here): the
/// code and the server, Join, and a way back to the start form. A refused code's words
/// stay under the field, which keeps the code for correcting or takes another.
fn join_form_ui(ui: &mut egui::Ui, model: &mut Model, intents: &mut Vec<Intent>) {
    let connecting = model.phase == Phase::Connecting;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("Continue your web chat here");
        ui.add_space(4.0);
        ui.add(
            egui::Label::new(
                "Type the join code your representative offered in the web chat. The chat \
                 goes on in this window, with what was said so far.",
            )
            .wrap(),
        );
        ui.add_space(8.0);
        let form = &mut model.form;
        let mut enter = false;
        egui::Grid::new("join_form")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label("Join code");
                let field = egui::TextEdit::singleline(&mut form.value)
                    .hint_text("e.g. 482-193-057")
                    .interactive(!connecting);
                let response = ui.add(field).labelled_by(label.id);
                enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.end_row();
                let label = ui.label("Server");
                let field = egui::TextEdit::singleline(&mut form.server).interactive(!connecting);
                ui.add(field).labelled_by(label.id);
                ui.end_row();
            });
        ui.add_space(8.0);
        start_row_ui(ui, "Join", "Joining…", connecting, intents);
        if enter && !connecting {
            intents.push(Intent::Start);
        }
        if let Some(error) = &model.form_error {
            ui.add(
                egui::Label::new(RichText::new(error).color(ui.visuals().error_fg_color)).wrap(),
            );
        }
        ui.add_space(12.0);
        if ui
            .add_enabled(
                !connecting,
                egui::Button::new("Start a new session instead"),
            )
            .clicked()
        {
            form.route = RouteKind::General;
            form.value.clear();
            model.form_error = None;
        }
    });
}

/// The form's button (greyed while connecting) and the spinner with `busy` beside it.
fn start_row_ui(
    ui: &mut egui::Ui,
    label: &str,
    busy: &str,
    connecting: bool,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!connecting, egui::Button::new(label))
            .clicked()
        {
            intents.push(Intent::Start);
        }
        if connecting {
            ui.spinner();
            ui.label(busy);
        }
    });
}

/// The session: who is here, the chat, the input line, Leave.
pub fn chat_ui(ui: &mut egui::Ui, model: &Model, draft: &mut String, intents: &mut Vec<Intent>) {
    let ended = matches!(model.phase, Phase::Ended(_));
    egui::Panel::top("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            let status = match (&model.phase, model.queue, model.reps.is_empty()) {
                (Phase::Ended(text), _, _) => text.clone(),
                _ if model.reconnecting => {
                    "Connection lost; reconnecting… (nothing is shared meanwhile)".to_owned()
                }
                (_, Some((position, wait)), _) => {
                    format!("Waiting: number {position} in the queue, about {wait} s")
                }
                (_, None, true) => "Waiting for a representative…".to_owned(),
                (_, None, false) => format!("With {}", model.reps.join(", ")),
            };
            ui.label(RichText::new(status).strong());
            if model.removed.is_some() {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Close").clicked() {
                        intents.push(Intent::Close);
                    }
                });
            }
            if !ended {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Leave").clicked() {
                        intents.push(Intent::Leave);
                    }
                });
            }
        });
        if let Some(removed) = &model.removed {
            ui.label(RichText::new(removed).strong());
        }
    });
    egui::Panel::bottom("input").show(ui, |ui| {
        ui.horizontal(|ui| {
            let field = egui::TextEdit::singleline(draft)
                .hint_text("Type a message")
                .desired_width(ui.available_width() - 70.0);
            let response = ui.add_enabled(!ended, field);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.add_enabled(!ended, egui::Button::new("Send")).clicked() || enter {
                intents.push(Intent::Send);
                response.request_focus();
            }
        });
    });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .stick_to_bottom(true)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for line in &model.chat {
                    match &line.who {
                        Some(who) => {
                            ui.horizontal_wrapped(|ui| {
                                let name = RichText::new(format!("{who}:")).strong();
                                ui.label(if line.mine { name.weak() } else { name });
                                ui.label(&line.text);
                            });
                        }
                        None => {
                            ui.label(RichText::new(&line.text).italics().weak());
                        }
                    }
                }
            });
    });
}

fn now_ms() -> u64 {
    crate::publish::now_micros() / 1000
}
