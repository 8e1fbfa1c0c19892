//! The console's [`eframe::App`]: drains what the network delivered into the model, draws
//! the screen from it, then carries out the intents the panels reported.

use crate::demo::{DEMO_PASSWORD, DEMO_USER, DemoServer};
use crate::dialogs::{Chosen, Dialogs, FileDialogs};
use crate::model::Model;
use crate::model::display::now_ms;
use crate::net::{Command, ConnectionStatus, LoginError, NetEvent, NetHandle};
use crate::notify::reminders::{self, Reminders};
use crate::notify::{Alert, AlertTarget, Feedback, Notifications, Notifier, events};
use crate::prefs::{Prefs, PrefsStore, ReminderMode};
use crate::prefs_writer::PrefsWriter;
use crate::ui::chat::ChatDraft;
use crate::ui::close_dialog::{CloseDialog, close_dialog_ui};
use crate::ui::intent::Intent;
use crate::ui::intent::{Leaving, Panel};
use crate::ui::leave_dialog::leave_dialog_ui;
use crate::ui::login::{self, LoginForm};
use crate::ui::offer::offer_ui;
use crate::ui::queues::{QueuesState, accept_intent, queues_ui};
use crate::ui::session::session_ui;
use crate::ui::shortcuts::key_intents;
use crate::ui::shortcuts::shortcuts_window_ui;
use crate::ui::status_bar::status_bar_ui;
use crate::ui::team_chat::team_chat_window;
use crate::ui::toasts::{Toasts, toasts_ui};
use crate::ui::top_bar::settings_window::settings_window_ui;
use crate::ui::top_bar::tabs::{TabFlash, tabs_ui};
use crate::ui::top_bar::{TopBarPanels, flash, top_bar_ui};
use crate::ui::transfer_dialog::{TransferDialog, transfer_dialog_ui};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use switchboard_protocol::{CloseMode, RepRequest, RepServerMessage, SessionId};

/// How long a logout or quit waits for the server to take the sessions back.
const LEAVE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Where the routing server listens when started with its defaults.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8080";

/// How the console was started (from the command line in `main.rs`, or by a test).
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Start the bundled server with demo data in this process and log in as a demo rep.
    pub demo: bool,
    /// Base URL of the routing server; pre-fills the login form (the remembered one wins).
    pub server_url: Option<String>,
    /// Where preferences live; `None` means the OS config directory. Tests pass a temp file.
    pub prefs_path: Option<PathBuf>,
    /// Log in at start with these credentials (tests).
    pub auto_login: Option<(String, String)>,
    /// Seed for the demo's simulated customers, for a repeatable demo.
    pub demo_seed: Option<u64>,
    /// Native file dialogs, or fixed paths (tests).
    pub file_dialogs: FileDialogs,
    /// Desktop notifications, or a recorder of what the console asked to show (tests).
    pub notifications: Notifications,
}

enum Screen {
    Login,
    Console,
}

/// The representative console.
pub struct SwitchboardApp {
    options: AppOptions,
    /// Kept alive for `--demo`; dropping it stops the bundled server.
    _demo: Option<DemoServer>,
    net: NetHandle,
    events: Receiver<NetEvent>,
    status: ConnectionStatus,
    pub model: Model,
    prefs: Prefs,
    prefs_writer: Option<PrefsWriter>,
    screen: Screen,
    login: LoginForm,
    login_message: Option<String>,
    /// The session tab in front; `None` shows the queues.
    front: Option<SessionId>,
    queues: QueuesState,
    drafts: HashMap<SessionId, ChatDraft>,
    team_draft: String,
    close: CloseDialog,
    transfer: TransferDialog,
    toasts: Toasts,
    /// Sessions the rep asked to accept: their tab comes to the front when it opens.
    accepting: HashSet<SessionId>,
    dialogs: Dialogs,
    /// Pages to open in the system browser after this frame's intents.
    urls_to_open: Vec<String>,
    /// Every page opened, in order (tests read it).
    opened_urls: Vec<String>,
    /// Desktop notifications about incoming work.
    notifier: Notifier,
    /// Which waiting customers were reminded of.
    reminders: Reminders,
    settings_open: bool,
    /// Logging out or quitting with sessions open: the question showing.
    leaving: Option<Leaving>,
    /// "Leave in queue and log out / quit" was chosen at this instant: the console goes
    /// once the server has taken the sessions back (a logout at once would drop them).
    departing: Option<(Leaving, std::time::Instant)>,
    /// The theme changed in Settings: apply it at the end of the frame.
    apply_theme: bool,
    /// The keyboard shortcut map is showing.
    help_open: bool,
    /// Whether the window has the keyboard focus (a rep in another window sees nothing).
    window_focused: bool,
    /// A notification was clicked: the window asks the desktop for the focus.
    focus_window: bool,
    /// How many times the window asked for the focus (tests read it).
    focus_requests: usize,
    /// The tabs flashing in the last frame drawn, and whether it showed them highlighted.
    flashing: Vec<SessionId>,
    flash_on: bool,
}

