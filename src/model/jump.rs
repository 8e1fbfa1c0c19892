//! Jump Clients as the rep sees them, pure: the list from `jump_clients` kept current by
//! `jump_client_updated` events (an upsert; an unpinned one leaves the list), each one's
//! status (online, offline, lost, pending, failed) and why Jump is greyed, filtering by a
//! search (name, host, OS), sorting by a column as the queues do, and grouping into the
//! rep's personal list and each team's; the four Jump Client requests on their way and
//! their answers (pinning itself is [`super::jump_pin`]). The app sends what
//! [`Model::jump_list_wanted`] says; no egui, no IO, the clock is an argument.

use super::{Change, InFlight, Model};
use crate::text::jump as words;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use switchboard_protocol::{
    ErrorCode, JumpClientId, JumpClientInfo, JumpClientState, OkResult, QueueRef, RepRequest,
    RequestId, SessionId, TeamId, UnixMillis,
};

/// A column of the Jump Clients table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JumpColumn {
    #[default]
    Name,
    Host,
    Os,
    Status,
    LastSeen,
}

impl JumpColumn {
    /// Every column, in display order.
    pub const ALL: [JumpColumn; 5] = [
        JumpColumn::Name,
        JumpColumn::Host,
        JumpColumn::Os,
        JumpColumn::Status,
        JumpColumn::LastSeen,
    ];

    pub fn label(self) -> &'static str {
        match self {
            JumpColumn::Name => words::COLUMN_NAME,
            JumpColumn::Host => words::COLUMN_HOST,
            JumpColumn::Os => words::COLUMN_OS,
            JumpColumn::Status => words::COLUMN_STATUS,
            JumpColumn::LastSeen => words::COLUMN_LAST_SEEN,
        }
    }
}

/// How the Jump Clients are sorted: remembered with the preferences, as the queues' sort is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JumpSort {
    pub column: JumpColumn,
    pub descending: bool,
}

impl JumpSort {
    /// Sorts by `column`; the same column again reverses.
    pub fn sort_by(&mut self, column: JumpColumn) {
        if self.column == column {
            self.descending = !self.descending;
        } else {
            self.column = column;
            self.descending = false;
        }
    }
}

/// Where a Jump Client stands, as the list shows it; sorted in this order (online first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JumpStatus {
    Online,
    Offline,
    Lost,
    Pending,
    Failed,
}

impl JumpStatus {
    pub fn text(self) -> &'static str {
        match self {
            JumpStatus::Online => words::ONLINE,
            JumpStatus::Offline => words::OFFLINE,
            JumpStatus::Lost => words::LOST,
            JumpStatus::Pending => words::PENDING,
            JumpStatus::Failed => words::FAILED,
        }
    }
}

/// A Jump Client's status. An installed one is online while connected; offline longer
/// than the server's `lost_days`, it is lost (the server says so, its clock decides).
pub fn status(client: &JumpClientInfo) -> JumpStatus {
    match client.state {
        JumpClientState::Pending => JumpStatus::Pending,
        JumpClientState::Failed => JumpStatus::Failed,
        JumpClientState::Installed | JumpClientState::Unpinned if client.online => {
            JumpStatus::Online
        }
        _ if client.lost => JumpStatus::Lost,
        _ => JumpStatus::Offline,
    }
}

/// Why Jump is greyed for this client (`None`: the rep may jump now). `may_jump`: the
/// rep's `permissions.jump_client`.
pub fn jump_unavailable(
    client: &JumpClientInfo,
    may_jump: bool,
    now: UnixMillis,
) -> Option<String> {
    if !may_jump {
        return Some(words::NO_PERMISSION.to_owned());
    }
    let seen = || words::last_seen(false, client.last_seen, now);
    match status(client) {
        JumpStatus::Online => None,
        JumpStatus::Offline => Some(words::offline_since(&seen())),
        JumpStatus::Lost => Some(words::lost_since(&seen())),
        JumpStatus::Pending => Some(words::NOT_INSTALLED_YET.to_owned()),
        JumpStatus::Failed => Some(words::install_failed(&client.detail)),
    }
}

