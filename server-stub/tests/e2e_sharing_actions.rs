//! End to end over real sockets: the other session actions of seed 003: removing a
//! participant, disconnecting the customer, closing (a disposition to end), leaving in
//! queue, a participant leaving, important, and who is invited already.

#![allow(clippy::unwrap_used)]

mod common;

use common::sharing::*;
use common::*;
use switchboard_protocol::*;

/// The owner removes a participant (session_left removed, customer told); a participant trying to remove is not_owner.
#[tokio::test]
async fn owner_removes_a_participant() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Eli").await;
    let session_id = customer.session_id;
    share_with(&mut alice, &mut bob, "bob", &mut customer).await;

    bob.refused(
        RepRequest::RemoveRep {
            session_id,
            rep: "alice".into(),
        },
        ErrorCode::NotOwner,
    )
    .await;
    alice
        .ok(RepRequest::RemoveRep {
            session_id,
            rep: "bob".into(),
        })
        .await;
    assert_eq!(left(&mut bob, session_id).await, LeftReason::Removed);
    rep_left(&mut customer, "Bob").await;
    let info = updated(&mut alice, session_id, "bob removed", |s| {
        s.participants == vec![RepId::from("alice")]
    })
    .await;
    assert_eq!(info.owner, Some(RepId::from("alice")));
    alice
        .refused(
            RepRequest::RemoveRep {
                session_id,
                rep: "bob".into(),
            },
            ErrorCode::NotInSession,
        )
        .await;
    // The customer carries on with alice.
    customer.say("still there?").await;
    alice.chat_text("still there?").await;
}

/// Disconnecting the customer: they get `disconnected` and the socket closes; the reps keep chatting; the customer's token no longer resumes.
#[tokio::test]
async fn disconnect_customer_keeps_the_reps_together() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Fay").await;
    let session_id = customer.session_id;
    share_with(&mut alice, &mut bob, "bob", &mut customer).await;

    bob.refused(
        RepRequest::DisconnectCustomer { session_id },
        ErrorCode::NotOwner,
    )
    .await;
    alice
        .ok(RepRequest::DisconnectCustomer { session_id })
        .await;
    let rest = customer.until_closed().await;
    assert!(
        rest.iter()
            .any(|m| matches!(m, CustomerServerMessage::Disconnected { .. })),
        "{rest:?}"
    );
    updated(&mut alice, session_id, "customer gone", |s| {
        !s.customer_connected
    })
    .await;
    updated(&mut bob, session_id, "customer gone", |s| {
        !s.customer_connected
    })
    .await;

    say(
        &mut bob,
        session_id,
        "b1",
        "what happened?",
        Visibility::Public,
    )
    .await;
    alice.chat_text("what happened?").await;
    say(
        &mut alice,
        session_id,
        "a1",
        "I closed it",
        Visibility::Reps,
    )
    .await;
    bob.chat_text("I closed it").await;

    // Over for the customer: a resume is told so (`ended: true`), and the socket closes.
    let mut resumed = CustomerClient::resume(server.addr, session_id, &customer.token)
        .await
        .expect("session_started");
    assert!(resumed.ended, "a disconnected customer resumed");
    assert!(resumed.until_closed().await.is_empty());
}

/// Ending needs a disposition; once set, ending tells the customer (session_ended) and every rep (session_left ended).
#[tokio::test]
async fn close_end_requires_a_disposition() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Gus").await;
    let session_id = customer.session_id;
    share_with(&mut alice, &mut bob, "bob", &mut customer).await;

    let end = RepRequest::Close {
        session_id,
        mode: CloseMode::End,
    };
    alice
        .refused(end.clone(), ErrorCode::DispositionRequired)
        .await;
    bob.refused(end.clone(), ErrorCode::NotOwner).await;
    alice
        .refused(
            RepRequest::SetDisposition {
                session_id,
                disposition: "Made up".into(),
            },
            ErrorCode::Invalid,
        )
        .await;
    bob.ok(RepRequest::SetDisposition {
        session_id,
        disposition: "Resolved".into(),
    })
    .await;
    updated(&mut alice, session_id, "disposition", |s| {
        s.disposition.as_deref() == Some("Resolved")
    })
    .await;
    alice.ok(end).await;
    assert_eq!(left(&mut alice, session_id).await, LeftReason::Ended);
    assert_eq!(left(&mut bob, session_id).await, LeftReason::Ended);
    let rest = customer.until_closed().await;
    assert!(
        rest.iter()
            .any(|m| matches!(m, CustomerServerMessage::SessionEnded { .. })),
        "{rest:?}"
    );
    alice
        .refused(
            RepRequest::SendChat {
                session_id,
                client_msg_id: "late".into(),
                text: "late".into(),
                visibility: Visibility::Public,
            },
            ErrorCode::SessionEnded,
        )
        .await;
}

