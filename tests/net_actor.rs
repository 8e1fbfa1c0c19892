//! The connection actor against a real `switchboard-server` on 127.0.0.1:0 with a temporary
//! database: login outcomes, requests, events, and reconnecting with resume after the
//! connection drops or the server restarts.
//!
//! Waiting is always for an event with a deadline (the actor's `wake` callback feeds a
//! `Notify`), never a sleep. A tiny TCP proxy between the actor and the server lets a test
//! cut the connection and hold the actor off while something happens on the server.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use switchboard::net::{
    Command, ConnectionStatus, LoginError, NOT_CONNECTED, NetEvent, NetHandle, RepServerMessage,
    RequestId,
};
use switchboard_protocol::{LoginResponse, OkResult, RepEvent, RepId, RepRequest, SessionId};
use switchboard_server::config::Config;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, broadcast};
use tokio_tungstenite::tungstenite::Message;

/// Long enough for a few backoff steps while a server restarts.
const DEADLINE: Duration = Duration::from_secs(20);

const CONFIG: &str = r#"
[[teams]]
id = "billing"
name = "Billing"

[[reps]]
id = "alice"
name = "Alice Martin"
password = "alice-pw"
teams = ["billing"]
general_queue = true
"#;

/// Hashing passwords is slow: parse each configuration once per test binary.
fn config() -> Arc<Config> {
    static CONFIG_ONCE: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG_ONCE
        .get_or_init(|| Arc::new(Config::from_toml(CONFIG).unwrap()))
        .clone()
}

/// The same, with login tokens that expire after one second.
fn short_token_config() -> Arc<Config> {
    static CONFIG_ONCE: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG_ONCE
        .get_or_init(|| {
            let text = format!("[server]\ntoken_ttl_secs = 1\n{CONFIG}");
            Arc::new(Config::from_toml(&text).unwrap())
        })
        .clone()
}

// ---- A real server: the kit's, with this file's configurations ----

use switchboard_testkit::TestServer;

// ---- The actor and its events ----

/// The actor's events as they arrive, woken by the actor's `wake` callback.
struct Events {
    rx: Receiver<NetEvent>,
    woken: Arc<Notify>,
    /// Everything received so far, for failure messages.
    seen: Vec<String>,
}

fn spawn_actor() -> (NetHandle, Events) {
    // `RUST_LOG=switchboard=debug` shows the actor's side of a test.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
    let woken = Arc::new(Notify::new());
    let wake = woken.clone();
    let (handle, rx) = NetHandle::spawn(move || wake.notify_one());
    let events = Events {
        rx,
        woken,
        seen: Vec::new(),
    };
    (handle, events)
}

fn connect(handle: &NetHandle, url: &str, password: &str) {
    handle.send(Command::Connect {
        server_url: url.to_owned(),
        username: "alice".into(),
        password: password.into(),
    });
}

