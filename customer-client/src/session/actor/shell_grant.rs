//! The actor's side of the command shell: one shell per granted `shell` grant. When the
//! share state names a shell grant, the actor asks for a ticket (`open_media`, channel
//! `shell`) and runs the link (`crate::shell::link`) with it; the link watches the share
//! state itself, so Stop, the server's list, a dropped connection or the session's end kill
//! the shell without waiting for the actor.
//!
//! A grant's shell runs once: when it ends for any other reason (it exited, the relay closed
//! its socket, the socket failed), its grant is ended here and on the server, so a new shell
//! always needs a new request and a new Allow. A shell that exited by itself is reported
//! with `shell_exited` and its code (the server ends the grant as `shell_exited`: "The
//! command shell Alice was using exited (code 3)."); one that ended otherwise (its socket
//! closed or failed, it could not start) with `stop_remote`. Kept apart from `actor.rs`,
//! which carries the chat, the consent answers and the screen.
//!
//! **Elevated shells** (a shell grant with `elevation`): the program says what it can do
//! right after describing the machine (`describe_elevation`). Once such a grant is granted,
//! its link starts the shell with `crate::elevate` instead of the login shell: Prompt
//! Customer at once (pkexec asks the customer), Specific User with the credentials the
//! server sends once after the allow (`elevation_credentials`), awaited for at most
//! [`CREDENTIALS_WAIT`]. The credentials are accepted only for a live elevated grant for
//! that user, kept (as `elevate::Password`, wiped on drop) only until the link takes them or
//! the grant ends, and never logged. If the shell cannot start, the grant ends with
//! `elevation_failed` and the tool's words (never the password), and the customer reads why.

use super::Actor;
use std::collections::BTreeSet;
#[cfg(unix)]
use std::time::Duration;
use switchboard_protocol::{
    CustomerRequest, Elevation, GrantId, MediaChannel, MediaTicket, RequestId, Secret,
};
use tokio::task::JoinHandle;

/// How long an elevated Specific User shell waits for its credentials after its link
/// started (the server sends them right after the allow, so they have normally come).
#[cfg(unix)]
pub(super) const CREDENTIALS_WAIT: Duration = Duration::from_secs(10);

/// The rep's credentials for an elevated shell, on their way to `su`'s prompt.
#[cfg(unix)]
pub(super) struct Credentials {
    username: String,
    password: crate::elevate::Password,
    /// A second copy, only to make sure the reason sent with `elevation_failed` never
    /// holds the password (should a tool ever echo it); wiped on drop like the first.
    guard: crate::elevate::Password,
}

/// How a shell's link ended, for the actor.
pub(super) struct Finished {
    /// The shell exited by itself with this code (-1: no code); reported with
    /// `shell_exited`. `None`: it was stopped, or its socket ended it.
    exited: Option<i32>,
    /// The customer's words on it, if there are any to say.
    words: Option<String>,
    /// An elevated shell did not start: why, for `elevation_failed`.
    elevation_failed: Option<String>,
}

impl Finished {
    /// Ended otherwise than by exiting, with these words (or none).
    fn other(words: Option<String>) -> Finished {
        Finished {
            exited: None,
            words,
            elevation_failed: None,
        }
    }
}

/// Where the shell stands, for the actor.
#[derive(Default)]
pub(super) struct ShellSlot {
    /// The `open_media` (shell) waiting for its ticket, and the grant it is for.
    opening: Option<(GrantId, RequestId)>,
    /// The link running the shell, and its grant.
    running: Option<(GrantId, JoinHandle<Finished>)>,
    /// Grants whose shell has run (or could not open): never started again.
    used: BTreeSet<GrantId>,
    /// `stop_remote`s and `shell_exited`s sent for shells that ended here: the server may
    /// have ended the grant already, and its `not_found` is nobody's business.
    quiet: BTreeSet<RequestId>,
    /// Credentials for an elevated shell, from `elevation_credentials` until its link takes
    /// them or the grant ends.
    #[cfg(unix)]
    credentials: Option<(GrantId, Credentials)>,
    /// The link of an elevated shell waiting for its grant's credentials.
    #[cfg(unix)]
    awaiting: Option<(GrantId, tokio::sync::oneshot::Sender<Credentials>)>,
}

