//! End to end: the network between the active server and PostgreSQL is cut (issue 17's
//! third way for an active to die, beside kill -9 and SIGSTOP in `e2e_failover.rs`).
//!
//! Server A reaches PostgreSQL through a loopback proxy the test can cut
//! (`switchboard_testkit::tcp_cut`); server B, the standby, reaches it directly. A rep and
//! a customer chat on A; then the proxy is cut, either as a pulled cable or a hung database
//! host (blackhole: nothing forwarded, nobody told, so only A's own timers can notice) or
//! as a database restart or a firewall's RSTs (reset). Either way: B takes over within a
//! deadline; A exits non-zero by itself, saying why, and does not hang on a socket that
//! never answers; what the customer sends A after the cut is acknowledged to nobody and
//! delivered to nobody; and after resuming on B every message A acknowledged is there
//! exactly once, in the rep's view and in PostgreSQL.
//!
//! Each test prints how long A took to exit and B to take over after the cut.
//!
//! Skipped (with a loud line) only where no PostgreSQL binaries exist and `CI` is unset.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;
use switchboard_protocol::{CustomerRequest, CustomerServerMessage, QueueRef, RepRequest, Route};
use switchboard_testkit::failover::{
    Health, ServerProcess, TAKEOVER_DEADLINE, customer_counts, failover_config, stored_chat,
    until_active, until_health,
};
use switchboard_testkit::postgres::fresh_database;
use switchboard_testkit::tcp_cut::TcpCut;
use switchboard_testkit::{CustomerClient, DEADLINE, RepClient, drain_until_closed_within, login};
use tokio::time::Instant;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchboard-server"))
}

/// How long after the cut the standby may take to become active, and the cut-off server
/// to exit: the lease's TTL (3 s), the guard, a bounded shutdown and a restore, with room
/// for a loaded machine.
const AFTER_THE_CUT: Duration = Duration::from_secs(20);

/// Messages the customer has acknowledged on A before the cut.
const ACKED_BEFORE_CUT: usize = 12;

/// How the network to A's database is cut.
#[derive(Debug, Clone, Copy)]
enum Cut {
    Blackhole,
    Reset,
}