impl Events {
    /// Waits (with the deadline) for an event that `pred` picks, skipping the ones before it.
    async fn until<T>(&mut self, what: &str, mut pred: impl FnMut(&NetEvent) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            while let Ok(event) = self.rx.try_recv() {
                self.seen.push(short(&event));
                if let Some(found) = pred(&event) {
                    return found;
                }
            }
            // A wake-up that came before this wait left a permit, so none is missed.
            if tokio::time::timeout_at(deadline, self.woken.notified())
                .await
                .is_err()
            {
                panic!(
                    "no {what} before the deadline; events so far: {:#?}",
                    self.seen
                );
            }
        }
    }

    /// Collects events up to and including the one `stop` picks.
    async fn collect_until(
        &mut self,
        what: &str,
        stop: impl Fn(&NetEvent) -> bool,
    ) -> Vec<NetEvent> {
        let mut collected = Vec::new();
        self.until(what, |event| {
            collected.push(event.clone());
            stop(event).then_some(())
        })
        .await;
        collected
    }

    async fn status(
        &mut self,
        want: fn(&ConnectionStatus) -> bool,
        what: &str,
    ) -> ConnectionStatus {
        self.until(what, |event| match event {
            NetEvent::Status(status) if want(status) => Some(status.clone()),
            _ => None,
        })
        .await
    }

    /// Waits for login, `Connected`, the welcome and the snapshot; returns the welcome's
    /// stream id and the snapshot's seq.
    async fn logged_in(&mut self) -> (String, u64) {
        let events = self
            .collect_until("a snapshot", |e| {
                matches!(e, NetEvent::Server(RepServerMessage::Snapshot { .. }))
            })
            .await;
        let position = |want: fn(&NetEvent) -> bool| {
            events
                .iter()
                .position(want)
                .unwrap_or_else(|| panic!("missing event in {:#?}", self.seen))
        };
        let logged_in = position(|e| matches!(e, NetEvent::LoggedIn { .. }));
        let connected = position(|e| *e == NetEvent::Status(ConnectionStatus::Connected));
        let welcome = position(|e| matches!(e, NetEvent::Server(RepServerMessage::Welcome { .. })));
        assert!(
            logged_in < connected && connected < welcome,
            "{:#?}",
            self.seen
        );
        assert_eq!(
            events[logged_in],
            NetEvent::LoggedIn {
                rep: RepId::from("alice"),
                display_name: "Alice Martin".into()
            }
        );
        let NetEvent::Server(RepServerMessage::Welcome {
            stream_id, resumed, ..
        }) = &events[welcome]
        else {
            unreachable!()
        };
        assert!(!resumed, "a first connection gets a snapshot");
        let Some(NetEvent::Server(RepServerMessage::Snapshot { seq, .. })) = events.last() else {
            unreachable!()
        };
        (stream_id.clone(), *seq)
    }

    /// Waits for the reply to request `id`.
    async fn reply(&mut self, id: RequestId) -> RepServerMessage {
        self.until("the reply", |event| match event {
            NetEvent::Server(reply @ RepServerMessage::Ok { id: got, .. })
            | NetEvent::Server(reply @ RepServerMessage::Error { id: Some(got), .. })
                if *got == id =>
            {
                Some(reply.clone())
            }
            _ => None,
        })
        .await
    }
}

/// An event in one line (a snapshot in full would drown a failure message).
fn short(event: &NetEvent) -> String {
    match event {
        NetEvent::Server(RepServerMessage::Snapshot { seq, .. }) => {
            format!("Server(Snapshot seq={seq})")
        }
        NetEvent::Server(RepServerMessage::Event { seq, event }) => {
            let kind = format!("{event:?}");
            let kind = kind.split([' ', '{']).next().unwrap_or_default().to_owned();
            format!("Server(Event seq={seq} {kind})")
        }
        other => format!("{other:?}"),
    }
}

fn is_reconnecting(status: &ConnectionStatus) -> bool {
    matches!(status, ConnectionStatus::Reconnecting { .. })
}

fn is_connected(status: &ConnectionStatus) -> bool {
    *status == ConnectionStatus::Connected
}

// ---- A customer ----

/// A customer (the kit's test client) who picks alice; keep it alive to keep the session
/// waiting.
async fn customer(addr: SocketAddr, name: &str) -> switchboard_testkit::CustomerClient {
    let customer = switchboard_protocol::CustomerInfo {
        name: name.to_owned(),
        ..Default::default()
    };
    let route = switchboard_protocol::Route::Rep {
        rep: "alice".into(),
    };
    switchboard_testkit::CustomerClient::start_as(addr, customer, route).await
}

/// The queue entry for `session` in an event, if that is what it is.
fn upserted(event: &NetEvent, session: SessionId) -> bool {
    matches!(
        event,
        NetEvent::Server(RepServerMessage::Event { event: RepEvent::EntryUpserted { entry }, .. })
            if entry.session_id == session
    )
}

// ---- A proxy the test can cut ----