impl ShellSlot {
    /// Whether a link runs (the actor then awaits its end).
    pub(super) fn running(&self) -> bool {
        self.running.is_some()
    }

    /// The running link's end, for the actor's `select!` (pending while none runs).
    pub(super) async fn finished(&mut self) -> (GrantId, Finished) {
        let Some((grant, task)) = self.running.as_mut() else {
            return std::future::pending().await;
        };
        let grant = *grant;
        let finished = match task.await {
            Ok(finished) => finished,
            Err(error) => {
                tracing::error!(%error, "the shell's task failed");
                Finished::other(Some("The command shell stopped unexpectedly.".to_owned()))
            }
        };
        self.running = None;
        (grant, finished)
    }

    /// The connection dropped: a ticket asked for on it will never come.
    pub(super) fn connection_lost(&mut self) {
        self.opening = None;
    }

    /// Drops (and so wipes) the credentials kept or awaited for grants that are not
    /// `keep`.
    #[cfg(unix)]
    fn forget_credentials(&mut self, keep: impl Fn(GrantId) -> bool) {
        if self.credentials.as_ref().is_some_and(|(g, _)| !keep(*g)) {
            self.credentials = None;
        }
        if self.awaiting.as_ref().is_some_and(|(g, _)| !keep(*g)) {
            self.awaiting = None;
        }
    }

    #[cfg(not(unix))]
    fn forget_credentials(&mut self, _keep: impl Fn(GrantId) -> bool) {}

    /// Whether an error answers a request of the shell's (not for the customer's eyes).
    pub(super) fn owns_error(&mut self, id: RequestId) -> bool {
        if self.quiet.remove(&id) {
            return true;
        }
        match self.opening {
            Some((grant, opening)) if opening == id => {
                // Nothing granted any more (the grant list says so next); not tried again.
                self.opening = None;
                self.used.insert(grant);
                true
            }
            _ => false,
        }
    }

    /// The `ok` to `id`, if it answers the shell's `open_media`: the grant to run it for.
    fn ticket_for(&mut self, id: RequestId) -> Option<GrantId> {
        match self.opening {
            Some((grant, opening)) if opening == id => {
                self.opening = None;
                Some(grant)
            }
            _ => None,
        }
    }
}

impl Actor {
    /// The grant the share state gives the shell to now, if any.
    fn shell_grant(&self) -> Option<GrantId> {
        let share = self.shared.share.borrow();
        share.shell.as_ref().map(|user| user.grant_id)
    }

    /// Asks for a shell ticket when the share state names a shell grant that has no shell
    /// yet. A link still running for an older grant is ending (it watches the same state);
    /// the new one starts once it has.
    pub(super) async fn reconcile_shell(&mut self) {
        // Credentials for a grant that ended (denied, timed out, stopped) go at once.
        let ((), view) = self.shared.update(|_| ());
        self.shell.forget_credentials(|grant| view.is_live(grant));
        let wanted = self.shell_grant();
        if let Some((grant, _)) = self.shell.opening
            && wanted != Some(grant)
        {
            // Revoked before its ticket came: the ticket is dropped when it does.
            self.shell.opening = None;
        }
        let Some(grant) = wanted else {
            return;
        };
        if self.shell.running.is_some()
            || self.shell.opening.is_some()
            || self.shell.used.contains(&grant)
        {
            return;
        }
        let id = self
            .send(CustomerRequest::OpenMedia {
                channel: MediaChannel::Shell,
            })
            .await;
        self.shell.opening = Some((grant, id));
    }

