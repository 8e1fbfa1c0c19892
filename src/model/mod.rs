//! The console's state, pure: it applies what the server sends (snapshot, events,
//! replies) and keeps what the rep started (pending messages, requests in flight). No
//! egui, no IO; the UI draws from it and the app sends what it returns.
//!
//! - [`queue_view`]: sorting and filtering a queue, cached until the data changes.
//! - [`display`]: labels and durations as the rep reads them.
//! - [`invitees`]: who the owner of a session may invite (the Share menu's lists).
//! - [`older`]: the older chats of a returning customer loaded into a session.
//! - [`templates`]: filling in canned replies.
//! - [`refusal`]: how the server's refusals read to the rep.

pub mod column;
pub mod display;
pub mod invitees;
pub mod older;
pub mod queue_view;
pub mod refusal;
pub mod session_events;
pub mod templates;

use invitees::Invitees;
use older::OlderChats;
use refusal::refusal_text;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, VecDeque};
use switchboard_protocol::{
    AssistanceRequest, Author, ChatMessage, ErrorCode, InviteTarget, IssueInfo, LeftReason, Offer,
    OfferEndReason, OkResult, Permissions, QueueEntry, QueueMode, QueueRef, RepEvent, RepId,
    RepInfo, RepRequest, RepServerMessage, RequestId, SessionId, SessionInfo, TeamChatMessage,
    TeamId, TeamInfo, Template, UnixMillis, Visibility,
};

/// Notices kept for the rep to read (refusals, sessions that ended); older ones drop off.
const NOTICES_KEPT: usize = 20;

/// One queue as this rep sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub queue: QueueRef,
    pub mode: QueueMode,
    pub entries: Vec<QueueEntry>,
    /// Bumped on every change, so sorted views know when to rebuild.
    pub generation: u64,
}

/// A message the rep sent that the server has not acknowledged yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChat {
    pub client_msg_id: String,
    pub request: RequestId,
    pub text: String,
    pub visibility: Visibility,
    /// Why the server refused it (it stays shown, marked, so nothing typed is lost).
    pub refused: Option<String>,
}

/// A session this rep is in: a tab.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionState {
    pub info: SessionInfo,
    pub chat: Vec<ChatMessage>,
    pub pending: Vec<PendingChat>,
    /// Messages from others not yet seen by the rep.
    pub unread: usize,
    /// Joins, leaves, transfers, invitations and the customer's connection, told inline
    /// in the chat (see [`session_events`]).
    pub events: Vec<session_events::SessionEvent>,
    /// The server has older messages of this chat than `chat` starts with (a long chat:
    /// snapshots carry its newest part); `load_chat` pages them in.
    pub earlier_chat: bool,
    /// A `load_chat` request is on its way.
    pub loading_earlier: bool,
}

impl SessionState {
    /// The request for the page of the chat before what is shown (`None` if nothing is).
    pub fn earlier_request(&self) -> Option<RepRequest> {
        let first = self.chat.first()?;
        Some(RepRequest::LoadChat {
            session_id: self.info.session_id,
            before: first.id,
        })
    }

    /// Puts a page of earlier messages before the chat (by id, none twice).
    pub fn add_earlier(&mut self, messages: Vec<ChatMessage>, more: bool) {
        let first = self.chat.first().map(|m| m.id);
        let mut earlier: Vec<ChatMessage> = messages
            .into_iter()
            .filter(|m| first.is_none_or(|f| m.id < f))
            .collect();
        earlier.sort_by_key(|m| m.id);
        earlier.dedup_by_key(|m| m.id);
        earlier.append(&mut self.chat);
        self.chat = earlier;
        self.earlier_chat = more;
        self.loading_earlier = false;
    }
}

/// A team's chat.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeamChat {
    pub messages: Vec<TeamChatMessage>,
    pub unread: usize,
}

/// Something the rep should read: a refusal, a session that ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Unique for the console's run, so a toast can be dismissed.
    pub id: u64,
    pub text: String,
    pub code: Option<ErrorCode>,
}

/// What a request in flight was, to make sense of its reply.
#[derive(Debug, Clone, PartialEq)]
enum InFlight {
    Chat {
        session_id: SessionId,
        client_msg_id: String,
    },
    TeamChat {
        team: TeamId,
    },
    SessionKey,
    Invitees {
        session_id: SessionId,
    },
    History {
        session_id: SessionId,
    },
    EarlierChat {
        session_id: SessionId,
    },
    Other {
        what: String,
    },
}

