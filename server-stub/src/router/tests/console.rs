//! A console's view kept only from the events it is sent, compared with a fresh snapshot
//! after every step of random input sequences: the live stream must never leave a
//! console showing something else than reconnecting would.

use super::properties::{Runner, op, sharing_op};
use crate::router::effects::Effect;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use std::collections::{BTreeMap, BTreeSet};
use switchboard_protocol::{
    MessageId, QueueEntry, QueueRef, RepEvent, RepId, RepInfo, RepSnapshot, SessionId, SessionView,
    UnixMillis,
};

/// What a console shows, as far as the router decides it.
#[derive(Debug, Clone, PartialEq)]
pub struct Console {
    pub presences: BTreeMap<RepId, RepInfo>,
    pub me: RepInfo,
    pub entries: BTreeMap<(QueueRef, String), QueueEntry>,
    pub sessions: BTreeMap<SessionId, SessionView>,
    pub offer: Option<(SessionId, UnixMillis)>,
    pub team_chat: BTreeSet<MessageId>,
    /// Sessions with an open assistance request (team leads only).
    pub assistance: BTreeSet<SessionId>,
}

/// The parts of a console view that can disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aspect {
    /// Waiting sessions in the queues.
    SessionEntries,
    /// Invitations in the queues.
    InvitationEntries,
    Sessions,
    Offer,
    Presence,
    TeamChat,
}

impl Console {
    pub fn from_snapshot(snap: &RepSnapshot) -> Console {
        Console {
            presences: snap
                .reps
                .iter()
                .map(|r| (r.rep.clone(), r.clone()))
                .collect(),
            me: snap.me.clone(),
            entries: snap
                .queues
                .iter()
                .flat_map(|q| q.entries.iter())
                .map(|e| ((e.queue.clone(), e.entry_id.clone()), e.clone()))
                .collect(),
            sessions: snap
                .sessions
                .iter()
                .map(|v| (v.session.session_id, v.clone()))
                .collect(),
            offer: snap
                .offer
                .as_ref()
                .map(|o| (o.entry.session_id, o.deadline)),
            team_chat: snap.team_chat.iter().map(|m| m.id).collect(),
            assistance: snap
                .assistance
                .iter()
                .map(|a| a.session.session_id)
                .collect(),
        }
    }

    pub fn apply(&mut self, event: &RepEvent) {
        match event {
            RepEvent::EntryUpserted { entry } => {
                self.entries
                    .insert((entry.queue.clone(), entry.entry_id.clone()), entry.clone());
            }
            RepEvent::EntryRemoved { queue, entry_id } => {
                self.entries.remove(&(queue.clone(), entry_id.clone()));
            }
            RepEvent::SessionJoined { view } => {
                self.sessions.insert(view.session.session_id, view.clone());
            }
            RepEvent::SessionUpdated { session } => {
                if let Some(view) = self.sessions.get_mut(&session.session_id) {
                    view.session = session.clone();
                }
            }
            RepEvent::Chat { message } => {
                if let Some(view) = self.sessions.get_mut(&message.session_id) {
                    view.chat.push(message.clone());
                }
            }
            RepEvent::SessionLeft { session_id, .. } => {
                self.sessions.remove(session_id);
            }
            RepEvent::OfferMade { offer } => {
                self.offer = Some((offer.entry.session_id, offer.deadline));
            }
            RepEvent::OfferEnded { session_id, .. } => {
                if self.offer.is_some_and(|(id, _)| id == *session_id) {
                    self.offer = None;
                }
            }
            RepEvent::PresenceChanged { rep } => {
                if rep.rep == self.me.rep {
                    self.me = rep.clone();
                }
                self.presences.insert(rep.rep.clone(), rep.clone());
            }
            RepEvent::TeamChat { message } => {
                self.team_chat.insert(message.id);
            }
            RepEvent::AssistanceRequested { request } => {
                self.assistance.insert(request.session.session_id);
            }
            RepEvent::AssistanceCleared { session_id } => {
                self.assistance.remove(session_id);
            }
            // Jump Clients are not part of the snapshot: listed on request.
            RepEvent::JumpClientUpdated { .. } => {}
            // The dashboard is compared on its own (router/tests/dashboard*).
            RepEvent::DashboardChanged { .. } => {}
        }
    }

