//! The Settings window, opened from the top bar: the look (light, dark or the system's),
//! how incoming work is announced (desktop notifications, the notification sound) and when
//! a waiting customer earns a reminder. Changes are reported as intents.

use crate::prefs::{AlertPrefs, ReminderMode, ThemeChoice};
use crate::ui::intent::{Intent, Panel};

/// Draws the window while `open`, editing copies of the settings; a change becomes an
/// intent for the app to apply and save.
pub fn settings_window_ui(
    ctx: &egui::Context,
    open: bool,
    current_alerts: &AlertPrefs,
    current_theme: ThemeChoice,
    intents: &mut Vec<Intent>,
) {
    let mut still_open = open;
    let mut alerts = current_alerts.clone();
    let alerts = &mut alerts;
    let mut theme = current_theme;
    egui::Window::new("Settings")
        .open(&mut still_open)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.strong("Look");
            ui.horizontal(|ui| {
                ui.radio_value(&mut theme, ThemeChoice::System, "Follow the system");
                ui.radio_value(&mut theme, ThemeChoice::Light, "Light");
                ui.radio_value(&mut theme, ThemeChoice::Dark, "Dark");
            });
            ui.add_space(8.0);
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
    if alerts != current_alerts {
        intents.push(Intent::SetAlerts(alerts.clone()));
    }
    if theme != current_theme {
        intents.push(Intent::SetTheme(theme));
    }
    if open && !still_open {
        intents.push(Intent::TogglePanel(Panel::Settings));
    }
}
