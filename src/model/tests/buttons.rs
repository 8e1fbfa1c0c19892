//! The Support Buttons entry (open, or greyed with why: permission, web chat, not connected,
//! waiting), the description and target checks, how a button's state reads, and the list of
//! an open window: asked for on opening, after the rep's own deploy or removal and on every
//! server line in the session, never twice at once, refusals said in the window.

use super::*;
use crate::model::buttons::{
    buttons_unavailable, deploy_request, description_problem, is_live, state_text,
};
use crate::text::actions as words;
use switchboard_protocol::{
    ButtonId, ButtonInfo, ButtonState, ErrorCode, RemoteInfo, ScreenSource,
};

/// A permissions set with (or without) `support_button`.
fn permissions(support_button: bool) -> Permissions {
    Permissions {
        support_button,
        ..snapshot_state().permissions
    }
}

/// Session 7 with Sam on the customer client (`Desktop`) unless told otherwise.
fn native(source: ScreenSource) -> SessionInfo {
    SessionInfo {
        remote: RemoteInfo {
            source,
            ..RemoteInfo::default()
        },
        ..session_info(7, "Sam Lee")
    }
}

fn button(id: u64, state: ButtonState, expires_at: UnixMillis) -> ButtonInfo {
    ButtonInfo {
        button_id: ButtonId(id),
        description: format!("Button {id}"),
        target: personal(),
        created_by: rep(ME),
        created_by_name: "Alice Martin".into(),
        created_at: T0,
        expires_at,
        state,
        detail: String::new(),
    }
}

/// A console with the permission and session 7 on the customer client.
fn console_with_native_session() -> Console {
    let mut state = snapshot_state();
    state.permissions.support_button = true;
    let mut console = Console::with(state);
    console.event(RepEvent::SessionJoined {
        view: SessionView {
            session: native(ScreenSource::Desktop),
            chat: Vec::new(),
            earlier_chat: false,
        },
    });
    console
}

fn system_line(id: u64, session: u64, text: &str) -> ChatMessage {
    ChatMessage {
        visibility: Visibility::Reps,
        ..message(id, session, Author::System, text)
    }
}

/// The answer to a request the console sent.
fn ok(id: RequestId, result: Option<OkResult>) -> RepServerMessage {
    RepServerMessage::Ok { id, result }
}

/// The entry is open for a permitted rep and a connected customer client; otherwise it says
/// why, the permission first.
#[test]
fn the_entry_says_why_it_is_greyed() {
    let allowed = permissions(true);
    let desktop = native(ScreenSource::Desktop);
    assert_eq!(buttons_unavailable(&desktop, Some(&allowed)), None);
    assert_eq!(
        buttons_unavailable(&desktop, Some(&permissions(false))),
        Some(words::BUTTONS_NO_PERMISSION)
    );
    assert_eq!(
        buttons_unavailable(&desktop, None),
        Some(words::BUTTONS_NO_PERMISSION),
        "before the snapshot nothing is permitted"
    );
    for source in [ScreenSource::None, ScreenSource::Tab] {
        assert_eq!(
            buttons_unavailable(&native(source), Some(&allowed)),
            Some(words::BUTTONS_WEB_CHAT),
            "{source:?}"
        );
    }
    let gone = SessionInfo {
        customer_connected: false,
        ..native(ScreenSource::None)
    };
    assert_eq!(
        buttons_unavailable(&gone, Some(&allowed)),
        Some(words::BUTTONS_NOT_CONNECTED)
    );
    let ended = SessionInfo {
        ended: true,
        ..native(ScreenSource::Desktop)
    };
    assert_eq!(
        buttons_unavailable(&ended, Some(&allowed)),
        Some(words::BUTTONS_NOT_CONNECTED)
    );
    let waiting = SessionInfo {
        owner: None,
        waiting_in: Some(billing()),
        ..native(ScreenSource::Desktop)
    };
    assert_eq!(
        buttons_unavailable(&waiting, Some(&allowed)),
        Some(words::BUTTONS_SESSION_WAITING)
    );
    assert_eq!(
        buttons_unavailable(&waiting, Some(&permissions(false))),
        Some(words::BUTTONS_NO_PERMISSION)
    );
}

