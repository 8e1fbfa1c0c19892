//! The rep test client: a console's protocol over a real WebSocket, without the console.
//! It keeps the event stream (checking every seq follows the last) and the last seq, sends
//! requests and waits for their answers, and waits for events with the deadline.

use crate::socket::{Socket, next_text, open_socket};
use crate::wait::{DEADLINE, take_first};
use futures_util::SinkExt;
use std::collections::VecDeque;
use std::net::SocketAddr;
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    ChatMessage, CloseMode, ErrorCode, InvitationId, InviteTarget, OkResult, PROTOCOL_VERSION,
    QueueEntry, QueueRef, RepEvent, RepHello, RepRequest, RepServerMessage, RepSnapshot, RequestId,
    ResumeFrom, SessionId, SessionView,
};
use tokio_tungstenite::tungstenite::Message;

/// A console over a real WebSocket: keeps the event stream and the last seq.
pub struct RepClient {
    pub socket: Socket,
    pub welcome: RepServerMessage,
    pub snapshot: Option<RepSnapshot>,
    /// Events received but not yet looked at.
    pub events: VecDeque<(u64, RepEvent)>,
    pub last_seq: u64,
    pub stream_id: String,
    next_id: u64,
}

impl RepClient {
    pub async fn connect(addr: SocketAddr, token: &str, resume: Option<ResumeFrom>) -> RepClient {
        Self::try_connect(addr, token, resume)
            .await
            .expect("handshake accepted")
    }

    /// Connects and says hello; `Err` carries the server's refusal.
    pub async fn try_connect(
        addr: SocketAddr,
        token: &str,
        resume: Option<ResumeFrom>,
    ) -> Result<RepClient, RepServerMessage> {
        let socket = open_socket(addr, "/ws/rep").await;
        Self::try_hello(socket, token, resume).await
    }

    /// Says hello on an open `/ws/rep` socket (plain or TLS); `Err` carries the refusal.
    pub async fn try_hello(
        mut socket: Socket,
        token: &str,
        resume: Option<ResumeFrom>,
    ) -> Result<RepClient, RepServerMessage> {
        let hello = RepHello::Hello {
            protocol_version: PROTOCOL_VERSION,
            token: token.into(),
            resume: resume.clone(),
        };
        socket
            .send(Message::Text(serde_json::to_string(&hello).unwrap().into()))
            .await
            .unwrap();
        let first: RepServerMessage =
            serde_json::from_str(&next_text(&mut socket).await.expect("welcome")).unwrap();
        let RepServerMessage::Welcome {
            stream_id, resumed, ..
        } = &first
        else {
            return Err(first);
        };
        let mut client = RepClient {
            stream_id: stream_id.clone(),
            welcome: first.clone(),
            socket,
            snapshot: None,
            events: VecDeque::new(),
            last_seq: resume.map(|r| r.last_seq).unwrap_or(0),
            next_id: 1,
        };
        if !resumed {
            let text = next_text(&mut client.socket).await.expect("snapshot");
            match serde_json::from_str(&text).unwrap() {
                RepServerMessage::Snapshot { seq, state } => {
                    client.last_seq = seq;
                    client.snapshot = Some(*state);
                }
                other => panic!("expected a snapshot, got {other:?}"),
            }
        }
        Ok(client)
    }

    pub fn resume_from(&self) -> ResumeFrom {
        ResumeFrom {
            stream_id: self.stream_id.clone(),
            last_seq: self.last_seq,
        }
    }

    fn take_frame(&mut self, text: &str) -> Option<RepServerMessage> {
        let message: RepServerMessage = serde_json::from_str(text).expect("a valid server frame");
        if let RepServerMessage::Event { seq, event } = message {
            assert_eq!(
                seq,
                self.last_seq + 1,
                "events arrive in order without gaps"
            );
            self.last_seq = seq;
            self.events.push_back((seq, event));
            None
        } else {
            Some(message)
        }
    }

    /// Sends a raw text frame and returns the next non-event reply.
    pub async fn raw(&mut self, text: &str) -> RepServerMessage {
        self.socket
            .send(Message::Text(text.to_owned().into()))
            .await
            .unwrap();
        self.next_reply().await
    }

    pub async fn next_reply(&mut self) -> RepServerMessage {
        loop {
            let text = next_text(&mut self.socket)
                .await
                .expect("socket open while waiting for a reply");
            if let Some(message) = self.take_frame(&text) {
                return message;
            }
        }
    }

    /// Sends a request and waits for its `ok` or `error`.
    pub async fn request(
        &mut self,
        request: RepRequest,
    ) -> Result<Option<OkResult>, (ErrorCode, String)> {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let text = encode_with_id(id, &request);
        match self.raw(&text).await {
            RepServerMessage::Ok { id: got, result } => {
                assert_eq!(got, id);
                Ok(result)
            }
            RepServerMessage::Error {
                id: got,
                code,
                message,
                ..
            } => {
                assert_eq!(got, Some(id));
                Err((code, message))
            }
            other => panic!("unexpected reply {other:?}"),
        }
    }

    /// A request that must succeed.
    pub async fn ok(&mut self, request: RepRequest) -> Option<OkResult> {
        let shown = format!("{request:?}");
        match self.request(request).await {
            Ok(result) => result,
            Err(e) => panic!("{shown} refused: {e:?}"),
        }
    }

