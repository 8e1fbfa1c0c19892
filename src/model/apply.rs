//! Applying what the server sends: the snapshot, events and replies to requests. Each
//! frame returns what it changed ([`Change`]), so nobody outside the model checks again
//! whether something is new.

use super::session_events;
use super::{
    Change, InFlight, Invitees, Model, PendingChat, Queue, SessionState, TeamChat,
    drop_acknowledged,
};
use crate::text::notices;
use crate::text::refusal::refusal_text;
use std::collections::{BTreeMap, HashMap};
use switchboard_protocol::{
    Author, ChatMessage, ErrorCode, MediaChannel, OfferEndReason, OkResult, RepEvent,
    RepServerMessage, RequestId, SessionId, TeamChatMessage, TeamId, Visibility,
};

impl Model {
    /// Applies one frame from the server; returns what it changed (nothing for a repeat).
    pub fn apply(&mut self, message: RepServerMessage) -> Vec<Change> {
        let mut changes = Vec::new();
        match message {
            RepServerMessage::Welcome { .. } => changes.push(Change::Welcomed),
            RepServerMessage::Snapshot { seq, state } => {
                let pending: HashMap<SessionId, Vec<PendingChat>> = self
                    .sessions
                    .iter_mut()
                    .map(|(id, s)| (*id, std::mem::take(&mut s.pending)))
                    .collect();
                self.me = Some(state.me.clone());
                self.permissions = Some(state.permissions);
                self.reps = state.reps.into_iter().map(|r| (r.rep.clone(), r)).collect();
                self.teams = state.teams;
                self.issues = state.issues;
                self.dispositions = state.dispositions;
                self.require_disposition = state.require_disposition;
                self.templates = state.templates;
                self.external_url = state.external_url;
                self.assistance = state.assistance;
                self.next_generation += 1;
                self.dashboard = state
                    .dashboard
                    .map(|d| super::dashboard::DashboardState::new(*d, self.next_generation));
                self.queues = state
                    .queues
                    .into_iter()
                    .map(|q| Queue {
                        queue: q.queue,
                        mode: q.mode,
                        entries: q.entries,
                        generation: 0,
                        service_level: q.service_level,
                    })
                    .collect();
                for queue in &mut self.queues {
                    self.next_generation += 1;
                    queue.generation = self.next_generation;
                }
                let old_unread: HashMap<SessionId, usize> = self
                    .sessions
                    .iter()
                    .map(|(id, s)| (*id, s.unread))
                    .collect();
                // What was told inline survives a resume.
                let mut old_events: HashMap<SessionId, Vec<session_events::SessionEvent>> = self
                    .sessions
                    .iter_mut()
                    .map(|(id, s)| (*id, std::mem::take(&mut s.events)))
                    .collect();
                self.sessions = state
                    .sessions
                    .into_iter()
                    .map(|view| {
                        let id = view.session.session_id;
                        let state = SessionState {
                            info: view.session,
                            chat: view.chat,
                            pending: Vec::new(),
                            unread: old_unread.get(&id).copied().unwrap_or(0),
                            events: old_events.remove(&id).unwrap_or_default(),
                            earlier_chat: view.earlier_chat,
                            loading_earlier: false,
                        };
                        (id, state)
                    })
                    .collect();
                for (id, kept) in pending {
                    if let Some(session) = self.sessions.get_mut(&id) {
                        session.pending = kept;
                        drop_acknowledged(session);
                    }
                }
                let gone: Vec<SessionId> = self
                    .tabs
                    .iter()
                    .filter(|id| !self.sessions.contains_key(id))
                    .copied()
                    .collect();
                for session_id in gone {
                    changes.push(Change::Left {
                        session_id,
                        reason: None,
                    });
                }
                self.tabs.retain(|id| self.sessions.contains_key(id));
                // Open Support Buttons windows list again: their notes may have been missed.
                let sessions = &self.sessions;
                self.buttons.retain(|id, _| sessions.contains_key(id));
                self.buttons
                    .values_mut()
                    .for_each(|panel| panel.stale = true);
                // So does the Jump Clients list: changes while away were not told.
                self.jump.stale = true;
                if self
                    .pin
                    .as_ref()
                    .is_some_and(|p| !sessions.contains_key(&p.session_id))
                {
                    self.pin = None;
                }
                if self
                    .client_offer
                    .as_ref()
                    .is_some_and(|p| !sessions.contains_key(&p.session_id))
                {
                    self.client_offer = None;
                }
                let missing: Vec<SessionId> = self
                    .sessions
                    .keys()
                    .filter(|id| !self.tabs.contains(id))
                    .copied()
                    .collect();
                for session_id in &missing {
                    let asked = self.take_asked(*session_id);
                    changes.push(Change::Joined {
                        session_id: *session_id,
                        asked,
                    });
                }
                self.tabs.extend(missing);
                let mut team_chats: BTreeMap<TeamId, TeamChat> = BTreeMap::new();
                for message in state.team_chat {
                    team_chats
                        .entry(message.team.clone())
                        .or_default()
                        .messages
                        .push(message);
                }
                for (team, chat) in &mut team_chats {
                    chat.unread = self.team_chats.get(team).map_or(0, |c| c.unread);
                }
                self.team_chats = team_chats;
                self.offer = state.offer;
                self.last_seq = seq;
                self.ready = true;
            }
            RepServerMessage::Event { seq, event } => {
                // A replayed event already applied (resume overlap) changes nothing.
                if seq <= self.last_seq && self.ready {
                    return changes;
                }
                self.last_seq = seq;
                self.apply_event(event, &mut changes);
            }
            RepServerMessage::Ok { id, result } => self.apply_ok(id, result, &mut changes),
            RepServerMessage::Error {
                id, code, message, ..
            } => match id {
                Some(id) => self.apply_error(id, code, message),
                None => self.notice(message, Some(code)),
            },
        }
        changes
    }