/// A TCP proxy in front of the server: `cut` drops every connection through it, and
/// while `paused` it hangs up on new connections at once, so the actor keeps retrying.
struct Proxy {
    addr: SocketAddr,
    paused: Arc<AtomicBool>,
    cut: broadcast::Sender<()>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let paused = Arc::new(AtomicBool::new(false));
        let (cut, _) = broadcast::channel(4);
        let (accept_paused, accept_cut) = (paused.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if accept_paused.load(Ordering::SeqCst) {
                    continue; // dropping `client` hangs up
                }
                let mut cut = accept_cut.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        // Bytes flow both ways until either side hangs up...
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        // ...or the test cuts the line (dropping both streams).
                        _ = cut.recv() => {}
                    }
                });
            }
        });
        Proxy { addr, paused, cut }
    }

    fn url(&self) -> String {
        // No scheme and a trailing slash: the actor must normalise it.
        format!("{}/", self.addr)
    }

    /// Cuts every open connection and refuses new ones until `resume`.
    fn cut_and_pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        let _ = self.cut.send(());
    }

    fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

// ---- A fake server from the future ----

/// Answers the login like a real server, then refuses the WebSocket hello with
/// `version_mismatch`, as a server speaking another protocol version would.
async fn fake_server_of_another_version() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(fake_connection(stream));
        }
    });
    addr
}