    /// A request that must fail with `code`.
    pub async fn refused(&mut self, request: RepRequest, code: ErrorCode) {
        let shown = format!("{request:?}");
        match self.request(request).await {
            Ok(_) => panic!("{shown} should have been refused with {code:?}"),
            Err((got, message)) => assert_eq!(got, code, "{shown}: {message}"),
        }
    }

    /// Reads one more frame (before `deadline`) into `events`; anything but an event while
    /// waiting for `what` fails the test.
    async fn receive_event(&mut self, deadline: tokio::time::Instant, what: &str) {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = tokio::time::timeout(remaining, next_text(&mut self.socket))
            .await
            .unwrap_or_else(|_| panic!("no event `{what}` before the deadline"));
        let text = frame.unwrap_or_else(|| panic!("socket closed while waiting for `{what}`"));
        if let Some(other) = self.take_frame(&text) {
            panic!("unexpected frame while waiting for `{what}`: {other:?}");
        }
    }

    /// Waits (with the deadline) for an event matching `pred`, consuming events up to it.
    pub async fn event<T>(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&RepEvent) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            while let Some((_, event)) = self.events.pop_front() {
                if let Some(found) = pred(&event) {
                    return found;
                }
            }
            self.receive_event(deadline, what).await;
        }
    }

    /// Waits for an entry for `session` in `queue`.
    pub async fn entry_in(&mut self, queue: &QueueRef, session: SessionId) -> QueueEntry {
        self.event("entry upserted", |e| match e {
            RepEvent::EntryUpserted { entry }
                if &entry.queue == queue && entry.session_id == session =>
            {
                Some(entry.clone())
            }
            _ => None,
        })
        .await
    }

    /// Waits for the queue entry of the customer called `name` (a program started by the
    /// test, whose session id the test cannot know), accepts it and waits until the session
    /// opens; the entry and the session as it opened.
    pub async fn accept_customer_named(&mut self, name: &str) -> (QueueEntry, SessionView) {
        let entry = self
            .event(name, |e| match e {
                RepEvent::EntryUpserted { entry } if entry.customer.name == name => {
                    Some(entry.clone())
                }
                _ => None,
            })
            .await;
        let session_id = entry.session_id;
        self.ok(RepRequest::Accept { session_id }).await;
        let view = joined(self, session_id).await;
        (entry, view)
    }

    pub async fn chat_text(&mut self, text: &str) -> ChatMessage {
        self.event("chat", |e| match e {
            RepEvent::Chat { message } if message.text == text => Some(message.clone()),
            _ => None,
        })
        .await
    }
}

impl RepClient {
    /// Waits (with the deadline) for an event matching `pred` and takes only that one: the
    /// events that do not match stay queued, in order, for later waits.
    pub async fn pick<T>(&mut self, what: &str, mut pred: impl FnMut(&RepEvent) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let mut checked = 0;
        loop {
            if let Some(found) = take_first(&mut self.events, &mut checked, |(_, e)| pred(e)) {
                return found;
            }
            self.receive_event(deadline, what).await;
        }
    }

    /// Whether an event received and not yet taken matches `pred`.
    pub fn has_queued(&self, pred: impl Fn(&RepEvent) -> bool) -> bool {
        self.events.iter().any(|(_, e)| pred(e))
    }

    /// A round trip through the server: afterwards every event caused by what the server
    /// handled before this ping is queued here.
    pub async fn sync(&mut self) {
        self.ok(RepRequest::Ping).await;
    }
}

impl RepClient {
    /// Invites `target` to `session_id` (as the owner); the new invitation's id.
    pub async fn invite(&mut self, session_id: SessionId, target: InviteTarget) -> InvitationId {
        match self.ok(RepRequest::Invite { session_id, target }).await {
            Some(OkResult::Invitation { invitation_id }) => invitation_id,
            other => panic!("invite answered {other:?}"),
        }
    }
}

/// Waits for `session_id` to open for this rep (session_joined), keeping other events queued.
pub async fn joined(rep: &mut RepClient, session_id: SessionId) -> SessionView {
    rep.pick("session joined", |e| match e {
        RepEvent::SessionJoined { view } if view.session.session_id == session_id => {
            Some(view.clone())
        }
        _ => None,
    })
    .await
}

/// The owner ends the session the usual way: disposition "Resolved", then close with `end`.
pub async fn end_resolved(rep: &mut RepClient, session_id: SessionId) {
    rep.ok(RepRequest::SetDisposition {
        session_id,
        disposition: "Resolved".into(),
    })
    .await;
    rep.ok(RepRequest::Close {
        session_id,
        mode: CloseMode::End,
    })
    .await;
}

/// Waits for an entry (a waiting session, not an invitation) of `session_id` in `queue`
/// matching `pred`, keeping other events queued.
pub async fn session_entry_in(
    rep: &mut RepClient,
    queue: &QueueRef,
    session_id: SessionId,
    pred: impl Fn(&QueueEntry) -> bool,
) -> QueueEntry {
    rep.pick("session entry", |e| match e {
        RepEvent::EntryUpserted { entry }
            if &entry.queue == queue
                && entry.session_id == session_id
                && entry.invitation.is_none()
                && pred(entry) =>
        {
            Some(entry.clone())
        }
        _ => None,
    })
    .await
}
