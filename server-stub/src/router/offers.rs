//! Push queues: offering a session to one available rep at a time, least loaded first,
//! with an answer deadline; rejections are remembered, a missed deadline pauses the rep.

use super::state::PendingOffer;
use super::{Reply, Router, refuse};
use switchboard_protocol::{
    ErrorCode, Offer, OfferEndReason, Presence, QueueMode, RepEvent, RepId, SessionId, UnixMillis,
};

impl Router {
    /// Offers a waiting push-queue session to the best eligible rep, if any.
    pub(super) fn offer_next(&mut self, now: UnixMillis, session_id: SessionId) {
        let Some(session) = self.sessions.get(&session_id) else {
            return;
        };
        let Some(waiting) = &session.waiting else {
            return;
        };
        if session.offer.is_some() {
            return;
        }
        let (mode, answer_secs) = self.config.queue_mode(&waiting.queue);
        if mode != QueueMode::Push {
            return;
        }
        let candidate = self
            .config
            .viewers(&waiting.queue)
            .into_iter()
            .filter(|rep| {
                let state = self.rep_state(rep);
                state.connected
                    && state.chosen == Presence::Available
                    && state.offer.is_none()
                    && !session.rejected_by.contains(rep)
                    && !session.has_rep(rep)
                    && self.check_capacity(rep).is_ok()
            })
            // Least loaded first; the id breaks ties so the choice is deterministic.
            .min_by_key(|rep| (self.load(rep), rep.clone()));
        let Some(rep) = candidate else {
            return;
        };
        let deadline = now + answer_secs * 1000;
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.offer = Some(PendingOffer {
                rep: rep.clone(),
                offered_at: now,
                deadline,
            });
        }
        if let Some(state) = self.reps.get_mut(&rep) {
            state.offer = Some(session_id);
        }
        if let Some((entry, url)) = self
            .sessions
            .get(&session_id)
            .and_then(|s| Some((self.session_entry(s)?, self.offer_url(s))))
        {
            self.tell_rep(
                &rep,
                RepEvent::OfferMade {
                    offer: Offer {
                        entry,
                        offered_at: now,
                        deadline,
                        url,
                    },
                },
            );
        }
    }

    /// Offers every waiting push-queue session that has no open offer (oldest first).
    pub(super) fn offer_waiting(&mut self, now: UnixMillis) {
        let waiting: Vec<SessionId> = self
            .queues
            .iter()
            .filter(|(queue, _)| self.config.queue_mode(queue).0 == QueueMode::Push)
            .flat_map(|(_, set)| set.iter().map(|(_, id)| *id))
            .filter(|id| self.sessions.get(id).is_some_and(|s| s.offer.is_none()))
            .collect();
        for id in waiting {
            self.offer_next(now, id);
        }
    }

    /// Closes the open offer of a session, telling the rep why.
    pub(super) fn withdraw_offer(
        &mut self,
        session_id: SessionId,
        reason: OfferEndReason,
    ) -> Option<RepId> {
        let offer = self.sessions.get_mut(&session_id)?.offer.take()?;
        if let Some(state) = self.reps.get_mut(&offer.rep)
            && state.offer == Some(session_id)
        {
            state.offer = None;
        }
        self.tell_rep(&offer.rep, RepEvent::OfferEnded { session_id, reason });
        Some(offer.rep)
    }

    pub(super) fn reject_offer(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
    ) -> Reply {
        let session = self.session(session_id)?;
        if session.offer.as_ref().is_none_or(|o| &o.rep != rep) {
            return Err(refuse(
                ErrorCode::NotFound,
                "There is no open offer of this session to you.",
            ));
        }
        self.withdraw_offer(session_id, OfferEndReason::Rejected);
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.rejected_by.insert(rep.clone());
        }
        self.dash_missed_offer(rep);
        self.persist_session(session_id);
        self.offer_next(now, session_id);
        // The rep is free for other offers.
        self.offer_waiting(now);
        Ok(None)
    }

    /// Offers whose deadline passed: the rep is paused and the session goes to the next rep.
    pub(super) fn expire_offers(&mut self, now: UnixMillis) {
        let expired: Vec<(SessionId, RepId)> = self
            .sessions
            .values()
            .filter_map(|s| {
                let offer = s.offer.as_ref()?;
                (offer.deadline <= now).then(|| (s.id, offer.rep.clone()))
            })
            .collect();
        for (session_id, rep) in expired {
            self.withdraw_offer(session_id, OfferEndReason::TimedOut);
            if let Some(state) = self.reps.get_mut(&rep) {
                state.chosen = Presence::Paused;
            }
            self.dash_missed_offer(&rep);
            self.announce_presence(&rep);
            self.offer_next(now, session_id);
        }
    }
}
