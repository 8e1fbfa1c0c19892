//! The Support Buttons windows: their lists asked for whenever the model says one is out
//! of date (opened, after the rep's deploy or removal, a server line in the session), and
//! the windows drawn with their deploy forms.

use super::*;
use crate::ui::support_buttons::support_buttons_window_ui;

impl SwitchboardApp {
    /// Sends `list_buttons` for each open window whose list is out of date; forgets the
    /// forms of windows that closed (their session ended, say). Called each frame after
    /// the network's events.
    pub(super) fn sync_buttons(&mut self) {
        for session_id in self.model.buttons_to_list() {
            self.send(RepRequest::ListButtons { session_id });
        }
        let open = &self.model.buttons;
        self.panels
            .button_forms
            .retain(|session_id, _| open.contains_key(session_id));
    }

    /// Draws every open Support Buttons window.
    pub(super) fn buttons_windows_ui(
        &mut self,
        ctx: &egui::Context,
        now: switchboard_protocol::UnixMillis,
        intents: &mut Vec<Intent>,
    ) {
        for (session_id, panel) in &self.model.buttons {
            let Some(session) = self.model.sessions.get(session_id) else {
                continue;
            };
            let form = self.panels.button_forms.entry(*session_id).or_default();
            support_buttons_window_ui(ctx, &self.model, session, panel, form, now, intents);
        }
    }
}
