//! What comes in: network events drained into the model each frame, the notifier's and
//! the file dialogs' answers, and the alerts and reminders that incoming work deserves.

use super::*;
impl SwitchboardApp {
    /// Applies everything the network delivered since the last frame.
    pub(super) fn drain_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            match event {
                NetEvent::Status(status) => self.status = status,
                NetEvent::LoginFailed(error) => {
                    self.screen = Screen::Login;
                    self.login.focus = true;
                    self.login_message = Some(login_error_text(&error, &self.login.server_url));
                }
                NetEvent::LoggedIn { rep, .. } => {
                    self.screen = Screen::Console;
                    self.login_message = None;
                    // The password is never kept; the last server and username are.
                    self.login.password.clear();
                    // The demo's server dies with this process: never offer its port again.
                    if !self.options.demo {
                        self.prefs.last_server = self.login.server_url.trim().to_owned();
                    }
                    self.prefs.last_username = rep.to_string();
                    self.save_prefs();
                }
                NetEvent::Server(message) => {
                    // Judged against the model before the frame changes it.
                    self.announce(&message);
                    let welcome = matches!(message, RepServerMessage::Welcome { .. });
                    self.model.apply(message);
                    if welcome {
                        // Messages sent while away go again, with the same client ids.
                        for (id, request) in self.model.resend_pending() {
                            self.net.send(Command::Send { id, request });
                        }
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
            }
        }
        for feedback in self.notifier.feedback() {
            match feedback {
                Feedback::Clicked(target) => {
                    self.go_to(target);
                    self.focus_window = true;
                }
                Feedback::Unavailable(alert) => self.toasts.alert(alert),
            }
        }
        for chosen in self.dialogs.answers() {
            match chosen {
                Chosen::Upload { session_id, path } => self.net.upload_file(session_id, path),
                Chosen::SaveAs { attachment, path } => {
                    self.net
                        .download_file(attachment.file_id, attachment.name, path);
                }
            }
        }
        // A tab the rep asked for comes to the front once it opens.
        if let Some(opened) = self
            .accepting
            .iter()
            .copied()
            .find(|id| self.model.tabs.contains(id))
        {
            self.accepting.remove(&opened);
            self.bring_to_front(Some(opened));
        }
        if self
            .front
            .is_some_and(|id| !self.model.sessions.contains_key(&id))
        {
            self.front = None;
        }
        if self
            .close
            .session_id
            .is_some_and(|id| !self.model.sessions.contains_key(&id))
        {
            self.close = CloseDialog::default();
        }
        let transfer_open_for_mine = self
            .transfer
            .session_id
            .and_then(|id| self.model.sessions.get(&id))
            .is_some_and(|s| self.model.owns(&s.info));
        if !transfer_open_for_mine {
            self.transfer = TransferDialog::default();
        }
    }

    /// The session the rep can see right now: in front, chat shown, window focused.
    pub(super) fn looking_at(&self) -> Option<SessionId> {
        self.front
            .filter(|_| self.prefs.chat_shown && self.window_focused)
    }

    /// Alerts (and, in "every message" mode, reminds) about incoming work in a frame.
    pub(super) fn announce(&mut self, message: &RepServerMessage) {
        let looking_at = self.looking_at();
        let alerts = &self.prefs.alerts;
        let reminder = (alerts.reminder == ReminderMode::EveryMessage)
            .then(|| reminders::on_message(&self.model, message, looking_at))
            .flatten();
        if let Some(alert) = events::alert_for(&self.model, message, looking_at, alerts.sound) {
            self.alert(alert);
        }
        if let Some(reminder) = reminder {
            self.toasts.remind(reminder);
        }
    }

    pub(super) fn alert(&mut self, alert: Alert) {
        if self.prefs.alerts.desktop_notifications {
            self.notifier.show(alert);
        } else {
            self.toasts.alert(alert);
        }
    }

    /// "After N seconds" reminders that fell due; wakes the window for the next one.
    pub(super) fn remind(&mut self, ctx: &egui::Context, now: switchboard_protocol::UnixMillis) {
        let alerts = &self.prefs.alerts;
        if alerts.reminder != ReminderMode::AfterSeconds {
            return;
        }
        let (due, next) = self.reminders.due(
            &self.model,
            self.looking_at(),
            now,
            alerts.reminder_after_secs,
        );
        for reminder in due {
            self.toasts.remind(reminder);
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
