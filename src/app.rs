//! The console's [`eframe::App`]: draws the top bar and the current screen, then acts on
//! the intents the screen reported.

use crate::ui::login::{self, LoginForm, LoginIntent};

/// Where the routing server listens when started with its defaults.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8080";

/// Shown after "Log in" until the connection to the server exists.
pub const NOT_CONNECTED_MESSAGE: &str = "Connecting to the server is not built yet";

/// How the console was started (from the command line in `main.rs`, or by a test).
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// Started against the server's bundled demo configuration; shown in the top bar
    /// so nobody mistakes a demo for production.
    pub demo: bool,

    /// Base URL of the routing server; pre-fills the login form.
    pub server_url: String,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            demo: false,
            server_url: DEFAULT_SERVER_URL.to_owned(),
        }
    }
}

/// The representative console.
pub struct SwitchboardApp {
    options: AppOptions,

    /// What the rep has typed into the login screen.
    login: LoginForm,

    /// The latest outcome of a login attempt, shown under the form.
    login_message: Option<String>,
}

impl SwitchboardApp {
    /// Creates the console. `_cc` is unused for now; it will hand the egui context
    /// to the network actor so it can request repaints.
    pub fn new(_cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let login = LoginForm {
            server_url: options.server_url.clone(),
            ..LoginForm::default()
        };
        Self {
            options,
            login,
            login_message: None,
        }
    }

    fn top_bar_ui(&self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Switchboard");
            if self.options.demo {
                ui.label(egui::RichText::new("Demo").color(ui.visuals().warn_fg_color));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label("Not connected");
            });
        });
    }

    fn handle_login_intent(&mut self, intent: LoginIntent) {
        match intent {
            LoginIntent::LogIn => {
                tracing::debug!(
                    server_url = %self.login.server_url,
                    username = %self.login.username,
                    "log in requested; the connection is not built yet"
                );
                self.login_message = Some(NOT_CONNECTED_MESSAGE.to_owned());
            }
        }
    }
}

impl eframe::App for SwitchboardApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui));

        let intent = egui::CentralPanel::default()
            .show(ui, |ui| {
                login::login_ui(ui, &mut self.login, self.login_message.as_deref())
            })
            .inner;

        // Act only after drawing, so the whole frame saw the same state.
        if let Some(intent) = intent {
            self.handle_login_intent(intent);
        }
    }
}
