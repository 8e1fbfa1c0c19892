//! Time and connections: reps coming and going (the grace period), waiting-session rules,
//! offer deadlines, expiring session keys. `Tick` runs them all at the time given.
//!
//! A tick costs what falls due, not what exists (issue 11): each timer finds its due
//! records in a deadline index (`deadlines.rs`) kept by the setters at the end of this
//! file, the only writers of the fields they mirror; due records are handled in the order
//! the old full scans handled them (by rep, by session, by queue), and the pass over
//! waiting push sessions runs only when something could have changed its outcome.

use super::Router;
use super::effects::{Effect, StoreOp};
use super::state::{PendingOffer, SessionKey, Waiting};
use crate::config::RuleTarget;
use switchboard_protocol::{
    LeftReason, OfferEndReason, Presence, QueueReason, QueueRef, RepId, SessionId, UnixMillis,
};

impl Router {
    pub(super) fn rep_connected(&mut self, now: UnixMillis, rep: &RepId) {
        let Some(state) = self.reps.get_mut(rep) else {
            return;
        };
        let was_connected = state.connected;
        state.connected = true;
        if was_connected {
            // Offered to at once below otherwise; a second connection may still change
            // the presence, so the next tick looks again.
            self.timers.offer_pass_needed = true;
        }
        if state.chosen == Presence::Offline {
            state.chosen = Presence::Available;
        }
        self.set_lost_at(rep, None);
        if !was_connected {
            self.announce_presence(rep);
            self.offer_waiting(now);
        }
    }

    pub(super) fn rep_disconnected(&mut self, now: UnixMillis, rep: &RepId) {
        let Some(state) = self.reps.get_mut(rep) else {
            return;
        };
        if !state.connected {
            return;
        }
        state.connected = false;
        let offered = state.offer;
        self.set_lost_at(rep, Some(now));
        self.announce_presence(rep);
        // An open offer cannot be answered now: give it to someone else, without pausing.
        if let Some(session_id) = offered {
            self.withdraw_offer(session_id, OfferEndReason::Gone);
            self.offer_next(now, session_id);
        }
    }

    pub(super) fn tick(&mut self, now: UnixMillis) {
        #[cfg(test)]
        if self.scan_oracle {
            return self.tick_by_scanning(now);
        }
        #[cfg(test)]
        self.assert_timer_index_matches_records();
        let prompts_due = !self.restart_revoked.is_empty()
            || self
                .prompt_deadlines
                .first()
                .is_some_and(|(at, ..)| *at <= now);
        let grace_acted = self.expire_grace(now);
        let offers_acted = self.expire_offers(now);
        self.expire_prompts(now);
        let rules_acted = self.apply_waiting_rules(now);
        let keys_acted = self.expire_keys(now);
        if grace_acted || offers_acted || prompts_due || rules_acted || keys_acted {
            self.timers.offer_pass_needed = true;
        }
        #[cfg(test)]
        if !self.timers.offer_pass_needed {
            self.assert_no_offer_possible();
        }
        if self.timers.offer_pass_needed {
            self.offer_waiting(now);
            self.timers.offer_pass_needed = false;
        }
        self.send_dirty_positions();
        self.dashboard_tick(now);
    }

    /// Reps not back within the grace period lose their sessions: owned ones return to
    /// their queue with the reason "connection lost".
    /// Returns whether any rep's grace period ended.
    fn expire_grace(&mut self, now: UnixMillis) -> bool {
        let grace_ms = self.config.settings.grace_secs * 1000;
        let mut lost: Vec<RepId> = self
            .timers
            .grace
            .take_due(now)
            .into_iter()
            .filter(|rep| {
                self.reps.get(rep).is_some_and(|s| {
                    !s.connected && s.lost_at.is_some_and(|at| at + grace_ms <= now)
                })
            })
            .collect();
        // In rep order, as the scan over `reps` had it.
        lost.sort();
        self.handle_grace_ended(now, lost)
    }

    /// Reps whose grace period ended lose their sessions; returns whether there were any.
    pub(super) fn handle_grace_ended(&mut self, now: UnixMillis, lost: Vec<RepId>) -> bool {
        let acted = !lost.is_empty();
        for rep in lost {
            self.set_lost_at(&rep, None);
            // A lead gone past the grace period stops monitoring too.
            self.stop_all_monitoring(&rep);
            let sessions = self.sessions_of(&rep);
            for session_id in sessions {
                let owned = self
                    .sessions
                    .get(&session_id)
                    .is_some_and(|s| s.is_owner(&rep));
                if owned {
                    self.drop_session_invitations(session_id);
                    self.remove_participant(session_id, &rep, LeftReason::ConnectionLost);
                    let queue = self.sessions.get(&session_id).map(|s| s.home_queue.clone());
                    if let Some(queue) = queue {
                        self.enqueue(
                            now,
                            session_id,
                            queue,
                            QueueReason::ConnectionLost,
                            Some(rep.clone()),
                        );
                    }
                    self.announce_session_update(session_id, None);
                } else {
                    self.remove_participant(session_id, &rep, LeftReason::ConnectionLost);
                }
                self.persist_session(session_id);
            }
        }
        acted
    }

