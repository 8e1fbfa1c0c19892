//! Team leads supervising a session of a team they lead: monitoring it without joining
//! (`monitor_session`, `stop_monitoring`), whispering to one rep in it (`whisper`, in
//! `supervision/whisper.rs`), and taking it over (`take_over`).
//!
//! Who may: a rep with `permissions.lead` who is in one of the session's teams
//! ([`super::files::session_teams`], the same teams whose leads may read its files), and
//! who has the request's own permission (`monitor`, `whisper`, `take_over`). Everyone else
//! is refused `forbidden`, whatever the session.
//!
//! Monitors are live state (`Session.monitors`, never stored): the customer is never told,
//! they do not count against `max_sessions`, and they stop when the lead's console is gone
//! past the grace period, when the session ends, or when the lead joins or takes it over.
//! While someone in the session may see the customer's screen, its monitors may watch it
//! too (view only: `grants::media_access`, `open_media`).

mod whisper;

pub use whisper::rep_sees_message;

use super::effects::Effect;
use super::files::leads_session_team;
use super::state::Session;
use super::{Reply, Router, refuse};
use switchboard_protocol::{
    Author, ChatMessage, ErrorBody, ErrorCode, LeftReason, Permissions, PreviousOwner, RepEvent,
    RepId, SessionId, Visibility,
};

/// What a lead asks to do with a session: each has its own permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Supervising {
    Monitor,
    Whisper,
    TakeOver,
}

impl Supervising {
    fn permitted(self, permissions: &Permissions) -> bool {
        match self {
            Supervising::Monitor => permissions.monitor,
            Supervising::Whisper => permissions.whisper,
            Supervising::TakeOver => permissions.take_over,
        }
    }

    /// The verb, for refusals ("You are not permitted to monitor sessions.").
    fn verb(self) -> &'static str {
        match self {
            Supervising::Monitor => "monitor",
            Supervising::Whisper => "whisper in",
            Supervising::TakeOver => "take over",
        }
    }
}