async fn fake_connection(stream: TcpStream) {
    let mut stream = BufReader::new(stream);
    let starts_with_post = stream.fill_buf().await.unwrap().starts_with(b"POST");
    if starts_with_post {
        // The login: read the request, answer with a canned LoginResponse.
        let mut content_length = 0;
        loop {
            let mut line = String::new();
            stream.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; content_length];
        stream.read_exact(&mut body).await.unwrap();
        let answer = serde_json::to_string(&LoginResponse {
            token: "f".repeat(64),
            rep: RepId::from("alice"),
            display_name: "Alice Martin".into(),
            expires_at: 4_102_444_800_000,
            protocol_version: 1,
        })
        .unwrap();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(response.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap();
        return;
    }
    let mut socket = tokio_tungstenite::accept_async(stream).await.unwrap();
    let hello = socket.next().await.unwrap().unwrap();
    assert!(hello.to_text().unwrap().contains(r#""type":"hello""#));
    let refusal = r#"{"type":"error","code":"version_mismatch","message":"This server speaks protocol version 2; the console speaks 1. Update the console."}"#;
    socket.send(Message::Text(refusal.into())).await.unwrap();
    let _ = socket.close(None).await;
}

/// A loopback address nobody listens on.
async fn dead_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

// ---- Tests ----

/// Logging in with the right password reports LoggedIn, Connected, the welcome, then the snapshot.
#[tokio::test]
async fn good_password_logs_in_and_streams_the_snapshot() {
    let server = TestServer::start_with(config()).await;
    let (net, mut events) = spawn_actor();
    connect(&net, &server.url(), "alice-pw");
    events
        .status(|s| *s == ConnectionStatus::Connecting, "Connecting")
        .await;
    events.logged_in().await;
}

/// A wrong password gives LoginFailed(WrongPassword) and the actor goes Offline.
#[tokio::test]
async fn wrong_password_fails_the_login() {
    let server = TestServer::start_with(config()).await;
    let (net, mut events) = spawn_actor();
    connect(&net, &server.url(), "not-the-password");
    let error = events
        .until("LoginFailed", |e| match e {
            NetEvent::LoginFailed(error) => Some(error.clone()),
            _ => None,
        })
        .await;
    assert_eq!(error, LoginError::WrongPassword);
    events
        .status(|s| *s == ConnectionStatus::Offline, "Offline")
        .await;
}

/// A server nobody listens for gives LoginFailed(Unreachable) with a readable message.
#[tokio::test]
async fn unreachable_server_fails_the_login() {
    let addr = dead_address().await;
    let (net, mut events) = spawn_actor();
    connect(&net, &format!("http://{addr}"), "alice-pw");
    let error = events
        .until("LoginFailed", |e| match e {
            NetEvent::LoginFailed(error) => Some(error.clone()),
            _ => None,
        })
        .await;
    let LoginError::Unreachable(message) = error else {
        panic!("expected Unreachable, got {error:?}");
    };
    assert!(message.contains("refused"), "{message}");
    events
        .status(|s| *s == ConnectionStatus::Offline, "Offline")
        .await;
}

/// A server that refuses the hello with version_mismatch gives LoginFailed(VersionMismatch), no retry.
#[tokio::test]
async fn other_protocol_version_fails_the_login() {
    let addr = fake_server_of_another_version().await;
    let (net, mut events) = spawn_actor();
    connect(&net, &format!("http://{addr}"), "alice-pw");
    let events_seen = events
        .collect_until("Offline", |e| {
            *e == NetEvent::Status(ConnectionStatus::Offline)
        })
        .await;
    assert!(
        events_seen.iter().any(|e| matches!(
            e,
            NetEvent::LoginFailed(LoginError::VersionMismatch(m)) if m.contains("version 2")
        )),
        "{events_seen:#?}"
    );
    assert!(
        !events_seen.iter().any(|e| matches!(
            e,
            NetEvent::LoggedIn { .. } | NetEvent::Status(ConnectionStatus::Reconnecting { .. })
        )),
        "{events_seen:#?}"
    );
}

/// A second console of the same rep replaces the first: the server closes the first with
/// code 4001, and the first goes offline with the reason instead of reconnecting (which
/// would take the connection back, over and over).
#[tokio::test]
async fn a_console_replaced_by_another_stops_instead_of_fighting() {
    let server = TestServer::start_with(config()).await;
    let (first, mut first_events) = spawn_actor();
    connect(&first, &server.url(), "alice-pw");
    first_events.logged_in().await;
    let (second, mut second_events) = spawn_actor();
    connect(&second, &server.url(), "alice-pw");
    second_events.logged_in().await;
    let seen = first_events
        .collect_until("Offline", |e| {
            *e == NetEvent::Status(ConnectionStatus::Offline)
        })
        .await;
    assert!(
        seen.iter().any(|e| matches!(
            e,
            NetEvent::LoginFailed(LoginError::Other(m)) if m == switchboard::net::REPLACED_MESSAGE
        )),
        "{seen:#?}"
    );
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, NetEvent::Status(ConnectionStatus::Reconnecting { .. }))),
        "no reconnect: {seen:#?}"
    );
    // The newer console keeps the connection.
    let id = RequestId(7);
    second.send(Command::Send {
        id,
        request: RepRequest::Ping,
    });
    assert!(matches!(
        second_events.reply(id).await,
        RepServerMessage::Ok { .. }
    ));
}

/// A request is sent with the caller's id and its `ok` comes back with the same id.
#[tokio::test]
async fn request_gets_its_reply() {
    let server = TestServer::start_with(config()).await;
    let (net, mut events) = spawn_actor();
    // No scheme and a trailing slash: normalised to http://host:port.
    connect(&net, &format!("{}/", server.addr), "alice-pw");
    events.logged_in().await;
    let id = RequestId(42);
    net.send(Command::Send {
        id,
        request: RepRequest::GenerateSessionKey,
    });
    let reply = events.reply(id).await;
    assert!(
        matches!(
            reply,
            RepServerMessage::Ok {
                result: Some(OkResult::SessionKey { .. }),
                ..
            }
        ),
        "{reply:?}"
    );
}

/// A request while offline is answered with SendFailed, never dropped.
#[tokio::test]
async fn send_while_offline_fails_at_once() {
    let (net, mut events) = spawn_actor();
    net.send(Command::Send {
        id: RequestId(5),
        request: RepRequest::Ping,
    });
    let failed = events
        .until("SendFailed", |e| match e {
            NetEvent::SendFailed { id, reason } => Some((*id, reason.clone())),
            _ => None,
        })
        .await;
    assert_eq!(failed, (RequestId(5), NOT_CONNECTED.to_owned()));
}

