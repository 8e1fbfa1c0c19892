//! Elevated command shells (issue 14, seed 003 "Elevate"; docs/PROTOCOL.md `elevate_shell`):
//! what the customer's program says it can do (`describe_elevation`, kept on the session and
//! shown to reps as `RemoteInfo.elevation`), a rep's request for an administrator's shell (a
//! `shell` grant carrying its `elevation`, always prompted), and the program's report that
//! one could not start (`elevation_failed`).
//!
//! **Secrets pass once.** A `specific_user` request's password lives only in
//! `Router::elevation_credentials`: never in the grant, a record, an effect that is stored,
//! or a log line. It is sent once as `elevation_credentials` to the customer right after the
//! allow and dropped then, or dropped as soon as the grant stops prompting any other way
//! (denied, timed out, stopped, its rep gone, the session ended); a restart forgets it.

use super::{Reply, Router, refuse, remote_text};
use switchboard_protocol::{
    Capability, ClientKind, CustomerServerMessage, Elevation, ElevationRequest, ElevationSupport,
    ErrorCode, GrantEnd, GrantId, GrantState, RepId, Secret, SessionId, UnixMillis,
};

/// The longest user name `specific_user` takes (as `useradd` does).
pub const MAX_USERNAME_CHARS: usize = 32;
/// The longest password `specific_user` takes, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest reason `describe_elevation` or `elevation_failed` carries, in characters.
pub const MAX_REASON_CHARS: usize = 300;

/// A `specific_user` request's credentials, held until the customer answers. No `Debug`:
/// nothing can print them.
pub struct Credentials {
    username: String,
    password: Secret,
}

/// Whether `name` is a user name `su` may be given: 1 to 32 of `a-z 0-9 _ . -`, not starting
/// with `-` (an option to `su`) or `.`.
pub fn valid_username(name: &str) -> bool {
    (1..=MAX_USERNAME_CHARS).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        && !name.starts_with(['-', '.'])
}

/// A reason from the customer's program as one plain line: control characters (newlines,
/// escapes) become spaces, and it is cut to [`MAX_REASON_CHARS`].
fn plain_reason(reason: &str) -> String {
    let line: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_REASON_CHARS)
        .collect();
    line.trim().to_owned()
}

