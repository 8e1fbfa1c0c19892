//! Support Buttons as the rep sees them, pure: whether the session's "Support Buttons"
//! entry is open and why not, the checks on a new button's description and target, and
//! the list of a session's buttons while its window is open — asked for when the window
//! opens, after the rep's own deploy or removal, and whenever a server line arrives in the
//! session (the server writes one when a button is deployed, installed, failed or
//! removed). The app sends what [`Model::buttons_to_list`] says; no egui, no IO.

use super::{InFlight, Model};
use crate::text::actions as words;
use crate::text::display;
use crate::text::refusal::refusal_text;
use std::collections::HashMap;
use switchboard_protocol::{
    ButtonId, ButtonInfo, ButtonState, ErrorCode, MAX_BUTTON_DESCRIPTION_CHARS, OkResult,
    Permissions, QueueRef, RepRequest, ScreenSource, SessionId, SessionInfo, TeamId, UnixMillis,
};

/// Why the Support Buttons entry is greyed (`None`: open). A button is written by the
/// customer client, so the customer must be on it and connected.
pub fn buttons_unavailable(
    info: &SessionInfo,
    permissions: Option<&Permissions>,
) -> Option<&'static str> {
    if !permissions.is_some_and(|p| p.support_button) {
        Some(words::BUTTONS_NO_PERMISSION)
    } else if info.owner.is_none() && info.waiting_in.is_some() {
        Some(words::BUTTONS_SESSION_WAITING)
    } else if !info.customer_connected || info.ended {
        Some(words::BUTTONS_NOT_CONNECTED)
    } else if info.remote.source != ScreenSource::Desktop {
        // A [Browser] session's tab is the portal page: web chat too.
        Some(words::BUTTONS_WEB_CHAT)
    } else {
        None
    }
}

/// What is wrong with a description the rep typed (`None`: it can be deployed). The
/// server's own rule: 1 to 100 characters on one line, spaces around trimmed.
pub fn description_problem(description: &str) -> Option<String> {
    let description = description.trim();
    if description.is_empty() {
        Some(words::DESCRIPTION_EMPTY.to_owned())
    } else if description.chars().count() > MAX_BUTTON_DESCRIPTION_CHARS {
        Some(words::description_too_long(MAX_BUTTON_DESCRIPTION_CHARS))
    } else if description.chars().any(char::is_control) {
        Some(words::DESCRIPTION_ONE_LINE.to_owned())
    } else {
        None
    }
}

/// The request that deploys a button with `description` for `team` (`None`: the rep's own
/// queue), or why it cannot be sent.
pub fn deploy_request(
    session_id: SessionId,
    description: &str,
    team: Option<TeamId>,
) -> Result<RepRequest, String> {
    match description_problem(description) {
        Some(problem) => Err(problem),
        None => Ok(RepRequest::DeployButton {
            session_id,
            description: description.trim().to_owned(),
            team,
        }),
    }
}

/// Whether a button still starts sessions: not removed and not expired at `now`.
pub fn is_live(button: &ButtonInfo, now: UnixMillis) -> bool {
    button.state != ButtonState::Removed && button.expires_at > now
}

/// A button's state as the list shows it ("Failed: disk full", "Expired"…).
pub fn state_text(button: &ButtonInfo, now: UnixMillis) -> String {
    let expired = button.expires_at <= now;
    match button.state {
        ButtonState::Failed if !expired => words::failed_because(&button.detail),
        state => words::button_state(state, expired).to_owned(),
    }
}

/// The Support Buttons window of one session, while it is open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ButtonPanel {
    /// The last list the server gave, newest first (`None` until the first arrives).
    pub buttons: Option<Vec<ButtonInfo>>,
    /// A `list_buttons` is on its way.
    pub loading: bool,
    /// Something may have changed since the list was asked for: ask again.
    pub stale: bool,
    /// A `deploy_button` is on its way (Deploy waits for it).
    pub deploying: bool,
    /// How many of the rep's deploys succeeded while the window was open: the form clears
    /// its description when this moves.
    pub deployed: u32,
    /// Buttons whose `remove_button` is on its way.
    pub removing: Vec<ButtonId>,
    /// Why the rep's last deploy, removal or listing here was refused.
    pub error: Option<String>,
}

/// A Support Buttons request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ButtonCall {
    List(SessionId),
    Deploy(SessionId),
    Remove(SessionId, ButtonId),
}

impl ButtonCall {
    /// The call a request is, if it is one of these.
    pub(super) fn of(request: &RepRequest) -> Option<ButtonCall> {
        match request {
            RepRequest::ListButtons { session_id } => Some(ButtonCall::List(*session_id)),
            RepRequest::DeployButton { session_id, .. } => Some(ButtonCall::Deploy(*session_id)),
            RepRequest::RemoveButton {
                session_id,
                button_id,
            } => Some(ButtonCall::Remove(*session_id, *button_id)),
            _ => None,
        }
    }

