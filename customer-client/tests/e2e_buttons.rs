//! Support Buttons and the machine's description end to end: the real customer client
//! (`CustomerSession::start_installed` with its places under a temporary home, never the
//! real one) against the real server, with the test kit's Alice deploying, listing and
//! removing buttons. The launchers appear in the applications menu and on the desktop with
//! the token in their `Exec`, the token starts a session in Alice's queue until the button is
//! removed (then the customer reads "no longer active"), a launcher that cannot be written is
//! reported `failed` with why, and the machine the client describes (its id kept in the data
//! folder) is the one the server lists buttons for in a later session.
//!
//! Linux only: elsewhere the client reports that Support Buttons are not available yet.
//! Every wait has a deadline; files are polled (nothing announces them).

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

mod common;

use common::installed::{
    Home, PROGRAM, accepted, deploy, event, exec_in, list, listed, note, reported, setup, start,
};
use switchboard_customer::install::launcher;
use switchboard_customer::session::{SessionError, SessionEvent};
use switchboard_protocol::{ButtonState, ErrorCode, RepRequest, Route};
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::rep::end_resolved;
use switchboard_testkit::{personal, poll_until};

/// Deployed: the launcher is written in the menu and on the desktop `user-dirs.dirs` names
/// (0600, the token in its `Exec` after `--button`, the server after `--server`, the program
/// path with its space whole), the rep's list says `installed`, the customer reads who added
/// what; a session started with the token lands in Alice's queue. Removed: both files go,
/// the list says `removed`, the customer is told, and the token is refused in plain words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_is_written_started_from_and_removed() {
    let home = Home::new();
    let desktop = home.path().join("Schreibtisch");
    std::fs::create_dir_all(&desktop).unwrap();
    std::fs::create_dir_all(home.path().join(".config")).unwrap();
    std::fs::write(
        home.path().join(".config/user-dirs.dirs"),
        "XDG_DESKTOP_DIR=\"$HOME/Schreibtisch\"\n",
    )
    .unwrap();
    let mut s = setup(&home).await;
    let description = "Printer \"help\" 100%";
    let button = deploy(&mut s.alice, s.session_id, description).await;

    let menu = home.menu();
    poll_until(
        "the launchers in the menu and on the desktop",
        || exec_in(&menu, button).is_some() && exec_in(&desktop, button).is_some(),
        || format!("{:?}", std::fs::read_dir(&menu).map(|d| d.count())),
    )
    .await;
    let args = exec_in(&menu, button).unwrap();
    assert_eq!(args.len(), 5, "{args:?}");
    assert_eq!(
        args[..4],
        [PROGRAM, "--server", &s.server.url(), "--button"]
    );
    let token = args[4].clone();
    assert_eq!(token.len(), 64, "the server's token: {token}");
    assert_eq!(exec_in(&desktop, button).unwrap(), args);
    let file = menu.join(launcher::file_name(button));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(launcher::value(&text, "Name").as_deref(), Some(description));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    let info = reported(
        &mut s.alice,
        s.session_id,
        button,
        "is on the customer's computer",
    )
    .await;
    assert_eq!(info.state, ButtonState::Installed, "{info:?}");
    let told = note(&mut s.events, "added a Support Button").await;
    assert_eq!(
        told,
        "Alice added a Support Button “Printer \"help\" 100%” to your applications menu and your desktop. It starts a new support session."
    );

    // The launcher's token starts a session in Alice's personal queue.
    let route = Route::Button {
        token: token.clone(),
    };
    let (from_button, _events) = start(&s.server, &home.places, route.clone()).await.unwrap();
    s.alice
        .entry_in(&personal("alice"), from_button.session_id)
        .await;
    from_button.leave();

    s.alice
        .ok(RepRequest::RemoveButton {
            session_id: s.session_id,
            button_id: button,
        })
        .await;
    poll_until(
        "both launchers deleted",
        || !file.exists() && !desktop.join(launcher::file_name(button)).exists(),
        || format!("menu {}", file.exists()),
    )
    .await;
    let told = note(&mut s.events, "removed").await;
    assert_eq!(
        told,
        "Alice removed the Support Button “Printer \"help\" 100%”."
    );
    let info = listed(&mut s.alice, s.session_id, button).await;
    assert_eq!(info.state, ButtonState::Removed);

    match start(&s.server, &home.places, route).await {
        Err(refused @ SessionError::Refused { .. }) => assert_eq!(
            refused.for_customer(),
            "This Support Button is no longer active. Ask your support team for a new one."
        ),
        Err(other) => panic!("refused otherwise: {other}"),
        Ok(_) => panic!("a removed button's token started a session"),
    }
}

