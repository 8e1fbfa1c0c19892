//! Carrying out what the rep asked for: each panel's intents, after the frame is drawn.

use super::*;
impl SwitchboardApp {
    pub(super) fn handle(&mut self, intent: Intent) {
        match intent {
            Intent::LogIn => self.log_in(),
            Intent::LogOut if !self.model.tabs.is_empty() => {
                self.panels.leaving = Some(Leaving::LogOut);
            }
            Intent::LogOut => self.log_out(),
            Intent::LeaveAll(leaving) => {
                self.panels.leaving = None;
                self.leave_all_sessions();
                self.panels.departing = Some((leaving, std::time::Instant::now()));
            }
            Intent::CancelLeave => self.panels.leaving = None,
            Intent::Request(RepRequest::TakeNext) => self.take_next(),
            Intent::Request(request) => self.send(request),
            Intent::SendChat {
                session_id,
                text,
                visibility,
            } => {
                if let Some((id, request)) = self.model.send_chat(session_id, &text, visibility) {
                    self.link.net.send(Command::Send { id, request });
                }
            }
            Intent::Whisper {
                session_id,
                text,
                to,
            } => {
                if let Some((id, request)) = self.model.send_whisper(session_id, &text, to) {
                    self.link.net.send(Command::Send { id, request });
                }
            }
            Intent::TeamChat { team, text } => {
                self.send(RepRequest::TeamChat {
                    team,
                    client_msg_id: format!("team-{}-{}", now_ms(), rand::random::<u32>()),
                    text,
                });
            }
            Intent::ShowTab(tab) => self.bring_to_front(tab),
            Intent::ShowDashboard
            | Intent::SortDashboardSessions(_)
            | Intent::SortDashboardReps(_) => self.handle_dashboard(intent),
            Intent::Select(selected) => self.panels.queues.selected = selected,
            Intent::ToggleFavourite(team) => {
                self.settings.prefs.toggle_favourite(team.as_str());
                self.save_prefs();
            }
            Intent::OpenTeamChat(team) => self.model.set_open_team_chat(team),
            Intent::Sort { queue_key, column } => {
                let layout = self.settings.prefs.layout_mut(&queue_key);
                if layout.sort == column {
                    layout.descending = !layout.descending;
                } else {
                    layout.sort = column;
                    layout.descending = false;
                }
                self.save_prefs();
            }
            Intent::MoveColumn {
                queue_key,
                column,
                left,
            } => {
                let columns = &mut self.settings.prefs.layout_mut(&queue_key).columns;
                if let Some(at) = columns.iter().position(|c| *c == column) {
                    let to = if left {
                        at.checked_sub(1)
                    } else {
                        Some(at + 1)
                    };
                    if let Some(to) = to.filter(|to| *to < columns.len()) {
                        columns.swap(at, to);
                    }
                }
                self.save_prefs();
            }
            Intent::SetColumnShown {
                queue_key,
                column,
                shown,
            } => {
                let columns = &mut self.settings.prefs.layout_mut(&queue_key).columns;
                if shown && !columns.contains(&column) {
                    columns.push(column);
                } else if !shown && columns.len() > 1 {
                    columns.retain(|c| *c != column);
                }
                self.save_prefs();
            }
            Intent::AskClose(session_id) => {
                let owner = self
                    .model
                    .sessions
                    .get(&session_id)
                    .is_some_and(|s| self.model.owns(&s.info));
                if owner {
                    self.panels.close = CloseDialog {
                        session_id: Some(session_id),
                        disposition: None,
                    };
                } else {
                    self.send(RepRequest::Leave { session_id });
                }
            }
            Intent::Close {
                session_id,
                mode,
                disposition,
            } => {
                let ends = matches!(mode, CloseMode::End | CloseMode::EndAndUninstall);
                if ends && let Some(disposition) = disposition {
                    self.send(RepRequest::SetDisposition {
                        session_id,
                        disposition,
                    });
                }
                // The dialog stays until the tab closes: a refusal (no disposition) is fixed in place.
                self.send(RepRequest::Close { session_id, mode });
            }
            Intent::CancelClose => self.panels.close = CloseDialog::default(),
            Intent::OpenTransfer(session_id) => {
                self.panels.transfer = TransferDialog::open(session_id);
                // Who can be reached right now, other teams included where permitted.
                self.send(RepRequest::ListInvitees { session_id });
            }
            Intent::CloseTransfer => self.panels.transfer = TransferDialog::default(),
            Intent::ScreenInput { session_id, events } => self.screen_input(session_id, events),
            Intent::ScreenRefresh(session_id) => self.screen_refresh(session_id),
            Intent::ShellInput { session_id, bytes } => self.shell_input(session_id, &bytes),
            Intent::ShellResize { session_id, size } => self.shell_resize(session_id, size),
            Intent::CloseShell(session_id) => self.close_shell(session_id),
            Intent::OpenTranscript {
                session_id,
                customer,
            } => self.open_transcript(session_id, customer),
            Intent::CloseTranscript(session_id) => {
                self.shells.transcripts.remove(&session_id);
            }
            Intent::OpenButtons(session_id) => {
                self.model.open_buttons(session_id);
                self.panels.button_forms.entry(session_id).or_default();
            }
            Intent::CloseButtons(session_id) => {
                self.model.close_buttons(session_id);
                self.panels.button_forms.remove(&session_id);
            }
            Intent::OpenJumpClients
            | Intent::CloseJumpClients
            | Intent::SortJumpClients(_)
            | Intent::ConfirmUnpin(_)
            | Intent::OpenPin(_)
            | Intent::ClosePin => self.handle_jump(intent),
            Intent::CloseClientOffer => self.model.close_client_offer(),
            Intent::OpenElevate(session_id) => {
                self.panels.elevate = Some(crate::model::elevation::ElevateForm::new(session_id));
            }
            Intent::StopControl(session_id) => {
                let grant = self.model.sessions.get(&session_id).and_then(|s| {
                    let me = self.model.me_id()?;
                    crate::ui::screen_view::control_grant(&s.info.remote, me)
                });
                if let Some(grant_id) = grant {
                    // The Control toggle's "off": the view stays.
                    self.send(RepRequest::StopRemote {
                        session_id,
                        grant_id,
                        keep_view: true,
                    });
                }
            }
            Intent::SetChatBar { shown, pinned } => {
                self.settings.prefs.chat_shown = shown;
                self.settings.prefs.chat_pinned = pinned;
                self.save_prefs();
            }
            Intent::DetailsResized(height) => {
                self.settings.prefs.details_height = height;
                self.save_prefs();
            }
            Intent::AttachFile(session_id) => self.panels.dialogs.pick_upload(session_id),
            Intent::SaveFile(attachment) => self.panels.dialogs.pick_save(attachment),
            Intent::OpenUrl(url) => self.panels.urls_to_open.push(url),
            Intent::CycleTab(by) => {
                let mut order: Vec<Option<SessionId>> = vec![None];
                order.extend(self.model.tabs.iter().copied().map(Some));
                let at = order
                    .iter()
                    .position(|t| *t == self.panels.front)
                    .unwrap_or(0);
                let next = (at as isize + by).rem_euclid(order.len() as isize) as usize;
                if let Some(tab) = order.get(next).copied() {
                    self.bring_to_front(tab);
                }
            }
            Intent::NextUnread => {
                let tabs = &self.model.tabs;
                let start = self
                    .panels
                    .front
                    .and_then(|f| tabs.iter().position(|t| *t == f))
                    .map_or(0, |at| at + 1);
                let unread = (0..tabs.len())
                    .map(|i| tabs[(start + i) % tabs.len()])
                    .find(|id| self.model.sessions.get(id).is_some_and(|s| s.unread > 0));
                if let Some(id) = unread {
                    self.bring_to_front(Some(id));
                }
            }
            Intent::FocusComposer => {
                if let Some(id) = self.panels.front {
                    self.panels.drafts.entry(id).or_default().focus = true;
                }
            }
            Intent::FocusSearch => {
                self.panels.front = None;
                self.panels.dashboard.shown = false;
                self.panels.queues.focus_search = true;
            }
            Intent::MoveSelection(by) if self.queues_in_front() => {
                if let Some(selected) =
                    self.panels
                        .queues
                        .step_selection(&self.model, &self.settings.prefs, by)
                {
                    self.panels.queues.selected = Some(selected);
                }
            }
            Intent::AcceptSelected if self.queues_in_front() => {
                let entry = self
                    .panels
                    .queues
                    .selected
                    .as_ref()
                    .and_then(|(queue, id)| {
                        self.model
                            .queue(queue)?
                            .entries
                            .iter()
                            .find(|e| &e.entry_id == id)
                    });
                if let Some(Intent::Request(request)) = entry.map(accept_intent) {
                    self.send(request);
                }
            }
            Intent::MoveSelection(_) | Intent::AcceptSelected => {}
            Intent::AcceptLongestWaiting => {
                let me = self.model.me_id().cloned();
                let longest = self
                    .model
                    .queues
                    .iter()
                    .flat_map(|q| &q.entries)
                    .filter(|e| {
                        e.invitation
                            .as_ref()
                            .is_none_or(|i| Some(&i.inviter) != me.as_ref())
                    })
                    .min_by_key(|e| e.entered_queue_at);
                if let Some(Intent::Request(request)) = longest.map(accept_intent) {
                    self.send(request);
                }
            }
            Intent::SetAlerts(alerts) => {
                self.settings.prefs.alerts = alerts;
                self.save_prefs();
            }
            Intent::SetTheme(theme) => {
                self.settings.prefs.theme = theme;
                self.panels.apply_theme = true;
                self.save_prefs();
            }
            Intent::TogglePanel(Panel::Settings) => {
                self.panels.settings_open = !self.panels.settings_open
            }
            Intent::TogglePanel(Panel::Help) => self.panels.help_open = !self.panels.help_open,
        }
    }

