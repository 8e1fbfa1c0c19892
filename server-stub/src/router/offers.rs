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
        let Some((rep, answer_secs)) = self.offer_candidate(session_id) else {
            return;
        };
        let deadline = now + answer_secs * 1000;
        self.put_offer(
            session_id,
            PendingOffer {
                rep: rep.clone(),
                offered_at: now,
                deadline,
            },
        );
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

    /// The rep a waiting push-queue session without an open offer would be offered to now,
    /// and the queue's answer time in seconds. Reads only: `offer_next` acts on it.
    pub(super) fn offer_candidate(&self, session_id: SessionId) -> Option<(RepId, u64)> {
        let session = self.sessions.get(&session_id)?;
        let waiting = session.waiting.as_ref()?;
        if session.offer.is_some() {
            return None;
        }
        let (mode, answer_secs) = self.config.queue_mode(&waiting.queue);
        if mode != QueueMode::Push {
            return None;
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
            .min_by_key(|rep| (self.load(rep), rep.clone()))?;
        Some((candidate, answer_secs))
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
        let offer = self.take_offer(session_id)?;
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
    /// Returns whether any had.
    pub(super) fn expire_offers(&mut self, now: UnixMillis) -> bool {
        let mut expired: Vec<(SessionId, RepId)> = self
            .timers
            .offers
            .take_due(now)
            .into_iter()
            .filter_map(|id| {
                let offer = self.sessions.get(&id)?.offer.as_ref()?;
                (offer.deadline <= now).then(|| (id, offer.rep.clone()))
            })
            .collect();
        // In session order, as the scan over `sessions` had it.
        expired.sort();
        self.handle_expired_offers(now, expired)
    }

    /// Ends offers not answered in time; returns whether there were any.
    pub(super) fn handle_expired_offers(
        &mut self,
        now: UnixMillis,
        expired: Vec<(SessionId, RepId)>,
    ) -> bool {
        let acted = !expired.is_empty();
        for (session_id, rep) in expired {
            self.withdraw_offer(session_id, OfferEndReason::TimedOut);
            if let Some(state) = self.reps.get_mut(&rep) {
                state.chosen = Presence::Paused;
            }
            self.dash_missed_offer(&rep);
            self.announce_presence(&rep);
            self.offer_next(now, session_id);
        }
        acted
    }
}