/// The console's whole state.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub me: Option<RepInfo>,
    pub permissions: Option<Permissions>,
    pub reps: BTreeMap<RepId, RepInfo>,
    pub teams: Vec<TeamInfo>,
    pub issues: Vec<IssueInfo>,
    pub dispositions: Vec<String>,
    /// The server refuses to end a session without a disposition.
    pub require_disposition: bool,
    /// Canned replies this rep may insert.
    pub templates: Vec<Template>,
    /// "Open external URL": the configured link template, if any.
    pub external_url: Option<String>,
    /// For a team lead: sessions whose rep asked for assistance.
    pub assistance: Vec<AssistanceRequest>,
    /// The queues this rep may see, in the server's order (personal, teams, general).
    pub queues: Vec<Queue>,
    pub sessions: BTreeMap<SessionId, SessionState>,
    /// Session tabs in the order they opened.
    pub tabs: Vec<SessionId>,
    pub team_chats: BTreeMap<TeamId, TeamChat>,
    pub offer: Option<Offer>,
    /// The last session key generated, with its expiry.
    pub session_key: Option<(String, UnixMillis)>,
    pub notices: VecDeque<Notice>,
    /// Who may be invited to each session this rep owns (asked for when Share opens).
    pub invitees: HashMap<SessionId, Invitees>,
    /// Older chats with the same customer, per session, as far as the rep loaded them.
    pub older: HashMap<SessionId, OlderChats>,
    /// The highest event `seq` applied; duplicates at or below it are ignored.
    pub last_seq: u64,
    /// Whether a snapshot has arrived since logging in.
    pub ready: bool,
    /// The session tab in front (its messages count as read).
    focused: Option<SessionId>,
    /// The team chat open on screen (its messages count as read).
    open_team_chat: Option<TeamId>,
    in_flight: HashMap<RequestId, InFlight>,
    /// Queue generations come from one counter that survives snapshots and logouts, so a
    /// cached sorted view can never mistake new rows for old ones.
    next_generation: u64,
    next_request: u64,
    next_client_msg: u64,
    next_notice: u64,
    /// Starts every chat message's client id, so ids never repeat across console restarts
    /// (the app passes its start time; the model reads no clock).
    client_id_prefix: String,
}

impl Model {
    pub fn new() -> Model {
        Model {
            next_request: 1,
            next_client_msg: 1,
            ..Model::default()
        }
    }

    /// The model, its chat messages' client ids starting with `prefix` (unique per run).
    pub fn with_client_id_prefix(prefix: String) -> Model {
        Model {
            client_id_prefix: prefix,
            ..Model::new()
        }
    }

    /// Forgets everything the server said (a logout).
    pub fn clear(&mut self) {
        *self = Model {
            next_generation: self.next_generation,
            next_request: self.next_request,
            next_client_msg: self.next_client_msg,
            next_notice: self.next_notice,
            client_id_prefix: std::mem::take(&mut self.client_id_prefix),
            ..Model::default()
        };
    }

    pub fn me_id(&self) -> Option<&RepId> {
        self.me.as_ref().map(|m| &m.rep)
    }

    pub fn queue(&self, queue: &QueueRef) -> Option<&Queue> {
        self.queues.iter().find(|q| &q.queue == queue)
    }

