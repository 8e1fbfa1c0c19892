//! A deadline index: which ids fall due by a given time, found in O(due · log n) rather
//! than by scanning every record. The core ticks the router ten times a second; with
//! thousands of reps and sessions a scan per timer per tick cost an idle server ~2 % of a
//! core (issue 11). The router keeps one index per timer (offer answers, grace periods,
//! session keys, waiting rules) in step with the field it mirrors, through the one setter
//! of that field (see `timers.rs`), and checks the record again before acting on an entry.

use std::collections::{BTreeMap, BTreeSet};
use switchboard_protocol::{RepId, SessionId, UnixMillis};

/// The router's timer indexes, each mirroring one field of its records. Written only by
/// the setters in `timers.rs` (`set_lost_at`, `put_offer`/`take_offer`,
/// `insert_key`/`remove_key`, `index_waiting`), so a deadline cannot be set without them.
#[derive(Debug, Clone, Default)]
pub struct TimerIndex {
    /// Sessions by their open offer's answer deadline (`Session::offer`).
    pub offers: Deadlines<SessionId>,
    /// Reps by the end of their grace period (`RepState::lost_at` + grace).
    pub grace: Deadlines<RepId>,
    /// Session keys by expiry (`SessionKey::expires_at`).
    pub keys: Deadlines<String>,
    /// Waiting sessions by when a waiting rule moves them to another queue
    /// (`Waiting::entered_at` + the rule's time); sessions no rule moves are not here.
    pub rules: Deadlines<SessionId>,
    /// Whether anything happened since the last pass over the waiting push sessions that
    /// could let one of them find a rep. A pass leaves none that can (offers only take reps
    /// away), and only these make one able to: a rep connecting (`rep_connected`), choosing
    /// a presence (`set_presence`), leaving a session (`remove_participant`: less loaded,
    /// no longer in it), an offer closing (`take_offer`: rep and session free), or a timer
    /// acting. Everything else the pass looks at (rejections, the configuration, offers
    /// made) only takes candidates away, and a session entering a push queue is offered
    /// there and then. Until one of those, a tick's pass would find nothing.
    pub offer_pass_needed: bool,
}

/// At most one deadline per id; setting again moves it.
#[derive(Debug, Clone)]
pub struct Deadlines<Id: Ord + Clone> {
    by_time: BTreeSet<(UnixMillis, Id)>,
    by_id: BTreeMap<Id, UnixMillis>,
}

impl<Id: Ord + Clone> Default for Deadlines<Id> {
    fn default() -> Self {
        Deadlines {
            by_time: BTreeSet::new(),
            by_id: BTreeMap::new(),
        }
    }
}

impl<Id: Ord + Clone> Deadlines<Id> {
    /// `id` falls due at `at` (replacing any deadline it had).
    pub fn set(&mut self, id: Id, at: UnixMillis) {
        if let Some(old) = self.by_id.insert(id.clone(), at) {
            self.by_time.remove(&(old, id.clone()));
        }
        self.by_time.insert((at, id));
    }

    /// `id` has no deadline any more (nothing if it had none).
    pub fn clear(&mut self, id: &Id) {
        if let Some(at) = self.by_id.remove(id) {
            self.by_time.remove(&(at, id.clone()));
        }
    }

    /// The deadline of `id`, if it has one.
    #[cfg(test)]
    pub fn at(&self, id: &Id) -> Option<UnixMillis> {
        self.by_id.get(id).copied()
    }

    /// Removes and returns every id due at `now` (deadline ≤ now), earliest first (ties
    /// by id). What is not due is not looked at.
    pub fn take_due(&mut self, now: UnixMillis) -> Vec<Id> {
        let mut due = Vec::new();
        while let Some((at, _)) = self.by_time.first() {
            if *at > now {
                break;
            }
            if let Some((_, id)) = self.by_time.pop_first() {
                self.by_id.remove(&id);
                due.push(id);
            }
        }
        due
    }

    /// The earliest deadline, if any.
    #[cfg(test)]
    pub fn next(&self) -> Option<UnixMillis> {
        self.by_time.first().map(|(at, _)| *at)
    }

    /// How many ids have a deadline.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Every (id, deadline), in id order: for the tests' comparison with the records.
    #[cfg(test)]
    pub fn entries(&self) -> Vec<(Id, UnixMillis)> {
        self.by_id
            .iter()
            .map(|(id, at)| (id.clone(), *at))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Deadlines;

    #[test]
    fn nothing_is_due_before_its_time_and_everything_at_it() {
        let mut d = Deadlines::default();
        d.set("b", 20);
        d.set("a", 10);
        d.set("c", 20);
        assert!(d.take_due(9).is_empty());
        assert_eq!(d.len(), 3);
        assert_eq!(
            d.take_due(20),
            vec!["a", "b", "c"],
            "earliest first, ties by id"
        );
        assert!(d.is_empty());
        assert!(d.take_due(u64::MAX).is_empty(), "taken ones are gone");
    }

    #[test]
    fn setting_again_moves_the_deadline_instead_of_adding_one() {
        let mut d = Deadlines::default();
        d.set(1u64, 10);
        d.set(1, 30);
        assert_eq!(d.len(), 1);
        assert_eq!(d.at(&1), Some(30));
        assert!(
            d.take_due(29).is_empty(),
            "the old deadline no longer counts"
        );
        assert_eq!(d.take_due(30), vec![1]);
    }

    #[test]
    fn cleared_ids_never_fall_due() {
        let mut d = Deadlines::default();
        d.set(1u64, 10);
        d.set(2, 10);
        d.clear(&1);
        d.clear(&3);
        assert_eq!(d.at(&1), None);
        assert_eq!(d.next(), Some(10));
        assert_eq!(d.take_due(100), vec![2]);
        assert_eq!(d.next(), None);
    }

    #[test]
    fn due_takes_only_what_is_due() {
        let mut d = Deadlines::default();
        for id in 0..1000u64 {
            d.set(id, 1000 - id);
        }
        assert_eq!(d.take_due(10), (990..1000).rev().collect::<Vec<_>>());
        assert_eq!(d.len(), 990);
        assert_eq!(d.next(), Some(11));
    }
}