async fn cut_between_the_active_and_its_database(cut: Cut) {
    let Some(db) = fresh_database() else { return };
    let (proxy, through_proxy) = TcpCut::in_front_of(&db.url);
    let config = failover_config();
    // A first, through the proxy, and active before B exists: B is the standby.
    let mut a = ServerProcess::start_with(binary(), &through_proxy, &config).await;
    until_active(&[&a], TAKEOVER_DEADLINE).await;
    let b = ServerProcess::start_with(binary(), &db.url, &config).await;
    until_health(&[&b], Health::Standby, DEADLINE).await;
    assert_eq!(a.healthz().await, Health::Active);

    let token = login(a.addr, "alice", "alice-pw").await;
    let mut alice_a = RepClient::connect(a.addr, &token, None).await;
    let mut customer_a = CustomerClient::start(a.addr, "Cut off", Route::General).await;
    let session_id = customer_a.session_id;
    alice_a.entry_in(&QueueRef::General, session_id).await;
    alice_a.ok(RepRequest::Accept { session_id }).await;
    let mut acked = Vec::new();
    for n in 0..ACKED_BEFORE_CUT {
        let text = format!("before the cut {n}");
        let message = customer_a.say(&text).await;
        alice_a.chat_text(&text).await;
        acked.push(
            message
                .client_msg_id
                .expect("a customer message's client id"),
        );
    }

    let cut_at = Instant::now();
    match cut {
        Cut::Blackhole => proxy.blackhole(),
        Cut::Reset => proxy.reset(),
    }
    // Sent to A after the cut: A must neither acknowledge nor deliver it.
    let after_text = "sent after the cut";
    let after_id = "after-the-cut".to_owned();
    let after_request = CustomerRequest::Chat {
        client_msg_id: after_id.clone(),
        text: after_text.into(),
    };
    let after_request_id = customer_a.send(after_request.clone()).await;

    let (took_over_after, exited) = tokio::join!(
        async {
            until_active(&[&b], AFTER_THE_CUT).await;
            cut_at.elapsed()
        },
        async {
            let status = a.wait_exit(AFTER_THE_CUT).await;
            (status, cut_at.elapsed())
        },
    );
    let (status, exited_after) = exited;
    let stderr = a.stderr();
    eprintln!(
        "{cut:?}: A exited {exited_after:.2?} after the cut ({status}); \
         B active {took_over_after:.2?} after the cut"
    );
    assert!(
        !status.success(),
        "A exited with {status}; stderr: {stderr}"
    );
    // The lease thread notices the cut (its guard runs out: "lost the lease"), or the
    // core does first (a commit fails on a reset connection: the server says it could not
    // store and "gave up the lease"). Either way it says the lease is no longer its own.
    let said = stderr
        .lines()
        .rfind(|line| line.starts_with("Error: "))
        .unwrap_or_else(|| panic!("no `Error:` line in A's stderr: {stderr}"));
    eprintln!("{cut:?}: A said {said}");
    match cut {
        // Nothing fails on a blackholed connection: it waits, and the guard runs out.
        Cut::Blackhole => assert!(said.contains("lost the lease"), "A's stderr: {stderr}"),
        Cut::Reset => assert!(
            said.contains("lost the lease") || said.contains("gave up the lease"),
            "A's stderr: {stderr}"
        ),
    }

    // A said nothing about the message sent after the cut, to the customer or the rep.
    let (customer_frames, _) = drain_until_closed_within(&mut customer_a.socket, DEADLINE).await;
    for text in &customer_frames {
        match serde_json::from_str::<CustomerServerMessage>(text).unwrap() {
            CustomerServerMessage::Ok { id, .. } => {
                assert_ne!(id, after_request_id, "acknowledged after the cut: {text}")
            }
            CustomerServerMessage::Chat { message } => {
                assert_ne!(message.text, after_text, "delivered after the cut: {text}")
            }
            _ => {}
        }
    }
    let (rep_frames, _) = drain_until_closed_within(&mut alice_a.socket, DEADLINE).await;
    for text in &rep_frames {
        assert!(
            !text.contains(after_text),
            "delivered to the rep after the cut: {text}"
        );
    }

    // On B the customer resumes: everything acknowledged, once; the unacknowledged message
    // not stored; resent (a real client resends what got no `ok`), it is accepted.
    let mut customer_b = CustomerClient::resume(b.addr, session_id, &customer_a.token)
        .await
        .unwrap_or_else(|e| panic!("resume on B refused: {e:?}"));
    let history = customer_counts(&customer_b.chat);
    for id in &acked {
        assert_eq!(
            history.get(id),
            Some(&1),
            "acknowledged {id} in the history"
        );
    }
    assert_eq!(history.get(&after_id), None, "stored though A was cut off");
    let resent = customer_b.send(after_request).await;
    customer_b
        .wait("ok for the resent chat", |m| match m {
            CustomerServerMessage::Ok { id, .. } if *id == resent => Some(()),
            CustomerServerMessage::Error {
                id: Some(id),
                code,
                message,
                ..
            } if *id == resent => panic!("the resend was refused: {code:?} {message}"),
            _ => None,
        })
        .await;

    // The rep's view on B (the resend was acknowledged before she connected): every
    // message once.
    let mut alice_b = RepClient::connect(b.addr, &token, None).await;
    let snapshot = alice_b.snapshot.take().expect("a snapshot on B");
    let view = snapshot
        .sessions
        .iter()
        .find(|v| v.session.session_id == session_id)
        .unwrap_or_else(|| panic!("the rep lost the session: {:?}", snapshot.sessions));
    let seen = customer_counts(&view.chat);
    for id in acked.iter().chain([&after_id]) {
        assert_eq!(seen.get(id), Some(&1), "{id} in the rep's view");
    }
    assert_eq!(seen.len(), ACKED_BEFORE_CUT + 1, "{seen:?}");
    // And PostgreSQL's chat table: every message once, the resent one included.
    let counts = customer_counts(&stored_chat(&db.url).await);
    for id in acked.iter().chain([&after_id]) {
        assert_eq!(counts.get(id), Some(&1), "{id} in the chat table");
    }
    assert_eq!(counts.len(), ACKED_BEFORE_CUT + 1, "{counts:?}");
    assert_eq!(b.healthz().await, Health::Active);
}

