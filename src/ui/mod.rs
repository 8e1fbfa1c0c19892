//! One module per screen or panel. Each draws from state and pushes [`intent::Intent`]s;
//! none of them talks to the network or the disk.

pub mod chat;
pub mod close_dialog;
pub mod intent;
pub mod login;
pub mod queues;
pub mod session;
pub mod status_bar;
pub mod team_chat;
pub mod top_bar;
