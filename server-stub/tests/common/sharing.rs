//! Helpers of the sharing and session-action tests (e2e_sharing_*.rs): invitation targets,
//! waiting for a session's updates, entries and the customer's notices, and starting a
//! session a rep owns.

use super::*;
use switchboard_protocol::*;

pub fn rep_target(rep: &str) -> InviteTarget {
    InviteTarget::Rep { rep: rep.into() }
}

pub fn team_target(team: &str) -> InviteTarget {
    InviteTarget::Team { team: team.into() }
}

pub fn issue_target(issue: &str) -> InviteTarget {
    InviteTarget::Issue {
        issue: issue.into(),
    }
}

pub fn invitation_entry_id(id: InvitationId) -> String {
    format!("invitation:{id}")
}

/// Waits for a `session_updated` of the session that satisfies `pred`.
pub async fn updated(
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
pub async fn left(rep: &mut RepClient, session_id: SessionId) -> LeftReason {
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
pub async fn invitation_in(rep: &mut RepClient, queue: &QueueRef, id: InvitationId) -> QueueEntry {
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
pub async fn entry_removed(rep: &mut RepClient, queue: &QueueRef, entry_id: &str) {
    rep.pick("entry removed", |e| match e {
        RepEvent::EntryRemoved {
            queue: q,
            entry_id: id,
        } if q == queue && id == entry_id => Some(()),
        _ => None,
    })
    .await
}

pub async fn rep_joined(customer: &mut CustomerClient, name: &str) {
    customer
        .pick("rep joined", |m| {
            matches!(m, CustomerServerMessage::RepJoined { name: n } if n == name).then_some(())
        })
        .await
}

pub async fn rep_left(customer: &mut CustomerClient, name: &str) {
    customer
        .pick("rep left", |m| {
            matches!(m, CustomerServerMessage::RepLeft { name: n } if n == name).then_some(())
        })
        .await
}

pub async fn customer_hears(customer: &mut CustomerClient, text: &str) -> ChatMessage {
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
pub async fn start_owned(
    server: &TestServer,
    owner: &mut RepClient,
    rep: &str,
    customer_name: &str,
) -> CustomerClient {
    let route = Route::Rep { rep: rep.into() };
    start_owned_via(server, owner, rep, customer_name, route).await
}

/// A customer who came by `route`, accepted by `rep` from the queue it leads to.
pub async fn start_owned_via(
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
pub fn view_name(rep: &str) -> String {
    let mut chars = rep.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub async fn say(
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
pub async fn accept_invitation(
    rep: &mut RepClient,
    invitation_id: InvitationId,
    session_id: SessionId,
) -> SessionView {
    rep.ok(RepRequest::AcceptInvitation { invitation_id }).await;
    joined(rep, session_id).await
}

pub async fn invite(
    rep: &mut RepClient,
    session_id: SessionId,
    target: InviteTarget,
) -> InvitationId {
    rep.invite(session_id, target).await
}

/// The owner invites `guest` by name; the guest accepts and is in the session.
pub async fn share_with(
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

pub fn queue_entries(snapshot: &RepSnapshot, queue: &QueueRef) -> Vec<QueueEntry> {
    snapshot
        .queues
        .iter()
        .find(|q| &q.queue == queue)
        .map(|q| q.entries.clone())
        .unwrap_or_default()
}
