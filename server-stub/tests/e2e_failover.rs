//! End to end: a standby server takes over from an active one on the same PostgreSQL
//! database, with real processes on loopback. Under chat load, kill -9 of the active loses
//! no acknowledged message and duplicates none once clients resume on the standby; an
//! active that was only paused (SIGSTOP) and wakes after the takeover acknowledges and
//! delivers nothing, and exits saying it lost the lease. A file shared and a shell
//! transcript recorded on the active are read from the new active after a kill -9 (both
//! live in PostgreSQL, not beside the dead server).
//!
//! Skipped (with a loud line) only where no PostgreSQL binaries exist and `CI` is unset.

#![allow(clippy::unwrap_used)]

use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    Capability, ChatMessage, CustomerRequest, CustomerServerMessage, GrantState, MediaChannel,
    RepEvent, RepRequest, RepServerMessage, RequestId, Route, SessionId,
};
use switchboard_testkit::failover::{
    Health, ServerProcess, TAKEOVER_DEADLINE, customer_counts, failover_config, stored_chat,
    until_active, until_health, upgrade_refusal,
};
use switchboard_testkit::media::MediaClient;
use switchboard_testkit::postgres::fresh_database;
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::shell::{input, output};
use switchboard_testkit::{CustomerClient, DEADLINE, RepClient, Socket, login, poll_until};
use tokio_tungstenite::tungstenite::Message;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchboard-server"))
}

/// Starts two servers on `url`; (the active one, the standby) once one holds the lease
/// and the other says `standby`.
async fn active_and_standby(url: &str) -> (ServerProcess, ServerProcess) {
    let config = failover_config();
    let first = ServerProcess::start_with(binary(), url, &config).await;
    let second = ServerProcess::start_with(binary(), url, &config).await;
    let active = until_active(&[&first, &second], TAKEOVER_DEADLINE).await;
    let (active, standby) = if active == 0 {
        (first, second)
    } else {
        (second, first)
    };
    until_health(&[&standby], Health::Standby, DEADLINE).await;
    // Exactly one is active: the other still serves, and still as the active one.
    assert_eq!(active.healthz().await, Health::Active);
    (active, standby)
}

/// A standby refuses WebSocket upgrades with 503 and `Retry-After`, so clients move on.
async fn refuses_as_standby(standby: &ServerProcess) {
    for path in ["/ws/rep", "/ws/customer"] {
        let refusal = upgrade_refusal(standby.addr, path)
            .await
            .unwrap_or_else(|| panic!("the standby upgraded {path}"));
        assert_eq!(refusal.status, 503, "{path}: {refusal:?}");
        assert_eq!(
            refusal.retry_after.as_deref(),
            Some("1"),
            "{path}: {refusal:?}"
        );
        assert!(refusal.body.contains("standby"), "{path}: {refusal:?}");
    }
}

/// How many chat requests one customer keeps in flight: enough that some are committed
/// but not yet acknowledged (or not yet committed) when the server dies.
const WINDOW: usize = 4;
/// Acknowledged messages (all customers together) before the kill.
const ACKED_BEFORE_KILL: usize = 60;
/// At most this many sends per customer (a bound on the test's load if the kill is late).
const MAX_SENDS: usize = 1500;

/// One chat message a load customer sent.
#[derive(Debug, Clone)]
struct Sent {
    client_msg_id: String,
    text: String,
}

/// What one load customer sent before its socket closed, and which of it was acknowledged.
struct LoadOutcome {
    sent: Vec<Sent>,
    acked: HashSet<String>,
}