/// Whether a client matches a lower-case search: its name, host or OS.
pub fn matches(client: &JumpClientInfo, needle: &str) -> bool {
    [&client.name, &client.host, &client.os]
        .iter()
        .any(|hay| hay.to_lowercase().contains(needle))
}

/// Compares two clients by one column, ascending; ties by name, then id.
pub fn compare(a: &JumpClientInfo, b: &JumpClientInfo, column: JumpColumn) -> Ordering {
    let by_name = || {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.jump_client_id.cmp(&b.jump_client_id))
    };
    let order = match column {
        JumpColumn::Name => Ordering::Equal,
        JumpColumn::Host => a.host.to_lowercase().cmp(&b.host.to_lowercase()),
        JumpColumn::Os => a.os.to_lowercase().cmp(&b.os.to_lowercase()),
        JumpColumn::Status => status(a).cmp(&status(b)),
        // Ascending = the most recently seen first (online ones before all).
        JumpColumn::LastSeen => b.online.cmp(&a.online).then(b.last_seen.cmp(&a.last_seen)),
    };
    order.then_with(by_name)
}

/// Indices of the clients matching `filter` (case-insensitive), sorted by `column`.
pub fn sorted_rows(
    clients: &[JumpClientInfo],
    column: JumpColumn,
    descending: bool,
    filter: &str,
) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..clients.len())
        .filter(|i| needle.is_empty() || matches(&clients[*i], &needle))
        .collect();
    rows.sort_by(|a, b| {
        let order = compare(&clients[*a], &clients[*b], column);
        if descending { order.reverse() } else { order }
    });
    rows
}

/// One section of the window: a personal list or a team's, with its rows in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpGroup {
    pub owner: QueueRef,
    pub rows: Vec<usize>,
}

/// The sorted rows split by owner: the rep's personal list first, then their teams in
/// `teams` order, then any other owner (in order of first appearance). Empty groups are
/// left out; the order within a group is the sort's.
pub fn grouped(clients: &[JumpClientInfo], rows: &[usize], teams: &[TeamId]) -> Vec<JumpGroup> {
    let mut groups: Vec<JumpGroup> = Vec::new();
    for &row in rows {
        let owner = &clients[row].owner;
        match groups.iter_mut().find(|g| &g.owner == owner) {
            Some(group) => group.rows.push(row),
            None => groups.push(JumpGroup {
                owner: owner.clone(),
                rows: vec![row],
            }),
        }
    }
    let rank = |owner: &QueueRef| match owner {
        QueueRef::Personal { .. } => 0,
        QueueRef::Team { team } => 1 + teams.iter().position(|t| t == team).unwrap_or(teams.len()),
        QueueRef::General => usize::MAX,
    };
    // Stable: owners of the same rank keep their order of first appearance.
    groups.sort_by_key(|g| rank(&g.owner));
    groups
}

/// The window's rows in display order, cached and rebuilt only when the list, the sort or
/// the search changes (not every frame).
#[derive(Debug, Default, Clone)]
pub struct JumpView {
    key: Option<(u64, JumpColumn, bool, String)>,
    groups: Vec<JumpGroup>,
    /// How many times the order was rebuilt (tests).
    pub rebuilds: u64,
}

impl JumpView {
    /// The groups of `list`'s clients, sorted and filtered.
    pub fn groups(
        &mut self,
        list: &JumpList,
        teams: &[TeamId],
        sort: JumpSort,
        filter: &str,
    ) -> &[JumpGroup] {
        let JumpSort { column, descending } = sort;
        let key = (list.generation, column, descending, filter.to_owned());
        if self.key.as_ref() != Some(&key) {
            let clients = list.clients.as_deref().unwrap_or_default();
            let rows = sorted_rows(clients, column, descending, filter);
            self.groups = grouped(clients, &rows, teams);
            self.key = Some(key);
            self.rebuilds += 1;
        }
        &self.groups
    }
}