    /// Take next, by the button or Ctrl+T: the key obeys what greys the button (before
    /// the snapshot, at the cap, nobody waiting) and says why instead of asking the server
    /// for a refusal.
    fn take_next(&mut self) {
        if self.model.load().is_none() {
            return;
        }
        match self.model.why_not_take_next() {
            Some(why) => self.model.notice(why, None),
            None => self.send(RepRequest::TakeNext),
        }
    }

    pub(super) fn send(&mut self, request: RepRequest) {
        let id = self.model.request(&request);
        self.link.net.send(Command::Send { id, request });
    }

    /// Goes where a clicked notification or toast points.
    pub(super) fn go_to(&mut self, target: AlertTarget) {
        match target {
            AlertTarget::Session(id) if self.model.sessions.contains_key(&id) => {
                self.bring_to_front(Some(id));
            }
            AlertTarget::Entry { queue, entry_id } => {
                self.panels.front = None;
                self.panels.dashboard.shown = false;
                self.panels.queues.selected = Some((queue, entry_id));
            }
            // The incoming-chat box shows over every tab; a session that ended has no tab.
            AlertTarget::Offer(_) | AlertTarget::Session(_) => {}
        }
    }

    /// Shows a session tab (or the queues); the rep can type straight away.
    pub(super) fn bring_to_front(&mut self, tab: Option<SessionId>) {
        if let Some(id) = tab
            && self.panels.front != tab
        {
            self.panels.drafts.entry(id).or_default().focus = true;
        }
        self.panels.front = tab;
        self.panels.dashboard.shown = false;
    }