/// A customer picking the rep reaches the console as an `entry_upserted` event.
#[tokio::test]
async fn customer_arrives_as_an_event() {
    let server = TestServer::start_with(config()).await;
    let (net, mut events) = spawn_actor();
    connect(&net, &server.url(), "alice-pw");
    let (_, snapshot_seq) = events.logged_in().await;
    let jane = customer(server.addr, "Jane").await;
    let seq = events
        .until("entry_upserted", |e| match e {
            NetEvent::Server(RepServerMessage::Event { seq, .. })
                if upserted(e, jane.session_id) =>
            {
                Some(*seq)
            }
            _ => None,
        })
        .await;
    assert!(seq > snapshot_seq);
}

/// After a dropped connection the actor reconnects with resume and gets exactly the missed events.
#[tokio::test]
async fn dropped_connection_resumes_with_the_missed_events() {
    let server = TestServer::start_with(config()).await;
    let proxy = Proxy::start(server.addr).await;
    let (net, mut events) = spawn_actor();
    connect(&net, &proxy.url(), "alice-pw");
    let (stream_id, snapshot_seq) = events.logged_in().await;

    proxy.cut_and_pause();
    let ConnectionStatus::Reconnecting { attempt, .. } =
        events.status(is_reconnecting, "Reconnecting").await
    else {
        unreachable!()
    };
    assert_eq!(attempt, 1);
    // While away, a customer picks alice.
    let jane = customer(server.addr, "Jane").await;
    proxy.resume();

    let welcome = events
        .until("the welcome", |e| match e {
            NetEvent::Server(welcome @ RepServerMessage::Welcome { .. }) => Some(welcome.clone()),
            _ => None,
        })
        .await;
    let RepServerMessage::Welcome {
        stream_id: resumed_stream,
        resumed,
        ..
    } = welcome
    else {
        unreachable!()
    };
    assert!(resumed, "the same server resumes the stream");
    assert_eq!(resumed_stream, stream_id);

    // A round trip: afterwards every missed event has arrived.
    let id = RequestId(1);
    net.send(Command::Send {
        id,
        request: RepRequest::Ping,
    });
    let after = events
        .collect_until(
            "the ping's ok",
            |e| matches!(e, NetEvent::Server(RepServerMessage::Ok { id: got, .. }) if *got == id),
        )
        .await;
    let seqs: Vec<u64> = after
        .iter()
        .filter_map(|e| match e {
            NetEvent::Server(RepServerMessage::Event { seq, .. }) => Some(*seq),
            _ => None,
        })
        .collect();
    let expected: Vec<u64> = (snapshot_seq + 1..snapshot_seq + 1 + seqs.len() as u64).collect();
    assert_eq!(
        seqs, expected,
        "the missed events, in order, without gaps or repeats"
    );
    assert_eq!(
        after
            .iter()
            .filter(|e| upserted(e, jane.session_id))
            .count(),
        1
    );
    assert!(
        !after
            .iter()
            .any(|e| matches!(e, NetEvent::Server(RepServerMessage::Snapshot { .. }))),
        "a resume sends no snapshot"
    );
}

