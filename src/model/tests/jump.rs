//! Jump Clients in the model: the list from `jump_clients` and `jump_client_updated`
//! (upsert, unpinned leaves), statuses and why Jump is greyed, search, sort and sections,
//! a jump's session brought forward, unpin, pinning and its refusals.

use super::*;
use crate::model::Change;
use crate::model::jump::{
    JumpColumn, JumpSort, JumpStatus, JumpView, grouped, jump_unavailable, sorted_rows, status,
};
use crate::model::jump_pin::{name_problem, pin_request, pin_unavailable};
use crate::text::jump as words;
use switchboard_protocol::{
    ErrorCode, JumpClientId, JumpClientInfo, JumpClientState, RemoteInfo, ScreenSource,
};

const DAY_MS: u64 = 86_400_000;

fn client(id: u64, name: &str, host: &str, os: &str, owner: QueueRef) -> JumpClientInfo {
    JumpClientInfo {
        jump_client_id: JumpClientId(id),
        name: name.to_owned(),
        host: host.to_owned(),
        os: os.to_owned(),
        owner,
        created_by: rep(ME),
        created_by_name: "Alice Martin".to_owned(),
        created_at: T0,
        state: JumpClientState::Installed,
        online: true,
        last_seen: T0,
        lost: false,
        detail: String::new(),
    }
}

fn offline(mut c: JumpClientInfo, last_seen: UnixMillis) -> JumpClientInfo {
    c.online = false;
    c.last_seen = last_seen;
    c
}

/// Three clients: an online personal one, an offline Billing one, a lost personal one.
fn three() -> Vec<JumpClientInfo> {
    vec![
        client(1, "Build box", "build-01", "Debian 12", personal()),
        offline(
            client(2, "Accounts PC", "acc-7", "Ubuntu 24.04", billing()),
            T0 + DAY_MS,
        ),
        JumpClientInfo {
            lost: true,
            ..offline(
                client(3, "old laptop", "lap-3", "Fedora 40", personal()),
                T0 - 40 * DAY_MS,
            )
        },
    ]
}

fn console_with_list(clients: Vec<JumpClientInfo>) -> (Console, RequestId) {
    let mut state = snapshot_state();
    state.permissions.jump_client = true;
    let mut console = Console::with(state);
    console.model.open_jump_clients();
    assert!(console.model.jump_list_wanted());
    let id = console.model.request(&RepRequest::ListJumpClients);
    assert!(!console.model.jump_list_wanted(), "one list at a time");
    console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::JumpClients {
            jump_clients: clients,
        }),
    });
    (console, id)
}

fn names(console: &Console) -> Vec<String> {
    let clients = console.model.jump.clients.as_ref().expect("listed");
    clients.iter().map(|c| c.name.clone()).collect()
}

/// Each client's status: online, offline, lost (the server's flag), pending, failed.
#[test]
fn statuses_follow_state_online_and_lost() {
    let [online, off, lost] = three().try_into().expect("three");
    assert_eq!(status(&online), JumpStatus::Online);
    assert_eq!(status(&off), JumpStatus::Offline);
    assert_eq!(status(&lost), JumpStatus::Lost);
    let pending = JumpClientInfo {
        state: JumpClientState::Pending,
        online: false,
        ..online.clone()
    };
    assert_eq!(status(&pending), JumpStatus::Pending);
    let failed = JumpClientInfo {
        state: JumpClientState::Failed,
        detail: "no systemd and no autostart folder".into(),
        ..pending
    };
    assert_eq!(status(&failed), JumpStatus::Failed);
}

/// Jump is open only for an online client and a permitted rep; otherwise it says why.
#[test]
fn jump_is_greyed_with_its_reason() {
    let now = T0 + 3 * DAY_MS;
    let [online, off, lost] = three().try_into().expect("three");
    assert_eq!(jump_unavailable(&online, true, now), None);
    assert_eq!(
        jump_unavailable(&online, false, now).as_deref(),
        Some(words::NO_PERMISSION)
    );
    assert_eq!(
        jump_unavailable(&off, true, now),
        Some(words::offline_since("2 days ago"))
    );
    assert_eq!(
        jump_unavailable(&lost, true, now),
        Some(words::lost_since("43 days ago"))
    );
    let pending = JumpClientInfo {
        state: JumpClientState::Pending,
        online: false,
        ..online.clone()
    };
    assert_eq!(
        jump_unavailable(&pending, true, now).as_deref(),
        Some(words::NOT_INSTALLED_YET)
    );
    let failed = JumpClientInfo {
        state: JumpClientState::Failed,
        detail: "disk full".into(),
        ..pending
    };
    assert_eq!(
        jump_unavailable(&failed, true, now).as_deref(),
        Some("The Jump Client could not be installed: disk full")
    );
}

