//! The bottom line: connection state (connected / reconnecting in N s / offline), the
//! recent notices (a menu), and the last generated session key (copyable).

use crate::model::Model;
use crate::net::ConnectionStatus;
use crate::text::display;
use switchboard_protocol::UnixMillis;

/// The connection state as a rep reads it.
pub fn status_text(status: &ConnectionStatus) -> String {
    match status {
        ConnectionStatus::Connected => "Connected".to_owned(),
        ConnectionStatus::Connecting => "Connecting…".to_owned(),
        ConnectionStatus::Reconnecting { retry_at, .. } => {
            let secs = retry_at
                .saturating_duration_since(std::time::Instant::now())
                .as_secs_f32()
                .ceil() as u64;
            format!("Reconnecting in {secs} s")
        }
        ConnectionStatus::Offline => "Offline".to_owned(),
    }
}

pub fn status_bar_ui(ui: &mut egui::Ui, model: &Model, status: &ConnectionStatus, now: UnixMillis) {
    ui.horizontal(|ui| {
        let (colour, text) = match status {
            ConnectionStatus::Connected => (
                egui::Color32::from_rgb(0x3C, 0xB3, 0x71),
                status_text(status),
            ),
            ConnectionStatus::Offline => (ui.visuals().error_fg_color, status_text(status)),
            _ => (ui.visuals().warn_fg_color, status_text(status)),
        };
        // A painted dot: no font has to carry the glyph.
        let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
        ui.painter().circle_filled(dot.center(), 4.5, colour);
        ui.label(text);
        if !matches!(status, ConnectionStatus::Connected) {
            ui.weak("· what you see may be out of date; actions wait for the connection");
        }
        if let Some((key, expires_at)) = &model.session_key {
            ui.separator();
            if *expires_at > now {
                ui.label("Session key");
                ui.label(egui::RichText::new(key).monospace().strong());
                ui.weak(format!("expires {}", display::clock(*expires_at)));
                if ui.small_button("Copy").clicked() {
                    ui.ctx().copy_text(key.clone());
                }
            } else {
                ui.weak(format!("Session key {key} expired"));
            }
        }
        if !model.notices.is_empty() {
            ui.separator();
            // Each notice shows first as a toast; the menu keeps the recent ones to reread.
            ui.menu_button(format!("Notices ({})", model.notices.len()), |ui| {
                ui.set_max_width(480.0);
                for notice in model.notices.iter().rev() {
                    ui.add(egui::Label::new(&notice.text).wrap());
                    ui.separator();
                }
            });
        }
    });
}
