//! A Jump Client's agent on the customer's machine (`switchboard-customer --jump-agent
//! <config>`, started by its systemd user unit or autostart entry, `crate::install`): it
//! keeps `/ws/jump` open so reps may jump to this machine later without the customer
//! starting anything, and joins the sessions they start. A library, so tests run the real
//! agent in-process against the real server.
//!
//! - `agent.rs`: the connection loop (hello, welcome, ping, reconnect, jump, uninstall).
//! - `backoff.rs`: the waits between connections, pure.
//! - `sessions.rs`: the jumped sessions: headless here (`no_prompt`), or the customer's
//!   window on the session (`notify`, `ask`).

pub mod agent;
pub mod backoff;
pub mod sessions;

pub use agent::{AgentEnd, AgentEvent, AgentSetup, run_agent, run_from_config};
pub use sessions::{Attended, MAX_JUMP_SESSIONS, Shown, TOKEN_VARIABLE};
