//! The moves every rule is built from: putting a session in a queue and taking it out,
//! a rep leaving a session, dropping invitations, ending a session.

use super::Router;
use super::effects::{Effect, StoreOp};
use super::state::{Waiting, session_entry_id};
use switchboard_protocol::{
    CustomerServerMessage, GrantEnd, InvitationId, InviteTarget, LeftReason, OfferEndReason,
    QueueHop, QueueMode, QueueReason, QueueRef, RepEvent, RepId, SessionId, UnixMillis,
};

impl Router {
    /// Puts a session (not currently waiting) in `queue`, records the hop, tells the viewers.
    pub(super) fn enqueue(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        queue: QueueRef,
        reason: QueueReason,
        by: Option<RepId>,
    ) {
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        debug_assert!(session.waiting.is_none());
        session.waiting = Some(Waiting {
            queue: queue.clone(),
            entered_at: now,
        });
        session.home_queue = queue.clone();
        session.history.push(QueueHop {
            queue: queue.clone(),
            reason,
            at: now,
            by,
        });
        session.position_sent = None;
        self.queues
            .entry(queue.clone())
            .or_default()
            .insert((now, session_id));
        self.index_waiting(
            session_id,
            &Waiting {
                queue: queue.clone(),
                entered_at: now,
            },
        );
        self.dirty_positions.insert(queue.clone());
        self.dash_arrived(now, session_id, &queue);
        self.announce_session_entry(session_id);
        if self.config.queue_mode(&queue).0 == QueueMode::Push {
            self.offer_next(now, session_id);
        }
    }

    /// Takes a waiting session out of its queue (withdrawing any offer) and tells the viewers.
    pub(super) fn dequeue(&mut self, session_id: SessionId, offer_reason: OfferEndReason) {
        self.withdraw_offer(session_id, offer_reason);
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        let Some(waiting) = session.waiting.take() else {
            return;
        };
        session.position_sent = None;
        self.unindex_waiting(session_id);
        self.dash_dequeued(session_id, &waiting);
        if let Some(set) = self.queues.get_mut(&waiting.queue) {
            set.remove(&(waiting.entered_at, session_id));
            if set.is_empty() {
                self.queues.remove(&waiting.queue);
            }
        }
        self.dirty_positions.insert(waiting.queue.clone());
        self.announce_removed(&waiting.queue, session_entry_id(session_id));
    }

    /// Removes one invitation and its queue entry; tells the session's reps.
    pub(super) fn drop_invitation(&mut self, id: InvitationId) {
        let Some(invitation) = self.invitations.remove(&id) else {
            return;
        };
        self.announce_removed(&invitation.queue, invitation.entry_id());
        self.emit(Effect::Persist(StoreOp::DeleteInvitation(id)));
        self.announce_session_update(invitation.session_id, None);
    }

    /// Drops every invitation of a session (its owner changed, or it ended).
    pub(super) fn drop_session_invitations(&mut self, session_id: SessionId) {
        let ids: Vec<InvitationId> = self
            .invitations
            .values()
            .filter(|i| i.session_id == session_id)
            .map(|i| i.id)
            .collect();
        for id in ids {
            self.drop_invitation(id);
        }
    }

    /// Takes a rep out of a session's participants (not the owner field), telling them,
    /// the customer, and the remaining reps.
    pub(super) fn remove_participant(
        &mut self,
        session_id: SessionId,
        rep: &RepId,
        reason: LeftReason,
    ) {
        if !self
            .sessions
            .get(&session_id)
            .is_some_and(|s| s.has_rep(rep))
        {
            return;
        }
        // Their grants end first: no grant is live for a rep out of the session.
        let end = match reason {
            LeftReason::Transferred => GrantEnd::Transferred,
            LeftReason::Removed => GrantEnd::Removed,
            LeftReason::Ended => GrantEnd::SessionEnded,
            LeftReason::Left
            | LeftReason::LeftInQueue
            | LeftReason::ConnectionLost
            | LeftReason::TakenOver => GrantEnd::Left,
        };
        self.end_rep_grants(session_id, rep, end);
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        let before = session.participants.len();
        session.participants.retain(|r| r != rep);
        if session.participants.len() == before {
            return;
        }
        if let Some(set) = self.rep_sessions.get_mut(rep) {
            set.remove(&session_id);
        }
        // Less loaded, and no longer in this session: the rep may now be offered one.
        self.timers.offer_pass_needed = true;
        if session.is_owner(rep) {
            session.owner = None;
        }
        let name = self.config.rep_name(rep);
        self.tell_rep(rep, RepEvent::SessionLeft { session_id, reason });
        // Team invitations of this session are the rep's to see again now they are out of it.
        if reason != LeftReason::Ended {
            self.show_session_invitations_to(session_id, rep);
        }
        if let Some(note) = Self::left_note(&name, reason) {
            self.note(session_id, note);
        }
        if reason != LeftReason::Ended {
            self.tell_customer(session_id, CustomerServerMessage::RepLeft { name });
            self.announce_session_update(session_id, None);
        }
    }

