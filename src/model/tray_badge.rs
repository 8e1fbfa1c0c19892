//! The tray icon's badge: how many things wait for this rep (issue 16, "The system tray").
//! A pure count over the model, so the tray thread is only told a number and the rule is
//! tested without D-Bus: a push offer ringing, the entries in the rep's personal queue
//! (directed to them, invitations for them), and the session tabs with unread messages.

use super::Model;
use switchboard_protocol::QueueRef;

/// What waits for the rep, by kind; [`Waiting::total`] is the badge's number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// A push offer ringing (0 or 1).
    pub offers: usize,
    /// Entries in the rep's personal queue, the offered one not counted twice.
    pub personal: usize,
    /// Session tabs with at least one unread message (a tab, not each message).
    pub unread_sessions: usize,
}

impl Waiting {
    pub fn total(&self) -> usize {
        self.offers + self.personal + self.unread_sessions
    }
}

/// What waits for the rep now; nothing before the login's snapshot.
pub fn waiting(model: &Model) -> Waiting {
    let Some(me) = model.me_id() else {
        return Waiting::default();
    };
    let offered = model.offer.as_ref().map(|o| o.entry.entry_id.as_str());
    let personal = model
        .queues
        .iter()
        .filter(|q| matches!(&q.queue, QueueRef::Personal { rep } if rep == me))
        .flat_map(|q| q.entries.iter())
        .filter(|entry| Some(entry.entry_id.as_str()) != offered)
        .count();
    Waiting {
        offers: usize::from(model.offer.is_some()),
        personal,
        unread_sessions: model.sessions_with_unread().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Queue, SessionState};
    use switchboard_protocol::{
        Offer, Presence, QueueEntry, QueueMode, RepId, RepInfo, SessionId, TeamId,
    };

    fn me() -> RepId {
        RepId::new("alice")
    }

    fn logged_in() -> Model {
        let mut model = Model::new();
        model.me = Some(RepInfo {
            rep: me(),
            display_name: "Alice".to_owned(),
            teams: Vec::new(),
            presence: Presence::Available,
            extended_availability: false,
        });
        model
    }

    /// The model tests' waiting entry, named after its id.
    fn entry(id: u64, queue: &QueueRef) -> QueueEntry {
        crate::model::tests::entry(id, queue.clone(), &format!("Customer {id}"), 0)
    }

    fn queue(queue: QueueRef, ids: &[u64]) -> Queue {
        Queue {
            entries: ids.iter().map(|id| entry(*id, &queue)).collect(),
            queue,
            mode: QueueMode::Pull,
            generation: 1,
            service_level: Default::default(),
        }
    }

    fn personal(rep: RepId) -> QueueRef {
        QueueRef::Personal { rep }
    }

    /// A session of mine (the model tests' `session_info`) with `unread` messages.
    fn session(id: u64, unread: usize) -> SessionState {
        SessionState {
            info: crate::model::tests::session_info(id, &format!("Customer {id}")),
            chat: Vec::new(),
            pending: Vec::new(),
            unread,
            events: Vec::new(),
            earlier_chat: false,
            loading_earlier: false,
        }
    }

    #[test]
    fn nothing_waits_before_the_login() {
        let mut model = Model::new();
        model.queues.push(queue(personal(me()), &[1, 2]));
        assert_eq!(waiting(&model).total(), 0);
    }

    #[test]
    fn only_my_personal_queue_counts() {
        let mut model = logged_in();
        model.queues.push(queue(personal(me()), &[1, 2]));
        model.queues.push(queue(personal(RepId::new("bob")), &[3]));
        let billing = QueueRef::Team {
            team: TeamId::new("billing"),
        };
        model.queues.push(queue(billing, &[4, 5, 6]));
        model.queues.push(queue(QueueRef::General, &[7]));
        let waiting = waiting(&model);
        assert_eq!(waiting.personal, 2);
        assert_eq!(waiting.total(), 2);
    }

    #[test]
    fn an_offer_counts_once_even_from_my_personal_queue() {
        let mut model = logged_in();
        let mine = personal(me());
        model.queues.push(queue(mine.clone(), &[1, 2]));
        model.offer = Some(Offer {
            entry: entry(2, &mine),
            offered_at: 0,
            deadline: 30_000,
            url: None,
        });
        let waiting = waiting(&model);
        assert_eq!((waiting.offers, waiting.personal), (1, 1));
        assert_eq!(waiting.total(), 2);
    }

    #[test]
    fn sessions_with_unread_count_once_each() {
        let mut model = logged_in();
        model.sessions.insert(SessionId(10), session(10, 3));
        model.sessions.insert(SessionId(11), session(11, 0));
        model.sessions.insert(SessionId(12), session(12, 1));
        assert_eq!(waiting(&model).unread_sessions, 2);
    }

    #[test]
    fn the_total_adds_the_three_kinds() {
        let mut model = logged_in();
        let billing = QueueRef::Team {
            team: TeamId::new("billing"),
        };
        model.offer = Some(Offer {
            entry: entry(9, &billing),
            offered_at: 0,
            deadline: 30_000,
            url: None,
        });
        model.queues.push(queue(personal(me()), &[1]));
        model.sessions.insert(SessionId(10), session(10, 2));
        let waiting = waiting(&model);
        assert_eq!(
            waiting,
            Waiting {
                offers: 1,
                personal: 1,
                unread_sessions: 1
            }
        );
        assert_eq!(waiting.total(), 3);
    }
}