/// A description is 1 to 100 characters on one line, trimmed; the request carries it
/// trimmed with the chosen team.
#[test]
fn descriptions_are_checked_as_the_server_does() {
    assert_eq!(
        description_problem("   "),
        Some(words::DESCRIPTION_EMPTY.to_owned())
    );
    assert_eq!(description_problem(&"é".repeat(100)), None);
    assert_eq!(
        description_problem(&"é".repeat(101)),
        Some(words::description_too_long(100))
    );
    assert_eq!(
        description_problem("two\nlines"),
        Some(words::DESCRIPTION_ONE_LINE.to_owned())
    );
    assert_eq!(
        deploy_request(SessionId(7), "  Printer help ", Some(team("billing"))),
        Ok(RepRequest::DeployButton {
            session_id: SessionId(7),
            description: "Printer help".into(),
            team: Some(team("billing")),
        })
    );
    assert!(deploy_request(SessionId(7), "", None).is_err());
}

/// States read as the list shows them: a failure with the program's reason, an expired
/// button as expired, a removed one as removed even after its expiry.
#[test]
fn a_buttons_state_reads_plainly() {
    let later = T0 + 1_000;
    let failed = ButtonInfo {
        detail: "disk full".into(),
        ..button(1, ButtonState::Failed, later)
    };
    assert_eq!(state_text(&failed, T0), "Failed: disk full");
    assert_eq!(
        state_text(&button(2, ButtonState::Installed, later), T0),
        "Installed"
    );
    assert_eq!(
        state_text(&button(3, ButtonState::Pending, later), T0),
        "Pending"
    );
    assert_eq!(
        state_text(&button(4, ButtonState::Installed, T0), T0),
        "Expired"
    );
    assert_eq!(
        state_text(&button(5, ButtonState::Removed, T0), later),
        "Removed"
    );
    assert!(is_live(&button(2, ButtonState::Installed, later), T0));
    assert!(!is_live(&button(4, ButtonState::Installed, T0), T0));
    assert!(!is_live(&button(5, ButtonState::Removed, later), T0));
}

/// The targets are the rep's own queue ("Me") and their teams by name; a personal target is
/// named by its rep.
#[test]
fn targets_are_me_and_my_teams() {
    let console = console_with_native_session();
    assert_eq!(
        console.model.button_targets(),
        vec![
            (None, "Me".to_owned()),
            (Some(team("billing")), "Billing".to_owned())
        ]
    );
    assert_eq!(
        console.model.button_target_name(&personal()),
        "alice (display) (personal)"
    );
    assert_eq!(console.model.button_target_name(&billing()), "Billing");
}

/// Opening the window asks for the list once; a server line while it is on its way asks
/// again after it; the answer is shown.
#[test]
fn the_list_is_asked_on_opening_and_after_server_lines() {
    let mut console = console_with_native_session();
    let session = SessionId(7);
    assert!(console.model.buttons_to_list().is_empty(), "nothing open");
    console.model.open_buttons(session);
    assert_eq!(console.model.buttons_to_list(), vec![session]);
    let list = console.model.request(&RepRequest::ListButtons {
        session_id: session,
    });
    assert!(
        console.model.buttons_to_list().is_empty(),
        "never twice at once"
    );
    // The server's note on an installed button arrives before the list does.
    console.chat(system_line(
        40,
        7,
        "The Support Button “Printer help” is on the customer's computer.",
    ));
    assert!(console.model.buttons_to_list().is_empty());
    let shown = vec![button(1, ButtonState::Pending, T0 + 1_000)];
    console.model.apply(ok(
        list,
        Some(OkResult::Buttons {
            buttons: shown.clone(),
        }),
    ));
    let panel = &console.model.buttons[&session];
    assert_eq!(panel.buttons.as_ref(), Some(&shown));
    assert!(!panel.loading);
    assert_eq!(
        console.model.buttons_to_list(),
        vec![session],
        "the line heard meanwhile asks again"
    );
    // A customer's or a rep's message changes no button.
    let again = console.model.request(&RepRequest::ListButtons {
        session_id: session,
    });
    console
        .model
        .apply(ok(again, Some(OkResult::Buttons { buttons: shown })));
    console.chat(customer_says(41, 7, "thanks"));
    assert!(console.model.buttons_to_list().is_empty());
}

