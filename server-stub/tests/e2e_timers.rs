//! End to end over real sockets: the rules driven by time. Push offers (least loaded first,
//! reject, answer deadline, pause), waiting-session rules, and the grace period of a rep
//! whose connection dropped. TEST_CONFIG makes every timer 1 second; the tests wait for
//! the resulting events (with the deadline), never sleep.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::sync::Arc;
use switchboard_protocol::*;
use switchboard_server::config::Config;

// ---- helpers ----

/// A test server whose configuration is TEST_CONFIG changed by `edit`.
async fn server_with(edit: impl FnOnce(&str) -> String) -> TestServer {
    let text = edit(TEST_CONFIG);
    let config = Arc::new(Config::from_toml(&text).expect("edited test config"));
    TestServer::start_with(config).await
}

fn sales() -> Route {
    Route::Team {
        team: "sales".into(),
    }
}

async fn offer_made(rep: &mut RepClient, session_id: SessionId) -> Offer {
    rep.pick("offer made", |e| match e {
        RepEvent::OfferMade { offer } if offer.entry.session_id == session_id => {
            Some(offer.clone())
        }
        _ => None,
    })
    .await
}

async fn offer_ended(rep: &mut RepClient, session_id: SessionId) -> OfferEndReason {
    rep.pick("offer ended", |e| match e {
        RepEvent::OfferEnded {
            session_id: s,
            reason,
        } if *s == session_id => Some(*reason),
        _ => None,
    })
    .await
}

fn offered(rep: &RepClient, session_id: SessionId) -> bool {
    rep.has_queued(
        |e| matches!(e, RepEvent::OfferMade { offer } if offer.entry.session_id == session_id),
    )
}

async fn presence_of(rep: &mut RepClient, who: &str, presence: Presence) {
    rep.pick("presence changed", |e| {
        matches!(e, RepEvent::PresenceChanged { rep: info }
            if info.rep.as_str() == who && info.presence == presence)
        .then_some(())
    })
    .await
}

fn last_reason(entry: &QueueEntry) -> Option<QueueReason> {
    entry.history.last().map(|h| h.reason)
}

/// A customer who picked `rep`, accepted by that rep.
async fn accepted_by(
    server: &TestServer,
    rep: &mut RepClient,
    rep_id: &str,
    name: &str,
) -> CustomerClient {
    let mut customer = server
        .customer(name, Route::Rep { rep: rep_id.into() })
        .await;
    let session_id = customer.session_id;
    session_entry_in(rep, &personal(rep_id), session_id, |_| true).await;
    rep.ok(RepRequest::Accept { session_id }).await;
    joined(rep, session_id).await;
    customer
        .pick("rep joined", |m| {
            matches!(m, CustomerServerMessage::RepJoined { .. }).then_some(())
        })
        .await;
    customer
}

/// Waits until at least one full timer period (1 s) has passed from now, by watching a
/// session in team "slow" move to the general queue (seen by `watcher`, who needs
/// general_queue). Returns the moved entry.
async fn one_timer_period(server: &TestServer, watcher: &mut RepClient) -> QueueEntry {
    let slow = server
        .customer(
            "Clock",
            Route::Team {
                team: "slow".into(),
            },
        )
        .await;
    session_entry_in(watcher, &QueueRef::General, slow.session_id, |e| {
        last_reason(e) == Some(QueueReason::WaitingRule)
    })
    .await
}

// ---- push offers ----

/// A push session is offered to exactly one available rep, the least loaded (sue, because sam already has a session); accepting ends the offer with accepted.
#[tokio::test]
async fn push_offer_goes_to_one_least_loaded_rep() {
    let server = TestServer::start().await;
    let mut sam = server.rep("sam").await;
    let mut sue = server.rep("sue").await;
    accepted_by(&server, &mut sam, "sam", "First").await;

    let mut customer = server.customer("Pushed", sales()).await;
    let session_id = customer.session_id;
    let offer = offer_made(&mut sue, session_id).await;
    assert_eq!(offer.entry.queue, team("sales"));
    assert_eq!(
        offer.deadline - offer.offered_at,
        1000,
        "offer_answer_secs = 1"
    );
    sam.sync().await;
    assert!(!offered(&sam, session_id), "only one rep is offered it");
    // The entry stays in the queue while offered.
    session_entry_in(&mut sam, &team("sales"), session_id, |_| true).await;

    sue.ok(RepRequest::Accept { session_id }).await;
    assert_eq!(
        offer_ended(&mut sue, session_id).await,
        OfferEndReason::Accepted
    );
    let view = joined(&mut sue, session_id).await;
    assert_eq!(view.session.owner, Some(RepId::from("sue")));
    customer
        .pick("rep joined", |m| {
            matches!(m, CustomerServerMessage::RepJoined { name } if name == "Sue").then_some(())
        })
        .await;
    sam.sync().await;
    assert!(!offered(&sam, session_id));
}

