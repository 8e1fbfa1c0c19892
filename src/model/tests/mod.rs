//! Model unit tests: applying server frames, sending chat, unread counts, sorted queue
//! views, Support Buttons, Jump Clients and the actions that depend on the customer's program. Values are
//! plain struct literals built by the small helpers below.

mod buttons;
mod changes;
mod client_actions;
mod client_offer;
mod dashboard;
mod drafts;
mod earlier;

mod events;
mod jump;
mod queue_view;
pub(crate) mod remote_fixture;
mod sending;
mod snapshot;
mod supervision;
mod unread;

use super::Model;
use switchboard_protocol::{
    Author, ChatMessage, CustomerInfo, EntryPath, IssueId, IssueInfo, OkResult, Permissions,
    Presence, QueueEntry, QueueHop, QueueMode, QueueReason, QueueRef, QueueView, RepEvent, RepId,
    RepInfo, RepRequest, RepServerMessage, RepSnapshot, RequestId, SessionId, SessionInfo,
    SessionKind, SessionView, TeamChatMessage, TeamId, TeamInfo, UnixMillis, Visibility,
};

/// The rep using the console.
const ME: &str = "alice";
/// A colleague.
const BOB: &str = "bob";
/// The seq of the first snapshot in most tests.
const SNAPSHOT_SEQ: u64 = 10;
const T0: UnixMillis = 1_767_261_000_000;

fn rep(name: &str) -> RepId {
    RepId::new(name)
}

fn team(name: &str) -> TeamId {
    TeamId::new(name)
}

fn rep_info(name: &str, presence: Presence) -> RepInfo {
    RepInfo {
        rep: rep(name),
        display_name: format!("{name} (display)"),
        teams: vec![team("billing")],
        presence,
        extended_availability: false,
    }
}

fn personal() -> QueueRef {
    QueueRef::Personal { rep: rep(ME) }
}

fn billing() -> QueueRef {
    QueueRef::Team {
        team: team("billing"),
    }
}

fn queue_view(queue: QueueRef, entries: Vec<QueueEntry>) -> QueueView {
    QueueView {
        queue,
        mode: QueueMode::Pull,
        entries,
        service_level: Default::default(),
    }
}

/// A waiting session in `queue`: nothing optional set, started when it entered the queue.
pub(crate) fn entry(
    session: u64,
    queue: QueueRef,
    name: &str,
    entered_queue_at: UnixMillis,
) -> QueueEntry {
    QueueEntry {
        entry_id: format!("session:{session}"),
        queue: queue.clone(),
        session_id: SessionId(session),
        customer: CustomerInfo {
            name: name.to_owned(),
            company: None,
            question: None,
            contact: None,
        },
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::General,
        entered_queue_at,
        session_started_at: entered_queue_at,
        important: false,
        history: vec![QueueHop {
            queue,
            reason: QueueReason::Started,
            at: entered_queue_at,
            by: None,
        }],
        session_key: None,
        invitation: None,
    }
}

/// A session owned by this rep.
pub(crate) fn session_info(session: u64, customer: &str) -> SessionInfo {
    SessionInfo {
        session_id: SessionId(session),
        customer: CustomerInfo {
            name: customer.to_owned(),
            company: None,
            question: None,
            contact: None,
        },
        customer_connected: true,
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::RepPick,
        started_at: T0,
        owner: Some(rep(ME)),
        participants: vec![rep(ME)],
        waiting_in: None,
        important: false,
        disposition: None,
        history: Vec::new(),
        invitations: Vec::new(),
        ended: false,
        assistance: false,
        has_history: false,
        remote: Default::default(),
        monitors: Default::default(),
    }
}

fn session_view(session: u64, customer: &str, chat: Vec<ChatMessage>) -> SessionView {
    SessionView {
        session: session_info(session, customer),
        chat,
        earlier_chat: false,
    }
}

fn message(id: u64, session: u64, author: Author, text: &str) -> ChatMessage {
    ChatMessage {
        id: switchboard_protocol::MessageId(id),
        session_id: SessionId(session),
        author,
        text: text.to_owned(),
        visibility: Visibility::Public,
        at: T0 + id,
        client_msg_id: None,
        attachment: None,
        whisper_to: Default::default(),
    }
}

fn customer_says(id: u64, session: u64, text: &str) -> ChatMessage {
    message(
        id,
        session,
        Author::Customer {
            name: "Customer".to_owned(),
        },
        text,
    )
}

fn rep_says(id: u64, session: u64, name: &str, text: &str) -> ChatMessage {
    message(
        id,
        session,
        Author::Rep {
            rep: rep(name),
            name: format!("{name} (display)"),
        },
        text,
    )
}

