//! The router's records: sessions, invitations, session keys and rep state. Sessions,
//! invitations and keys are persisted as JSON; fields marked `skip` live only in memory.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use switchboard_protocol::{
    ChatMessage, ClientKind, CustomerInfo, EntryPath, GrantInfo, InvitationId, InvitationInfo,
    InviteTarget, IssueId, MachineInfo, Platform, Presence, QueueHop, QueueRef, RepId, SessionId,
    SessionKind, UnixMillis,
};

/// Where each `client_msg_id` is in a session's chat, per author. Split by author (rather
/// than keyed by (author, id)) so a lookup borrows the id it is given: no key to build,
/// no allocation per chat message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentIds {
    pub customer: HashMap<String, usize>,
    pub reps: HashMap<RepId, HashMap<String, usize>>,
}

/// Where and since when a session waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub queue: QueueRef,
    pub entered_at: UnixMillis,
}

/// An open push offer of a session to one rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOffer {
    pub rep: RepId,
    pub offered_at: UnixMillis,
    pub deadline: UnixMillis,
}

/// A rep's open request for a team lead's assistance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistanceAsk {
    pub rep: RepId,
    pub at: UnixMillis,
}

/// A support session: one customer, at most one owner, any number of reps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub customer: CustomerInfo,
    /// SHA-256 of the customer's reconnect token; the token itself is never stored.
    pub customer_token_hash: String,
    pub customer_connected: bool,
    /// The customer left or was disconnected by the owner: they cannot come back.
    pub customer_gone: bool,
    pub issue: Option<IssueId>,
    pub kind: SessionKind,
    pub entry_path: EntryPath,
    /// The key the customer entered (single use, so it names this session; for search).
    #[serde(default)]
    pub session_key: Option<String>,
    pub started_at: UnixMillis,
    pub owner: Option<RepId>,
    /// Every rep in the session, the owner included, in joining order.
    pub participants: Vec<RepId>,
    /// Every rep who was ever in the session (participants leave; this stays): who may
    /// still download its files.
    #[serde(default)]
    pub ever_joined: BTreeSet<RepId>,
    /// Set while the session waits in a queue.
    pub waiting: Option<Waiting>,
    /// The queue the session returns to when left in queue or when its owner's connection is lost.
    pub home_queue: QueueRef,
    pub history: Vec<QueueHop>,
    pub important: bool,
    pub disposition: Option<String>,
    /// Reps who turned down a push offer of this session: never offered it again.
    pub rejected_by: BTreeSet<RepId>,
    pub ended_at: Option<UnixMillis>,
    /// Set while a rep in the session asks for a team lead's assistance.
    #[serde(default)]
    pub assistance: Option<AssistanceAsk>,
    /// The customer's program, from their `start` (decides what they can share).
    #[serde(default)]
    pub client: ClientKind,
    /// Remote support grants: the live ones and the latest ended ones (see
    /// `router/grants.rs`), stored with the session so a restart knows how each ended.
    #[serde(default)]
    pub grants: Grants,
    /// What the customer is on (`ios`: the portal on an iPhone or iPad).
    #[serde(default)]
    pub platform: Platform,
    /// The customer's machine, as its native client described it.
    #[serde(default)]
    pub machine: Option<MachineInfo>,
    /// What the native client said it can do for elevation (`describe_elevation`), kept
    /// with the machine: reps see it as `RemoteInfo.elevation`. Only the reasons a method is
    /// unavailable, never a credential.
    #[serde(default)]
    pub elevation: Option<switchboard_protocol::ElevationSupport>,
    /// Set for a session a rep started by jumping to a Jump Client: the policy it runs
    /// under (with `no_prompt` and `notify`, requests are granted without a prompt).
    #[serde(default)]
    pub jump: Option<switchboard_protocol::JumpPolicy>,
    /// The native client offered to this web customer (`offer_client`): its one-time join
    /// code, by hash only, and until when it works. A new offer replaces it; a join uses it.
    #[serde(default)]
    pub client_offer: Option<ClientOffer>,
    /// Team leads monitoring the session without being in it (`monitor_session`). Live state:
    /// a lead whose console is gone past the grace period stops monitoring.
    #[serde(skip)]
    pub monitors: Vec<RepId>,
    #[serde(skip)]
    pub offer: Option<PendingOffer>,
    /// The whole chat, loaded from and appended to the chat table. Append with
    /// [`Session::push_chat`], which keeps `sent_ids` in step.
    #[serde(skip)]
    pub chat: Vec<ChatMessage>,
    /// Where each author's `client_msg_id` is in `chat`: a retried send is found in O(1),
    /// however long the chat.
    #[serde(skip)]
    pub sent_ids: SentIds,
    /// The last queue position told to the customer, to send only changes.
    #[serde(skip)]
    pub position_sent: Option<u32>,
}

