//! The Administrator menu's reasons, in order (permissions, the session, web chat, what the
//! customer's program said, a shell already live), who a live elevated shell runs as, the
//! Shell entry's words for one that could not start, and the "Shell as a specific user"
//! form: its checks, and that the password leaves it with the request.

use super::*;
use crate::model::shell::shell_toolbar;
use crate::model::tests::remote_fixture::{NOW, alice, bob, session};
use crate::text::elevation as words;
use crate::text::remote as shell_words;
use switchboard_protocol::{
    Elevation, ElevationSupport, GrantEnd, GrantId, GrantInfo, ScreenSource,
};

/// A rep who may (`shell`, `elevate`) or may not.
fn permissions(shell: bool, elevate: bool) -> Permissions {
    Permissions {
        general_queue: true,
        share_outside_teams: false,
        transfer: true,
        max_sessions: 3,
        lead: false,
        screen: Default::default(),
        shell,
        support_button: false,
        jump_client: false,
        elevate,
        monitor: Default::default(),
        take_over: Default::default(),
        whisper: Default::default(),
    }
}

fn permitted() -> Permissions {
    permissions(true, true)
}

/// A native customer whose program can do both methods.
fn able() -> SessionInfo {
    let mut info = session(ScreenSource::Desktop, vec![]);
    info.remote.elevation = Some(ElevationSupport::default());
    info
}

fn shell_grant(id: u64, rep: RepId, state: GrantState, user: Option<&str>) -> GrantInfo {
    GrantInfo {
        grant_id: GrantId(id),
        rep_name: if rep == alice() { "Alice" } else { "Bob" }.into(),
        rep,
        capability: Capability::Shell,
        state,
        requested_at: NOW - 6_000,
        deadline: NOW + 24_000,
        ended: None,
        elevation: user.map(|user| Elevation {
            method: ElevationMethod::SpecificUser,
            user: user.into(),
        }),
    }
}

fn both(reason: &str) -> (Option<String>, Option<String>) {
    (Some(reason.to_owned()), Some(reason.to_owned()))
}

fn reasons(bar: &ElevationBar) -> (Option<String>, Option<String>) {
    (bar.prompt_customer.clone(), bar.specific_user.clone())
}

/// A permitted rep, a native customer whose program can elevate, no shell live: both open.
#[test]
fn both_open_when_everything_allows() {
    let bar = elevation_bar(&able(), &alice(), Some(&permitted()));
    assert_eq!(reasons(&bar), (None, None));
    assert_eq!(bar.shared_reason(), None);
    assert_eq!(bar.live_user, None);
}

/// Permissions first: without `elevate` the administrator's words (whatever `shell` says),
/// with `elevate` but without `shell` the shell's; before the snapshot (no permissions) as
/// without.
#[test]
fn permissions_grey_both() {
    let info = able();
    for shell in [true, false] {
        let no_elevate = permissions(shell, false);
        let bar = elevation_bar(&info, &alice(), Some(&no_elevate));
        assert_eq!(reasons(&bar), both(words::NO_PERMISSION));
        assert_eq!(bar.shared_reason(), Some(words::NO_PERMISSION));
    }
    let no_shell = permissions(false, true);
    let bar = elevation_bar(&info, &alice(), Some(&no_shell));
    assert_eq!(reasons(&bar), both(shell_words::SHELL_NO_PERMISSION));
    assert_eq!(
        reasons(&elevation_bar(&info, &alice(), None)),
        both(words::NO_PERMISSION)
    );
}

/// The session and the customer's side: waiting in a queue, gone, ended, in web chat or a
/// browser tab (no shell to elevate).
#[test]
fn the_customers_side_greys_both() {
    let p = permitted();
    let mut waiting = able();
    waiting.owner = None;
    waiting.waiting_in = Some(switchboard_protocol::QueueRef::General);
    assert_eq!(
        reasons(&elevation_bar(&waiting, &alice(), Some(&p))),
        both(shell_words::SHELL_SESSION_WAITING)
    );
    let mut gone = able();
    gone.customer_connected = false;
    let mut ended = able();
    ended.ended = true;
    for info in [gone, ended] {
        assert_eq!(
            reasons(&elevation_bar(&info, &alice(), Some(&p))),
            both(shell_words::SHELL_NOT_CONNECTED)
        );
    }
    for source in [ScreenSource::None, ScreenSource::Tab] {
        let mut web = session(source, vec![]);
        // Even if something said it could: a page cannot run a shell at all.
        web.remote.elevation = Some(ElevationSupport::default());
        assert_eq!(
            reasons(&elevation_bar(&web, &alice(), Some(&p))),
            both(words::NOT_NATIVE)
        );
    }
}