    pub(super) fn log_in(&mut self) {
        self.panels.login_message = Some("Connecting…".to_owned());
        self.link.net.send(Command::Connect {
            server_url: self.panels.login.server_url.trim().to_owned(),
            username: self.panels.login.username.trim().to_owned(),
            password: self.panels.login.password.clone(),
        });
    }

    pub(super) fn log_out(&mut self) {
        self.drafts_logged_out();
        self.panels.login.focus = true;
        self.link.net.send(Command::Logout);
        self.model.clear();
        // Shells and their transcripts belong to the login (the streams close with them).
        self.shells = shells::Shells::default();
        // A "Shell as a specific user" dialog left open: its form's drop wipes the password.
        self.panels.elevate = None;
        self.panels.queues = QueuesState::default();
        self.panels.dashboard = Default::default();
        self.panels.front = None;
        self.panels.screen = Screen::Login;
    }

    /// Owned sessions go back to their queues; the others are left.
    pub(super) fn leave_all_sessions(&mut self) {
        let requests: Vec<RepRequest> = self
            .model
            .tabs
            .iter()
            .filter_map(|id| self.model.sessions.get(id))
            .map(|s| {
                let session_id = s.info.session_id;
                if self.model.owns(&s.info) {
                    RepRequest::Close {
                        session_id,
                        mode: CloseMode::LeaveInQueue,
                    }
                } else {
                    RepRequest::Leave { session_id }
                }
            })
            .collect();
        for request in requests {
            self.send(request);
        }
    }

    pub(super) fn save_prefs(&mut self) {
        if let Some(writer) = &self.settings.writer {
            writer.save(self.settings.prefs.clone());
        }
    }
}