/// The message the server stores for a `send_chat` request of this rep.
fn stored(id: u64, request: &RepRequest) -> ChatMessage {
    let RepRequest::SendChat {
        session_id,
        client_msg_id,
        text,
        visibility,
    } = request
    else {
        panic!("not a send_chat request: {request:?}");
    };
    ChatMessage {
        visibility: *visibility,
        client_msg_id: Some(client_msg_id.clone()),
        ..rep_says(id, session_id.0, ME, text)
    }
}

fn client_msg_id(request: &RepRequest) -> &str {
    match request {
        RepRequest::SendChat { client_msg_id, .. } => client_msg_id,
        other => panic!("not a send_chat request: {other:?}"),
    }
}

fn team_message(id: u64, team_name: &str, author: &str, text: &str) -> TeamChatMessage {
    TeamChatMessage {
        id: switchboard_protocol::MessageId(id),
        team: team(team_name),
        author: rep(author),
        author_name: format!("{author} (display)"),
        text: text.to_owned(),
        at: T0 + id,
        client_msg_id: None,
    }
}

/// The state of a rep with no sessions: personal, billing and general queues, all empty.
fn snapshot_state() -> RepSnapshot {
    RepSnapshot {
        me: rep_info(ME, Presence::Available),
        permissions: Permissions {
            general_queue: true,
            share_outside_teams: false,
            transfer: true,
            max_sessions: 4,
            lead: false,
            screen: Default::default(),
            shell: false,
            support_button: false,
            jump_client: false,
            elevate: false,
            monitor: Default::default(),
            take_over: Default::default(),
            whisper: Default::default(),
        },
        reps: vec![
            rep_info(ME, Presence::Available),
            rep_info(BOB, Presence::Busy),
        ],
        teams: vec![TeamInfo {
            team: team("billing"),
            display_name: "Billing".to_owned(),
            mode: QueueMode::Pull,
            members: vec![rep(ME), rep(BOB)],
        }],
        issues: vec![IssueInfo {
            issue: IssueId::new("refund"),
            display_name: "Refund request".to_owned(),
            team: team("billing"),
            request_help: true,
        }],
        dispositions: vec!["Resolved".to_owned()],
        require_disposition: false,
        queues: vec![
            queue_view(personal(), Vec::new()),
            queue_view(billing(), Vec::new()),
            queue_view(QueueRef::General, Vec::new()),
        ],
        sessions: Vec::new(),
        offer: None,
        team_chat: Vec::new(),
        templates: Vec::new(),
        external_url: None,
        assistance: Vec::new(),
        dashboard: Default::default(),
    }
}

fn snapshot(seq: u64, state: RepSnapshot) -> RepServerMessage {
    RepServerMessage::Snapshot {
        seq,
        state: Box::new(state),
    }
}

fn event(seq: u64, event: RepEvent) -> RepServerMessage {
    RepServerMessage::Event { seq, event }
}

fn ok_chat(id: RequestId, message: ChatMessage) -> RepServerMessage {
    RepServerMessage::Ok {
        id,
        result: Some(OkResult::Chat { message }),
    }
}

/// A console after its first snapshot, applying events numbered on from it.
struct Console {
    model: Model,
    seq: u64,
}

impl Console {
    /// After the snapshot of [`snapshot_state`] at [`SNAPSHOT_SEQ`].
    fn new() -> Console {
        Console::with(snapshot_state())
    }

    fn with(state: RepSnapshot) -> Console {
        let mut model = Model::new();
        model.apply(snapshot(SNAPSHOT_SEQ, state));
        Console {
            model,
            seq: SNAPSHOT_SEQ,
        }
    }

    /// Applies `event` with the next seq.
    fn event(&mut self, event: RepEvent) -> Vec<super::Change> {
        self.seq += 1;
        self.model.apply(self::event(self.seq, event))
    }

    /// This rep joins `session` (empty chat).
    fn join(&mut self, session: u64, customer: &str) -> Vec<super::Change> {
        self.event(RepEvent::SessionJoined {
            view: session_view(session, customer, Vec::new()),
        })
    }

    fn chat(&mut self, message: ChatMessage) -> Vec<super::Change> {
        self.event(RepEvent::Chat { message })
    }

    /// The rep sends `text` in `session` (which must be open): the request id and request.
    fn send(
        &mut self,
        session: u64,
        text: &str,
        visibility: Visibility,
    ) -> (switchboard_protocol::RequestId, RepRequest) {
        self.model
            .send_chat(SessionId(session), text, visibility)
            .expect("an open session")
    }

    /// The message ids of `session`'s chat, in order.
    fn chat_ids(&self, session: u64) -> Vec<u64> {
        self.model.sessions[&SessionId(session)]
            .chat
            .iter()
            .map(|m| m.id.0)
            .collect()
    }

    fn unread(&self, session: u64) -> usize {
        self.model.sessions[&SessionId(session)].unread
    }

    fn queue(&self, queue: &QueueRef) -> &super::Queue {
        self.model.queue(queue).expect("queue in the snapshot")
    }
}
