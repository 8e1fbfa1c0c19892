//! The end-to-end tests' support: the one test kit (`switchboard-testkit`: the real server
//! on 127.0.0.1:0 with a real SQLite file, the rep and customer test clients, waits with a
//! deadline), plus what only the server's tests need: the attack helpers and an SMTP sink.

#![allow(dead_code, unused_imports)]

pub mod abuse;
pub mod sharing;
pub mod smtp_sink;

pub use switchboard_testkit::config::{TEST_CONFIG, test_config, test_config_with_limits};
pub use switchboard_testkit::rep::{end_resolved, joined, session_entry_in};
pub use switchboard_testkit::*;
