//! Shared end-to-end test support: a real server on 127.0.0.1:0 with a real SQLite file,
//! and real WebSocket clients for reps and customers. Waiting is always for a condition
//! with a deadline, never a sleep.

#![allow(dead_code)]
// Test support: a failed unwrap here is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::*;
use switchboard_server::config::Config;
use switchboard_server::server::{self, Options, Server};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub mod abuse;
pub mod smtp_sink;

pub const DEADLINE: Duration = Duration::from_secs(10);

/// A configuration with short timers so timer rules can be observed quickly.
pub const TEST_CONFIG: &str = r#"
[server]
grace_secs = 1
session_key_ttl_secs = 600
offer_answer_secs = 1
require_disposition = true
dispositions = ["Resolved", "Escalated"]
external_url = "https://crm.example/find?session={session_id}&name={customer}"
max_file_bytes = 1048576

# Every test client comes from 127.0.0.1, and tests start sessions and send messages faster
# than people do: the per-address and rate limits are lifted here. The abuse tests
# (e2e_abuse*.rs) start servers with the real defaults, or tighter ones.
[limits]
sessions_per_minute_per_address = 100000
session_burst_per_address = 10000
chat_per_second = 10000
chat_burst = 10000

[[teams]]
id = "billing"
name = "Billing"

[[teams]]
id = "tech"
name = "Tech"

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = 1
offer_url = "https://sales.example/lead?s={session_id}&n={customer}"

[[teams]]
id = "slow"
name = "Overflow"

[[reps]]
id = "alice"
name = "Alice"
password = "alice-pw"
teams = ["billing", "tech"]
general_queue = true
share_outside_teams = true
transfer = true
max_sessions = 3

[[reps]]
id = "bob"
name = "Bob"
password = "bob-pw"
teams = ["billing"]
general_queue = true
transfer = true

[[reps]]
id = "carol"
name = "Carol"
password = "carol-pw"
teams = ["tech"]
general_queue = false
transfer = true
lead = true

[[reps]]
id = "dave"
name = "Dave"
password = "dave-pw"
email = "dave@example.com"
teams = ["billing"]
extended_availability = true

[[reps]]
id = "sam"
name = "Sam"
password = "sam-pw"
teams = ["sales"]

[[reps]]
id = "sue"
name = "Sue"
password = "sue-pw"
teams = ["sales"]

[[issues]]
id = "invoice"
name = "Invoice question"
team = "billing"
request_help = true

[[issues]]
id = "crash"
name = "App crashes"
team = "tech"

[[buttons]]
token = "btn-billing"
team = "billing"

[[buttons]]
token = "btn-bob"
rep = "bob"

[[templates]]
name = "Greeting"
text = "Hello {customer}, I'm {rep}."

[[templates]]
name = "Refunds"
team = "billing"
text = "Refunds take 5 days."

[[templates]]
name = "Restart"
team = "tech"
text = "Please restart the app."

[[waiting_rules]]
queue = "team:slow"
after_secs = 1
move_to = "general"
"#;

/// The test configuration, parsed (and its passwords hashed) once per test binary.
pub fn test_config() -> Arc<Config> {
    static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(Config::from_toml(TEST_CONFIG).expect("test config")))
        .clone()
}

/// The test configuration with its `[limits]` section replaced by `limits` (TOML lines
/// such as `chat_burst = 3`; unnamed limits take the server's defaults). Parsed each call.
pub fn test_config_with_limits(limits: &str) -> Arc<Config> {
    let start = TEST_CONFIG
        .find("[limits]")
        .expect("the kit has a [limits] section");
    let end = TEST_CONFIG[start..]
        .find("\n\n")
        .map_or(TEST_CONFIG.len(), |i| start + i);
    let text = format!(
        "{}[limits]\n{limits}{}",
        &TEST_CONFIG[..start],
        &TEST_CONFIG[end..]
    );
    Arc::new(Config::from_toml(&text).expect("test config with limits"))
}

/// A real server on a free loopback port with a database in a temp directory.
pub struct TestServer {
    pub server: Option<Server>,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = start_on(dir.path().join("test.db"), "127.0.0.1:0").await;
        TestServer {
            addr: server.addr,
            server: Some(server),
            dir,
        }
    }

    /// A server like [`TestServer::start`] with another configuration (smaller limits, say).
    /// [`TestServer::restart`] comes back with the test configuration.
    pub async fn start_with(config: Arc<Config>) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let options = Options {
            config,
            db_path: dir.path().join("test.db"),
            seed: 7,
        };
        let server = server::start(listener, options)
            .await
            .expect("server starts");
        TestServer {
            addr: server.addr,
            server: Some(server),
            dir,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("test.db")
    }

    /// Stops the server cleanly and starts a new one on the same port and database.
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        let server = start_on(self.db_path(), &self.addr.to_string()).await;
        self.addr = server.addr;
        self.server = Some(server);
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn login(&self, user: &str) -> String {
        login(self.addr, user, &format!("{user}-pw")).await
    }

    pub async fn rep(&self, user: &str) -> RepClient {
        let token = self.login(user).await;
        RepClient::connect(self.addr, &token, None).await
    }

    pub async fn customer(&self, name: &str, route: Route) -> CustomerClient {
        CustomerClient::start(self.addr, name, route).await
    }
}