impl Router {
    /// The session, which `lead` must supervise: a team lead of one of its teams, with the
    /// permission `what` needs. `not_found` / `session_ended` first, then `forbidden`.
    fn supervised_session(
        &self,
        lead: &RepId,
        session_id: SessionId,
        what: Supervising,
    ) -> Result<&Session, ErrorBody> {
        let session = self.session(session_id)?;
        let Some(config) = self.config.reps.get(lead).filter(|r| r.permissions.lead) else {
            return Err(refuse(
                ErrorCode::Forbidden,
                format!("Only a team lead can {} a session.", what.verb()),
            ));
        };
        if !leads_session_team(&self.config, session, lead) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "This session belongs to a team you do not lead.",
            ));
        }
        if !what.permitted(&config.permissions) {
            return Err(refuse(
                ErrorCode::Forbidden,
                format!("You are not permitted to {} sessions.", what.verb()),
            ));
        }
        Ok(session)
    }

    /// The session, which `rep` must be in or monitor (what `load_chat` needs).
    pub(super) fn watched_session(
        &self,
        rep: &RepId,
        session_id: SessionId,
    ) -> Result<&Session, ErrorBody> {
        let session = self.session(session_id)?;
        if session.has_rep(rep) || session.monitors.contains(rep) {
            Ok(session)
        } else {
            Err(refuse(
                ErrorCode::NotInSession,
                "You are not in this session.",
            ))
        }
    }

    /// The sessions `rep` monitors, in id order. Only reps who may monitor are looked for,
    /// so other reps' snapshots do not scan every session.
    pub(super) fn monitored_by(&self, rep: &RepId) -> Vec<SessionId> {
        let may_monitor = self
            .config
            .reps
            .get(rep)
            .is_some_and(|r| r.permissions.monitor);
        if !may_monitor {
            return Vec::new();
        }
        self.sessions
            .values()
            .filter(|s| s.monitors.contains(rep))
            .map(|s| s.id)
            .collect()
    }

    pub(super) fn monitor_session(&mut self, lead: &RepId, session_id: SessionId) -> Reply {
        let session = self.supervised_session(lead, session_id, Supervising::Monitor)?;
        if session.has_rep(lead) {
            return Err(refuse(
                ErrorCode::AlreadyInSession,
                "You are in this session already.",
            ));
        }
        if session.monitors.contains(lead) {
            return Err(refuse(
                ErrorCode::AlreadyInSession,
                "You are monitoring this session already.",
            ));
        }
        if let Some(session) = self.session_mut(session_id) {
            session.monitors.push(lead.clone());
        }
        let view = self.session_view(&self.sessions[&session_id], lead);
        self.tell_rep(lead, RepEvent::SessionJoined { view });
        self.monitor_media_changed(session_id);
        let name = self.config.rep_name(lead);
        self.monitoring_note(session_id, lead, format!("{name} started monitoring."));
        self.announce_session_update(session_id, None);
        Ok(None)
    }

    pub(super) fn stop_monitoring(&mut self, lead: &RepId, session_id: SessionId) -> Reply {
        if !self.session(session_id)?.monitors.contains(lead) {
            return Err(refuse(
                ErrorCode::NotInSession,
                "You are not monitoring this session.",
            ));
        }
        self.end_monitoring(session_id, lead, LeftReason::Left);
        Ok(None)
    }

    /// Every session `lead` monitors stops being monitored by them (their console is gone
    /// past the grace period).
    pub(super) fn stop_all_monitoring(&mut self, lead: &RepId) {
        for session_id in self.monitored_by(lead) {
            self.end_monitoring(session_id, lead, LeftReason::ConnectionLost);
        }
    }

    /// `lead` stops monitoring the session: told with `session_left`, noted, announced.
    fn end_monitoring(&mut self, session_id: SessionId, lead: &RepId, reason: LeftReason) {
        let Some(session) = self.session_mut(session_id) else {
            return;
        };
        let before = session.monitors.len();
        session.monitors.retain(|m| m != lead);
        if session.monitors.len() == before {
            return;
        }
        self.tell_rep(lead, RepEvent::SessionLeft { session_id, reason });
        self.monitor_media_changed(session_id);
        let name = self.config.rep_name(lead);
        self.monitoring_note(session_id, lead, format!("{name} stopped monitoring."));
        self.announce_session_update(session_id, None);
    }

    /// The session's monitors changed: while someone in it may see the screen, the monitors
    /// may too (view only, `grants::media_access`), so the relay is told the new access.
    pub(super) fn monitor_media_changed(&mut self, session_id: SessionId) {
        let Some(session) = self.sessions.get(&session_id) else {
            return;
        };
        let viewers = super::grants::media_access(session);
        if viewers.values().any(|r| r.view) {
            self.emit(Effect::MediaAccess {
                session_id,
                viewers,
            });
        }
    }

    /// The history's line about a lead starting or stopping to monitor: a rep-only note the
    /// reps read, or, when the server keeps monitoring from them (`announce_monitoring =
    /// false`), a system whisper to the lead alone, so the audit trail exists all the same.
    fn monitoring_note(&mut self, session_id: SessionId, lead: &RepId, text: String) {
        if self.config.supervision.announce_monitoring {
            self.note(session_id, text);
            return;
        }
        let Some(session) = self.sessions.get(&session_id) else {
            return;
        };
        // Bounded like every system line: at the cap the line is left out, not the change.
        if session.chat.len() >= self.config.limits.max_messages_per_session {
            return;
        }
        let message = ChatMessage {
            id: self.next_message_id(),
            session_id,
            author: Author::System,
            text,
            visibility: Visibility::Whisper,
            at: self.now,
            client_msg_id: None,
            attachment: None,
            whisper_to: Some(lead.clone()),
        };
        self.add_chat(message);
    }

    pub(super) fn take_over(
        &mut self,
        lead: &RepId,
        session_id: SessionId,
        previous_owner: PreviousOwner,
    ) -> Reply {
        let session = self.supervised_session(lead, session_id, Supervising::TakeOver)?;
        let Some(previous) = session.owner.clone().filter(|_| session.waiting.is_none()) else {
            return Err(refuse(
                ErrorCode::NotActive,
                "This session waits in a queue; nobody owns it to take it from. Accept it instead.",
            ));
        };
        if &previous == lead {
            return Err(refuse(
                ErrorCode::AlreadyTaken,
                "You own this session already.",
            ));
        }
        let in_it = session.has_rep(lead);
        if !in_it {
            self.check_capacity(lead)?;
        }
        // Ownership leaves the previous owner: their invitations disappear (seed 002).
        self.drop_session_invitations(session_id);
        if !in_it {
            // Joining also ends monitoring: the lead is in the session now.
            self.join_session(session_id, lead, false);
        }
        if let Some(session) = self.session_mut(session_id) {
            session.owner = Some(lead.clone());
        }
        let name = self.config.rep_name(lead);
        let from = self.config.rep_name(&previous);
        self.note(
            session_id,
            format!("{name} took over the session from {from}."),
        );
        if previous_owner == PreviousOwner::Leave {
            self.remove_participant(session_id, &previous, LeftReason::TakenOver);
        }
        self.announce_session_update(session_id, None);
        self.persist_session(session_id);
        Ok(None)
    }
}