    /// An `ok` with a ticket: starts the shell if it answers the shell's `open_media` and
    /// the grant still holds. Returns whether it was the shell's.
    pub(super) fn shell_ticket(&mut self, id: RequestId, ticket: Option<MediaTicket>) -> bool {
        let Some(grant) = self.shell.ticket_for(id) else {
            return false;
        };
        self.shell.used.insert(grant);
        match ticket {
            Some(ticket) if self.shell_grant() == Some(grant) => {
                let elevation = {
                    let share = self.shared.share.borrow();
                    share.shell.as_ref().and_then(|user| user.elevation.clone())
                };
                let task = self.spawn_link(ticket.token, grant, elevation);
                self.shell.running = Some((grant, task));
            }
            _ => tracing::debug!(?grant, "a shell ticket for a grant that ended"),
        }
        true
    }

    /// The link ended. Unless its grant already ended (then the link was told to stop), the
    /// shell ended by itself or its socket did: the grant ends here and on the server, with
    /// `shell_exited` and the code if the shell exited, `stop_remote` otherwise.
    pub(super) async fn shell_finished(&mut self, grant: GrantId, finished: Finished) {
        self.shell.forget_credentials(|other| other != grant);
        let (live, _) = self.shared.update(|view| view.stop(grant));
        if live {
            let request = match (finished.elevation_failed, finished.exited) {
                (Some(reason), _) => CustomerRequest::ElevationFailed {
                    grant_id: grant,
                    reason,
                },
                (None, Some(code)) => CustomerRequest::ShellExited {
                    grant_id: grant,
                    code,
                },
                (None, None) => CustomerRequest::StopRemote {
                    grant_id: Some(grant),
                },
            };
            let id = self.send(request).await;
            self.shell.quiet.insert(id);
            if let Some(words) = finished.words {
                (self.emit)(super::SessionEvent::Notice(words));
            }
        }
        // A newer grant may be waiting for this one's end.
        self.reconcile_shell().await;
    }

    /// What this machine can do for elevated shells (worked out once), sent after the
    /// machine's description on every start and resume.
    pub(super) async fn describe_elevation(&mut self) {
        let support = self
            .elevation
            .get_or_insert_with(crate::session::elevation_support)
            .clone();
        let id = self
            .send(CustomerRequest::DescribeElevation { support })
            .await;
        self.quiet.insert(id);
    }

    /// `elevation_credentials`: kept for the link of that grant (handed over at once if it
    /// waits), if the grant is a live Specific User elevation for that user; dropped (and
    /// wiped) otherwise. Nothing of them is logged.
    #[cfg(unix)]
    pub(super) fn elevation_credentials(
        &mut self,
        grant_id: GrantId,
        username: String,
        password: Secret,
    ) {
        use crate::elevate::Password;
        use switchboard_protocol::ElevationMethod;
        let guard = Password::new(password.0.clone());
        let credentials = Credentials {
            username,
            password: Password::new(password.0),
            guard,
        };
        let (expected, _) = self.shared.update(|view| view.elevation(grant_id).cloned());
        let fits = expected.is_some_and(|elevation| {
            elevation.method == ElevationMethod::SpecificUser
                && elevation.user == credentials.username
        });
        if !fits {
            tracing::warn!(
                ?grant_id,
                "credentials for no elevated shell of this session, dropped"
            );
            return;
        }
        match self.shell.awaiting.take() {
            Some((waiting, link)) if waiting == grant_id => {
                // A link that has gone drops them with the refused send.
                let _ = link.send(credentials);
            }
            awaiting => {
                self.shell.awaiting = awaiting;
                self.shell.credentials = Some((grant_id, credentials));
            }
        }
    }

    /// No elevated shells in this build: the credentials are dropped with the message.
    #[cfg(not(unix))]
    pub(super) fn elevation_credentials(&mut self, grant_id: GrantId, _: String, _: Secret) {
        tracing::warn!(
            ?grant_id,
            "credentials for an elevated shell this build cannot run, dropped"
        );
    }

