//! The installed program in tests: a temporary home whose XDG places the real
//! `CustomerSession` keeps its things in (`start_installed`; the real home is never
//! touched), a session accepted by Alice, her Support Button requests, and waits for the
//! customer's events, each with the deadline.

use super::Setup;
use std::path::{Path, PathBuf};
use switchboard_customer::install::{Places, launcher};
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{
    CustomerSession, Policy, SessionConfig, SessionError, SessionEvent,
};
use switchboard_protocol::{
    ButtonId, ButtonInfo, ButtonState, CustomerInfo, OkResult, RepEvent, RepId, RepRequest, Route,
    SessionId,
};
use switchboard_testkit::rep::joined;
use switchboard_testkit::{DEADLINE, RepClient, TestServer, personal};
use tempfile::TempDir;
use tokio::sync::mpsc::UnboundedReceiver;

/// A program path with a space, as a launcher's `Exec` must carry it.
pub const PROGRAM: &str = "/opt/Switchboard Support/switchboard-customer";

/// A temporary home and the places under it.
pub struct Home {
    pub dir: TempDir,
    pub places: Places,
}

impl Home {
    /// A new empty home; the program is [`PROGRAM`] (not the per-user copy).
    pub fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let places = Places::under_home(dir.path(), PathBuf::from(PROGRAM));
        Home { dir, places }
    }

    /// A home whose program runs from the per-user copy (a file in the data folder).
    pub fn with_own_copy() -> Home {
        let mut home = Home::new();
        let own = home.places.own_copy();
        std::fs::create_dir_all(own.parent().unwrap()).unwrap();
        std::fs::write(&own, "#!/bin/sh\n").unwrap();
        home.places.program = own;
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `~/.local/share/applications`.
    pub fn menu(&self) -> PathBuf {
        self.path().join(".local/share/applications")
    }

    /// The kept machine id's file.
    pub fn machine_id_file(&self) -> PathBuf {
        self.places.data_dir.join("machine-id")
    }
}

fn config(server: &TestServer, route: Route) -> SessionConfig {
    SessionConfig {
        server: server.url(),
        customer: CustomerInfo {
            name: "Sam Lee".into(),
            company: None,
            question: None,
            contact: None,
        },
        route,
        policy: Policy::Ask,
        screen: Ok(ScreenChoice::Synthetic {
            width: 64,
            height: 64,
            typing: false,
        }),
        wake: None,
        elevate_run_as: Vec::new(),
    }
}

/// Starts the installed program over `route`.
pub async fn start(
    server: &TestServer,
    places: &Places,
    route: Route,
) -> Result<(CustomerSession, UnboundedReceiver<SessionEvent>), SessionError> {
    CustomerSession::start_installed(config(server, route), places.clone()).await
}

/// The installed program started in Alice's personal queue, and Alice who accepted.
pub async fn accepted(server: &TestServer, alice: &mut RepClient, places: &Places) -> Accepted {
    let route = Route::Rep {
        rep: RepId::from("alice"),
    };
    let (customer, events) = start(server, places, route).await.unwrap();
    let session_id = customer.session_id;
    alice.entry_in(&personal("alice"), session_id).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(alice, session_id).await;
    Accepted {
        customer,
        events,
        session_id,
    }
}

/// A session of the installed program that Alice accepted.
pub struct Accepted {
    pub customer: CustomerSession,
    pub events: UnboundedReceiver<SessionEvent>,
    pub session_id: SessionId,
}

/// A server, Alice, and the installed program in `home` in her session.
pub async fn setup(home: &Home) -> Setup {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let Accepted {
        customer,
        events,
        session_id,
    } = accepted(&server, &mut alice, &home.places).await;
    Setup {
        server,
        alice,
        customer,
        events,
        session_id,
    }
}

/// Alice deploys a button in her own queue; its id.
pub async fn deploy(alice: &mut RepClient, session_id: SessionId, description: &str) -> ButtonId {
    let deployed = alice
        .ok(RepRequest::DeployButton {
            session_id,
            description: description.into(),
            team: None,
        })
        .await;
    match deployed {
        Some(OkResult::Button { button_id }) => button_id,
        other => panic!("deploy_button answered {other:?}"),
    }
}

/// The buttons the server lists for the session's machine.
pub async fn list(alice: &mut RepClient, session_id: SessionId) -> Vec<ButtonInfo> {
    match alice.ok(RepRequest::ListButtons { session_id }).await {
        Some(OkResult::Buttons { buttons }) => buttons,
        other => panic!("list_buttons answered {other:?}"),
    }
}

/// The listed button `button_id`.
pub async fn listed(
    alice: &mut RepClient,
    session_id: SessionId,
    button_id: ButtonId,
) -> ButtonInfo {
    let buttons = list(alice, session_id).await;
    buttons
        .into_iter()
        .find(|b| b.button_id == button_id)
        .unwrap_or_else(|| panic!("{button_id:?} is listed"))
}

/// Waits for the server's line to the reps containing `part` (the program's report).
pub async fn rep_line(alice: &mut RepClient, part: &str) -> String {
    alice
        .pick(part, |e| match e {
            RepEvent::Chat { message } if message.text.contains(part) => Some(message.text.clone()),
            _ => None,
        })
        .await
}

/// The button's state after the program reported (`installed` or `failed`, with detail).
pub async fn reported(
    alice: &mut RepClient,
    session_id: SessionId,
    button_id: ButtonId,
    part: &str,
) -> ButtonInfo {
    rep_line(alice, part).await;
    let info = listed(alice, session_id, button_id).await;
    assert_ne!(info.state, ButtonState::Pending, "{info:?}");
    info
}

/// Waits for the customer's next event that `pred` picks.
pub async fn event<T>(
    events: &mut UnboundedReceiver<SessionEvent>,
    what: &str,
    mut pred: impl FnMut(SessionEvent) -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("no {what} within {DEADLINE:?}"))
            .unwrap_or_else(|| panic!("the session ended before {what}"));
        if let Some(found) = pred(event) {
            return found;
        }
    }
}

/// Waits for the program's chat note containing `part`.
pub async fn note(events: &mut UnboundedReceiver<SessionEvent>, part: &str) -> String {
    event(events, part, |e| match e {
        SessionEvent::Note(text) if text.contains(part) => Some(text),
        _ => None,
    })
    .await
}

/// Every event until the session's task ends (its events channel closes), within the
/// deadline.
pub async fn until_closed(events: &mut UnboundedReceiver<SessionEvent>) -> Vec<SessionEvent> {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) => seen.push(event),
            Ok(None) => return seen,
            Err(_) => panic!("the session's task still runs after {DEADLINE:?}: {seen:?}"),
        }
    }
}

/// The launcher's `Exec` arguments in `folder`, once the file is there.
pub fn exec_in(folder: &Path, button_id: ButtonId) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(folder.join(launcher::file_name(button_id))).ok()?;
    launcher::exec_arguments(&text)
}
