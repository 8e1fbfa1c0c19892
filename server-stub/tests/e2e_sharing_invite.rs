//! End to end over real sockets: inviting into a session (seed 002's invitation rules): a
//! rep, a team, help by issue; who may invite whom; the invitee list; the email to an
//! offline rep with extended availability.

#![allow(clippy::unwrap_used)]

mod common;

use common::sharing::*;
use common::*;
use switchboard_protocol::*;

/// Sharing with a named rep: the invitation waits in their personal queue; accepting joins them with the whole chat (rep-only notes included) and the customer is told.
#[tokio::test]
async fn invited_rep_joins_with_the_whole_chat() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Jane").await;
    let session_id = customer.session_id;

    customer.say("My invoice is wrong").await;
    alice.chat_text("My invoice is wrong").await;
    say(
        &mut alice,
        session_id,
        "a1",
        "Let me check",
        Visibility::Public,
    )
    .await;
    say(
        &mut alice,
        session_id,
        "a2",
        "note: charged twice",
        Visibility::Reps,
    )
    .await;

    let id = invite(&mut alice, session_id, rep_target("bob")).await;
    let entry = invitation_in(&mut bob, &personal("bob"), id).await;
    assert_eq!(entry.entry_id, invitation_entry_id(id));
    assert_eq!(entry.session_id, session_id);
    assert_eq!(entry.customer.name, "Jane");
    let info = entry.invitation.expect("an invitation entry");
    assert_eq!(info.inviter, RepId::from("alice"));
    assert_eq!(info.target, rep_target("bob"));
    let owner_view = updated(&mut alice, session_id, "invitation listed", |s| {
        !s.invitations.is_empty()
    })
    .await;
    assert_eq!(owner_view.invitations.len(), 1);
    assert_eq!(owner_view.invitations[0].invitation_id, id);

    let view = accept_invitation(&mut bob, id, session_id).await;
    assert_eq!(view.session.owner, Some(RepId::from("alice")));
    assert_eq!(
        view.session.participants,
        vec![RepId::from("alice"), RepId::from("bob")]
    );
    assert!(view.session.invitations.is_empty());
    let texts: Vec<(&str, Visibility)> = view
        .chat
        .iter()
        .map(|m| (m.text.as_str(), m.visibility))
        .collect();
    for expected in [
        ("My invoice is wrong", Visibility::Public),
        ("Let me check", Visibility::Public),
        ("note: charged twice", Visibility::Reps),
    ] {
        assert!(
            texts.contains(&expected),
            "{expected:?} in the joined chat {texts:?}"
        );
    }
    entry_removed(&mut bob, &personal("bob"), &invitation_entry_id(id)).await;
    updated(&mut alice, session_id, "bob joined, invitation gone", |s| {
        s.participants.contains(&RepId::from("bob")) && s.invitations.is_empty()
    })
    .await;
    rep_joined(&mut customer, "Bob").await;

    // Both reps and the customer talk in the one session.
    say(&mut bob, session_id, "b1", "reps only", Visibility::Reps).await;
    alice.chat_text("reps only").await;
    say(
        &mut bob,
        session_id,
        "b2",
        "Bob here too",
        Visibility::Public,
    )
    .await;
    alice.chat_text("Bob here too").await;
    customer_hears(&mut customer, "Bob here too").await;
    assert!(
        !customer.inbox.iter().any(
            |m| matches!(m, CustomerServerMessage::Chat { message } if message.text == "reps only")
        ),
        "a rep-only message never reaches the customer"
    );
    customer.say("thanks").await;
    bob.chat_text("thanks").await;
    alice.chat_text("thanks").await;
}

