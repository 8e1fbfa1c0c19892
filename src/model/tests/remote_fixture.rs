//! One remote-support session for the Screen and Shell toolbar tests: Alice owns it, Bob takes
//! part, the customer's side and the grants as each test says.

use switchboard_protocol::{
    CustomerInfo, EntryPath, GrantInfo, RemoteInfo, RepId, ScreenSource, SessionId, SessionInfo,
    SessionKind,
};

pub const NOW: u64 = 1_767_261_600_000;

pub fn alice() -> RepId {
    RepId::new("alice")
}

pub fn bob() -> RepId {
    RepId::new("bob")
}

/// Session 14 of Sam Lee, owned by Alice with Bob in it, started ten minutes before [`NOW`].
pub fn session(source: ScreenSource, grants: Vec<GrantInfo>) -> SessionInfo {
    SessionInfo {
        session_id: SessionId(14),
        customer: CustomerInfo {
            name: "Sam Lee".into(),
            company: None,
            question: None,
            contact: None,
        },
        customer_connected: true,
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::SessionKey,
        started_at: NOW - 600_000,
        owner: Some(alice()),
        participants: vec![alice(), bob()],
        waiting_in: None,
        important: false,
        disposition: None,
        history: Vec::new(),
        invitations: Vec::new(),
        ended: false,
        assistance: false,
        has_history: false,
        remote: RemoteInfo {
            source,
            grants,
            platform: Default::default(),
            jump: None,
            elevation: None,
        },
        monitors: Default::default(),
    }
}
