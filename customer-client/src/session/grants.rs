//! What the customer has granted, as this program sees it: the server's grant list
//! (`remote_updated`) minus what the customer stopped locally. Pure: the session actor applies
//! the server's lists and the Stop command to it, and everything that captures, injects or
//! runs the shell reads the [`ShareState`] it derives, so a Stop takes effect here before the
//! server hears of it. Also the words the customer reads about grants (cards and banner).

use std::collections::BTreeSet;
use switchboard_protocol::{
    Capability, Elevation, ElevationMethod, GrantId, GrantInfo, GrantState,
};

/// Who is looking at (or driving) the screen right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The rep's name as the server verified it (`rep_name`), for the banner.
    pub rep_name: String,
    /// Holds a granted `screen_control`.
    pub controlling: bool,
}

/// Who has the command shell right now (one granted `shell` grant per session at most).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellUser {
    /// The grant the shell runs under: the shell lives exactly as long as this grant is
    /// granted and not stopped here; a new grant is a new shell.
    pub grant_id: GrantId,
    /// The rep's name as the server verified it (`rep_name`), for the banner.
    pub rep_name: String,
    /// An administrator's shell (the grant's `elevation`): how, and as whom. `None`: the
    /// customer's own shell.
    pub elevation: Option<Elevation>,
}

/// What capture, injection and the shell may do now. Sharing happens while `viewers` is not
/// empty; the shell runs while `shell` is set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShareState {
    /// Reps with a granted view or control, one entry per rep, in grant order.
    pub viewers: Vec<Viewer>,
    /// Some rep holds a granted `screen_control`: the rep's input may be injected.
    pub control: bool,
    /// The rep with a granted `shell`, if any.
    pub shell: Option<ShellUser>,
}

impl ShareState {
    /// Anyone views or controls: the screen is captured and sent.
    pub fn sharing(&self) -> bool {
        !self.viewers.is_empty()
    }

    /// Anything at all is granted (the screen or the shell): the banner with Stop shows.
    pub fn in_use(&self) -> bool {
        self.sharing() || self.shell.is_some()
    }
}

/// The grants the server last reported, and those the customer stopped here first.
#[derive(Debug, Clone, Default)]
pub struct GrantView {
    grants: Vec<GrantInfo>,
    /// Grants the customer stopped (Stop, or its hotkey): never counted as live again, whatever
    /// the server says before its `stop_remote` lands.
    stopped_here: BTreeSet<GrantId>,
}

impl GrantView {
    /// Takes the server's latest list (`remote_updated`, or `session_started` on resume).
    pub fn apply(&mut self, grants: Vec<GrantInfo>) {
        self.grants = grants;
    }

    /// The customer's Stop: every live grant ends here at once, the shell's included.
    /// Returns whether any was live.
    pub fn stop_all(&mut self) -> bool {
        let live: Vec<GrantId> = self.live().map(|g| g.grant_id).collect();
        self.stopped_here.extend(live.iter().copied());
        !live.is_empty()
    }

    /// Ends one grant here (its shell ended by itself, or its socket failed). Returns
    /// whether it was live.
    pub fn stop(&mut self, grant_id: GrantId) -> bool {
        let live = self.live().any(|g| g.grant_id == grant_id);
        self.stopped_here.insert(grant_id);
        live
    }

    /// Ends every live screen grant here (the screen cannot be captured), leaving the shell
    /// alone. Returns the grants ended.
    pub fn stop_screen(&mut self) -> Vec<GrantId> {
        let live: Vec<GrantId> = self
            .live()
            .filter(|g| g.capability.is_screen())
            .map(|g| g.grant_id)
            .collect();
        self.stopped_here.extend(live.iter().copied());
        live
    }

    /// Whether `grant_id` is live (prompting or granted) and not stopped here: credentials
    /// for an elevated shell are kept only while their grant is.
    pub fn is_live(&self, grant_id: GrantId) -> bool {
        self.live().any(|g| g.grant_id == grant_id)
    }

    /// The elevation of live grant `grant_id`, if it is an elevated shell's.
    pub fn elevation(&self, grant_id: GrantId) -> Option<&Elevation> {
        self.live()
            .find(|g| g.grant_id == grant_id)
            .and_then(|g| g.elevation.as_ref())
    }

    /// Every grant the server listed, as it listed them.
    pub fn grants(&self) -> &[GrantInfo] {
        &self.grants
    }

    /// Grants still live (`prompting` or `granted`) and not stopped here.
    fn live(&self) -> impl Iterator<Item = &GrantInfo> {
        self.grants
            .iter()
            .filter(|g| g.state.is_live() && !self.stopped_here.contains(&g.grant_id))
    }

    /// Requests waiting for the customer's answer (the consent cards), oldest first.
    pub fn prompts(&self) -> Vec<GrantInfo> {
        self.live()
            .filter(|g| g.state == GrantState::Prompting)
            .cloned()
            .collect()
    }

