//! What happened in a session besides messages, told inline in its chat: a rep joined or
//! left, the session was transferred or someone invited, the customer disconnected or came
//! back. Derived by comparing a session's state before and after a `session_updated`
//! (the server sends no system chat messages for these yet). Pure.

use switchboard_protocol::{InviteTarget, QueueRef, RepId, SessionInfo};

/// One event, placed after the first `after_chat` messages of the session's chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvent {
    pub after_chat: usize,
    pub kind: SessionEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEventKind {
    Joined(RepId),
    Left(RepId),
    /// Ownership moved: to a queue (a transfer waits there) or to a rep.
    TransferredTo(QueueRef),
    NewOwner(RepId),
    Invited {
        inviter: RepId,
        target: InviteTarget,
    },
    CustomerDisconnected,
    CustomerReconnected,
}

/// The events between two states of the same session.
pub fn diff(before: &SessionInfo, after: &SessionInfo) -> Vec<SessionEventKind> {
    let mut events = Vec::new();
    for rep in &after.participants {
        if !before.participants.contains(rep) {
            events.push(SessionEventKind::Joined(rep.clone()));
        }
    }
    for rep in &before.participants {
        if !after.participants.contains(rep) {
            events.push(SessionEventKind::Left(rep.clone()));
        }
    }
    if after.waiting_in != before.waiting_in
        && let Some(queue) = &after.waiting_in
        && before.owner.is_some()
        && after.owner.is_none()
    {
        events.push(SessionEventKind::TransferredTo(queue.clone()));
    }
    if after.owner != before.owner
        && let Some(owner) = &after.owner
        && before.owner.is_some() | before.waiting_in.is_some()
    {
        events.push(SessionEventKind::NewOwner(owner.clone()));
    }
    for invitation in &after.invitations {
        let new = !before
            .invitations
            .iter()
            .any(|i| i.invitation_id == invitation.invitation_id);
        if new {
            events.push(SessionEventKind::Invited {
                inviter: invitation.inviter.clone(),
                target: invitation.target.clone(),
            });
        }
    }
    match (before.customer_connected, after.customer_connected) {
        (true, false) => events.push(SessionEventKind::CustomerDisconnected),
        (false, true) => events.push(SessionEventKind::CustomerReconnected),
        _ => {}
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{
        CustomerInfo, EntryPath, InvitationId, InvitationInfo, SessionId, SessionKind, TeamId,
    };

    fn session(owner: Option<&str>, participants: &[&str]) -> SessionInfo {
        SessionInfo {
            session_id: SessionId(1),
            customer: CustomerInfo {
                name: "Zed".into(),
                ..CustomerInfo::default()
            },
            customer_connected: true,
            issue: None,
            kind: SessionKind::Standard,
            entry_path: EntryPath::Issue,
            started_at: 0,
            owner: owner.map(RepId::from),
            participants: participants.iter().map(|r| RepId::from(*r)).collect(),
            waiting_in: None,
            important: false,
            disposition: None,
            history: Vec::new(),
            invitations: Vec::new(),
            ended: false,
            assistance: false,
            has_history: false,
            remote: Default::default(),
            monitors: Default::default(),
        }
    }

    /// A rep joining, then leaving.
    #[test]
    fn joined_and_left() {
        let one = session(Some("alice"), &["alice"]);
        let two = session(Some("alice"), &["alice", "bob"]);
        assert_eq!(diff(&one, &two), [SessionEventKind::Joined("bob".into())]);
        assert_eq!(diff(&two, &one), [SessionEventKind::Left("bob".into())]);
        assert!(diff(&one, &one).is_empty());
    }

    /// A transfer to a team waits in its queue; the rep who takes it becomes the owner.
    #[test]
    fn transferred_then_taken() {
        let owned = session(Some("alice"), &["alice"]);
        let mut waiting = session(None, &["alice"]);
        let team = QueueRef::Team {
            team: TeamId::from("tech"),
        };
        waiting.waiting_in = Some(team.clone());
        assert_eq!(
            diff(&owned, &waiting),
            [SessionEventKind::TransferredTo(team)]
        );
        let taken = session(Some("carmen"), &["alice", "carmen"]);
        assert_eq!(
            diff(&waiting, &taken),
            [
                SessionEventKind::Joined("carmen".into()),
                SessionEventKind::NewOwner("carmen".into())
            ]
        );
    }

    /// A new invitation, and the customer dropping off and coming back.
    #[test]
    fn invited_and_customer_connection() {
        let before = session(Some("alice"), &["alice"]);
        let mut after = before.clone();
        after.invitations.push(InvitationInfo {
            invitation_id: InvitationId(7),
            inviter: "alice".into(),
            target: InviteTarget::Rep { rep: "bob".into() },
            created_at: 0,
        });
        after.customer_connected = false;
        assert_eq!(
            diff(&before, &after),
            [
                SessionEventKind::Invited {
                    inviter: "alice".into(),
                    target: InviteTarget::Rep { rep: "bob".into() }
                },
                SessionEventKind::CustomerDisconnected
            ]
        );
        assert_eq!(
            diff(&after, &before),
            [SessionEventKind::CustomerReconnected]
        );
    }
}
