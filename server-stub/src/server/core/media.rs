//! The router's media decisions carried out on the relay (`server/media`), with the
//! durability rule applied to rights: what *takes away* a right (a grant stopped, control
//! lost) reaches the relay at once, before the batch is even committed, so a revoked rep
//! sees no further pixel; what *gives* one (a grant allowed, a ticket minted) reaches it
//! only after the batch is durable, together with the replies and events that announce it
//! ("durable before delivered", `server/commit.rs`). A batch that cannot be stored thus
//! never widens anyone's access.

use super::*;
use crate::router::effects::{MediaHolder, MediaRights};
use crate::server::media::{MediaRole, SessionAccess, Ticket};
use std::collections::BTreeMap;
use switchboard_protocol::MediaChannel;

/// What each rep may do on a session's media (view, control, shell).
pub(super) type Viewers = BTreeMap<RepId, MediaRights>;

/// The relay's state as the core last set it, and the latest decision per session.
#[derive(Default)]
pub(super) struct MediaState {
    /// What the relay was last told, per session (absent: nobody).
    applied: HashMap<SessionId, Viewers>,
    /// The number of the latest decision per session still waiting for its batch to be
    /// durable: an older one is never applied over a newer one.
    latest: HashMap<SessionId, u64>,
    next_decision: u64,
}

impl Core {
    /// The router decided `viewers` for `session_id`: narrow the relay now (each rep keeps
    /// only what both the old and the new access give: a shell only if it is the same
    /// grant's), and queue the whole decision for after the commit.
    pub(super) fn media_access(&mut self, session_id: SessionId, viewers: Viewers) {
        let applied = self
            .media_state
            .applied
            .get(&session_id)
            .cloned()
            .unwrap_or_default();
        let narrowed: Viewers = applied
            .iter()
            .filter_map(|(rep, rights)| {
                let kept = rights.and(*viewers.get(rep)?);
                (!kept.is_none()).then(|| (rep.clone(), kept))
            })
            .collect();
        if narrowed != applied {
            self.apply_media(session_id, narrowed);
        }
        self.media_state.next_decision += 1;
        let decision = self.media_state.next_decision;
        self.media_state.latest.insert(session_id, decision);
        self.deliveries.push(Delivery::MediaAccess {
            session_id,
            viewers,
            decision,
        });
    }

    /// After the commit: the decision takes effect whole, unless a newer one for the same
    /// session follows it (that one will).
    pub(super) fn media_access_durable(
        &mut self,
        session_id: SessionId,
        viewers: Viewers,
        decision: u64,
    ) {
        if self.media_state.latest.get(&session_id) != Some(&decision) {
            return;
        }
        self.media_state.latest.remove(&session_id);
        let unchanged = self
            .media_state
            .applied
            .get(&session_id)
            .map_or(viewers.is_empty(), |applied| *applied == viewers);
        if !unchanged {
            self.apply_media(session_id, viewers);
        }
    }

    fn apply_media(&mut self, session_id: SessionId, viewers: Viewers) {
        if viewers.is_empty() {
            self.media_state.applied.remove(&session_id);
        } else {
            self.media_state.applied.insert(session_id, viewers.clone());
        }
        self.media.set_access(session_id, SessionAccess { viewers });
    }

    /// After the commit: the relay accepts the ticket `open_media` handed out.
    pub(super) fn issue_media_ticket(
        &self,
        token: String,
        session_id: SessionId,
        holder: MediaHolder,
        channel: MediaChannel,
        expires_at: u64,
    ) {
        let role = match holder {
            MediaHolder::Customer => MediaRole::Publisher,
            MediaHolder::Rep(rep) => MediaRole::Viewer { rep },
        };
        self.media.issue(
            token,
            Ticket {
                session: session_id,
                role,
                channel,
                expires_at,
            },
        );
    }
}
