//! End to end: durability across `kill -9` of the real server process, resuming a
//! console's event stream without gap or duplicate, and the slow-reader policy.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use futures_util::SinkExt;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use switchboard_protocol::*;
use switchboard_testkit::process::{listening_address, server_command, spawn_server};
use tokio_tungstenite::tungstenite::Message;

/// The real server binary, started on a free port; reads the address it prints.
struct Process {
    child: Child,
    addr: SocketAddr,
}

impl Process {
    fn start(dir: &Path) -> Process {
        let config = dir.join("config.toml");
        std::fs::write(&config, TEST_CONFIG).unwrap();
        let (child, first_line) = spawn_server(
            server_command(
                Path::new(env!("CARGO_BIN_EXE_switchboard-server")),
                &config,
                &dir.join("durable.db"),
            )
            .args(["--seed", "3"])
            .stderr(Stdio::null()),
        );
        let addr = listening_address(first_line, child.id(), || "(not captured)".to_owned());
        Process { child, addr }
    }

    /// SIGKILL: no shutdown code runs.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// After `kill -9`, queues, sessions, chat histories, invitations and tokens are as they were.
#[tokio::test]
async fn state_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let first = Process::start(dir.path());
    let alice_token = login(first.addr, "alice", "alice-pw").await;
    let mut alice = RepClient::connect(first.addr, &alice_token, None).await;
    let mut customer = CustomerClient::start(first.addr, "Dana", Route::General).await;
    let session_id = customer.session_id;
    alice.entry_in(&QueueRef::General, session_id).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    customer.say("hello from before the crash").await;
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: "k1".into(),
            text: "a note for reps".into(),
            visibility: Visibility::Reps,
        })
        .await;
    let invitation = match alice
        .ok(RepRequest::Invite {
            session_id,
            target: InviteTarget::Rep { rep: "dave".into() },
        })
        .await
    {
        Some(OkResult::Invitation { invitation_id }) => invitation_id,
        other => panic!("{other:?}"),
    };
    let waiting = CustomerClient::start(
        first.addr,
        "Eli",
        Route::Issue {
            issue: "crash".into(),
        },
    )
    .await;
    alice.entry_in(&team("tech"), waiting.session_id).await;
    // Every ok above was sent after its change was committed: kill without warning now.
    first.kill_9();

    let second = Process::start(dir.path());
    // The login token was stored (hashed) and still works.
    let mut alice = RepClient::connect(second.addr, &alice_token, None).await;
    let snapshot = alice.snapshot.take().unwrap();
    let view = snapshot
        .sessions
        .iter()
        .find(|v| v.session.session_id == session_id)
        .expect("alice's session survived");
    assert_eq!(view.session.owner, Some(RepId::from("alice")));
    let texts: Vec<_> = view
        .chat
        .iter()
        .filter(|m| m.author != switchboard_protocol::Author::System)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(texts, ["hello from before the crash", "a note for reps"]);
    // The system notes of the session's course were kept with it too.
    assert!(
        view.chat.iter().any(|m| m.text == "Alice invited Dave."),
        "{:?}",
        view.chat
    );
    assert_eq!(view.session.invitations.len(), 1);
    assert_eq!(view.session.invitations[0].invitation_id, invitation);
    let tech = snapshot
        .queues
        .iter()
        .find(|q| q.queue == team("tech"))
        .unwrap();
    assert!(
        tech.entries
            .iter()
            .any(|e| e.session_id == waiting.session_id && e.customer.name == "Eli")
    );

    // The customer comes back to the same session with its token, and sees only public chat.
    let mut back = CustomerClient::resume(second.addr, session_id, &customer.token)
        .await
        .unwrap_or_else(|e| panic!("resume refused: {e:?}"));
    back.say("still here").await;
    alice.chat_text("still here").await;
    // New ids continue after the old ones.
    let ids: HashSet<_> = view.chat.iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), view.chat.len());
}

