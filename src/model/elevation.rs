//! Elevated command shells as the rep sees them, pure (issue 14, seed 003 "Elevate"): why
//! each Administrator choice of the Shell entry is greyed (permissions, the customer's side,
//! what the customer's program said it can do, a shell already live), who the session's live
//! administrator's shell runs as, and the "Shell as a specific user" form, whose password
//! leaves the console's memory with the request (or is wiped when the form closes). No egui,
//! no IO.

use super::Model;
use crate::text::elevation as words;
use crate::text::remote as shell_words;
use switchboard_protocol::{
    Capability, ElevationMethod, ElevationRequest, GrantState, Permissions, RepId, RepRequest,
    Secret, SessionId, SessionInfo,
};

/// The longest user name the server takes (`elevate_shell`'s `invalid` otherwise).
pub const MAX_USER_NAME_CHARS: usize = 32;
/// The longest password the server takes, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The Shell entry's Administrator menu for this rep in one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElevationBar {
    /// Why "Shell as administrator (ask the customer)" is greyed (`None`: it can be asked).
    pub prompt_customer: Option<String>,
    /// Why "Shell as a specific user…" is greyed (`None`: the dialog may open).
    pub specific_user: Option<String>,
    /// Who the session's live administrator's shell runs as (prompting or granted, anyone's):
    /// the toolbar says so while it lasts.
    pub live_user: Option<String>,
}

impl ElevationBar {
    /// The one reason both choices share, when both are greyed for it (the menu itself is
    /// greyed then, as the Screen menu is).
    pub fn shared_reason(&self) -> Option<&str> {
        match (&self.prompt_customer, &self.specific_user) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }

    /// Why `method` is greyed, if it is.
    pub fn reason(&self, method: ElevationMethod) -> Option<&str> {
        match method {
            ElevationMethod::PromptCustomer => self.prompt_customer.as_deref(),
            ElevationMethod::SpecificUser => self.specific_user.as_deref(),
        }
    }
}

/// The Administrator menu of `info` for `me` with `permissions`.
pub fn elevation_bar(
    info: &SessionInfo,
    me: &RepId,
    permissions: Option<&Permissions>,
) -> ElevationBar {
    let reason = |method| unavailable(info, me, permissions, method);
    ElevationBar {
        prompt_customer: reason(ElevationMethod::PromptCustomer),
        specific_user: reason(ElevationMethod::SpecificUser),
        live_user: live_user(info).map(str::to_owned),
    }
}

/// Why `me` cannot ask for an administrator's shell by `method` now, if they cannot: their
/// permissions (`elevate` first: it is what this menu is about), the session, the customer's side, what the customer's program said it can
/// do, then a shell already live (one per session).
pub fn unavailable(
    info: &SessionInfo,
    me: &RepId,
    permissions: Option<&Permissions>,
    method: ElevationMethod,
) -> Option<String> {
    let remote = &info.remote;
    let fixed = if !permissions.is_some_and(|p| p.elevate) {
        words::NO_PERMISSION
    } else if !permissions.is_some_and(|p| p.shell) {
        shell_words::SHELL_NO_PERMISSION
    } else if info.owner.is_none() && info.waiting_in.is_some() {
        shell_words::SHELL_SESSION_WAITING
    } else if !info.customer_connected || info.ended {
        shell_words::SHELL_NOT_CONNECTED
    } else if !remote.source.offers(Capability::Shell) {
        words::NOT_NATIVE
    } else {
        let Some(support) = &remote.elevation else {
            return Some(words::NOT_DESCRIBED.to_owned());
        };
        if let Some(reason) = support.unavailable(method) {
            return Some(words::program_says(reason));
        }
        let live = remote
            .grants
            .iter()
            .find(|g| g.capability == Capability::Shell && g.state.is_live())?;
        return Some(if &live.rep == me {
            words::OWN_SHELL_LIVE.to_owned()
        } else if live.state == GrantState::Granted {
            shell_words::shell_in_use(&live.rep_name)
        } else {
            shell_words::shell_asked_by(&live.rep_name)
        });
    };
    Some(fixed.to_owned())
}

/// Who the session's live elevated shell runs as, if one is live.
pub fn live_user(info: &SessionInfo) -> Option<&str> {
    info.remote
        .grants
        .iter()
        .filter(|g| g.capability == Capability::Shell && g.state.is_live())
        .find_map(|g| g.elevation.as_ref())
        .map(|e| e.user.as_str())
}

