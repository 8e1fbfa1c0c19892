//! One `session_updated` per rep and session per input: the last one, and only to reps
//! still in the session (or monitoring it). Runs over every input's effects in `handle`.

use super::Router;
use super::effects::Effect;
use std::collections::BTreeSet;
use switchboard_protocol::{RepEvent, RepId, SessionId};

impl Router {
    /// `session_updated` carries a session's whole state, so a rep gets at most one per
    /// session per input: the last, which shows the state the input left, and only while
    /// they are still in the session (or monitor it). Earlier ones (a transfer's moment with no owner and no
    /// queue, say) would show a state that never settled; a rep who left got `session_left`.
    pub(super) fn only_final_session_updates(&self, mut effects: Vec<Effect>) -> Vec<Effect> {
        // Most inputs (a chat message) send no `session_updated`: nothing to sift.
        if !effects
            .iter()
            .any(|e| matches!(e, Effect::ToRep(_, RepEvent::SessionUpdated { .. })))
        {
            return effects;
        }
        // In it, or monitoring it: both follow its updates.
        let still_in = |rep: &RepId, session_id: SessionId| {
            self.sessions
                .get(&session_id)
                .is_some_and(|s| s.participants.contains(rep) || s.monitors.contains(rep))
        };
        // Which to drop, found on borrowed ids (no clones, no hashing); usually none (one
        // update per rep, who is still there), and then the effects go out as they are.
        let mut seen: BTreeSet<(&RepId, SessionId)> = BTreeSet::new();
        let mut dropped = vec![false; effects.len()];
        for (index, effect) in effects.iter().enumerate().rev() {
            if let Effect::ToRep(rep, RepEvent::SessionUpdated { session }) = effect {
                let id = session.session_id;
                dropped[index] = !still_in(rep, id) || !seen.insert((rep, id));
            }
        }
        if dropped.contains(&true) {
            let mut index = 0;
            effects.retain(|_| {
                index += 1;
                !dropped[index - 1]
            });
        }
        effects
    }
}
