//! What the dashboard counts as things happen, with their times: arrivals into a team
//! queue, accepts with their wait, abandons, missed push offers per rep and UTC day,
//! presence changes, the last public rep message per rep, and each session's unanswered
//! customer messages. Router state says what *is*; the tally remembers what *happened*,
//! which state alone cannot tell (how long an accepted session had waited, who just left).
//!
//! Memory only: after a restart the counts start from zero. Everything is bounded: the
//! hour-long windows are pruned by time and capped by count, per-session entries leave with
//! the session, per-rep entries are one per configured rep.

use crate::router::rate::ServerIds;
use std::collections::{HashMap, VecDeque};
use switchboard_protocol::{Presence, RepId, SessionId, TeamId, UnixMillis};

/// How far back "last hour" counts reach.
pub const HOUR_MS: u64 = 60 * 60 * 1000;
/// The window of the accept rate behind the predicted wait: the last 15 minutes.
pub const RATE_WINDOW_MS: u64 = 15 * 60 * 1000;
/// A day, for "missed offers today" (UTC days: Unix time has no leap seconds).
const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The most events one team's hour-long window keeps (about 8 a second, sustained): beyond
/// it the oldest are dropped, so a flood costs bounded memory and the counts saturate.
pub const MAX_EVENTS_PER_TEAM: usize = 30_000;
/// The most accepted waits one series step keeps for its percentiles.
const MAX_STEP_WAITS: usize = 10_000;

/// One team's recent history.
#[derive(Debug, Clone, Default)]
pub struct TeamTally {
    /// Accepts in the last hour: (when, how long the session had waited), oldest first.
    pub accepts: VecDeque<(UnixMillis, u64)>,
    /// Abandons in the last hour, oldest first.
    pub abandons: VecDeque<UnixMillis>,
    /// The series step being filled: arrivals, and the waits of the accepts.
    pub step_arrivals: u32,
    pub step_waits: Vec<u64>,
}

impl TeamTally {
    fn prune(&mut self, now: UnixMillis) {
        let since = now.saturating_sub(HOUR_MS);
        while self.accepts.front().is_some_and(|(at, _)| *at < since) {
            self.accepts.pop_front();
        }
        while self.abandons.front().is_some_and(|at| *at < since) {
            self.abandons.pop_front();
        }
    }

    /// Accepts since `since` (the deque is in time order: count from the back).
    pub fn accepts_since(&self, since: UnixMillis) -> usize {
        self.accepts
            .iter()
            .rev()
            .take_while(|(at, _)| *at >= since)
            .count()
    }
}

/// A session that just left a queue: an accept if a rep now takes it, an abandon if it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dequeued {
    pub team: Option<TeamId>,
    pub entered_at: UnixMillis,
}

/// Everything counted.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub teams: HashMap<TeamId, TeamTally>,
    /// Missed offers per rep: (UTC day number, count that day).
    pub missed: HashMap<RepId, (u64, u32)>,
    /// Each rep's presence as last announced, and since when.
    pub presence: HashMap<RepId, (Presence, UnixMillis)>,
    /// Each rep's last chat message a customer could read.
    pub last_reply: HashMap<RepId, UnixMillis>,
    /// Per session: when the customer's oldest message after the last public rep message
    /// was sent (absent: nothing unanswered). Looked up on every customer message: keyed
    /// by the router's own session ids, so hashed cheaply (see [`ServerIds`]).
    pub unanswered: HashMap<SessionId, UnixMillis, ServerIds>,
    /// Sessions taken out of a queue during the current input, until a rep takes them, they
    /// end, they queue again, or the next tick clears what is left.
    pub dequeued: HashMap<SessionId, Dequeued>,
}

impl Tally {
    fn team(&mut self, team: &TeamId) -> &mut TeamTally {
        self.teams.entry(team.clone()).or_default()
    }

    pub fn arrived(&mut self, team: &TeamId) {
        let tally = self.team(team);
        tally.step_arrivals = tally.step_arrivals.saturating_add(1);
    }