    /// A new request id for a request the app is about to send.
    pub fn request(&mut self, request: &RepRequest) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        let what = match request {
            RepRequest::GenerateSessionKey => InFlight::SessionKey,
            RepRequest::TeamChat { team, .. } => InFlight::TeamChat { team: team.clone() },
            RepRequest::ListInvitees { session_id } => {
                self.invitees.entry(*session_id).or_default().loading = true;
                InFlight::Invitees {
                    session_id: *session_id,
                }
            }
            RepRequest::LoadHistory { session_id, .. } => {
                self.older.entry(*session_id).or_default().loading = true;
                InFlight::History {
                    session_id: *session_id,
                }
            }
            RepRequest::LoadChat { session_id, .. } => {
                if let Some(session) = self.sessions.get_mut(session_id) {
                    session.loading_earlier = true;
                }
                InFlight::EarlierChat {
                    session_id: *session_id,
                }
            }
            other => InFlight::Other {
                what: request_label(other).to_owned(),
            },
        };
        self.in_flight.insert(id, what);
        id
    }

    /// Prepares a chat message: shown as pending at once, sent with a client id so a
    /// retry after a reconnect is never stored twice.
    pub fn send_chat(
        &mut self,
        session_id: SessionId,
        text: &str,
        visibility: Visibility,
    ) -> Option<(RequestId, RepRequest)> {
        let text = text.trim();
        if text.is_empty() || !self.sessions.contains_key(&session_id) {
            return None;
        }
        let client_msg_id = format!("{}-{}", self.client_id_prefix, self.next_client_msg);
        self.next_client_msg += 1;
        let id = RequestId(self.next_request);
        self.next_request += 1;
        self.in_flight.insert(
            id,
            InFlight::Chat {
                session_id,
                client_msg_id: client_msg_id.clone(),
            },
        );
        let pending = PendingChat {
            client_msg_id: client_msg_id.clone(),
            request: id,
            text: text.to_owned(),
            visibility,
            refused: None,
        };
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.pending.push(pending);
        }
        Some((
            id,
            RepRequest::SendChat {
                session_id,
                client_msg_id,
                text: text.to_owned(),
                visibility,
            },
        ))
    }

    /// Every message still waiting for its `ok`, as requests to send again (same client
    /// ids) after a reconnect. Refused ones are not retried.
    pub fn resend_pending(&mut self) -> Vec<(RequestId, RepRequest)> {
        let mut out = Vec::new();
        let mut reissued = Vec::new();
        for (session_id, session) in &mut self.sessions {
            for pending in session.pending.iter_mut().filter(|p| p.refused.is_none()) {
                let id = RequestId(self.next_request);
                self.next_request += 1;
                self.in_flight.remove(&pending.request);
                pending.request = id;
                reissued.push((
                    id,
                    InFlight::Chat {
                        session_id: *session_id,
                        client_msg_id: pending.client_msg_id.clone(),
                    },
                ));
                out.push((
                    id,
                    RepRequest::SendChat {
                        session_id: *session_id,
                        client_msg_id: pending.client_msg_id.clone(),
                        text: pending.text.clone(),
                        visibility: pending.visibility,
                    },
                ));
            }
        }
        self.in_flight.extend(reissued);
        out
    }

    /// The rep is looking at this session tab (or none): its unread count clears.
    pub fn set_focus(&mut self, session: Option<SessionId>) {
        self.focused = session;
        if let Some(state) = session.and_then(|id| self.sessions.get_mut(&id)) {
            state.unread = 0;
        }
    }

    pub fn focused(&self) -> Option<SessionId> {
        self.focused
    }

    /// The rep opened (or closed) a team's chat: its unread count clears.
    pub fn set_open_team_chat(&mut self, team: Option<TeamId>) {
        self.open_team_chat = team;
        if let Some(chat) = self
            .open_team_chat
            .as_ref()
            .and_then(|t| self.team_chats.get_mut(t))
        {
            chat.unread = 0;
        }
    }

    pub fn open_team_chat(&self) -> Option<&TeamId> {
        self.open_team_chat.as_ref()
    }

    pub fn notice(&mut self, text: impl Into<String>, code: Option<ErrorCode>) {
        self.next_notice += 1;
        self.notices.push_back(Notice {
            id: self.next_notice,
            text: text.into(),
            code,
        });
        while self.notices.len() > NOTICES_KEPT {
            self.notices.pop_front();
        }
    }

    /// A request could not be sent (not connected). Chat stays pending for the resend.
    pub fn send_failed(&mut self, id: RequestId, reason: &str) {
        match self.in_flight.remove(&id) {
            Some(InFlight::Chat { .. }) => {}
            Some(InFlight::Other { what }) => {
                self.notice(format!("Could not {what}: {reason}"), None)
            }
            Some(InFlight::SessionKey) => {
                self.notice(format!("Could not generate a session key: {reason}"), None)
            }
            Some(InFlight::TeamChat { .. }) => {
                self.notice(format!("Could not send to the team chat: {reason}"), None)
            }
            Some(InFlight::History { session_id }) => {
                if let Some(older) = self.older.get_mut(&session_id) {
                    older.loading = false;
                }
                self.notice(format!("Could not load older messages: {reason}"), None);
            }
            Some(InFlight::EarlierChat { session_id }) => {
                if let Some(session) = self.sessions.get_mut(&session_id) {
                    session.loading_earlier = false;
                }
                self.notice(format!("Could not load earlier messages: {reason}"), None);
            }
            Some(InFlight::Invitees { session_id }) => {
                self.invitees.remove(&session_id);
                self.notice(format!("Could not list who can be invited: {reason}"), None);
            }
            None => {}
        }
    }

    /// Applies one frame from the server.
    pub fn apply(&mut self, message: RepServerMessage) {
        match message {
            RepServerMessage::Welcome { .. } => {}
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
                self.queues = state
                    .queues
                    .into_iter()
                    .map(|q| Queue {
                        queue: q.queue,
                        mode: q.mode,
                        entries: q.entries,
                        generation: 0,
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
                self.tabs.retain(|id| self.sessions.contains_key(id));
                let missing: Vec<SessionId> = self
                    .sessions
                    .keys()
                    .filter(|id| !self.tabs.contains(id))
                    .copied()
                    .collect();
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
                    return;
                }
                self.last_seq = seq;
                self.apply_event(event);
            }
            RepServerMessage::Ok { id, result } => self.apply_ok(id, result),
            RepServerMessage::Error {
                id, code, message, ..
            } => match id {
                Some(id) => self.apply_error(id, code, message),
                None => self.notice(message, Some(code)),
            },
        }
    }

    fn apply_ok(&mut self, id: RequestId, result: Option<OkResult>) {
        let Some(what) = self.in_flight.remove(&id) else {
            return;
        };
        match (what, result) {
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
            None => self.notice(message, Some(code)),
        }
    }

    fn apply_event(&mut self, event: RepEvent) {
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
                        None => queue.entries.push(entry),
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
                }
            }
            RepEvent::SessionUpdated { session } => {
                if let Some(state) = self.sessions.get_mut(&session.session_id) {
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
                self.add_session_chat(message.session_id, message);
            }
            RepEvent::SessionLeft { session_id, reason } => {
                self.invitees.remove(&session_id);
                self.older.remove(&session_id);
                if let Some(state) = self.sessions.remove(&session_id) {
                    let who = &state.info.customer.name;
                    let text = match reason {
                        LeftReason::Left | LeftReason::LeftInQueue => None,
                        LeftReason::Ended => Some(format!("The session with {who} ended.")),
                        LeftReason::Removed => Some(format!(
                            "The owner removed you from the session with {who}."
                        )),
                        LeftReason::Transferred => None,
                        LeftReason::ConnectionLost => Some(format!(
                            "Your connection was lost for too long; the session with {who} went back to its queue."
                        )),
                    };
                    if let Some(text) = text {
                        self.notice(text, None);
                    }
                }
                self.tabs.retain(|id| *id != session_id);
                if self.focused == Some(session_id) {
                    self.focused = None;
                }
            }
            RepEvent::OfferMade { offer } => self.offer = Some(offer),
            RepEvent::OfferEnded { session_id, reason } => {
                let Some(offer) = self.offer.take_if(|o| o.entry.session_id == session_id) else {
                    return;
                };
                if reason == OfferEndReason::TimedOut {
                    self.notice(
                        format!(
                            "You missed the chat from {}. You are paused: no more chats are offered until you choose Available.",
                            offer.entry.customer.name
                        ),
                        None,
                    );
                }
            }
            RepEvent::PresenceChanged { rep } => {
                if self.me.as_ref().is_some_and(|m| m.rep == rep.rep) {
                    self.me = Some(rep.clone());
                }
                self.reps.insert(rep.rep.clone(), rep);
            }
            RepEvent::TeamChat { message } => self.add_team_chat(message),
        }
    }

    fn add_session_chat(&mut self, session_id: SessionId, message: ChatMessage) {
        let mine = self.is_mine(&message.author);
        let focused = self.focused == Some(session_id);
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        // The `ok` and the `chat` event carry the same message: keep it once.
        if session.chat.iter().any(|m| m.id == message.id) {
            return;
        }
        let at = session
            .chat
            .iter()
            .rposition(|m| m.id < message.id)
            .map_or(0, |i| i + 1);
        if mine && let Some(client_id) = &message.client_msg_id {
            session.pending.retain(|p| &p.client_msg_id != client_id);
        }
        session.chat.insert(at, message);
        if !mine && !focused {
            session.unread += 1;
        }
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

    fn is_mine(&self, author: &Author) -> bool {
        matches!(author, Author::Rep { rep, .. } if Some(rep) == self.me_id())
    }

    /// Sessions with messages the rep has not seen (for the active-sessions dropdown).
    pub fn sessions_with_unread(&self) -> impl Iterator<Item = (&SessionId, &SessionState)> {
        self.sessions.iter().filter(|(_, s)| s.unread > 0)
    }

    /// Whether this rep owns the session.
    pub fn owns(&self, session: &SessionInfo) -> bool {
        session
            .owner
            .as_ref()
            .is_some_and(|o| Some(o) == self.me_id())
    }

    /// A rep's display name: from the colleagues list, else from the invitee lists, else
    /// their id.
    pub fn rep_name(&self, rep: &RepId) -> String {
        if let Some(info) = self.reps.get(rep) {
            return info.display_name.clone();
        }
        self.invitees
            .values()
            .flat_map(|i| i.teams.iter().flat_map(|t| &t.reps))
            .find(|i| &i.rep == rep)
            .map_or_else(|| rep.to_string(), |i| i.display_name.clone())
    }

    /// Whom an invitation is for, as the rep reads it.
    pub fn invite_target_name(&self, target: &InviteTarget) -> String {
        match target {
            InviteTarget::Rep { rep } => self.rep_name(rep),
            InviteTarget::Team { team } => format!(
                "Any Representative in {}",
                display::queue(&QueueRef::Team { team: team.clone() }, &self.teams)
            ),
            InviteTarget::Issue { issue } => {
                format!("Help with {}", display::issue(Some(issue), &self.issues))
            }
        }
    }

    /// Why the owner-only actions are not open to this rep in this session (`None` when
    /// they own it). `action` is what the control does ("share the session").
    pub fn why_not_owner(&self, session: &SessionInfo, action: &str) -> Option<String> {
        if self.owns(session) {
            return None;
        }
        let reason = match (&session.owner, &session.waiting_in) {
            (Some(owner), _) => format!("{} owns this session now", self.rep_name(owner)),
            (None, Some(queue)) => format!(
                "it waits in {} for a new owner",
                display::queue(queue, &self.teams)
            ),
            (None, None) => "nobody owns it right now".to_owned(),
        };
        Some(format!("Only the session owner can {action}; {reason}."))
    }

    /// Why this rep cannot transfer the session (not the owner, or not permitted at all).
    pub fn why_not_transfer(&self, session: &SessionInfo) -> Option<String> {
        let may_transfer = self.permissions.as_ref().is_some_and(|p| p.transfer);
        self.why_not_owner(session, "transfer the session")
            .or_else(|| {
                (!may_transfer).then(|| "You are not permitted to transfer sessions.".into())
            })
    }
}

