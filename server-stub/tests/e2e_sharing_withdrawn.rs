//! End to end over real sockets: when invitations disappear (seed 002): cancelled,
//! withdrawn, declined, the inviter transferring or leaving in queue, the session ending;
//! and that they never time out.

#![allow(clippy::unwrap_used)]

mod common;

use common::sharing::*;
use common::*;
use switchboard_protocol::*;

/// A cancelled invitation leaves the invitee's queue and the session's list, and can no longer be accepted.
#[tokio::test]
async fn cancelled_invitation_disappears() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = start_owned(&server, &mut alice, "alice", "Tia").await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), id).await;
    updated(&mut alice, session_id, "listed", |s| {
        s.invitations.len() == 1
    })
    .await;
    alice
        .ok(RepRequest::CancelInvitation { invitation_id: id })
        .await;
    entry_removed(&mut bob, &personal("bob"), &invitation_entry_id(id)).await;
    updated(&mut alice, session_id, "no longer listed", |s| {
        s.invitations.is_empty()
    })
    .await;
    let refused = bob
        .request(RepRequest::AcceptInvitation { invitation_id: id })
        .await;
    assert!(
        refused.is_err(),
        "a cancelled invitation cannot be accepted"
    );
    let fresh = RepClient::connect(server.addr, &server.login("bob").await, None).await;
    assert!(queue_entries(fresh.snapshot.as_ref().unwrap(), &personal("bob")).is_empty());
}

/// Per the protocol, accepting, declining or cancelling an invitation that was cancelled answers not_found.
#[tokio::test]
async fn withdrawn_invitation_is_not_found() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = start_owned(&server, &mut alice, "alice", "Uma").await;
    let id = invite(&mut alice, customer.session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), id).await;
    alice
        .ok(RepRequest::CancelInvitation { invitation_id: id })
        .await;
    bob.refused(
        RepRequest::AcceptInvitation { invitation_id: id },
        ErrorCode::NotFound,
    )
    .await;
    bob.refused(
        RepRequest::DeclineInvitation { invitation_id: id },
        ErrorCode::NotFound,
    )
    .await;
    alice
        .refused(
            RepRequest::CancelInvitation { invitation_id: id },
            ErrorCode::NotFound,
        )
        .await;
}

/// A declined rep invitation disappears for the invitee and from the owner's list.
#[tokio::test]
async fn declined_invitation_disappears() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = start_owned(&server, &mut alice, "alice", "Val").await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), id).await;
    updated(&mut alice, session_id, "listed", |s| {
        s.invitations.len() == 1
    })
    .await;
    bob.ok(RepRequest::DeclineInvitation { invitation_id: id })
        .await;
    entry_removed(&mut bob, &personal("bob"), &invitation_entry_id(id)).await;
    updated(&mut alice, session_id, "declined", |s| {
        s.invitations.is_empty()
    })
    .await;
    // Declined, it may be sent again.
    let again = invite(&mut alice, session_id, rep_target("bob")).await;
    assert_ne!(again, id);
    invitation_in(&mut bob, &personal("bob"), again).await;
}

/// When the inviting owner transfers the session, their invitations disappear.
#[tokio::test]
async fn invitations_disappear_when_the_inviter_transfers() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut carol = server.rep("carol").await;
    let customer = start_owned(&server, &mut alice, "alice", "Wes").await;
    let session_id = customer.session_id;

    let to_bob = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), to_bob).await;
    let to_billing = invite(&mut alice, session_id, team_target("billing")).await;
    invitation_in(&mut bob, &team("billing"), to_billing).await;

    alice
        .ok(RepRequest::Transfer {
            session_id,
            target: TransferTarget::Rep {
                rep: "carol".into(),
            },
            stay: true,
        })
        .await;
    entry_removed(&mut bob, &personal("bob"), &invitation_entry_id(to_bob)).await;
    entry_removed(&mut bob, &team("billing"), &invitation_entry_id(to_billing)).await;
    let info = updated(&mut alice, session_id, "waiting for carol", |s| {
        s.waiting_in == Some(personal("carol"))
    })
    .await;
    assert!(info.invitations.is_empty());
    assert!(
        bob.request(RepRequest::AcceptInvitation {
            invitation_id: to_bob
        })
        .await
        .is_err()
    );
    session_entry_in(&mut carol, &personal("carol"), session_id, |_| true).await;
}

/// When the inviting owner closes with leave_in_queue, their invitations disappear.
#[tokio::test]
async fn invitations_disappear_when_the_inviter_leaves_in_queue() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = start_owned(&server, &mut alice, "alice", "Xia").await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), id).await;
    alice
        .ok(RepRequest::Close {
            session_id,
            mode: CloseMode::LeaveInQueue,
        })
        .await;
    entry_removed(&mut bob, &personal("bob"), &invitation_entry_id(id)).await;
    assert_eq!(left(&mut alice, session_id).await, LeftReason::LeftInQueue);
    assert!(
        bob.request(RepRequest::AcceptInvitation { invitation_id: id })
            .await
            .is_err()
    );
}

