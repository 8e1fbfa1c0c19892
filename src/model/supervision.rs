//! Supervision as the console offers it, pure (issue 15): what a team lead's session tab
//! offers while monitoring or taking part (Whisper to ▾, Join, Take over ▾, Stop monitoring)
//! and why each is greyed; who the reps in a session read as monitoring it; whispers sent
//! like chat (pending at once, retried with the same client id); the top bar's load against
//! the cap and whether Take next can be asked; and where a wait stands against its queue's
//! service level, for the queue views. The server decides; this only says what to offer
//! and why not, from the same facts the server checks. No egui, no IO; the clock is an
//! argument.

use super::{Change, Model, PendingChat, Queue};
use crate::text::display;
use crate::text::supervision as words;
use switchboard_protocol::supervision::{ServiceLevel, WaitLevel};
use switchboard_protocol::{
    RepId, RepRequest, RequestId, SessionId, SessionInfo, UnixMillis, Visibility,
};

/// The supervision strip of one session tab, for a lead monitoring it or taking part in it
/// without owning it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionBar {
    /// Watching without being in the session: the public composer gives way to whispers,
    /// and Join and Stop monitoring are offered.
    pub monitoring: bool,
    /// Whom a whisper may go to, the owner first (with "(owner)" in its label).
    pub whisper_targets: Vec<WhisperTarget>,
    /// Why whispering is greyed (`None`: it is open).
    pub whisper: Option<String>,
    /// Why Take over is greyed (`None`: it is open).
    pub take_over: Option<String>,
    /// The owner's name, for Take over's two choices ("Alice stays", "Alice leaves").
    pub owner_name: Option<String>,
}

/// A rep a whisper may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhisperTarget {
    pub rep: RepId,
    /// As the list shows it: "Alice Martin (owner)".
    pub label: String,
}

impl SupervisionBar {
    /// The rep a whisper goes to: the one chosen, if still offered, else the first (the
    /// owner when there is one).
    pub fn target(&self, chosen: Option<&RepId>) -> Option<&WhisperTarget> {
        chosen
            .and_then(|c| self.whisper_targets.iter().find(|t| &t.rep == c))
            .or_else(|| self.whisper_targets.first())
    }
}

/// The top bar's load: sessions owned against the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    pub owned: usize,
    pub cap: u32,
}

impl Load {
    /// At (or past) the cap: the figure shows in the warning colour, Take next greys.
    pub fn at_cap(&self) -> bool {
        self.owned >= self.cap as usize
    }
}

/// A queue pane's title figures: its longest wait (with its level) and how many breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneWaits {
    pub longest_ms: u64,
    pub longest_level: WaitLevel,
    pub breached: usize,
}

/// Where a wait that began `since` stands at `now` against `level`.
pub fn wait_level(level: &ServiceLevel, since: UnixMillis, now: UnixMillis) -> WaitLevel {
    level.level(now.saturating_sub(since))
}

/// The pane title's figures of `queue` at `now` (`None` when nobody waits in it).
/// Invitations count too: they are waits the rep sees in the pane.
pub fn pane_waits(queue: &Queue, now: UnixMillis) -> Option<PaneWaits> {
    let oldest = queue.entries.iter().map(|e| e.entered_queue_at).min()?;
    let longest_ms = now.saturating_sub(oldest);
    let breached = queue
        .entries
        .iter()
        .filter(|e| wait_level(&queue.service_level, e.entered_queue_at, now) == WaitLevel::Breach)
        .count();
    Some(PaneWaits {
        longest_ms,
        longest_level: queue.service_level.level(longest_ms),
        breached,
    })
}

impl Model {
    fn is_me(&self, rep: &RepId) -> bool {
        self.me_id() == Some(rep)
    }

    /// Whether this rep watches the session without being in it.
    pub fn monitoring(&self, info: &SessionInfo) -> bool {
        let me = |r: &RepId| self.is_me(r);
        info.monitors.iter().any(me) && !info.participants.iter().any(me)
    }

