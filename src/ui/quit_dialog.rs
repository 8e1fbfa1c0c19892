//! Closing the window with sessions open while the console has an icon in the system
//! tray asks first: minimise to the tray (the console keeps running, the customers keep
//! their rep; the tray's "Show Switchboard" brings the window back), quit (then the usual
//! question of what happens to the sessions, [`super::leave_dialog`]), or cancel. Esc, or
//! a click beside it, cancels. Without a tray host the window asks only the usual question.

use crate::text;

/// The rep's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitChoice {
    MinimiseToTray,
    Quit,
    Cancel,
}

/// The dialog's words (tests click by them).
pub const HEADING: &str = "Close the Switchboard window?";
pub const MINIMISE: &str = "Minimise to tray";
pub const QUIT: &str = "Quit";
pub const CANCEL: &str = "Cancel";

/// Draws the question; the answer in the frame it was given.
pub fn quit_dialog_ui(ctx: &egui::Context, open_sessions: usize) -> Option<QuitChoice> {
    let mut choice = None;
    let modal = egui::Modal::new(egui::Id::unique("quit_dialog")).show(ctx, |ui| {
        ui.set_width(400.0);
        ui.heading(HEADING);
        ui.add_space(6.0);
        ui.label(text::sessions_still_open(open_sessions));
        ui.weak("Minimised, Switchboard stays in the system tray and your customers keep you.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button(MINIMISE)
                .on_hover_text("Hide the window; the tray icon's Show Switchboard brings it back.")
                .clicked()
            {
                choice = Some(QuitChoice::MinimiseToTray);
            }
            if ui
                .button(QUIT)
                .on_hover_text("Choose what happens to your sessions, then quit.")
                .clicked()
            {
                choice = Some(QuitChoice::Quit);
            }
            if ui.button(CANCEL).clicked() {
                choice = Some(QuitChoice::Cancel);
            }
        });
    });
    if choice.is_none() && modal.should_close() {
        choice = Some(QuitChoice::Cancel);
    }
    choice
}
