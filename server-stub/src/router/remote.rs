//! Remote support's requests (docs/PROTOCOL.md §5, §7 "Remote support", §9): a rep asks
//! for a capability, the customer answers, either side stops, and `open_media` mints the
//! ticket for `/ws/media`. Each checks everything before it changes anything, in the
//! order the errors are documented:
//!
//! - **permission**: the rep's `screen` setting allows the capability, or for the shell their
//!   `shell` setting (`forbidden`);
//! - **source**: the customer's side offers it (`remote_unavailable`: web chat, a browser
//!   tab asked for control, not connected);
//! - **one controller**: a participant may not ask for control while another rep controls
//!   or asks to (`remote_unavailable`); the owner may, and once the customer allows, the
//!   other rep's control ends (`control_taken`); one shell: nobody may ask for the shell while
//!   another rep has it or asks for it (`remote_unavailable`);
//! - **consent**: a request is `prompting` until the customer answers or the prompt time
//!   passes (`grants.rs` times it out).

use super::effects::{Effect, MediaHolder};
use super::grants::screen_source;
use super::{Reply, Router, refuse, remote_text};
use switchboard_protocol::{
    Capability, ErrorCode, GrantEnd, GrantId, GrantState, MediaChannel, MediaTicket, OkResult,
    RepId, ScreenSource, SessionId, UnixMillis,
};

/// How long a media ticket may wait for its socket.
pub const MEDIA_TICKET_SECS: u64 = 60;

impl Router {
    pub(super) fn request_remote(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        capability: Capability,
    ) -> Reply {
        self.check_remote_request(rep, session_id, capability, false)?;
        self.open_request(now, rep, session_id, capability, None)
    }

