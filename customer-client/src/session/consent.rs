//! How a rep's request is answered on this machine, before any card is shown: by the
//! customer (the card), at once by an automatic [`Policy`] (simulated customers, the demo,
//! tests), or refused because this machine cannot give it (no screen to share, no shell
//! engine, no way to elevate). Pure, so the rule "an automatic policy hands out a shell only
//! when told to, and a person always gets the card" is a unit test. Also what this machine
//! says it can do for elevated shells (`describe_elevation`), with the reason when it cannot.

use switchboard_protocol::{Capability, ElevationMethod, ElevationSupport};

/// How consent requests are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The customer answers (the window's consent cards); unanswered, the server times it
    /// out. The window always runs with this one.
    Ask,
    /// Every screen request is allowed at once (simulated customers, the demo, tests); a
    /// command shell is refused at once, since a shell runs any command as the user of the
    /// machine this runs on. [`Policy::AllowAllWithShell`] allows it too.
    AllowAll,
    /// Every request is allowed at once, the command shell included: only for tests of the
    /// shell, never for a person.
    AllowAllWithShell,
    /// Every request is denied at once.
    DenyAll,
}

/// What happens to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The consent card: the customer decides (unanswered, the server times it out).
    Ask,
    /// Allowed at once.
    Allow,
    /// Denied at once; with the words to tell the customer why, if there are any.
    Deny(Option<String>),
}

/// Why this build cannot run a command shell, if it cannot (the engine is Unix only).
#[cfg(unix)]
pub const SHELL_UNAVAILABLE: Option<&str> = None;

/// Why this build cannot run a command shell, if it cannot (the engine is Unix only).
#[cfg(not(unix))]
pub const SHELL_UNAVAILABLE: Option<&str> = Some(
    "A support representative asked for a command shell, which this computer cannot offer \
     yet; it was refused. Chat and screen sharing work as usual.",
);

impl Policy {
    /// How a request for `capability` is answered, given whether this machine can share its
    /// screen (`screen`: why not) and run a shell (`shell`: why not).
    pub fn answer(
        self,
        capability: Capability,
        screen: Result<(), &str>,
        shell: Result<(), &str>,
    ) -> Answer {
        let possible = if capability.is_screen() {
            screen
        } else {
            shell
        };
        if let Err(why) = possible {
            return Answer::Deny(Some(why.to_owned()));
        }
        match (self, capability) {
            (Policy::Ask, _) => Answer::Ask,
            (Policy::DenyAll, _) => Answer::Deny(None),
            (Policy::AllowAllWithShell, _) => Answer::Allow,
            (Policy::AllowAll, Capability::Shell) => Answer::Deny(None),
            (Policy::AllowAll, _) => Answer::Allow,
        }
    }
}

/// Whether this build runs a command shell (`Err`: the words the customer reads).
pub fn shell_support() -> Result<(), &'static str> {
    match SHELL_UNAVAILABLE {
        None => Ok(()),
        Some(why) => Err(why),
    }
}

/// Why elevated shells cannot run on this build's operating system.
#[cfg(not(unix))]
pub const ELEVATION_UNAVAILABLE: &str =
    "elevated shells are not available on this computer's operating system yet";

/// What this machine can do for elevation, as `describe_elevation` reports it: from the
/// engine's check (`su`, pkexec and a graphical session for its dialog) on Unix; nothing
/// elsewhere, with the reason.
pub fn elevation_support() -> ElevationSupport {
    #[cfg(unix)]
    {
        let support = crate::elevate::support();
        ElevationSupport {
            prompt_customer: support.prompt_customer.err(),
            specific_user: support.specific_user.err(),
        }
    }
    #[cfg(not(unix))]
    {
        ElevationSupport {
            prompt_customer: Some(ELEVATION_UNAVAILABLE.to_owned()),
            specific_user: Some(ELEVATION_UNAVAILABLE.to_owned()),
        }
    }
}