impl Router {
    /// `elevate_shell`: every check of a shell request (see `remote.rs`) and the `elevate`
    /// permission, then the method available on the customer's machine, then the
    /// credentials' bounds. A `prompting` shell grant with its `elevation` (user `root` for
    /// `prompt_customer`); the password stays in memory only.
    pub(super) fn elevate_shell(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        request: ElevationRequest,
    ) -> Reply {
        self.check_remote_request(rep, session_id, Capability::Shell, true)?;
        let method = request.method();
        let support = self
            .sessions
            .get(&session_id)
            .and_then(|s| s.elevation.as_ref());
        let Some(support) = support else {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer's program has not said whether it can open an administrator's shell.",
            ));
        };
        if let Some(reason) = support.unavailable(method) {
            return Err(refuse(ErrorCode::RemoteUnavailable, reason.to_owned()));
        }
        let credentials = match request {
            ElevationRequest::PromptCustomer => None,
            ElevationRequest::SpecificUser { username, password } => {
                if !valid_username(&username) {
                    return Err(refuse(
                        ErrorCode::Invalid,
                        "A user name is 1 to 32 lowercase letters, digits, '_', '.' or '-', not starting with '-' or '.'.",
                    ));
                }
                if !(1..=MAX_PASSWORD_BYTES).contains(&password.0.len()) {
                    return Err(refuse(ErrorCode::Invalid, "A password is 1 to 1024 bytes."));
                }
                Some(Credentials { username, password })
            }
        };
        let elevation = Elevation {
            method,
            user: credentials
                .as_ref()
                .map_or_else(|| "root".to_owned(), |c| c.username.clone()),
        };
        let reply = self.open_request(now, rep, session_id, Capability::Shell, Some(elevation))?;
        if let (Some(credentials), Some(switchboard_protocol::OkResult::Grant { grant_id })) =
            (credentials, &reply)
        {
            self.elevation_credentials
                .insert((session_id, *grant_id), credentials);
        }
        Ok(reply)
    }

    /// Sends a just-allowed elevated shell's credentials to the session's customer: once,
    /// to the connection that allowed it (they are out of the map already).
    pub(super) fn send_credentials(
        &mut self,
        session_id: SessionId,
        grant_id: GrantId,
        credentials: Credentials,
    ) {
        let Credentials { username, password } = credentials;
        self.tell_customer(
            session_id,
            CustomerServerMessage::ElevationCredentials {
                grant_id,
                username,
                password,
            },
        );
    }

    /// Drops the credentials of every grant that is no longer prompting (or whose session
    /// is gone): a denial, a timeout, a stop, the rep leaving, the session ending.
    pub(super) fn drop_spent_credentials(&mut self) {
        if self.elevation_credentials.is_empty() {
            return;
        }
        let sessions = &self.sessions;
        self.elevation_credentials
            .retain(|(session_id, grant_id), _| {
                sessions.get(session_id).is_some_and(|s| {
                    s.grants
                        .list
                        .iter()
                        .any(|g| g.grant_id == *grant_id && g.state == GrantState::Prompting)
                })
            });
    }

    /// Whether the router still holds credentials for `grant_id` (tests).
    #[cfg(test)]
    pub(super) fn holds_credentials(&self, session_id: SessionId, grant_id: GrantId) -> bool {
        self.elevation_credentials
            .contains_key(&(session_id, grant_id))
    }

    /// `describe_elevation` from the customer's program: kept on the session (with its
    /// machine) and shown to the reps in it.
    pub(super) fn describe_elevation(
        &mut self,
        session_id: SessionId,
        support: ElevationSupport,
    ) -> Reply {
        let session = self.session(session_id)?;
        let too_long = |reason: &Option<String>| {
            reason
                .as_ref()
                .is_some_and(|r| r.is_empty() || r.chars().count() > MAX_REASON_CHARS)
        };
        if session.client != ClientKind::Native
            || too_long(&support.prompt_customer)
            || too_long(&support.specific_user)
        {
            return Err(refuse(
                ErrorCode::Invalid,
                "Elevation is described by the customer client: each reason 1 to 300 characters.",
            ));
        }
        let support = ElevationSupport {
            prompt_customer: support.prompt_customer.as_deref().map(plain_reason),
            specific_user: support.specific_user.as_deref().map(plain_reason),
        };
        if session.elevation.as_ref() != Some(&support) {
            if let Some(session) = self.sessions.get_mut(&session_id) {
                session.elevation = Some(support);
            }
            self.persist_session(session_id);
            self.announce_session_update(session_id, None);
        }
        Ok(None)
    }

    /// `elevation_failed` from the customer's program: the elevated shell could not start.
    /// The grant ends `elevation_failed`, with the program's reason as a public line.
    pub(super) fn elevation_failed(
        &mut self,
        session_id: SessionId,
        grant_id: GrantId,
        reason: &str,
    ) -> Reply {
        let session = self.session(session_id)?;
        let live = session
            .grants
            .list
            .iter()
            .find(|g| g.grant_id == grant_id && g.elevation.is_some() && g.state.is_live());
        let Some(grant) = live.cloned() else {
            return Err(refuse(
                ErrorCode::NotFound,
                format!("There is no elevated shell {grant_id} starting."),
            ));
        };
        self.set_grant(
            session_id,
            grant_id,
            GrantState::Stopped,
            Some(GrantEnd::ElevationFailed),
        );
        self.public_note(
            session_id,
            remote_text::elevation_failed(&grant, &plain_reason(reason)),
        );
        self.grants_changed(session_id);
        Ok(None)
    }
}
