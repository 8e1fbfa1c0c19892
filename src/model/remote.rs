//! Remote support as the rep sees it, pure: what the session's Screen toolbar offers, why an
//! item is greyed, how the rep's last request went, and whether the console should hold a
//! media stream. Derived from `SessionInfo.remote`, the rep's `Permissions.screen` and the
//! clock (an argument); no egui, no IO. Only screen grants count here: the shell has its
//! own entry ([`super::shell`]).

use super::{InFlight, Model};
use crate::text::remote as words;
use switchboard_protocol::{
    Capability, GrantEnd, GrantId, GrantInfo, GrantState, MediaChannel, RepId, ScreenPermission,
    ScreenSource, SessionId, SessionInfo, UnixMillis,
};

/// One item of the Screen menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The rep may ask for it now.
    Open,
    /// The rep has it (granted).
    Active,
    /// Not possible now; the sentence says why.
    Greyed(String),
}

impl Item {
    pub fn is_open(&self) -> bool {
        *self == Item::Open
    }

    /// Why it is greyed, if it is.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Item::Greyed(reason) => Some(reason),
            _ => None,
        }
    }
}

/// What the session's Screen toolbar shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenToolbar {
    pub view: Item,
    pub control: Item,
    /// The rep's live screen grants (prompting or granted): what Stop ends (never the
    /// shell).
    pub stoppable: Vec<GrantId>,
    /// The line beside the menu: the rep's request waiting, who controls, or how the rep's
    /// last request ended.
    pub note: Option<String>,
    /// The rep sees the screen now (a granted view or control).
    pub viewing: bool,
    /// The rep controls the screen now.
    pub controlling: bool,
    /// Another rep who controls the screen now (every rep in the session sees who).
    pub controller: Option<String>,
}

impl ScreenToolbar {
    /// Whether the whole menu is greyed (neither item can be asked for, nothing to stop).
    pub fn all_greyed(&self) -> bool {
        self.view.reason().is_some() && self.control.reason().is_some() && self.stoppable.is_empty()
    }

    /// The words for who sees the screen, for the Screen view's status line.
    pub fn who(&self) -> String {
        match (&self.controller, self.controlling) {
            (_, true) => words::CONTROLLING.to_owned(),
            (Some(rep), false) => format!("{} · {}", words::VIEWING, words::controls(rep)),
            (None, false) => words::VIEWING.to_owned(),
        }
    }
}

/// The Screen toolbar of `info` for `me` with `permission`, at `now`.
pub fn screen_toolbar(
    info: &SessionInfo,
    me: &RepId,
    permission: ScreenPermission,
    now: UnixMillis,
) -> ScreenToolbar {
    let remote = &info.remote;
    let owner = info.owner.as_ref() == Some(me);
    let common = common_reason(info, permission);
    let own_view = remote.grant_of(me, Capability::ScreenView);
    let own_control = remote.grant_of(me, Capability::ScreenControl);
    let viewing = remote.is_viewing(me);
    let controlling = own_control.is_some_and(|g| g.state == GrantState::Granted);

    let view = if viewing {
        Item::Active
    } else if let Some(grant) = own_view.or(own_control) {
        Item::Greyed(waiting(grant, now))
    } else if let Some(reason) = &common {
        Item::Greyed(reason.clone())
    } else {
        Item::Open
    };

    let other_control = remote
        .grants
        .iter()
        .find(|g| &g.rep != me && g.capability == Capability::ScreenControl && g.state.is_live());
    let control = if controlling {
        Item::Active
    } else if let Some(grant) = own_control {
        Item::Greyed(waiting(grant, now))
    } else if let Some(reason) = &common {
        Item::Greyed(reason.clone())
    } else if permission != ScreenPermission::Control {
        Item::Greyed(words::VIEW_ONLY_PERMISSION.to_owned())
    } else if remote.source == ScreenSource::Tab {
        Item::Greyed(words::TAB_VIEW_ONLY.to_owned())
    } else if let Some(other) = other_control.filter(|_| !owner) {
        Item::Greyed(if other.state == GrantState::Granted {
            words::controlling(&other.rep_name)
        } else {
            words::asking_to_control(&other.rep_name)
        })
    } else {
        Item::Open
    };

    let controller = remote
        .controller()
        .filter(|g| &g.rep != me)
        .map(|g| g.rep_name.clone());
    let mine = |g: &&GrantInfo| &g.rep == me && g.capability.is_screen();
    let stoppable: Vec<GrantId> = remote
        .grants
        .iter()
        .filter(mine)
        .filter(|g| g.state.is_live())
        .map(|g| g.grant_id)
        .collect();
    let prompting = remote
        .grants
        .iter()
        .filter(mine)
        .find(|g| g.state == GrantState::Prompting);
    let note = if let Some(grant) = prompting {
        Some(waiting(grant, now))
    } else if let Some(rep) = &controller {
        Some(words::controlling(rep))
    } else if stoppable.is_empty() {
        last_outcome(remote.grants.iter().rev().find(mine))
    } else {
        None
    };
    ScreenToolbar {
        view,
        control,
        stoppable,
        note,
        viewing,
        controlling,
        controller,
    }
}