/// The Jump Clients list and its window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JumpList {
    /// The window is open.
    pub open: bool,
    /// The clients, as the server last listed them and events since (`None` until the
    /// first list arrives).
    pub clients: Option<Vec<JumpClientInfo>>,
    /// Bumped on every change, so the sorted view knows when to rebuild.
    pub generation: u64,
    /// A `list_jump_clients` is on its way.
    pub loading: bool,
    /// Something may have been missed since the list came (a reconnect, a refusal): ask
    /// again while the window is open.
    pub stale: bool,
    /// The client whose `jump` is on its way.
    pub jumping: Option<JumpClientId>,
    /// Clients whose `unpin_jump_client` is on its way.
    pub unpinning: Vec<JumpClientId>,
    /// Why the rep's last jump, unpin or listing was refused.
    pub error: Option<String>,
}

impl JumpList {
    /// One client changed: replaced, or added; an unpinned one leaves the list. Before the
    /// first list arrives there is nothing to update (the list brings it).
    pub fn upsert(&mut self, client: JumpClientInfo) {
        let Some(clients) = &mut self.clients else {
            return;
        };
        let id = client.jump_client_id;
        if client.state == JumpClientState::Unpinned {
            clients.retain(|c| c.jump_client_id != id);
            self.unpinning.retain(|u| *u != id);
        } else {
            match clients.iter_mut().find(|c| c.jump_client_id == id) {
                Some(existing) => *existing = client,
                None => clients.push(client),
            }
        }
        self.generation += 1;
    }

    /// A whole list from the server (unpinned ones are never shown).
    pub fn replace(&mut self, mut clients: Vec<JumpClientInfo>) {
        clients.retain(|c| c.state != JumpClientState::Unpinned);
        self.clients = Some(clients);
        self.loading = false;
        self.generation += 1;
    }

    pub fn get(&self, id: JumpClientId) -> Option<&JumpClientInfo> {
        self.clients
            .as_ref()?
            .iter()
            .find(|c| c.jump_client_id == id)
    }
}

/// A Jump Client request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JumpCall {
    List,
    Pin(SessionId),
    Jump(JumpClientId),
    Unpin(JumpClientId),
}

impl JumpCall {
    /// The call a request is, if it is one of these.
    pub(super) fn of(request: &RepRequest) -> Option<JumpCall> {
        match request {
            RepRequest::ListJumpClients => Some(JumpCall::List),
            RepRequest::PinJumpClient { session_id, .. } => Some(JumpCall::Pin(*session_id)),
            RepRequest::Jump { jump_client_id } => Some(JumpCall::Jump(*jump_client_id)),
            RepRequest::UnpinJumpClient { jump_client_id } => {
                Some(JumpCall::Unpin(*jump_client_id))
            }
            _ => None,
        }
    }
}

impl Model {
    /// Opens the Jump Clients window: its list is asked for at once.
    pub fn open_jump_clients(&mut self) {
        self.jump.open = true;
        self.jump.stale = true;
        self.jump.error = None;
    }

    pub fn close_jump_clients(&mut self) {
        self.jump.open = false;
    }

    /// Whether to send `list_jump_clients` now (the window is open, its list out of date,
    /// none on its way).
    pub fn jump_list_wanted(&self) -> bool {
        self.jump.open && self.jump.stale && !self.jump.loading
    }

    /// The rep may pin, jump and unpin (`permissions.jump_client`).
    pub fn may_use_jump_clients(&self) -> bool {
        self.permissions.as_ref().is_some_and(|p| p.jump_client)
    }

    /// The rep's teams, in the snapshot's order: the window's sections and the Pin
    /// dialog's choices after "Me".
    pub fn my_teams(&self) -> Vec<TeamId> {
        self.me.iter().flat_map(|me| me.teams.clone()).collect()
    }

    /// A section's title: "Personal" for the rep's own list, a team's name, or another
    /// rep's personal list by their name.
    pub fn jump_owner_name(&self, owner: &QueueRef) -> String {
        match owner {
            QueueRef::Personal { rep } if Some(rep) != self.me_id() => {
                crate::text::actions::personal_queue(&self.rep_name(rep))
            }
            QueueRef::Personal { .. } => words::PERSONAL.to_owned(),
            other => crate::text::display::queue(other, &self.teams),
        }
    }