/// The program's word: nothing said greys both ("has not said it can elevate"); a method it
/// cannot do is greyed with its own reason, the other stays open.
#[test]
fn what_the_program_said_decides_each_method() {
    let p = permitted();
    let silent = session(ScreenSource::Desktop, vec![]);
    assert_eq!(
        reasons(&elevation_bar(&silent, &alice(), Some(&p))),
        both(words::NOT_DESCRIBED)
    );
    let mut no_pkexec = able();
    no_pkexec.remote.elevation = Some(ElevationSupport {
        prompt_customer: Some("pkexec (polkit) is not installed on this computer".into()),
        specific_user: None,
    });
    let bar = elevation_bar(&no_pkexec, &alice(), Some(&p));
    assert_eq!(
        reasons(&bar),
        (
            Some(
                "The customer's computer cannot do this: pkexec (polkit) is not installed on \
                 this computer"
                    .to_owned()
            ),
            None
        )
    );
    assert_eq!(bar.shared_reason(), None);
    assert_eq!(bar.reason(ElevationMethod::SpecificUser), None);
}

/// One shell per session: the rep's own live shell (asked or granted) says to stop it; a
/// colleague's is named, using or asking. An ended one does not count.
#[test]
fn a_live_shell_greys_both() {
    let p = permitted();
    for state in [GrantState::Prompting, GrantState::Granted] {
        let mut mine = able();
        mine.remote.grants = vec![shell_grant(1, alice(), state, None)];
        assert_eq!(
            reasons(&elevation_bar(&mine, &alice(), Some(&p))),
            both(words::OWN_SHELL_LIVE)
        );
    }
    let mut bobs = able();
    bobs.remote.grants = vec![shell_grant(2, bob(), GrantState::Granted, None)];
    assert_eq!(
        reasons(&elevation_bar(&bobs, &alice(), Some(&p))),
        both(&shell_words::shell_in_use("Bob"))
    );
    bobs.remote.grants = vec![shell_grant(2, bob(), GrantState::Prompting, None)];
    assert_eq!(
        reasons(&elevation_bar(&bobs, &alice(), Some(&p))),
        both(&shell_words::shell_asked_by("Bob"))
    );
    let mut over = able();
    over.remote.grants = vec![shell_grant(
        3,
        alice(),
        GrantState::Stopped,
        Some("sbadmin"),
    )];
    let bar = elevation_bar(&over, &alice(), Some(&p));
    assert_eq!(reasons(&bar), (None, None));
    assert_eq!(bar.live_user, None, "an ended elevated shell is not live");
}

/// While a live shell grant is elevated (anyone's, asked or granted), the bar knows who it
/// runs as: "Shell · administrator: sbadmin".
#[test]
fn a_live_elevated_shell_names_its_user() {
    let p = permitted();
    for state in [GrantState::Prompting, GrantState::Granted] {
        for rep in [alice(), bob()] {
            let mut info = able();
            info.remote.grants = vec![shell_grant(4, rep, state, Some("sbadmin"))];
            let bar = elevation_bar(&info, &alice(), Some(&p));
            assert_eq!(bar.live_user.as_deref(), Some("sbadmin"));
        }
    }
    assert_eq!(words::badge("sbadmin"), "Shell · administrator: sbadmin");
    assert_eq!(
        words::view_status("sbadmin", 80, 24, "Connected"),
        "Command shell · administrator: sbadmin · 80×24 · Connected"
    );
    let mut plain = able();
    plain.remote.grants = vec![shell_grant(5, alice(), GrantState::Granted, None)];
    assert_eq!(elevation_bar(&plain, &alice(), Some(&p)).live_user, None);
}

/// An administrator's shell that could not start (`elevation_failed`) is told beside the
/// Shell entry in plain words; the model's toolbar carries the Administrator menu.
#[test]
fn a_failed_elevation_reads_in_plain_words() {
    let mut info = able();
    let mut failed = shell_grant(6, alice(), GrantState::Stopped, Some("sbadmin"));
    failed.ended = Some(GrantEnd::ElevationFailed);
    info.remote.grants = vec![failed];
    let bar = shell_toolbar(&info, &alice(), true, NOW);
    assert_eq!(bar.note.as_deref(), Some(words::FAILED));
    assert_eq!(
        bar.elevation, None,
        "the plain toolbar has no elevate permission"
    );

    let mut model = Model::new();
    model.me = Some(switchboard_protocol::RepInfo {
        rep: alice(),
        display_name: "Alice".into(),
        teams: vec![],
        presence: switchboard_protocol::Presence::Available,
        extended_availability: false,
    });
    model.permissions = Some(permitted());
    let bar = model.shell_toolbar(&info, NOW).unwrap();
    assert_eq!(
        bar.elevation,
        Some(elevation_bar(&info, &alice(), Some(&permitted())))
    );
}