/// Rejecting passes the offer to the next rep; a rep who rejected is never offered that session again, though they get new ones.
#[tokio::test]
async fn rejected_offer_moves_on_and_never_comes_back() {
    let server = TestServer::start().await;
    let mut sam = server.rep("sam").await;
    let mut sue = server.rep("sue").await;
    accepted_by(&server, &mut sam, "sam", "First").await;

    let first = server.customer("Pushed", sales()).await;
    let b = first.session_id;
    offer_made(&mut sue, b).await;
    sue.ok(RepRequest::RejectOffer { session_id: b }).await;
    assert_eq!(offer_ended(&mut sue, b).await, OfferEndReason::Rejected);
    offer_made(&mut sam, b).await;
    sam.ok(RepRequest::RejectOffer { session_id: b }).await;
    assert_eq!(offer_ended(&mut sam, b).await, OfferEndReason::Rejected);
    sam.refused(
        RepRequest::RejectOffer { session_id: b },
        ErrorCode::NotFound,
    )
    .await;

    // Both rejected it: becoming available again does not bring it back.
    for rep in [&mut sue, &mut sam] {
        rep.ok(RepRequest::SetPresence {
            presence: Presence::Busy,
        })
        .await;
        rep.ok(RepRequest::SetPresence {
            presence: Presence::Available,
        })
        .await;
        rep.sync().await;
        assert!(
            !offered(rep, b),
            "a rep who rejected is not offered it again"
        );
    }

    // A new push session still reaches sue (least loaded), and the old one still does not.
    let second = server.customer("Next", sales()).await;
    let c = second.session_id;
    offer_made(&mut sue, c).await;
    sue.sync().await;
    sam.sync().await;
    assert!(!offered(&sue, b) && !offered(&sam, b));
    sue.ok(RepRequest::Accept { session_id: c }).await;
    assert_eq!(offer_ended(&mut sue, c).await, OfferEndReason::Accepted);
    sue.sync().await;
    assert!(!offered(&sue, b));
    // The rejected session still waits in the queue for a pull accept.
    sam.ok(RepRequest::Accept { session_id: b }).await;
    joined(&mut sam, b).await;
}

/// An offer left unanswered past its 1 s deadline ends timed_out, pauses the rep (everyone sees presence_changed) and goes to the next rep; the paused rep gets no offers until they set available again.
#[tokio::test]
async fn unanswered_offer_times_out_and_pauses_the_rep() {
    let server = TestServer::start().await;
    let mut sam = server.rep("sam").await;
    let mut sue = server.rep("sue").await;
    accepted_by(&server, &mut sam, "sam", "First").await;

    let pushed = server.customer("Pushed", sales()).await;
    let b = pushed.session_id;
    let offer = offer_made(&mut sue, b).await;
    // Sue does not answer.
    assert_eq!(offer_ended(&mut sue, b).await, OfferEndReason::TimedOut);
    presence_of(&mut sue, "sue", Presence::Paused).await;
    presence_of(&mut sam, "sue", Presence::Paused).await;
    let next = offer_made(&mut sam, b).await;
    assert!(
        next.offered_at >= offer.deadline,
        "moved on only after the deadline: {} < {}",
        next.offered_at,
        offer.deadline
    );
    sam.ok(RepRequest::Accept { session_id: b }).await;
    assert_eq!(offer_ended(&mut sam, b).await, OfferEndReason::Accepted);

    // Sue is paused: a new session goes to sam even though he is busier.
    let third = server.customer("Third", sales()).await;
    let c = third.session_id;
    offer_made(&mut sam, c).await;
    sue.sync().await;
    assert!(!offered(&sue, c), "a paused rep gets no offers");
    sam.ok(RepRequest::RejectOffer { session_id: c }).await;
    assert_eq!(offer_ended(&mut sam, c).await, OfferEndReason::Rejected);
    sue.sync().await;
    assert!(!offered(&sue, c), "still paused");

    // Available again, sue is eligible and is offered the waiting session at once.
    sue.ok(RepRequest::SetPresence {
        presence: Presence::Available,
    })
    .await;
    presence_of(&mut sue, "sue", Presence::Available).await;
    offer_made(&mut sue, c).await;
    sue.ok(RepRequest::Accept { session_id: c }).await;
    joined(&mut sue, c).await;
}

