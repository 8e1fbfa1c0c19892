//! Remote support on the JSON sockets: the capabilities a rep asks a customer for (view or
//! control the screen, a command shell), the customer's consent, and the grants everyone in
//! the session sees.
//! The pictures and the input themselves travel on `/ws/media` ([`crate::media`]), opened with a
//! token from `open_media`; these types only say who may do what, and since when.

use crate::ids::{GrantId, RepId};
use crate::model::UnixMillis;
use serde::{Deserialize, Serialize};

/// What a rep asks the customer for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// See the customer's screen (or, in a [Browser] session, their page).
    ScreenView,
    /// See the screen and drive its pointer and keyboard. One rep at a time.
    ScreenControl,
    /// A command shell on the customer's machine, as the customer's user, on a PTY; its
    /// bytes travel on `/ws/media` ([`MediaChannel::Shell`]). Only the rep it was granted to
    /// sees it or types in it.
    Shell,
}

impl Capability {
    /// Whether this capability is about the screen (view or control), not the shell.
    pub fn is_screen(self) -> bool {
        matches!(self, Capability::ScreenView | Capability::ScreenControl)
    }
}

/// Which stream a `/ws/media` socket carries: the screen (updates, acks, input) or a shell
/// (output, input, resizes, acks, the exit). Chosen with `open_media`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum MediaChannel {
    #[default]
    Screen,
    Shell,
}

impl MediaChannel {
    /// The default, left out of the JSON.
    pub fn is_screen(&self) -> bool {
        *self == MediaChannel::Screen
    }
}

/// How far a rep may go with a customer's screen, from the configuration (`screen = ...`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum ScreenPermission {
    /// No screen sharing at all.
    #[default]
    None,
    /// May ask to view, not to control.
    View,
    /// May ask to view and to control.
    Control,
}

impl ScreenPermission {
    /// Whether this permission lets a rep ask for `capability` (the shell has its own
    /// permission, `Permissions::shell`: never this one's).
    pub fn allows(self, capability: Capability) -> bool {
        match capability {
            Capability::ScreenView => self != ScreenPermission::None,
            Capability::ScreenControl => self == ScreenPermission::Control,
            Capability::Shell => false,
        }
    }
}

/// The program the customer is using, as its `start` said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// The portal page or a terminal: chat only, except that a [Browser] session's page can
    /// share its own tab (view only).
    #[default]
    Web,
    /// The customer client program (`switchboard-customer`): the whole screen, view and control.
    Native,
}

/// What the customer's side can share, decided by the server from the client and the session
/// kind. The console greys out what is not possible and says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScreenSource {
    /// Nothing: the customer is in web chat.
    #[default]
    None,
    /// The customer's browser tab, view only ([Browser] sessions).
    Tab,
    /// The customer's whole desktop, view and control, and a command shell (the native
    /// client).
    Desktop,
}

impl ScreenSource {
    /// Whether the source can give `capability` at all.
    pub fn offers(self, capability: Capability) -> bool {
        match self {
            ScreenSource::None => false,
            ScreenSource::Tab => capability == Capability::ScreenView,
            ScreenSource::Desktop => true,
        }
    }
}

/// How a rep asks for an administrator's command shell (seed 003, "Elevate": "Select Prompt
/// Customer to request admin credentials from the remote user. If you possess administrative
/// credentials to the remote computer, select Specific User and supply an administrative
/// username and password"). Sent with `elevate_shell`; the customer consents as for any shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ElevationRequest {
    /// The customer's operating system asks *them* for an administrator's password in its
    /// own dialog (polkit's pkexec on Linux); the shell runs as root.
    PromptCustomer,
    /// The rep knows an administrative account's credentials: the customer's program answers
    /// `su`'s prompt with them, and the shell runs as `username`. The password passes once
    /// through the server's memory to the customer's program (`elevation_credentials`, after
    /// the customer allowed) and is never stored, logged or shown.
    SpecificUser { username: String, password: Secret },
}

impl ElevationRequest {
    /// The method, without the credentials.
    pub fn method(&self) -> ElevationMethod {
        match self {
            ElevationRequest::PromptCustomer => ElevationMethod::PromptCustomer,
            ElevationRequest::SpecificUser { .. } => ElevationMethod::SpecificUser,
        }
    }