    /// Ends a session: every rep leaves, the customer is told and disconnected, it is kept
    /// in the store as ended and leaves memory.
    pub(super) fn end_session(&mut self, now: UnixMillis, session_id: SessionId, message: &str) {
        self.dash_ending(now, session_id);
        self.end_all_grants(session_id, GrantEnd::SessionEnded);
        self.dequeue(session_id, OfferEndReason::Gone);
        self.drop_session_invitations(session_id);
        self.clear_assistance(session_id);
        self.remember_ended_contact(session_id);
        let participants = self
            .sessions
            .get(&session_id)
            .map(|s| s.participants.clone())
            .unwrap_or_default();
        for rep in participants {
            self.remove_participant(session_id, &rep, LeftReason::Ended);
        }
        // The leads monitoring it stop with it.
        let monitors = self
            .session_mut(session_id)
            .map(|s| std::mem::take(&mut s.monitors))
            .unwrap_or_default();
        for monitor in monitors {
            self.tell_rep(
                &monitor,
                RepEvent::SessionLeft {
                    session_id,
                    reason: LeftReason::Ended,
                },
            );
        }
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        session.ended_at = Some(now);
        session.owner = None;
        let customer_was_there = session.customer_connected;
        session.customer_connected = false;
        self.persist_session(session_id);
        if customer_was_there {
            self.tell_customer(
                session_id,
                CustomerServerMessage::SessionEnded {
                    message: message.to_owned(),
                },
            );
            self.emit(Effect::CloseCustomer(session_id));
        }
        self.sessions.remove(&session_id);
    }

    /// A rep who joined a session another way: their own invitation to it disappears, and the
    /// team invitations they could see leave their queues.
    fn hide_session_invitations_from(&mut self, session_id: SessionId, rep: &RepId) {
        let invitations: Vec<(InvitationId, bool, QueueRef, String)> = self
            .invitations
            .values()
            .filter(|i| i.session_id == session_id && self.config.can_see(rep, &i.queue))
            .map(|i| {
                let for_this_rep = matches!(&i.target, InviteTarget::Rep { rep: r } if r == rep);
                (i.id, for_this_rep, i.queue.clone(), i.entry_id())
            })
            .collect();
        for (id, for_this_rep, queue, entry_id) in invitations {
            if for_this_rep {
                self.drop_invitation(id);
            } else {
                self.tell_rep(rep, RepEvent::EntryRemoved { queue, entry_id });
            }
        }
    }

    /// A rep who left a session sees its still-active team invitations again.
    fn show_session_invitations_to(&mut self, session_id: SessionId, rep: &RepId) {
        let entries: Vec<_> = self
            .invitations
            .values()
            .filter(|i| i.session_id == session_id && self.invitation_visible_to(i, rep))
            .filter_map(|i| self.invitation_entry(i))
            .collect();
        for entry in entries {
            self.tell_rep(rep, RepEvent::EntryUpserted { entry });
        }
    }

    /// Sends the rep into the session as a participant (and owner, if `owner`).
    pub(super) fn join_session(&mut self, session_id: SessionId, rep: &RepId, owner: bool) {
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        let newly_joined = !session.participants.contains(rep);
        // A lead monitoring the session who joins it is in it now, no longer a monitor.
        let was_monitor = session.monitors.contains(rep);
        session.monitors.retain(|m| m != rep);
        // A jump session's first owner is the rep who jumped: its note says so already.
        let jumped = owner
            && session.entry_path == switchboard_protocol::EntryPath::JumpClient
            && session.ever_joined.is_empty();
        if newly_joined {
            session.participants.push(rep.clone());
            session.ever_joined.insert(rep.clone());
            self.rep_sessions
                .entry(rep.clone())
                .or_default()
                .insert(session_id);
        }
        if owner {
            session.owner = Some(rep.clone());
            self.dash_owned(session_id, rep);
        }
        if newly_joined {
            self.hide_session_invitations_from(session_id, rep);
        }
        let view = self.session_view(&self.sessions[&session_id], rep);
        self.tell_rep(rep, RepEvent::SessionJoined { view });
        if was_monitor {
            // Their view of the screen was a monitor's: in the session, they ask for their own.
            self.monitor_media_changed(session_id);
        }
        if newly_joined {
            let name = self.config.rep_name(rep);
            let verb = if owner { "accepted" } else { "joined" };
            if !jumped {
                self.note(session_id, format!("{name} {verb} the session."));
            }
            self.tell_customer(session_id, CustomerServerMessage::RepJoined { name });
        }
        let session = &self.sessions[&session_id];
        let others: Vec<(RepId, switchboard_protocol::SessionInfo)> = session
            .participants
            .iter()
            .chain(&session.monitors)
            .filter(|r| *r != rep)
            .map(|r| (r.clone(), self.session_info_for(session, r)))
            .collect();
        for (other, info) in others {
            self.tell_rep(&other, RepEvent::SessionUpdated { session: info });
        }
        self.persist_session(session_id);
    }
}
