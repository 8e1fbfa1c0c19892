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

use super::Actor;
use std::collections::BTreeSet;
use switchboard_protocol::{CustomerRequest, GrantId, MediaChannel, MediaTicket, RequestId};
use tokio::task::JoinHandle;

/// How a shell's link ended, for the actor.
pub(super) struct Finished {
    /// The shell exited by itself with this code (-1: no code); reported with
    /// `shell_exited`. `None`: it was stopped, or its socket ended it.
    exited: Option<i32>,
    /// The customer's words on it, if there are any to say.
    words: Option<String>,
}

impl Finished {
    /// Ended otherwise than by exiting, with these words (or none).
    fn other(words: Option<String>) -> Finished {
        Finished {
            exited: None,
            words,
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
                let task = self.spawn_link(ticket.token, grant);
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
        let (live, _) = self.shared.update(|view| view.stop(grant));
        if live {
            let request = match finished.exited {
                Some(code) => CustomerRequest::ShellExited {
                    grant_id: grant,
                    code,
                },
                None => CustomerRequest::StopRemote {
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

    /// Runs the link for `grant` with `token`; its end carries the customer's words.
    #[cfg(unix)]
    fn spawn_link(&self, token: String, grant: GrantId) -> JoinHandle<Finished> {
        use crate::shell::ShellConfig;
        use crate::shell::link::{self, LinkEnd, LinkError, START_COLS, START_ROWS};
        let url = crate::publish::media_url(&self.config.server);
        let share = self.shared.share.subscribe();
        tokio::spawn(async move {
            let config = ShellConfig::login_shell(START_ROWS, START_COLS);
            let ended = link::run(&url, &token, grant, share, config).await;
            tracing::debug!(?grant, ?ended, "the shell's link ended");
            let words = match ended {
                Ok(LinkEnd::Exited(code)) => {
                    return Finished {
                        exited: Some(code),
                        words: Some("The command shell ended.".to_owned()),
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
    fn spawn_link(&self, _token: String, _grant: GrantId) -> JoinHandle<Finished> {
        tokio::spawn(async { Finished::other(super::super::SHELL_UNAVAILABLE.map(str::to_owned)) })
    }
}