    /// Who the shell would run as: `root` for Prompt Customer, else the given user.
    pub fn user(&self) -> &str {
        match self {
            ElevationRequest::PromptCustomer => "root",
            ElevationRequest::SpecificUser { username, .. } => username,
        }
    }
}

/// A password on the wire: serialised as a plain string, but its `Debug` prints stars, so a
/// request or message logged with `{:?}` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

/// How a shell was (or is to be) elevated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElevationMethod {
    PromptCustomer,
    SpecificUser,
}

/// An elevated shell grant as everyone sees it (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Elevation {
    pub method: ElevationMethod,
    /// Who the shell runs as (`root` for `prompt_customer`).
    pub user: String,
}

/// What the customer's machine can do for elevation, as its program reported it
/// (`describe_elevation`). Each field is `null` when the method is available and otherwise
/// says why not ("pkexec (polkit) is not installed on this computer …").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ElevationSupport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_user: Option<String>,
}

impl ElevationSupport {
    /// Why `method` is not available, or `None` when it is.
    pub fn unavailable(&self, method: ElevationMethod) -> Option<&str> {
        match method {
            ElevationMethod::PromptCustomer => self.prompt_customer.as_deref(),
            ElevationMethod::SpecificUser => self.specific_user.as_deref(),
        }
    }
}

/// Where a grant stands: `prompting → granted | denied | timed_out`, and `granted → stopped`.
/// Only `prompting` and `granted` are live; the others are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantState {
    /// The customer is being asked; unanswered at `deadline` it is `timed_out`.
    Prompting,
    /// The customer allowed it; media may flow.
    Granted,
    /// The customer said no.
    Denied,
    /// The customer did not answer within the prompt time (counts as no).
    TimedOut,
    /// It ended after being granted or while prompting (see [`GrantEnd`]).
    Stopped,
}

impl GrantState {
    /// `prompting` or `granted`.
    pub fn is_live(self) -> bool {
        matches!(self, GrantState::Prompting | GrantState::Granted)
    }
}

/// Why a grant was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantEnd {
    /// The customer pressed Stop (or its hotkey).
    CustomerStopped,
    /// The rep who held it (or the session's owner) stopped it.
    RepStopped,
    /// The owner took control, which ends another rep's control.
    ControlTaken,
    /// The rep transferred the session away without staying.
    Transferred,
    /// The owner removed the rep.
    Removed,
    /// The rep left the session (or closed it, or lost their connection).
    Left,
    /// The customer's connection was lost, or the rep disconnected the customer.
    CustomerDisconnected,
    /// The session ended.
    SessionEnded,
    /// The shell exited by itself (the customer's program said so with `shell_exited`).
    ShellExited,
    /// An elevated shell could not start (wrong credentials, the customer cancelled the
    /// administrator dialog): the customer's program said so with `elevation_failed`.
    ElevationFailed,
}

/// What the customer is on, as far as remote support cares: the portal tells the server when
/// the page runs on an iPhone or iPad, where nothing can view the screen and iOS's own screen
/// broadcast is the only way (the rep can send its steps: [`SpecialAction`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    #[default]
    Other,
    Ios,
}

impl Platform {
    /// The default, left out of the JSON.
    pub fn is_other(&self) -> bool {
        *self == Platform::Other
    }
}

/// A special action a rep can take for some customers (the toolbar's "Special Actions").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialAction {
    /// Send an iOS customer the steps of iOS's own screen broadcast (only for `platform`
    /// `ios`). Nothing in Switchboard views the screen: the card says so.
    IosScreenBroadcast,
}

/// A card of steps shown to the customer (the portal draws it in the chat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpCard {
    pub title: String,
    pub steps: Vec<String>,
    /// A last line in plain words (what this does and does not do).
    pub note: String,
}

/// One request for a capability and where it stands, as every rep in the session and the
/// customer see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantInfo {
    pub grant_id: GrantId,
    pub rep: RepId,
    /// The rep's display name, as the server knows it (the customer's banner shows it).
    pub rep_name: String,
    pub capability: Capability,
    pub state: GrantState,
    pub requested_at: UnixMillis,
    /// While `prompting`: when the request counts as denied.
    pub deadline: UnixMillis,
    /// With `stopped`: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<GrantEnd>,
    /// For a `shell` asked with `elevate_shell`: how it is elevated and who it runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elevation: Option<Elevation>,
}