impl SwitchboardApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        install_fonts(&cc.egui_ctx);
        crate::theme::install_visuals(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let (net, events) = NetHandle::spawn(move || ctx.request_repaint());
        let ctx = cc.egui_ctx.clone();
        let dialogs = Dialogs::new(options.file_dialogs.clone(), move || ctx.request_repaint());
        let ctx = cc.egui_ctx.clone();
        let notifier = Notifier::new(options.notifications.clone(), move || ctx.request_repaint());
        let store = match &options.prefs_path {
            Some(path) => Some(PrefsStore::at(path.clone())),
            None => PrefsStore::default_location(),
        };
        // Read once before the first frame; every later write goes to the writer thread.
        let prefs = store.as_ref().map(PrefsStore::load).unwrap_or_default();
        let prefs_writer = store.map(PrefsWriter::spawn);
        crate::theme::apply(&cc.egui_ctx, prefs.theme);

        let mut demo = None;
        let mut auto_login = options.auto_login.clone();
        let mut server_url = options
            .server_url
            .clone()
            .unwrap_or_else(|| prefs.last_server.clone());
        if options.demo {
            match DemoServer::start(options.demo_seed.unwrap_or_else(rand::random)) {
                Ok(server) => {
                    server_url = server.url();
                    auto_login = Some((DEMO_USER.to_owned(), DEMO_PASSWORD.to_owned()));
                    demo = Some(server);
                }
                Err(error) => tracing::error!(%error, "could not start the demo server"),
            }
        }
        let login = LoginForm {
            server_url,
            username: prefs.last_username.clone(),
            password: String::new(),
            focus: true,
        };
        let mut app = Self {
            options,
            _demo: demo,
            net,
            events,
            status: ConnectionStatus::Offline,
            model: Model::new(),
            prefs,
            prefs_writer,
            screen: Screen::Login,
            login,
            login_message: None,
            front: None,
            queues: QueuesState::default(),
            drafts: HashMap::new(),
            team_draft: String::new(),
            close: CloseDialog::default(),
            transfer: TransferDialog::default(),
            toasts: Toasts::default(),
            accepting: HashSet::new(),
            dialogs,
            urls_to_open: Vec::new(),
            opened_urls: Vec::new(),
            notifier,
            reminders: Reminders::default(),
            settings_open: false,
            leaving: None,
            departing: None,
            help_open: false,
            apply_theme: false,
            window_focused: true,
            focus_window: false,
            focus_requests: 0,
            flashing: Vec::new(),
            flash_on: false,
        };
        if let Some((username, password)) = auto_login {
            app.login.username = username;
            app.login.password = password;
            app.log_in();
        }
        app
    }

    /// The connection state, as shown in the status bar.
    pub fn status(&self) -> &ConnectionStatus {
        &self.status
    }

    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    /// Every page "Open external URL" (or an offer's link) opened so far.
    pub fn opened_urls(&self) -> &[String] {
        &self.opened_urls
    }

    /// Whether a session's tab flashed in the last frame, and if so whether it was shown
    /// highlighted (`Some(true)`) or plain (`Some(false)`); `None` when it does not flash.
    pub fn tab_flash(&self, session_id: SessionId) -> Option<bool> {
        self.flashing.contains(&session_id).then_some(self.flash_on)
    }

    /// The session tab in front (`None`: the queues).
    pub fn front(&self) -> Option<SessionId> {
        self.front
    }

    /// Alerts and reminders showing as toasts: (title, body) each, oldest first.
    pub fn alert_toasts(&self) -> Vec<(Option<String>, String)> {
        self.toasts
            .alerts()
            .iter()
            .map(|a| (a.title.clone(), a.body.clone()))
            .collect()
    }

    /// How many times a clicked notification asked the desktop to focus the window.
    pub fn focus_requests(&self) -> usize {
        self.focus_requests
    }

    /// Waits until every preference change so far is on disk (tests; exit).
    pub fn flush_prefs(&self) {
        if let Some(writer) = &self.prefs_writer {
            writer.flush();
        }
    }

    fn log_in(&mut self) {
        self.login_message = Some("Connecting…".to_owned());
        self.net.send(Command::Connect {
            server_url: self.login.server_url.trim().to_owned(),
            username: self.login.username.trim().to_owned(),
            password: self.login.password.clone(),
        });
    }

    fn log_out(&mut self) {
        self.login.focus = true;
        self.net.send(Command::Logout);
        self.model.clear();
        self.queues = QueuesState::default();
        self.front = None;
        self.screen = Screen::Login;
    }

    /// Owned sessions go back to their queues; the others are left.
    fn leave_all_sessions(&mut self) {
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

    /// Closing the window asks first while sessions are open. After "Leave in queue and
    /// log out / quit", goes once the server has taken the sessions back (or after a few
    /// seconds without an answer).
    fn guard_leaving(&mut self, ctx: &egui::Context) {
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

    fn save_prefs(&mut self) {
        if let Some(writer) = &self.prefs_writer {
            writer.save(self.prefs.clone());
        }
    }

    /// Applies everything the network delivered since the last frame.
    fn drain_events(&mut self) {
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
    fn looking_at(&self) -> Option<SessionId> {
        self.front
            .filter(|_| self.prefs.chat_shown && self.window_focused)
    }

    /// Alerts (and, in "every message" mode, reminds) about incoming work in a frame.
    fn announce(&mut self, message: &RepServerMessage) {
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

    fn alert(&mut self, alert: Alert) {
        if self.prefs.alerts.desktop_notifications {
            self.notifier.show(alert);
        } else {
            self.toasts.alert(alert);
        }
    }

    /// "After N seconds" reminders that fell due; wakes the window for the next one.
    fn remind(&mut self, ctx: &egui::Context, now: switchboard_protocol::UnixMillis) {
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

    /// Goes where a clicked notification or toast points.
    fn go_to(&mut self, target: AlertTarget) {
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
    fn bring_to_front(&mut self, tab: Option<SessionId>) {
        if let Some(id) = tab
            && self.front != tab
        {
            self.drafts.entry(id).or_default().focus = true;
        }
        self.front = tab;
    }

    fn send(&mut self, request: RepRequest) {
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

    fn handle(&mut self, intent: Intent) {
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
                if let Some(selected) = self.queues.step_selection(by) {
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

    fn console_ui(&mut self, ui: &mut egui::Ui, intents: &mut Vec<Intent>) {
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
    fn files_dropped(&mut self, ctx: &egui::Context) {
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
}

pub use crate::fonts::install_fonts;

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

impl eframe::App for SwitchboardApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Unknown (some platforms, tests) counts as focused.
        self.window_focused = ui.ctx().input(|i| i.viewport().focused).unwrap_or(true);
        self.drain_events();
        self.guard_leaving(ui.ctx());
        if std::mem::take(&mut self.focus_window) {
            self.focus_requests += 1;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Focus);
        }
        let mut intents = Vec::new();
        match self.screen {
            Screen::Login => {
                egui::Panel::top("top_bar").show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.heading("Switchboard");
                        if self.options.demo {
                            ui.label(egui::RichText::new("Demo").color(ui.visuals().warn_fg_color));
                        }
                    });
                });
                egui::CentralPanel::default().show(ui, |ui| {
                    login::login_ui(
                        ui,
                        &mut self.login,
                        self.login_message.as_deref(),
                        &mut intents,
                    );
                });
            }
            Screen::Console => self.console_ui(ui, &mut intents),
        }
        // Unread counts clear only for a chat the rep can actually see.
        let looking_at = self.front.filter(|_| self.prefs.chat_shown);
        if self.model.focused() != looking_at {
            self.model.set_focus(looking_at);
        }
        for intent in intents {
            self.handle(intent);
        }
        if std::mem::take(&mut self.apply_theme) {
            crate::theme::apply(ui.ctx(), self.prefs.theme);
        }
        for url in self.urls_to_open.drain(..) {
            ui.ctx().open_url(egui::OpenUrl::new_tab(&url));
            self.opened_urls.push(url);
        }
        // Time in queue and the reconnect countdown tick once a second; nothing else polls.
        let ticking = matches!(self.screen, Screen::Console)
            && (self.model.queues.iter().any(|q| !q.entries.is_empty())
                || matches!(self.status, ConnectionStatus::Reconnecting { .. })
                || self.model.offer.is_some());
        if ticking {
            crate::pace::tick(ui.ctx(), now_ms(), crate::pace::SECOND_MS);
        }
    }

    fn on_exit(&mut self) {
        self.flush_prefs();
    }
}
