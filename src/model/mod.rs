//! The console's state, pure: it applies what the server sends (snapshot, events,
//! replies) and keeps what the rep started (pending messages, requests in flight). No
//! egui, no IO; the UI draws from it and the app sends what it returns.
//!
//! - [`queue_view`]: sorting and filtering a queue, cached until the data changes.
//! - [`invitees`]: who the owner of a session may invite (the Share menu's lists).
//! - [`older`]: the older chats of a returning customer loaded into a session.
//! - [`templates`]: filling in canned replies.
//! - [`changes`]: what applying a frame changed, for alerts and the tabs.
//! - [`session_events`]: joins, leaves, transfers told inline in the chat.
//! - [`remote`]: the Screen toolbar (what may be asked for, why not) and when to hold a stream.
//! - [`shell`]: the Shell entry, when to hold a shell stream, and feeding its output once.
//! - [`elevation`]: the Shell entry's Administrator menu (why greyed) and its dialog's form.
//! - [`buttons`]: the Support Buttons entry, its checks, and a session's list while shown.
//! - [`jump`]: the Jump Clients list (search, sort, sections), Jump and Unpin.
//! - [`jump_pin`]: Pin Jump Client… in a session: why greyed, the name, the dialog's state.
//! - [`client_actions`]: the close dialog's uninstall and the Special Actions menu (iOS).
//! - [`client_offer`]: Offer the Switchboard program: why greyed, the join code's window.
//! - [`supervision`]: a lead's monitoring strip (whisper, join, take over), the reps'
//!   "Grace is monitoring", whispers, the load against the cap, Take next, service levels.
//! - [`dashboard`]: a team lead's dashboard kept current by its deltas, its sorted tables.
//! - [`tray_badge`]: how many things wait for the rep, the tray icon's badge.
//!
//! The words the rep reads (refusals, notices, labels) come from [`crate::text`].

mod apply;
pub mod buttons;
pub mod changes;
pub mod client_actions;
pub mod client_offer;
pub mod column;
pub mod dashboard;
pub mod elevation;
pub mod invitees;
pub mod jump;
pub mod jump_pin;
pub mod older;
pub mod queue_view;
pub mod remote;
pub mod session_events;
pub mod shell;
pub mod supervision;
pub mod templates;
pub mod tray_badge;