/// "Any representative" of a team: the invitation shows in the team queue; one member accepts and it disappears for the rest, who are told already_taken.
#[tokio::test]
async fn team_invitation_is_taken_by_one_member() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut dave = server.rep("dave").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Kim").await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, team_target("billing")).await;
    let seen_by_bob = invitation_in(&mut bob, &team("billing"), id).await;
    let seen_by_dave = invitation_in(&mut dave, &team("billing"), id).await;
    assert_eq!(seen_by_bob, seen_by_dave);
    assert_eq!(
        seen_by_bob.invitation.unwrap().target,
        team_target("billing")
    );
    alice.sync().await;
    assert!(
        !alice.has_queued(
            |e| matches!(e, RepEvent::EntryUpserted { entry } if entry.invitation.is_some())
        ),
        "the owner, already in the session, is not shown the invitation"
    );

    accept_invitation(&mut dave, id, session_id).await;
    entry_removed(&mut bob, &team("billing"), &invitation_entry_id(id)).await;
    bob.refused(
        RepRequest::AcceptInvitation { invitation_id: id },
        ErrorCode::AlreadyTaken,
    )
    .await;
    rep_joined(&mut customer, "Dave").await;
    let info = updated(&mut alice, session_id, "dave joined", |s| {
        s.participants.contains(&RepId::from("dave"))
    })
    .await;
    assert!(info.invitations.is_empty());
}

/// A team member who declines a team invitation only hides it for themselves; a colleague can still accept it.
#[tokio::test]
async fn declining_a_team_invitation_hides_it_only_for_the_decliner() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut dave = server.rep("dave").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Lee").await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, team_target("billing")).await;
    invitation_in(&mut bob, &team("billing"), id).await;
    invitation_in(&mut dave, &team("billing"), id).await;
    dave.ok(RepRequest::DeclineInvitation { invitation_id: id })
        .await;
    entry_removed(&mut dave, &team("billing"), &invitation_entry_id(id)).await;
    bob.sync().await;
    assert!(
        !bob.has_queued(|e| matches!(e, RepEvent::EntryRemoved { .. })),
        "bob still sees the invitation"
    );
    alice.sync().await;
    assert!(
        !alice.has_queued(
            |e| matches!(e, RepEvent::SessionUpdated { session } if session.invitations.is_empty())
        ),
        "the invitation is still active for the owner"
    );
    let fresh = RepClient::connect(server.addr, &server.login("dave").await, None).await;
    assert!(
        queue_entries(fresh.snapshot.as_ref().unwrap(), &team("billing"))
            .iter()
            .all(|e| e.invitation.is_none()),
        "hidden for dave after a reconnect too"
    );
    drop(fresh);

    accept_invitation(&mut bob, id, session_id).await;
    rep_joined(&mut customer, "Bob").await;
}

/// A rep who joins by one invitation no longer sees the session's team invitation: the live events agree with a fresh snapshot.
#[tokio::test]
async fn joining_hides_the_sessions_team_invitation() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let bob_token = server.login("bob").await;
    let mut bob = RepClient::connect(server.addr, &bob_token, None).await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Ned").await;
    let session_id = customer.session_id;

    let to_team = invite(&mut alice, session_id, team_target("billing")).await;
    invitation_in(&mut bob, &team("billing"), to_team).await;
    share_with(&mut alice, &mut bob, "bob", &mut customer).await;
    bob.sync().await;
    let removed_live = bob.has_queued(|e| {
        matches!(e, RepEvent::EntryRemoved { queue, entry_id }
            if *queue == team("billing") && *entry_id == invitation_entry_id(to_team))
    });

    // A fresh snapshot (this connection replaces the first) no longer shows it to bob.
    let fresh = RepClient::connect(server.addr, &bob_token, None).await;
    assert!(
        queue_entries(fresh.snapshot.as_ref().unwrap(), &team("billing")).is_empty(),
        "the snapshot hides the team invitation from a rep in the session"
    );
    assert!(
        removed_live,
        "the live stream removes it too, or the console keeps a stale entry"
    );
}

