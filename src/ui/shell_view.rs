//! The Shell view inside a session tab: a status line (`Command shell · 80×24 · Connected`;
//! an administrator's: `Command shell · administrator: sbadmin · 80×24 · Connected`),
//! End shell (or, once the shell ended and its grant is over, Close), and the terminal
//! widget in the rest. Keys go to the shell only while the terminal has the focus; a new
//! size is reported for the shell's PTY. The terminal and what it was fed are kept per
//! session by the app ([`ShellTerminal`]), across reconnects of the stream.

use super::intent::Intent;
use super::shell_menu::stop;
use super::terminal_view::{TerminalViewState, ended_text, terminal_view_ui};
use crate::model::shell::ShellFeed;
use crate::net::StreamState;
use crate::terminal::{TermSize, TerminalModel};
use crate::text::elevation as elevation_words;
use crate::text::remote as words;
use switchboard_protocol::{GrantId, SessionId};

/// One session's shell as the console holds it: the terminal, the widget's state, how far
/// the shell's output was fed, and whether its grant is over.
pub struct ShellTerminal {
    /// The grant this shell runs under: a new grant is a new shell, with a new terminal.
    pub grant_id: GrantId,
    pub model: TerminalModel,
    pub view: TerminalViewState,
    pub feed: ShellFeed,
    /// The grant ended (stopped, or the session ended). Only a terminal whose shell exited
    /// stays after that, so the rep can read how it ended.
    pub over: bool,
    /// The terminal had the keyboard in the last frame: the console's own shortcuts that
    /// are shell keys too (Ctrl+U, Ctrl+F, Ctrl+M…) are left to the shell.
    pub focused: bool,
}

impl ShellTerminal {
    /// A blank 80×24 terminal for `grant_id` (the widget fits it to the view at once).
    pub fn new(grant_id: GrantId) -> ShellTerminal {
        ShellTerminal {
            grant_id,
            model: TerminalModel::new(TermSize { rows: 24, cols: 80 }),
            view: TerminalViewState::default(),
            feed: ShellFeed::default(),
            over: false,
            focused: false,
        }
    }
}

impl std::fmt::Debug for ShellTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShellTerminal")
            .field("grant_id", &self.grant_id)
            .field("fed", &self.feed.fed())
            .field("over", &self.over)
            .finish()
    }
}

/// The Shell view of a session; `stream` is where the shell's stream stands (`None`
/// between streams); `admin`, who the shell runs as when it is an administrator's.
pub fn shell_view_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    terminal: &mut ShellTerminal,
    stream: Option<&StreamState>,
    admin: Option<&str>,
    intents: &mut Vec<Intent>,
) {
    let size = terminal.model.size();
    let state = match (terminal.model.ended(), stream) {
        (Some(end), _) => ended_text(end),
        (None, Some(StreamState::Live)) => words::SHELL_CONNECTED.to_owned(),
        (None, Some(StreamState::Lost(_))) => words::SHELL_RECONNECTING.to_owned(),
        (None, _) => words::SHELL_CONNECTING.to_owned(),
    };
    ui.horizontal(|ui| {
        let status = match admin {
            Some(user) => elevation_words::view_status(user, size.cols, size.rows, &state),
            None => words::shell_status(size.cols, size.rows, &state),
        };
        ui.label(egui::RichText::new(status).monospace());
        ui.separator();
        if terminal.over {
            if ui.button(words::CLOSE_SHELL).clicked() {
                intents.push(Intent::CloseShell(session_id));
            }
        } else if ui
            .button(words::END_SHELL)
            .on_hover_text("Stop the shell: it closes on the customer's computer")
            .clicked()
        {
            intents.push(stop(session_id, terminal.grant_id));
        }
    });
    let response = terminal_view_ui(ui, &mut terminal.model, &mut terminal.view);
    terminal.focused = response.focused;
    if let Some(size) = response.resized {
        intents.push(Intent::ShellResize { session_id, size });
    }
    if !response.input.is_empty() {
        intents.push(Intent::ShellInput {
            session_id,
            bytes: response.input,
        });
    }
}