use crate::text::display;
use crate::text::notices::{self, OwnerNow};
use crate::text::refusal::request_label;
pub use changes::Change;
use invitees::Invitees;
use older::OlderChats;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, VecDeque};
use switchboard_protocol::{
    AssistanceRequest, Author, ChatMessage, ErrorCode, InviteTarget, IssueInfo, MediaChannel,
    MediaTicket, Offer, Permissions, QueueEntry, QueueMode, QueueRef, RepId, RepInfo, RepRequest,
    RequestId, SessionId, SessionInfo, TeamChatMessage, TeamId, TeamInfo, Template, UnixMillis,
    Visibility,
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
    /// Its target and breach waits: time in queue ramps normal → warning → breach.
    pub service_level: switchboard_protocol::supervision::ServiceLevel,
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
    /// A whisper's rep (`None`: the owner); see [`PendingChat::request_in`].
    pub whisper_to: Option<RepId>,
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
    /// Whether the server tells this session's events (joined, left…) as its own chat
    /// lines ([`Author::System`]); then the console derives none of its own.
    pub fn server_tells_events(&self) -> bool {
        self.chat.iter().any(|m| m.author == Author::System)
    }

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
    Media {
        session_id: SessionId,
        channel: MediaChannel,
    },
    Buttons(buttons::ButtonCall),
    Jump(jump::JumpCall),
    ClientOffer {
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
    /// Tickets for `/ws/media` that arrived and wait for the app to open their streams.
    pub media_tickets: Vec<(SessionId, MediaTicket)>,
    /// Tickets for shell sockets on `/ws/media`, waiting likewise.
    pub shell_tickets: Vec<(SessionId, MediaTicket)>,
    /// The Support Buttons windows open, by session, with their lists.
    pub buttons: buttons::ButtonPanels,
    /// The Jump Clients this rep may jump to, and their window.
    pub jump: jump::JumpList,
    /// The "Pin Jump Client" dialog, while it is open.
    pub pin: Option<jump_pin::PinPanel>,
    /// The "Offer the Switchboard program" window (its join code), while it is open.
    pub client_offer: Option<client_offer::OfferPanel>,
    /// For a team lead: their dashboard (`None` for everyone else).
    pub dashboard: Option<dashboard::DashboardState>,
    /// The highest event `seq` applied; duplicates at or below it are ignored.
    pub last_seq: u64,
    /// Whether a snapshot has arrived since logging in.
    pub ready: bool,
    /// The session tab in front (its messages count as read).
    focused: Option<SessionId>,
    /// The team chat open on screen (its messages count as read).
    open_team_chat: Option<TeamId>,
    in_flight: HashMap<RequestId, InFlight>,
    /// Sessions the rep asked to accept or join, by request: their tab comes forward when
    /// it opens ([`Change::Joined`] with `asked`).
    asked_to_join: HashMap<RequestId, SessionId>,
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
        if let Some(session_id) = self.session_to_join(request) {
            self.asked_to_join.insert(id, session_id);
        }
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
            RepRequest::OpenMedia {
                session_id,
                channel,
            } => InFlight::Media {
                session_id: *session_id,
                channel: *channel,
            },
            RepRequest::OfferClient { session_id } => self.client_offer_requested(*session_id),
            other => match (buttons::ButtonCall::of(other), jump::JumpCall::of(other)) {
                (Some(call), _) => self.button_requested(call),
                (None, Some(call)) => self.jump_requested(call),
                (None, None) => InFlight::Other {
                    what: request_label(other).to_owned(),
                },
            },
        };
        self.in_flight.insert(id, what);
        id
    }

    /// The session a request asks to be let into: accepting an entry or an invitation, or
    /// a lead joining.
    fn session_to_join(&self, request: &RepRequest) -> Option<SessionId> {
        match request {
            RepRequest::Accept { session_id }
            | RepRequest::JoinSession { session_id }
            | RepRequest::MonitorSession { session_id }
            | RepRequest::TakeOver { session_id, .. } => Some(*session_id),
            RepRequest::AcceptInvitation { invitation_id } => self
                .queues
                .iter()
                .flat_map(|q| &q.entries)
                .find(|e| {
                    e.invitation
                        .as_ref()
                        .is_some_and(|i| &i.invitation_id == invitation_id)
                })
                .map(|e| e.session_id),
            _ => None,
        }
    }

    /// Whether the rep asked for this session; forgets the asking.
    fn take_asked(&mut self, session_id: SessionId) -> bool {
        let before = self.asked_to_join.len();
        self.asked_to_join.retain(|_, id| *id != session_id);
        self.asked_to_join.len() != before
    }

    /// Prepares a chat message: shown as pending at once, sent with a client id so a
    /// retry after a reconnect is never stored twice.
    pub fn send_chat(
        &mut self,
        session_id: SessionId,
        text: &str,
        visibility: Visibility,
    ) -> Option<(RequestId, RepRequest)> {
        self.queue_chat(session_id, text, visibility, None)
    }

    /// The one way a message of this rep is queued (chat or whisper): trimmed, refused when
    /// empty or for a session not open here, pending at once under a fresh client id, the
    /// request remembered in flight.
    pub(crate) fn queue_chat(
        &mut self,
        session_id: SessionId,
        text: &str,
        visibility: Visibility,
        whisper_to: Option<RepId>,
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
            client_msg_id,
            request: id,
            text: text.to_owned(),
            visibility,
            refused: None,
            whisper_to,
        };
        let request = pending.request_in(session_id);
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.pending.push(pending);
        }
        Some((id, request))
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
                // A whisper goes again as a whisper (a `send_chat` would be refused).
                out.push((id, pending.request_in(*session_id)));
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
            Some(InFlight::Other { what }) => self.notice(notices::could_not(&what, reason), None),
            Some(InFlight::SessionKey) => {
                self.notice(notices::could_not("generate a session key", reason), None)
            }
            Some(InFlight::TeamChat { .. }) => {
                self.notice(notices::could_not("send to the team chat", reason), None)
            }
            Some(InFlight::History { session_id }) => {
                if let Some(older) = self.older.get_mut(&session_id) {
                    older.loading = false;
                }
                self.notice(notices::could_not("load older messages", reason), None);
            }
            Some(InFlight::EarlierChat { session_id }) => {
                if let Some(session) = self.sessions.get_mut(&session_id) {
                    session.loading_earlier = false;
                }
                self.notice(notices::could_not("load earlier messages", reason), None);
            }
            Some(InFlight::Invitees { session_id }) => {
                self.invitees.remove(&session_id);
                self.notice(notices::could_not("list who can be invited", reason), None);
            }
            // The app asks again while the grant lasts.
            Some(InFlight::Media { .. }) => {}
            Some(InFlight::Buttons(call)) => self.button_failed(call, None, reason),
            Some(InFlight::Jump(call)) => self.jump_failed(call, None, reason),
            Some(InFlight::ClientOffer { session_id }) => {
                self.client_offer_failed(session_id, None, reason)
            }
            None => {}
        }
    }
}

impl Model {
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
            InviteTarget::Team { team } => notices::any_rep_in(&display::queue(
                &QueueRef::Team { team: team.clone() },
                &self.teams,
            )),
            InviteTarget::Issue { issue } => {
                notices::help_with(&display::issue(Some(issue), &self.issues))
            }
        }
    }

    /// Why the owner-only actions are not open to this rep in this session (`None` when
    /// they own it). `action` is what the control does ("share the session").
    pub fn why_not_owner(&self, session: &SessionInfo, action: &str) -> Option<String> {
        if self.owns(session) {
            return None;
        }
        let queue;
        let owner;
        let now = match (&session.owner, &session.waiting_in) {
            (Some(rep), _) => {
                owner = self.rep_name(rep);
                OwnerNow::Rep(&owner)
            }
            (None, Some(waiting_in)) => {
                queue = display::queue(waiting_in, &self.teams);
                OwnerNow::WaitingIn(&queue)
            }
            (None, None) => OwnerNow::Nobody,
        };
        Some(notices::only_the_owner(action, now))
    }

    /// Why this rep cannot transfer the session (not the owner, or not permitted at all).
    pub fn why_not_transfer(&self, session: &SessionInfo) -> Option<String> {
        let may_transfer = self.permissions.as_ref().is_some_and(|p| p.transfer);
        self.why_not_owner(session, "transfer the session")
            .or_else(|| (!may_transfer).then(|| notices::NOT_PERMITTED_TO_TRANSFER.into()))
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