    fn session_id(self) -> SessionId {
        match self {
            ButtonCall::List(id) | ButtonCall::Deploy(id) | ButtonCall::Remove(id, _) => id,
        }
    }

    /// What the call does, for "Could not …".
    fn what(self) -> &'static str {
        match self {
            ButtonCall::List(_) => "list the Support Buttons",
            ButtonCall::Deploy(_) => "deploy the Support Button",
            ButtonCall::Remove(..) => "remove the Support Button",
        }
    }
}

/// The open windows' lists, by session.
pub type ButtonPanels = HashMap<SessionId, ButtonPanel>;

impl Model {
    /// Opens a session's Support Buttons window: its list is asked for at once.
    pub fn open_buttons(&mut self, session_id: SessionId) {
        if self.sessions.contains_key(&session_id) {
            self.buttons.entry(session_id).or_default().stale = true;
        }
    }

    /// Closes it; answers still on their way are then dropped.
    pub fn close_buttons(&mut self, session_id: SessionId) {
        self.buttons.remove(&session_id);
    }

    /// Why the session's Support Buttons entry is greyed, if it is.
    pub fn buttons_unavailable(&self, info: &SessionInfo) -> Option<&'static str> {
        buttons_unavailable(info, self.permissions.as_ref())
    }

    /// Open windows whose list should be asked for now (stale, nothing on its way): send a
    /// `list_buttons` for each.
    pub fn buttons_to_list(&self) -> Vec<SessionId> {
        self.buttons
            .iter()
            .filter(|(_, panel)| panel.stale && !panel.loading)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The targets the rep may deploy a button for: their own queue, then their teams, each
    /// with its name.
    pub fn button_targets(&self) -> Vec<(Option<TeamId>, String)> {
        let mut targets = vec![(None, words::TARGET_ME.to_owned())];
        let teams = self.me.iter().flat_map(|me| &me.teams);
        targets.extend(teams.map(|team| {
            let queue = QueueRef::Team { team: team.clone() };
            (Some(team.clone()), display::queue(&queue, &self.teams))
        }));
        targets
    }

    /// The queue a button sends sessions to, as the list names it: a rep's own queue or a
    /// team's.
    pub fn button_target_name(&self, target: &QueueRef) -> String {
        match target {
            QueueRef::Personal { rep } => words::personal_queue(&self.rep_name(rep)),
            other => display::queue(other, &self.teams),
        }
    }

    /// Notes a Support Buttons request the app is sending.
    pub(super) fn button_requested(&mut self, call: ButtonCall) -> InFlight {
        if let Some(panel) = self.buttons.get_mut(&call.session_id()) {
            match call {
                ButtonCall::List(_) => {
                    panel.loading = true;
                    panel.stale = false;
                }
                ButtonCall::Deploy(_) => {
                    panel.deploying = true;
                    panel.error = None;
                }
                ButtonCall::Remove(_, button_id) => {
                    panel.removing.push(button_id);
                    panel.error = None;
                }
            }
        }
        InFlight::Buttons(call)
    }

    /// Its answer: a list shown, a deploy or removal followed by a new list.
    pub(super) fn button_answered(&mut self, call: ButtonCall, result: Option<OkResult>) {
        let Some(panel) = self.buttons.get_mut(&call.session_id()) else {
            return;
        };
        match (call, result) {
            (ButtonCall::List(_), Some(OkResult::Buttons { buttons })) => {
                panel.buttons = Some(buttons);
                panel.loading = false;
            }
            (ButtonCall::List(_), _) => panel.loading = false,
            (ButtonCall::Deploy(_), _) => {
                panel.deploying = false;
                panel.deployed += 1;
                panel.stale = true;
            }
            (ButtonCall::Remove(_, button_id), _) => {
                panel.removing.retain(|id| *id != button_id);
                panel.stale = true;
            }
        }
    }

    /// It was refused (`code` and the server's `message`), or could not be sent (`code`
    /// `None`, `message` the reason): said in the window, or as a notice when it is closed.
    pub(super) fn button_failed(
        &mut self,
        call: ButtonCall,
        code: Option<ErrorCode>,
        message: &str,
    ) {
        let text = match code {
            Some(code) => refusal_text(call.what(), code, message),
            None => crate::text::notices::could_not(call.what(), message),
        };
        let Some(panel) = self.buttons.get_mut(&call.session_id()) else {
            self.notice(text, code);
            return;
        };
        match call {
            ButtonCall::List(_) => panel.loading = false,
            ButtonCall::Deploy(_) => panel.deploying = false,
            ButtonCall::Remove(_, button_id) => panel.removing.retain(|id| *id != button_id),
        }
        panel.error = Some(text);
    }
}
