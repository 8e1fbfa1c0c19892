//! Switchboard's wire protocol: every JSON message between the routing server, the
//! representative console and customers. Serde types only; no IO.
//!
//! - [`ids`]: newtype identifiers.
//! - [`buttons`]: Support Buttons deployed on customers' machines, and the machine's description.
//! - [`jump`]: Jump Clients: the agent's socket (`/ws/jump`), policies and the list reps see.
//! - [`model`]: queues, entries, sessions, chat, reps and teams.
//! - [`rep`]: the console's WebSocket messages (`/ws/rep`).
//! - [`customer`]: the customer's WebSocket messages (`/ws/customer`) and the HTTP bodies.
//! - [`codec`]: decoding frames with typed errors; the size limit and protocol version.
//! - [`error`]: stable error codes.
//! - [`errors_table`]: which codes each request and hello may be refused with.
//! - [`links`]: filling in the configuration's link templates.
//! - [`remote`]: remote support's capabilities, consent and grants (JSON).
//! - [`media`]: the binary frames of the media WebSocket (screen tiles, acks, input, shell).
//! - [`shell`]: a session's shell transcript (`GET /api/sessions/{id}/shell`).
//! - [`supervision`]: team leads' dashboard, monitor / whisper / take over, service levels.
//!
//! `docs/PROTOCOL.md` documents each message with an example.

pub mod buttons;
pub mod codec;
pub mod customer;
pub mod error;
pub mod errors_table;
pub mod ids;
pub mod jump;
pub mod links;
pub mod media;
pub mod model;
pub mod remote;
pub mod rep;
pub mod shell;
pub mod supervision;

pub use buttons::*;
pub use codec::{CLOSE_REPLACED, MAX_FRAME_BYTES, PROTOCOL_VERSION};
pub use customer::*;
pub use error::{DecodeError, ErrorBody, ErrorCode};
pub use ids::*;
pub use jump::*;
pub use model::*;
pub use remote::*;
pub use rep::*;
pub use shell::*;
pub use supervision::*;