/// Sends chat on `socket` continuously (up to [`WINDOW`] unanswered) until `stop` is set,
/// then reads on until the server closes the socket; every `ok` counts in `acked_total`.
async fn chat_until_closed(
    mut socket: Socket,
    who: usize,
    acked_total: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) -> LoadOutcome {
    let mut sent = Vec::new();
    let mut acked = HashSet::new();
    let mut in_flight: HashMap<RequestId, String> = HashMap::new();
    loop {
        while in_flight.len() < WINDOW && !stop.load(Ordering::Relaxed) && sent.len() < MAX_SENDS {
            let n = sent.len();
            let message = Sent {
                client_msg_id: format!("load-{who}-{n}"),
                text: format!("customer {who} says {n}"),
            };
            let id = RequestId(n as u64 + 1);
            let frame = encode_with_id(
                id,
                &CustomerRequest::Chat {
                    client_msg_id: message.client_msg_id.clone(),
                    text: message.text.clone(),
                },
            );
            // Counted as sent before the write: a write that fails may still have left.
            in_flight.insert(id, message.client_msg_id.clone());
            sent.push(message);
            if socket.send(Message::Text(frame.into())).await.is_err() {
                return LoadOutcome { sent, acked };
            }
        }
        let frame = tokio::time::timeout(DEADLINE, socket.next())
            .await
            .expect("the server answers or closes the socket before the deadline");
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => continue,
        };
        match serde_json::from_str::<CustomerServerMessage>(&text).unwrap() {
            CustomerServerMessage::Ok { id, .. } => {
                if let Some(client_msg_id) = in_flight.remove(&id) {
                    acked.insert(client_msg_id);
                    acked_total.fetch_add(1, Ordering::Relaxed);
                }
            }
            CustomerServerMessage::Error {
                id: Some(id),
                code,
                message,
                ..
            } if in_flight.contains_key(&id) => {
                panic!("customer {who}: a chat was refused: {code:?} {message}")
            }
            _ => {}
        }
    }
    LoadOutcome { sent, acked }
}

