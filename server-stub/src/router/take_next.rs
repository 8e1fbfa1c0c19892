//! `take_next`: a rep asks for the next customer instead of picking one. The answer is the
//! longest-waiting session they may accept now, accepted exactly as `accept` would.
//!
//! "May accept now": it waits in a queue the rep sees (personal, their teams', the general
//! queue if permitted), and, in a push queue, only when it is on offer to this rep (push
//! queues hand sessions out one offer at a time; taking another's would make offers
//! meaningless). The rep's cap applies as for `accept` (`at_capacity`).

use super::{Reply, Router, refuse};
use switchboard_protocol::{ErrorCode, OkResult, QueueMode, RepId, SessionId};

impl Router {
    pub(super) fn take_next(&mut self, rep: &RepId) -> Reply {
        let Some(session_id) = self.next_for(rep) else {
            return Err(refuse(
                ErrorCode::NotFound,
                "Nobody is waiting in the queues you take from.",
            ));
        };
        self.accept(rep, session_id)?;
        Ok(Some(OkResult::Taken { session_id }))
    }

    /// The longest-waiting session `rep` may take: the earliest (time entered, id) over the
    /// queues they see. Each queue is in that order already, so only each queue's first
    /// takeable session is looked at.
    fn next_for(&self, rep: &RepId) -> Option<SessionId> {
        let offered_to_rep = |id: &SessionId| {
            self.sessions
                .get(id)
                .and_then(|s| s.offer.as_ref())
                .is_some_and(|offer| &offer.rep == rep)
        };
        self.config
            .visible_queues(rep)
            .iter()
            .filter_map(|queue| {
                let push = self.config.queue_mode(queue).0 == QueueMode::Push;
                self.queues
                    .get(queue)?
                    .iter()
                    .find(|(_, id)| !push || offered_to_rep(id))
            })
            .min()
            .map(|(_, id)| *id)
    }
}