/// An offer ends with gone when someone else takes the session or the customer leaves; a rep whose connection drops loses the offer to the next rep without being paused.
#[tokio::test]
async fn offer_ends_gone_when_the_session_goes_elsewhere() {
    let server = TestServer::start().await;
    let mut sam = server.rep("sam").await;
    let sue_token = server.login("sue").await;
    let mut sue = RepClient::connect(server.addr, &sue_token, None).await;
    accepted_by(&server, &mut sam, "sam", "First").await;

    // Sam takes the session offered to sue straight from the queue.
    let taken = server.customer("Taken", sales()).await;
    offer_made(&mut sue, taken.session_id).await;
    sam.ok(RepRequest::Accept {
        session_id: taken.session_id,
    })
    .await;
    assert_eq!(
        offer_ended(&mut sue, taken.session_id).await,
        OfferEndReason::Gone
    );
    joined(&mut sam, taken.session_id).await;

    // The customer gives up while the offer is open.
    let mut leaving = server.customer("Leaving", sales()).await;
    offer_made(&mut sue, leaving.session_id).await;
    leaving.send(CustomerRequest::Leave).await;
    assert_eq!(
        offer_ended(&mut sue, leaving.session_id).await,
        OfferEndReason::Gone
    );

    // Sue's connection drops with an open offer: it moves on to sam, and sue is not paused.
    let dropped = server.customer("Dropped", sales()).await;
    offer_made(&mut sue, dropped.session_id).await;
    drop(sue);
    offer_made(&mut sam, dropped.session_id).await;
    let sue = RepClient::connect(server.addr, &sue_token, None).await;
    // The snapshot already shows the presence set by connecting.
    let back = sue.snapshot.as_ref().map(|s| s.me.presence).unwrap();
    assert_eq!(
        back,
        Presence::Available,
        "a lost connection is not a missed deadline: not paused"
    );
    sam.ok(RepRequest::Accept {
        session_id: dropped.session_id,
    })
    .await;
    assert_eq!(
        offer_ended(&mut sam, dropped.session_id).await,
        OfferEndReason::Accepted
    );
}

// ---- waiting-session rules ----

/// A session waiting 1 s in team "slow" moves to the general queue: a waiting_rule hop, entry_removed from slow, entry_upserted in general.
#[tokio::test]
async fn waiting_rule_moves_slow_sessions_to_general() {
    // Nobody is in team "slow" in TEST_CONFIG; make carol a member so its queue is observable.
    let server = server_with(|config| {
        let edited = config.replacen(
            "teams = [\"tech\"]\ngeneral_queue = false",
            "teams = [\"tech\", \"slow\"]\ngeneral_queue = false",
            1,
        );
        assert_ne!(edited, config, "carol's entry in TEST_CONFIG changed");
        edited
    })
    .await;
    let mut carol = server.rep("carol").await;
    let mut alice = server.rep("alice").await;
    let mut customer = server
        .customer(
            "Waiting",
            Route::Team {
                team: "slow".into(),
            },
        )
        .await;
    let session_id = customer.session_id;

    let first = session_entry_in(&mut carol, &team("slow"), session_id, |_| true).await;
    assert_eq!(last_reason(&first), Some(QueueReason::Started));
    let moved = session_entry_in(&mut alice, &QueueRef::General, session_id, |_| true).await;
    let hops: Vec<(QueueRef, QueueReason)> = moved
        .history
        .iter()
        .map(|h| (h.queue.clone(), h.reason))
        .collect();
    assert_eq!(
        hops,
        vec![
            (team("slow"), QueueReason::Started),
            (QueueRef::General, QueueReason::WaitingRule),
        ]
    );
    assert!(
        moved.entered_queue_at >= first.entered_queue_at + 1000,
        "moved after the 1 s rule, not before"
    );
    carol
        .pick("removed from slow", |e| {
            matches!(e, RepEvent::EntryRemoved { queue, entry_id }
                if *queue == team("slow") && *entry_id == format!("session:{session_id}"))
            .then_some(())
        })
        .await;
    // The customer is told their place in the new queue, and a rep can take it from there.
    customer
        .pick("queue status", |m| {
            matches!(m, CustomerServerMessage::QueueStatus { .. }).then_some(())
        })
        .await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
}