/// kill -9 of the active under chat load: the standby takes over, the clients resume on it
/// and resend what was not acknowledged, and then every message is there exactly once: in
/// the rep's view and in PostgreSQL's `chat` table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_chat_load_loses_and_duplicates_nothing() {
    let Some(db) = fresh_database() else { return };
    let (mut active, standby) = active_and_standby(&db.url).await;
    refuses_as_standby(&standby).await;

    let token = login(active.addr, "alice", "alice-pw").await;
    let mut alice = RepClient::connect(active.addr, &token, None).await;
    let mut customers = Vec::new();
    for who in 0..3 {
        let customer =
            CustomerClient::start(active.addr, &format!("Load {who}"), Route::General).await;
        let session_id = customer.session_id;
        alice
            .entry_in(&switchboard_protocol::QueueRef::General, session_id)
            .await;
        alice.ok(RepRequest::Accept { session_id }).await;
        customers.push(customer);
    }
    // The rep reads her stream all along (a rep who stops reading is cut off as slow) and
    // keeps the client ids of the customers' messages delivered to her.
    let alice_reader = tokio::spawn(async move {
        let mut delivered = HashSet::new();
        while let Ok(Some(Ok(frame))) = tokio::time::timeout(DEADLINE, alice.socket.next()).await {
            if let Message::Text(text) = frame
                && let Ok(RepServerMessage::Event {
                    event: RepEvent::Chat { message },
                    ..
                }) = serde_json::from_str(&text)
                && let Some(id) = message.client_msg_id
            {
                delivered.insert(id);
            }
        }
        delivered
    });

    let acked_total = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut sessions: Vec<(SessionId, String)> = Vec::new();
    let mut loads = Vec::new();
    for (who, customer) in customers.into_iter().enumerate() {
        sessions.push((customer.session_id, customer.token.clone()));
        loads.push(tokio::spawn(chat_until_closed(
            customer.socket,
            who,
            acked_total.clone(),
            stop.clone(),
        )));
    }
    poll_until(
        "acknowledged chat before the kill",
        || acked_total.load(Ordering::Relaxed) >= ACKED_BEFORE_KILL,
        || format!("{} acknowledged", acked_total.load(Ordering::Relaxed)),
    )
    .await;
    active.kill9();
    stop.store(true, Ordering::Relaxed);
    let mut outcomes = Vec::new();
    for load in loads {
        outcomes.push(load.await.unwrap());
    }
    let delivered_to_rep = alice_reader.await.unwrap();
    let acked: usize = outcomes.iter().map(|o| o.acked.len()).sum();
    let sent: usize = outcomes.iter().map(|o| o.sent.len()).sum();
    assert!(acked >= ACKED_BEFORE_KILL, "{acked} acknowledged");
    assert!(
        !delivered_to_rep.is_empty(),
        "the rep saw chat before the kill"
    );
    eprintln!(
        "before the kill: {sent} sent, {acked} acknowledged, {} delivered to the rep",
        delivered_to_rep.len()
    );

    until_active(&[&standby], TAKEOVER_DEADLINE).await;
    let mut resent = 0;
    let mut stored_unacknowledged = 0;
    let mut stored_before_resend: HashSet<String> = HashSet::new();
    for ((session_id, customer_token), outcome) in sessions.iter().zip(&outcomes) {
        let mut customer = CustomerClient::resume(standby.addr, *session_id, customer_token)
            .await
            .unwrap_or_else(|e| panic!("resume on the new active refused: {e:?}"));
        // Every acknowledged message survived, once, before anything is resent.
        let history = customer_counts(&customer.chat);
        for id in &outcome.acked {
            assert_eq!(
                history.get(id),
                Some(&1),
                "acknowledged {id} in the history"
            );
        }
        assert!(
            history.values().all(|&n| n == 1),
            "a duplicate: {history:?}"
        );
        stored_unacknowledged += history
            .keys()
            .filter(|id| !outcome.acked.contains(*id))
            .count();
        stored_before_resend.extend(history.into_keys());
        // A real client resends what it has no `ok` for, with the same client_msg_id.
        for message in outcome
            .sent
            .iter()
            .filter(|m| !outcome.acked.contains(&m.client_msg_id))
        {
            let id = customer
                .send(CustomerRequest::Chat {
                    client_msg_id: message.client_msg_id.clone(),
                    text: message.text.clone(),
                })
                .await;
            customer
                .pick("ok for a resent chat", |m| match m {
                    CustomerServerMessage::Ok { id: got, .. } if *got == id => Some(()),
                    CustomerServerMessage::Error {
                        id: Some(got),
                        code,
                        message,
                        ..
                    } if *got == id => panic!("a resend was refused: {code:?} {message}"),
                    _ => None,
                })
                .await;
            resent += 1;
        }
    }
    // Those stored but not acknowledged were answered from the session's sent ids.
    eprintln!(
        "resent {resent} unacknowledged messages, {stored_unacknowledged} of them already stored"
    );
    // Nothing was delivered before it was durable: what the rep saw before the kill was
    // in the new active's histories before anything was resent.
    for id in &delivered_to_rep {
        assert!(
            stored_before_resend.contains(id),
            "{id} was delivered to the rep but not stored"
        );
    }

    let all_sent: Vec<&Sent> = outcomes.iter().flat_map(|o| &o.sent).collect();
    // The rep's view of the sessions on the new active.
    let mut alice = RepClient::connect(standby.addr, &token, None).await;
    let snapshot = alice
        .snapshot
        .take()
        .expect("a snapshot after the takeover");
    let mut seen = HashMap::new();
    for (session_id, _) in &sessions {
        let view = snapshot
            .sessions
            .iter()
            .find(|v| v.session.session_id == *session_id)
            .unwrap_or_else(|| {
                panic!(
                    "the rep no longer has session {session_id:?}: {:?}",
                    snapshot.sessions
                )
            });
        for (id, n) in customer_counts(&view.chat) {
            *seen.entry(id).or_insert(0) += n;
        }
    }
    for message in &all_sent {
        assert_eq!(
            seen.get(&message.client_msg_id),
            Some(&1),
            "{} in the rep's view",
            message.client_msg_id
        );
    }
    assert_eq!(seen.len(), all_sent.len(), "nothing else in the rep's view");

    // And in PostgreSQL itself.
    let stored = stored_chat(&db.url).await;
    let counts = customer_counts(&stored);
    for message in &all_sent {
        assert_eq!(
            counts.get(&message.client_msg_id),
            Some(&1),
            "{} in the chat table",
            message.client_msg_id
        );
    }
    let mut texts: HashMap<&str, usize> = HashMap::new();
    for message in &stored {
        *texts.entry(message.text.as_str()).or_default() += 1;
    }
    for message in &all_sent {
        assert_eq!(
            texts.get(message.text.as_str()),
            Some(&1),
            "{:?}",
            message.text
        );
    }
}

