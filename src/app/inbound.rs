//! What comes in: network events drained into the model each frame, the notifier's and
//! the file dialogs' answers, and the alerts and reminders that incoming work deserves.

use super::*;
impl SwitchboardApp {
    /// Applies everything the network delivered since the last frame.
    pub(super) fn drain_events(&mut self) {
        while let Ok(event) = self.link.events.try_recv() {
            match event {
                NetEvent::Status(status) => self.link.status = status,
                NetEvent::LoginFailed(error) => {
                    self.panels.screen = Screen::Login;
                    self.panels.login.focus = true;
                    self.panels.login_message =
                        Some(login_error_text(&error, &self.panels.login.server_url));
                }
                NetEvent::LoggedIn { rep, .. } => {
                    self.drafts_logged_in(&rep);
                    self.panels.screen = Screen::Console;
                    self.panels.login_message = None;
                    // The password is never kept; the last server and username are.
                    self.panels.login.password.clear();
                    // The demo's server dies with this process: never offer its port again.
                    if !self.options.demo {
                        self.settings.prefs.last_server =
                            self.panels.login.server_url.trim().to_owned();
                    }
                    self.settings.prefs.last_username = rep.to_string();
                    self.save_prefs();
                }
                NetEvent::Server(message) => {
                    for change in self.model.apply(message) {
                        self.on_change(&change);
                    }
                }
                NetEvent::SendFailed { id, reason } => self.model.send_failed(id, &reason),
                // Its `chat` event shows it in the session.
                NetEvent::FileSent { .. } => {}
                NetEvent::FileSaved { path } => {
                    self.model
                        .notice(format!("Saved {}.", path.display()), None);
                }
                NetEvent::FileFailed { name, reason } => {
                    self.model.notice(format!("{name}: {reason}"), None);
                }
                NetEvent::Transcript { session_id, result } => {
                    self.transcript_arrived(session_id, result);
                }
            }
        }
        for feedback in self.alerts.notifier.feedback() {
            match feedback {
                Feedback::Clicked(target) => {
                    self.go_to(target);
                    self.alerts.focus_window = true;
                }
                Feedback::Unavailable(alert) => self.alerts.toasts.alert(alert),
            }
        }
        for chosen in self.panels.dialogs.answers() {
            match chosen {
                Chosen::Upload { session_id, path } => self.link.net.upload_file(session_id, path),
                Chosen::SaveAs { attachment, path } => {
                    self.link
                        .net
                        .download_file(attachment.file_id, attachment.name, path);
                }
            }
        }
        if self
            .panels
            .front
            .is_some_and(|id| !self.model.sessions.contains_key(&id))
        {
            self.panels.front = None;
        }
        if self
            .panels
            .close
            .session_id
            .is_some_and(|id| !self.model.sessions.contains_key(&id))
        {
            self.panels.close = CloseDialog::default();
        }
        let transfer_open_for_mine = self
            .panels
            .transfer
            .session_id
            .and_then(|id| self.model.sessions.get(&id))
            .is_some_and(|s| self.model.owns(&s.info));
        if !transfer_open_for_mine {
            self.panels.transfer = TransferDialog::default();
        }
    }

    /// The session the rep can see right now: in front, chat shown, window focused.
    pub(super) fn looking_at(&self) -> Option<SessionId> {
        self.panels
            .front
            .filter(|_| self.settings.prefs.chat_shown && self.alerts.window_focused)
    }

    /// Acts on one thing a server frame changed: messages pending go again after a welcome;
    /// a tab the rep asked for comes forward; incoming work is alerted (and, in "every
    /// message" mode, reminded of).
    fn on_change(&mut self, change: &Change) {
        match change {
            Change::Welcomed => {
                // Messages sent while away go again, with the same client ids.
                for (id, request) in self.model.resend_pending() {
                    self.link.net.send(Command::Send { id, request });
                }
            }
            Change::Joined {
                session_id,
                asked: true,
            } => self.bring_to_front(Some(*session_id)),
            Change::Left { session_id, .. } => self.left_session(*session_id),
            _ => {}
        }
        let looking_at = self.looking_at();
        let alerts = &self.settings.prefs.alerts;
        let reminder = (alerts.reminder == ReminderMode::EveryMessage)
            .then(|| reminders::on_change(&self.model, change, looking_at))
            .flatten();
        if let Some(alert) = events::alert_for(&self.model, change, looking_at, alerts.sound) {
            self.alert(alert);
        }
        if let Some(reminder) = reminder {
            self.alerts.toasts.remind(reminder);
        }
    }

    /// The rep is no longer in the session (left, ended, removed, transferred away, or
    /// gone from a new snapshot): what the console kept for it goes at once. Its draft (a
    /// session accepted again starts with an empty message box, and a day of sessions
    /// does not pile drafts up), its alerts and reminders, its Close and Transfer dialogs;
    /// the queues come back if it was in front.
    fn left_session(&mut self, session_id: SessionId) {
        self.panels.drafts.remove(&session_id);
        self.alerts.toasts.forget_session(session_id);
        self.alerts.reminders.forget(session_id);
        if self.panels.close.session_id == Some(session_id) {
            self.panels.close = CloseDialog::default();
        }
        if self.panels.transfer.session_id == Some(session_id) {
            self.panels.transfer = TransferDialog::default();
        }
        if self.panels.front == Some(session_id) {
            self.panels.front = None;
        }
    }

    pub(super) fn alert(&mut self, alert: Alert) {
        if self.settings.prefs.alerts.desktop_notifications {
            self.alerts.notifier.show(alert);
        } else {
            self.alerts.toasts.alert(alert);
        }
    }

    /// "After N seconds" reminders that fell due; wakes the window for the next one.
    pub(super) fn remind(&mut self, ctx: &egui::Context, now: switchboard_protocol::UnixMillis) {
        let alerts = &self.settings.prefs.alerts;
        if alerts.reminder != ReminderMode::AfterSeconds {
            return;
        }
        let (due, next) = self.alerts.reminders.due(
            &self.model,
            self.looking_at(),
            now,
            alerts.reminder_after_secs,
        );
        for reminder in due {
            self.alerts.toasts.remind(reminder);
        }
        if let Some(next) = next {
            ctx.request_repaint_after(std::time::Duration::from_millis(next.saturating_sub(now)));
        }
    }
}

fn login_error_text(error: &LoginError, server: &str) -> String {
    match error {
        LoginError::Unreachable(detail) => {
            format!(
                "Cannot reach the server at {server}. Check the address and that the server is running. ({detail})"
            )
        }
        LoginError::WrongPassword => "Wrong username or password.".to_owned(),
        LoginError::RateLimited { retry_after_secs } => {
            format!("Too many failed attempts. Try again in {retry_after_secs} seconds.")
        }
        LoginError::VersionMismatch(detail) => {
            format!("This console and the server speak different protocol versions: {detail}")
        }
        LoginError::Other(detail) => detail.clone(),
    }
}
