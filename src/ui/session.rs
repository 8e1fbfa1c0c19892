//! A session tab: the customer's details, the action bar (Share, Transfer, Remove,
//! Disconnect, Important, Close), the reps in the session and the active invitations, and
//! the chat bar (shown or hidden, pinned in the tab or floating). Top-left, the Screen
//! toolbar, the Shell entry, Special Actions (for an iOS customer only), Support Buttons,
//! Pin Jump Client… and Offer the Switchboard program; a jump session's policy beside the
//! customer's name; while the rep may see the customer's screen or has a shell, the Screen
//! view or the Shell view fills the tab beside the chat (both: the shell below the screen).
//! A team lead monitoring the session (or in it, not owning it) gets the supervision strip
//! under the header; reps in it read "Grace is monitoring" in the header.

use super::chat::{ChatDraft, chat_ui};
use super::client_offer::offer_entry_ui;
use super::details_field;
use super::intent::Intent;
use super::invitations::invitations_ui;
use super::pin_dialog::pin_entry_ui;
use super::screen_menu::screen_menu_ui;
use super::screen_view::{ScreenView, screen_view_ui};
use super::session_actions::session_actions_ui;
use super::shell_menu::shell_menu_ui;
use super::shell_view::{ShellTerminal, shell_view_ui};
use super::special_menu::special_menu_ui;
use super::support_buttons::support_buttons_entry_ui;
use crate::model::client_actions::special_actions;
use crate::model::remote::ScreenToolbar;
use crate::model::shell::ShellToolbar;
use crate::model::{Model, SessionState};
use crate::net::{ScreenStream, StreamState};
use crate::prefs::Prefs;
use crate::text;
use crate::text::display;
use switchboard_protocol::RepRequest;

/// The session's screen, as the layout hands it to the tab.
pub struct ScreenArgs<'a> {
    /// The Screen toolbar (`None` before the console knows who it is).
    pub bar: Option<ScreenToolbar>,
    /// The media stream, while the rep may see the screen.
    pub stream: Option<&'a ScreenStream>,
    pub view: &'a mut ScreenView,
}

/// The session's shell, as the layout hands it to the tab.
#[derive(Default)]
pub struct ShellArgs<'a> {
    /// The Shell entry (`None` before the console knows who it is).
    pub bar: Option<ShellToolbar>,
    /// The terminal, while the rep has a shell here (or its ended shell is still shown).
    pub terminal: Option<&'a mut ShellTerminal>,
    /// Where the shell's stream stands, while there is one.
    pub stream: Option<StreamState>,
}

/// The session's remote support: its screen and its shell.
pub struct RemoteArgs<'a> {
    pub screen: ScreenArgs<'a>,
    pub shell: ShellArgs<'a>,
}

/// A session tab without a shell (benches draw it so).
pub fn session_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    session: &SessionState,
    draft: &mut ChatDraft,
    screen: ScreenArgs<'_>,
    intents: &mut Vec<Intent>,
) {
    let remote = RemoteArgs {
        screen,
        shell: ShellArgs::default(),
    };
    session_remote_ui(ui, model, prefs, session, draft, remote, intents);
}