/// An active paused with SIGSTOP loses the lease to the standby; woken up, it acknowledges
/// and delivers nothing a client still connected to it sends, and exits saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_active_that_wakes_commits_and_delivers_nothing() {
    let Some(db) = fresh_database() else { return };
    let (mut old, new) = active_and_standby(&db.url).await;
    let token = login(old.addr, "alice", "alice-pw").await;
    let mut alice_old = RepClient::connect(old.addr, &token, None).await;
    let mut customer_old = CustomerClient::start(old.addr, "Paused", Route::General).await;
    let session_id = customer_old.session_id;
    alice_old
        .entry_in(&switchboard_protocol::QueueRef::General, session_id)
        .await;
    alice_old.ok(RepRequest::Accept { session_id }).await;
    customer_old.say("before the pause").await;
    alice_old.chat_text("before the pause").await;

    old.stop();
    until_active(&[&new], TAKEOVER_DEADLINE).await;
    // On the new active the rep and the customer resume and chat as usual.
    let mut alice_new = RepClient::connect(new.addr, &token, None).await;
    let mut customer_new = CustomerClient::resume(new.addr, session_id, &customer_old.token)
        .await
        .unwrap_or_else(|e| panic!("resume on the new active refused: {e:?}"));
    assert!(
        customer_new
            .chat
            .iter()
            .any(|m| m.text == "before the pause"),
        "{:?}",
        customer_new.chat
    );
    customer_new.say("after the takeover").await;
    alice_new.chat_text("after the takeover").await;

    // The old connection sends while its server is paused (the frame waits in the kernel
    // and is the first thing it reads when it wakes) and once more after it woke.
    let paused_text = "sent to the paused server";
    let woken_text = "sent to the woken server";
    let paused_id = RequestId(1000);
    let woken_id = RequestId(1001);
    let chat = |text: &str| CustomerRequest::Chat {
        client_msg_id: text.replace(' ', "-"),
        text: text.into(),
    };
    customer_old
        .socket
        .send(Message::Text(
            encode_with_id(paused_id, &chat(paused_text)).into(),
        ))
        .await
        .unwrap();
    old.cont();
    // The socket may already be closed: a failed send is as good as an unanswered one.
    let _ = customer_old
        .socket
        .send(Message::Text(
            encode_with_id(woken_id, &chat(woken_text)).into(),
        ))
        .await;

    // Within a bounded window (until the old process is gone) nothing of it comes back.
    let status = old.wait_exit(TAKEOVER_DEADLINE).await;
    assert!(!status.success(), "the old active exited with {status}");
    let stderr = old.stderr();
    assert!(stderr.contains("lost the lease"), "its stderr: {stderr}");
    eprintln!("the old active's stderr:\n{stderr}");
    let (customer_frames, _) =
        switchboard_testkit::drain_until_closed_within(&mut customer_old.socket, DEADLINE).await;
    for text in &customer_frames {
        match serde_json::from_str::<CustomerServerMessage>(text).unwrap() {
            CustomerServerMessage::Ok { id, .. } => {
                assert!(id != paused_id && id != woken_id, "acknowledged: {text}")
            }
            CustomerServerMessage::Chat { message } => {
                assert!(
                    message.text != paused_text && message.text != woken_text,
                    "delivered: {text}"
                )
            }
            _ => {}
        }
    }
    let (rep_frames, _) =
        switchboard_testkit::drain_until_closed_within(&mut alice_old.socket, DEADLINE).await;
    for text in &rep_frames {
        assert!(
            !text.contains(paused_text) && !text.contains(woken_text),
            "delivered to the rep: {text}"
        );
    }
    // Nor did anything reach the new active, or the database.
    alice_new.sync().await;
    assert!(!alice_new.has_queued(|e| matches!(
        e,
        RepEvent::Chat { message } if message.text == paused_text || message.text == woken_text
    )));
    let stored = stored_chat(&db.url).await;
    let texts: Vec<&str> = stored.iter().map(|m| m.text.as_str()).collect();
    assert!(texts.contains(&"after the takeover"), "{texts:?}");
    assert!(
        !texts.contains(&paused_text) && !texts.contains(&woken_text),
        "{texts:?}"
    );
    // The new active goes on serving.
    customer_new.say("still served").await;
    alice_new.chat_text("still served").await;
    assert_eq!(new.healthz().await, Health::Active);
}

/// `POST /api/sessions/{id}/files?name=…` on `addr` with `auth`: the status and the answer.
async fn upload(
    addr: std::net::SocketAddr,
    session_id: SessionId,
    auth: &str,
    name: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!(
            "http://{addr}/api/sessions/{}/files?name={name}",
            session_id.0
        ))
        .header("Authorization", auth)
        .body(body)
        .send()
        .await
        .expect("the upload is answered");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// `GET {path}` on `addr` with `auth`: the status and the body's bytes.
