//! The customer's eframe app: the start form, then the chat, the consent cards ("Alice Martin
//! wants to view your screen — Allow / Deny", with the seconds left; a shell's card says what
//! a shell can do) and, while anyone views, controls or has the shell, a banner on top of an
//! always-on-top window ("Alice Martin is viewing your screen — Stop", "Alice Martin is using
//! a command shell — Stop"). The session runs on a tokio runtime; its events are drained at
//! the top of each frame, and it wakes the window when one arrives. The session keeps the
//! program's things in the user's places (the machine id, Support Buttons); when a rep
//! closes with uninstall and the program has removed itself, the window says so and closes
//! ([`CLOSE_AFTER_REMOVAL`], or Close). Opened by a Jump Client's agent
//! ([`JoinSession`]), it joins the session a rep jumped into instead of showing the form,
//! and its first line says who connected. With a join code (`--join CODE`, or the form's
//! "Join with a code" route) it takes over a web chat's session; a refused code is said in
//! the server's words above the code field, ready for another.

use super::model::{Model, Phase, Start};
use super::ui::{self, Intent};
use crate::hotkey::{HOTKEY_TEXT, watch_stop_hotkey};
use crate::install::Places;
use crate::publish::ScreenChoice;
use crate::session::{CustomerSession, Policy, SessionConfig, SessionEvent};
use eframe::egui;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use switchboard_protocol::{CustomerInfo, JumpPolicy, SessionId};
use tokio::sync::mpsc::UnboundedReceiver;

/// What the window starts with (from the command line).
pub struct WindowOptions {
    pub form: super::model::StartForm,
    /// Start at once (the command line named the customer).
    pub auto_start: bool,
    /// What to share, or why this machine cannot.
    pub screen: Result<ScreenChoice, String>,
    /// How requests are answered: `Ask` from the command line. A window never allows a
    /// command shell by itself: `AllowAllWithShell` is taken as `AllowAll` here.
    pub policy: Policy,
    /// Where the program keeps its things for this user; `None` keeps nothing (no home).
    pub places: Option<Places>,
    /// Start on a session a rep started (a jump to this machine's Jump Client) instead of
    /// the form.
    pub join: Option<JoinSession>,
}

/// A session the window joins by its token (`--resume-session`): the agent of a Jump
/// Client opens the window so the person at the machine sees who connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinSession {
    pub session_id: SessionId,
    pub customer_token: String,
    /// The rep who jumped, for the first line of the chat.
    pub rep_name: String,
    pub policy: JumpPolicy,
}

/// How long the window stays after the program removed itself, so the customer can read it.
pub const CLOSE_AFTER_REMOVAL: Duration = Duration::from_secs(15);

type Started = Result<(CustomerSession, UnboundedReceiver<SessionEvent>), String>;

/// The customer's window.
pub struct CustomerApp {
    runtime: tokio::runtime::Handle,
    model: Model,
    screen: Result<ScreenChoice, String>,
    policy: Policy,
    session: Option<CustomerSession>,
    events: Option<UnboundedReceiver<SessionEvent>>,
    starting: Option<mpsc::Receiver<Started>>,
    draft: String,
    /// The window level last asked for (always on top while sharing).
    on_top: bool,
    /// Whether the global Stop hotkey is grabbed, or why not.
    hotkey: Option<Result<(), String>>,
    /// Start on the first frame (the command line named the customer).
    pending_start: bool,
    places: Option<Places>,
    /// When the program finished removing itself (the window closes a while later).
    removed_at: Option<Instant>,
    /// The session to join instead of starting one.
    join: Option<JoinSession>,
}

impl CustomerApp {
    pub fn new(runtime: tokio::runtime::Handle, options: WindowOptions) -> Self {
        let cannot_share = options.screen.as_ref().err().cloned();
        let mut app = Self {
            runtime,
            model: Model::new(options.form, cannot_share),
            screen: options.screen,
            policy: match options.policy {
                // Someone sits at this window: they allow a shell themselves or nobody does.
                Policy::AllowAllWithShell => Policy::AllowAll,
                policy => policy,
            },
            session: None,
            events: None,
            starting: None,
            draft: String::new(),
            on_top: false,
            hotkey: None,
            pending_start: false,
            places: options.places,
            removed_at: None,
            join: options.join,
        };
        if options.auto_start || app.join.is_some() {
            app.model.phase = Phase::Connecting;
            app.pending_start = true;
        }
        app
    }
}

impl CustomerApp {
    fn start(&mut self, ctx: &egui::Context) {
        if let Some(join) = self.join.clone() {
            return self.join(ctx, join);
        }
        let start = match self.model.form.start() {
            Ok(start) => start,
            Err(error) => {
                self.model.form_error = Some(error);
                self.model.phase = Phase::Form;
                return;
            }
        };
        let form = &self.model.form;
        let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let wake_ctx = ctx.clone();
        let config = SessionConfig {
            server: form.server.trim().to_owned(),
            customer: CustomerInfo {
                name: form.name.trim().to_owned(),
                company: optional(&form.company),
                question: optional(&form.question),
                contact: None,
            },
            route: match &start {
                Start::Route(route) => route.clone(),
                // Not used by a join: the session has its route.
                Start::Join(_) => switchboard_protocol::Route::General,
            },
            policy: self.policy,
            screen: self.screen.clone(),
            wake: Some(Arc::new(move || wake_ctx.request_repaint())),
            elevate_run_as: Vec::new(),
        };
        let (answer, answers) = mpsc::channel();
        let ctx = ctx.clone();
        let places = self.places.clone();
        self.runtime.spawn(async move {
            let started = match (start, places) {
                (Start::Join(code), places) => {
                    CustomerSession::join_with_code(config, places, &code).await
                }
                (Start::Route(_), Some(places)) => {
                    CustomerSession::start_installed(config, places).await
                }
                (Start::Route(_), None) => CustomerSession::start(config).await,
            };
            // A refusal ("This Support Button is no longer active…") in the server's words.
            let started = started.map_err(|e| e.for_customer());
            let _ = answer.send(started);
            ctx.request_repaint();
        });
        self.starting = Some(answers);
        self.model.form_error = None;
        self.model.phase = Phase::Connecting;
    }