/// A session tab with its screen and its shell.
pub fn session_remote_ui(
    ui: &mut egui::Ui,
    model: &Model,
    prefs: &Prefs,
    session: &SessionState,
    draft: &mut ChatDraft,
    remote: RemoteArgs<'_>,
    intents: &mut Vec<Intent>,
) {
    let RemoteArgs { screen, shell } = remote;
    let info = &session.info;
    let id = info.session_id;
    let owner = model.owns(info);
    // A lead watching is not in the session: no session actions, remote support or tools
    // (the server would refuse them), only the supervision strip.
    let monitoring = model.monitoring(info);
    // Wraps: a narrow window with every entry, a long name and the jump policy would cut
    // the end off.
    ui.horizontal_wrapped(|ui| {
        if let Some(bar) = screen.bar.as_ref().filter(|_| !monitoring) {
            screen_menu_ui(ui, id, bar, intents);
            ui.separator();
        }
        if let Some(bar) = shell.bar.as_ref().filter(|_| !monitoring) {
            shell_menu_ui(ui, id, &info.customer.name, bar, intents);
            ui.separator();
        }
        if let Some(items) = special_actions(info).filter(|_| !monitoring) {
            special_menu_ui(ui, id, &items, intents);
            ui.separator();
        }
        if model.me.is_some() && !monitoring {
            support_buttons_entry_ui(ui, id, model.buttons_unavailable(info), intents);
            pin_entry_ui(ui, id, model.pin_unavailable(info), intents);
            offer_entry_ui(ui, id, model.offer_client_unavailable(info), intents);
            ui.separator();
        }
        let name = if info.kind == switchboard_protocol::SessionKind::Browser {
            format!("[Browser] {}", info.customer.name)
        } else {
            info.customer.name.clone()
        };
        ui.heading(name);
        if let Some(policy) = info.remote.jump {
            ui.label(egui::RichText::new(text::jump::policy_badge(policy)).strong())
                .on_hover_text(text::jump::policy_hint(policy));
        }
        if info.important {
            ui.colored_label(ui.visuals().error_fg_color, "Important");
        }
        if !info.customer_connected {
            // Kept whole: moved to the next line rather than broken at the end of this one.
            ui.add(
                egui::Label::new(egui::RichText::new("(customer not connected)").weak()).extend(),
            );
        }
        if info.assistance {
            ui.colored_label(ui.visuals().warn_fg_color, "Assistance requested");
        }
        if let Some(note) = model.monitoring_note(info) {
            let colour = crate::theme::whisper_caption(ui.visuals().dark_mode);
            ui.label(egui::RichText::new(note).strong().color(colour))
                .on_hover_text(text::supervision::MONITORING_HINT);
        }
    });
    if let Some(bar) = model.supervision_bar(info) {
        super::supervision_bar::supervision_bar_ui(ui, id, &bar, draft, intents);
    }
    ui.horizontal(|ui| {
        if monitoring {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                chat_bar_toggles_ui(ui, prefs, session.unread, intents);
            });
            return;
        }
        session_actions_ui(ui, model, session, intents);
        ui.separator();
        let mut important = info.important;
        if ui.checkbox(&mut important, "Important").changed() {
            intents.push(Intent::Request(RepRequest::SetImportant {
                session_id: id,
                important,
            }));
        }
        super::session_tools::session_tools_ui(ui, model, info, intents);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let close = if owner {
                "Close session"
            } else {
                "Leave session"
            };
            if ui.button(close).clicked() {
                intents.push(Intent::AskClose(id));
            }
            chat_bar_toggles_ui(ui, prefs, session.unread, intents);
        });
    });
    ui.separator();
    details_ui(ui, model, session);
    invitations_ui(ui, model, info, intents);
    ui.separator();

    let viewing = screen.bar.as_ref().filter(|bar| bar.viewing);
    if viewing.is_some() || shell.terminal.is_some() {
        if prefs.chat_shown && prefs.chat_pinned {
            egui::Panel::right(("screen_chat", id.0))
                .resizable(true)
                .default_size((ui.available_width() * 0.3).clamp(260.0, 400.0))
                .min_size(260.0)
                // The screen keeps at least half: a width dragged out on a wide window is
                // not kept when the window narrows.
                .max_size((ui.available_width() * 0.5).max(260.0))
                .show(ui, |ui| chat_ui(ui, model, session, draft, intents));
        } else if prefs.chat_shown {
            chat_window_ui(ui.ctx(), model, session, draft, intents);
        }
        let stream = shell.stream.as_ref();
        // Who the live shell runs as, when it is an administrator's.
        let admin = shell
            .bar
            .as_ref()
            .and_then(|b| b.elevation.as_ref()?.live_user.as_deref());
        match (viewing, shell.terminal) {
            (Some(bar), Some(terminal)) => {
                egui::Panel::bottom(("shell_below_screen", id.0))
                    .resizable(true)
                    .default_size((ui.available_height() * 0.45).max(160.0))
                    .min_size(120.0)
                    .max_size((ui.available_height() * 0.8).max(160.0))
                    .show(ui, |ui| {
                        shell_view_ui(ui, id, terminal, stream, admin, intents)
                    });
                screen_view_ui(ui, id, bar, screen.stream, screen.view, intents);
            }
            (Some(bar), None) => screen_view_ui(ui, id, bar, screen.stream, screen.view, intents),
            (None, Some(terminal)) => shell_view_ui(ui, id, terminal, stream, admin, intents),
            (None, None) => {}
        }
        return;
    }
    if !prefs.chat_shown {
        ui.weak(text::CHAT_HIDDEN);
        return;
    }
    if prefs.chat_pinned {
        chat_ui(ui, model, session, draft, intents);
    } else {
        chat_window_ui(ui.ctx(), model, session, draft, intents);
        ui.weak(text::CHAT_IN_ITS_WINDOW);
    }
}