/// When the session ends, its invitations disappear.
#[tokio::test]
async fn invitations_disappear_when_the_session_ends() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let _dave = server.rep("dave").await;
    let customer = start_owned(&server, &mut alice, "alice", "Yan").await;
    let session_id = customer.session_id;

    let to_bob = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), to_bob).await;
    let to_billing = invite(&mut alice, session_id, team_target("billing")).await;
    invitation_in(&mut bob, &team("billing"), to_billing).await;
    end_resolved(&mut alice, session_id).await;
    entry_removed(&mut bob, &personal("bob"), &invitation_entry_id(to_bob)).await;
    entry_removed(&mut bob, &team("billing"), &invitation_entry_id(to_billing)).await;
    assert_eq!(left(&mut alice, session_id).await, LeftReason::Ended);
    assert!(
        bob.request(RepRequest::AcceptInvitation {
            invitation_id: to_billing
        })
        .await
        .is_err()
    );
}

/// Invitations do not time out: after the grace, offer-deadline and waiting-rule timers have all run, they are still listed and can be accepted.
#[tokio::test]
async fn invitations_do_not_time_out() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let bob_token = server.login("bob").await;
    let mut bob = RepClient::connect(server.addr, &bob_token, None).await;
    let mut sam = server.rep("sam").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Zoe").await;
    let session_id = customer.session_id;

    let to_bob = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), to_bob).await;
    let to_dave = invite(&mut alice, session_id, rep_target("dave")).await;
    let to_billing = invite(&mut alice, session_id, team_target("billing")).await;
    alice
        .event("three invitations", |e| {
            matches!(e, RepEvent::SessionUpdated { session } if session.invitations.len() == 3)
                .then_some(())
        })
        .await;
    // The invitee goes away for longer than the grace period.
    drop(bob);

    // Timers: a push offer to sam runs past its deadline, a session waits in "slow" past its rule.
    let pushed = server
        .customer(
            "Pushed",
            Route::Team {
                team: "sales".into(),
            },
        )
        .await;
    sam.pick("offer", |e| {
        matches!(e, RepEvent::OfferMade { offer } if offer.entry.session_id == pushed.session_id)
            .then_some(())
    })
    .await;
    let slow = server
        .customer(
            "Slow",
            Route::Team {
                team: "slow".into(),
            },
        )
        .await;
    sam.pick("offer timed out", |e| {
        matches!(
            e,
            RepEvent::OfferEnded {
                reason: OfferEndReason::TimedOut,
                ..
            }
        )
        .then_some(())
    })
    .await;
    session_entry_in(&mut alice, &QueueRef::General, slow.session_id, |e| {
        e.history.last().map(|h| h.reason) == Some(QueueReason::WaitingRule)
    })
    .await;

    // Still active: the owner's session lists all three.
    alice
        .ok(RepRequest::SetImportant {
            session_id,
            important: true,
        })
        .await;
    let info = updated(&mut alice, session_id, "important", |s| s.important).await;
    let mut ids: Vec<InvitationId> = info.invitations.iter().map(|i| i.invitation_id).collect();
    ids.sort();
    assert_eq!(ids, vec![to_bob, to_dave, to_billing]);
    assert!(
        !alice.has_queued(
            |e| matches!(e, RepEvent::SessionUpdated { session } if session.invitations.len() < 3)
        ),
        "no invitation was dropped meanwhile"
    );

    // The invitees find them after reconnecting.
    let mut bob = RepClient::connect(server.addr, &bob_token, None).await;
    let bobs = queue_entries(bob.snapshot.as_ref().unwrap(), &personal("bob"));
    assert_eq!(
        bobs.iter().map(|e| e.entry_id.clone()).collect::<Vec<_>>(),
        vec![invitation_entry_id(to_bob)]
    );
    assert!(bobs[0].important, "entries show the session as important");
    let dave = server.rep("dave").await;
    let daves = queue_entries(dave.snapshot.as_ref().unwrap(), &personal("dave"));
    assert_eq!(daves.len(), 1);
    assert_eq!(daves[0].entry_id, invitation_entry_id(to_dave));
    for snapshot in [
        bob.snapshot.as_ref().unwrap(),
        dave.snapshot.as_ref().unwrap(),
    ] {
        let team_entries = queue_entries(snapshot, &team("billing"));
        assert!(
            team_entries
                .iter()
                .any(|e| e.entry_id == invitation_entry_id(to_billing)),
            "{team_entries:?}"
        );
    }

    accept_invitation(&mut bob, to_bob, session_id).await;
    rep_joined(&mut customer, "Bob").await;
}