impl Session {
    /// The session's record for the store: everything but the chat (kept message by
    /// message) and what only lives in memory, without copying the chat first.
    pub fn record(&self) -> Session {
        let Session {
            id,
            customer,
            customer_token_hash,
            customer_connected,
            customer_gone,
            issue,
            kind,
            entry_path,
            session_key,
            started_at,
            owner,
            participants,
            ever_joined,
            waiting,
            home_queue,
            history,
            important,
            disposition,
            rejected_by,
            ended_at,
            assistance,
            client,
            grants,
            platform,
            machine,
            elevation,
            jump,
            client_offer,
            monitors,
            offer,
            chat,
            sent_ids,
            position_sent,
        } = self;
        let _ = (chat, sent_ids, monitors);
        Session {
            id: *id,
            customer: customer.clone(),
            customer_token_hash: customer_token_hash.clone(),
            customer_connected: *customer_connected,
            customer_gone: *customer_gone,
            issue: issue.clone(),
            kind: *kind,
            entry_path: *entry_path,
            session_key: session_key.clone(),
            started_at: *started_at,
            owner: owner.clone(),
            participants: participants.clone(),
            ever_joined: ever_joined.clone(),
            waiting: waiting.clone(),
            home_queue: home_queue.clone(),
            history: history.clone(),
            important: *important,
            disposition: disposition.clone(),
            rejected_by: rejected_by.clone(),
            ended_at: *ended_at,
            assistance: assistance.clone(),
            client: *client,
            grants: grants.clone(),
            platform: *platform,
            machine: machine.clone(),
            elevation: elevation.clone(),
            jump: *jump,
            client_offer: client_offer.clone(),
            monitors: Vec::new(),
            offer: offer.clone(),
            chat: Vec::new(),
            sent_ids: SentIds::default(),
            position_sent: *position_sent,
        }
    }

    /// Appends a message, indexing its client id.
    pub fn push_chat(&mut self, message: ChatMessage) {
        if let Some(client_id) = &message.client_msg_id {
            let index = self.chat.len();
            match &message.author {
                switchboard_protocol::Author::Rep { rep, .. } => {
                    if let Some(ids) = self.sent_ids.reps.get_mut(rep) {
                        ids.insert(client_id.clone(), index);
                    } else {
                        let ids = HashMap::from([(client_id.clone(), index)]);
                        self.sent_ids.reps.insert(rep.clone(), ids);
                    }
                }
                switchboard_protocol::Author::Customer { .. } => {
                    self.sent_ids.customer.insert(client_id.clone(), index);
                }
                _ => {}
            }
        }
        self.chat.push(message);
    }

    /// The message `author` (`None`: the customer) already sent with `client_msg_id`.
    pub fn sent_message(
        &self,
        author: Option<&RepId>,
        client_msg_id: &str,
    ) -> Option<&ChatMessage> {
        let ids = match author {
            Some(rep) => self.sent_ids.reps.get(rep)?,
            None => &self.sent_ids.customer,
        };
        ids.get(client_msg_id).and_then(|i| self.chat.get(*i))
    }

    pub fn has_rep(&self, rep: &RepId) -> bool {
        self.participants.contains(rep)
    }

    pub fn is_owner(&self, rep: &RepId) -> bool {
        self.owner.as_ref() == Some(rep)
    }
}

/// A one-time join code for the native client (`offer_client`), stored as its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientOffer {
    /// SHA-256 of the code's digits (without the dashes).
    pub code_hash: String,
    pub expires_at: UnixMillis,
}

/// A session's remote support grants, oldest first: every live one (`prompting`,
/// `granted`) and the latest ended ones, [`switchboard_protocol::MAX_LISTED_GRANTS`] in all
/// unless more are live. Each is kept as it is shown, the rep's name included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Grants {
    /// The id the next request gets (ids count per session, from 1).
    pub next_id: u64,
    pub list: Vec<GrantInfo>,
}

/// An invitation to join a shared session, shown as a queue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub session_id: SessionId,
    pub inviter: RepId,
    pub target: InviteTarget,
    /// The queue the invitation shows in: the rep's personal queue or the team's.
    pub queue: QueueRef,
    pub created_at: UnixMillis,
    /// Reps of the team who declined: hidden for them only.
    pub declined_by: BTreeSet<RepId>,
}

impl Invitation {
    pub fn info(&self) -> InvitationInfo {
        InvitationInfo {
            invitation_id: self.id,
            inviter: self.inviter.clone(),
            target: self.target.clone(),
            created_at: self.created_at,
        }
    }

    pub fn entry_id(&self) -> String {
        format!("invitation:{}", self.id)
    }
}

/// A session key a rep generated, waiting for a customer to enter it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionKey {
    pub key: String,
    pub rep: RepId,
    pub expires_at: UnixMillis,
}

/// A rep's live state (not persisted: after a restart everyone logs in again).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RepState {
    /// What the rep chose (or `Paused`, set by a missed offer); shown while connected.
    pub chosen: Presence,
    pub connected: bool,
    /// When the connection dropped, while the grace period runs.
    pub lost_at: Option<UnixMillis>,
    /// The session currently offered to this rep.
    pub offer: Option<SessionId>,
}

impl RepState {
    pub fn presence(&self) -> Presence {
        if self.connected {
            self.chosen
        } else {
            Presence::Offline
        }
    }
}

pub fn session_entry_id(id: SessionId) -> String {
    format!("session:{id}")
}