    /// The supervision strip of `info` for this rep: a lead monitoring it, or in it without
    /// owning it and permitted to whisper or take over. `None` for everyone else.
    pub fn supervision_bar(&self, info: &SessionInfo) -> Option<SupervisionBar> {
        let permissions = self.permissions.as_ref()?;
        let monitoring = self.monitoring(info);
        let in_it = info.participants.iter().any(|r| self.is_me(r)) && !self.owns(info);
        let lead_in_it =
            in_it && permissions.lead && (permissions.whisper || permissions.take_over);
        if !monitoring && !lead_in_it {
            return None;
        }
        let owner = info.owner.as_ref();
        let mut targets: Vec<WhisperTarget> = owner
            .into_iter()
            .chain(info.participants.iter().filter(|r| Some(*r) != owner))
            .filter(|r| !self.is_me(r))
            .map(|r| WhisperTarget {
                rep: r.clone(),
                label: words::whisper_target(&self.rep_name(r), Some(r) == owner),
            })
            .collect();
        targets.dedup_by(|a, b| a.rep == b.rep);
        let whisper = if !permissions.whisper {
            Some(words::NO_WHISPER_PERMISSION.to_owned())
        } else if info.ended {
            Some(words::SESSION_ENDED.to_owned())
        } else if targets.is_empty() {
            Some(words::NOBODY_TO_WHISPER_TO.to_owned())
        } else {
            None
        };
        Some(SupervisionBar {
            monitoring,
            whisper_targets: targets,
            whisper,
            take_over: self.why_not_take_over(info),
            owner_name: owner.map(|o| self.rep_name(o)),
        })
    }

    /// Why this lead cannot take the session over (`None`: they can), by the server's rules:
    /// the permission, an active owned session not already theirs, under their cap.
    pub fn why_not_take_over(&self, info: &SessionInfo) -> Option<String> {
        let permissions = self.permissions.as_ref()?;
        if !permissions.take_over {
            return Some(words::NO_TAKE_OVER_PERMISSION.to_owned());
        }
        if info.ended {
            return Some(words::SESSION_ENDED.to_owned());
        }
        if self.owns(info) {
            return Some(words::ALREADY_OWNER.to_owned());
        }
        if info.owner.is_none() {
            let queue = info
                .waiting_in
                .as_ref()
                .map_or_else(|| "a queue".to_owned(), |q| display::queue(q, &self.teams));
            return Some(words::waiting_in(&queue));
        }
        self.load()
            .filter(Load::at_cap)
            .map(|load| words::at_cap(load.cap))
    }

    /// "Grace is monitoring" for a rep in the session (not for the monitoring lead, whose
    /// strip says so), when leads monitor it.
    pub fn monitoring_note(&self, info: &SessionInfo) -> Option<String> {
        if self.monitoring(info) {
            return None;
        }
        let names: Vec<String> = info
            .monitors
            .iter()
            .filter(|r| !self.is_me(r))
            .map(|r| self.rep_name(r))
            .collect();
        words::monitoring(&names)
    }

    /// Sessions this rep owns against their cap (`None` before the snapshot).
    pub fn load(&self) -> Option<Load> {
        let cap = self.permissions.as_ref()?.max_sessions;
        let owned = self
            .sessions
            .values()
            .filter(|s| !s.info.ended && self.owns(&s.info))
            .count();
        Some(Load { owned, cap })
    }

    /// Why Take next is greyed (`None`: it can be asked): at the cap, or nobody waiting that
    /// this rep could take (entries of their queues other than invitations, or an offer).
    pub fn why_not_take_next(&self) -> Option<String> {
        let load = self.load()?;
        if load.at_cap() {
            return Some(words::at_cap(load.cap));
        }
        let waiting = self
            .queues
            .iter()
            .flat_map(|q| &q.entries)
            .any(|e| e.invitation.is_none())
            || self.offer.is_some();
        (!waiting).then(|| words::NOTHING_WAITING.to_owned())
    }

    /// Take next's answer: the session taken comes forward, at once if its tab is open,
    /// else when `session_joined` arrives (as a tab the rep asked for).
    pub(super) fn taken(
        &mut self,
        id: RequestId,
        session_id: SessionId,
        changes: &mut Vec<Change>,
    ) {
        if self.tabs.contains(&session_id) {
            changes.push(Change::Joined {
                session_id,
                asked: true,
            });
        } else {
            self.asked_to_join.insert(id, session_id);
        }
    }

    /// Prepares a whisper: shown as pending at once (as a whisper), sent with a client id so
    /// a retry after a reconnect is never stored twice. `to`: `None` for the owner.
    pub fn send_whisper(
        &mut self,
        session_id: SessionId,
        text: &str,
        to: Option<RepId>,
    ) -> Option<(RequestId, RepRequest)> {
        self.queue_chat(session_id, text, Visibility::Whisper, to)
    }
}

impl PendingChat {
    /// The request that sends (or sends again) this message: a whisper as `whisper`, the
    /// rest as `send_chat`.
    pub fn request_in(&self, session_id: SessionId) -> RepRequest {
        if self.visibility == Visibility::Whisper {
            RepRequest::Whisper {
                session_id,
                client_msg_id: self.client_msg_id.clone(),
                text: self.text.clone(),
                to: self.whisper_to.clone(),
            }
        } else {
            RepRequest::SendChat {
                session_id,
                client_msg_id: self.client_msg_id.clone(),
                text: self.text.clone(),
                visibility: self.visibility,
            }
        }
    }
}
