//! Jump Clients in the app: the list asked for whenever the model says it is out of date
//! (the window opened, a reconnect, a refusal), the window and the Pin dialog drawn, and
//! their intents carried out.

use super::*;
use crate::ui::jump_clients::jump_clients_window_ui;
use crate::ui::pin_dialog::{PinForm, pin_dialog_ui};

impl SwitchboardApp {
    /// Sends `list_jump_clients` when the open window's list is out of date. Called each
    /// frame after the network's events.
    pub(super) fn sync_jump_clients(&mut self) {
        if self.model.jump_list_wanted() {
            self.send(RepRequest::ListJumpClients);
        }
    }

    /// Draws the Jump Clients window and the Pin dialog, when open.
    pub(super) fn jump_windows_ui(
        &mut self,
        ctx: &egui::Context,
        now: switchboard_protocol::UnixMillis,
        intents: &mut Vec<Intent>,
    ) {
        if self.model.jump.open
            && let Some(clients) = &self.model.jump.clients
            && clients.iter().any(|c| !c.online)
        {
            // "Last seen 5 min ago" moves on.
            crate::pace::tick(ctx, now, 60 * crate::pace::SECOND_MS);
        }
        let sort = self.settings.prefs.jump_sort;
        jump_clients_window_ui(
            ctx,
            &self.model,
            &mut self.panels.jump_window,
            sort,
            now,
            intents,
        );
        if let Some(panel) = &self.model.pin {
            pin_dialog_ui(ctx, &self.model, panel, &mut self.panels.pin_form, intents);
        }
    }

    /// The Jump Clients intents.
    pub(super) fn handle_jump(&mut self, intent: Intent) {
        match intent {
            Intent::OpenJumpClients => {
                self.model.open_jump_clients();
                self.panels.jump_window.opened += 1;
            }
            Intent::CloseJumpClients => {
                self.model.close_jump_clients();
                self.panels.jump_window.confirm_unpin = None;
            }
            Intent::SortJumpClients(column) => {
                self.settings.prefs.jump_sort.sort_by(column);
                self.save_prefs();
            }
            Intent::ConfirmUnpin(id) => self.panels.jump_window.confirm_unpin = Some(id),
            Intent::OpenPin(session_id) => {
                self.model.open_pin(session_id);
                self.panels.pin_form = PinForm::default();
            }
            Intent::ClosePin => self.model.close_pin(),
            _ => {}
        }
    }
}