/// Why neither item can be asked for, whatever else holds.
fn common_reason(info: &SessionInfo, permission: ScreenPermission) -> Option<String> {
    let reason = if permission == ScreenPermission::None {
        words::NO_PERMISSION
    } else if info.owner.is_none() && info.waiting_in.is_some() {
        words::SESSION_WAITING
    } else if !info.customer_connected || info.ended {
        words::NOT_CONNECTED
    } else if info.remote.source == ScreenSource::None {
        words::WEB_CHAT
    } else {
        return None;
    };
    Some(reason.to_owned())
}

/// "waiting for the customer… 24 s" for a prompting grant (a granted one has no countdown).
fn waiting(grant: &GrantInfo, now: UnixMillis) -> String {
    let left_ms = grant.deadline.saturating_sub(now);
    words::waiting_for_customer(left_ms.div_ceil(1000))
}

/// How the rep's latest request ended, when that is worth telling.
fn last_outcome(grant: Option<&GrantInfo>) -> Option<String> {
    let grant = grant?;
    let text = match (grant.state, grant.ended) {
        (GrantState::Denied, _) => words::DECLINED,
        (GrantState::TimedOut, _) => words::NO_ANSWER,
        (GrantState::Stopped, Some(GrantEnd::CustomerStopped)) => words::CUSTOMER_STOPPED,
        _ => return None,
    };
    Some(text.to_owned())
}

/// Whether this rep should hold a screen stream for the session: one of their screen grants
/// is granted.
pub fn wants_media(info: &SessionInfo, me: &RepId) -> bool {
    !info.ended && info.remote.is_viewing(me)
}

impl Model {
    /// The session's Screen toolbar for this rep at `now` (`None` before the snapshot).
    pub fn screen_toolbar(&self, session: &SessionInfo, now: UnixMillis) -> Option<ScreenToolbar> {
        let me = self.me_id()?;
        let permission = self
            .permissions
            .as_ref()
            .map(|p| p.screen)
            .unwrap_or_default();
        Some(screen_toolbar(session, me, permission, now))
    }

    /// Sessions whose screen this rep may see now (a stream should be open).
    pub fn screens_wanted(&self) -> Vec<SessionId> {
        let Some(me) = self.me_id() else {
            return Vec::new();
        };
        self.sessions
            .values()
            .filter(|s| wants_media(&s.info, me))
            .map(|s| s.info.session_id)
            .collect()
    }

    /// Whether an `open_media` for the session's `channel` is on its way.
    pub fn media_asked(&self, session_id: SessionId, channel: MediaChannel) -> bool {
        self.in_flight.values().any(|f| {
            *f == InFlight::Media {
                session_id,
                channel,
            }
        })
    }
}

#[cfg(test)]
#[path = "tests/remote.rs"]
mod tests;
