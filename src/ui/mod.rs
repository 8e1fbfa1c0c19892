//! One module per screen or panel. Each draws from state and pushes [`intent::Intent`]s;
//! none of them talks to the network or the disk.

pub mod assistance;
pub mod attachments;
pub mod chat;
pub mod client_offer;
pub mod close_dialog;
pub mod composer_tools;
pub mod dashboard;
pub mod earlier_chat;
pub mod elevate_dialog;
pub mod intent;
pub mod invitations;
pub mod jump_clients;
pub mod leave_dialog;
pub mod login;
pub mod offer;
pub mod older_messages;
pub mod pin_dialog;
pub mod queues;
pub mod quit_dialog;
pub mod screen_input;
pub mod screen_menu;
pub mod screen_view;
pub mod session;
pub mod session_actions;
pub mod session_events;
pub mod session_tools;
pub mod share_menu;
pub mod shell_menu;
pub mod shell_view;
pub mod shortcuts;
pub mod special_menu;
pub mod status_bar;
pub mod supervision_bar;
pub mod support_buttons;
pub mod team_chat;
pub mod terminal_view;
pub mod toasts;
pub mod top_bar;
pub mod transcript_window;
pub mod transfer_dialog;

/// One name-value pair of a details grid; an empty value shows as a dash.
pub(crate) fn details_field(ui: &mut egui::Ui, name: &str, value: String) {
    ui.weak(name);
    ui.label(if value.is_empty() {
        "—".to_owned()
    } else {
        value
    });
}
