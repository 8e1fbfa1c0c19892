//! Elevated shells in the router (docs/PROTOCOL.md `elevate_shell`): what the program says it
//! can do, shown to reps; the permission and source matrix with the program's own reason; the
//! credentials' bounds; one shell per session; the credentials only to the customer, once,
//! right after the allow, and in nothing stored or sent to a rep; dropped by every other way a
//! request ends (`elevation_ends.rs`); `elevation_failed` there too.

use super::remote::{
    answer, customer_ok, customer_refused, native, public_lines, refused, remote_updated,
    session_of, shared, state,
};
use super::support::*;
use crate::router::effects::Effect;
use std::sync::Arc;
use switchboard_protocol::{
    Capability, ClientKind, CustomerRequest, CustomerServerMessage, Elevation, ElevationMethod,
    ElevationRequest, ElevationSupport, ErrorCode, GrantId, GrantState, OkResult, RepEvent,
    RepRequest, Route, Secret, SessionId,
};

pub(super) const PASSWORD: &str = "Sb-test-elevation-1";

pub(super) fn specific(username: &str, password: &str) -> ElevationRequest {
    ElevationRequest::SpecificUser {
        username: username.into(),
        password: Secret(password.into()),
    }
}

pub(super) fn elevate(session_id: SessionId, elevation: ElevationRequest) -> RepRequest {
    RepRequest::ElevateShell {
        session_id,
        elevation,
    }
}

/// Both methods available.
pub(super) fn both() -> ElevationSupport {
    ElevationSupport::default()
}

pub(super) fn describe(h: &mut Harness, id: SessionId, support: ElevationSupport) -> Vec<Effect> {
    customer_ok(h, id, CustomerRequest::DescribeElevation { support })
}

/// `owner`'s native session whose program said both methods work.
pub(super) fn described(h: &mut Harness, owner: &str) -> SessionId {
    let id = native(h, owner);
    describe(h, id, both());
    id
}

/// An `elevate_shell` that must be answered with a new grant.
pub(super) fn elevates(
    h: &mut Harness,
    who: &str,
    id: SessionId,
    request: ElevationRequest,
) -> (GrantId, Vec<Effect>) {
    match h.ok(who, elevate(id, request)) {
        (Some(OkResult::Grant { grant_id }), effects) => (grant_id, effects),
        other => panic!("elevate_shell: {other:?}"),
    }
}

/// Every text the effects would put on a wire or in the store: rep events and customer
/// messages as JSON, store operations as the store would keep them.
fn texts(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .map(|e| match e {
            Effect::ToRep(rep, event) => {
                (format!("to {rep}"), serde_json::to_string(event).unwrap())
            }
            Effect::ToCustomer(_, m) | Effect::ToCustomerConn(_, m) => {
                ("to the customer".into(), serde_json::to_string(m).unwrap())
            }
            Effect::Persist(op) => {
                let mut store = MemStore::default();
                store.apply(op);
                ("stored".into(), format!("{store:?} {op:?}"))
            }
            other => ("other".into(), format!("{other:?}")),
        })
        .collect()
}

/// Where among the effects the password shows (where it is sent or kept).
pub(super) fn password_in(effects: &[Effect]) -> Vec<String> {
    texts(effects)
        .into_iter()
        .filter(|(_, text)| text.contains(PASSWORD))
        .map(|(place, _)| place)
        .collect()
}

/// The credentials messages among the effects.
pub(super) fn credentials(effects: &[Effect], id: SessionId) -> Vec<CustomerServerMessage> {
    to_customer(effects, id)
        .into_iter()
        .filter(|m| matches!(m, CustomerServerMessage::ElevationCredentials { .. }))
        .cloned()
        .collect()
}

/// A configuration in which Bob may have a shell but not an administrator's.
fn bob_without_elevate() -> Harness {
    let mut config = (*config()).clone();
    config
        .reps
        .get_mut(&rep("bob"))
        .expect("bob is configured")
        .permissions
        .elevate = false;
    let mut h = Harness::with_config(Arc::new(config));
    h.connect("alice");
    h.connect("bob");
    h
}

/// `describe_elevation` is kept on the session, stored with it, and shown to its reps as
/// `remote.elevation`; only the native client may say it, with reasons of sane length.
#[test]
fn the_programs_word_is_kept_and_shown_to_reps() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    assert_eq!(h.session(id).elevation, None);
    let support = ElevationSupport {
        prompt_customer: Some("pkexec (polkit) is not installed on this computer.".into()),
        specific_user: None,
    };
    let effects = describe(&mut h, id, support.clone());
    let shown = events_for(&effects, "alice")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionUpdated { session } => Some(session.remote.elevation.clone()),
            _ => None,
        });
    assert_eq!(shown, Some(Some(support.clone())), "alice is told");
    assert_eq!(h.session(id).elevation, Some(support.clone()));
    let (_, json) = &h.store.sessions[&id.0];
    assert!(json.contains("pkexec (polkit)"), "stored with the session");
    // The same again changes nothing.
    let again = describe(&mut h, id, support);
    assert!(events_for(&again, "alice").is_empty());
    // Too long a reason, an empty one, or a web customer: invalid.
    for bad in [String::new(), "x".repeat(301)] {
        customer_refused(
            &mut h,
            id,
            CustomerRequest::DescribeElevation {
                support: ElevationSupport {
                    prompt_customer: Some(bad),
                    specific_user: None,
                },
            },
            ErrorCode::Invalid,
        );
    }
    let web = session_of(
        &mut h,
        "alice",
        ClientKind::Web,
        Route::Rep { rep: rep("alice") },
    );
    customer_refused(
        &mut h,
        web,
        CustomerRequest::DescribeElevation { support: both() },
        ErrorCode::Invalid,
    );
}