/// The rep's own deploy and removal ask for the list again once answered; Deploy waits
/// meanwhile and the form learns it went through.
#[test]
fn deploys_and_removals_list_again() {
    let mut console = console_with_native_session();
    let session = SessionId(7);
    console.model.open_buttons(session);
    let list = console.model.request(&RepRequest::ListButtons {
        session_id: session,
    });
    console
        .model
        .apply(ok(list, Some(OkResult::Buttons { buttons: vec![] })));
    let deploy = console
        .model
        .request(&deploy_request(session, "Printer help", None).unwrap());
    assert!(console.model.buttons[&session].deploying);
    console.model.apply(ok(
        deploy,
        Some(OkResult::Button {
            button_id: ButtonId(1),
        }),
    ));
    let panel = &console.model.buttons[&session];
    assert!(!panel.deploying);
    assert_eq!(panel.deployed, 1);
    assert_eq!(console.model.buttons_to_list(), vec![session]);

    let list = console.model.request(&RepRequest::ListButtons {
        session_id: session,
    });
    console
        .model
        .apply(ok(list, Some(OkResult::Buttons { buttons: vec![] })));
    let remove = console.model.request(&RepRequest::RemoveButton {
        session_id: session,
        button_id: ButtonId(1),
    });
    assert_eq!(console.model.buttons[&session].removing, vec![ButtonId(1)]);
    console.model.apply(ok(remove, None));
    assert!(console.model.buttons[&session].removing.is_empty());
    assert_eq!(console.model.buttons_to_list(), vec![session]);
}

/// A refused deploy is said in the open window (and Deploy is free again); with the window
/// closed it becomes a notice.
#[test]
fn refusals_are_said_in_the_window() {
    let mut console = console_with_native_session();
    let session = SessionId(7);
    console.model.open_buttons(session);
    let deploy = console
        .model
        .request(&deploy_request(session, "Printer help", None).unwrap());
    let message = "The customer client has not described its computer yet.";
    console.model.apply(RepServerMessage::Error {
        id: Some(deploy),
        code: ErrorCode::RemoteUnavailable,
        message: message.into(),
        retry_after_ms: None,
    });
    let panel = &console.model.buttons[&session];
    assert!(!panel.deploying);
    assert_eq!(panel.deployed, 0);
    assert_eq!(
        panel.error.as_deref(),
        Some(format!("Could not deploy the Support Button: {message}").as_str())
    );
    assert!(console.model.notices.is_empty());

    let remove = console.model.request(&RepRequest::RemoveButton {
        session_id: session,
        button_id: ButtonId(3),
    });
    console.model.close_buttons(session);
    console.model.apply(RepServerMessage::Error {
        id: Some(remove),
        code: ErrorCode::NotFound,
        message: "There is no such Support Button on this computer.".into(),
        retry_after_ms: None,
    });
    assert_eq!(console.model.notices.len(), 1);
    assert!(console.model.buttons_to_list().is_empty());
}

/// Leaving the session closes its window; a reconnect's snapshot lists the open ones again.
#[test]
fn the_window_follows_the_session() {
    let mut console = console_with_native_session();
    let session = SessionId(7);
    console.model.open_buttons(session);
    let list = console.model.request(&RepRequest::ListButtons {
        session_id: session,
    });
    console
        .model
        .apply(ok(list, Some(OkResult::Buttons { buttons: vec![] })));
    let mut state = snapshot_state();
    state.sessions = vec![SessionView {
        session: native(ScreenSource::Desktop),
        chat: Vec::new(),
        earlier_chat: false,
    }];
    console.model.apply(snapshot(SNAPSHOT_SEQ + 5, state));
    console.seq = SNAPSHOT_SEQ + 5;
    assert_eq!(console.model.buttons_to_list(), vec![session]);
    console.event(RepEvent::SessionLeft {
        session_id: session,
        reason: switchboard_protocol::LeftReason::Ended,
    });
    assert!(console.model.buttons.is_empty());
    console.model.open_buttons(session);
    assert!(
        console.model.buttons.is_empty(),
        "no window for a session the rep is not in"
    );
}