/// A server restart: Reconnecting (requests fail meanwhile), then Connected with a new
/// stream and a fresh snapshot that holds what happened while away, exactly once.
#[tokio::test]
async fn server_restart_reconnects_with_a_fresh_snapshot() {
    let mut server = TestServer::start_with(config()).await;
    let proxy = Proxy::start(server.addr).await;
    let (net, mut events) = spawn_actor();
    connect(&net, &proxy.url(), "alice-pw");
    let (old_stream, _) = events.logged_in().await;

    // Hold the actor off until the new server has something to tell.
    proxy.cut_and_pause();
    server.restart().await;
    events.status(is_reconnecting, "Reconnecting").await;

    // A request while reconnecting fails at once, with the id.
    net.send(Command::Send {
        id: RequestId(7),
        request: RepRequest::GenerateSessionKey,
    });
    let reason = events
        .until("SendFailed", |e| match e {
            NetEvent::SendFailed { id, reason } if *id == RequestId(7) => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reason, NOT_CONNECTED);

    let jane = customer(server.addr, "Jane").await;
    proxy.resume();
    events.status(is_connected, "Connected").await;
    let after = events
        .collect_until("the snapshot", |e| {
            matches!(e, NetEvent::Server(RepServerMessage::Snapshot { .. }))
        })
        .await;
    let Some(NetEvent::Server(RepServerMessage::Welcome {
        stream_id, resumed, ..
    })) = after.first()
    else {
        panic!("the welcome comes first: {after:#?}");
    };
    assert!(!resumed);
    assert_ne!(
        *stream_id, old_stream,
        "a restarted server has a new stream"
    );
    let Some(NetEvent::Server(RepServerMessage::Snapshot { state, .. })) = after.last() else {
        unreachable!()
    };
    let in_snapshot = state
        .queues
        .iter()
        .flat_map(|q| &q.entries)
        .filter(|entry| entry.session_id == jane.session_id)
        .count();
    assert_eq!(
        in_snapshot, 1,
        "the customer who came while away is in the snapshot"
    );

    // Nothing repeats it afterwards, and the connection works.
    let id = RequestId(8);
    net.send(Command::Send {
        id,
        request: RepRequest::Ping,
    });
    let later = events
        .collect_until(
            "the ping's ok",
            |e| matches!(e, NetEvent::Server(RepServerMessage::Ok { id: got, .. }) if *got == id),
        )
        .await;
    assert_eq!(
        later
            .iter()
            .filter(|e| upserted(e, jane.session_id))
            .count(),
        0
    );
}

/// An expired token during a reconnect makes the actor log in again with the remembered password.
#[tokio::test]
async fn expired_token_logs_in_again_on_reconnect() {
    let server = TestServer::start_with(short_token_config()).await;
    let proxy = Proxy::start(server.addr).await;
    let (net, mut events) = spawn_actor();
    let logged_in_at = Instant::now();
    connect(&net, &proxy.url(), "alice-pw");
    let (stream_id, _) = events.logged_in().await;

    proxy.cut_and_pause();
    // Let the one-second token run out while the actor keeps retrying.
    let expired = logged_in_at + Duration::from_millis(1500);
    events
        .until("a retry after the token expired", |e| match e {
            NetEvent::Status(ConnectionStatus::Reconnecting { .. }) if Instant::now() > expired => {
                Some(())
            }
            _ => None,
        })
        .await;
    proxy.resume();

    let after = events
        .collect_until("the welcome", |e| {
            matches!(e, NetEvent::Server(RepServerMessage::Welcome { .. }))
        })
        .await;
    assert!(
        !after
            .iter()
            .any(|e| matches!(e, NetEvent::LoginFailed(_) | NetEvent::LoggedIn { .. })),
        "logging in again is silent: {after:#?}"
    );
    let Some(NetEvent::Server(RepServerMessage::Welcome {
        stream_id: again,
        resumed,
        ..
    })) = after.last()
    else {
        unreachable!()
    };
    assert_eq!(*again, stream_id);
    assert!(resumed, "the new token resumes the same stream");
}

/// Logout goes Offline; requests afterwards fail instead of being sent.
#[tokio::test]
async fn logout_goes_offline() {
    let server = TestServer::start_with(config()).await;
    let (net, mut events) = spawn_actor();
    connect(&net, &server.url(), "alice-pw");
    events.logged_in().await;
    net.send(Command::Logout);
    events
        .status(|s| *s == ConnectionStatus::Offline, "Offline")
        .await;
    net.send(Command::Send {
        id: RequestId(3),
        request: RepRequest::Ping,
    });
    events
        .until("SendFailed", |e| {
            matches!(e, NetEvent::SendFailed { id, .. } if *id == RequestId(3)).then_some(())
        })
        .await;
}
