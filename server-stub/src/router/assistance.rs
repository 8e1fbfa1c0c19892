//! Asking a team lead for assistance, and a lead stepping in (`join_session`): answering
//! the request, or joining any session of a team they lead.

use super::files::leads_session_team;
use super::state::{AssistanceAsk, Session};
use super::{Reply, Router, refuse};
use switchboard_protocol::{AssistanceRequest, ErrorCode, RepEvent, RepId, SessionId, UnixMillis};

impl Router {
    /// The leads who see `asker`'s assistance requests: leads sharing a team with them.
    fn leads_for(&self, asker: &RepId) -> Vec<RepId> {
        self.config
            .reps
            .values()
            .filter(|r| r.permissions.lead && self.config.share_a_team(&r.id, asker))
            .map(|r| r.id.clone())
            .collect()
    }

    fn assistance_request(&self, session: &Session) -> Option<AssistanceRequest> {
        let ask = session.assistance.as_ref()?;
        Some(AssistanceRequest {
            session: self.session_info(session),
            rep: ask.rep.clone(),
            at: ask.at,
        })
    }

    /// The open assistance requests a lead sees (empty for everyone else).
    pub(super) fn assistance_for(&self, lead: &RepId) -> Vec<AssistanceRequest> {
        if !self
            .config
            .reps
            .get(lead)
            .is_some_and(|r| r.permissions.lead)
        {
            return Vec::new();
        }
        self.sessions
            .values()
            .filter(|s| {
                s.assistance
                    .as_ref()
                    .is_some_and(|a| self.config.share_a_team(lead, &a.rep))
            })
            .filter_map(|s| self.assistance_request(s))
            .collect()
    }

    pub(super) fn set_assistance(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        needed: bool,
    ) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        if needed && self.leads_for(rep).is_empty() {
            return Err(refuse(
                ErrorCode::NotFound,
                "None of your teams has a team lead to ask.",
            ));
        }
        if session.assistance.is_some() == needed {
            return Ok(None);
        }
        if needed {
            if let Some(session) = self.session_mut(session_id) {
                session.assistance = Some(AssistanceAsk {
                    rep: rep.clone(),
                    at: now,
                });
            }
            let request = self
                .sessions
                .get(&session_id)
                .and_then(|s| self.assistance_request(s));
            if let Some(request) = request {
                for lead in self.leads_for(rep) {
                    self.tell_rep(
                        &lead,
                        RepEvent::AssistanceRequested {
                            request: request.clone(),
                        },
                    );
                }
            }
        } else {
            self.clear_assistance(session_id);
        }
        self.announce_session_update(session_id, None);
        self.persist_session(session_id);
        Ok(None)
    }

    /// Withdraws the session's assistance request, telling the leads who saw it.
    pub(super) fn clear_assistance(&mut self, session_id: SessionId) {
        let Some(ask) = self
            .session_mut(session_id)
            .and_then(|s| s.assistance.take())
        else {
            return;
        };
        for lead in self.leads_for(&ask.rep) {
            self.tell_rep(&lead, RepEvent::AssistanceCleared { session_id });
        }
    }

    /// `join_session`: a lead steps into a session of a team they lead, asked or not; or
    /// into any session whose rep (a member of a team they lead) asked for assistance. An
    /// open request is answered by it; a lead monitoring the session stops monitoring.
    pub(super) fn lead_joins(&mut self, lead: &RepId, session_id: SessionId) -> Reply {
        let is_lead = self
            .config
            .reps
            .get(lead)
            .is_some_and(|r| r.permissions.lead);
        if !is_lead {
            return Err(refuse(
                ErrorCode::Forbidden,
                "Only a team lead can step into a session.",
            ));
        }
        let session = self.session(session_id)?;
        let answers_ask = session
            .assistance
            .as_ref()
            .is_some_and(|ask| self.config.share_a_team(lead, &ask.rep));
        if !answers_ask && !leads_session_team(&self.config, session, lead) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "This session belongs to a team you do not lead.",
            ));
        }
        let already_in = session.has_rep(lead);
        if already_in && session.assistance.is_none() {
            return Err(refuse(
                ErrorCode::AlreadyInSession,
                "You are in this session already.",
            ));
        }
        if !already_in {
            self.check_capacity(lead)?;
        }
        // Cleared first, so the joining view and everyone's update already show it answered.
        self.clear_assistance(session_id);
        if already_in {
            // A lead already in the session answers the request by being there.
            self.announce_session_update(session_id, None);
        } else {
            self.join_session(session_id, lead, false);
        }
        self.persist_session(session_id);
        Ok(None)
    }
}
