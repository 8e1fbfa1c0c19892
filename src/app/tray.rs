//! The system tray icon in the app: each frame hands the tray what it shows (presence and
//! the waiting count, [`crate::model::tray_badge`]) and carries out what the rep chose in
//! its menu (show the window, set the presence, quit). With a tray host, closing the
//! window while sessions are open asks "Minimise to tray" / "Quit" / "Cancel" first.
//!
//! The tray is attached after the app is made ([`SwitchboardApp::attach_tray`]: the binary
//! on the session bus, tests on a private one); without one nothing here does anything.

use super::*;
use crate::model::tray_badge;
use crate::tray::{Tray, TrayAction, TrayHost, TrayView};
use crate::ui::quit_dialog::{QuitChoice, quit_dialog_ui};
use switchboard_protocol::Presence;

/// The tray and what the window did with it.
#[derive(Default)]
pub(super) struct TrayLink {
    tray: Option<Tray>,
    /// The window is hidden in the tray ("Minimise to tray" was chosen).
    hidden: bool,
    /// The question "Minimise to tray / Quit / Cancel" is showing.
    asking: bool,
}

impl SwitchboardApp {
    /// Puts the console's icon in the system tray; its menu's actions arrive from then on.
    pub fn attach_tray(&mut self, tray: Tray) {
        self.tray.tray = Some(tray);
    }

    /// Whether a tray host shows the icon (`None`: no tray attached).
    pub fn tray_host(&self) -> Option<TrayHost> {
        self.tray.tray.as_ref().map(Tray::host)
    }

    /// Whether the window is hidden in the tray.
    pub fn hidden_in_tray(&self) -> bool {
        self.tray.hidden
    }

    /// Shows the current view in the tray and carries out the menu's actions.
    pub(super) fn sync_tray(&mut self, ctx: &egui::Context) {
        let Some(tray) = &mut self.tray.tray else {
            return;
        };
        tray.show(TrayView {
            presence: self.model.me.as_ref().map(|me| me.presence),
            waiting: tray_badge::waiting(&self.model).total(),
        });
        // A clicked notification asks for the focus: a window hidden in the tray shows first.
        // So does one whose tray host left: nothing could bring it back otherwise.
        let host_left = !matches!(tray.host(), TrayHost::Shown);
        if self.tray.hidden && (self.alerts.focus_window || host_left) {
            self.show_window(ctx);
        }
        while let Some(action) = self.tray.tray.as_ref().and_then(Tray::next_action) {
            self.tray_action(ctx, action);
        }
    }

    fn tray_action(&mut self, ctx: &egui::Context, action: TrayAction) {
        match action {
            TrayAction::Show => self.show_window(ctx),
            TrayAction::SetPresence(presence) => self.set_presence_from_tray(presence),
            TrayAction::Quit => {
                // Quitting goes through the window's usual checks, so it must be seen.
                self.show_window(ctx);
                if self.model.tabs.is_empty() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                } else {
                    self.panels.leaving = Some(Leaving::Quit);
                }
            }
        }
    }

    /// The tray's presence items, as the top bar's menu: only once logged in, and only
    /// for a change.
    fn set_presence_from_tray(&mut self, presence: Presence) {
        let current = self.model.me.as_ref().map(|me| me.presence);
        if current.is_some() && current != Some(presence) {
            self.handle(Intent::Request(RepRequest::SetPresence { presence }));
        }
    }

    fn show_window(&mut self, ctx: &egui::Context) {
        self.tray.hidden = false;
        ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
        ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
    }

    /// A close request with sessions open: with a tray host, asks whether to minimise to
    /// the tray and returns `true`; without one returns `false` (the usual question).
    pub(super) fn ask_minimise_to_tray(&mut self) -> bool {
        let shown = matches!(self.tray_host(), Some(TrayHost::Shown));
        if shown {
            self.tray.asking = true;
        }
        shown
    }

    /// The tray's close question, while it is asked.
    pub(super) fn quit_dialog(&mut self, ctx: &egui::Context) {
        if !self.tray.asking {
            return;
        }
        match quit_dialog_ui(ctx, self.model.tabs.len()) {
            Some(QuitChoice::MinimiseToTray) => {
                self.tray.asking = false;
                self.tray.hidden = true;
                // Wayland cannot hide a window (winit ignores Visible there): it minimises.
                ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
                ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
            }
            Some(QuitChoice::Quit) => {
                self.tray.asking = false;
                self.panels.leaving = Some(Leaving::Quit);
            }
            Some(QuitChoice::Cancel) => self.tray.asking = false,
            None => {}
        }
    }
}
