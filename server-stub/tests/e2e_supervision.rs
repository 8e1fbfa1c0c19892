//! End to end over real sockets: team leads supervising a session (issue 15). Carol (lead of
//! Tech in the test configuration) monitors Alice's Tech session, Alice sees her listed, her
//! whisper reaches Alice only (the customer and Bob, a second rep in the session, get the
//! messages after it but never it), she takes the session over, and `take_next` hands Alice
//! the longest-waiting session. A plain rep is refused every supervising request.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use switchboard_protocol::*;
use switchboard_testkit::supervision::customer_chat_without;

fn tech_issue() -> Route {
    Route::Issue {
        issue: "crash".into(),
    }
}

/// Alice takes the customer's Tech session; returns its id.
async fn alice_takes(alice: &mut RepClient, customer: &CustomerClient) -> SessionId {
    let session_id = customer.session_id;
    session_entry_in(alice, &team("tech"), session_id, |_| true).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(alice, session_id).await;
    session_id
}

#[tokio::test]
async fn a_lead_monitors_whispers_and_takes_over() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut carol = server.rep("carol").await;
    let mut customer = server.customer("Ada", tech_issue()).await;
    let session_id = alice_takes(&mut alice, &customer).await;

    // Bob (billing, like Alice) is invited in: a second rep in the session.
    let invitation_id = alice
        .invite(
            session_id,
            InviteTarget::Rep {
                rep: RepId::from("bob"),
            },
        )
        .await;
    bob.ok(RepRequest::AcceptInvitation { invitation_id }).await;
    joined(&mut bob, session_id).await;
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: unique_client_id(),
            text: "Between us: check the crash log".into(),
            visibility: Visibility::Reps,
        })
        .await;

    // A plain rep may not supervise.
    bob.refused(
        RepRequest::MonitorSession { session_id },
        ErrorCode::Forbidden,
    )
    .await;

    // Carol monitors: the whole chat, rep-only lines included; Alice sees her listed.
    let view = carol.monitor(session_id).await;
    assert!(
        view.chat
            .iter()
            .any(|m| m.text == "Between us: check the crash log")
    );
    assert_eq!(view.session.monitors, vec![RepId::from("carol")]);
    assert!(!view.session.participants.contains(&RepId::from("carol")));
    alice
        .session_update(session_id, |s| s.monitors == vec![RepId::from("carol")])
        .await;

    // The whisper goes to Alice (the owner) only.
    let whisper = carol.whisper(session_id, "Offer the refund.", None).await;
    assert_eq!(whisper.visibility, Visibility::Whisper);
    assert_eq!(whisper.whisper_to, Some(RepId::from("alice")));
    alice.chat_text("Offer the refund.").await;
    alice
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: unique_client_id(),
            text: "We will refund you today.".into(),
            visibility: Visibility::Public,
        })
        .await;
    // The public line after the whisper reaches the customer and Bob; the whisper never did.
    customer_chat_without(
        &mut customer,
        "We will refund you today.",
        "Offer the refund.",
    )
    .await;
    bob.chat_without("We will refund you today.", "Offer the refund.")
        .await;
    // Carol, monitoring, reads the public line too.
    carol.chat_text("We will refund you today.").await;

    // Carol takes the session over; Alice stays, no longer the owner.
    carol
        .ok(RepRequest::TakeOver {
            session_id,
            previous_owner: PreviousOwner::Stay,
        })
        .await;
    let updated = alice
        .session_update(session_id, |s| s.owner == Some(RepId::from("carol")))
        .await;
    assert!(updated.participants.contains(&RepId::from("alice")));
    assert!(updated.monitors.is_empty(), "the lead is in it now");
    let name = customer
        .wait("rep joined", |m| match m {
            CustomerServerMessage::RepJoined { name } => Some(name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(name, "Carol");
    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: InviteTarget::Rep {
                    rep: RepId::from("dave"),
                },
            },
            ErrorCode::NotOwner,
        )
        .await;
}

/// `take_next` accepts the longest-waiting session in the rep's queues; with nothing left,
/// `not_found`.
#[tokio::test]
async fn take_next_takes_the_longest_waiting() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let first = server.customer("First", tech_issue()).await;
    session_entry_in(&mut alice, &team("tech"), first.session_id, |_| true).await;
    let second = server
        .customer(
            "Second",
            Route::Issue {
                issue: "invoice".into(),
            },
        )
        .await;
    session_entry_in(&mut alice, &team("billing"), second.session_id, |_| true).await;

    assert_eq!(alice.take_next().await, first.session_id);
    let view = joined(&mut alice, first.session_id).await;
    assert_eq!(view.session.owner, Some(RepId::from("alice")));
    assert_eq!(alice.take_next().await, second.session_id);
    joined(&mut alice, second.session_id).await;
    alice
        .refused(RepRequest::TakeNext, ErrorCode::NotFound)
        .await;
}
