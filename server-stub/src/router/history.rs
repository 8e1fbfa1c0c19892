//! "Load older messages": which earlier chats of the same customer a session may show.

use super::effects::{Effect, RepRead};
use super::state::Session;
use super::{Reply, Router, refuse};
use switchboard_protocol::{ErrorBody, ErrorCode, RepId, SessionId};

impl Router {
    /// "Load older messages": checks the request and says what the store must read (the
    /// ended chats live only there); the answer is that read's.
    pub(super) fn load_history(
        &mut self,
        rep: &RepId,
        session_id: SessionId,
        before: Option<SessionId>,
    ) -> Reply {
        let contact = self.history_contact(rep, session_id)?;
        // Never this session itself, nor anything newer.
        let before = before.map_or(session_id, |b| b.min(session_id));
        self.emit(Effect::ReadForRep(RepRead::History { contact, before }));
        Ok(None)
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