    /// The start of the elevated shell for `grant`: pkexec at once, or `su` with the
    /// credentials (kept already, or awaited for [`CREDENTIALS_WAIT`]). Resolves to the
    /// running shell or the reason, which never holds the password.
    #[cfg(unix)]
    fn elevating(
        &mut self,
        grant: GrantId,
        elevation: &Elevation,
    ) -> crate::shell::link::Elevating {
        use crate::elevate::{self, ElevateOptions, Method};
        use crate::shell::link::{START_COLS, START_ROWS};
        use switchboard_protocol::ElevationMethod;
        let mut options = ElevateOptions::new(START_ROWS, START_COLS);
        options.run_as = self.config.elevate_run_as.clone();
        if elevation.method == ElevationMethod::PromptCustomer {
            return Box::pin(async move {
                elevate::start(Method::PromptCustomer, options)
                    .await
                    .map_err(|error| error.to_string())
            });
        }
        let (link, credentials) = tokio::sync::oneshot::channel();
        match self.shell.credentials.take() {
            Some((kept, ready)) if kept == grant => {
                let _ = link.send(ready);
            }
            other => {
                self.shell.credentials = other;
                self.shell.awaiting = Some((grant, link));
            }
        }
        Box::pin(async move {
            let credentials = match tokio::time::timeout(CREDENTIALS_WAIT, credentials).await {
                Ok(Ok(credentials)) => credentials,
                Ok(Err(_)) => return Err("the credentials never reached this computer".into()),
                Err(_) => {
                    return Err(format!(
                        "the credentials did not reach this computer within {} s",
                        CREDENTIALS_WAIT.as_secs()
                    ));
                }
            };
            let Credentials {
                username,
                password,
                guard,
            } = credentials;
            let method = Method::SpecificUser { username, password };
            elevate::start(method, options).await.map_err(|error| {
                let reason = error.to_string();
                if guard.occurs_in(reason.as_bytes()) {
                    "the elevation tool refused (its words are not passed on: they held the \
                     password)"
                        .to_owned()
                } else {
                    reason
                }
            })
        })
    }

    /// Runs the link for `grant` with `token` (an elevated shell's if `elevation`); its end
    /// carries the customer's words.
    #[cfg(unix)]
    fn spawn_link(
        &mut self,
        token: String,
        grant: GrantId,
        elevation: Option<Elevation>,
    ) -> JoinHandle<Finished> {
        use crate::shell::ShellConfig;
        use crate::shell::link::{self, LinkEnd, LinkError, START_COLS, START_ROWS, Start};
        let url = crate::publish::media_url(&self.config.server);
        let share = self.shared.share.subscribe();
        let start = match &elevation {
            Some(elevation) => Start::Elevated(self.elevating(grant, elevation)),
            None => Start::Shell(ShellConfig::login_shell(START_ROWS, START_COLS)),
        };
        tokio::spawn(async move {
            let ended = link::run_with(&url, &token, grant, share, start).await;
            tracing::debug!(?grant, ?ended, "the shell's link ended");
            let words = match ended {
                Ok(LinkEnd::Exited(code)) => {
                    return Finished {
                        exited: Some(code),
                        words: Some("The command shell ended.".to_owned()),
                        elevation_failed: None,
                    };
                }
                Err(LinkError::Elevation(reason)) => {
                    let user = elevation.map(|e| e.user).unwrap_or_default();
                    return Finished {
                        exited: None,
                        words: Some(format!(
                            "The administrator shell ({user}) could not start: {reason}"
                        )),
                        elevation_failed: Some(reason),
                    };
                }
                Ok(LinkEnd::Revoked) => None,
                Ok(LinkEnd::Closed(Some(crate::publish::CLOSE_REVOKED))) => None,
                Ok(LinkEnd::Closed(_)) => {
                    Some("The command shell was closed: the server ended its connection.".into())
                }
                Err(LinkError::Start(error)) => {
                    Some(format!("The command shell could not start: {error}"))
                }
                Err(error) => Some(format!("The command shell was closed: {error}")),
            };
            Finished::other(words)
        })
    }

    /// No shell engine in this build (requests are denied before this; a grant that comes
    /// anyway ends at once with the reason).
    #[cfg(not(unix))]
    fn spawn_link(
        &mut self,
        _token: String,
        _grant: GrantId,
        _elevation: Option<Elevation>,
    ) -> JoinHandle<Finished> {
        tokio::spawn(async { Finished::other(super::super::SHELL_UNAVAILABLE.map(str::to_owned)) })
    }
}
