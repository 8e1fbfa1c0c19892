//! Support Buttons, special actions, a shell's own exit and closing with uninstall in the
//! router (docs/PROTOCOL.md §5, §9): who may deploy, list and remove buttons and for which
//! queue, the token routing a new session until it is removed or expires, the machine they
//! belong to, the iOS card only for iOS customers, and `end_and_uninstall` only for the
//! native client.

use super::remote::{answer, asks, customer_ok, customer_refused, native, public_lines, refused};
use super::support::*;
use crate::router::effects::{Effect, StoreOp};
use switchboard_protocol::{
    ButtonId, ButtonState, Capability, ClientKind, CloseMode, CustomerRequest,
    CustomerServerMessage, ErrorCode, GrantEnd, GrantState, MachineInfo, OkResult, Platform,
    QueueRef, RepRequest, Route, SessionId, SpecialAction,
};

fn machine(id: &str) -> MachineInfo {
    MachineInfo {
        machine_id: id.to_owned(),
        host: "sams-laptop".to_owned(),
        os: "Linux (Debian 12)".to_owned(),
    }
}

/// A native session owned by `owner` whose client described machine `id`.
fn on_machine(h: &mut Harness, owner: &str, id: &str) -> SessionId {
    let session = native(h, owner);
    customer_ok(
        h,
        session,
        CustomerRequest::DescribeMachine {
            machine: machine(id),
        },
    );
    session
}

fn deploy(session_id: SessionId, description: &str, team: Option<&str>) -> RepRequest {
    RepRequest::DeployButton {
        session_id,
        description: description.to_owned(),
        team: team.map(team_id),
    }
}

fn team_id(name: &str) -> switchboard_protocol::TeamId {
    switchboard_protocol::TeamId::new(name)
}

/// Deploys a button; its id and the token the customer was sent.
fn deployed(h: &mut Harness, who: &str, id: SessionId, team: Option<&str>) -> (ButtonId, String) {
    let (result, effects) = h.ok(who, deploy(id, "Printer help", team));
    let Some(OkResult::Button { button_id }) = result else {
        panic!("deploy_button answered {result:?}");
    };
    let token = effects
        .iter()
        .find_map(|e| match e {
            Effect::ToCustomer(
                session,
                CustomerServerMessage::InstallButton {
                    button_id: b,
                    token,
                    description,
                },
            ) if *session == id && *b == button_id => {
                assert_eq!(description, "Printer help");
                Some(token.clone())
            }
            _ => None,
        })
        .expect("the customer is asked to install it");
    // Only the token's hash is stored.
    let stored = effects.iter().any(|e| {
        matches!(e, Effect::Persist(StoreOp::PutButton(b))
            if b.info.button_id == button_id && b.token_hash != token && !b.token_hash.is_empty())
    });
    assert!(stored, "the button is stored, by its token's hash");
    (button_id, token)
}

fn listed(h: &mut Harness, who: &str, id: SessionId) -> Vec<switchboard_protocol::ButtonInfo> {
    match h.ok(who, RepRequest::ListButtons { session_id: id }).0 {
        Some(OkResult::Buttons { buttons }) => buttons,
        other => panic!("list_buttons answered {other:?}"),
    }
}

/// Starts a session with a button's token; where it waits.
fn start_with_button(h: &mut Harness, token: &str) -> Result<QueueRef, ErrorCode> {
    let (reply, effects) = h.start_as(
        customer("Sam Lee"),
        Route::Button {
            token: token.to_owned(),
        },
        ClientKind::Native,
    );
    match reply {
        Ok(_) => {
            let id = started_session(&effects);
            Ok(h.session(id)
                .waiting
                .as_ref()
                .expect("waiting")
                .queue
                .clone())
        }
        Err(error) => Err(error.code),
    }
}