/// User names as the server takes them: 1 to 32 of a–z 0–9 _ . -, not starting with - or
/// . (su would read "-x" as an option); spaces around are dropped.
#[test]
fn user_names_are_checked_as_the_server_does() {
    for good in [
        "sbadmin",
        "root",
        "a",
        "web_admin.2",
        "x-y",
        &"a".repeat(32),
        " root ",
    ] {
        assert_eq!(user_name_problem(good), None, "{good:?}");
    }
    assert_eq!(user_name_problem(""), Some(words::USER_NAME_EMPTY));
    assert_eq!(user_name_problem("  "), Some(words::USER_NAME_EMPTY));
    for bad in [
        "-c",
        ".hidden",
        "Admin",
        "ad min",
        "root;id",
        "ü",
        &"a".repeat(33),
    ] {
        assert_eq!(
            user_name_problem(bad),
            Some(words::USER_NAME_INVALID),
            "{bad:?}"
        );
    }
}

/// Passwords: 1 to 1024 bytes, spaces kept.
#[test]
fn passwords_are_checked_by_bytes() {
    assert_eq!(password_problem(""), Some(words::PASSWORD_EMPTY.to_owned()));
    assert_eq!(password_problem(" "), None);
    assert_eq!(password_problem(&"x".repeat(MAX_PASSWORD_BYTES)), None);
    assert_eq!(
        password_problem(&"é".repeat(513)),
        Some(words::password_too_long(MAX_PASSWORD_BYTES))
    );
}

/// The form: nothing typed is not yet a problem to show (but Ask is greyed); a bad user
/// name is shown; Ask with a problem leaves the form as it was.
#[test]
fn the_form_says_what_is_wrong() {
    let mut form = ElevateForm::new(SessionId(14));
    assert_eq!(form.typed_problem(), None);
    assert_eq!(form.problem().as_deref(), Some(words::USER_NAME_EMPTY));
    form.user_name = "-root".into();
    assert_eq!(
        form.typed_problem().as_deref(),
        Some(words::USER_NAME_INVALID)
    );
    form.user_name = "sbadmin".into();
    assert_eq!(form.typed_problem(), None);
    assert_eq!(form.problem().as_deref(), Some(words::PASSWORD_EMPTY));
    assert_eq!(form.ask(), Err(words::PASSWORD_EMPTY.to_owned()));
    form.password_mut().push_str("Sb-test-elevation-1");
    form.user_name = "Bad".into();
    assert!(form.ask().is_err());
    assert!(form.has_password(), "a refused Ask keeps what was typed");
}

/// Ask moves the password into the `elevate_shell` request: the form keeps none of it, and
/// neither the form's nor the request's Debug (what a log line would print) shows it.
#[test]
fn the_password_leaves_the_form_with_the_request() {
    let mut form = ElevateForm::new(SessionId(14));
    form.user_name = " sbadmin ".into();
    form.password_mut().push_str("Sb-test-elevation-1");
    assert!(!format!("{form:?}").contains("Sb-test"), "{form:?}");
    let request = form.ask().unwrap();
    assert_eq!(
        request,
        RepRequest::ElevateShell {
            session_id: SessionId(14),
            elevation: switchboard_protocol::ElevationRequest::SpecificUser {
                username: "sbadmin".into(),
                password: switchboard_protocol::Secret("Sb-test-elevation-1".into()),
            },
        }
    );
    assert!(!form.has_password());
    assert!(form.password_mut().is_empty());
    assert!(!format!("{request:?}").contains("Sb-test"), "{request:?}");
    // Asking again needs the password typed again.
    assert_eq!(form.problem().as_deref(), Some(words::PASSWORD_EMPTY));
}

/// Prompt Customer carries no credentials; the wipe used when the form goes empties the
/// string.
#[test]
fn prompt_customer_and_the_wipe() {
    assert_eq!(
        prompt_customer_request(SessionId(3)),
        RepRequest::ElevateShell {
            session_id: SessionId(3),
            elevation: switchboard_protocol::ElevationRequest::PromptCustomer,
        }
    );
    let mut secret = String::from("hunter2");
    wipe(&mut secret);
    assert!(secret.is_empty());
}