/// A rep who stayed in a session transferred to "slow" sees it move on by the rule (session_updated with waiting_in general and a waiting_rule hop).
#[tokio::test]
async fn waiting_rule_move_updates_the_reps_in_the_session() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let customer = accepted_by(&server, &mut alice, "alice", "Stays").await;
    let session_id = customer.session_id;
    alice
        .ok(RepRequest::Transfer {
            session_id,
            target: TransferTarget::Team {
                team: "slow".into(),
            },
            stay: true,
        })
        .await;
    let updated = |queue: QueueRef| {
        move |e: &RepEvent| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id
                    && session.waiting_in == Some(queue.clone()) =>
            {
                Some(session.clone())
            }
            _ => None,
        }
    };
    alice.pick("waiting in slow", updated(team("slow"))).await;
    let moved = alice
        .pick("waiting in general", updated(QueueRef::General))
        .await;
    let reasons: Vec<QueueReason> = moved.history.iter().map(|h| h.reason).collect();
    assert_eq!(
        reasons,
        vec![
            QueueReason::Started,
            QueueReason::Transfer,
            QueueReason::WaitingRule
        ]
    );
    assert_eq!(moved.owner, None);
    assert_eq!(moved.participants, vec![RepId::from("alice")]);
    session_entry_in(&mut alice, &QueueRef::General, session_id, |e| {
        last_reason(e) == Some(QueueReason::WaitingRule)
    })
    .await;
}

// ---- the grace period ----

/// A rep whose connection drops and who resumes within the 1 s grace period keeps their session: resumed welcome, still owner, no session_left, and the customer never hears rep_left.
#[tokio::test]
async fn reconnect_within_grace_keeps_the_session() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    // Log in first so the reconnect does not wait for password hashing.
    let bob_token = server.login("bob").await;
    let mut bob = RepClient::connect(server.addr, &bob_token, None).await;
    let mut customer = accepted_by(&server, &mut bob, "bob", "Grace").await;
    let session_id = customer.session_id;

    let resume = bob.resume_from();
    drop(bob);
    // The server saw the connection go (alice shares billing with bob).
    presence_of(&mut alice, "bob", Presence::Offline).await;
    let mut bob = RepClient::connect(server.addr, &bob_token, Some(resume)).await;
    match &bob.welcome {
        RepServerMessage::Welcome { resumed, .. } => assert!(resumed, "the stream resumed"),
        other => panic!("{other:?}"),
    }
    assert!(bob.snapshot.is_none(), "a resume sends no snapshot");

    // Let a full grace period pass after the drop.
    one_timer_period(&server, &mut alice).await;

    bob.sync().await;
    assert!(
        !bob.has_queued(|e| matches!(e, RepEvent::SessionLeft { .. })),
        "bob never left the session"
    );
    // Still the owner: owner-only requests work and the chat reaches the customer.
    bob.ok(RepRequest::ListInvitees { session_id }).await;
    bob.ok(RepRequest::SendChat {
        session_id,
        client_msg_id: "b-back".into(),
        text: "sorry, my network hiccupped".into(),
        visibility: Visibility::Public,
    })
    .await;
    customer
        .pick("chat", |m| {
            matches!(m, CustomerServerMessage::Chat { message }
                if message.text == "sorry, my network hiccupped")
            .then_some(())
        })
        .await;
    assert!(
        !customer
            .inbox
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::RepLeft { .. })),
        "the customer was never told bob left: {:?}",
        customer.inbox
    );
    assert!(
        !bob.has_queued(|e| matches!(e, RepEvent::EntryUpserted { entry }
            if entry.session_id == session_id)),
        "the session never went back to bob's queue"
    );
}