async fn start_on(db: PathBuf, listen: &str) -> Server {
    // The port may take a moment to be free again after a restart.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let listener = loop {
        match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => break listener,
            Err(e) if tokio::time::Instant::now() < deadline => {
                let _ = e;
                tokio::task::yield_now().await;
            }
            Err(e) => panic!("bind {listen}: {e}"),
        }
    };
    server::start(
        listener,
        Options {
            config: test_config(),
            db_path: db,
            seed: 7,
        },
    )
    .await
    .expect("server starts")
}

pub async fn login(addr: SocketAddr, user: &str, password: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/login"))
        .json(&LoginRequest {
            username: user.into(),
            password: password.into(),
        })
        .send()
        .await
        .expect("login request");
    assert_eq!(response.status(), 200, "login as {user}");
    response
        .json::<LoginResponse>()
        .await
        .expect("login body")
        .token
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// A client WebSocket to the test server.
pub type WsSocket = Socket;

pub async fn open_socket(addr: SocketAddr, path: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .expect("websocket connects");
    socket
}

/// Reads the next text frame within the deadline; `None` when the socket closed.
pub async fn next_text(socket: &mut Socket) -> Option<String> {
    loop {
        let frame = tokio::time::timeout(DEADLINE, socket.next())
            .await
            .expect("a frame before the deadline");
        match frame {
            Some(Ok(Message::Text(text))) => return Some(text.to_string()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

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
        let mut socket = open_socket(addr, "/ws/rep").await;
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

    pub async fn chat_text(&mut self, text: &str) -> ChatMessage {
        self.event("chat", |e| match e {
            RepEvent::Chat { message } if message.text == text => Some(message.clone()),
            _ => None,
        })
        .await
    }
}

/// A customer over a real WebSocket.
pub struct CustomerClient {
    pub socket: Socket,
    pub session_id: SessionId,
    pub token: String,
    /// `session_started` said `ended: true`: the session is over for this customer.
    pub ended: bool,
    /// Messages received and not yet looked at.
    pub inbox: VecDeque<CustomerServerMessage>,
    next_id: u64,
}

impl CustomerClient {
    pub async fn start(addr: SocketAddr, name: &str, route: Route) -> CustomerClient {
        let customer = CustomerInfo {
            name: name.into(),
            company: Some("Acme".into()),
            question: Some("Help!".into()),
            contact: None,
        };
        Self::start_as(addr, customer, route).await
    }

    /// A customer who told us `customer`, started over `route`.
    pub async fn start_as(
        addr: SocketAddr,
        customer: CustomerInfo,
        route: Route,
    ) -> CustomerClient {
        Self::hello(
            addr,
            CustomerHello::Start {
                protocol_version: PROTOCOL_VERSION,
                customer,
                route,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("customer start refused: {e:?}"))
    }

    pub async fn resume(
        addr: SocketAddr,
        session_id: SessionId,
        token: &str,
    ) -> Result<CustomerClient, CustomerServerMessage> {
        Self::hello(
            addr,
            CustomerHello::Resume {
                protocol_version: PROTOCOL_VERSION,
                session_id,
                customer_token: token.into(),
            },
        )
        .await
    }

    pub async fn hello(
        addr: SocketAddr,
        hello: CustomerHello,
    ) -> Result<CustomerClient, CustomerServerMessage> {
        let mut socket = open_socket(addr, "/ws/customer").await;
        socket
            .send(Message::Text(serde_json::to_string(&hello).unwrap().into()))
            .await
            .unwrap();
        let text = next_text(&mut socket).await.expect("an answer to hello");
        match serde_json::from_str(&text).unwrap() {
            CustomerServerMessage::SessionStarted {
                session_id,
                customer_token,
                ended,
                ..
            } => Ok(CustomerClient {
                socket,
                session_id,
                token: customer_token,
                ended,
                inbox: VecDeque::new(),
                next_id: 1,
            }),
            other => Err(other),
        }
    }

    pub async fn raw(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.to_owned().into()))
            .await
            .unwrap();
    }

    pub async fn send(&mut self, request: CustomerRequest) -> RequestId {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        self.raw(&encode_with_id(id, &request)).await;
        id
    }

    pub async fn say(&mut self, text: &str) -> ChatMessage {
        let id = self
            .send(CustomerRequest::Chat {
                client_msg_id: unique_client_id(),
                text: text.into(),
            })
            .await;
        self.wait("ok for chat", |m| match m {
            CustomerServerMessage::Ok { id: got, message } if *got == id => message.clone(),
            _ => None,
        })
        .await
    }

    /// Reads one more message (before `deadline`) into `inbox`, waiting for `what`.
    async fn receive_message(&mut self, deadline: tokio::time::Instant, what: &str) {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = tokio::time::timeout(remaining, next_text(&mut self.socket))
            .await
            .unwrap_or_else(|_| panic!("customer: no `{what}` before the deadline"));
        let text =
            frame.unwrap_or_else(|| panic!("customer socket closed while waiting for `{what}`"));
        self.inbox
            .push_back(serde_json::from_str(&text).expect("valid customer frame"));
    }

    /// Waits for a message matching `pred` (with the deadline).
    pub async fn wait<T>(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&CustomerServerMessage) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            while let Some(message) = self.inbox.pop_front() {
                if let Some(found) = pred(&message) {
                    return found;
                }
            }
            self.receive_message(deadline, what).await;
        }
    }

    /// Reads until the server closes the socket, returning everything received.
    pub async fn until_closed(&mut self) -> Vec<CustomerServerMessage> {
        let mut seen: Vec<_> = self.inbox.drain(..).collect();
        while let Some(text) = next_text(&mut self.socket).await {
            seen.push(serde_json::from_str(&text).expect("valid customer frame"));
        }
        seen
    }
}

/// A client message id no other send in this test run uses (a resumed client starts afresh).
pub fn unique_client_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("c{nanos}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub fn personal(rep: &str) -> QueueRef {
    QueueRef::Personal {
        rep: RepId::from(rep),
    }
}

pub fn team(name: &str) -> QueueRef {
    QueueRef::Team {
        team: TeamId::from(name),
    }
}

// ---- Order-independent waiting (added for e2e_sharing and e2e_timers) ----

/// Takes the first item from `checked` on that `pred` accepts, leaving the rest in order;
/// `checked` remembers how far the queue was already looked at.
fn take_first<M, T>(
    queue: &mut VecDeque<M>,
    checked: &mut usize,
    mut pred: impl FnMut(&M) -> Option<T>,
) -> Option<T> {
    while *checked < queue.len() {
        if let Some(found) = pred(&queue[*checked]) {
            queue.remove(*checked);
            return Some(found);
        }
        *checked += 1;
    }
    None
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

impl CustomerClient {
    /// Waits (with the deadline) for a message matching `pred` and takes only that one;
    /// the others stay in `inbox`, in order.
    pub async fn pick<T>(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&CustomerServerMessage) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let mut checked = 0;
        loop {
            if let Some(found) = take_first(&mut self.inbox, &mut checked, &mut pred) {
                return found;
            }
            self.receive_message(deadline, what).await;
        }
    }

    /// A ping round trip: afterwards every message caused by what the server handled
    /// before it is in `inbox`.
    pub async fn sync(&mut self) {
        let id = self.send(CustomerRequest::Ping).await;
        self.pick("ok for ping", |m| match m {
            CustomerServerMessage::Ok { id: got, .. } if *got == id => Some(()),
            _ => None,
        })
        .await;
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

// ---- Reading a socket to its end (the contract tests) ----

/// The general queue: the route of customers who name nothing.
pub fn general() -> Route {
    Route::General
}

/// Reads frames until the server closes the socket (within the deadline); returns the
/// texts and the close code, if any.
pub async fn drain_until_closed(socket: &mut Socket) -> (Vec<String>, Option<u16>) {
    drain_until_closed_within(socket, DEADLINE).await
}

/// [`drain_until_closed`] with another time limit.
pub async fn drain_until_closed_within(
    socket: &mut Socket,
    limit: Duration,
) -> (Vec<String>, Option<u16>) {
    let deadline = tokio::time::Instant::now() + limit;
    let mut texts = Vec::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the server closes the socket before the deadline");
        match frame {
            Some(Ok(Message::Text(text))) => texts.push(text.to_string()),
            Some(Ok(Message::Close(frame))) => {
                return (texts, frame.map(|f| u16::from(f.code)));
            }
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return (texts, None),
        }
    }
}

/// A customer frame's text, parsed.
pub fn customer_message(text: &str) -> CustomerServerMessage {
    serde_json::from_str(text).unwrap()
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