    /// The aspects in which this view differs from what a snapshot shows, with details.
    pub fn differences(&self, fresh: &Console) -> Vec<(Aspect, String)> {
        let mut out = Vec::new();
        for (aspect, invitations) in [
            (Aspect::SessionEntries, false),
            (Aspect::InvitationEntries, true),
        ] {
            let kind = |e: &QueueEntry| e.invitation.is_some() == invitations;
            let stale: Vec<_> = self
                .entries
                .iter()
                .filter(|(k, e)| kind(e) && fresh.entries.get(*k) != Some(*e))
                .map(|(k, _)| k)
                .collect();
            let missing: Vec<_> = fresh
                .entries
                .iter()
                .filter(|(k, e)| kind(e) && self.entries.get(*k) != Some(*e))
                .map(|(k, _)| k)
                .collect();
            if !stale.is_empty() || !missing.is_empty() {
                out.push((
                    aspect,
                    format!("stale or changed {stale:?}, missing or changed {missing:?}"),
                ));
            }
        }
        if self.sessions != fresh.sessions || self.assistance != fresh.assistance {
            out.push((
                Aspect::Sessions,
                format!("{:#?} vs snapshot {:#?}", self.sessions, fresh.sessions),
            ));
        }
        if self.offer != fresh.offer {
            out.push((
                Aspect::Offer,
                format!("{:?} vs snapshot {:?}", self.offer, fresh.offer),
            ));
        }
        if self.presences != fresh.presences || self.me != fresh.me {
            let stale: Vec<String> = self
                .presences
                .iter()
                .filter(|(r, info)| fresh.presences.get(*r) != Some(*info))
                .map(|(r, info)| {
                    format!(
                        "{r}: {:?} vs snapshot {:?}",
                        info.presence,
                        fresh.presences.get(r).map(|i| i.presence)
                    )
                })
                .collect();
            out.push((Aspect::Presence, stale.join("; ")));
        }
        if self.team_chat != fresh.team_chat {
            out.push((
                Aspect::TeamChat,
                format!("{:?} vs snapshot {:?}", self.team_chat, fresh.team_chat),
            ));
        }
        out
    }
}

/// Every rep's console, fed with the events of each step.
pub struct Consoles(pub BTreeMap<RepId, Console>);

impl Consoles {
    pub fn new(runner: &Runner) -> Consoles {
        Consoles(
            runner
                .h
                .all_snaps()
                .iter()
                .map(|(r, s)| (r.clone(), Console::from_snapshot(s)))
                .collect(),
        )
    }

    pub fn apply(&mut self, effects: &[Effect]) {
        for effect in effects {
            if let Effect::ToRep(r, event) = effect
                && let Some(console) = self.0.get_mut(r)
            {
                console.apply(event);
            }
        }
    }

    /// Differences with fresh snapshots, in the aspects asked for.
    pub fn check(&self, runner: &Runner, aspects: &[Aspect]) -> Result<(), String> {
        for (r, snap) in runner.h.all_snaps() {
            let fresh = Console::from_snapshot(&snap);
            let differences: Vec<String> = self.0[&r]
                .differences(&fresh)
                .into_iter()
                .filter(|(aspect, _)| aspects.contains(aspect))
                .map(|(aspect, detail)| format!("{aspect:?}: {detail}"))
                .collect();
            if !differences.is_empty() {
                return Err(format!("{r}'s console: {}", differences.join("\n")));
            }
        }
        Ok(())
    }
}

/// Runs the ops, feeding every console, and checks the asked aspects after each step.
fn consoles_agree(ops: &[super::properties::Op], aspects: &[Aspect]) -> Result<(), TestCaseError> {
    let mut runner = Runner::new();
    let mut consoles = Consoles::new(&runner);
    for op in ops {
        let effects = runner.step(op)?;
        consoles.apply(&effects);
        if let Err(e) = consoles.check(&runner, aspects) {
            return Err(TestCaseError::fail(format!("after {op:?}: {e}")));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Seed 000/002: what a console shows from live events (waiting sessions in its queues,
    /// its sessions with their chat, its offer, team chat) always equals a fresh snapshot.
    #[test]
    fn live_events_keep_consoles_equal_to_snapshots(ops in proptest::collection::vec(op(), 1..=60)) {
        consoles_agree(
            &ops,
            &[Aspect::SessionEntries, Aspect::Sessions, Aspect::Offer, Aspect::TeamChat],
        )?;
    }

    /// Seed 002: the invitations a console shows from live events always equal a fresh
    /// snapshot (a rep who joins or leaves a session sees its other invitations go or come).
    #[test]
    fn live_invitations_keep_consoles_equal_to_snapshots(ops in proptest::collection::vec(sharing_op(), 1..=60)) {
        consoles_agree(&ops, &[Aspect::InvitationEntries])?;
    }

    /// PROTOCOL.md §5 set_presence and §6: presence_changed reaches every connected rep,
    /// so the presences a console shows stay those of a fresh snapshot.
    #[test]
    fn live_presence_keeps_consoles_equal_to_snapshots(ops in proptest::collection::vec(op(), 1..=60)) {
        consoles_agree(&ops, &[Aspect::Presence])?;
    }
}
