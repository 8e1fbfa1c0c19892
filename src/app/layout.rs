//! The console's screen: top bar, tab row, status bar, notice area, the queues or the
//! session in front, and the windows and dialogs over them; leaving with sessions open.

use super::*;
impl SwitchboardApp {
    pub(super) fn console_ui(&mut self, ui: &mut egui::Ui, intents: &mut Vec<Intent>) {
        let now = now_ms();
        self.flashing = flash::flashing(&self.model, self.front);
        self.flash_on = flash::flash_on(now);
        if !self.flashing.is_empty() {
            crate::pace::tick(ui.ctx(), now, flash::HALF_PERIOD_MS);
        }
        self.remind(ui.ctx(), now);
        egui::Panel::top("top_bar").show(ui, |ui| {
            let panels = TopBarPanels {
                settings_open: self.settings_open,
                help_open: self.help_open,
            };
            top_bar_ui(ui, &self.model, self.options.demo, panels, intents);
        });
        egui::Panel::top("session_tabs").show(ui, |ui| {
            let flashing = TabFlash {
                tabs: &self.flashing,
                on: self.flash_on,
            };
            tabs_ui(ui, &self.model, self.front, flashing, intents);
        });
        shortcuts_window_ui(ui.ctx(), &mut self.help_open);
        settings_window_ui(
            ui.ctx(),
            self.settings_open,
            &self.prefs.alerts,
            self.prefs.theme,
            intents,
        );
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            status_bar_ui(ui, &self.model, &self.status, now);
        });
        // The notice area sits above the status bar and pushes the content up.
        self.toasts.forget_seen(self.looking_at());
        self.toasts.forget_stale(&self.model);
        if let Some(target) = toasts_ui(ui, &mut self.toasts, &self.model.notices) {
            self.go_to(target);
        }
        if let Some(offer) = &self.model.offer {
            offer_ui(ui.ctx(), &self.model, offer, now, intents);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if !self.model.ready {
                ui.centered_and_justified(|ui| ui.spinner());
                return;
            }
            match self.front.and_then(|id| self.model.sessions.get(&id)) {
                Some(session) => {
                    let draft = self.drafts.entry(session.info.session_id).or_default();
                    session_ui(ui, &self.model, &self.prefs, session, draft, intents);
                }
                None => queues_ui(ui, &self.model, &self.prefs, &mut self.queues, now, intents),
            }
        });
        if let Some(team) = self.model.open_team_chat().cloned() {
            team_chat_window(ui.ctx(), &self.model, &team, &mut self.team_draft, intents);
        }
        if let Some(session) = self
            .close
            .session_id
            .and_then(|id| self.model.sessions.get(&id))
        {
            close_dialog_ui(
                ui.ctx(),
                &mut self.close,
                session,
                &self.model.dispositions,
                self.model.require_disposition,
                intents,
            );
        }
        if let Some(session) = self
            .transfer
            .session_id
            .and_then(|id| self.model.sessions.get(&id))
        {
            transfer_dialog_ui(ui.ctx(), &mut self.transfer, &self.model, session, intents);
        }
        if let Some(leaving) = self.leaving {
            leave_dialog_ui(ui.ctx(), &self.model, leaving, intents);
        }
        // After drawing: dialogs, menus and text fields had the keys first.
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        intents.extend(key_intents(ui.ctx(), typing));
        if !typing
            && self.front.is_none()
            && self.queues.selected.is_some()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            intents.push(Intent::Select(None));
        }
        self.files_dropped(ui.ctx());
    }

    /// Files dropped on the window go into the session in front, as "Attach file" would.
    pub(super) fn files_dropped(&mut self, ctx: &egui::Context) {
        let Some(session_id) = self.front else {
            return;
        };
        let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
        if hovering {
            egui::Area::new(egui::Id::unique("drop_files"))
                .order(egui::Order::Foreground)
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .show(ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.heading("Drop to send the files to the customer");
                    });
                });
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            self.net.upload_file(session_id, path);
        }
    }
    /// Closing the window asks first while sessions are open. After "Leave in queue and
    /// log out / quit", goes once the server has taken the sessions back (or after a few
    /// seconds without an answer).
    pub(super) fn guard_leaving(&mut self, ctx: &egui::Context) {
        let asked = ctx.input(|i| i.viewport().close_requested());
        if asked && self.departing.is_none() && !self.model.tabs.is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.leaving = Some(Leaving::Quit);
        }
        let Some((leaving, since)) = self.departing else {
            return;
        };
        if !self.model.tabs.is_empty() && since.elapsed() < LEAVE_WAIT {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        }
        match leaving {
            Leaving::LogOut => {
                self.departing = None;
                self.log_out();
            }
            Leaving::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }
}
