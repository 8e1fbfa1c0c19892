//! Building what reps and customers see: queue entries, session views, snapshots, and
//! announcing entry changes to exactly the reps who may see the queue.

use super::state::{Invitation, Session, session_entry_id};
use super::{Reply, Router};
use switchboard_protocol::{
    Author, ChatMessage, IssueInfo, MessageId, Offer, OkResult, QueueEntry, QueueRef, QueueView,
    RepEvent, RepId, RepInfo, RepSnapshot, SessionId, SessionInfo, SessionView, TeamInfo,
    Visibility,
};

impl Router {
    pub(super) fn session_entry(&self, session: &Session) -> Option<QueueEntry> {
        let waiting = session.waiting.as_ref()?;
        Some(QueueEntry {
            entry_id: session_entry_id(session.id),
            queue: waiting.queue.clone(),
            session_id: session.id,
            customer: session.customer.clone(),
            issue: session.issue.clone(),
            kind: session.kind,
            entry_path: session.entry_path,
            entered_queue_at: waiting.entered_at,
            session_started_at: session.started_at,
            important: session.important,
            history: session.history.clone(),
            session_key: session.session_key.clone(),
            invitation: None,
        })
    }

    pub(super) fn invitation_entry(&self, invitation: &Invitation) -> Option<QueueEntry> {
        let session = self.sessions.get(&invitation.session_id)?;
        Some(QueueEntry {
            entry_id: invitation.entry_id(),
            queue: invitation.queue.clone(),
            session_id: session.id,
            customer: session.customer.clone(),
            issue: session.issue.clone(),
            kind: session.kind,
            entry_path: session.entry_path,
            entered_queue_at: invitation.created_at,
            session_started_at: session.started_at,
            important: session.important,
            history: session.history.clone(),
            session_key: session.session_key.clone(),
            invitation: Some(invitation.info()),
        })
    }

    /// Whether `rep` should see this invitation in their queue.
    pub(super) fn invitation_visible_to(&self, invitation: &Invitation, rep: &RepId) -> bool {
        self.config.can_see(rep, &invitation.queue)
            && !invitation.declined_by.contains(rep)
            && self
                .sessions
                .get(&invitation.session_id)
                .is_some_and(|s| !s.has_rep(rep))
    }

    /// Tells every rep who sees the session's queue about its (new or changed) entry.
    pub(super) fn announce_session_entry(&mut self, session_id: SessionId) {
        let Some(entry) = self
            .sessions
            .get(&session_id)
            .and_then(|s| self.session_entry(s))
        else {
            return;
        };
        for rep in self.config.viewers(&entry.queue) {
            self.tell_rep(
                &rep,
                RepEvent::EntryUpserted {
                    entry: entry.clone(),
                },
            );
        }
    }

    /// Tells the queue's viewers that an entry left it.
    pub(super) fn announce_removed(&mut self, queue: &QueueRef, entry_id: String) {
        for rep in self.config.viewers(queue) {
            self.tell_rep(
                &rep,
                RepEvent::EntryRemoved {
                    queue: queue.clone(),
                    entry_id: entry_id.clone(),
                },
            );
        }
    }

    pub(super) fn announce_invitation(&mut self, invitation: &Invitation) {
        let Some(entry) = self.invitation_entry(invitation) else {
            return;
        };
        for rep in self.config.viewers(&invitation.queue) {
            if self.invitation_visible_to(invitation, &rep) {
                self.tell_rep(
                    &rep,
                    RepEvent::EntryUpserted {
                        entry: entry.clone(),
                    },
                );
            }
        }
    }

