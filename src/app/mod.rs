//! The console's [`eframe::App`]: drains what the network delivered into the model, draws
//! the screen from it, then carries out the intents the panels reported.
//!
//! - [`inbound`]: network events, notifier and dialog answers; alerts and reminders.
//! - [`layout`]: the screen's panels, windows and dialogs; leaving with sessions open.
//! - [`intents`]: what the rep asked for, carried out after drawing.
//! - [`state`]: the app's state in named parts (link, settings, panels, alerts, observed).
//! - [`screens`]: the customer screens' media streams, opened and closed with the grants.
//! - [`shells`]: the rep's shell streams and terminals, and the shell transcript windows.
//! - [`buttons`]: the Support Buttons windows and when their lists are asked for.
//! - [`jump`]: the Jump Clients window, the Pin dialog, and when the list is asked for.
//! - [`dashboard`]: a lead's Dashboard in front, drawn, and its intents.
//! - [`drafts`]: the rep's unsent text saved as they type and restored after a restart.
//! - [`tray`]: the system tray icon's view and menu actions; minimising to the tray.

mod buttons;
mod dashboard;
mod drafts;
mod inbound;
mod intents;
mod jump;
mod layout;
mod screens;
mod shells;
mod state;
mod tray;

use state::{Alerts, Link, Observed, Panels, Screen, Settings};

use crate::demo::{DEMO_PASSWORD, DEMO_USER, DemoServer};
use crate::dialogs::{Chosen, Dialogs, FileDialogs};
use crate::model::{Change, Model};
use crate::net::{Command, ConnectionStatus, LoginError, NetEvent, NetHandle};
use crate::notify::reminders;
use crate::notify::{Alert, AlertTarget, Feedback, Notifications, Notifier, events};
use crate::pace::now_ms;
use crate::prefs::{Prefs, PrefsStore, ReminderMode};
use crate::prefs_writer::PrefsWriter;
use crate::ui::close_dialog::{CloseDialog, close_dialog_ui};
use crate::ui::intent::Intent;
use crate::ui::intent::{Leaving, Panel};
use crate::ui::leave_dialog::leave_dialog_ui;
use crate::ui::login::{self, LoginForm};
use crate::ui::offer::offer_ui;
use crate::ui::queues::{QueuesState, accept_intent, queues_ui};
use crate::ui::shortcuts::key_intents;
use crate::ui::shortcuts::shortcuts_window_ui;
use crate::ui::status_bar::status_bar_ui;
use crate::ui::team_chat::team_chat_window;
use crate::ui::toasts::toasts_ui;
use crate::ui::top_bar::settings_window::settings_window_ui;
use crate::ui::top_bar::tabs::{TabFlash, tabs_ui};
use crate::ui::top_bar::{TopBarPanels, flash, top_bar_ui};
use crate::ui::transfer_dialog::{TransferDialog, transfer_dialog_ui};
use std::path::PathBuf;
use switchboard_protocol::{CloseMode, RepRequest, SessionId};

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
    /// Drafts go in a `drafts` directory beside it (else in the OS data directory).
    pub prefs_path: Option<PathBuf>,
    /// Log in at start with these credentials (tests).
    pub auto_login: Option<(String, String)>,
    /// Seed for the demo's simulated customers, for a repeatable demo.
    pub demo_seed: Option<u64>,
    /// The demo rep to log in as (`--as`); alice when `None`.
    pub demo_rep: Option<String>,
    /// Native file dialogs, or fixed paths (tests).
    pub file_dialogs: FileDialogs,
    /// Desktop notifications, or a recorder of what the console asked to show (tests).
    pub notifications: Notifications,
    /// An extra CA file (PEM) trusted for `https://`/`wss://` besides the system's (`--ca-file`).
    pub ca_file: Option<PathBuf>,
}

/// The representative console.
pub struct SwitchboardApp {
    options: AppOptions,
    /// Kept alive for `--demo`; dropping it stops the bundled server.
    _demo: Option<DemoServer>,
    link: Link,
    pub model: Model,
    settings: Settings,
    panels: Panels,
    alerts: Alerts,
    observed: Observed,
    screens: screens::Screens,
    shells: shells::Shells,
    drafts: drafts::Drafts,
    tray: tray::TrayLink,
}

