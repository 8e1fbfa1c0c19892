//! Remote support grants as session state: what the customer's side can share, ending
//! grants (one, a rep's, or all of a session's) with the reason, the prompt deadline, and
//! telling everyone once a session's grants changed: every rep in the session
//! (`session_updated`), the customer (`remote_updated`), the store, and the media relay
//! (`Effect::MediaAccess`). The requests that drive them are in `remote.rs`; the words of
//! the chat lines in `remote_text.rs`.
//!
//! Invariants kept here: no grant is live while its rep is out of the session, while the
//! customer is not connected, or once the session ended; at most one `screen_control` is
//! `granted` (see `remote.rs`); the list stays within `MAX_LISTED_GRANTS` unless more than
//! that are live (a live grant is never dropped).

use super::Router;
use super::effects::{Effect, MediaRights};
use super::remote_text;
use super::state::Session;
use std::collections::BTreeMap;
use switchboard_protocol::{
    Capability, ClientKind, CustomerServerMessage, GrantEnd, GrantId, GrantInfo, GrantState,
    MAX_LISTED_GRANTS, RemoteInfo, RepId, ScreenSource, SessionId, SessionKind, UnixMillis,
};

/// What the customer's side can share: the native client its desktop, a [Browser]
/// session's page its tab, anything else (and a customer not connected) nothing.
pub fn screen_source(session: &Session) -> ScreenSource {
    if !session.customer_connected || session.customer_gone || session.ended_at.is_some() {
        return ScreenSource::None;
    }
    match (session.client, session.kind) {
        (ClientKind::Native, _) => ScreenSource::Desktop,
        (ClientKind::Web, SessionKind::Browser) => ScreenSource::Tab,
        (ClientKind::Web, _) => ScreenSource::None,
    }
}

/// What the session's lines call the thing shared: a [Browser] session's web customer
/// shares the page, anyone else the screen (whether or not connected now).
pub fn shared_thing(session: &Session) -> remote_text::Shared {
    match (session.client, session.kind) {
        (ClientKind::Web, SessionKind::Browser) => remote_text::Shared::Page,
        _ => remote_text::Shared::Screen,
    }
}

/// The session's remote support state as reps see it in `SessionInfo.remote`.
pub fn remote_info(session: &Session) -> RemoteInfo {
    RemoteInfo {
        source: screen_source(session),
        grants: session.grants.list.clone(),
        platform: session.platform,
        jump: session.jump,
        elevation: session.elevation.clone(),
    }
}

/// What each rep with a granted grant may do on the session's media now (reps with nothing
/// granted are left out). The leads monitoring the session see the screen whenever someone
/// in it may (view only: never control, never the shell).
pub fn media_access(session: &Session) -> BTreeMap<RepId, MediaRights> {
    let mut rights: BTreeMap<RepId, MediaRights> = BTreeMap::new();
    for grant in &session.grants.list {
        if grant.state == GrantState::Granted {
            let rep = rights.entry(grant.rep.clone()).or_default();
            match grant.capability {
                Capability::ScreenView => rep.view = true,
                Capability::ScreenControl => {
                    rep.view = true;
                    rep.control = true;
                }
                Capability::Shell => rep.shell = Some(grant.grant_id),
            }
        }
    }
    if rights.values().any(|r| r.view) {
        for monitor in &session.monitors {
            rights.entry(monitor.clone()).or_default().view = true;
        }
    }
    rights
}

/// Drops the oldest ended grants until the list is within [`MAX_LISTED_GRANTS`] (or only
/// live ones are left).
fn prune(list: &mut Vec<GrantInfo>) {
    while list.len() > MAX_LISTED_GRANTS {
        let Some(oldest_ended) = list.iter().position(|g| !g.state.is_live()) else {
            return;
        };
        list.remove(oldest_ended);
    }
}

impl Router {
    /// Adds a new grant (a request) to the session's list and returns it.
    pub(super) fn add_grant(
        &mut self,
        session_id: SessionId,
        rep: &RepId,
        capability: Capability,
        now: UnixMillis,
    ) -> Option<GrantInfo> {
        let deadline = now + self.config.settings.remote_prompt_secs * 1000;
        let rep_name = self.config.rep_name(rep);
        let session = self.sessions.get_mut(&session_id)?;
        session.grants.next_id = session.grants.next_id.max(1);
        let grant = GrantInfo {
            grant_id: GrantId(session.grants.next_id),
            rep: rep.clone(),
            rep_name,
            capability,
            state: GrantState::Prompting,
            requested_at: now,
            deadline,
            ended: None,
            elevation: None,
        };
        session.grants.next_id += 1;
        session.grants.list.push(grant.clone());
        self.prompt_deadlines
            .insert((deadline, session_id, grant.grant_id));
        Some(grant)
    }

