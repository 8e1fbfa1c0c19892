//! Working a session beyond chat: asking a team lead for assistance (and the lead stepping
//! in), files shared in the chat, and which earlier chats a session may show.

use super::state::{AssistanceAsk, Session};
use super::{Reply, Router, hash_secret, refuse};
use crate::config::Config;
use std::collections::BTreeSet;
use switchboard_protocol::{
    AssistanceRequest, Attachment, Author, ChatMessage, ErrorBody, ErrorCode, OkResult, QueueRef,
    RepEvent, RepId, SessionId, TeamId, UnixMillis, Visibility,
};

/// Who shares a file in a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSender {
    Rep(RepId),
    /// The customer, proven by their reconnect token.
    Customer {
        token: String,
    },
}

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

    /// A lead steps into a session whose rep asked for assistance.
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
        let already_in = session.has_rep(lead);
        let Some(ask) = &session.assistance else {
            return Err(refuse(
                ErrorCode::NotFound,
                "Nobody in this session asked for assistance (any more).",
            ));
        };
        if !self.config.share_a_team(lead, &ask.rep) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "This session belongs to a team you do not lead.",
            ));
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

    /// A file someone in the session shared (the bytes are already stored): a chat entry
    /// both sides see.
    pub(super) fn share_file(
        &mut self,
        now: UnixMillis,
        sender: FileSender,
        session_id: SessionId,
        attachment: Attachment,
    ) -> Reply {
        self.may_share_file(&sender, session_id)?;
        let session = self.session(session_id)?;
        let author = match &sender {
            FileSender::Rep(rep) => Author::Rep {
                rep: rep.clone(),
                name: self.config.rep_name(rep),
            },
            FileSender::Customer { .. } => Author::Customer {
                name: session.customer.name.clone(),
            },
        };
        let message = ChatMessage {
            id: self.next_message_id(),
            session_id,
            author,
            text: attachment.name.clone(),
            visibility: Visibility::Public,
            at: now,
            client_msg_id: None,
            attachment: Some(attachment),
        };
        self.add_chat(message.clone());
        Ok(Some(OkResult::Chat { message }))
    }

    /// Whether `sender` may share a file in live session `session_id` now: a rep in it, or
    /// its customer (by token) while they may still chat. Asked before an upload's body is
    /// read, and again when the stored file becomes a chat entry.
    pub fn may_share_file(
        &self,
        sender: &FileSender,
        session_id: SessionId,
    ) -> Result<(), ErrorBody> {
        let session = self.session(session_id)?;
        match sender {
            FileSender::Rep(rep) if !session.has_rep(rep) => Err(refuse(
                ErrorCode::NotInSession,
                "You are not in this session.",
            )),
            FileSender::Customer { token } if session.customer_token_hash != hash_secret(token) => {
                Err(refuse(
                    ErrorCode::Unauthorized,
                    "This chat does not accept files from you.",
                ))
            }
            FileSender::Customer { .. } if session.customer_gone => {
                Err(refuse(ErrorCode::SessionEnded, "This chat is over."))
            }
            _ => Ok(()),
        }
    }

    /// Whether `rep` may download the files of live session `session_id` (see
    /// [`may_read_files`]); `None` when the session is not in memory (ended: ask the store).
    pub fn rep_may_read_files(&self, rep: &RepId, session_id: SessionId) -> Option<bool> {
        self.sessions
            .get(&session_id)
            .map(|session| may_read_files(&self.config, session, rep))
    }

    /// Whether `token` is the customer token of live session `session_id`; `None` when the
    /// session is not in memory (ended: ask the store).
    pub fn customer_token_matches(&self, session_id: SessionId, token: &str) -> Option<bool> {
        self.sessions
            .get(&session_id)
            .map(|s| s.customer_token_hash == hash_secret(token))
    }

    /// Checks a rep's "Load older messages": the contact whose ended chats to read.
    pub fn history_contact(&self, rep: &RepId, session_id: SessionId) -> Result<String, ErrorBody> {
        let session = self.rep_session(rep, session_id)?;
        session.customer.contact.clone().ok_or_else(|| {
            refuse(
                ErrorCode::NotFound,
                "This customer gave no contact, so there are no earlier chats to show.",
            )
        })
    }

    /// Whether ended chats with this contact exist.
    pub(super) fn has_history(&self, session: &Session) -> bool {
        session
            .customer
            .contact
            .as_ref()
            .is_some_and(|c| self.ended_contacts.get(c).is_some_and(|n| *n > 0))
    }

    /// Counts an ended session towards its contact's history.
    pub(super) fn remember_ended_contact(&mut self, session_id: SessionId) {
        if let Some(contact) = self
            .sessions
            .get(&session_id)
            .and_then(|s| s.customer.contact.clone())
        {
            *self.ended_contacts.entry(contact).or_default() += 1;
        }
    }
}

/// Whether `rep` may download the files of `session` (live or ended): a rep who is or was
/// in it, or a team lead of its team. Its teams are those of the team queues it was in and
/// of its issue; a session that never was in a team queue belongs to the teams of the reps
/// who were in it.
pub fn may_read_files(config: &Config, session: &Session, rep: &RepId) -> bool {
    let chat_authors = session.chat.iter().filter_map(|m| match &m.author {
        Author::Rep { rep, .. } => Some(rep),
        _ => None,
    });
    // Chat authors and queue hops: evidence kept by sessions stored before `ever_joined`.
    let mut were_in = session
        .participants
        .iter()
        .chain(&session.ever_joined)
        .chain(chat_authors)
        .chain(session.history.iter().filter_map(|hop| hop.by.as_ref()));
    if were_in.any(|r| r == rep) {
        return true;
    }
    let Some(reader) = config.reps.get(rep).filter(|r| r.permissions.lead) else {
        return false;
    };
    let mut teams: BTreeSet<&TeamId> = std::iter::once(&session.home_queue)
        .chain(session.history.iter().map(|hop| &hop.queue))
        .filter_map(|queue| match queue {
            QueueRef::Team { team } => Some(team),
            _ => None,
        })
        .chain(
            session
                .issue
                .as_ref()
                .and_then(|issue| config.issues.get(issue))
                .map(|issue| &issue.team),
        )
        .collect();
    if teams.is_empty() {
        teams = session
            .participants
            .iter()
            .chain(&session.ever_joined)
            .filter_map(|r| config.reps.get(r))
            .flat_map(|r| &r.teams)
            .collect();
    }
    reader.teams.iter().any(|team| teams.contains(team))
}
