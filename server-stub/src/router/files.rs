//! Files shared in a session's chat: who may share one (checked before the upload's
//! body is read), the chat entry it becomes, and who may download it afterwards; and the
//! teams a session belongs to, whose leads may read its files and supervise it.

use super::state::Session;
use super::{Reply, Router, refuse};
use crate::auth::hash_secret;
use crate::config::Config;
use std::collections::BTreeSet;
use switchboard_protocol::{
    Attachment, Author, ChatMessage, ErrorBody, ErrorCode, OkResult, QueueRef, RepId, SessionId,
    TeamId, UnixMillis, Visibility,
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
            whisper_to: None,
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
    leads_session_team(config, session, rep)
}

/// The teams a session belongs to: those of the team queues it was in and of its issue; a
/// session that never was in a team queue belongs to the teams of the reps who were in it.
/// Its team leads may read its files and supervise it (`router/supervision.rs`).
pub fn session_teams<'a>(config: &'a Config, session: &'a Session) -> BTreeSet<&'a TeamId> {
    let teams: BTreeSet<&TeamId> = std::iter::once(&session.home_queue)
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
    if !teams.is_empty() {
        return teams;
    }
    session
        .participants
        .iter()
        .chain(&session.ever_joined)
        .filter_map(|r| config.reps.get(r))
        .flat_map(|r| &r.teams)
        .collect()
}

/// Whether `rep` is a team lead (`permissions.lead`) of one of the session's teams
/// ([`session_teams`]).
pub fn leads_session_team(config: &Config, session: &Session, rep: &RepId) -> bool {
    let Some(lead) = config.reps.get(rep).filter(|r| r.permissions.lead) else {
        return false;
    };
    let teams = session_teams(config, session);
    lead.teams.iter().any(|team| teams.contains(team))
}
