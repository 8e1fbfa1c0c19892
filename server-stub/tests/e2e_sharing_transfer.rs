//! End to end over real sockets: transferring a session (seed 003): to a rep staying or
//! leaving, to a team's queue, and who may.

#![allow(clippy::unwrap_used)]

mod common;

use common::sharing::*;
use common::*;
use switchboard_protocol::*;

/// Transfer to a rep with stay: the old owner stays as a participant; while the session waits owner actions are not_active, after the new owner accepts they are not_owner.
#[tokio::test]
async fn transfer_to_rep_staying_as_participant() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Ann").await;
    let session_id = customer.session_id;
    say(
        &mut alice,
        session_id,
        "a1",
        "note before transfer",
        Visibility::Reps,
    )
    .await;

    alice
        .ok(RepRequest::Transfer {
            session_id,
            target: TransferTarget::Rep { rep: "bob".into() },
            stay: true,
        })
        .await;
    let waiting = updated(&mut alice, session_id, "waiting for bob", |s| {
        s.waiting_in == Some(personal("bob"))
    })
    .await;
    assert_eq!(waiting.owner, None);
    assert_eq!(waiting.participants, vec![RepId::from("alice")]);
    let entry = session_entry_in(&mut bob, &personal("bob"), session_id, |_| true).await;
    let hop = entry.history.last().unwrap();
    assert_eq!(hop.reason, QueueReason::Transfer);
    assert_eq!(hop.by, Some(RepId::from("alice")));
    assert_eq!(hop.queue, personal("bob"));

    let owner_only = |session_id| {
        vec![
            RepRequest::Transfer {
                session_id,
                target: TransferTarget::Team {
                    team: "tech".into(),
                },
                stay: true,
            },
            RepRequest::Invite {
                session_id,
                target: rep_target("dave"),
            },
            RepRequest::RemoveRep {
                session_id,
                rep: "bob".into(),
            },
        ]
    };
    for request in owner_only(session_id) {
        alice.refused(request, ErrorCode::NotActive).await;
    }
    alice
        .refused(
            RepRequest::Close {
                session_id,
                mode: CloseMode::End,
            },
            ErrorCode::NotActive,
        )
        .await;
    // Still in the session: alice can chat.
    say(
        &mut alice,
        session_id,
        "a2",
        "bob will take over",
        Visibility::Public,
    )
    .await;
    customer_hears(&mut customer, "bob will take over").await;

    bob.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut bob, session_id).await;
    assert_eq!(view.session.owner, Some(RepId::from("bob")));
    assert_eq!(
        view.session.participants,
        vec![RepId::from("alice"), RepId::from("bob")]
    );
    assert!(
        view.chat
            .iter()
            .any(|m| m.text == "note before transfer" && m.visibility == Visibility::Reps)
    );
    updated(&mut alice, session_id, "bob owns", |s| {
        s.owner == Some(RepId::from("bob"))
    })
    .await;
    rep_joined(&mut customer, "Bob").await;
    for request in owner_only(session_id) {
        alice.refused(request, ErrorCode::NotOwner).await;
    }
    customer.sync().await;
    assert!(
        !customer
            .inbox
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::RepLeft { .. })),
        "alice stayed: the customer was not told she left"
    );
    alice.sync().await;
    assert!(!alice.has_queued(|e| matches!(e, RepEvent::SessionLeft { .. })));
}

/// Transfer to a rep without stay: the old owner leaves (transferred), the customer is told, the new owner gets the whole chat.
#[tokio::test]
async fn transfer_to_rep_leaving() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Ben").await;
    let session_id = customer.session_id;
    customer.say("hello alice").await;
    alice.chat_text("hello alice").await;

    alice
        .ok(RepRequest::Transfer {
            session_id,
            target: TransferTarget::Rep { rep: "bob".into() },
            stay: false,
        })
        .await;
    assert_eq!(left(&mut alice, session_id).await, LeftReason::Transferred);
    rep_left(&mut customer, "Alice").await;
    customer
        .pick("queue status", |m| {
            matches!(m, CustomerServerMessage::QueueStatus { .. }).then_some(())
        })
        .await;
    alice
        .refused(
            RepRequest::SendChat {
                session_id,
                client_msg_id: "a9".into(),
                text: "still here?".into(),
                visibility: Visibility::Public,
            },
            ErrorCode::NotInSession,
        )
        .await;

    session_entry_in(&mut bob, &personal("bob"), session_id, |e| {
        e.history.last().map(|h| h.reason) == Some(QueueReason::Transfer)
    })
    .await;
    bob.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut bob, session_id).await;
    assert_eq!(view.session.participants, vec![RepId::from("bob")]);
    assert!(view.chat.iter().any(|m| m.text == "hello alice"));
    rep_joined(&mut customer, "Bob").await;
}

/// Transfer to a team: the session waits in the team queue with a transfer hop in its history.
#[tokio::test]
async fn transfer_to_team_waits_in_team_queue() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut carol = server.rep("carol").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Cas").await;
    let session_id = customer.session_id;

    alice
        .ok(RepRequest::Transfer {
            session_id,
            target: TransferTarget::Team {
                team: "tech".into(),
            },
            stay: false,
        })
        .await;
    let entry = session_entry_in(&mut carol, &team("tech"), session_id, |_| true).await;
    assert_eq!(
        entry.entry_path,
        EntryPath::RepPick,
        "the entry path is kept"
    );
    let reasons: Vec<(QueueRef, QueueReason)> = entry
        .history
        .iter()
        .map(|h| (h.queue.clone(), h.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (personal("alice"), QueueReason::Started),
            (team("tech"), QueueReason::Transfer),
        ]
    );
    assert_eq!(entry.history[1].by, Some(RepId::from("alice")));
    carol.ok(RepRequest::Accept { session_id }).await;
    joined(&mut carol, session_id).await;
    rep_joined(&mut customer, "Carol").await;
}

/// A rep without the transfer permission (dave) is forbidden to transfer; a participant is not_owner.
#[tokio::test]
async fn transfer_needs_permission_and_ownership() {
    let server = TestServer::start().await;
    let mut dave = server.rep("dave").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut dave, "dave", "Dee").await;
    let session_id = customer.session_id;
    dave.refused(
        RepRequest::Transfer {
            session_id,
            target: TransferTarget::Rep { rep: "bob".into() },
            stay: false,
        },
        ErrorCode::Forbidden,
    )
    .await;
    share_with(&mut dave, &mut bob, "bob", &mut customer).await;
    bob.refused(
        RepRequest::Transfer {
            session_id,
            target: TransferTarget::Team {
                team: "billing".into(),
            },
            stay: false,
        },
        ErrorCode::NotOwner,
    )
    .await;
}