#[test]
fn a_permitted_rep_deploys_a_button_that_routes_to_their_queue_or_team() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = on_machine(&mut h, "alice", "machine-0001");
    let (mine, my_token) = deployed(&mut h, "alice", id, None);
    let (billing, team_token) = deployed(&mut h, "alice", id, Some("billing"));
    assert_eq!(
        start_with_button(&mut h, &my_token),
        Ok(QueueRef::Personal { rep: rep("alice") })
    );
    assert_eq!(
        start_with_button(&mut h, &team_token),
        Ok(QueueRef::Team {
            team: team_id("billing")
        })
    );
    // Pending until the program reports; then installed or failed.
    let buttons = listed(&mut h, "alice", id);
    assert_eq!(
        buttons
            .iter()
            .map(|b| (b.button_id, b.state))
            .collect::<Vec<_>>(),
        [
            (billing, ButtonState::Pending),
            (mine, ButtonState::Pending)
        ],
        "newest first"
    );
    customer_ok(
        &mut h,
        id,
        CustomerRequest::ButtonResult {
            button_id: mine,
            done: true,
            detail: String::new(),
        },
    );
    let effects = customer_ok(
        &mut h,
        id,
        CustomerRequest::ButtonResult {
            button_id: billing,
            done: false,
            detail: "no applications folder".into(),
        },
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Persist(StoreOp::PutChat(m))
            if m.text == "The Support Button “Printer help” could not be installed: no applications folder")),
        "a note says why"
    );
    let states: Vec<_> = listed(&mut h, "alice", id)
        .iter()
        .map(|b| (b.button_id, b.state, b.detail.clone()))
        .collect();
    assert_eq!(
        states,
        [
            (
                billing,
                ButtonState::Failed,
                "no applications folder".to_owned()
            ),
            (mine, ButtonState::Installed, String::new())
        ]
    );
}

#[test]
fn deploying_needs_the_permission_a_native_client_its_machine_and_an_own_team() {
    let mut h = Harness::with_reps(&["alice", "carol"]);
    // Carol has no Support Button permission.
    let carols = on_machine(&mut h, "carol", "machine-0002");
    refused(
        &mut h,
        "carol",
        deploy(carols, "Help", None),
        ErrorCode::Forbidden,
    );
    // Alice is not in Carol's session.
    refused(
        &mut h,
        "alice",
        deploy(carols, "Help", None),
        ErrorCode::NotInSession,
    );
    // A web customer has no client to write a launcher.
    let web = {
        let (reply, effects) = h.start_as(
            customer("Wendy"),
            Route::Rep { rep: rep("alice") },
            ClientKind::Web,
        );
        assert!(reply.is_ok());
        let id = started_session(&effects);
        h.accept("alice", id);
        id
    };
    refused(
        &mut h,
        "alice",
        deploy(web, "Help", None),
        ErrorCode::RemoteUnavailable,
    );
    // A native client that has not described its machine yet.
    let unknown = native(&mut h, "alice");
    refused(
        &mut h,
        "alice",
        deploy(unknown, "Help", None),
        ErrorCode::RemoteUnavailable,
    );
    // A team Alice is not in; a description that is empty, too long or has a line break.
    let id = on_machine(&mut h, "alice", "machine-0003");
    refused(
        &mut h,
        "alice",
        deploy(id, "Help", Some("sales")),
        ErrorCode::Forbidden,
    );
    for bad in ["  ", &"x".repeat(101), "two\nlines"] {
        refused(&mut h, "alice", deploy(id, bad, None), ErrorCode::Invalid);
    }
    // A bad machine description is refused.
    customer_refused(
        &mut h,
        id,
        CustomerRequest::DescribeMachine {
            machine: machine("short"),
        },
        ErrorCode::Invalid,
    );
}

#[test]
fn a_removed_or_expired_button_starts_nothing_and_says_so() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = on_machine(&mut h, "alice", "machine-0004");
    let (button, token) = deployed(&mut h, "alice", id, None);
    let effects = h
        .ok(
            "alice",
            RepRequest::RemoveButton {
                session_id: id,
                button_id: button,
            },
        )
        .1;
    assert!(effects.iter().any(|e| matches!(e,
        Effect::ToCustomer(s, CustomerServerMessage::RemoveButton { button_id }) if *s == id && *button_id == button)));
    assert_eq!(start_with_button(&mut h, &token), Err(ErrorCode::NotFound));
    let (reply, _) = h.start_as(
        customer("Sam"),
        Route::Button {
            token: token.clone(),
        },
        ClientKind::Native,
    );
    assert_eq!(
        reply.unwrap_err().message,
        "This Support Button is no longer active. Ask your support team for a new one."
    );
    // Removing again: not found. The list still shows it, removed.
    refused(
        &mut h,
        "alice",
        RepRequest::RemoveButton {
            session_id: id,
            button_id: button,
        },
        ErrorCode::NotFound,
    );
    assert_eq!(listed(&mut h, "alice", id)[0].state, ButtonState::Removed);
    // Expiry: a year by default.
    let (_, token) = deployed(&mut h, "alice", id, None);
    h.advance(365 * 24 * 3600);
    assert_eq!(start_with_button(&mut h, &token), Err(ErrorCode::NotFound));
}