/// "Last seen" reads relative to the clock passed in.
#[test]
fn last_seen_is_relative() {
    assert_eq!(words::last_seen(true, T0, T0 + DAY_MS), "now");
    assert_eq!(words::last_seen(false, T0, T0 + 5_000), "just now");
    assert_eq!(words::last_seen(false, T0, T0 + 5 * 60_000), "5 min ago");
    assert_eq!(words::last_seen(false, T0, T0 + 3 * 3_600_000), "3 h ago");
    assert_eq!(words::last_seen(false, T0, T0 + DAY_MS), "1 day ago");
    assert_eq!(words::last_seen(false, T0, T0 + 30 * DAY_MS), "30 days ago");
    assert_eq!(
        words::last_seen(false, T0 + 10, T0),
        "just now",
        "a clock behind"
    );
}

/// The search matches name, host and OS, case-insensitively; nothing else.
#[test]
fn search_matches_name_host_and_os() {
    let clients = three();
    let found = |q: &str| sorted_rows(&clients, JumpColumn::Name, false, q);
    assert_eq!(found("BUILD"), [1 - 1]);
    assert_eq!(found("acc-7"), [1]);
    assert_eq!(found("fedora"), [2]);
    assert_eq!(found("  ubuntu "), [1], "spaces around are trimmed");
    assert!(found("Alice").is_empty(), "the creator is not searched");
    assert_eq!(found("").len(), 3);
}

/// Every column sorts both ways; ties fall back to the name.
#[test]
fn sort_by_each_column() {
    let clients = three();
    let order = |column, descending| -> Vec<u64> {
        sorted_rows(&clients, column, descending, "")
            .into_iter()
            .map(|i| clients[i].jump_client_id.0)
            .collect()
    };
    // Names case-insensitively: Accounts PC, Build box, old laptop.
    assert_eq!(order(JumpColumn::Name, false), [2, 1, 3]);
    assert_eq!(order(JumpColumn::Name, true), [3, 1, 2]);
    assert_eq!(order(JumpColumn::Host, false), [2, 1, 3]);
    assert_eq!(order(JumpColumn::Os, false), [1, 3, 2]);
    // Online, offline, lost.
    assert_eq!(order(JumpColumn::Status, false), [1, 2, 3]);
    assert_eq!(order(JumpColumn::Status, true), [3, 2, 1]);
    // Online first, then the most recently seen.
    assert_eq!(order(JumpColumn::LastSeen, false), [1, 2, 3]);
    assert_eq!(order(JumpColumn::LastSeen, true), [3, 2, 1]);
}

/// Sections: personal first, then the teams in the rep's order; each keeps the sort.
#[test]
fn grouped_personal_first_then_teams() {
    let mut clients = three();
    clients.push(client(
        4,
        "Front desk",
        "fd",
        "Debian 12",
        QueueRef::Team {
            team: team("sales"),
        },
    ));
    let rows = sorted_rows(&clients, JumpColumn::Name, false, "");
    let groups = grouped(&clients, &rows, &[team("sales"), team("billing")]);
    let owners: Vec<&QueueRef> = groups.iter().map(|g| &g.owner).collect();
    let sales = QueueRef::Team {
        team: team("sales"),
    };
    assert_eq!(owners, [&personal(), &sales, &billing()]);
    assert_eq!(groups[0].rows, [0, 2], "Build box, old laptop");
}

fn by(column: JumpColumn) -> JumpSort {
    JumpSort {
        column,
        descending: false,
    }
}

/// The same header again reverses; another sorts ascending by it.
#[test]
fn a_header_sorts_then_reverses() {
    let mut sort = JumpSort::default();
    assert_eq!(sort, by(JumpColumn::Name));
    sort.sort_by(JumpColumn::Name);
    assert!(sort.descending);
    sort.sort_by(JumpColumn::Status);
    assert_eq!(sort, by(JumpColumn::Status));
}

/// The sorted view is rebuilt when the list, the sort or the search changes, not per frame.
#[test]
fn the_view_rebuilds_only_on_change() {
    let (mut console, _) = console_with_list(three());
    let teams = [team("billing")];
    let mut view = JumpView::default();
    view.groups(&console.model.jump, &teams, by(JumpColumn::Name), "");
    view.groups(&console.model.jump, &teams, by(JumpColumn::Name), "");
    assert_eq!(view.rebuilds, 1);
    view.groups(&console.model.jump, &teams, by(JumpColumn::Host), "");
    view.groups(&console.model.jump, &teams, by(JumpColumn::Host), "build");
    assert_eq!(view.rebuilds, 3);
    console.event(RepEvent::JumpClientUpdated {
        jump_client: offline(three().remove(0), T0),
    });
    let groups = view.groups(&console.model.jump, &teams, by(JumpColumn::Host), "build");
    assert_eq!(groups.len(), 1);
    assert_eq!(view.rebuilds, 4);
}