impl SwitchboardApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        install_fonts(&cc.egui_ctx);
        crate::theme::install_visuals(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let tls =
            switchboard_tls::ClientTls::new(options.ca_file.as_deref()).unwrap_or_else(|error| {
                // main.rs read it already; if it changed since, the system's roots remain.
                tracing::error!(%error, "the CA file is not used");
                switchboard_tls::ClientTls::platform()
            });
        let (net, events) = NetHandle::spawn_with_tls(move || ctx.request_repaint(), tls);
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
                    auto_login = Some(match &options.demo_rep {
                        Some(rep) => (rep.clone(), format!("{rep}-demo")),
                        None => (DEMO_USER.to_owned(), DEMO_PASSWORD.to_owned()),
                    });
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
        let drafts = drafts::Drafts::new(&options);
        let mut app = Self {
            options,
            _demo: demo,
            link: Link {
                net,
                events,
                status: ConnectionStatus::Offline,
            },
            model: Model::with_client_id_prefix(crate::pace::run_id()),
            settings: Settings {
                prefs,
                writer: prefs_writer,
            },
            panels: Panels::new(login, dialogs),
            alerts: Alerts::new(notifier),
            observed: Observed::default(),
            screens: screens::Screens::default(),
            shells: shells::Shells::default(),
            drafts,
            tray: tray::TrayLink::default(),
        };
        if let Some((username, password)) = auto_login {
            app.panels.login.username = username;
            app.panels.login.password = password;
            app.log_in();
        }
        app
    }

    /// The connection state, as shown in the status bar.
    pub fn status(&self) -> &ConnectionStatus {
        &self.link.status
    }

    pub fn prefs(&self) -> &Prefs {
        &self.settings.prefs
    }

    /// Every page "Open external URL" (or an offer's link) opened so far.
    pub fn opened_urls(&self) -> &[String] {
        &self.observed.opened_urls
    }

    /// Whether a session's tab flashed in the last frame, and if so whether it was shown
    /// highlighted (`Some(true)`) or plain (`Some(false)`); `None` when it does not flash.
    pub fn tab_flash(&self, session_id: SessionId) -> Option<bool> {
        self.alerts
            .flashing
            .contains(&session_id)
            .then_some(self.alerts.flash_on)
    }

    /// The session tab in front (`None`: the queues).
    pub fn front(&self) -> Option<SessionId> {
        self.panels.front
    }

    /// Brings a session's tab (or, with `None`, the queues) to the front, as clicking its
    /// tab does (the memory bench draws every tab once this way).
    pub fn show_session(&mut self, tab: Option<SessionId>) {
        self.bring_to_front(tab);
    }

    /// Alerts and reminders showing as toasts: (title, body) each, oldest first.
    pub fn alert_toasts(&self) -> Vec<(Option<String>, String)> {
        self.alerts
            .toasts
            .alerts()
            .iter()
            .map(|a| (a.title.clone(), a.body.clone()))
            .collect()
    }

    /// How many times a clicked notification asked the desktop to focus the window.
    pub fn focus_requests(&self) -> usize {
        self.observed.focus_requests
    }

    /// Waits until every preference change so far is on disk (tests; exit).
    pub fn flush_prefs(&self) {
        if let Some(writer) = &self.settings.writer {
            writer.flush();
        }
    }
}

pub use crate::fonts::install_fonts;

impl eframe::App for SwitchboardApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Unknown (some platforms, tests) counts as focused.
        self.alerts.window_focused = ui.ctx().input(|i| i.viewport().focused).unwrap_or(true);
        self.drain_events();
        self.sync_tray(ui.ctx());
        self.sync_screens(ui.ctx());
        self.sync_shells(ui.ctx());
        self.sync_buttons();
        self.sync_jump_clients();
        self.guard_leaving(ui.ctx());
        if std::mem::take(&mut self.alerts.focus_window) {
            self.observed.focus_requests += 1;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Focus);
        }
        let mut intents = Vec::new();
        match self.panels.screen {
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
                        &mut self.panels.login,
                        self.panels.login_message.as_deref(),
                        &mut intents,
                    );
                });
            }
            Screen::Console => self.console_ui(ui, &mut intents),
        }
        self.quit_dialog(ui.ctx());
        // Unread counts clear only for a chat the rep can actually see.
        let looking_at = self.panels.front.filter(|_| self.settings.prefs.chat_shown);
        if self.model.focused() != looking_at {
            self.model.set_focus(looking_at);
        }
        for intent in intents {
            self.handle(intent);
        }
        self.keep_drafts(ui.ctx(), now_ms());
        if std::mem::take(&mut self.panels.apply_theme) {
            crate::theme::apply(ui.ctx(), self.settings.prefs.theme);
        }
        for url in self.panels.urls_to_open.drain(..) {
            ui.ctx().open_url(egui::OpenUrl::new_tab(&url));
            self.observed.opened_urls.push(url);
        }
        // Time in queue and the reconnect countdown tick once a second; nothing else polls.
        let ticking = matches!(self.panels.screen, Screen::Console)
            && (self.model.queues.iter().any(|q| !q.entries.is_empty())
                || matches!(self.link.status, ConnectionStatus::Reconnecting { .. })
                || self.model.offer.is_some());
        if ticking {
            crate::pace::tick(ui.ctx(), now_ms(), crate::pace::SECOND_MS);
        }
    }

    fn on_exit(&mut self) {
        self.flush_prefs();
        self.flush_drafts();
    }
}
