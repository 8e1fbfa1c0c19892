//! The keyboard shortcut map: one table that the key handling reads and the Shortcuts
//! window shows, so the two cannot disagree.

use crate::text;

/// Every shortcut, as (keys, what it does), in the order the window lists them.
pub const SHORTCUT_MAP: &[(&str, &str)] = &[
    ("F1", "Show or hide this list"),
    ("Esc", "Close the dialog, menu or search in front"),
];

/// The Shortcuts window, while `open`.
pub fn shortcuts_window_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new(text::SHORTCUTS_TITLE)
        .open(open)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcut_map")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .striped(true)
                .show(ui, |ui| {
                    for (keys, action) in SHORTCUT_MAP {
                        ui.strong(*keys);
                        ui.label(*action);
                        ui.end_row();
                    }
                });
        });
}
