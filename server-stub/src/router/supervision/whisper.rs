//! A team lead's whisper: a chat line in a session that only its author and one rep in the
//! session (`whisper_to`, by default the owner) read. Never the customer, never the other
//! reps or monitors: [`rep_sees_message`] is the one rule every place that hands chat to a
//! rep applies (delivery, session views, `load_chat`, "Load older messages").

use super::Supervising;
use crate::router::{Reply, Router, refuse, valid_chat_text, valid_client_id};
use switchboard_protocol::{
    Author, ChatMessage, ErrorCode, OkResult, RepId, SessionId, UnixMillis, Visibility,
};

/// Whether `rep` may read `message`: anything but a whisper, or a whisper they wrote or
/// that is for them.
pub fn rep_sees_message(message: &ChatMessage, rep: &RepId) -> bool {
    if message.visibility != Visibility::Whisper {
        return true;
    }
    let wrote_it = matches!(&message.author, Author::Rep { rep: author, .. } if author == rep);
    wrote_it || message.whisper_to.as_ref() == Some(rep)
}

impl Router {
    /// `whisper`: checked like `send_chat` (text, client id, retries, the session's cap and
    /// rate), stored before it is delivered (the `PutChat` effect comes first), delivered to
    /// the author and `whisper_to` only.
    pub(in crate::router) fn whisper(
        &mut self,
        now: UnixMillis,
        lead: &RepId,
        session_id: SessionId,
        client_msg_id: String,
        text: &str,
        to: Option<RepId>,
    ) -> Reply {
        let session = self.supervised_session(lead, session_id, Supervising::Whisper)?;
        if !session.has_rep(lead) && !session.monitors.contains(lead) {
            return Err(refuse(
                ErrorCode::NotInSession,
                "Monitor or join this session to whisper in it.",
            ));
        }
        let text = valid_chat_text(text)?;
        valid_client_id(&client_msg_id)?;
        // A retried whisper: answer with the message already kept, change nothing.
        if let Some(existing) = session.sent_message(Some(lead), &client_msg_id) {
            return Ok(Some(OkResult::Chat {
                message: existing.clone(),
            }));
        }
        let Some(to) = to.or_else(|| session.owner.clone()) else {
            return Err(refuse(
                ErrorCode::Invalid,
                "Nobody owns this session: say whom to whisper to.",
            ));
        };
        if &to == lead {
            return Err(refuse(
                ErrorCode::Invalid,
                "Whisper to a rep in the session, not to yourself.",
            ));
        }
        if !session.has_rep(&to) {
            return Err(refuse(
                ErrorCode::Invalid,
                format!("{} is not in this session.", self.config.rep_name(&to)),
            ));
        }
        self.chat_allowed(now, session_id, false)?;
        let message = ChatMessage {
            id: self.next_message_id(),
            session_id,
            author: Author::Rep {
                rep: lead.clone(),
                name: self.config.rep_name(lead),
            },
            text,
            visibility: Visibility::Whisper,
            at: now,
            client_msg_id: Some(client_msg_id),
            attachment: None,
            whisper_to: Some(to),
        };
        self.add_chat(message.clone());
        Ok(Some(OkResult::Chat { message }))
    }
}