    /// Moves a live grant to `state` (`granted`, or a final one with `ended` for
    /// `stopped`). Returns the grant as it was before, or `None` if it was not live.
    pub(super) fn set_grant(
        &mut self,
        session_id: SessionId,
        grant_id: GrantId,
        state: GrantState,
        ended: Option<GrantEnd>,
    ) -> Option<GrantInfo> {
        let session = self.sessions.get_mut(&session_id)?;
        let grant = session
            .grants
            .list
            .iter_mut()
            .find(|g| g.grant_id == grant_id && g.state.is_live())?;
        let before = grant.clone();
        grant.state = state;
        grant.ended = ended;
        Some(before)
    }

    /// The session's live grants matching `pick`, as they are.
    pub(super) fn live_grants(
        &self,
        session_id: SessionId,
        pick: impl Fn(&GrantInfo) -> bool,
    ) -> Vec<GrantInfo> {
        self.sessions.get(&session_id).map_or_else(Vec::new, |s| {
            s.grants
                .list
                .iter()
                .filter(|g| g.state.is_live() && pick(g))
                .cloned()
                .collect()
        })
    }

    /// Stops every live grant of `rep` in the session (they are leaving it), with one
    /// public line. Changes nothing (and says nothing) if they had none.
    pub(super) fn end_rep_grants(&mut self, session_id: SessionId, rep: &RepId, end: GrantEnd) {
        let live = self.live_grants(session_id, |g| &g.rep == rep);
        if live.is_empty() {
            return;
        }
        for grant in &live {
            self.set_grant(session_id, grant.grant_id, GrantState::Stopped, Some(end));
        }
        let name = self.config.rep_name(rep);
        let what = self.shared_in(session_id);
        self.public_note(session_id, remote_text::rep_gone(&name, &live, what));
        self.grants_changed(session_id);
    }

    /// What the session's lines call the thing shared ([`shared_thing`]).
    pub(super) fn shared_in(&self, session_id: SessionId) -> remote_text::Shared {
        self.sessions
            .get(&session_id)
            .map_or(remote_text::Shared::Screen, shared_thing)
    }

    /// Stops every live grant of the session, with one public line. Changes nothing if
    /// none was live.
    pub(super) fn end_all_grants(&mut self, session_id: SessionId, end: GrantEnd) {
        let live = self.live_grants(session_id, |_| true);
        if live.is_empty() {
            return;
        }
        for grant in &live {
            self.set_grant(session_id, grant.grant_id, GrantState::Stopped, Some(end));
        }
        let what = self.shared_in(session_id);
        self.public_note(session_id, remote_text::all_ended(end, &live, what));
        self.grants_changed(session_id);
    }

    /// A session's grants changed: keep the list bounded, store the session, and tell the
    /// reps in it, the customer and the media relay.
    pub(super) fn grants_changed(&mut self, session_id: SessionId) {
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        prune(&mut session.grants.list);
        let grants = session.grants.list.clone();
        let viewers = media_access(session);
        self.drop_spent_credentials();
        self.persist_session(session_id);
        self.announce_session_update(session_id, None);
        self.tell_customer(session_id, CustomerServerMessage::RemoteUpdated { grants });
        self.emit(Effect::MediaAccess {
            session_id,
            viewers,
        });
    }

    /// Requests nobody answered in time count as denied (`timed_out`).
    pub(super) fn expire_prompts(&mut self, now: UnixMillis) {
        self.drop_spent_credentials();
        while let Some(&(deadline, session_id, grant_id)) = self.prompt_deadlines.first() {
            if deadline > now {
                break;
            }
            self.prompt_deadlines.pop_first();
            let still_prompting = self.sessions.get(&session_id).is_some_and(|s| {
                s.grants.list.iter().any(|g| {
                    g.grant_id == grant_id
                        && g.state == GrantState::Prompting
                        && g.deadline == deadline
                })
            });
            if !still_prompting {
                continue;
            }
            if let Some(grant) = self.set_grant(session_id, grant_id, GrantState::TimedOut, None) {
                let what = self.shared_in(session_id);
                self.public_note(session_id, remote_text::timed_out(&grant, what));
                self.grants_changed(session_id);
            }
        }
        // Sessions restored with live grants: those ended at the restart (their customer's
        // connection was gone); say so now that effects can be sent.
        for session_id in std::mem::take(&mut self.restart_revoked) {
            if let Some(session) = self.sessions.get(&session_id) {
                let ended: Vec<GrantInfo> = session
                    .grants
                    .list
                    .iter()
                    .filter(|g| g.ended == Some(GrantEnd::CustomerDisconnected))
                    .cloned()
                    .collect();
                let what = self.shared_in(session_id);
                self.public_note(
                    session_id,
                    remote_text::all_ended(GrantEnd::CustomerDisconnected, &ended, what),
                );
                self.grants_changed(session_id);
            }
        }
    }
}

/// At a restart no customer is connected: every grant still live in a restored session
/// ends (`customer_disconnected`), as it would have had the connection dropped. Returns
/// whether any did, so the router can say so at its first tick.
pub fn end_at_restart(session: &mut Session) -> bool {
    let mut any = false;
    for grant in &mut session.grants.list {
        if grant.state.is_live() {
            grant.state = GrantState::Stopped;
            grant.ended = Some(GrantEnd::CustomerDisconnected);
            any = true;
        }
    }
    any
}