/// Close with leave_in_queue puts the session back in its queue (a left_in_queue hop); the next rep who accepts sees the whole chat.
#[tokio::test]
async fn leave_in_queue_returns_the_session_with_its_chat() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned_via(
        &server,
        &mut alice,
        "alice",
        "Hal",
        Route::Team {
            team: "billing".into(),
        },
    )
    .await;
    let session_id = customer.session_id;
    customer.say("my card was declined").await;
    alice.chat_text("my card was declined").await;
    say(&mut alice, session_id, "a1", "checking", Visibility::Public).await;
    say(
        &mut alice,
        session_id,
        "a2",
        "card issuer issue",
        Visibility::Reps,
    )
    .await;

    alice
        .ok(RepRequest::Close {
            session_id,
            mode: CloseMode::LeaveInQueue,
        })
        .await;
    assert_eq!(left(&mut alice, session_id).await, LeftReason::LeftInQueue);
    let entry = session_entry_in(&mut bob, &team("billing"), session_id, |e| {
        e.history.len() == 2
    })
    .await;
    let hop = &entry.history[1];
    assert_eq!(hop.queue, team("billing"));
    assert_eq!(hop.reason, QueueReason::LeftInQueue);
    assert_eq!(hop.by, Some(RepId::from("alice")));
    assert_eq!(entry.history[0].reason, QueueReason::Started);
    rep_left(&mut customer, "Alice").await;

    bob.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut bob, session_id).await;
    let texts: Vec<&str> = view.chat.iter().map(|m| m.text.as_str()).collect();
    for text in ["my card was declined", "checking", "card issuer issue"] {
        assert!(texts.contains(&text), "{text} in {texts:?}");
    }
    rep_joined(&mut customer, "Bob").await;
}

/// A participant leaving tells the customer (rep_left with their name), who keeps chatting with the owner; the owner cannot leave (owner_must_close).
#[tokio::test]
async fn participant_leaves_and_owner_must_close() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Ivy").await;
    let session_id = customer.session_id;
    share_with(&mut alice, &mut bob, "bob", &mut customer).await;

    alice
        .refused(RepRequest::Leave { session_id }, ErrorCode::OwnerMustClose)
        .await;
    bob.ok(RepRequest::Leave { session_id }).await;
    assert_eq!(left(&mut bob, session_id).await, LeftReason::Left);
    rep_left(&mut customer, "Bob").await;
    updated(&mut alice, session_id, "bob left", |s| {
        s.participants == vec![RepId::from("alice")]
    })
    .await;
    customer.say("is anyone still here?").await;
    alice.chat_text("is anyone still here?").await;
    say(&mut alice, session_id, "a1", "yes, me", Visibility::Public).await;
    customer_hears(&mut customer, "yes, me").await;
    bob.refused(RepRequest::Leave { session_id }, ErrorCode::NotInSession)
        .await;
}

/// set_important shows in session_updated and in the session's queue entries (invitations and the waiting session).
#[tokio::test]
async fn important_shows_in_entries_and_updates() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let customer = start_owned_via(
        &server,
        &mut alice,
        "alice",
        "Joy",
        Route::Team {
            team: "billing".into(),
        },
    )
    .await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, team_target("billing")).await;
    let before = invitation_in(&mut bob, &team("billing"), id).await;
    assert!(!before.important);
    bob.refused(
        RepRequest::SetImportant {
            session_id,
            important: true,
        },
        ErrorCode::NotInSession,
    )
    .await;
    alice
        .ok(RepRequest::SetImportant {
            session_id,
            important: true,
        })
        .await;
    updated(&mut alice, session_id, "important", |s| s.important).await;
    let after = invitation_in(&mut bob, &team("billing"), id).await;
    assert!(after.important);

    alice
        .ok(RepRequest::Close {
            session_id,
            mode: CloseMode::LeaveInQueue,
        })
        .await;
    let waiting = session_entry_in(&mut bob, &team("billing"), session_id, |e| {
        e.history.len() == 2
    })
    .await;
    assert!(waiting.important);
    bob.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut bob, session_id).await;
    assert!(view.session.important);
    bob.ok(RepRequest::SetImportant {
        session_id,
        important: false,
    })
    .await;
    updated(&mut bob, session_id, "not important", |s| !s.important).await;
}

/// The invitee list marks a rep who already has an active invitation to the session, so a
/// console can grey them rather than send an invitation the server would refuse.
#[tokio::test]
async fn invitees_show_who_is_invited_already() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let _bob = server.rep("bob").await;
    let customer = start_owned(&server, &mut alice, "alice", "Ike").await;
    let session_id = customer.session_id;
    let invited = |result: Option<OkResult>| -> Vec<(String, bool)> {
        let Some(OkResult::Invitees { teams, .. }) = result else {
            panic!("invitees expected, got {result:?}");
        };
        let billing = teams
            .into_iter()
            .find(|t| t.team == TeamId::new("billing"))
            .expect("billing is alice's team");
        billing
            .reps
            .into_iter()
            .map(|r| (r.rep.to_string(), r.invited))
            .collect()
    };
    let before = invited(alice.ok(RepRequest::ListInvitees { session_id }).await);
    assert!(before.iter().all(|(_, i)| !i), "{before:?}");
    invite(&mut alice, session_id, rep_target("bob")).await;
    let after = invited(alice.ok(RepRequest::ListInvitees { session_id }).await);
    assert!(after.contains(&("bob".to_owned(), true)), "{after:?}");
    assert!(
        after.iter().filter(|(r, _)| r != "bob").all(|(_, i)| !i),
        "only bob: {after:?}"
    );
}
