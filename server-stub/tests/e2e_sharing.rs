//! End to end over real sockets: sharing a session (seed 002's invitation rules) and the
//! session actions of seed 003 (transfer, remove, disconnect the customer, close, leave,
//! important).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use switchboard_protocol::*;

// ---- helpers ----

fn rep_target(rep: &str) -> InviteTarget {
    InviteTarget::Rep { rep: rep.into() }
}

fn team_target(team: &str) -> InviteTarget {
    InviteTarget::Team { team: team.into() }
}

fn issue_target(issue: &str) -> InviteTarget {
    InviteTarget::Issue {
        issue: issue.into(),
    }
}

fn invitation_entry_id(id: InvitationId) -> String {
    format!("invitation:{id}")
}

/// Waits for a `session_updated` of the session that satisfies `pred`.
async fn updated(
    rep: &mut RepClient,
    session_id: SessionId,
    what: &str,
    pred: impl Fn(&SessionInfo) -> bool,
) -> SessionInfo {
    rep.pick(what, |e| match e {
        RepEvent::SessionUpdated { session }
            if session.session_id == session_id && pred(session) =>
        {
            Some(session.clone())
        }
        _ => None,
    })
    .await
}

/// Waits for `session_left` of the session and returns the reason.
async fn left(rep: &mut RepClient, session_id: SessionId) -> LeftReason {
    rep.pick("session left", |e| match e {
        RepEvent::SessionLeft {
            session_id: s,
            reason,
        } if *s == session_id => Some(*reason),
        _ => None,
    })
    .await
}

/// Waits for the invitation's entry in `queue`.
async fn invitation_in(rep: &mut RepClient, queue: &QueueRef, id: InvitationId) -> QueueEntry {
    rep.pick("invitation entry", |e| match e {
        RepEvent::EntryUpserted { entry }
            if &entry.queue == queue
                && entry.invitation.as_ref().map(|i| i.invitation_id) == Some(id) =>
        {
            Some(entry.clone())
        }
        _ => None,
    })
    .await
}

/// Waits for the entry to leave `queue`.
async fn entry_removed(rep: &mut RepClient, queue: &QueueRef, entry_id: &str) {
    rep.pick("entry removed", |e| match e {
        RepEvent::EntryRemoved {
            queue: q,
            entry_id: id,
        } if q == queue && id == entry_id => Some(()),
        _ => None,
    })
    .await
}

async fn rep_joined(customer: &mut CustomerClient, name: &str) {
    customer
        .pick("rep joined", |m| {
            matches!(m, CustomerServerMessage::RepJoined { name: n } if n == name).then_some(())
        })
        .await
}

async fn rep_left(customer: &mut CustomerClient, name: &str) {
    customer
        .pick("rep left", |m| {
            matches!(m, CustomerServerMessage::RepLeft { name: n } if n == name).then_some(())
        })
        .await
}

async fn customer_hears(customer: &mut CustomerClient, text: &str) -> ChatMessage {
    customer
        .pick("chat", |m| match m {
            CustomerServerMessage::Chat { message } if message.text == text => {
                Some(message.clone())
            }
            _ => None,
        })
        .await
}

/// A customer who picked `rep` by name, accepted by that rep.
async fn start_owned(
    server: &TestServer,
    owner: &mut RepClient,
    rep: &str,
    customer_name: &str,
) -> CustomerClient {
    let route = Route::Rep { rep: rep.into() };
    start_owned_via(server, owner, rep, customer_name, route).await
}

/// A customer who came by `route`, accepted by `rep` from the queue it leads to.
async fn start_owned_via(
    server: &TestServer,
    owner: &mut RepClient,
    rep: &str,
    customer_name: &str,
    route: Route,
) -> CustomerClient {
    let queue = match &route {
        Route::Team { team: t } => team(t.as_str()),
        _ => personal(rep),
    };
    let mut customer = server.customer(customer_name, route).await;
    let session_id = customer.session_id;
    session_entry_in(owner, &queue, session_id, |_| true).await;
    owner.ok(RepRequest::Accept { session_id }).await;
    let view = joined(owner, session_id).await;
    assert_eq!(view.session.owner, Some(RepId::from(rep)));
    let name = view_name(rep);
    rep_joined(&mut customer, &name).await;
    customer
}

/// The display name of a rep of the test configuration.
fn view_name(rep: &str) -> String {
    let mut chars = rep.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

async fn say(
    rep: &mut RepClient,
    session_id: SessionId,
    client_msg_id: &str,
    text: &str,
    visibility: Visibility,
) -> ChatMessage {
    match rep
        .ok(RepRequest::SendChat {
            session_id,
            client_msg_id: client_msg_id.into(),
            text: text.into(),
            visibility,
        })
        .await
    {
        Some(OkResult::Chat { message }) => message,
        other => panic!("send_chat answered {other:?}"),
    }
}

/// `rep` accepts the invitation and joins the session; what they see on joining.
async fn accept_invitation(
    rep: &mut RepClient,
    invitation_id: InvitationId,
    session_id: SessionId,
) -> SessionView {
    rep.ok(RepRequest::AcceptInvitation { invitation_id }).await;
    joined(rep, session_id).await
}

async fn invite(rep: &mut RepClient, session_id: SessionId, target: InviteTarget) -> InvitationId {
    rep.invite(session_id, target).await
}

/// The owner invites `guest` by name; the guest accepts and is in the session.
async fn share_with(
    owner: &mut RepClient,
    guest: &mut RepClient,
    guest_id: &str,
    customer: &mut CustomerClient,
) -> SessionView {
    let session_id = customer.session_id;
    let id = invite(owner, session_id, rep_target(guest_id)).await;
    invitation_in(guest, &personal(guest_id), id).await;
    let view = accept_invitation(guest, id, session_id).await;
    rep_joined(customer, &view_name(guest_id)).await;
    updated(owner, session_id, "guest in the session", |s| {
        s.participants.contains(&RepId::from(guest_id))
    })
    .await;
    view
}

fn queue_entries(snapshot: &RepSnapshot, queue: &QueueRef) -> Vec<QueueEntry> {
    snapshot
        .queues
        .iter()
        .find(|q| &q.queue == queue)
        .map(|q| q.entries.clone())
        .unwrap_or_default()
}

// ---- inviting ----

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

// ---- when invitations disappear ----

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

// ---- transfer ----

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

// ---- other session actions ----

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
