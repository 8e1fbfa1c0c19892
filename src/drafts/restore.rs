//! Which drafts come back after a restart: those of sessions the rep still owns or has
//! joined, and of teams they are still in, as the first snapshot tells. Pure: reads the
//! model.

use super::book::DraftKey;
use crate::model::Model;

/// Whether a draft's session is still one the rep owns or has joined (monitoring is not
/// enough), or its team one they are a member of.
pub fn still_mine(model: &Model, key: &DraftKey) -> bool {
    let Some(me) = model.me_id() else {
        return false;
    };
    match key {
        DraftKey::Session { session_id } => model.sessions.get(session_id).is_some_and(|s| {
            !s.info.ended && (model.owns(&s.info) || s.info.participants.contains(me))
        }),
        DraftKey::Team { team } => model
            .teams
            .iter()
            .any(|t| &t.team == team && t.members.contains(me)),
    }
}
