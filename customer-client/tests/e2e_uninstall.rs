//! Closing with uninstall end to end: the real customer client, its places under a temporary
//! home (never the real one), against the real server. When Alice closes with
//! `end_and_uninstall` the client removes its data folder (the machine id, the per-user copy
//! of the program) and its cache, tells the customer, and its session task ends; a Support
//! Button's launcher stays (reps remove those). A plain `end` leaves everything. Every wait
//! has a deadline; files are checked once the session's task has ended.

#![allow(clippy::unwrap_used)]

mod common;

use common::installed::{Home, setup, until_closed};
use switchboard_customer::session::SessionEvent;
use switchboard_protocol::{CloseMode, RepRequest, SessionId};
use switchboard_testkit::{RepClient, poll_until};

/// The owner ends the session with `mode`, after a disposition.
async fn close(alice: &mut RepClient, session_id: SessionId, mode: CloseMode) {
    alice
        .ok(RepRequest::SetDisposition {
            session_id,
            disposition: "Resolved".into(),
        })
        .await;
    alice.ok(RepRequest::Close { session_id, mode }).await;
}

/// Waits until the client has written its machine id (right after the start).
async fn machine_id_written(home: &Home) {
    let file = home.machine_id_file();
    poll_until(
        "the machine id in the data folder",
        || file.is_file(),
        || file.display().to_string(),
    )
    .await;
}

/// `end_and_uninstall`: the session ends with the server's words, then the program says it
/// was removed, and its task ends; the data folder (machine id and the per-user program) and
/// the cache are gone, a Support Button's launcher is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_with_uninstall_removes_the_program() {
    let home = Home::with_own_copy();
    std::fs::create_dir_all(&home.places.cache_dir).unwrap();
    std::fs::write(home.places.cache_dir.join("tiles"), "cached").unwrap();
    let mut s = setup(&home).await;
    machine_id_written(&home).await;
    #[cfg(target_os = "linux")]
    let launcher = {
        use common::installed::{deploy, reported};
        let button = deploy(&mut s.alice, s.session_id, "Printer help").await;
        reported(
            &mut s.alice,
            s.session_id,
            button,
            "is on the customer's computer",
        )
        .await;
        home.menu()
            .join(switchboard_customer::install::launcher::file_name(button))
    };

    close(&mut s.alice, s.session_id, CloseMode::EndAndUninstall).await;
    let events = until_closed(&mut s.events).await;
    let ended: Vec<&SessionEvent> = events
        .iter()
        .filter(|e| matches!(e, SessionEvent::Ended(_) | SessionEvent::Uninstalled(_)))
        .collect();
    assert_eq!(
        ended,
        [
            &SessionEvent::Ended(
                "Alice ended the session and removed the support program from this computer. Thank you!"
                    .into()
            ),
            &SessionEvent::Uninstalled(
                "The support program was removed from this computer.".into()
            ),
        ]
    );
    assert!(!home.places.data_dir.exists(), "the data folder is gone");
    assert!(!home.places.cache_dir.exists(), "the cache is gone");
    assert!(
        !home.places.program.exists(),
        "the per-user program is gone"
    );
    #[cfg(target_os = "linux")]
    assert!(
        launcher.is_file(),
        "a Support Button is the reps' to remove"
    );
}

/// A program that is not the per-user copy (installed for everybody) stays: only the data
/// and cache go, and the customer is told the program stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_installed_for_everybody_stays() {
    let mut home = Home::new();
    let system = home.path().join("usr/bin/switchboard-customer");
    std::fs::create_dir_all(system.parent().unwrap()).unwrap();
    std::fs::write(&system, "#!/bin/sh\n").unwrap();
    home.places.program = system.clone();
    let mut s = setup(&home).await;
    machine_id_written(&home).await;
    close(&mut s.alice, s.session_id, CloseMode::EndAndUninstall).await;
    let events = until_closed(&mut s.events).await;
    let words = events
        .iter()
        .find_map(|e| match e {
            SessionEvent::Uninstalled(words) => Some(words.clone()),
            _ => None,
        })
        .expect("the customer is told");
    assert!(
        words.contains("was installed for everyone and stays"),
        "{words}"
    );
    assert!(system.is_file(), "never deleted");
    assert!(!home.places.data_dir.exists());
}

/// A plain `end`: the session's task ends, nothing is removed (the machine id stays).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_end_leaves_the_program() {
    let home = Home::with_own_copy();
    let mut s = setup(&home).await;
    machine_id_written(&home).await;
    let id = std::fs::read_to_string(home.machine_id_file()).unwrap();
    close(&mut s.alice, s.session_id, CloseMode::End).await;
    let events = until_closed(&mut s.events).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Ended(text) if text == "Alice ended the session. Thank you!")),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, SessionEvent::Uninstalled(_))),
        "{events:?}"
    );
    assert_eq!(std::fs::read_to_string(home.machine_id_file()).unwrap(), id);
    assert!(home.places.program.is_file());
}