/// What is wrong with a user name (`None`: the server would take it): 1 to 32 of
/// `[a-z0-9_.-]`, not starting with `-` (an option to su) or `.`.
pub fn user_name_problem(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
    if name.is_empty() {
        Some(words::USER_NAME_EMPTY)
    } else if name.chars().count() > MAX_USER_NAME_CHARS
        || !name.chars().all(allowed)
        || name.starts_with(['-', '.'])
    {
        Some(words::USER_NAME_INVALID)
    } else {
        None
    }
}

/// What is wrong with a password (`None`: the server would take it): 1 to 1024 bytes.
/// Never trimmed: a space may be part of it.
pub fn password_problem(password: &str) -> Option<String> {
    if password.is_empty() {
        Some(words::PASSWORD_EMPTY.to_owned())
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some(words::password_too_long(MAX_PASSWORD_BYTES))
    } else {
        None
    }
}

/// The "Prompt Customer" request: no credentials, the customer's computer asks them.
pub fn prompt_customer_request(session_id: SessionId) -> RepRequest {
    RepRequest::ElevateShell {
        session_id,
        elevation: ElevationRequest::PromptCustomer,
    }
}

/// The "Shell as a specific user" dialog's form while it is open. The password lives here
/// only until the request is made ([`ElevateForm::ask`] moves it into the request, which the
/// app sends at once) or the form goes (dropping it overwrites what was typed). `Debug`
/// never shows it; there is no `Clone`, so no copy lingers elsewhere.
pub struct ElevateForm {
    pub session_id: SessionId,
    pub user_name: String,
    /// Reserved at its longest, so typing never reallocates (and leaves no old copy in
    /// freed memory).
    password: String,
}

impl ElevateForm {
    /// An empty form for `session_id`.
    pub fn new(session_id: SessionId) -> ElevateForm {
        ElevateForm {
            session_id,
            user_name: String::new(),
            password: String::with_capacity(MAX_PASSWORD_BYTES),
        }
    }

    /// The password field's text, for the masked text box.
    pub fn password_mut(&mut self) -> &mut String {
        &mut self.password
    }

    /// Whether a password was typed (its text never leaves the form but with the request).
    pub fn has_password(&self) -> bool {
        !self.password.is_empty()
    }

    /// What keeps Ask greyed (the user name's problem first), if anything.
    pub fn problem(&self) -> Option<String> {
        user_name_problem(&self.user_name)
            .map(str::to_owned)
            .or_else(|| password_problem(&self.password))
    }

    /// What the dialog says about what was typed so far: a field still empty is not a
    /// problem yet (Ask stays greyed all the same, by [`ElevateForm::problem`]).
    pub fn typed_problem(&self) -> Option<String> {
        let user = (!self.user_name.is_empty())
            .then(|| user_name_problem(&self.user_name))
            .flatten()
            .map(str::to_owned);
        user.or_else(|| {
            (!self.password.is_empty())
                .then(|| password_problem(&self.password))
                .flatten()
        })
    }

    /// The request, the password moved into it (the form keeps none of it), or why it
    /// cannot be made (then the form is unchanged).
    pub fn ask(&mut self) -> Result<RepRequest, String> {
        if let Some(problem) = self.problem() {
            return Err(problem);
        }
        let password = std::mem::take(&mut self.password);
        Ok(RepRequest::ElevateShell {
            session_id: self.session_id,
            elevation: ElevationRequest::SpecificUser {
                username: self.user_name.trim().to_owned(),
                password: Secret(password),
            },
        })
    }
}

impl Drop for ElevateForm {
    /// A form closed without asking: what was typed is overwritten before it is freed.
    fn drop(&mut self) {
        wipe(&mut self.password);
    }
}

impl std::fmt::Debug for ElevateForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ElevateForm")
            .field("session_id", &self.session_id)
            .field("user_name", &self.user_name)
            .field("password", &"***")
            .finish()
    }
}

/// Overwrites a secret's bytes with zeros and empties it. (`unsafe` is forbidden here, so
/// the bytes are taken out as a `Vec` and zeroed there; `black_box` keeps the writes from
/// being optimised away as dead stores.)
pub fn wipe(secret: &mut String) {
    let mut bytes = std::mem::take(secret).into_bytes();
    bytes.fill(0);
    std::hint::black_box(&mut bytes);
}

impl Model {
    /// The session's Administrator menu for this rep (`None` before the snapshot).
    pub fn elevation_bar(&self, info: &SessionInfo) -> Option<ElevationBar> {
        let me = self.me_id()?;
        Some(elevation_bar(info, me, self.permissions.as_ref()))
    }
}

#[cfg(test)]
#[path = "tests/elevation.rs"]
mod tests;