    pub(super) fn session_info(&self, session: &Session) -> SessionInfo {
        SessionInfo {
            session_id: session.id,
            customer: session.customer.clone(),
            customer_connected: session.customer_connected,
            issue: session.issue.clone(),
            kind: session.kind,
            entry_path: session.entry_path,
            started_at: session.started_at,
            owner: session.owner.clone(),
            participants: session.participants.clone(),
            waiting_in: session.waiting.as_ref().map(|w| w.queue.clone()),
            important: session.important,
            disposition: session.disposition.clone(),
            history: session.history.clone(),
            invitations: self
                .invitations
                .values()
                .filter(|i| i.session_id == session.id)
                .map(Invitation::info)
                .collect(),
            ended: session.ended_at.is_some(),
            assistance: session.assistance.is_some(),
            has_history: self.has_history(session),
            remote: super::grants::remote_info(session),
            // The leads monitoring it, unless the server keeps them from the reps.
            monitors: if self.config.supervision.announce_monitoring {
                session.monitors.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// The session's info as `viewer` sees it: a monitoring lead always sees the monitors
    /// (themselves included), whatever `announce_monitoring` says.
    pub(super) fn session_info_for(&self, session: &Session, viewer: &RepId) -> SessionInfo {
        let mut info = self.session_info(session);
        if session.monitors.contains(viewer) {
            info.monitors = session.monitors.clone();
        }
        info
    }

    /// The session as `viewer` (in it or monitoring it) sees it: whispers to others left out.
    pub(super) fn session_view(&self, session: &Session, viewer: &RepId) -> SessionView {
        let (chat, earlier_chat) = recent_chat(
            session
                .chat
                .iter()
                .filter(|m| super::supervision::rep_sees_message(m, viewer)),
            self.config.limits.snapshot_chat_messages,
        );
        SessionView {
            session: self.session_info_for(session, viewer),
            chat,
            earlier_chat,
        }
    }

    /// `load_chat`: the page of the session's chat just before message `before`, as the
    /// rep (in the session or monitoring it) may read it: whispers to others left out.
    pub(super) fn load_chat(&self, rep: &RepId, session_id: SessionId, before: MessageId) -> Reply {
        let session = self.watched_session(rep, session_id)?;
        let (messages, more) = recent_chat(
            session
                .chat
                .iter()
                .filter(|m| m.id < before && super::supervision::rep_sees_message(m, rep)),
            self.config.limits.snapshot_chat_messages,
        );
        Ok(Some(OkResult::ChatPage { messages, more }))
    }

    /// Sends the session's current info to every rep in it or monitoring it (and `also`, if
    /// given).
    pub(super) fn announce_session_update(&mut self, session_id: SessionId, also: Option<&RepId>) {
        let Some(session) = self.sessions.get(&session_id) else {
            return;
        };
        let info = self.session_info(session);
        let mut reps = session.participants.clone();
        if let Some(extra) = also
            && !reps.contains(extra)
        {
            reps.push(extra.clone());
        }
        // Monitors see the monitors even when the reps do not: their own copy.
        let monitors: Vec<(RepId, SessionInfo)> = session
            .monitors
            .iter()
            .filter(|m| !reps.contains(m))
            .map(|m| (m.clone(), self.session_info_for(session, m)))
            .collect();
        for rep in reps {
            self.tell_rep(
                &rep,
                RepEvent::SessionUpdated {
                    session: info.clone(),
                },
            );
        }
        for (monitor, session) in monitors {
            self.tell_rep(&monitor, RepEvent::SessionUpdated { session });
        }
    }

    pub(super) fn rep_info(&self, rep: &RepId) -> Option<RepInfo> {
        let config = self.config.reps.get(rep)?;
        Some(RepInfo {
            rep: rep.clone(),
            display_name: config.name.clone(),
            teams: config.teams.clone(),
            presence: self.rep_state(rep).presence(),
            extended_availability: config.extended_availability,
        })
    }

    /// The rep and everyone sharing a team with them: whose presence a console follows.
    /// (Everyone, for 1,000 reps, would make each login storm a million events.)
    pub(super) fn colleagues(&self, rep: &RepId) -> Vec<RepId> {
        self.config.colleagues(rep)
    }

    /// Tells the rep and their teammates that this rep's presence changed.
    pub(super) fn announce_presence(&mut self, rep: &RepId) {
        self.dash_presence(rep);
        let Some(info) = self.rep_info(rep) else {
            return;
        };
        let audience = self.colleagues(rep);
        for other in audience {
            self.tell_rep(&other, RepEvent::PresenceChanged { rep: info.clone() });
        }
    }

    pub(super) fn offer_for(&self, rep: &RepId) -> Option<Offer> {
        let session_id = self.reps.get(rep)?.offer?;
        let session = self.sessions.get(&session_id)?;
        let pending = session.offer.as_ref()?;
        Some(Offer {
            entry: self.session_entry(session)?,
            offered_at: pending.offered_at,
            deadline: pending.deadline,
            url: self.offer_url(session),
        })
    }

    /// The entries of one queue as `rep` sees them, in queue order, invitations included.
    pub(super) fn queue_entries(&self, queue: &QueueRef, rep: &RepId) -> Vec<QueueEntry> {
        let mut entries: Vec<QueueEntry> = self
            .queues
            .get(queue)
            .into_iter()
            .flatten()
            .filter_map(|(_, id)| self.sessions.get(id).and_then(|s| self.session_entry(s)))
            .collect();
        entries.extend(
            self.invitations
                .values()
                .filter(|i| &i.queue == queue && self.invitation_visible_to(i, rep))
                .filter_map(|i| self.invitation_entry(i)),
        );
        entries
    }

    /// The page a push offer links to: the waiting queue's team's `offer_url`, filled in.
    pub(super) fn offer_url(&self, session: &Session) -> Option<String> {
        let QueueRef::Team { team } = &session.waiting.as_ref()?.queue else {
            return None;
        };
        let template = self.config.teams.get(team)?.offer_url.as_ref()?;
        Some(switchboard_protocol::links::fill_link(
            template,
            session.id,
            &session.customer.name,
        ))
    }

    /// Everything a console needs after connecting.
    pub fn snapshot(&self, rep: &RepId) -> Option<RepSnapshot> {
        let config = self.config.reps.get(rep)?;
        let me = self.rep_info(rep)?;
        let queues = self
            .config
            .visible_queues(rep)
            .into_iter()
            .map(|queue| QueueView {
                mode: self.config.queue_mode(&queue).0,
                entries: self.queue_entries(&queue, rep),
                service_level: self.config.service_level(&queue),
                queue,
            })
            .collect();
        let sessions = self
            .sessions_of(rep)
            .iter()
            .chain(&self.monitored_by(rep))
            .filter_map(|id| self.sessions.get(id))
            .map(|s| self.session_view(s, rep))
            .collect();
        let team_chat = config
            .teams
            .iter()
            .flat_map(|t| {
                let kept = self.team_chat.get(t);
                let len = kept.map_or(0, |k| k.len());
                kept.into_iter().flatten().skip(len.saturating_sub(50))
            })
            .cloned()
            .collect();
        Some(RepSnapshot {
            me,
            permissions: config.permissions.clone(),
            reps: self
                .colleagues(rep)
                .iter()
                .filter_map(|r| self.rep_info(r))
                .collect(),
            teams: self
                .config
                .teams
                .values()
                .map(|t| TeamInfo {
                    team: t.id.clone(),
                    display_name: t.name.clone(),
                    mode: t.mode,
                    // Members of the rep's own teams only: every team's would make each
                    // snapshot as large as the whole staff (and logging in N reps O(N²)).
                    members: if config.teams.contains(&t.id) {
                        t.members.clone()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
            issues: self
                .config
                .issues
                .values()
                .map(|i| IssueInfo {
                    issue: i.id.clone(),
                    display_name: i.name.clone(),
                    team: i.team.clone(),
                    request_help: i.request_help,
                })
                .collect(),
            dispositions: self.config.settings.dispositions.clone(),
            require_disposition: self.config.settings.require_disposition,
            queues,
            sessions,
            offer: self.offer_for(rep),
            team_chat,
            templates: self
                .config
                .templates
                .iter()
                .filter(|t| {
                    t.team
                        .as_ref()
                        .is_none_or(|team| config.teams.contains(team))
                })
                .cloned()
                .collect(),
            external_url: self.config.settings.external_url.clone(),
            assistance: self.assistance_for(rep),
            dashboard: self.dashboard_for(rep),
        })
    }

    /// Reps logged in and available now, for the public site's "pick a rep" list.
    pub fn available_reps(&self) -> Vec<(RepId, String)> {
        self.config
            .reps
            .values()
            .filter(|r| {
                self.rep_state(&r.id).presence() == switchboard_protocol::Presence::Available
            })
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect()
    }

    /// The public chat of a session, as its customer may read it.
    /// The newest part of the public chat, as a customer sees it on (re)connecting.
    pub(super) fn public_chat(session: &Session) -> Vec<ChatMessage> {
        recent_chat(
            session
                .chat
                .iter()
                .filter(|m| m.visibility == Visibility::Public),
            CUSTOMER_CHAT_MESSAGES,
        )
        .0
    }

    pub(super) fn rep_names(&self, session: &Session) -> Vec<String> {
        session
            .participants
            .iter()
            .map(|r| self.config.rep_name(r))
            .collect()
    }

    /// Delivers a chat message to the reps in the session and the leads monitoring it who
    /// may read it (a whisper: only its author and `whisper_to`), and to the customer if
    /// public.
    pub(super) fn deliver_chat(&mut self, message: &ChatMessage) {
        let Some(session) = self.sessions.get(&message.session_id) else {
            return;
        };
        // Straight into `out` (a field apart from `sessions`): no list of readers to
        // collect first, no extra copy of each rep's id.
        let readers = session
            .participants
            .iter()
            .chain(session.monitors.iter().filter(|m| !session.has_rep(m)))
            .filter(|r| super::supervision::rep_sees_message(message, r));
        for rep in readers {
            self.out.push(super::effects::Effect::ToRep(
                rep.clone(),
                RepEvent::Chat {
                    message: message.clone(),
                },
            ));
        }
        let customer_sees = message.visibility == Visibility::Public
            && session.customer_connected
            && !matches!(message.author, Author::Customer { .. });
        if customer_sees {
            self.tell_customer(
                message.session_id,
                switchboard_protocol::CustomerServerMessage::Chat {
                    message: message.clone(),
                },
            );
        }
    }
}

/// Text of the chat one snapshot (or `session_joined`, or a page of `load_chat`) carries per
/// session at most: 256 KiB of the newest messages (at least one), so no frame outgrows what
/// a console reads, however long the messages.
pub const CHAT_PAGE_BYTES: usize = 256 * 1024;

/// Messages a customer gets back on (re)connecting: the newest, within [`CHAT_PAGE_BYTES`].
pub const CUSTOMER_CHAT_MESSAGES: usize = 200;

/// The newest messages of `chat` (oldest first): at most `max_messages`, and within
/// [`CHAT_PAGE_BYTES`] of text; and whether older ones were left out.
pub fn recent_chat<'a>(
    chat: impl DoubleEndedIterator<Item = &'a ChatMessage>,
    max_messages: usize,
) -> (Vec<ChatMessage>, bool) {
    let mut kept = Vec::new();
    let mut bytes = 0;
    let mut left_out = false;
    for message in chat.rev() {
        let size = message.text.len() + 256;
        if kept.len() >= max_messages || (!kept.is_empty() && bytes + size > CHAT_PAGE_BYTES) {
            left_out = true;
            break;
        }
        bytes += size;
        kept.push(message.clone());
    }
    kept.reverse();
    (kept, left_out)
}