    /// Every check of a request for `capability` (see the module's list), in the order the
    /// errors are documented; `elevating`: an `elevate_shell`, which needs the `elevate`
    /// permission besides `shell`. Changes nothing.
    pub(super) fn check_remote_request(
        &self,
        rep: &RepId,
        session_id: SessionId,
        capability: Capability,
        elevating: bool,
    ) -> Result<(), switchboard_protocol::ErrorBody> {
        let session = self.rep_session(rep, session_id)?;
        if session.waiting.is_some() || session.owner.is_none() {
            return Err(refuse(
                ErrorCode::NotActive,
                "This session waits in a queue; remote support starts once someone owns it.",
            ));
        }
        let permissions = self.config.reps.get(rep).map(|r| &r.permissions);
        let permission = permissions.map(|p| p.screen).unwrap_or_default();
        if capability == Capability::Shell {
            if !permissions.is_some_and(|p| p.shell) {
                return Err(refuse(
                    ErrorCode::Forbidden,
                    "You are not permitted to open a shell on customers' computers.",
                ));
            }
            if elevating && !permissions.is_some_and(|p| p.elevate) {
                return Err(refuse(
                    ErrorCode::Forbidden,
                    "You are not permitted to open an administrator's shell on customers' computers.",
                ));
            }
        } else if !permission.allows(capability) {
            return Err(refuse(
                ErrorCode::Forbidden,
                if permission.allows(Capability::ScreenView) {
                    "You may view a customer's screen but not control it."
                } else {
                    "You are not permitted to view customers' screens."
                },
            ));
        }
        let source = screen_source(session);
        if !source.offers(capability) {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                match source {
                    _ if !session.customer_connected || session.customer_gone => {
                        "The customer is not connected."
                    }
                    ScreenSource::None => "The customer is in web chat.",
                    ScreenSource::Tab if capability == Capability::Shell => {
                        "A command shell needs the customer client; the customer is in a browser."
                    }
                    ScreenSource::Tab => "A browser tab can be viewed, not controlled.",
                    ScreenSource::Desktop => "The customer's side cannot do this.",
                },
            ));
        }
        let is_owner = session.is_owner(rep);
        if let Some(mine) = session
            .grants
            .list
            .iter()
            .find(|g| &g.rep == rep && g.capability == capability && g.state.is_live())
        {
            return Err(refuse(
                ErrorCode::AlreadyInSession,
                if mine.state == GrantState::Granted {
                    "The customer already allowed this."
                } else {
                    "You already asked; the customer has not answered yet."
                },
            ));
        }
        if capability == Capability::ScreenControl && !is_owner {
            let other = session.grants.list.iter().find(|g| {
                &g.rep != rep && g.capability == Capability::ScreenControl && g.state.is_live()
            });
            if let Some(other) = other {
                return Err(refuse(
                    ErrorCode::RemoteUnavailable,
                    if other.state == GrantState::Granted {
                        format!("{} is controlling the screen.", other.rep_name)
                    } else {
                        format!("{} is asking to control the screen.", other.rep_name)
                    },
                ));
            }
        }
        if capability == Capability::Shell {
            // One shell per session: the customer's machine runs one at a time.
            let other =
                session.grants.list.iter().find(|g| {
                    &g.rep != rep && g.capability == Capability::Shell && g.state.is_live()
                });
            if let Some(other) = other {
                return Err(refuse(
                    ErrorCode::RemoteUnavailable,
                    if other.state == GrantState::Granted {
                        format!("{} is using the command shell.", other.rep_name)
                    } else {
                        format!("{} is asking for the command shell.", other.rep_name)
                    },
                ));
            }
        }
        Ok(())
    }

    /// Adds a checked request as a `prompting` grant (an elevated shell's with its
    /// `elevation`), says so in the chat, grants it at once where a Jump Client's policy
    /// says so (never an elevated one), and tells everyone. Answers `grant`.
    pub(super) fn open_request(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        capability: Capability,
        elevation: Option<switchboard_protocol::Elevation>,
    ) -> Reply {
        let Some(mut grant) = self.add_grant(session_id, rep, capability, now) else {
            return Err(refuse(ErrorCode::NotFound, "No such session."));
        };
        if elevation.is_some() {
            grant.elevation = elevation;
            if let Some(listed) = self.sessions.get_mut(&session_id).and_then(|s| {
                s.grants
                    .list
                    .iter_mut()
                    .find(|g| g.grant_id == grant.grant_id)
            }) {
                listed.elevation = grant.elevation.clone();
            }
        }
        self.public_note(
            session_id,
            remote_text::requested(&grant, self.shared_in(session_id)),
        );
        // A Jump Client session under `no_prompt` or `notify`: granted without asking.
        self.grant_by_policy(session_id, &grant);
        self.grants_changed(session_id);
        Ok(Some(OkResult::Grant {
            grant_id: grant.grant_id,
        }))
    }

    pub(super) fn rep_stop_remote(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        grant_id: GrantId,
        keep_view: bool,
    ) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        let Some(grant) = session
            .grants
            .list
            .iter()
            .find(|g| g.grant_id == grant_id && g.state.is_live())
        else {
            return Err(refuse(
                ErrorCode::NotFound,
                format!("There is no live grant {grant_id} in this session."),
            ));
        };
        if &grant.rep != rep && !session.is_owner(rep) {
            return Err(refuse(
                ErrorCode::NotOwner,
                "Only the session owner can stop another representative's screen sharing.",
            ));
        }
        // Giving control back while viewing on: only the rep's own granted control, and
        // only if they are not viewing under a grant of its own already.
        let keeps_view = keep_view
            && &grant.rep == rep
            && grant.capability == Capability::ScreenControl
            && grant.state == GrantState::Granted
            && !session.grants.list.iter().any(|g| {
                &g.rep == rep && g.capability == Capability::ScreenView && g.state.is_live()
            });
        let Some(before) = self.set_grant(
            session_id,
            grant_id,
            GrantState::Stopped,
            Some(GrantEnd::RepStopped),
        ) else {
            return Ok(None);
        };
        if keeps_view {
            if let Some(view) = self.add_grant(session_id, rep, Capability::ScreenView, now) {
                self.set_grant(session_id, view.grant_id, GrantState::Granted, None);
            }
            self.public_note(
                session_id,
                remote_text::control_given_back(&before, self.shared_in(session_id)),
            );
        } else {
            let by = self.config.rep_name(rep);
            self.public_note(
                session_id,
                remote_text::rep_stopped(&before, &by, self.shared_in(session_id)),
            );
        }
        self.grants_changed(session_id);
        Ok(None)
    }

    /// The customer's answer to a prompting grant.
    pub(super) fn answer_remote(
        &mut self,
        session_id: SessionId,
        grant_id: GrantId,
        allow: bool,
    ) -> Reply {
        let session = self.session(session_id)?;
        let Some(grant) = session
            .grants
            .list
            .iter()
            .find(|g| g.grant_id == grant_id && g.state == GrantState::Prompting)
        else {
            return Err(refuse(
                ErrorCode::NotFound,
                "That request is no longer waiting for an answer.",
            ));
        };
        let grant = grant.clone();
        let state = if allow {
            GrantState::Granted
        } else {
            GrantState::Denied
        };
        self.set_grant(session_id, grant_id, state, None);
        self.public_note(
            session_id,
            remote_text::answered(&grant, allow, self.shared_in(session_id)),
        );
        if allow && grant.capability == Capability::ScreenControl {
            // One controller: this one replaces any other rep's control (granted or asked).
            self.control_taken_by(session_id, &grant);
        }
        // An elevated shell's credentials leave the router's memory with the allow (and are
        // dropped with a denial, by `grants_changed`).
        let credentials = if allow {
            self.elevation_credentials.remove(&(session_id, grant_id))
        } else {
            None
        };
        self.grants_changed(session_id);
        if let Some(credentials) = credentials {
            self.send_credentials(session_id, grant_id, credentials);
        }
        Ok(None)
    }

    /// The customer's Stop: one grant, or (`None`) everything live.
    pub(super) fn customer_stop_remote(
        &mut self,
        session_id: SessionId,
        grant_id: Option<GrantId>,
    ) -> Reply {
        let Some(grant_id) = grant_id else {
            self.end_all_grants(session_id, GrantEnd::CustomerStopped);
            return Ok(None);
        };
        let Some(before) = self.set_grant(
            session_id,
            grant_id,
            GrantState::Stopped,
            Some(GrantEnd::CustomerStopped),
        ) else {
            return Err(refuse(
                ErrorCode::NotFound,
                format!("There is no live grant {grant_id}."),
            ));
        };
        self.public_note(
            session_id,
            remote_text::customer_stopped_one(&before, self.shared_in(session_id)),
        );
        self.grants_changed(session_id);
        Ok(None)
    }

    /// `open_media` for a rep: the screen needs one of their screen grants granted, the
    /// shell their own granted `shell`.
    pub(super) fn rep_open_media(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        channel: MediaChannel,
    ) -> Reply {
        let session = self.watched_session(rep, session_id)?;
        let granted = if session.has_rep(rep) {
            session.grants.list.iter().any(|g| {
                &g.rep == rep && g.state == GrantState::Granted && fits(channel, g.capability)
            })
        } else {
            // A monitoring lead watches the screen while someone in the session may see it.
            channel == MediaChannel::Screen
                && super::grants::media_access(session)
                    .get(rep)
                    .is_some_and(|r| r.view)
        };
        if !granted {
            return Err(refuse(
                ErrorCode::Forbidden,
                match channel {
                    MediaChannel::Screen => "The customer has not allowed you to see their screen.",
                    MediaChannel::Shell => "The customer has not allowed you a command shell.",
                },
            ));
        }
        Ok(Some(self.mint_ticket(
            now,
            session_id,
            MediaHolder::Rep(rep.clone()),
            channel,
        )))
    }

    /// `open_media` for the customer: needs a grant of that channel granted to someone.
    pub(super) fn customer_open_media(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        channel: MediaChannel,
    ) -> Reply {
        let session = self.session(session_id)?;
        let granted = session
            .grants
            .list
            .iter()
            .any(|g| g.state == GrantState::Granted && fits(channel, g.capability));
        if !granted {
            return Err(refuse(
                ErrorCode::Forbidden,
                match channel {
                    MediaChannel::Screen => "Nobody is allowed to see your screen right now.",
                    MediaChannel::Shell => "Nobody is allowed a command shell right now.",
                },
            ));
        }
        Ok(Some(self.mint_ticket(
            now,
            session_id,
            MediaHolder::Customer,
            channel,
        )))
    }

    /// A fresh media token (256 bits from the router's generator, which a running server
    /// seeds from the OS's CSPRNG: `Router::use_os_entropy`), registered with the relay by
    /// the core once the batch is durable.
    fn mint_ticket(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        holder: MediaHolder,
        channel: MediaChannel,
    ) -> OkResult {
        use rand::Rng;
        let token = hex::encode(self.rng.random::<[u8; 32]>());
        let expires_at = now + MEDIA_TICKET_SECS * 1000;
        self.emit(Effect::IssueMediaTicket {
            token: token.clone(),
            session_id,
            holder,
            channel,
            expires_at,
        });
        OkResult::Media {
            ticket: MediaTicket { token, expires_at },
        }
    }
}

/// Whether a grant of `capability` opens a socket of `channel`.
fn fits(channel: MediaChannel, capability: Capability) -> bool {
    match channel {
        MediaChannel::Screen => capability.is_screen(),
        MediaChannel::Shell => capability == Capability::Shell,
    }
}