#[test]
fn buttons_belong_to_the_machine_and_survive_a_restart() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let first = on_machine(&mut h, "alice", "machine-0005");
    let (button, token) = deployed(&mut h, "alice", first, None);
    // Another session on the same machine lists it; one on another machine does not, and
    // may not remove it.
    let again = on_machine(&mut h, "alice", "machine-0005");
    assert_eq!(listed(&mut h, "alice", again).len(), 1);
    let other = on_machine(&mut h, "bob", "machine-0006");
    assert!(listed(&mut h, "bob", other).is_empty());
    refused(
        &mut h,
        "bob",
        RepRequest::RemoveButton {
            session_id: other,
            button_id: button,
        },
        ErrorCode::NotFound,
    );
    h.restart();
    assert_eq!(
        start_with_button(&mut h, &token),
        Ok(QueueRef::Personal { rep: rep("alice") })
    );
}

#[test]
fn the_ios_card_goes_only_to_ios_customers() {
    let mut h = Harness::with_reps(&["alice"]);
    let (reply, effects) = h.start_on(
        customer("Ivy"),
        Route::Rep { rep: rep("alice") },
        ClientKind::Web,
        Platform::Ios,
    );
    assert!(reply.is_ok());
    let ios = started_session(&effects);
    h.accept("alice", ios);
    let effects = h
        .ok(
            "alice",
            RepRequest::SpecialAction {
                session_id: ios,
                action: SpecialAction::IosScreenBroadcast,
            },
        )
        .1;
    let card = effects.iter().find_map(|e| match e {
        Effect::ToCustomer(s, CustomerServerMessage::Card { card }) if *s == ios => Some(card),
        _ => None,
    });
    let card = card.expect("a card for the customer");
    assert_eq!(card.title, "Share your iPhone or iPad screen");
    assert!(card.note.contains("cannot see your screen"));
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin sent the steps to share an iPhone or iPad screen."]
    );
    assert_eq!(h.session(ios).platform, Platform::Ios);
    let other = native(&mut h, "alice");
    refused(
        &mut h,
        "alice",
        RepRequest::SpecialAction {
            session_id: other,
            action: SpecialAction::IosScreenBroadcast,
        },
        ErrorCode::RemoteUnavailable,
    );
}

#[test]
fn a_shell_that_exits_ends_its_grant_as_exited() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, Capability::Shell);
    customer_ok(&mut h, id, answer(g, true));
    let effects = customer_ok(
        &mut h,
        id,
        CustomerRequest::ShellExited {
            grant_id: g,
            code: 3,
        },
    );
    let grant = h
        .session(id)
        .grants
        .list
        .iter()
        .find(|x| x.grant_id == g)
        .cloned()
        .expect("listed");
    assert_eq!(
        (grant.state, grant.ended),
        (GrantState::Stopped, Some(GrantEnd::ShellExited))
    );
    assert_eq!(
        public_lines(&effects),
        ["The command shell Alice Martin was using exited (code 3)."]
    );
    customer_refused(
        &mut h,
        id,
        CustomerRequest::ShellExited {
            grant_id: g,
            code: 0,
        },
        ErrorCode::NotFound,
    );
}

#[test]
fn end_and_uninstall_tells_a_native_client_first_and_refuses_web_chat() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    h.ok("alice", req::disposition(id, "Resolved"));
    let effects = h
        .ok(
            "alice",
            RepRequest::Close {
                session_id: id,
                mode: CloseMode::EndAndUninstall,
            },
        )
        .1;
    let to_customer: Vec<&CustomerServerMessage> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ToCustomer(s, m) if *s == id => Some(m),
            _ => None,
        })
        .collect();
    assert!(matches!(
        to_customer.as_slice(),
        [.., CustomerServerMessage::Uninstall, CustomerServerMessage::SessionEnded { message }]
            if message.contains("removed the support program")
    ));
    let (reply, effects) = h.start_as(
        customer("Wendy"),
        Route::Rep { rep: rep("alice") },
        ClientKind::Web,
    );
    assert!(reply.is_ok());
    let web = started_session(&effects);
    h.accept("alice", web);
    h.ok("alice", req::disposition(web, "Resolved"));
    refused(
        &mut h,
        "alice",
        RepRequest::Close {
            session_id: web,
            mode: CloseMode::EndAndUninstall,
        },
        ErrorCode::RemoteUnavailable,
    );
}
