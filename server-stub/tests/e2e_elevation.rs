//! Elevated shells through the real server binary (docs/PROTOCOL.md `elevate_shell`,
//! `describe_elevation`, `elevation_credentials`, `elevation_failed`), with a raw native
//! customer from the kit: the program's word reaches the rep, a `specific_user` request
//! prompts the customer with the grant's elevation and no password, the allow brings the
//! credentials to the customer once, `elevation_failed` stops the grant with its chat line;
//! then the grep: no byte of the password in any file of the server's data directory or in
//! its captured log (tracing at `trace` for the server's own crates).

#![allow(clippy::unwrap_used)]

use switchboard_protocol::{
    CustomerRequest, Elevation, ElevationMethod, ElevationSupport, GrantEnd, GrantState,
};
use switchboard_testkit::config::TEST_CONFIG;
use switchboard_testkit::elevation::{
    LoggedServer, TEST_ADMIN, TEST_ADMIN_PASSWORD, absent_everywhere, present_somewhere,
    specific_user,
};
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::{RepClient, login};

/// The password reaches the customer's program once, after the allow, and nothing else:
/// not the rep, not the prompt, not the database, its WAL or side databases, not the log.
#[tokio::test]
async fn the_password_passes_once_and_is_written_nowhere() {
    let mut server = LoggedServer::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_switchboard-server")),
        TEST_CONFIG,
        "trace,switchboard_server=trace,switchboard_protocol=trace",
    );
    let addr = server.addr;
    let token = login(addr, "alice", "alice-pw").await;
    let mut alice = RepClient::connect(addr, &token, None).await;
    let mut customer = native_customer(addr, "alice").await;
    let session_id = customer.session_id;
    accept(&mut alice, "alice", session_id).await;

    // The program says what it can do; Alice sees it on the session.
    let support = ElevationSupport {
        prompt_customer: Some("pkexec (polkit) is not installed on this computer.".into()),
        specific_user: None,
    };
    customer.describe_elevation(support.clone()).await;
    alice.sees_elevation(session_id, &support).await;

    // Alice asks as sbadmin: the customer is prompted with who, never the password.
    let g = alice
        .elevate_shell(session_id, specific_user(TEST_ADMIN, TEST_ADMIN_PASSWORD))
        .await;
    let prompt = customer.sees_grant(g, GrantState::Prompting).await;
    assert_eq!(
        prompt.elevation,
        Some(Elevation {
            method: ElevationMethod::SpecificUser,
            user: TEST_ADMIN.into(),
        })
    );
    assert!(
        !serde_json::to_string(&prompt)
            .unwrap()
            .contains(TEST_ADMIN_PASSWORD)
    );
    assert_eq!(customer.queued_credentials(), 0, "nothing before the allow");
    alice
        .chat_text("Alice asked to open a command shell as administrator (sbadmin).")
        .await;

    // The allow: the credentials come once, to the customer.
    customer
        .ok_ticket(CustomerRequest::AnswerRemote {
            grant_id: g,
            allow: true,
        })
        .await;
    let (username, password) = customer.elevation_credentials(g).await;
    assert_eq!(
        (username.as_str(), password.as_str()),
        (TEST_ADMIN, TEST_ADMIN_PASSWORD)
    );
    customer.sees_grant(g, GrantState::Granted).await;
    let info = alice.grant_reaches(g, GrantState::Granted).await;
    assert!(
        !serde_json::to_string(&info)
            .unwrap()
            .contains(TEST_ADMIN_PASSWORD)
    );
    alice.open_shell_media(session_id).await;
    customer.sync().await;
    assert_eq!(customer.queued_credentials(), 0, "sent once");

    // su refused it: the grant stops elevation_failed, with the line in the chat.
    customer
        .ok_ticket(CustomerRequest::ElevationFailed {
            grant_id: g,
            reason: "su: Authentication failure".into(),
        })
        .await;
    let ended = alice.grant_reaches(g, GrantState::Stopped).await;
    let grant = ended
        .remote
        .grants
        .iter()
        .find(|x| x.grant_id == g)
        .unwrap();
    assert_eq!(grant.ended, Some(GrantEnd::ElevationFailed));
    alice
        .chat_text("Alice's administrator shell could not start: su: Authentication failure")
        .await;

    // A second request, denied: its password is dropped unsent.
    let denied_password = "Another-Secret-77";
    let denied = alice
        .elevate_shell(session_id, specific_user(TEST_ADMIN, denied_password))
        .await;
    customer
        .ok_ticket(CustomerRequest::AnswerRemote {
            grant_id: denied,
            allow: false,
        })
        .await;
    alice.grant_reaches(denied, GrantState::Denied).await;
    customer.sync().await;
    assert_eq!(customer.queued_credentials(), 0, "nothing for a denial");
    alice.sync().await;

    // The grep: every file the server wrote, and its whole log.
    let log = server.kill_and_log();
    let mut places: Vec<(String, Vec<u8>)> = server
        .data_files()
        .into_iter()
        .map(|(path, bytes)| (path.display().to_string(), bytes))
        .collect();
    let names: Vec<&str> = places.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.iter().any(|n| n.ends_with("server.db")), "{names:?}");
    places.push(("the server's log".into(), log));
    // The grep reads real data: the session's chat line and the log's lines are there.
    assert!(
        present_somewhere(&places, b"su: Authentication failure"),
        "the chat line is stored"
    );
    assert!(
        present_somewhere(&places[places.len() - 1..], b"listening"),
        "the log was captured"
    );
    absent_everywhere(&places, TEST_ADMIN_PASSWORD.as_bytes());
    absent_everywhere(&places, denied_password.as_bytes());
}