    /// What may be captured, injected and run now.
    pub fn share_state(&self) -> ShareState {
        let mut state = ShareState::default();
        for grant in self.live().filter(|g| g.state == GrantState::Granted) {
            if grant.capability == Capability::Shell {
                // One shell grant is live per session; should a list ever hold two, the
                // older one keeps the shell and the newer waits.
                state.shell.get_or_insert_with(|| ShellUser {
                    grant_id: grant.grant_id,
                    rep_name: grant.rep_name.clone(),
                    elevation: grant.elevation.clone(),
                });
                continue;
            }
            let controlling = grant.capability == Capability::ScreenControl;
            state.control |= controlling;
            match state
                .viewers
                .iter_mut()
                .find(|v| v.rep_name == grant.rep_name)
            {
                Some(viewer) => viewer.controlling |= controlling,
                None => state.viewers.push(Viewer {
                    rep_name: grant.rep_name.clone(),
                    controlling,
                }),
            }
        }
        state
    }
}

/// The banner's words for `viewer`: "Alice Martin is viewing your screen" or "… is controlling
/// your screen".
pub fn banner_text(viewer: &Viewer) -> String {
    let verb = if viewer.controlling {
        "controlling"
    } else {
        "viewing"
    };
    format!("{} is {verb} your screen", viewer.rep_name)
}

/// The banner's words while `user` has the command shell: "Alice Martin is using a command
/// shell", or for an administrator's shell "Alice Martin is using an administrator shell
/// (sbadmin)".
pub fn shell_banner_text(user: &ShellUser) -> String {
    match &user.elevation {
        None => format!("{} is using a command shell", user.rep_name),
        Some(elevation) => format!(
            "{} is using an administrator shell ({})",
            user.rep_name, elevation.user
        ),
    }
}

/// The consent card's question for a prompting grant. The shell's says plainly what allowing
/// it means, since a shell can do anything the customer can; an administrator's shell says
/// that it is administrator access, as whom, and who gives the password.
pub fn prompt_text(grant: &GrantInfo) -> String {
    let name = &grant.rep_name;
    if let (Capability::Shell, Some(elevation)) = (grant.capability, &grant.elevation) {
        return elevated_prompt_text(name, elevation);
    }
    match grant.capability {
        Capability::ScreenView => format!("{name} wants to view your screen"),
        Capability::ScreenControl => format!("{name} wants to control your screen"),
        Capability::Shell => format!(
            "{name} wants to open a command shell on this computer. They could run any \
             command as you (your files, your programs). Allow only if you trust this support \
             session."
        ),
    }
}