    /// Notes a Jump Client request the app is sending.
    pub(super) fn jump_requested(&mut self, call: JumpCall) -> InFlight {
        let list = &mut self.jump;
        match call {
            JumpCall::List => {
                list.loading = true;
                list.stale = false;
            }
            JumpCall::Pin(session_id) => {
                if let Some(pin) = self.pin.as_mut().filter(|p| p.session_id == session_id) {
                    pin.sending = true;
                    pin.error = None;
                }
            }
            JumpCall::Jump(id) => {
                list.jumping = Some(id);
                list.error = None;
            }
            JumpCall::Unpin(id) => {
                list.unpinning.push(id);
                list.error = None;
            }
        }
        InFlight::Jump(call)
    }

    /// Its answer. A jump's session comes forward: at once if its tab is open already,
    /// else when `session_joined` arrives (as a tab the rep asked for).
    pub(super) fn jump_answered(
        &mut self,
        id: RequestId,
        call: JumpCall,
        result: Option<OkResult>,
        changes: &mut Vec<Change>,
    ) {
        match (call, result) {
            (JumpCall::List, Some(OkResult::JumpClients { jump_clients })) => {
                self.jump.replace(jump_clients);
            }
            (JumpCall::List, _) => self.jump.loading = false,
            (JumpCall::Pin(session_id), result) => {
                if let Some(pin) = self.pin.as_mut().filter(|p| p.session_id == session_id) {
                    pin.sending = false;
                    if let Some(OkResult::JumpClient { jump_client_id }) = result {
                        pin.pinned = Some(jump_client_id);
                    }
                }
                self.jump.stale = true;
            }
            (JumpCall::Jump(_), result) => {
                self.jump.jumping = None;
                if let Some(OkResult::JumpSession { session_id }) = result {
                    // The rep is where they jumped to; the list is not in the way.
                    self.jump.open = false;
                    if self.tabs.contains(&session_id) {
                        changes.push(Change::Joined {
                            session_id,
                            asked: true,
                        });
                    } else {
                        self.asked_to_join.insert(id, session_id);
                    }
                }
            }
            (JumpCall::Unpin(client), _) => {
                self.jump.unpinning.retain(|u| *u != client);
                if let Some(clients) = &mut self.jump.clients {
                    clients.retain(|c| c.jump_client_id != client);
                    self.jump.generation += 1;
                }
            }
        }
    }

    /// It was refused (`code` and the server's `message`) or could not be sent (`code`
    /// `None`): said in the window or the dialog, or as a notice when neither is open.
    pub(super) fn jump_failed(&mut self, call: JumpCall, code: Option<ErrorCode>, message: &str) {
        let name = |id| {
            self.jump
                .get(id)
                .map_or_else(|| "the Jump Client".to_owned(), |c| format!("“{}”", c.name))
        };
        let what = match call {
            JumpCall::List => "list the Jump Clients".to_owned(),
            JumpCall::Pin(_) => "pin the Jump Client".to_owned(),
            JumpCall::Jump(id) => format!("jump to {}", name(id)),
            JumpCall::Unpin(id) => format!("unpin {}", name(id)),
        };
        let text = match code {
            Some(code) => words::refusal(&what, code, message),
            None => crate::text::notices::could_not(&what, message),
        };
        match call {
            JumpCall::Pin(session_id) => {
                match self.pin.as_mut().filter(|p| p.session_id == session_id) {
                    Some(pin) => {
                        pin.sending = false;
                        pin.error = Some(text);
                    }
                    None => self.notice(text, code),
                }
                return;
            }
            JumpCall::List => self.jump.loading = false,
            JumpCall::Jump(_) => self.jump.jumping = None,
            JumpCall::Unpin(id) => self.jump.unpinning.retain(|u| *u != id),
        }
        // A client that is gone or changed: the list is asked for again.
        if code == Some(ErrorCode::NotFound) || code == Some(ErrorCode::RemoteUnavailable) {
            self.jump.stale = true;
        }
        if self.jump.open {
            self.jump.error = Some(text);
        } else {
            self.notice(text, code);
        }
    }
}