    pub fn accepted(&mut self, team: &TeamId, now: UnixMillis, waited_ms: u64) {
        let tally = self.team(team);
        tally.prune(now);
        if tally.accepts.len() >= MAX_EVENTS_PER_TEAM {
            tally.accepts.pop_front();
        }
        tally.accepts.push_back((now, waited_ms));
        if tally.step_waits.len() < MAX_STEP_WAITS {
            tally.step_waits.push(waited_ms);
        }
    }

    pub fn abandoned(&mut self, team: &TeamId, now: UnixMillis) {
        let tally = self.team(team);
        tally.prune(now);
        if tally.abandons.len() >= MAX_EVENTS_PER_TEAM {
            tally.abandons.pop_front();
        }
        tally.abandons.push_back(now);
    }

    pub fn missed_offer(&mut self, rep: &RepId, now: UnixMillis) {
        let today = now / DAY_MS;
        let entry = self.missed.entry(rep.clone()).or_insert((today, 0));
        if entry.0 != today {
            *entry = (today, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Offers the rep missed today (UTC): yesterday's count reads as 0 after midnight.
    pub fn missed_today(&self, rep: &RepId, now: UnixMillis) -> u32 {
        match self.missed.get(rep) {
            Some((day, count)) if *day == now / DAY_MS => *count,
            _ => 0,
        }
    }

    /// Records the rep's presence; the since-time moves only when it changes.
    pub fn presence_now(&mut self, rep: &RepId, presence: Presence, now: UnixMillis) {
        match self.presence.get(rep) {
            Some((known, _)) if *known == presence => {}
            _ => {
                self.presence.insert(rep.clone(), (presence, now));
            }
        }
    }

    /// A chat message: a customer's opens (or extends) the unanswered stretch, a rep's
    /// public one closes it.
    pub fn customer_wrote(&mut self, session: SessionId, at: UnixMillis) {
        self.unanswered.entry(session).or_insert(at);
    }

    pub fn rep_replied(&mut self, rep: &RepId, session: SessionId, at: UnixMillis) {
        self.last_reply.insert(rep.clone(), at);
        self.unanswered.remove(&session);
    }

    /// Drops the hour-old events; called once per dashboard round.
    pub fn prune(&mut self, now: UnixMillis) {
        for tally in self.teams.values_mut() {
            tally.prune(now);
        }
    }

    /// Ends the series step: its arrivals and waits, and a fresh step.
    pub fn take_step(&mut self, team: &TeamId) -> (u32, Vec<u64>) {
        match self.teams.get_mut(team) {
            Some(tally) => (
                std::mem::take(&mut tally.step_arrivals),
                std::mem::take(&mut tally.step_waits),
            ),
            None => (0, Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missed_offers_reset_at_utc_midnight() {
        let mut tally = Tally::default();
        let rep = RepId::new("r");
        let before_midnight = 20_000 * DAY_MS - 1;
        tally.missed_offer(&rep, before_midnight);
        tally.missed_offer(&rep, before_midnight);
        assert_eq!(tally.missed_today(&rep, before_midnight), 2);
        assert_eq!(tally.missed_today(&rep, before_midnight + 1), 0);
        tally.missed_offer(&rep, before_midnight + 1);
        assert_eq!(tally.missed_today(&rep, before_midnight + 1), 1);
    }

    #[test]
    fn hour_windows_are_pruned_and_capped() {
        let mut tally = Tally::default();
        let team = TeamId::new("t");
        for i in 0..(MAX_EVENTS_PER_TEAM as u64 + 10) {
            tally.accepted(&team, 1_000_000 + i, 5);
        }
        assert_eq!(tally.teams[&team].accepts.len(), MAX_EVENTS_PER_TEAM);
        tally.prune(1_000_000 + HOUR_MS + MAX_EVENTS_PER_TEAM as u64 + 10);
        assert!(tally.teams[&team].accepts.is_empty());
    }
}