    fn apply_ok(&mut self, id: RequestId, result: Option<OkResult>, changes: &mut Vec<Change>) {
        let Some(what) = self.in_flight.remove(&id) else {
            return;
        };
        match (what, result) {
            (InFlight::Buttons(call), result) => self.button_answered(call, result),
            (InFlight::Jump(call), result) => self.jump_answered(id, call, result, changes),
            // Take next's session comes forward, as an accepted one does.
            (_, Some(OkResult::Taken { session_id })) => self.taken(id, session_id, changes),
            (
                InFlight::ClientOffer { session_id },
                Some(OkResult::ClientOffer { code, expires_at }),
            ) => self.client_offer_answered(session_id, code, expires_at),
            (InFlight::Chat { session_id, .. }, Some(OkResult::Chat { message })) => {
                self.add_session_chat(session_id, message);
            }
            (InFlight::SessionKey, Some(OkResult::SessionKey { key, expires_at })) => {
                self.session_key = Some((key, expires_at));
            }
            (InFlight::TeamChat { .. }, Some(OkResult::TeamChat { message })) => {
                self.add_team_chat(message);
            }
            (InFlight::History { session_id }, Some(OkResult::History { chats, more })) => {
                self.older
                    .entry(session_id)
                    .or_default()
                    .add_page(chats, more);
            }
            (InFlight::EarlierChat { session_id }, Some(OkResult::ChatPage { messages, more })) => {
                if let Some(session) = self.sessions.get_mut(&session_id) {
                    session.add_earlier(messages, more);
                }
            }
            (
                InFlight::Media {
                    session_id,
                    channel,
                },
                Some(OkResult::Media { ticket }),
            ) => match channel {
                MediaChannel::Screen => self.media_tickets.push((session_id, ticket)),
                MediaChannel::Shell => self.shell_tickets.push((session_id, ticket)),
            },
            (InFlight::Invitees { session_id }, Some(OkResult::Invitees { teams, issues })) => {
                self.invitees.insert(
                    session_id,
                    Invitees {
                        loading: false,
                        teams,
                        issues,
                    },
                );
            }
            _ => {}
        }
    }