/// Who may ask, and on what: `shell` and `elevate` both (forbidden), a rep in the session
/// (not_in_session), the native client that said the method works (remote_unavailable, with
/// the program's own reason), a user name `su` takes and a password of 1 to 1024 bytes
/// (invalid); a participant with the permissions may ask.
#[test]
fn the_permission_matrix() {
    let mut h = Harness::with_reps(&["alice", "carol", "dave"]);
    // Carol and Dave have no shell at all.
    for who in ["carol", "dave"] {
        let id = described(&mut h, who);
        refused(
            &mut h,
            who,
            elevate(id, ElevationRequest::PromptCustomer),
            ErrorCode::Forbidden,
        );
    }
    // Someone else's session: not in it.
    let id = native(&mut h, "alice");
    refused(
        &mut h,
        "dave",
        elevate(id, ElevationRequest::PromptCustomer),
        ErrorCode::NotInSession,
    );
    // The program has not said: nothing can be elevated.
    refused(
        &mut h,
        "alice",
        elevate(id, ElevationRequest::PromptCustomer),
        ErrorCode::RemoteUnavailable,
    );
    // A method it cannot do: refused with its reason.
    let reason = "pkexec (polkit) is not installed on this computer.";
    describe(
        &mut h,
        id,
        ElevationSupport {
            prompt_customer: Some(reason.into()),
            specific_user: None,
        },
    );
    let (reply, _) = h.request("alice", elevate(id, ElevationRequest::PromptCustomer));
    let refusal = reply.expect_err("prompt_customer is unavailable");
    assert_eq!(
        (refusal.code, refusal.message.as_str()),
        (ErrorCode::RemoteUnavailable, reason)
    );
    // A web customer has no shell.
    let web = session_of(
        &mut h,
        "alice",
        ClientKind::Web,
        Route::Rep { rep: rep("alice") },
    );
    refused(
        &mut h,
        "alice",
        elevate(web, specific("sbadmin", PASSWORD)),
        ErrorCode::RemoteUnavailable,
    );
    // User names su would misread, and passwords out of bounds.
    let long_name = "a".repeat(33);
    for name in [
        "",
        "-root",
        ".hidden",
        "Root",
        "a b",
        "root;id",
        long_name.as_str(),
    ] {
        refused(
            &mut h,
            "alice",
            elevate(id, specific(name, PASSWORD)),
            ErrorCode::Invalid,
        );
    }
    let long_password = "p".repeat(1025);
    for password in ["", long_password.as_str()] {
        refused(
            &mut h,
            "alice",
            elevate(id, specific("sbadmin", password)),
            ErrorCode::Invalid,
        );
    }
    assert!(h.session(id).grants.list.is_empty(), "nothing was asked");
    // 32 characters and 1024 bytes are fine.
    let (g, _) = elevates(
        &mut h,
        "alice",
        id,
        specific(&"a".repeat(32), &"p".repeat(1024)),
    );
    assert_eq!(state(&h, id, g), (GrantState::Prompting, None));

    // Bob with a shell but without `elevate`: forbidden; as a participant with it, he may.
    let mut h = bob_without_elevate();
    let id = shared(&mut h, "alice", &["bob"]);
    describe(&mut h, id, both());
    refused(
        &mut h,
        "bob",
        elevate(id, ElevationRequest::PromptCustomer),
        ErrorCode::Forbidden,
    );
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    describe(&mut h, id, both());
    let (g, _) = elevates(&mut h, "bob", id, ElevationRequest::PromptCustomer);
    assert_eq!(state(&h, id, g), (GrantState::Prompting, None));
}

/// One shell per session, elevated or not: the asker's second is already_in_session, anyone
/// else's remote_unavailable, and an elevated one after a plain one likewise.
#[test]
fn one_shell_per_session() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    describe(&mut h, id, both());
    elevates(&mut h, "alice", id, specific("sbadmin", PASSWORD));
    refused(
        &mut h,
        "alice",
        elevate(id, ElevationRequest::PromptCustomer),
        ErrorCode::AlreadyInSession,
    );
    refused(
        &mut h,
        "bob",
        elevate(id, ElevationRequest::PromptCustomer),
        ErrorCode::RemoteUnavailable,
    );
    refused(
        &mut h,
        "bob",
        RepRequest::RequestRemote {
            session_id: id,
            capability: Capability::Shell,
        },
        ErrorCode::RemoteUnavailable,
    );
    let plain = described(&mut h, "bob");
    let (reply, _) = h.ok(
        "bob",
        RepRequest::RequestRemote {
            session_id: plain,
            capability: Capability::Shell,
        },
    );
    assert!(matches!(reply, Some(OkResult::Grant { .. })));
    refused(
        &mut h,
        "bob",
        elevate(plain, ElevationRequest::PromptCustomer),
        ErrorCode::AlreadyInSession,
    );
}