/// A pulled cable or a hung database host: A's connections see nothing at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blackholed_database_connection_hands_over_and_the_active_exits() {
    cut_between_the_active_and_its_database(Cut::Blackhole).await;
}

/// A database restart or a firewall's RSTs: A's connections are reset and refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_database_connection_hands_over_and_the_active_exits() {
    cut_between_the_active_and_its_database(Cut::Reset).await;
}

/// The standby's own connection to PostgreSQL is reset (and new ones refused) while the
/// active serves; the network comes back, then the active dies: the standby has
/// reconnected and takes over, opening the store through the restored path, and the chat
/// from before is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_cut_off_and_reconnected_still_takes_over() {
    let Some(db) = fresh_database() else { return };
    let (proxy, through_proxy) = TcpCut::in_front_of(&db.url);
    let config = failover_config();
    let mut a = ServerProcess::start_with(binary(), &db.url, &config).await;
    until_active(&[&a], TAKEOVER_DEADLINE).await;
    let b = ServerProcess::start_with(binary(), &through_proxy, &config).await;
    until_health(&[&b], Health::Standby, DEADLINE).await;
    let mut customer_a = CustomerClient::start(a.addr, "Patient", Route::General).await;
    let before = customer_a.say("before the standby was cut off").await;

    proxy.reset();
    // The standby's next try fails on the reset connection (and its reconnects are refused).
    switchboard_testkit::poll_until(
        "the standby noticing its connection is gone",
        || b.stderr().contains("could not try to take the lease"),
        || b.stderr(),
    )
    .await;
    assert_eq!(b.healthz().await, Health::Standby);
    proxy.restore();
    a.kill9();
    let killed_at = Instant::now();
    until_active(&[&b], AFTER_THE_CUT).await;
    eprintln!(
        "a standby reconnected after a reset took over {:.2?} after the active's kill -9",
        killed_at.elapsed()
    );
    let customer_b = CustomerClient::resume(b.addr, customer_a.session_id, &customer_a.token)
        .await
        .unwrap_or_else(|e| panic!("resume on B refused: {e:?}"));
    let history = customer_counts(&customer_b.chat);
    let id = before
        .client_msg_id
        .expect("a customer message's client id");
    assert_eq!(history.get(&id), Some(&1), "{history:?}");
}

/// A standby takes the lease, but the new connection it opens for the store hangs in its
/// startup (new sessions that never answer: a hung authentication backend, say) while its
/// lease connection, opened earlier, goes on renewing. It must not hold the lease forever
/// serving nobody: it either serves or gives the lease up and exits.
///
/// Found by this test: the `postgres` client's `connect_timeout` bounds only the TCP
/// connect, not the startup handshake, so `Store::open_postgres` waited forever (seen:
/// lease renewed by B for 25 s, `/healthz` not answering). Every connection attempt is now
/// bounded as a whole (`pg_connect.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_active_whose_store_connection_hangs_gives_the_lease_up() {
    let Some(db) = fresh_database() else { return };
    let (proxy, through_proxy) = TcpCut::in_front_of(&db.url);
    let config = failover_config();
    let mut a = ServerProcess::start_with(binary(), &db.url, &config).await;
    until_active(&[&a], TAKEOVER_DEADLINE).await;
    let mut b = ServerProcess::start_with(binary(), &through_proxy, &config).await;
    until_health(&[&b], Health::Standby, DEADLINE).await;
    // B's lease connection is open and goes on; its store's connection will be held.
    proxy.hold_new();
    a.kill9();
    let status = b.wait_exit(AFTER_THE_CUT).await;
    assert!(!status.success(), "B exited with {status}");
    let stderr = b.stderr();
    assert!(stderr.contains("took the lease"), "B's stderr: {stderr}");
}