    /// Joins the session a rep jumped into, and says who connected and under what policy.
    fn join(&mut self, ctx: &egui::Context, join: JoinSession) {
        let wake_ctx = ctx.clone();
        let config = SessionConfig {
            server: self.model.form.server.trim().to_owned(),
            customer: CustomerInfo {
                name: String::new(),
                company: None,
                question: None,
                contact: None,
            },
            route: switchboard_protocol::Route::General,
            policy: self.policy,
            screen: self.screen.clone(),
            wake: Some(Arc::new(move || wake_ctx.request_repaint())),
            elevate_run_as: Vec::new(),
        };
        self.model
            .apply(SessionEvent::Note(crate::session::notes::jumped(
                &join.rep_name,
                join.policy,
            )));
        let (answer, answers) = mpsc::channel();
        let ctx = ctx.clone();
        let places = self.places.clone();
        self.runtime.spawn(async move {
            let started =
                CustomerSession::join(config, places, join.session_id, join.customer_token).await;
            let _ = answer.send(started.map_err(|e| e.for_customer()));
            ctx.request_repaint();
        });
        self.starting = Some(answers);
        self.model.phase = Phase::Connecting;
    }

    /// Takes what arrived: the answer to a start, and the session's events.
    fn drain(&mut self, ctx: &egui::Context) {
        if let Some(answers) = &self.starting
            && let Ok(started) = answers.try_recv()
        {
            self.starting = None;
            match started {
                Ok((session, events)) => {
                    self.grab_hotkey(&session, ctx);
                    self.session = Some(session);
                    self.events = Some(events);
                    self.model.phase = Phase::Session;
                }
                Err(error) if self.join.is_some() => {
                    self.model.phase = Phase::Ended(error);
                }
                Err(error) => {
                    self.model.phase = Phase::Form;
                    self.model.form_error = Some(error);
                }
            }
        }
        if let Some(events) = &mut self.events {
            while let Ok(event) = events.try_recv() {
                self.model.apply(event);
            }
        }
    }

    /// Grabs Ctrl+Alt+Shift+S on X11 so Stop works whatever has the focus.
    fn grab_hotkey(&mut self, session: &CustomerSession, ctx: &egui::Context) {
        let Ok(ScreenChoice::X11 { display }) = &self.screen else {
            return;
        };
        let stopper = session.stopper();
        let ctx = ctx.clone();
        let grabbed = watch_stop_hotkey(display.as_deref(), move || {
            stopper.stop();
            ctx.request_repaint();
        });
        self.hotkey = Some(grabbed.map_err(|e| e.to_string()));
    }

    fn handle(&mut self, intent: Intent, ctx: &egui::Context) {
        match intent {
            Intent::Start => self.start(ctx),
            Intent::Send => {
                let text = std::mem::take(&mut self.draft);
                if let (Some(session), false) = (&self.session, text.trim().is_empty()) {
                    session.send_chat(text.trim());
                }
            }
            Intent::Answer(grant_id, allow) => {
                if let Some(session) = &self.session {
                    session.answer(grant_id, allow);
                }
                self.model.answered(grant_id);
            }
            Intent::Stop => {
                if let Some(session) = &self.session {
                    session.stop_sharing();
                }
                self.model.stopped();
            }
            Intent::Leave => {
                if let Some(session) = &self.session {
                    session.stop_sharing();
                    session.leave();
                }
            }
            Intent::Close => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }
}

impl eframe::App for CustomerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if std::mem::take(&mut self.pending_start) {
            self.start(&ctx);
        }
        self.drain(&ctx);
        // Always on top while anyone views, controls or has the shell, so the banner and Stop
        // stay visible.
        let sharing = self.model.share.in_use();
        if sharing != self.on_top {
            self.on_top = sharing;
            let level = if sharing {
                egui::WindowLevel::AlwaysOnTop
            } else {
                egui::WindowLevel::Normal
            };
            ctx.send_viewport_cmd(egui::ViewportCommand::WindowLevel(level));
        }
        let hotkey = match &self.hotkey {
            Some(Ok(())) => Some(HOTKEY_TEXT),
            _ => None,
        };
        let mut intents = Vec::new();
        ui::top_ui(ui, &self.model, hotkey, &mut intents);
        match self.model.phase {
            Phase::Form | Phase::Connecting => ui::form_ui(ui, &mut self.model, &mut intents),
            Phase::Session | Phase::Ended(_) => {
                ui::chat_ui(ui, &self.model, &mut self.draft, &mut intents)
            }
        }
        for intent in intents {
            self.handle(intent, &ctx);
        }
        // The consent cards count down once a second; nothing else polls.
        if !self.model.prompts.is_empty() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
        // Removed from this computer: the words stay a while, then the program exits.
        if self.model.removed.is_some() {
            let removed_at = *self.removed_at.get_or_insert_with(Instant::now);
            let left = CLOSE_AFTER_REMOVAL.saturating_sub(removed_at.elapsed());
            if left.is_zero() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(left);
            }
        }
    }
}