/// Events upsert: a change replaces, a new one is added, an unpinned one leaves.
#[test]
fn updates_upsert_and_unpinned_removes() {
    let (mut console, _) = console_with_list(three());
    console.event(RepEvent::JumpClientUpdated {
        jump_client: offline(three().remove(0), T0 + 5),
    });
    let first = console.model.jump.get(JumpClientId(1)).expect("kept");
    assert!(!first.online);
    assert_eq!(names(&console).len(), 3);
    console.event(RepEvent::JumpClientUpdated {
        jump_client: JumpClientInfo {
            state: JumpClientState::Pending,
            online: false,
            ..client(9, "New one", "n", "Debian 12", personal())
        },
    });
    assert_eq!(names(&console).len(), 4);
    console.event(RepEvent::JumpClientUpdated {
        jump_client: JumpClientInfo {
            state: JumpClientState::Unpinned,
            ..three().remove(1)
        },
    });
    assert_eq!(names(&console), ["Build box", "old laptop", "New one"]);
}

/// Before the first list nothing is kept from events (the list brings everything); a list
/// never shows unpinned ones.
#[test]
fn events_before_the_list_wait_for_it() {
    let mut console = Console::new();
    console.event(RepEvent::JumpClientUpdated {
        jump_client: three().remove(0),
    });
    assert_eq!(console.model.jump.clients, None);
    let mut clients = three();
    clients[2].state = JumpClientState::Unpinned;
    let (console, _) = console_with_list(clients);
    assert_eq!(names(&console), ["Build box", "Accounts PC"]);
}

/// A new snapshot (a reconnect) makes the open window list again.
#[test]
fn a_snapshot_lists_again() {
    let (mut console, _) = console_with_list(three());
    assert!(!console.model.jump_list_wanted());
    let mut state = snapshot_state();
    state.permissions.jump_client = true;
    console.model.apply(snapshot(SNAPSHOT_SEQ + 5, state));
    assert!(console.model.jump_list_wanted());
    console.model.close_jump_clients();
    assert!(!console.model.jump_list_wanted(), "not while closed");
}

/// Jump: the session it started comes forward, whether its tab opened before or after the
/// answer.
#[test]
fn a_jump_brings_its_session_forward() {
    let (mut console, _) = console_with_list(three());
    // The answer first, then the session.
    let id = console.model.request(&RepRequest::Jump {
        jump_client_id: JumpClientId(1),
    });
    assert_eq!(console.model.jump.jumping, Some(JumpClientId(1)));
    let changes = console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::JumpSession {
            session_id: SessionId(40),
        }),
    });
    assert!(changes.is_empty());
    assert_eq!(console.model.jump.jumping, None);
    let changes = console.join(40, "Build box");
    assert_eq!(
        changes,
        [Change::Joined {
            session_id: SessionId(40),
            asked: true
        }]
    );
    // The session first, then the answer.
    let id = console.model.request(&RepRequest::Jump {
        jump_client_id: JumpClientId(1),
    });
    let changes = console.join(41, "Build box");
    assert_eq!(
        changes,
        [Change::Joined {
            session_id: SessionId(41),
            asked: false
        }]
    );
    let changes = console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::JumpSession {
            session_id: SessionId(41),
        }),
    });
    assert_eq!(
        changes,
        [Change::Joined {
            session_id: SessionId(41),
            asked: true
        }]
    );
}

/// A refused jump says why in plain words in the window, and the list is asked for again.
#[test]
fn a_refused_jump_says_why() {
    let (mut console, _) = console_with_list(three());
    let id = console.model.request(&RepRequest::Jump {
        jump_client_id: JumpClientId(2),
    });
    console.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: ErrorCode::RemoteUnavailable,
        message: "jump client offline".into(),
        retry_after_ms: None,
    });
    assert_eq!(
        console.model.jump.error.as_deref(),
        Some("Could not jump to “Accounts PC”: the Jump Client is offline.")
    );
    assert_eq!(console.model.jump.jumping, None);
    assert!(console.model.jump_list_wanted());
    // With the window closed, the same refusal is a notice.
    console.model.close_jump_clients();
    let id = console.model.request(&RepRequest::Jump {
        jump_client_id: JumpClientId(9),
    });
    console.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: ErrorCode::NotFound,
        message: "no such jump client".into(),
        retry_after_ms: None,
    });
    let notice = console.model.notices.back().expect("a notice");
    assert!(
        notice
            .text
            .starts_with("Could not jump to the Jump Client: it was unpinned"),
        "{}",
        notice.text
    );
}