async fn get(addr: std::net::SocketAddr, path: &str, auth: &str) -> (u16, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(format!("http://{addr}{path}"))
        .header("Authorization", auth)
        .send()
        .await
        .expect("the request is answered");
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// A transcript body's entries in short words (the kit's `transcript_words`).
fn transcript_words(body: &[u8]) -> Vec<String> {
    let transcript: switchboard_protocol::ShellTranscript =
        serde_json::from_slice(body).expect("a transcript");
    switchboard_testkit::shell::transcript_words(&transcript.entries)
}

/// A customer shares a file and a rep works in the customer's shell on the active; after
/// kill -9 of the active, the rep downloads the same bytes and reads the same transcript
/// from the new active: neither was kept beside the dead server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_shell_transcripts_survive_a_takeover() {
    let Some(db) = fresh_database() else { return };
    let (mut active, standby) = active_and_standby(&db.url).await;
    let token = login(active.addr, "alice", "alice-pw").await;
    let rep_auth = format!("Bearer {token}");
    let mut alice = RepClient::connect(active.addr, &token, None).await;
    let mut customer = native_customer(active.addr, "alice").await;
    let session_id = customer.session_id;
    accept(&mut alice, "alice", session_id).await;

    // About 200 KB of text (a log file passes the server's content check as text).
    let file: Vec<u8> = (0..6_000)
        .flat_map(|n| format!("log line {n}: all is well\n").into_bytes())
        .collect();
    let customer_auth = format!("Customer {}", customer.token);
    let (status, answer) = upload(
        active.addr,
        session_id,
        &customer_auth,
        "app.log",
        file.clone(),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let shared: ChatMessage = serde_json::from_str(&answer).unwrap();
    let attachment = shared.attachment.expect("a file message");
    assert_eq!(attachment.size, file.len() as u64);

    // The shell: asked, allowed, both sockets attached; what is relayed was stored first.
    let grant = alice.request_remote(session_id, Capability::Shell).await;
    customer.allow(grant).await;
    alice.grant_reaches(grant, GrantState::Granted).await;
    let customer_ticket = customer.open_channel(MediaChannel::Shell).await;
    let mut customer_shell = MediaClient::auth(active.addr, &customer_ticket.token).await;
    customer_shell.ping_pong().await;
    let rep_ticket = alice.open_shell_media(session_id).await;
    let mut rep_shell = MediaClient::auth(active.addr, &rep_ticket.token).await;
    rep_shell.ping_pong().await;
    customer_shell.send(&output(0, b"$ ")).await;
    assert_eq!(next_shell_frame(&mut rep_shell).await, output(0, b"$ "));
    rep_shell.send(&input(b"uptime\r")).await;
    assert_eq!(
        next_shell_frame(&mut customer_shell).await,
        input(b"uptime\r")
    );
    customer_shell.send(&output(2, b"up 3 days\r\n")).await;
    assert_eq!(
        next_shell_frame(&mut rep_shell).await,
        output(2, b"up 3 days\r\n")
    );
    let expected = [
        "started for Alice",
        "out: $ ",
        "Alice: uptime\r",
        "out: up 3 days\r\n",
    ];
    let transcript_path = format!("/api/sessions/{}/shell", session_id.0);
    let (status, before) = get(active.addr, &transcript_path, &rep_auth).await;
    assert_eq!(status, 200);
    assert_eq!(transcript_words(&before), expected, "on the first active");

    active.kill9();
    until_active(&[&standby], TAKEOVER_DEADLINE).await;
    let (status, downloaded) = get(
        standby.addr,
        &format!("/api/files/{}", attachment.file_id),
        &rep_auth,
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&downloaded));
    assert!(
        downloaded == file,
        "the downloaded bytes differ from the shared ones"
    );
    let (status, after) = get(standby.addr, &transcript_path, &rep_auth).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&after));
    assert_eq!(transcript_words(&after), expected, "on the new active");
}

/// The next shell frame that is not an acknowledgement.
async fn next_shell_frame(socket: &mut MediaClient) -> MediaFrame {
    socket
        .recv_until(|f| (!matches!(f, MediaFrame::ShellAck { .. })).then(|| f.clone()))
        .await
}