/// Pending messages that the chat already holds (acknowledged while away) are dropped.
fn drop_acknowledged(session: &mut SessionState) {
    let chat = &session.chat;
    session.pending.retain(|p| {
        !chat
            .iter()
            .any(|m| m.client_msg_id.as_deref() == Some(p.client_msg_id.as_str()))
    });
}

/// What a request does, as a verb phrase for "Could not …".
fn request_label(request: &RepRequest) -> &'static str {
    match request {
        RepRequest::Ping => "reach the server",
        RepRequest::SetPresence { .. } => "change your presence",
        RepRequest::GenerateSessionKey => "generate a session key",
        RepRequest::Accept { .. } => "accept the session",
        RepRequest::RejectOffer { .. } => "reject the offer",
        RepRequest::AcceptInvitation { .. } => "accept the invitation",
        RepRequest::DeclineInvitation { .. } => "decline the invitation",
        RepRequest::SendChat { .. } => "send the message",
        RepRequest::Invite { .. } => "send the invitation",
        RepRequest::CancelInvitation { .. } => "cancel the invitation",
        RepRequest::ListInvitees { .. } => "list who can be invited",
        RepRequest::Transfer { .. } => "transfer the session",
        RepRequest::RemoveRep { .. } => "remove the representative",
        RepRequest::DisconnectCustomer { .. } => "disconnect the customer",
        RepRequest::Leave { .. } => "leave the session",
        RepRequest::Close { .. } => "close the session",
        RepRequest::SetImportant { .. } => "mark the session",
        RepRequest::SetDisposition { .. } => "set the disposition",
        RepRequest::TeamChat { .. } => "send to the team chat",
        RepRequest::SetAssistance { .. } => "ask for assistance",
        RepRequest::JoinSession { .. } => "join the session",
        RepRequest::LoadHistory { .. } => "load older messages",
        RepRequest::LoadChat { .. } => "load earlier messages of this chat",
    }
}