/// Unpin: marked while on its way, the row goes on `ok`.
#[test]
fn unpin_removes_the_row() {
    let (mut console, _) = console_with_list(three());
    let id = console.model.request(&RepRequest::UnpinJumpClient {
        jump_client_id: JumpClientId(3),
    });
    assert_eq!(console.model.jump.unpinning, [JumpClientId(3)]);
    console
        .model
        .apply(RepServerMessage::Ok { id, result: None });
    assert!(console.model.jump.unpinning.is_empty());
    assert_eq!(names(&console), ["Build box", "Accounts PC"]);
}

fn native_session(source: ScreenSource) -> SessionInfo {
    SessionInfo {
        remote: RemoteInfo {
            source,
            ..RemoteInfo::default()
        },
        ..session_info(7, "Sam Lee")
    }
}

/// "Pin Jump Client…" is open for the permitted owner of a connected customer client;
/// otherwise it says why, the permission first.
#[test]
fn pin_is_greyed_with_its_reason() {
    let mut allowed = snapshot_state().permissions;
    allowed.jump_client = true;
    let denied = snapshot_state().permissions;
    let desktop = native_session(ScreenSource::Desktop);
    assert_eq!(pin_unavailable(&desktop, Some(&allowed), true), None);
    assert_eq!(
        pin_unavailable(&desktop, Some(&denied), true),
        Some(words::PIN_NO_PERMISSION)
    );
    assert_eq!(
        pin_unavailable(&desktop, Some(&allowed), false),
        Some(words::PIN_NOT_OWNER)
    );
    assert_eq!(
        pin_unavailable(&native_session(ScreenSource::None), Some(&allowed), true),
        Some(words::PIN_WEB_CHAT)
    );
    let gone = SessionInfo {
        customer_connected: false,
        ..desktop.clone()
    };
    assert_eq!(
        pin_unavailable(&gone, Some(&allowed), true),
        Some(words::PIN_NOT_CONNECTED)
    );
    let waiting = SessionInfo {
        owner: None,
        waiting_in: Some(billing()),
        ..desktop
    };
    assert_eq!(
        pin_unavailable(&waiting, Some(&allowed), false),
        Some(words::PIN_WAITING)
    );
}

/// The name is optional, at most 100 characters, one line; the request carries the team.
#[test]
fn pin_name_checks_and_request() {
    assert_eq!(name_problem(""), None, "empty: the server's default name");
    assert_eq!(
        name_problem(&"x".repeat(101)),
        Some(words::name_too_long(100))
    );
    assert_eq!(name_problem("a\nb").as_deref(), Some(words::NAME_ONE_LINE));
    assert_eq!(
        pin_request(SessionId(7), "  Sam's PC ", Some(team("billing"))),
        Ok(RepRequest::PinJumpClient {
            session_id: SessionId(7),
            team: Some(team("billing")),
            name: "Sam's PC".into(),
        })
    );
}

/// The pin dialog shows the pin going, then done or refused in plain words.
#[test]
fn pin_dialog_follows_its_request() {
    let mut state = snapshot_state();
    state.permissions.jump_client = true;
    let mut console = Console::with(state);
    console.join(7, "Sam Lee");
    console.model.open_pin(SessionId(7));
    let request = pin_request(SessionId(7), "", None).expect("fine");
    let id = console.model.request(&request);
    assert!(console.model.pin.as_ref().expect("open").sending);
    console.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: ErrorCode::LimitReached,
        message: "limit".into(),
        retry_after_ms: None,
    });
    let pin = console.model.pin.as_ref().expect("open");
    assert!(!pin.sending);
    assert_eq!(
        pin.error.as_deref(),
        Some(
            "Could not pin the Jump Client: this computer already carries as many Jump \
             Clients as it may. Unpin one first."
        )
    );
    let id = console.model.request(&request);
    console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::JumpClient {
            jump_client_id: JumpClientId(5),
        }),
    });
    assert_eq!(
        console.model.pin.as_ref().expect("open").pinned,
        Some(JumpClientId(5))
    );
    // The session ends: the dialog goes with it.
    console.event(RepEvent::SessionLeft {
        session_id: SessionId(7),
        reason: switchboard_protocol::LeftReason::Ended,
    });
    assert_eq!(console.model.pin, None);
}
