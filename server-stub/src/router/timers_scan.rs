//! Tests only: the timers as they were before the deadline indexes (issue 11), each a scan
//! over every rep, session, queue or key, kept as the oracle the indexed `tick` is checked
//! against (`tests/timer_index.rs` runs both on the same inputs), and the checks that the
//! indexes agree with the records they mirror (run by every test that ticks).

use super::Router;
use switchboard_protocol::{QueueRef, RepId, SessionId, UnixMillis};

impl Router {
    /// The tick of old: every timer scans everything, and the pass over waiting push
    /// sessions always runs. Effects must be the same as the indexed tick's.
    pub(super) fn tick_by_scanning(&mut self, now: UnixMillis) {
        let grace_ms = self.config.settings.grace_secs * 1000;
        let lost: Vec<RepId> = self
            .reps
            .iter()
            .filter(|(_, s)| !s.connected && s.lost_at.is_some_and(|at| at + grace_ms <= now))
            .map(|(r, _)| r.clone())
            .collect();
        self.handle_grace_ended(now, lost);
        let expired: Vec<(SessionId, RepId)> = self
            .sessions
            .values()
            .filter_map(|s| {
                let offer = s.offer.as_ref()?;
                (offer.deadline <= now).then(|| (s.id, offer.rep.clone()))
            })
            .collect();
        self.handle_expired_offers(now, expired);
        self.expire_prompts(now);
        let mut moves: Vec<(SessionId, QueueRef)> = Vec::new();
        for (queue, set) in &self.queues {
            let Some((limit, target)) = self.waiting_rule_move(queue) else {
                continue;
            };
            // Queue order is by time entered: stop at the first one still within the limit.
            for (entered_at, id) in set {
                if entered_at + limit > now {
                    break;
                }
                moves.push((*id, target.clone()));
            }
        }
        self.move_waiting(now, moves);
        let mut expired: Vec<String> = self
            .keys
            .values()
            .filter(|k| k.expires_at <= now)
            .map(|k| k.key.clone())
            .collect();
        // The scan's hash map order was arbitrary; the indexed tick fixed it to key order.
        expired.sort();
        self.delete_keys(expired);
        self.offer_waiting(now);
        self.send_dirty_positions();
        self.dashboard_tick(now);
    }

    /// Each index holds exactly the deadlines its records say.
    pub(super) fn assert_timer_index_matches_records(&self) {
        let grace_ms = self.config.settings.grace_secs.saturating_mul(1000);
        let grace: Vec<(RepId, UnixMillis)> = self
            .reps
            .iter()
            .filter_map(|(r, s)| Some((r.clone(), s.lost_at?.saturating_add(grace_ms))))
            .collect();
        assert_eq!(self.timers.grace.entries(), grace, "grace periods");
        let offers: Vec<(SessionId, UnixMillis)> = self
            .sessions
            .values()
            .filter_map(|s| Some((s.id, s.offer.as_ref()?.deadline)))
            .collect();
        assert_eq!(self.timers.offers.entries(), offers, "offer deadlines");
        let mut keys: Vec<(String, UnixMillis)> = self
            .keys
            .values()
            .map(|k| (k.key.clone(), k.expires_at))
            .collect();
        keys.sort();
        assert_eq!(self.timers.keys.entries(), keys, "session keys");
        let rules: Vec<(SessionId, UnixMillis)> = self
            .sessions
            .values()
            .filter_map(|s| {
                let waiting = s.waiting.as_ref()?;
                let (limit, _) = self.waiting_rule_move(&waiting.queue)?;
                Some((s.id, waiting.entered_at.saturating_add(limit)))
            })
            .collect();
        assert_eq!(self.timers.rules.entries(), rules, "waiting rules");
    }

    /// When a tick skips the pass over waiting push sessions, the pass would have offered
    /// nothing: no such session has a rep to be offered to.
    pub(super) fn assert_no_offer_possible(&self) {
        for set in self.queues.values() {
            for (_, id) in set {
                assert_eq!(
                    self.offer_candidate(*id),
                    None,
                    "session {id} could be offered, but the tick skips the pass"
                );
            }
        }
    }
}