/// A console that reconnects with its last seq gets exactly the events it missed: no gap, no duplicate.
#[tokio::test]
async fn resume_replays_exactly_the_gap() {
    let server = TestServer::start().await;
    let token = server.login("alice").await;
    let mut alice = RepClient::connect(server.addr, &token, None).await;
    let mut customer = server
        .customer(
            "Fay",
            Route::Rep {
                rep: "alice".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    alice.entry_in(&personal("alice"), session_id).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    customer.say("one").await;
    alice.chat_text("one").await;
    let resume = alice.resume_from();
    drop(alice);
    // While the console is away (within the grace period) the customer keeps typing.
    for text in ["two", "three", "four"] {
        customer.say(text).await;
    }
    let mut alice = RepClient::connect(server.addr, &token, Some(resume)).await;
    assert!(matches!(
        alice.welcome,
        RepServerMessage::Welcome { resumed: true, .. }
    ));
    assert!(alice.snapshot.is_none());
    let mut seen = Vec::new();
    for text in ["two", "three", "four"] {
        seen.push(alice.chat_text(text).await.id);
    }
    // Nothing was missed (the harness checks seq continuity) and nothing comes twice.
    alice.ok(RepRequest::Ping).await;
    let again: Vec<_> = alice
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            RepEvent::Chat { message } => Some(message.id),
            _ => None,
        })
        .collect();
    assert!(
        again.iter().all(|id| !seen.contains(id)),
        "no chat delivered twice"
    );
    // The session is still hers: the grace period kept it.
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: "r1".into(),
            text: "back".into(),
            visibility: Visibility::Public,
        })
        .await;

    // A stream id from another server run gets a fresh snapshot instead.
    let stale = ResumeFrom {
        stream_id: "not-this-server".into(),
        last_seq: 3,
    };
    let fresh = RepClient::connect(server.addr, &token, Some(stale)).await;
    assert!(fresh.snapshot.is_some());
}

/// A console that stops reading is cut off once its queue fills; others keep getting events.
#[tokio::test]
async fn slow_reader_is_disconnected_without_stalling_others() {
    let server = TestServer::start().await;
    let slow_token = server.login("alice").await;
    let slow = RepClient::connect(server.addr, &slow_token, None).await;
    let mut bob = server.rep("bob").await;
    // Bob writes big team chat messages to billing, pipelined; alice (a member) never reads.
    let text = "x".repeat(3900);
    let mut alice_went_offline = false;
    for round in 0..40 {
        for n in 0..100 {
            let request = RepRequest::TeamChat {
                team: "billing".into(),
                client_msg_id: format!("t{round}-{n}"),
                text: text.clone(),
            };
            let frame = switchboard_protocol::codec::encode_with_id(
                RequestId(10_000 + round * 100 + n),
                &request,
            );
            bob.socket.send(Message::Text(frame.into())).await.unwrap();
        }
        for _ in 0..100 {
            assert!(matches!(
                bob.next_reply().await,
                RepServerMessage::Ok { .. }
            ));
        }
        let offline = bob.events.iter().any(|(_, e)| {
            matches!(e, RepEvent::PresenceChanged { rep } if rep.rep.as_str() == "alice" && rep.presence == Presence::Offline)
        });
        if offline {
            alice_went_offline = true;
            break;
        }
        bob.events.clear();
    }
    assert!(alice_went_offline, "the slow console was disconnected");
    // Bob was never stalled: his requests kept being answered, and he still gets his own events.
    bob.ok(RepRequest::Ping).await;
    drop(slow);
}

/// Ctrl-C (SIGINT) stops the server cleanly: it exits with success and the database reopens.
#[tokio::test]
async fn ctrl_c_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut process = Process::start(dir.path());
    let mut alice = RepClient::connect(
        process.addr,
        &login(process.addr, "alice", "alice-pw").await,
        None,
    )
    .await;
    let customer = CustomerClient::start(process.addr, "Ivy", Route::General).await;
    alice
        .entry_in(&QueueRef::General, customer.session_id)
        .await;
    let status = Command::new("kill")
        .args(["-INT", &process.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Wait for the exit with a deadline, polling (no sleep-and-hope).
    let deadline = std::time::Instant::now() + DEADLINE;
    let exit = loop {
        if let Some(exit) = process.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop after SIGINT"
        );
        tokio::task::yield_now().await;
        std::thread::yield_now();
    };
    assert!(exit.success(), "exit status {exit:?}");
    // The console was told: its socket closes.
    while next_text(&mut alice.socket).await.is_some() {}
    drop(process);
    let again = Process::start(dir.path());
    let alice = RepClient::connect(
        again.addr,
        &login(again.addr, "alice", "alice-pw").await,
        None,
    )
    .await;
    let general = alice
        .snapshot
        .as_ref()
        .unwrap()
        .queues
        .iter()
        .find(|q| q.queue == QueueRef::General)
        .unwrap();
    assert!(
        general
            .entries
            .iter()
            .any(|e| e.session_id == customer.session_id)
    );
}