/// A specific_user request prompts the customer with the grant's elevation and its lines say
/// "as administrator (sbadmin)"; the password is in nothing the request sends or stores; the
/// customer's allow sends `elevation_credentials` once, to the customer only, after the
/// granted `remote_updated`, and the router forgets it.
#[test]
fn credentials_go_once_to_the_customer_after_the_allow_and_nowhere_else() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    describe(&mut h, id, both());
    let (g, effects) = elevates(&mut h, "alice", id, specific("sbadmin", PASSWORD));
    assert_eq!(
        password_in(&effects),
        Vec::<String>::new(),
        "the request sends or keeps no password"
    );
    let elevation = Some(Elevation {
        method: ElevationMethod::SpecificUser,
        user: "sbadmin".into(),
    });
    let prompted = remote_updated(&effects, id).expect("the customer is prompted");
    let prompt = prompted
        .iter()
        .find(|x| x.grant_id == g)
        .expect("the grant");
    assert_eq!(
        (prompt.state, &prompt.elevation),
        (GrantState::Prompting, &elevation)
    );
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin asked to open a command shell as administrator (sbadmin)."]
    );
    assert!(h.router.holds_credentials(id, g));

    let effects = customer_ok(&mut h, id, answer(g, true));
    assert_eq!(state(&h, id, g), (GrantState::Granted, None));
    assert_eq!(
        credentials(&effects, id),
        [CustomerServerMessage::ElevationCredentials {
            grant_id: g,
            username: "sbadmin".into(),
            password: Secret(PASSWORD.into()),
        }]
    );
    assert_eq!(
        password_in(&effects),
        ["to the customer"],
        "only the credentials carry it"
    );
    let granted_at = effects
        .iter()
        .position(|e| {
            matches!(
                e,
                Effect::ToCustomer(_, CustomerServerMessage::RemoteUpdated { .. })
            )
        })
        .expect("remote_updated");
    let sent_at = effects
        .iter()
        .position(|e| {
            matches!(
                e,
                Effect::ToCustomer(_, CustomerServerMessage::ElevationCredentials { .. })
            )
        })
        .expect("the credentials");
    assert!(granted_at < sent_at, "granted first, then the credentials");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ToCustomerConn(..)))
    );
    assert_eq!(
        public_lines(&effects),
        ["The customer allowed Alice Martin to open a command shell as administrator (sbadmin)."]
    );
    assert!(!h.router.holds_credentials(id, g), "forgotten once sent");
    // Nothing stored holds it, and nothing later repeats it.
    assert!(!format!("{:?}", h.store).contains(PASSWORD));
    let later = customer_ok(&mut h, id, CustomerRequest::StopRemote { grant_id: None });
    assert!(credentials(&later, id).is_empty());
}

/// Prompt Customer carries no credentials: the shell runs as root and the allow sends none.
#[test]
fn prompt_customer_runs_as_root_without_credentials() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = described(&mut h, "alice");
    let (g, effects) = elevates(&mut h, "alice", id, ElevationRequest::PromptCustomer);
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin asked to open a command shell as administrator (root)."]
    );
    assert!(!h.router.holds_credentials(id, g));
    let effects = customer_ok(&mut h, id, answer(g, true));
    assert!(credentials(&effects, id).is_empty());
    let grant = super::remote::grant(&h, id, g);
    assert_eq!(
        grant.elevation,
        Some(Elevation {
            method: ElevationMethod::PromptCustomer,
            user: "root".into(),
        })
    );
}

/// The prompt stays: an elevated shell in a Jump Client session whose policy grants without
/// asking is still prompted.
#[test]
fn an_elevated_shell_is_prompted_whatever_the_jump_policy() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = described(&mut h, "alice");
    if let Some(session) = h.router.session_mut(id) {
        session.jump = Some(switchboard_protocol::JumpPolicy::NoPrompt);
    }
    let (reply, _) = h.ok(
        "alice",
        RepRequest::RequestRemote {
            session_id: id,
            capability: Capability::ScreenView,
        },
    );
    let Some(OkResult::Grant { grant_id: view }) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(
        state(&h, id, view).0,
        GrantState::Granted,
        "the policy grants a view"
    );
    let (g, effects) = elevates(&mut h, "alice", id, ElevationRequest::PromptCustomer);
    assert_eq!(state(&h, id, g).0, GrantState::Prompting);
    let lines = public_lines(&effects);
    assert_eq!(
        lines,
        ["Alice Martin asked to open a command shell as administrator (root)."]
    );
}