    /// Moves sessions a waiting rule says have waited long enough; returns whether any moved.
    fn apply_waiting_rules(&mut self, now: UnixMillis) -> bool {
        if self.config.waiting_rules.is_empty() {
            return false;
        }
        let mut moves: Vec<(QueueRef, UnixMillis, SessionId, QueueRef)> = self
            .timers
            .rules
            .take_due(now)
            .into_iter()
            .filter_map(|id| {
                let waiting = self.sessions.get(&id)?.waiting.as_ref()?;
                let (limit, target) = self.waiting_rule_move(&waiting.queue)?;
                (waiting.entered_at + limit <= now)
                    .then(|| (waiting.queue.clone(), waiting.entered_at, id, target))
            })
            .collect();
        // By queue, then queue order (time entered, id): the order the scan over the
        // queues moved them in.
        moves.sort();
        let moves = moves
            .into_iter()
            .map(|(_, _, id, target)| (id, target))
            .collect();
        self.move_waiting(now, moves)
    }

    /// Where a waiting rule moves sessions waiting in `queue`, and after how many
    /// milliseconds; `None` when no rule matches or it would leave them where they are.
    pub(super) fn waiting_rule_move(&self, queue: &QueueRef) -> Option<(u64, QueueRef)> {
        let rule = self
            .config
            .waiting_rules
            .iter()
            .find(|r| r.matches(queue))?;
        let target = match &rule.move_to {
            RuleTarget::General => QueueRef::General,
            RuleTarget::Team(team) => QueueRef::Team { team: team.clone() },
            RuleTarget::RepTeam => match queue {
                QueueRef::Personal { rep } => self
                    .config
                    .reps
                    .get(rep)
                    .and_then(|r| r.teams.first())
                    .map(|team| QueueRef::Team { team: team.clone() })
                    .unwrap_or(QueueRef::General),
                _ => QueueRef::General,
            },
        };
        (&target != queue).then_some((rule.after_secs * 1000, target))
    }

    /// Moves each session to its rule's queue; returns whether there were any.
    pub(super) fn move_waiting(
        &mut self,
        now: UnixMillis,
        moves: Vec<(SessionId, QueueRef)>,
    ) -> bool {
        let acted = !moves.is_empty();
        for (session_id, target) in moves {
            self.dequeue(session_id, OfferEndReason::Gone);
            self.enqueue(now, session_id, target, QueueReason::WaitingRule, None);
            self.announce_session_update(session_id, None);
            self.persist_session(session_id);
        }
        acted
    }

    /// Drops expired session keys; returns whether any expired.
    fn expire_keys(&mut self, now: UnixMillis) -> bool {
        let mut expired: Vec<String> = self
            .timers
            .keys
            .take_due(now)
            .into_iter()
            .filter(|key| self.keys.get(key).is_some_and(|k| k.expires_at <= now))
            .collect();
        // In key order (the scan went in the hash map's order, which was arbitrary).
        expired.sort();
        self.delete_keys(expired)
    }

    /// Deletes the keys; returns whether there were any.
    pub(super) fn delete_keys(&mut self, expired: Vec<String>) -> bool {
        let acted = !expired.is_empty();
        for key in expired {
            self.remove_key(&key);
            self.emit(Effect::Persist(StoreOp::DeleteKey(key)));
        }
        acted
    }

    // ---- the only writers of the fields the timer indexes mirror ----

    /// Sets a rep's `lost_at` (when their connection dropped; `None`: connected again or
    /// the grace period handled), and the end of their grace period with it.
    pub(super) fn set_lost_at(&mut self, rep: &RepId, lost_at: Option<UnixMillis>) {
        let Some(state) = self.reps.get_mut(rep) else {
            return;
        };
        state.lost_at = lost_at;
        match lost_at {
            Some(at) => {
                let grace_ms = self.config.settings.grace_secs.saturating_mul(1000);
                self.timers
                    .grace
                    .set(rep.clone(), at.saturating_add(grace_ms));
            }
            None => self.timers.grace.clear(rep),
        }
    }

    /// Opens an offer of a waiting session, indexed by its answer deadline.
    pub(super) fn put_offer(&mut self, session_id: SessionId, offer: PendingOffer) {
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        self.timers.offers.set(session_id, offer.deadline);
        session.offer = Some(offer);
    }

    /// Closes a session's open offer (if any) and returns it.
    pub(super) fn take_offer(&mut self, session_id: SessionId) -> Option<PendingOffer> {
        self.timers.offers.clear(&session_id);
        let offer = self.sessions.get_mut(&session_id)?.offer.take()?;
        // The rep is free again, and the session can go to someone else.
        self.timers.offer_pass_needed = true;
        Some(offer)
    }

    /// Keeps a session key until it is used or expires.
    pub(super) fn insert_key(&mut self, record: SessionKey) {
        self.timers.keys.set(record.key.clone(), record.expires_at);
        self.keys.insert(record.key.clone(), record);
    }

    /// Forgets a session key (used or expired).
    pub(super) fn remove_key(&mut self, key: &str) -> Option<SessionKey> {
        let record = self.keys.remove(key)?;
        self.timers.keys.clear(&record.key);
        Some(record)
    }

    /// A session started waiting in `waiting.queue`: indexes when a waiting rule moves it
    /// on, if one does. (Taking it out of the queue clears that: `unindex_waiting`.)
    pub(super) fn index_waiting(&mut self, session_id: SessionId, waiting: &Waiting) {
        match self.waiting_rule_move(&waiting.queue) {
            Some((limit, _)) => {
                let at = waiting.entered_at.saturating_add(limit);
                self.timers.rules.set(session_id, at);
            }
            None => self.timers.rules.clear(&session_id),
        }
    }

    /// A session stopped waiting: no waiting rule applies to it any more.
    pub(super) fn unindex_waiting(&mut self, session_id: SessionId) {
        self.timers.rules.clear(&session_id);
    }
}
