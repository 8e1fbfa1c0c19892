//! Carrying out what the rep asked for: each panel's intents, after the frame is drawn.

use super::*;
impl SwitchboardApp {
    pub(super) fn handle(&mut self, intent: Intent) {
        match intent {
            Intent::LogIn => self.log_in(),
            Intent::LogOut if !self.model.tabs.is_empty() => {
                self.leaving = Some(Leaving::LogOut);
            }
            Intent::LogOut => self.log_out(),
            Intent::LeaveAll(leaving) => {
                self.leaving = None;
                self.leave_all_sessions();
                self.departing = Some((leaving, std::time::Instant::now()));
            }
            Intent::CancelLeave => self.leaving = None,
            Intent::Request(request) => self.send(request),
            Intent::SendChat {
                session_id,
                text,
                visibility,
            } => {
                if let Some((id, request)) = self.model.send_chat(session_id, &text, visibility) {
                    self.net.send(Command::Send { id, request });
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
            Intent::Select(selected) => self.queues.selected = selected,
            Intent::ToggleFavourite(team) => {
                self.prefs.toggle_favourite(team.as_str());
                self.save_prefs();
            }
            Intent::OpenTeamChat(team) => self.model.set_open_team_chat(team),
            Intent::Sort { queue_key, column } => {
                let layout = self.prefs.layout_mut(&queue_key);
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
                let columns = &mut self.prefs.layout_mut(&queue_key).columns;
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
                let columns = &mut self.prefs.layout_mut(&queue_key).columns;
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
                    self.close = CloseDialog {
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
                if mode == CloseMode::End
                    && let Some(disposition) = disposition
                {
                    self.send(RepRequest::SetDisposition {
                        session_id,
                        disposition,
                    });
                }
                // The dialog stays until the tab closes: a refusal (no disposition) is fixed in place.
                self.send(RepRequest::Close { session_id, mode });
            }
            Intent::CancelClose => self.close = CloseDialog::default(),
            Intent::OpenTransfer(session_id) => {
                self.transfer = TransferDialog::open(session_id);
                // Who can be reached right now, other teams included where permitted.
                self.send(RepRequest::ListInvitees { session_id });
            }
            Intent::CloseTransfer => self.transfer = TransferDialog::default(),
            Intent::SetChatBar { shown, pinned } => {
                self.prefs.chat_shown = shown;
                self.prefs.chat_pinned = pinned;
                self.save_prefs();
            }
            Intent::DetailsResized(height) => {
                self.prefs.details_height = height;
                self.save_prefs();
            }
            Intent::AttachFile(session_id) => self.dialogs.pick_upload(session_id),
            Intent::SaveFile(attachment) => self.dialogs.pick_save(attachment),
            Intent::OpenUrl(url) => self.urls_to_open.push(url),
            Intent::CycleTab(by) => {
                let mut order: Vec<Option<SessionId>> = vec![None];
                order.extend(self.model.tabs.iter().copied().map(Some));
                let at = order.iter().position(|t| *t == self.front).unwrap_or(0);
                let next = (at as isize + by).rem_euclid(order.len() as isize) as usize;
                if let Some(tab) = order.get(next).copied() {
                    self.bring_to_front(tab);
                }
            }
            Intent::NextUnread => {
                let tabs = &self.model.tabs;
                let start = self
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
                if let Some(id) = self.front {
                    self.drafts.entry(id).or_default().focus = true;
                }
            }
            Intent::FocusSearch => {
                self.front = None;
                self.queues.focus_search = true;
            }
            Intent::MoveSelection(by) if self.front.is_none() => {
                if let Some(selected) = self.queues.step_selection(&self.model, &self.prefs, by) {
                    self.queues.selected = Some(selected);
                }
            }
            Intent::AcceptSelected if self.front.is_none() => {
                let entry = self.queues.selected.as_ref().and_then(|(queue, id)| {
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
                self.prefs.alerts = alerts;
                self.save_prefs();
            }
            Intent::SetTheme(theme) => {
                self.prefs.theme = theme;
                self.apply_theme = true;
                self.save_prefs();
            }
            Intent::TogglePanel(Panel::Settings) => self.settings_open = !self.settings_open,
            Intent::TogglePanel(Panel::Help) => self.help_open = !self.help_open,
        }
    }

    pub(super) fn send(&mut self, request: RepRequest) {
        if let RepRequest::Accept { session_id } | RepRequest::JoinSession { session_id } = &request
        {
            self.accepting.insert(*session_id);
        }
        if let RepRequest::AcceptInvitation { invitation_id } = &request {
            let session = self
                .model
                .queues
                .iter()
                .flat_map(|q| &q.entries)
                .find(|e| {
                    e.invitation
                        .as_ref()
                        .is_some_and(|i| &i.invitation_id == invitation_id)
                })
                .map(|e| e.session_id);
            self.accepting.extend(session);
        }
        let id = self.model.request(&request);
        self.net.send(Command::Send { id, request });
    }

    /// Goes where a clicked notification or toast points.
    pub(super) fn go_to(&mut self, target: AlertTarget) {
        match target {
            AlertTarget::Session(id) if self.model.sessions.contains_key(&id) => {
                self.bring_to_front(Some(id));
            }
            AlertTarget::Entry { queue, entry_id } => {
                self.front = None;
                self.queues.selected = Some((queue, entry_id));
            }
            // The incoming-chat box shows over every tab; a session that ended has no tab.
            AlertTarget::Offer(_) | AlertTarget::Session(_) => {}
        }
    }

    /// Shows a session tab (or the queues); the rep can type straight away.
    pub(super) fn bring_to_front(&mut self, tab: Option<SessionId>) {
        if let Some(id) = tab
            && self.front != tab
        {
            self.drafts.entry(id).or_default().focus = true;
        }
        self.front = tab;
    }

    pub(super) fn log_in(&mut self) {
        self.login_message = Some("Connecting…".to_owned());
        self.net.send(Command::Connect {
            server_url: self.login.server_url.trim().to_owned(),
            username: self.login.username.trim().to_owned(),
            password: self.login.password.clone(),
        });
    }

    pub(super) fn log_out(&mut self) {
        self.login.focus = true;
        self.net.send(Command::Logout);
        self.model.clear();
        self.queues = QueuesState::default();
        self.front = None;
        self.screen = Screen::Login;
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
        if let Some(writer) = &self.prefs_writer {
            writer.save(self.prefs.clone());
        }
    }
}