/// A rep not back within the grace period loses their sessions: owned ones return to their queue (connection_lost, by the rep), their invitations disappear, they leave shared ones, the customers hear rep_left; coming back they see session_left (resume) or no session (fresh).
#[tokio::test]
async fn not_back_within_grace_loses_the_sessions() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let bob_token = server.login("bob").await;
    let mut bob = RepClient::connect(server.addr, &bob_token, None).await;

    // Bob owns a billing session and has invited alice to it.
    let mut owned = server
        .customer(
            "Owned",
            Route::Team {
                team: "billing".into(),
            },
        )
        .await;
    let s1 = owned.session_id;
    session_entry_in(&mut bob, &team("billing"), s1, |_| true).await;
    bob.ok(RepRequest::Accept { session_id: s1 }).await;
    joined(&mut bob, s1).await;
    let invitation = match bob
        .ok(RepRequest::Invite {
            session_id: s1,
            target: InviteTarget::Rep {
                rep: "alice".into(),
            },
        })
        .await
    {
        Some(OkResult::Invitation { invitation_id }) => invitation_id,
        other => panic!("{other:?}"),
    };
    alice
        .pick("invitation", |e| {
            matches!(e, RepEvent::EntryUpserted { entry }
                if entry.invitation.as_ref().is_some_and(|i| i.invitation_id == invitation))
            .then_some(())
        })
        .await;

    // Bob also takes part in alice's session.
    let mut shared = accepted_by(&server, &mut alice, "alice", "Shared").await;
    let s2 = shared.session_id;
    let to_bob = match alice
        .ok(RepRequest::Invite {
            session_id: s2,
            target: InviteTarget::Rep { rep: "bob".into() },
        })
        .await
    {
        Some(OkResult::Invitation { invitation_id }) => invitation_id,
        other => panic!("{other:?}"),
    };
    bob.pick("invited", |e| {
        matches!(e, RepEvent::EntryUpserted { entry }
            if entry.invitation.as_ref().is_some_and(|i| i.invitation_id == to_bob))
        .then_some(())
    })
    .await;
    bob.ok(RepRequest::AcceptInvitation {
        invitation_id: to_bob,
    })
    .await;
    joined(&mut bob, s2).await;

    let resume = bob.resume_from();
    drop(bob);

    // After the grace period: s1 is back in billing, lost by bob.
    let back = session_entry_in(&mut alice, &team("billing"), s1, |e| {
        last_reason(e) == Some(QueueReason::ConnectionLost)
    })
    .await;
    let hop = back.history.last().unwrap();
    assert_eq!(hop.queue, team("billing"));
    assert_eq!(hop.by, Some(RepId::from("bob")));
    alice
        .pick("invitation gone", |e| {
            matches!(e, RepEvent::EntryRemoved { entry_id, .. }
                if *entry_id == format!("invitation:{invitation}"))
            .then_some(())
        })
        .await;
    alice
        .pick("bob left s2", |e| {
            matches!(e, RepEvent::SessionUpdated { session }
                if session.session_id == s2 && session.participants == vec![RepId::from("alice")])
            .then_some(())
        })
        .await;
    for customer in [&mut owned, &mut shared] {
        customer
            .pick("rep left", |m| {
                matches!(m, CustomerServerMessage::RepLeft { name } if name == "Bob").then_some(())
            })
            .await;
    }

    // Resuming, bob learns he left both sessions.
    let mut resumed = RepClient::connect(server.addr, &bob_token, Some(resume)).await;
    for session_id in [s1, s2] {
        let reason = resumed
            .pick("session left", |e| match e {
                RepEvent::SessionLeft {
                    session_id: s,
                    reason,
                } if *s == session_id => Some(*reason),
                _ => None,
            })
            .await;
        assert_eq!(reason, LeftReason::ConnectionLost);
    }
    drop(resumed);

    // A fresh connection shows no sessions, and s1 waiting in billing.
    let fresh = RepClient::connect(server.addr, &server.login("bob").await, None).await;
    let snapshot = fresh.snapshot.as_ref().unwrap();
    assert!(snapshot.sessions.is_empty(), "{:?}", snapshot.sessions);
    let billing = snapshot
        .queues
        .iter()
        .find(|q| q.queue == team("billing"))
        .unwrap();
    assert!(
        billing
            .entries
            .iter()
            .any(|e| e.session_id == s1 && e.invitation.is_none())
    );
}