/// Request Help by issue: a request_help issue sends the invitation to the issue's team queue; an issue without request_help is forbidden.
#[tokio::test]
async fn request_help_by_issue() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Mo").await;
    let session_id = customer.session_id;

    let id = invite(&mut alice, session_id, issue_target("invoice")).await;
    let entry = invitation_in(&mut bob, &team("billing"), id).await;
    assert_eq!(entry.invitation.unwrap().target, issue_target("invoice"));

    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: issue_target("crash"),
            },
            ErrorCode::Forbidden,
        )
        .await;
    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: issue_target("no-such-issue"),
            },
            ErrorCode::NotFound,
        )
        .await;

    accept_invitation(&mut bob, id, session_id).await;
    entry_removed(&mut bob, &team("billing"), &invitation_entry_id(id)).await;
    rep_joined(&mut customer, "Bob").await;
}

/// Only the owner invites, cancels or lists invitees; one active invitation per rep and session; a rep already in the session cannot be invited.
#[tokio::test]
async fn only_the_owner_invites_and_never_twice() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let _carol = server.rep("carol").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Ola").await;
    let session_id = customer.session_id;

    let to_carol = invite(&mut alice, session_id, rep_target("carol")).await;
    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: rep_target("carol"),
            },
            ErrorCode::InvitationExists,
        )
        .await;

    share_with(&mut alice, &mut bob, "bob", &mut customer).await;
    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: rep_target("bob"),
            },
            ErrorCode::AlreadyInSession,
        )
        .await;

    for request in [
        RepRequest::Invite {
            session_id,
            target: rep_target("dave"),
        },
        RepRequest::Invite {
            session_id,
            target: team_target("billing"),
        },
        RepRequest::CancelInvitation {
            invitation_id: to_carol,
        },
        RepRequest::ListInvitees { session_id },
    ] {
        bob.refused(request, ErrorCode::NotOwner).await;
    }
    // The owner's invitation is untouched by the participant's attempts.
    alice.ok(RepRequest::ListInvitees { session_id }).await;
    alice
        .ok(RepRequest::CancelInvitation {
            invitation_id: to_carol,
        })
        .await;
}

/// Reps and teams outside the owner's teams need share_outside_teams: bob (billing only) may not invite carol or tech; alice (with the permission) may invite carol, sam and sales.
#[tokio::test]
async fn sharing_outside_own_teams_needs_permission() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut carol = server.rep("carol").await;
    let mut sam = server.rep("sam").await;

    let bobs = start_owned(&server, &mut bob, "bob", "Pia").await;
    bob.refused(
        RepRequest::Invite {
            session_id: bobs.session_id,
            target: rep_target("carol"),
        },
        ErrorCode::Forbidden,
    )
    .await;
    bob.refused(
        RepRequest::Invite {
            session_id: bobs.session_id,
            target: team_target("tech"),
        },
        ErrorCode::Forbidden,
    )
    .await;
    let Some(OkResult::Invitees { teams, issues }) = bob
        .ok(RepRequest::ListInvitees {
            session_id: bobs.session_id,
        })
        .await
    else {
        panic!("no invitees");
    };
    let team_ids: Vec<&str> = teams.iter().map(|t| t.team.as_str()).collect();
    assert_eq!(team_ids, vec!["billing"], "only bob's own team");
    assert!(teams[0].own_team);
    let issue_ids: Vec<&str> = issues.iter().map(|i| i.issue.as_str()).collect();
    assert_eq!(issue_ids, vec!["invoice"], "only request_help issues");

    let alices = start_owned(&server, &mut alice, "alice", "Ria").await;
    let session_id = alices.session_id;
    let to_carol = invite(&mut alice, session_id, rep_target("carol")).await;
    invitation_in(&mut carol, &personal("carol"), to_carol).await;
    let to_sam = invite(&mut alice, session_id, rep_target("sam")).await;
    invitation_in(&mut sam, &personal("sam"), to_sam).await;
    let to_sales = invite(&mut alice, session_id, team_target("sales")).await;
    invitation_in(&mut sam, &team("sales"), to_sales).await;
    let Some(OkResult::Invitees { teams, .. }) =
        alice.ok(RepRequest::ListInvitees { session_id }).await
    else {
        panic!("no invitees");
    };
    let sales = teams
        .iter()
        .find(|t| t.team.as_str() == "sales")
        .expect("sales listed for alice");
    assert!(!sales.own_team);
    assert!(sales.reps.iter().any(|r| r.rep.as_str() == "sam"));
    let own: Vec<&str> = teams
        .iter()
        .filter(|t| t.own_team)
        .map(|t| t.team.as_str())
        .collect();
    assert_eq!(own, vec!["billing", "tech"]);
}