    fn apply_error(&mut self, id: RequestId, code: ErrorCode, message: String) {
        self.asked_to_join.remove(&id);
        match self.in_flight.remove(&id) {
            Some(InFlight::Chat {
                session_id,
                client_msg_id,
            }) => {
                if let Some(pending) = self.sessions.get_mut(&session_id).and_then(|s| {
                    s.pending
                        .iter_mut()
                        .find(|p| p.client_msg_id == client_msg_id)
                }) {
                    pending.refused = Some(message.clone());
                }
                self.notice(format!("Message not sent: {message}"), Some(code));
            }
            Some(InFlight::Other { what }) => {
                self.notice(refusal_text(&what, code, &message), Some(code))
            }
            Some(InFlight::History { session_id }) => {
                if let Some(older) = self.older.get_mut(&session_id) {
                    older.loading = false;
                }
                self.notice(
                    refusal_text("load older messages", code, &message),
                    Some(code),
                );
            }
            Some(InFlight::EarlierChat { session_id }) => {
                if let Some(session) = self.sessions.get_mut(&session_id) {
                    session.loading_earlier = false;
                }
                self.notice(
                    refusal_text("load earlier messages", code, &message),
                    Some(code),
                );
            }
            Some(InFlight::Invitees { session_id }) => {
                self.invitees.remove(&session_id);
                self.notice(
                    refusal_text("list who can be invited", code, &message),
                    Some(code),
                );
            }
            Some(InFlight::SessionKey) => self.notice(
                format!("Could not generate a session key: {message}"),
                Some(code),
            ),
            Some(InFlight::TeamChat { .. }) => {
                self.notice(format!("Team chat not sent: {message}"), Some(code))
            }
            Some(InFlight::Buttons(call)) => self.button_failed(call, Some(code), &message),
            Some(InFlight::Jump(call)) => self.jump_failed(call, Some(code), &message),
            Some(InFlight::ClientOffer { session_id }) => {
                self.client_offer_failed(session_id, Some(code), &message)
            }
            // Refused when the grant ended meanwhile; the app asks again while one lasts.
            Some(InFlight::Media {
                session_id,
                channel,
            }) => {
                tracing::debug!(%session_id, ?channel, ?code, %message, "open_media refused");
            }
            None => self.notice(message, Some(code)),
        }
    }

    fn apply_event(&mut self, event: RepEvent, changes: &mut Vec<Change>) {
        match event {
            RepEvent::AssistanceRequested { request } => {
                let id = request.session.session_id;
                self.assistance.retain(|r| r.session.session_id != id);
                self.assistance.push(request);
            }
            RepEvent::AssistanceCleared { session_id } => {
                self.assistance
                    .retain(|r| r.session.session_id != session_id);
            }
            RepEvent::EntryUpserted { entry } => {
                if let Some(queue) = self.queues.iter_mut().find(|q| q.queue == entry.queue) {
                    match queue
                        .entries
                        .iter_mut()
                        .find(|e| e.entry_id == entry.entry_id)
                    {
                        Some(existing) => *existing = entry,
                        None => {
                            changes.push(Change::EntryAdded {
                                queue: entry.queue.clone(),
                                entry_id: entry.entry_id.clone(),
                            });
                            queue.entries.push(entry);
                        }
                    }
                    queue.generation = self.next_generation + 1;
                    self.next_generation += 1;
                }
            }
            RepEvent::EntryRemoved { queue, entry_id } => {
                if let Some(queue) = self.queues.iter_mut().find(|q| q.queue == queue) {
                    let before = queue.entries.len();
                    queue.entries.retain(|e| e.entry_id != entry_id);
                    if queue.entries.len() != before {
                        self.next_generation += 1;
                        queue.generation = self.next_generation;
                    }
                }
            }
            RepEvent::SessionJoined { view } => {
                let id = view.session.session_id;
                let pending = self
                    .sessions
                    .remove(&id)
                    .map(|s| s.pending)
                    .unwrap_or_default();
                let mut state = SessionState {
                    info: view.session,
                    chat: view.chat,
                    pending,
                    unread: 0,
                    events: Vec::new(),
                    earlier_chat: view.earlier_chat,
                    loading_earlier: false,
                };
                drop_acknowledged(&mut state);
                self.sessions.insert(id, state);
                if !self.tabs.contains(&id) {
                    self.tabs.push(id);
                    let asked = self.take_asked(id);
                    changes.push(Change::Joined {
                        session_id: id,
                        asked,
                    });
                }
            }
            RepEvent::SessionUpdated { session } => {
                if let Some(state) = self.sessions.get_mut(&session.session_id) {
                    if state.server_tells_events() {
                        state.info = session;
                        return;
                    }
                    let after_chat = state.chat.len();
                    let told = session_events::diff(&state.info, &session);
                    state.events.extend(
                        told.into_iter()
                            .map(|kind| session_events::SessionEvent { after_chat, kind }),
                    );
                    state.info = session;
                }
            }
            RepEvent::Chat { message } => {
                let (session_id, message_id) = (message.session_id, message.id);
                let customer = matches!(message.author, Author::Customer { .. });
                let whispered_to_me = self.whispered_to_me(&message);
                if self.add_session_chat(session_id, message) {
                    if customer {
                        changes.push(Change::CustomerWrote {
                            session_id,
                            message_id,
                        });
                    } else if whispered_to_me {
                        changes.push(Change::WhisperReceived {
                            session_id,
                            message_id,
                        });
                    }
                }
            }
            RepEvent::SessionLeft { session_id, reason } => {
                self.invitees.remove(&session_id);
                self.buttons.remove(&session_id);
                self.pin.take_if(|p| p.session_id == session_id);
                self.client_offer.take_if(|p| p.session_id == session_id);
                self.older.remove(&session_id);
                if let Some(state) = self.sessions.remove(&session_id) {
                    let text = notices::session_left(reason, &state.info.customer.name);
                    if let Some(text) = text {
                        self.notice(text, None);
                    }
                }
                if self.tabs.contains(&session_id) {
                    changes.push(Change::Left {
                        session_id,
                        reason: Some(reason),
                    });
                }
                self.tabs.retain(|id| *id != session_id);
                if self.focused == Some(session_id) {
                    self.focused = None;
                }
            }
            RepEvent::OfferMade { offer } => {
                let session_id = offer.entry.session_id;
                let new = self
                    .offer
                    .as_ref()
                    .is_none_or(|o| o.entry.session_id != session_id);
                if new {
                    changes.push(Change::OfferMade { session_id });
                }
                self.offer = Some(offer);
            }
            RepEvent::OfferEnded { session_id, reason } => {
                let Some(offer) = self.offer.take_if(|o| o.entry.session_id == session_id) else {
                    return;
                };
                if reason == OfferEndReason::TimedOut {
                    self.notice(notices::missed_offer(&offer.entry.customer.name), None);
                }
            }
            RepEvent::PresenceChanged { rep } => {
                if self.me.as_ref().is_some_and(|m| m.rep == rep.rep) {
                    self.me = Some(rep.clone());
                }
                self.reps.insert(rep.rep.clone(), rep);
            }
            RepEvent::TeamChat { message } => self.add_team_chat(message),
            RepEvent::JumpClientUpdated { jump_client } => self.jump.upsert(jump_client),
            RepEvent::DashboardChanged { delta } => {
                if let Some(dashboard) = &mut self.dashboard {
                    self.next_generation += 1;
                    dashboard.apply(delta, self.next_generation);
                }
            }
        }
    }

