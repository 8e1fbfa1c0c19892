//! Tests of the store on real temporary database files, and the records they use.

mod corrupt;
mod group;
mod migrations;
mod outbox;
mod roundtrip;
mod tokens;

use crate::router::effects::StoreOp;
use crate::router::state::{Invitation, Session, SessionKey, Waiting};
use std::collections::BTreeSet;
use std::path::PathBuf;
use switchboard_protocol::{
    Author, ChatMessage, CustomerInfo, EntryPath, InvitationId, InviteTarget, MessageId, QueueHop,
    QueueReason, QueueRef, RepId, SessionId, SessionKind, TeamChatMessage, TeamId, Visibility,
};
use tempfile::TempDir;

/// A fresh directory and a database path inside a not-yet-existing subdirectory.
fn temp_db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("switchboard.db");
    (dir, path)
}

fn session(id: u64) -> Session {
    Session {
        id: SessionId(id),
        customer: CustomerInfo {
            name: format!("Customer {id}"),
            company: Some("Acme".to_owned()),
            question: Some("My invoice is wrong".to_owned()),
            contact: None,
        },
        customer_token_hash: format!("hash-{id}"),
        customer_connected: false,
        customer_gone: false,
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::General,
        session_key: None,
        started_at: 1_000 + id,
        owner: Some(RepId::new("alice")),
        participants: vec![RepId::new("alice")],
        ever_joined: BTreeSet::new(),
        waiting: Some(Waiting {
            queue: QueueRef::General,
            entered_at: 1_000,
        }),
        home_queue: QueueRef::General,
        history: vec![QueueHop {
            queue: QueueRef::General,
            reason: QueueReason::Started,
            at: 1_000,
            by: None,
        }],
        important: false,
        disposition: None,
        rejected_by: BTreeSet::from([RepId::new("bob")]),
        ended_at: None,
        assistance: None,
        client: Default::default(),
        grants: Default::default(),
        platform: Default::default(),
        machine: None,
        elevation: None,
        jump: None,
        client_offer: None,
        offer: None,
        chat: Vec::new(),
        position_sent: None,
        sent_ids: Default::default(),
        monitors: Default::default(),
    }
}

fn ended_session(id: u64) -> Session {
    Session {
        ended_at: Some(9_000),
        waiting: None,
        disposition: Some("solved".to_owned()),
        ..session(id)
    }
}

fn put_session(session: &Session) -> StoreOp {
    StoreOp::PutSession(Box::new(session.clone()))
}

fn chat(id: u64, session: u64) -> ChatMessage {
    ChatMessage {
        id: MessageId(id),
        session_id: SessionId(session),
        author: Author::Customer {
            name: format!("Customer {session}"),
        },
        text: format!("message {id}"),
        visibility: Visibility::Public,
        at: 2_000 + id,
        client_msg_id: Some(format!("c{id}")),
        attachment: None,
        whisper_to: Default::default(),
    }
}

fn team_chat(id: u64, team: &str) -> TeamChatMessage {
    TeamChatMessage {
        id: MessageId(id),
        team: TeamId::new(team),
        author: RepId::new("alice"),
        author_name: "Alice".to_owned(),
        text: format!("team message {id}"),
        at: 3_000 + id,
        client_msg_id: None,
    }
}

fn invitation(id: u64, session: u64) -> Invitation {
    Invitation {
        id: InvitationId(id),
        session_id: SessionId(session),
        inviter: RepId::new("alice"),
        target: InviteTarget::Team {
            team: TeamId::new("billing"),
        },
        queue: QueueRef::Team {
            team: TeamId::new("billing"),
        },
        created_at: 4_000 + id,
        declined_by: BTreeSet::new(),
    }
}

fn put_invitation(invitation: &Invitation) -> StoreOp {
    StoreOp::PutInvitation(invitation.clone())
}

fn key(key: &str, expires_at: u64) -> SessionKey {
    SessionKey {
        key: key.to_owned(),
        rep: RepId::new("alice"),
        expires_at,
    }
}

fn put_key(key: &SessionKey) -> StoreOp {
    StoreOp::PutKey(key.clone())
}
