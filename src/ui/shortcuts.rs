//! The keyboard shortcut map: one table that the key handling reads and the Shortcuts
//! window shows, so the two cannot disagree.
//!
//! Global keys work everywhere on the console screen; the queue keys (arrows, Enter, Esc)
//! only while no text field has the keyboard, so typing is never taken over.

use super::intent::{Intent, Panel};
use crate::text;
use egui::{Key, KeyboardShortcut, Modifiers};

/// A key and what it does in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ShowHelp,
    NextTab,
    PreviousTab,
    NextUnread,
    FocusComposer,
    AcceptLongestWaiting,
    TakeNext,
    FocusSearch,
}

/// Take next (also the top bar's button): the server picks the customer waiting longest
/// that the rep may take. Ctrl+T was free, and reads as "take".
pub const TAKE_NEXT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::T);

/// The global shortcuts.
pub const GLOBAL: &[(KeyboardShortcut, Action)] = &[
    (
        KeyboardShortcut::new(Modifiers::NONE, Key::F1),
        Action::ShowHelp,
    ),
    (
        KeyboardShortcut::new(Modifiers::COMMAND, Key::PageDown),
        Action::NextTab,
    ),
    (
        KeyboardShortcut::new(Modifiers::COMMAND, Key::PageUp),
        Action::PreviousTab,
    ),
    (
        KeyboardShortcut::new(Modifiers::COMMAND, Key::U),
        Action::NextUnread,
    ),
    (
        KeyboardShortcut::new(Modifiers::COMMAND, Key::M),
        Action::FocusComposer,
    ),
    (
        KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter),
        Action::AcceptLongestWaiting,
    ),
    (TAKE_NEXT, Action::TakeNext),
    (
        KeyboardShortcut::new(Modifiers::COMMAND, Key::F),
        Action::FocusSearch,
    ),
];

/// What each action does, for the Shortcuts window.
fn describe(action: Action) -> &'static str {
    match action {
        Action::ShowHelp => "Show or hide this list",
        Action::NextTab => "Next tab (Queues, then each session)",
        Action::PreviousTab => "Previous tab",
        Action::NextUnread => "Next session with unread chat",
        Action::FocusComposer => "Put the cursor in the message box",
        Action::AcceptLongestWaiting => "Accept the customer waiting longest that you may take",
        Action::TakeNext => "Take next: the server gives you the customer waiting longest",
        Action::FocusSearch => "Search the queues",
    }
}

/// Keys that are not shortcuts of their own: the queue rows and dialogs.
const OTHER_KEYS: &[(&str, &str)] = &[
    ("↑ / ↓", "Move through the queue rows (the details follow)"),
    ("Enter", "Accept the selected queue entry"),
    ("Esc", "Close the dialog, menu, details or search in front"),
    ("Enter / Shift+Enter", "In the message box: send / new line"),
    (
        "Any key",
        "In a focused shell: goes to the shell (only Ctrl+PageUp / PageDown change tabs)",
    ),
];

/// The intents the keys pressed this frame ask for. `typing` is whether a text field has
/// the keyboard (then arrows, Enter and Esc belong to it).
pub fn key_intents(ctx: &egui::Context, typing: bool) -> Vec<Intent> {
    let mut intents = Vec::new();
    ctx.input_mut(|input| {
        for (shortcut, action) in GLOBAL {
            if input.consume_shortcut(shortcut) {
                intents.push(match action {
                    Action::ShowHelp => Intent::TogglePanel(Panel::Help),
                    Action::NextTab => Intent::CycleTab(1),
                    Action::PreviousTab => Intent::CycleTab(-1),
                    Action::NextUnread => Intent::NextUnread,
                    Action::FocusComposer => Intent::FocusComposer,
                    Action::AcceptLongestWaiting => Intent::AcceptLongestWaiting,
                    Action::TakeNext => Intent::Request(switchboard_protocol::RepRequest::TakeNext),
                    Action::FocusSearch => Intent::FocusSearch,
                });
            }
        }
        if typing {
            return;
        }
        if input.consume_key(Modifiers::NONE, Key::ArrowDown) {
            intents.push(Intent::MoveSelection(1));
        }
        if input.consume_key(Modifiers::NONE, Key::ArrowUp) {
            intents.push(Intent::MoveSelection(-1));
        }
        if input.consume_key(Modifiers::NONE, Key::Enter) {
            intents.push(Intent::AcceptSelected);
        }
    });
    intents
}

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
                    for (shortcut, action) in GLOBAL {
                        ui.strong(ctx.format_shortcut(shortcut));
                        ui.label(describe(*action));
                        ui.end_row();
                    }
                    for (keys, action) in OTHER_KEYS {
                        ui.strong(*keys);
                        ui.label(*action);
                        ui.end_row();
                    }
                });
        });
}