    /// Adds a message to a session's chat. True when it is new and the session still goes
    /// on (what a rep may be told about).
    fn add_session_chat(&mut self, session_id: SessionId, message: ChatMessage) -> bool {
        let mine = self.is_mine(&message.author);
        // The server's own lines (joined, left…) are told, not waiting to be read.
        let system = matches!(message.author, Author::System);
        let focused = self.focused == Some(session_id);
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return false;
        };
        // The `ok` and the `chat` event carry the same message: keep it once.
        if session.chat.iter().any(|m| m.id == message.id) {
            return false;
        }
        let live = !session.info.ended;
        let at = session
            .chat
            .iter()
            .rposition(|m| m.id < message.id)
            .map_or(0, |i| i + 1);
        if mine && let Some(client_id) = &message.client_msg_id {
            session.pending.retain(|p| &p.client_msg_id != client_id);
        }
        session.chat.insert(at, message);
        if system {
            // The server tells this session's events itself: its lines replace ours.
            session.events.clear();
            // And its notes on Support Buttons: an open list may be out of date.
            if let Some(panel) = self.buttons.get_mut(&session_id) {
                panel.stale = true;
            }
        }
        if !mine && !system && !focused {
            session.unread += 1;
        }
        live
    }

    fn add_team_chat(&mut self, message: TeamChatMessage) {
        let mine = self.me_id() == Some(&message.author);
        let open = self.open_team_chat.as_ref() == Some(&message.team);
        let chat = self.team_chats.entry(message.team.clone()).or_default();
        if chat.messages.iter().any(|m| m.id == message.id) {
            return;
        }
        chat.messages.push(message);
        if !mine && !open {
            chat.unread += 1;
        }
    }

    /// A whisper addressed to this rep by someone else (the server sends a whisper only to
    /// its author and addressee; this checks anyway, so nothing else ever alerts as one).
    fn whispered_to_me(&self, message: &ChatMessage) -> bool {
        message.visibility == Visibility::Whisper
            && message
                .whisper_to
                .as_ref()
                .is_some_and(|to| Some(to) == self.me_id())
            && !self.is_mine(&message.author)
    }

    fn is_mine(&self, author: &Author) -> bool {
        matches!(author, Author::Rep { rep, .. } if Some(rep) == self.me_id())
    }
}
