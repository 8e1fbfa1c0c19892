//! The console's screen: top bar, tab row, status bar, notice area, the queues or the
//! session in front, and the windows and dialogs over them; leaving with sessions open.

use super::*;
use crate::ui::client_offer::client_offer_window_ui;
use crate::ui::screen_view::ScreenView;
use crate::ui::session::{RemoteArgs, ScreenArgs, ShellArgs, session_remote_ui};
use crate::ui::transcript_window::transcript_window_ui;
impl SwitchboardApp {
    pub(super) fn console_ui(&mut self, ui: &mut egui::Ui, intents: &mut Vec<Intent>) {
        let now = now_ms();
        self.alerts.flashing = flash::flashing(&self.model, self.panels.front);
        self.alerts.flash_on = flash::flash_on(now);
        if !self.alerts.flashing.is_empty() {
            crate::pace::tick(ui.ctx(), now, flash::HALF_PERIOD_MS);
        }
        self.remind(ui.ctx(), now);
        egui::Panel::top("top_bar").show(ui, |ui| {
            let panels = TopBarPanels {
                settings_open: self.panels.settings_open,
                help_open: self.panels.help_open,
            };
            top_bar_ui(ui, &self.model, self.options.demo, panels, intents);
        });
        egui::Panel::top("session_tabs").show(ui, |ui| {
            let flashing = TabFlash {
                tabs: &self.alerts.flashing,
                on: self.alerts.flash_on,
            };
            let dashboard = self.dashboard_tab();
            tabs_ui(
                ui,
                &self.model,
                self.panels.front,
                dashboard,
                flashing,
                intents,
            );
        });
        shortcuts_window_ui(ui.ctx(), &mut self.panels.help_open);
        settings_window_ui(
            ui.ctx(),
            self.panels.settings_open,
            &self.settings.prefs.alerts,
            self.settings.prefs.theme,
            intents,
        );
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            status_bar_ui(ui, &self.model, &self.link.status, now);
        });
        // The notice area sits above the status bar and pushes the content up.
        self.alerts.toasts.forget_seen(self.looking_at());
        self.alerts.toasts.forget_stale(&self.model);
        if let Some(target) = toasts_ui(ui, &mut self.alerts.toasts, &self.model.notices) {
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
            match self
                .panels
                .front
                .and_then(|id| self.model.sessions.get(&id))
            {
                Some(session) => {
                    let id = session.info.session_id;
                    let draft = self.panels.drafts.entry(id).or_default();
                    let bar = self.model.screen_toolbar(&session.info, now);
                    let exit = self.shells.exits.get(&id).copied();
                    let shell_bar =
                        self.model
                            .shell_toolbar(&session.info, now)
                            .map(|bar| match exit {
                                Some((grant_id, code)) => bar.with_exit_code(grant_id, code),
                                None => bar,
                            });
                    let counting = shell_bar.as_ref().is_some_and(|b| b.counting_down());
                    if counting || bar.as_ref().is_some_and(|b| b.note.is_some()) {
                        // The countdown of a request on the customer's screen.
                        crate::pace::tick(ui.ctx(), now, crate::pace::SECOND_MS);
                    }
                    let mut spare = ScreenView::default();
                    let view = if bar.as_ref().is_some_and(|b| b.viewing) {
                        self.screens.views.entry(id).or_default()
                    } else {
                        &mut spare
                    };
                    let screen = ScreenArgs {
                        bar,
                        stream: self.screens.streams.get(&id),
                        view,
                    };
                    let shell = ShellArgs {
                        bar: shell_bar,
                        terminal: self.shells.terminals.get_mut(&id),
                        stream: self.shells.streams.get(&id).map(|s| s.state()),
                    };
                    session_remote_ui(
                        ui,
                        &self.model,
                        &self.settings.prefs,
                        session,
                        draft,
                        RemoteArgs { screen, shell },
                        intents,
                    );
                }
                None if self.dashboard_in_front() => {
                    self.dashboard_central_ui(ui, now, intents);
                }
                None => queues_ui(
                    ui,
                    &self.model,
                    &self.settings.prefs,
                    &mut self.panels.queues,
                    now,
                    intents,
                ),
            }
        });
        if let Some(team) = self.model.open_team_chat().cloned() {
            team_chat_window(
                ui.ctx(),
                &self.model,
                &team,
                self.panels.team_drafts.entry(team.clone()).or_default(),
                intents,
            );
        }
        if let Some(session) = self
            .panels
            .close
            .session_id
            .and_then(|id| self.model.sessions.get(&id))
        {
            close_dialog_ui(
                ui.ctx(),
                &mut self.panels.close,
                session,
                &self.model.dispositions,
                self.model.require_disposition,
                intents,
            );
        }
        if let Some(session) = self
            .panels
            .transfer
            .session_id
            .and_then(|id| self.model.sessions.get(&id))
        {
            transfer_dialog_ui(
                ui.ctx(),
                &mut self.panels.transfer,
                &self.model,
                session,
                intents,
            );
        }
        for (session_id, window) in &self.shells.transcripts {
            transcript_window_ui(ui.ctx(), *session_id, window, intents);
        }
        self.buttons_windows_ui(ui.ctx(), now, intents);
        self.jump_windows_ui(ui.ctx(), now, intents);
        let elevate = &mut self.panels.elevate;
        crate::ui::elevate_dialog::elevate_dialog_ui(ui.ctx(), &self.model, elevate, intents);
        if let Some(panel) = &self.model.client_offer {
            // "10 min left" moves on, and the code expires on time.
            crate::pace::tick(ui.ctx(), now, crate::pace::SECOND_MS);
            client_offer_window_ui(ui.ctx(), &self.model, panel, now, intents);
        }
        if let Some(leaving) = self.panels.leaving {
            leave_dialog_ui(ui.ctx(), &self.model, leaving, intents);
        }
        // After drawing: dialogs, menus and text fields had the keys first.
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        // A focused shell takes every key (Ctrl+U, Ctrl+F… are the shell's) but the tab
        // keys, so the keyboard can still leave it.
        let shell_keys = self
            .panels
            .front
            .and_then(|id| self.shells.terminals.get(&id))
            .is_some_and(|t| t.focused);
        let keys = key_intents(ui.ctx(), typing);
        intents.extend(
            keys.into_iter()
                .filter(|intent| !shell_keys || matches!(intent, Intent::CycleTab(_))),
        );
        if !typing
            && self.queues_in_front()
            && self.panels.queues.selected.is_some()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            intents.push(Intent::Select(None));
        }
        self.files_dropped(ui.ctx());
    }

    /// Files dropped on the window go into the session in front, as "Attach file" would.
    pub(super) fn files_dropped(&mut self, ctx: &egui::Context) {
        let Some(session_id) = self.panels.front else {
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
            self.link.net.upload_file(session_id, path);
        }
    }
    /// Closing the window asks first while sessions are open. After "Leave in queue and
    /// log out / quit", goes once the server has taken the sessions back (or after a few
    /// seconds without an answer).
    pub(super) fn guard_leaving(&mut self, ctx: &egui::Context) {
        let asked = ctx.input(|i| i.viewport().close_requested());
        if asked && self.panels.departing.is_none() && !self.model.tabs.is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if !self.ask_minimise_to_tray() {
                self.panels.leaving = Some(Leaving::Quit);
            }
        }
        let Some((leaving, since)) = self.panels.departing else {
            return;
        };
        if !self.model.tabs.is_empty() && since.elapsed() < LEAVE_WAIT {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        }
        match leaving {
            Leaving::LogOut => {
                self.panels.departing = None;
                self.log_out();
            }
            Leaving::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }
}
