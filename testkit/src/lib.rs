//! Switchboard's one test kit, shared by the console's UI and network tests and the
//! server's end-to-end tests: the real server on `127.0.0.1:0` with a temp SQLite file
//! ([`server`]), one customer test client ([`customer`]) and one rep test client
//! ([`rep`]) over real WebSockets, a raw Jump Client agent on `/ws/jump` and the pinning
//! helpers ([`jump`]), the offer of the native client and its `join` ([`client_offer`]), elevated shells and the
//! real binary with its log captured for the grep tests ([`elevation`]), the test configurations ([`config`]), a private PostgreSQL cluster with a fresh database per test ([`postgres`]), the real server binary as a child process and the address it prints ([`process`]), certificates made in the test and the real server over TLS ([`tls`]), and waits that
//! fail with what they waited for after a deadline, never sleeps ([`wait`]; with the `ui`
//! feature, [`ui`] steps an egui_kittest harness and prints the visible labels on a
//! timeout).

// Test support: a failed unwrap here is a failed test, with its location.
#![allow(clippy::unwrap_used)]

pub mod client_offer;
pub mod config;
pub mod customer;
pub mod elevation;
pub mod failover;
pub mod jump;
pub mod media;
pub mod postgres;
pub mod process;
pub mod remote;
pub mod rep;
pub mod server;
#[cfg(feature = "tray")]
pub mod session_bus;
pub mod shell;
pub mod socket;
pub mod supervision;
pub mod tcp_cut;
pub mod tls;
#[cfg(feature = "ui")]
pub mod ui;
pub mod wait;

pub use config::{test_config, test_config_with_jump_policy, test_config_with_limits};
pub use customer::{CustomerClient, unique_client_id};
pub use jump::JumpAgent;
pub use rep::RepClient;
pub use server::{ServerThread, TestServer};
pub use socket::{
    Socket, WsSocket, customer_message, drain_until_closed, drain_until_closed_within, login,
    next_text, open_socket,
};
pub use wait::{DEADLINE, poll_until};

use switchboard_protocol::{QueueRef, RepId, Route, TeamId};

/// A rep's personal queue.
pub fn personal(rep: &str) -> QueueRef {
    QueueRef::Personal {
        rep: RepId::from(rep),
    }
}

/// A team's queue.
pub fn team(name: &str) -> QueueRef {
    QueueRef::Team {
        team: TeamId::from(name),
    }
}

/// The general queue: the route of customers who name nothing.
pub fn general() -> Route {
    Route::General
}