/// The most grants a [`RemoteInfo`] or `remote_updated` lists.
pub const MAX_LISTED_GRANTS: usize = 8;

/// A session's remote support state, part of `SessionInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RemoteInfo {
    /// What the customer's side can share.
    pub source: ScreenSource,
    /// The live grants (`prompting` or `granted`) and the most recently ended ones, oldest
    /// first, at most [`MAX_LISTED_GRANTS`] in all: a live grant is never left out, so each
    /// side learns how a request it made ended (denied, timed out, stopped and why).
    pub grants: Vec<GrantInfo>,
    /// What the customer is on (`ios`: the portal on an iPhone or iPad).
    #[serde(default, skip_serializing_if = "Platform::is_other")]
    pub platform: Platform,
    /// Set for a session a rep started by jumping to a Jump Client: the policy it runs under
    /// (with `no_prompt` and `notify` requests are granted without asking the customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jump: Option<crate::jump::JumpPolicy>,
    /// What the customer's program said it can do for elevation (`None`: it has not said, so
    /// nothing can be elevated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elevation: Option<ElevationSupport>,
}

impl RemoteInfo {
    /// The rep who controls the screen now, if any.
    pub fn controller(&self) -> Option<&GrantInfo> {
        self.grants.iter().find(|grant| {
            grant.capability == Capability::ScreenControl && grant.state == GrantState::Granted
        })
    }

    /// `rep`'s live grant of `capability`, if any.
    pub fn grant_of(&self, rep: &RepId, capability: Capability) -> Option<&GrantInfo> {
        self.grants.iter().find(|grant| {
            &grant.rep == rep && grant.capability == capability && grant.state.is_live()
        })
    }

    /// `rep`'s latest grant of `capability`, live or ended (how their last request went).
    pub fn latest_of(&self, rep: &RepId, capability: Capability) -> Option<&GrantInfo> {
        self.grants
            .iter()
            .rev()
            .find(|grant| &grant.rep == rep && grant.capability == capability)
    }

    /// Whether `rep` may see the screen now (a granted view or control).
    pub fn is_viewing(&self, rep: &RepId) -> bool {
        self.grants.iter().any(|grant| {
            &grant.rep == rep && grant.capability.is_screen() && grant.state == GrantState::Granted
        })
    }

    /// Whether `rep` has a shell now (a granted `shell`).
    pub fn has_shell(&self, rep: &RepId) -> bool {
        self.grants.iter().any(|grant| {
            &grant.rep == rep
                && grant.capability == Capability::Shell
                && grant.state == GrantState::Granted
        })
    }
}

/// A token for `/ws/media`, from `open_media`: send it in the socket's first frame (`auth`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaTicket {
    pub token: String,
    /// The token must be used (the socket authenticated) before this time; once used, it
    /// lasts as long as the grants behind it.
    pub expires_at: UnixMillis,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_debug() {
        let request = ElevationRequest::SpecificUser {
            username: "admin".into(),
            password: Secret("hunter2".into()),
        };
        let printed = format!("{request:?}");
        assert!(
            printed.contains("admin") && !printed.contains("hunter2"),
            "{printed}"
        );
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(
            json,
            r#"{"method":"specific_user","username":"admin","password":"hunter2"}"#
        );
    }

    #[test]
    fn the_permission_matrix() {
        use Capability::*;
        use ScreenPermission as P;
        assert!(!P::None.allows(ScreenView) && !P::None.allows(ScreenControl));
        assert!(P::View.allows(ScreenView) && !P::View.allows(ScreenControl));
        assert!(P::Control.allows(ScreenView) && P::Control.allows(ScreenControl));
        assert!(
            !P::Control.allows(Shell),
            "the shell has a permission of its own"
        );
        assert!(ScreenSource::Desktop.offers(Shell) && !ScreenSource::Tab.offers(Shell));
        assert!(!ScreenSource::None.offers(ScreenView));
        assert!(ScreenSource::Tab.offers(ScreenView) && !ScreenSource::Tab.offers(ScreenControl));
        assert!(ScreenSource::Desktop.offers(ScreenControl));
    }
}
