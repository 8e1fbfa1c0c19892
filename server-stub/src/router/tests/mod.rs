//! Router unit and property tests. Every test drives `Router::handle(now, input)` with the
//! clock passed in and checks the reply, the effects and the reps' snapshots.

mod support;

mod buttons;
mod chat;
mod client_offer;
mod console;
mod dashboard;
mod dashboard_props;
mod elevation;
mod elevation_ends;
mod entry_paths;
mod files;
mod invitations;
mod jump;
mod jump_props;
mod notes;
mod properties;
mod push;
mod queues;
mod refusals;
mod remote;
mod remote_props;
mod restore;
mod scale;
mod sessions;
mod shell;
mod supervision;
mod supervision_take_next;
mod supervision_whispers;
mod team_chat_and_flags;
mod timer_index;
mod timers;
