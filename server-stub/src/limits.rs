//! Every limit the server enforces on what arrives from outside, in one place: the
//! `[limits]` section of the configuration. Each has a default that suits a support team on
//! one machine; README.md and PROTOCOL.md list them with the error a client gets.
//!
//! Why one place: a limit scattered as a constant in the file that enforces it cannot be
//! tuned for a deployment, nor documented with confidence that the document is complete.

use serde::Deserialize;

/// The server's limits (all counts are per server process).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    // ---- connections ----
    /// Open TCP connections in all (HTTP and WebSocket). Beyond it a new connection is
    /// closed at once.
    pub max_connections: usize,
    /// Open TCP connections from one address.
    pub max_connections_per_address: usize,
    /// Time to send a request's headers, from the connection's start (slowloris).
    pub header_timeout_secs: u64,
    /// Time to send a (non-upload) request body, and the longest pause in an upload body.
    pub body_timeout_secs: u64,
    /// A WebSocket that says nothing (not even a pong) this long is closed. The server
    /// pings at a third of it.
    pub idle_timeout_secs: u64,
    /// Time for the first frame (`hello`, `start`, `resume`).
    pub hello_timeout_secs: u64,

    // ---- logins ----
    /// Failed logins for one user from one address before each further attempt waits.
    pub login_failures_before_delay: u32,
    /// The first wait after those failures; it doubles with each further failure.
    pub login_delay_secs: u64,
    /// The longest wait for one user and address.
    pub login_max_delay_secs: u64,
    /// Failed logins for one user from all addresses, within `login_window_secs`, before the
    /// user is locked from every address (far above what a person types).
    pub login_user_ceiling: u32,
    /// The window for counting failures.
    pub login_window_secs: u64,
    /// Failed logins from one address (any users) within the window before it waits.
    pub login_address_ceiling: u32,
    /// Password checks (argon2) running at once; more wait in line up to
    /// `login_queue`, beyond that the login is refused at once (503).
    pub password_checks: usize,
    pub login_queue: usize,

    // ---- customers ----
    /// New sessions from one address: sustained rate per minute, and burst.
    pub sessions_per_minute_per_address: u32,
    pub session_burst_per_address: u32,
    /// Sessions waiting in one queue; beyond it a new session is refused ("busy").
    pub max_waiting_per_queue: usize,
    /// Chat messages of one customer (and of one session, reps included): sustained rate
    /// per second and burst.
    pub chat_per_second: u32,
    pub chat_burst: u32,
    /// Messages stored for one session; beyond it further messages are refused.
    pub max_messages_per_session: usize,
    /// Messages of each session a snapshot or `session_joined` carries (the newest); older
    /// ones are paged in with `load_chat`.
    pub snapshot_chat_messages: usize,
    /// Wrong session keys from one address per minute.
    pub session_key_guesses_per_minute: u32,

    // ---- files ----
    /// File uploads running at once, in all and from one address.
    pub concurrent_uploads: usize,
    pub concurrent_uploads_per_address: usize,
    /// The longest an upload may take in all.
    pub upload_timeout_secs: u64,

    // ---- origins ----
    /// Browser origins allowed to open `/ws/*` besides the server's own (for example
    /// `https://support.example.com`). Native clients send no `Origin` and are allowed.
    pub allowed_origins: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 20_000,
            max_connections_per_address: 256,
            header_timeout_secs: 10,
            body_timeout_secs: 10,
            idle_timeout_secs: 90,
            hello_timeout_secs: 10,
            login_failures_before_delay: 5,
            login_delay_secs: 2,
            login_max_delay_secs: 300,
            login_user_ceiling: 100,
            login_window_secs: 900,
            login_address_ceiling: 50,
            password_checks: 2,
            login_queue: 16,
            sessions_per_minute_per_address: 30,
            session_burst_per_address: 20,
            max_waiting_per_queue: 1_000,
            chat_per_second: 5,
            chat_burst: 20,
            max_messages_per_session: 5_000,
            snapshot_chat_messages: 200,
            session_key_guesses_per_minute: 5,
            concurrent_uploads: 8,
            concurrent_uploads_per_address: 2,
            upload_timeout_secs: 300,
            allowed_origins: Vec::new(),
        }
    }
}

impl Limits {
    /// Refuses limits that would make the server unusable (zeros, inverted ranges).
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("max_connections", self.max_connections as u64),
            (
                "max_connections_per_address",
                self.max_connections_per_address as u64,
            ),
            ("header_timeout_secs", self.header_timeout_secs),
            ("body_timeout_secs", self.body_timeout_secs),
            ("idle_timeout_secs", self.idle_timeout_secs),
            ("hello_timeout_secs", self.hello_timeout_secs),
            ("login_delay_secs", self.login_delay_secs),
            ("login_window_secs", self.login_window_secs),
            ("password_checks", self.password_checks as u64),
            (
                "sessions_per_minute_per_address",
                u64::from(self.sessions_per_minute_per_address),
            ),
            (
                "session_burst_per_address",
                u64::from(self.session_burst_per_address),
            ),
            ("max_waiting_per_queue", self.max_waiting_per_queue as u64),
            ("chat_per_second", u64::from(self.chat_per_second)),
            ("chat_burst", u64::from(self.chat_burst)),
            (
                "max_messages_per_session",
                self.max_messages_per_session as u64,
            ),
            ("snapshot_chat_messages", self.snapshot_chat_messages as u64),
            ("concurrent_uploads", self.concurrent_uploads as u64),
            (
                "concurrent_uploads_per_address",
                self.concurrent_uploads_per_address as u64,
            ),
            ("upload_timeout_secs", self.upload_timeout_secs),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(format!("[limits] {name} must be positive"));
        }
        if self.max_connections_per_address > self.max_connections {
            return Err(
                "[limits] max_connections_per_address is larger than max_connections".into(),
            );
        }
        if self.login_max_delay_secs < self.login_delay_secs {
            return Err("[limits] login_max_delay_secs is shorter than login_delay_secs".into());
        }
        if self.concurrent_uploads_per_address > self.concurrent_uploads {
            return Err(
                "[limits] concurrent_uploads_per_address is larger than concurrent_uploads".into(),
            );
        }
        for origin in &self.allowed_origins {
            let ok = origin.split_once("://").is_some_and(|(scheme, host)| {
                (scheme == "http" || scheme == "https")
                    && !host.is_empty()
                    && !host.contains(['/', ' '])
            });
            if !ok {
                return Err(format!(
                    "[limits] allowed_origins: `{origin}` is not an origin like https://support.example.com"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Limits::default().validate(), Ok(()));
    }

    #[test]
    fn zeros_and_bad_origins_are_refused() {
        let zero = Limits {
            chat_burst: 0,
            ..Limits::default()
        };
        assert!(zero.validate().unwrap_err().contains("chat_burst"));
        let origin = Limits {
            allowed_origins: vec!["support.example.com".into()],
            ..Limits::default()
        };
        assert!(origin.validate().is_err());
        let good = Limits {
            allowed_origins: vec!["https://support.example.com".into()],
            ..Limits::default()
        };
        assert_eq!(good.validate(), Ok(()));
    }
}
