//! A shared file in the chat: its name and size, and a Save button that asks where to put
//! it (the native save dialog) before downloading.

use super::intent::Intent;
use crate::text::display;
use switchboard_protocol::Attachment;

pub fn attachment_ui(ui: &mut egui::Ui, attachment: &Attachment, intents: &mut Vec<Intent>) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(format!("📄 {}", attachment.name)).strong());
        ui.weak(display::file_size(attachment.size));
        let save = ui
            .button(format!("Save {}", attachment.name))
            .on_hover_text("Download the file and choose where to keep it");
        if save.clicked() {
            intents.push(Intent::SaveFile(attachment.clone()));
        }
    });
}