/// A launcher that cannot be written (the applications folder is a file) is reported
/// `failed` with the reason, and the customer reads why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launcher_that_cannot_be_written_is_reported_failed() {
    let home = Home::new();
    std::fs::create_dir_all(home.path().join(".local/share")).unwrap();
    std::fs::write(home.menu(), "not a folder").unwrap();
    let mut s = setup(&home).await;
    let button = deploy(&mut s.alice, s.session_id, "Printer help").await;
    let info = reported(&mut s.alice, s.session_id, button, "could not be installed").await;
    assert_eq!(info.state, ButtonState::Failed, "{info:?}");
    assert!(
        info.detail
            .starts_with("cannot create the applications folder ~/.local/share/applications"),
        "{}",
        info.detail
    );
    let told = note(&mut s.events, "could not be saved").await;
    assert!(
        told.starts_with("Alice tried to add a Support Button “Printer help”"),
        "{told}"
    );
    assert!(home.menu().is_file(), "left as it was");
}

/// The client describes its machine right after the start: a button can be deployed at once
/// (the server refuses that for a native customer that has not described itself), the id is
/// kept in the data folder, and a later session from the same home is the same machine (its
/// buttons are listed there) while another home is another machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_machine_is_described_and_kept() {
    let home = Home::new();
    let mut s = setup(&home).await;

    // The kit's native customer says nothing of its machine: no button for it.
    let mut bob = s.server.rep("bob").await;
    let mut bare = native_customer(s.server.addr, "bob").await;
    accept(&mut bob, "bob", bare.session_id).await;
    let refused = bob
        .request(RepRequest::DeployButton {
            session_id: bare.session_id,
            description: "x".into(),
            team: None,
        })
        .await;
    assert!(
        matches!(&refused, Err((ErrorCode::RemoteUnavailable, m)) if m.contains("has not described")),
        "{refused:?}"
    );
    bare.sync().await;

    let button = deploy(&mut s.alice, s.session_id, "Printer help").await;
    let id = std::fs::read_to_string(home.machine_id_file()).unwrap();
    assert_eq!(id.trim().len(), 32, "{id:?}");
    reported(
        &mut s.alice,
        s.session_id,
        button,
        "is on the customer's computer",
    )
    .await;
    end_resolved(&mut s.alice, s.session_id).await;
    event(&mut s.events, "the end", |e| {
        matches!(e, SessionEvent::Ended(_)).then_some(())
    })
    .await;

    // The same home again: the same machine, with its button.
    let mut again = accepted(&s.server, &mut s.alice, &home.places).await;
    let buttons = list(&mut s.alice, again.session_id).await;
    assert_eq!(
        buttons.iter().map(|b| b.button_id).collect::<Vec<_>>(),
        [button]
    );
    assert_eq!(
        std::fs::read_to_string(home.machine_id_file()).unwrap(),
        id,
        "kept"
    );
    end_resolved(&mut s.alice, again.session_id).await;
    event(&mut again.events, "the end", |e| {
        matches!(e, SessionEvent::Ended(_)).then_some(())
    })
    .await;

    // Another home is another machine: nothing is listed (and it may get buttons).
    let other = Home::new();
    let third = accepted(&s.server, &mut s.alice, &other.places).await;
    assert!(list(&mut s.alice, third.session_id).await.is_empty());
    deploy(&mut s.alice, third.session_id, "Other").await;
    assert_ne!(
        std::fs::read_to_string(other.machine_id_file()).unwrap(),
        id
    );
}
