//! Time and connections: reps coming and going (the grace period), waiting-session rules,
//! offer deadlines, expiring session keys. `Tick` runs them all at the time given.

use super::Router;
use super::effects::{Effect, StoreOp};
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
        state.lost_at = None;
        if state.chosen == Presence::Offline {
            state.chosen = Presence::Available;
        }
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
        state.lost_at = Some(now);
        let offered = state.offer;
        self.announce_presence(rep);
        // An open offer cannot be answered now: give it to someone else, without pausing.
        if let Some(session_id) = offered {
            self.withdraw_offer(session_id, OfferEndReason::Gone);
            self.offer_next(now, session_id);
        }
    }

    pub(super) fn tick(&mut self, now: UnixMillis) {
        self.expire_grace(now);
        self.expire_offers(now);
        self.expire_prompts(now);
        self.apply_waiting_rules(now);
        self.expire_keys(now);
        self.offer_waiting(now);
        self.send_dirty_positions();
        self.dashboard_tick(now);
    }

    /// Reps not back within the grace period lose their sessions: owned ones return to
    /// their queue with the reason "connection lost".
    fn expire_grace(&mut self, now: UnixMillis) {
        let grace_ms = self.config.settings.grace_secs * 1000;
        let lost: Vec<RepId> = self
            .reps
            .iter()
            .filter(|(_, s)| !s.connected && s.lost_at.is_some_and(|at| at + grace_ms <= now))
            .map(|(r, _)| r.clone())
            .collect();
        for rep in lost {
            if let Some(state) = self.reps.get_mut(&rep) {
                state.lost_at = None;
            }
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
    }

    fn apply_waiting_rules(&mut self, now: UnixMillis) {
        if self.config.waiting_rules.is_empty() {
            return;
        }
        let mut moves: Vec<(SessionId, QueueRef)> = Vec::new();
        for (queue, set) in &self.queues {
            let Some(rule) = self.config.waiting_rules.iter().find(|r| r.matches(queue)) else {
                continue;
            };
            let limit = rule.after_secs * 1000;
            // Queue order is by time entered: stop at the first one still within the limit.
            for (entered_at, id) in set {
                if entered_at + limit > now {
                    break;
                }
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
                if &target != queue {
                    moves.push((*id, target));
                }
            }
        }
        for (session_id, target) in moves {
            self.dequeue(session_id, OfferEndReason::Gone);
            self.enqueue(now, session_id, target, QueueReason::WaitingRule, None);
            self.announce_session_update(session_id, None);
            self.persist_session(session_id);
        }
    }

    fn expire_keys(&mut self, now: UnixMillis) {
        let expired: Vec<String> = self
            .keys
            .values()
            .filter(|k| k.expires_at <= now)
            .map(|k| k.key.clone())
            .collect();
        for key in expired {
            self.keys.remove(&key);
            self.emit(Effect::Persist(StoreOp::DeleteKey(key)));
        }
    }
}