/// Whether a shell request elevated by `method` (`None`: the customer's own shell) can run
/// here, given the shell engine (`shell`) and what elevation can do (`support`); `Err`: the
/// words the customer reads.
pub fn shell_request_support(
    method: Option<ElevationMethod>,
    shell: Result<(), &str>,
    support: &ElevationSupport,
) -> Result<(), String> {
    shell.map_err(str::to_owned)?;
    match method.and_then(|method| support.unavailable(method)) {
        None => Ok(()),
        Some(why) => Err(format!(
            "A support representative asked for an administrator's command shell, which \
             this computer cannot offer: {why}. It was refused."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    const OK: Result<(), &str> = Ok(());

    /// The card is shown for every capability when the customer answers; a shell is allowed
    /// automatically only by the policy that names it.
    #[test]
    fn a_shell_is_allowed_automatically_only_when_named() {
        for capability in [ScreenView, ScreenControl, Shell] {
            assert_eq!(Policy::Ask.answer(capability, OK, OK), Answer::Ask);
            assert_eq!(
                Policy::DenyAll.answer(capability, OK, OK),
                Answer::Deny(None)
            );
            assert_eq!(
                Policy::AllowAllWithShell.answer(capability, OK, OK),
                Answer::Allow
            );
        }
        assert_eq!(Policy::AllowAll.answer(ScreenView, OK, OK), Answer::Allow);
        assert_eq!(
            Policy::AllowAll.answer(ScreenControl, OK, OK),
            Answer::Allow
        );
        assert_eq!(Policy::AllowAll.answer(Shell, OK, OK), Answer::Deny(None));
    }

    /// A machine that cannot share its screen (Wayland) still offers the shell, and one
    /// without a shell engine (Windows) still shares its screen; what is impossible is
    /// refused with its reason, whatever the policy.
    #[test]
    fn what_the_machine_cannot_do_is_refused_with_its_reason() {
        let wayland = Err("needs X11");
        let windows = Err("no shell here");
        for policy in [
            Policy::Ask,
            Policy::AllowAll,
            Policy::AllowAllWithShell,
            Policy::DenyAll,
        ] {
            assert_eq!(
                policy.answer(ScreenView, wayland, OK),
                Answer::Deny(Some("needs X11".into()))
            );
            assert_eq!(
                policy.answer(Shell, OK, windows),
                Answer::Deny(Some("no shell here".into()))
            );
        }
        assert_eq!(Policy::Ask.answer(Shell, wayland, OK), Answer::Ask);
        assert_eq!(Policy::Ask.answer(ScreenControl, OK, windows), Answer::Ask);
    }

    /// This build's shell support matches its engine.
    #[test]
    fn shell_support_matches_the_engine() {
        assert_eq!(shell_support().is_ok(), cfg!(unix));
    }

    /// An elevated shell needs its method here as well as the shell engine; the customer's
    /// own shell needs only the engine.
    #[test]
    fn an_elevated_shell_needs_its_method() {
        let support = ElevationSupport {
            prompt_customer: Some("pkexec (polkit) is not installed".into()),
            specific_user: None,
        };
        assert_eq!(shell_request_support(None, OK, &support), Ok(()));
        assert_eq!(
            shell_request_support(Some(ElevationMethod::SpecificUser), OK, &support),
            Ok(())
        );
        let refused =
            shell_request_support(Some(ElevationMethod::PromptCustomer), OK, &support).unwrap_err();
        assert!(
            refused.contains("pkexec (polkit) is not installed"),
            "{refused}"
        );
        assert_eq!(
            shell_request_support(
                Some(ElevationMethod::SpecificUser),
                Err("no shell"),
                &support
            ),
            Err("no shell".to_owned())
        );
        #[cfg(unix)]
        assert_eq!(
            elevation_support().specific_user.is_none(),
            crate::elevate::support().specific_user.is_ok()
        );
    }
}
