//! A team's chat, read and write, in a window opened from the queue header's bubble.

use super::intent::Intent;
use crate::model::Model;
use crate::text::display;
use switchboard_protocol::TeamId;

pub fn team_chat_window(
    ctx: &egui::Context,
    model: &Model,
    team: &TeamId,
    draft: &mut String,
    intents: &mut Vec<Intent>,
) {
    let name = model
        .teams
        .iter()
        .find(|t| &t.team == team)
        .map_or(team.to_string(), |t| t.display_name.clone());
    let mut open = true;
    egui::Window::new(format!("{name} team chat"))
        .id(egui::Id::unique(("team_chat", team.as_str())))
        .open(&mut open)
        .default_size([360.0, 360.0])
        .show(ctx, |ui| {
            egui::Panel::bottom(egui::IdSalt::new(("team_composer", team.as_str()))).show(
                ui,
                |ui| {
                    ui.horizontal(|ui| {
                        let label = ui.label("Team message");
                        let response = ui
                            .add(
                                egui::TextEdit::singleline(draft)
                                    .desired_width(ui.available_width() - 60.0),
                            )
                            .labelled_by(label.id);
                        let enter =
                            response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        if (ui.button("Send to team").clicked() || enter)
                            && !draft.trim().is_empty()
                        {
                            intents.push(Intent::TeamChat {
                                team: team.clone(),
                                text: std::mem::take(draft),
                            });
                        }
                    });
                },
            );
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let messages = model
                        .team_chats
                        .get(team)
                        .map(|c| c.messages.as_slice())
                        .unwrap_or_default();
                    if messages.is_empty() {
                        ui.weak("No messages yet.");
                    }
                    for message in messages {
                        ui.horizontal(|ui| {
                            ui.strong(&message.author_name);
                            ui.weak(display::clock(message.at));
                        });
                        ui.label(&message.text);
                        ui.add_space(4.0);
                    }
                });
        });
    if !open {
        intents.push(Intent::OpenTeamChat(None));
    }
}