/// The card for an administrator's shell.
fn elevated_prompt_text(name: &str, elevation: &Elevation) -> String {
    let how = match elevation.method {
        ElevationMethod::SpecificUser => {
            format!("(user {}, with credentials {name} typed)", elevation.user)
        }
        ElevationMethod::PromptCustomer => format!(
            "({}). Your computer will ask you for an administrator's password",
            elevation.user
        ),
    };
    format!(
        "{name} wants to open a command shell as administrator {how}. They could do anything \
         on this computer: change any setting, read or delete any file, install programs. \
         Allow only if you trust this support session."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::RepId;

    fn grant(id: u64, rep: &str, capability: Capability, state: GrantState) -> GrantInfo {
        GrantInfo {
            grant_id: GrantId(id),
            rep: RepId::from(rep),
            rep_name: format!("{rep} name"),
            capability,
            state,
            requested_at: 0,
            deadline: 30_000,
            ended: None,
            elevation: None,
        }
    }

    /// A granted view shares, a granted control also allows input; prompting grants are
    /// prompts, not shares; ended ones count for nothing.
    #[test]
    fn share_state_follows_the_granted_grants() {
        let mut view = GrantView::default();
        view.apply(vec![
            grant(1, "alice", Capability::ScreenView, GrantState::Granted),
            grant(2, "alice", Capability::ScreenControl, GrantState::Prompting),
            grant(3, "bob", Capability::ScreenView, GrantState::Denied),
        ]);
        let state = view.share_state();
        assert!(state.sharing() && !state.control);
        assert_eq!(state.viewers.len(), 1);
        assert_eq!(
            banner_text(&state.viewers[0]),
            "alice name is viewing your screen"
        );
        assert_eq!(view.prompts().len(), 1);
        assert_eq!(
            prompt_text(&view.prompts()[0]),
            "alice name wants to control your screen"
        );
        view.apply(vec![
            grant(1, "alice", Capability::ScreenView, GrantState::Granted),
            grant(2, "alice", Capability::ScreenControl, GrantState::Granted),
        ]);
        let state = view.share_state();
        assert!(state.control);
        assert_eq!(
            banner_text(&state.viewers[0]),
            "alice name is controlling your screen"
        );
    }

    /// A granted shell is the shell, never a viewer: it starts no screen sharing. Its card
    /// says what a shell means, its banner who uses it.
    #[test]
    fn a_shell_grant_is_the_shell_not_a_screen_share() {
        let mut view = GrantView::default();
        view.apply(vec![grant(
            4,
            "alice",
            Capability::Shell,
            GrantState::Prompting,
        )]);
        assert_eq!(view.share_state(), ShareState::default());
        assert_eq!(
            prompt_text(&view.prompts()[0]),
            "alice name wants to open a command shell on this computer. They could run any \
             command as you (your files, your programs). Allow only if you trust this support \
             session."
        );
        view.apply(vec![
            grant(4, "alice", Capability::Shell, GrantState::Granted),
            grant(5, "bob", Capability::ScreenView, GrantState::Granted),
        ]);
        let state = view.share_state();
        let user = state.shell.clone().unwrap();
        assert_eq!(user.grant_id, GrantId(4));
        assert_eq!(
            shell_banner_text(&user),
            "alice name is using a command shell"
        );
        assert_eq!(state.viewers.len(), 1, "only bob views the screen");
        assert!(state.in_use());
    }

    /// Stop ends the shell with everything else; the screen's own failure ends only the
    /// screen; a shell that ended by itself ends only its grant.
    #[test]
    fn stopping_the_shell_and_the_screen_apart() {
        let grants = vec![
            grant(1, "alice", Capability::ScreenView, GrantState::Granted),
            grant(2, "alice", Capability::Shell, GrantState::Granted),
        ];
        let mut view = GrantView::default();
        view.apply(grants.clone());
        assert_eq!(view.stop_screen(), vec![GrantId(1)]);
        let state = view.share_state();
        assert!(!state.sharing() && state.shell.is_some());

        let mut view = GrantView::default();
        view.apply(grants.clone());
        assert!(view.stop(GrantId(2)));
        assert!(!view.stop(GrantId(2)), "already ended here");
        let state = view.share_state();
        assert!(state.sharing() && state.shell.is_none());

        let mut view = GrantView::default();
        view.apply(grants);
        assert!(view.stop_all());
        assert!(!view.share_state().in_use());
    }

    /// After Stop nothing is shared, even if the server's next list still says granted (its
    /// answer to `stop_remote` has not come yet); a new grant counts again.
    #[test]
    fn stop_all_wins_over_a_late_list() {
        let mut view = GrantView::default();
        let granted = vec![
            grant(1, "alice", Capability::ScreenView, GrantState::Granted),
            grant(2, "alice", Capability::ScreenControl, GrantState::Granted),
        ];
        view.apply(granted.clone());
        assert!(view.stop_all());
        assert_eq!(view.share_state(), ShareState::default());
        view.apply(granted.clone());
        assert!(!view.share_state().sharing());
        assert!(!view.stop_all());
        let mut again = granted;
        again.push(grant(
            5,
            "alice",
            Capability::ScreenView,
            GrantState::Granted,
        ));
        view.apply(again);
        assert!(view.share_state().sharing() && !view.share_state().control);
    }

    /// An administrator's shell says so on its card (administrator, as whom, whose password)
    /// and on the banner; its grant is still the one shell, with its elevation kept.
    #[test]
    fn an_elevated_shell_says_administrator_and_as_whom() {
        let mut specific = grant(8, "alice", Capability::Shell, GrantState::Prompting);
        specific.elevation = Some(Elevation {
            method: ElevationMethod::SpecificUser,
            user: "sbadmin".into(),
        });
        assert_eq!(
            prompt_text(&specific),
            "alice name wants to open a command shell as administrator (user sbadmin, with \
             credentials alice name typed). They could do anything on this computer: change \
             any setting, read or delete any file, install programs. Allow only if you trust \
             this support session."
        );
        let mut pkexec = specific.clone();
        pkexec.elevation = Some(Elevation {
            method: ElevationMethod::PromptCustomer,
            user: "root".into(),
        });
        let text = prompt_text(&pkexec);
        assert!(
            text.starts_with(
                "alice name wants to open a command shell as administrator (root). Your \
                 computer will ask you for an administrator's password. They could do anything"
            ),
            "{text}"
        );

        let mut view = GrantView::default();
        specific.state = GrantState::Granted;
        view.apply(vec![specific]);
        assert!(view.is_live(GrantId(8)) && !view.is_live(GrantId(9)));
        assert_eq!(view.elevation(GrantId(8)).unwrap().user, "sbadmin");
        let user = view.share_state().shell.unwrap();
        assert_eq!(
            shell_banner_text(&user),
            "alice name is using an administrator shell (sbadmin)"
        );
        view.stop(GrantId(8));
        assert!(!view.is_live(GrantId(8)) && view.elevation(GrantId(8)).is_none());
    }
}