/// The unpinned chat: a window of its own on the desktop (an egui viewport), movable to
/// another monitor; where the platform has no separate windows (tests), a window inside.
/// Closing it hides the chat.
fn chat_window_ui(
    ctx: &egui::Context,
    model: &Model,
    session: &SessionState,
    draft: &mut ChatDraft,
    intents: &mut Vec<Intent>,
) {
    let id = session.info.session_id;
    let title = format!("Chat with {}", session.info.customer.name);
    let builder = egui::ViewportBuilder::default()
        .with_title(title)
        .with_inner_size([440.0, 560.0])
        .with_min_inner_size([320.0, 320.0]);
    let viewport = egui::ViewportId::from_hash_of(("chat_window", id.0));
    let closed = ctx.show_viewport_immediate(viewport, builder, |ui, class| {
        if class == egui::ViewportClass::EmbeddedWindow {
            chat_ui(ui, model, session, draft, intents);
            return false;
        }
        egui::CentralPanel::default().show(ui, |ui| chat_ui(ui, model, session, draft, intents));
        ui.ctx().input(|i| i.viewport().close_requested())
    });
    if closed {
        intents.push(Intent::SetChatBar {
            shown: false,
            pinned: false,
        });
    }
}

/// Pin/Unpin and Hide/Show chat, always in the same place: hiding the chat turns "Hide
/// chat" into "Show chat" (with how many messages wait) where it stood.
fn chat_bar_toggles_ui(
    ui: &mut egui::Ui,
    prefs: &Prefs,
    waiting: usize,
    intents: &mut Vec<Intent>,
) {
    let pin = if prefs.chat_pinned {
        "Unpin chat"
    } else {
        "Pin chat"
    };
    let pin = ui
        .add_enabled(prefs.chat_shown, egui::Button::new(pin))
        .on_hover_text("Unpinned, the chat has a window of its own (another monitor, say).");
    if pin.clicked() {
        intents.push(Intent::SetChatBar {
            shown: true,
            pinned: !prefs.chat_pinned,
        });
    }
    let toggle = if prefs.chat_shown {
        "Hide chat".to_owned()
    } else {
        text::show_chat(waiting)
    };
    if ui.button(toggle).clicked() {
        intents.push(Intent::SetChatBar {
            shown: !prefs.chat_shown,
            pinned: prefs.chat_pinned,
        });
    }
}

fn details_ui(ui: &mut egui::Ui, model: &Model, session: &SessionState) {
    let info = &session.info;
    egui::Grid::new(("session_details", info.session_id.0))
        .num_columns(4)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            details_field(
                ui,
                "Company",
                info.customer.company.clone().unwrap_or_default(),
            );
            details_field(
                ui,
                "Issue",
                display::issue(info.issue.as_ref(), &model.issues),
            );
            ui.end_row();
            details_field(ui, "Entry", display::entry_path(info.entry_path).to_owned());
            details_field(ui, "Started", display::clock(info.started_at));
            ui.end_row();
            let rep_name = |rep: &switchboard_protocol::RepId| model.rep_name(rep);
            details_field(
                ui,
                "Owner",
                info.owner.as_ref().map(rep_name).unwrap_or_else(|| {
                    info.waiting_in
                        .as_ref()
                        .map(|q| format!("waiting in {}", display::queue(q, &model.teams)))
                        .unwrap_or_default()
                }),
            );
            details_field(
                ui,
                "Reps in session",
                info.participants
                    .iter()
                    .map(rep_name)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            ui.end_row();
        });
    if let Some(question) = &info.customer.question {
        ui.horizontal(|ui| {
            ui.weak("Question");
            ui.add(egui::Label::new(question).wrap());
        });
    }
}