/// list_invitees lists the owner's own teams first, then the others (PROTOCOL.md, `list_invitees`).
#[tokio::test]
async fn list_invitees_puts_own_teams_first() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let _sam = server.rep("sam").await;
    let customer = start_owned(&server, &mut alice, "alice", "Rex").await;
    let Some(OkResult::Invitees { teams, .. }) = alice
        .ok(RepRequest::ListInvitees {
            session_id: customer.session_id,
        })
        .await
    else {
        panic!("no invitees");
    };
    let order: Vec<(&str, bool)> = teams
        .iter()
        .map(|t| (t.team.as_str(), t.own_team))
        .collect();
    assert_eq!(
        order,
        vec![("billing", true), ("tech", true), ("sales", false)],
        "alice's own teams (billing, tech) come before sales"
    );
}

/// Inviting offline dave (extended availability) works and emails him; an offline rep without it is rep_unavailable; list_invitees shows logged-in reps and dave only.
#[tokio::test]
async fn offline_rep_with_extended_availability_is_emailed() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut customer = start_owned(&server, &mut alice, "alice", "Sol").await;
    let session_id = customer.session_id;

    let Some(OkResult::Invitees { teams, .. }) =
        alice.ok(RepRequest::ListInvitees { session_id }).await
    else {
        panic!("no invitees");
    };
    let listed: Vec<(&str, &str, Presence, bool)> = teams
        .iter()
        .flat_map(|t| {
            t.reps.iter().map(move |r| {
                (
                    t.team.as_str(),
                    r.rep.as_str(),
                    r.presence,
                    r.extended_availability,
                )
            })
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("billing", "bob", Presence::Available, false),
            ("billing", "dave", Presence::Offline, true),
        ],
        "logged-in reps and dave; not carol, sam or sue (offline), not alice (in the session)"
    );
    assert!(
        !teams.iter().any(|t| t.team.as_str() == "sales"),
        "a foreign team with nobody invitable is not listed"
    );

    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: rep_target("carol"),
            },
            ErrorCode::RepUnavailable,
        )
        .await;
    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: rep_target("sam"),
            },
            ErrorCode::RepUnavailable,
        )
        .await;

    let to_dave = invite(&mut alice, session_id, rep_target("dave")).await;
    let store = &server.server.as_ref().unwrap().store;
    let outbox = store.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].to, "dave@example.com");
    assert_eq!(outbox[0].rep, "dave");
    alice
        .refused(
            RepRequest::Invite {
                session_id,
                target: rep_target("dave"),
            },
            ErrorCode::InvitationExists,
        )
        .await;

    // A logged-in rep is not emailed.
    let to_bob = invite(&mut alice, session_id, rep_target("bob")).await;
    invitation_in(&mut bob, &personal("bob"), to_bob).await;
    assert_eq!(store.outbox().await.unwrap().len(), 1);

    // Dave logs in and finds the invitation in his personal queue.
    let mut dave = server.rep("dave").await;
    let waiting = queue_entries(dave.snapshot.as_ref().unwrap(), &personal("dave"));
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].entry_id, invitation_entry_id(to_dave));
    accept_invitation(&mut dave, to_dave, session_id).await;
    rep_joined(&mut customer, "Dave").await;
}
