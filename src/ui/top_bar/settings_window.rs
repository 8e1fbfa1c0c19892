//! The Settings window, opened from the top bar: how incoming work is announced (desktop
//! notifications, the notification sound) and when a waiting customer earns a reminder.

use crate::prefs::{AlertPrefs, ReminderMode};

/// Draws the window while `open`; returns whether the rep changed anything (to save).
pub fn settings_window_ui(ctx: &egui::Context, open: &mut bool, alerts: &mut AlertPrefs) -> bool {
    let before = alerts.clone();
    egui::Window::new("Settings")
        .open(open)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.strong("Incoming work");
            ui.checkbox(&mut alerts.desktop_notifications, "Desktop notifications")
                .on_hover_text("Off, or where the desktop has none, they show inside the window.");
            ui.checkbox(&mut alerts.sound, "Notification sound");
            ui.add_space(8.0);
            ui.strong("Remind me of a customer waiting in a session I am not looking at");
            ui.radio_value(
                &mut alerts.reminder,
                ReminderMode::AfterSeconds,
                "Some time after their first unanswered message",
            );
            ui.add_enabled_ui(alerts.reminder == ReminderMode::AfterSeconds, |ui| {
                ui.horizontal(|ui| {
                    ui.add_space(24.0);
                    let label = ui.label("Seconds before a reminder");
                    ui.add(
                        egui::DragValue::new(&mut alerts.reminder_after_secs)
                            .range(AlertPrefs::REMINDER_SECS)
                            .suffix(" s"),
                    )
                    .labelled_by(label.id);
                });
            });
            ui.radio_value(
                &mut alerts.reminder,
                ReminderMode::EveryMessage,
                "On every new message",
            );
        });
    *alerts != before
}
