//! Remote support's rules end to end (docs/PROTOCOL.md §5, §7 "Remote support", §9): a
//! real rep and a real native customer over WebSockets. A request prompts the customer;
//! allowing it reaches the rep's `session_updated` and puts a public system line in both
//! chats; `open_media` gives each side a ticket the relay takes, and the customer's Stop
//! closes both media sockets (`4410`). Also: deny, the prompt timing out (a 1-second
//! `remote_prompt_secs`), a web customer (`remote_unavailable`), a rep who may only view
//! asking for control (`forbidden`), and a restart keeping the lines and ending the grants.

use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    Author, Capability, CustomerRequest, CustomerServerMessage, ErrorCode, GrantEnd, GrantState,
    RepRequest, Route, Visibility,
};
use switchboard_testkit::config::test_config_with_prompt_secs;
use switchboard_testkit::media::{MediaClient, small_update, wait_attached};
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::{CustomerClient, RepClient, TestServer};

/// The relay's close code for a socket whose grant ended.
const CLOSE_REVOKED: u16 = 4410;

/// A public system line with `text` in the rep's chat.
async fn rep_line(rep: &mut RepClient, text: &str) {
    let message = rep.chat_text(text).await;
    assert_eq!(message.author, Author::System);
    assert_eq!(message.visibility, Visibility::Public);
}

/// The same line in the customer's chat.
async fn customer_line(customer: &mut CustomerClient, text: &str) {
    customer
        .pick("system line", |m| match m {
            CustomerServerMessage::Chat { message }
                if message.text == text && message.author == Author::System =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
}

#[tokio::test]
async fn allowing_a_request_grants_the_view_with_lines_in_both_chats_and_media_on_both_sides() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = native_customer(server.addr, "alice").await;
    let id = customer.session_id;
    accept(&mut alice, "alice", id).await;

    let grant = alice.request_remote(id, Capability::ScreenView).await;
    let prompt = customer.sees_grant(grant, GrantState::Prompting).await;
    assert_eq!(prompt.rep_name, "Alice");
    assert_eq!(prompt.deadline, prompt.requested_at + 30_000);
    customer_line(&mut customer, "Alice asked to view the screen.").await;
    rep_line(&mut alice, "Alice asked to view the screen.").await;

    customer
        .ok_ticket(CustomerRequest::AnswerRemote {
            grant_id: grant,
            allow: true,
        })
        .await;
    let info = alice.grant_reaches(grant, GrantState::Granted).await;
    assert_eq!(
        info.remote.source,
        switchboard_protocol::ScreenSource::Desktop
    );
    rep_line(&mut alice, "The customer allowed Alice to view the screen.").await;
    customer_line(
        &mut customer,
        "The customer allowed Alice to view the screen.",
    )
    .await;

    // Both sides get a ticket, and the relay takes both.
    let viewer_ticket = alice.open_media(id).await;
    let publisher_ticket = customer
        .ok_ticket(CustomerRequest::OpenMedia {
            channel: Default::default(),
        })
        .await
        .expect("a ticket in the ok");
    let relay = server.server.as_ref().expect("running").media();
    let mut publisher = MediaClient::auth(server.addr, &publisher_ticket.token).await;
    let mut viewer = MediaClient::auth(server.addr, &viewer_ticket.token).await;
    wait_attached(&relay, 2).await;
    publisher
        .recv_until(|f| (*f == MediaFrame::RefreshRequest).then_some(()))
        .await;
    publisher.send(&small_update(1)).await;
    let seq = viewer
        .recv_until(|f| match f {
            MediaFrame::ScreenUpdate(update) => Some(update.seq),
            _ => None,
        })
        .await;
    assert_eq!(seq, 1);

    // The customer's Stop: both streams close at once, and everyone reads why.
    customer
        .ok_ticket(CustomerRequest::StopRemote { grant_id: None })
        .await;
    assert_eq!(viewer.closed().await, Some(CLOSE_REVOKED));
    assert_eq!(publisher.closed().await, Some(CLOSE_REVOKED));
    let info = alice.grant_reaches(grant, GrantState::Stopped).await;
    assert_eq!(info.remote.grants[0].ended, Some(GrantEnd::CustomerStopped));
    rep_line(&mut alice, "The customer stopped screen sharing.").await;
    alice
        .refused(
            RepRequest::OpenMedia {
                session_id: id,
                channel: Default::default(),
            },
            ErrorCode::Forbidden,
        )
        .await;
}

#[tokio::test]
async fn a_denied_request_and_one_nobody_answers_give_nothing() {
    let server = TestServer::start_with(test_config_with_prompt_secs(1)).await;
    let mut alice = server.rep("alice").await;
    let mut customer = native_customer(server.addr, "alice").await;
    let id = customer.session_id;
    accept(&mut alice, "alice", id).await;

    let denied = alice.request_remote(id, Capability::ScreenControl).await;
    customer.sees_grant(denied, GrantState::Prompting).await;
    customer
        .ok_ticket(CustomerRequest::AnswerRemote {
            grant_id: denied,
            allow: false,
        })
        .await;
    alice.grant_reaches(denied, GrantState::Denied).await;
    rep_line(
        &mut alice,
        "The customer declined Alice's request to control the screen.",
    )
    .await;
    alice
        .refused(
            RepRequest::OpenMedia {
                session_id: id,
                channel: Default::default(),
            },
            ErrorCode::Forbidden,
        )
        .await;
    assert_eq!(
        customer
            .refused(CustomerRequest::OpenMedia {
                channel: Default::default()
            })
            .await,
        ErrorCode::Forbidden
    );

    // Unanswered for the prompt time (1 s here): timed out, and a late answer finds nothing.
    let ignored = alice.request_remote(id, Capability::ScreenView).await;
    alice.grant_reaches(ignored, GrantState::TimedOut).await;
    rep_line(&mut alice, "Alice's request to view the screen timed out.").await;
    customer.sees_grant(ignored, GrantState::TimedOut).await;
    assert_eq!(
        customer
            .refused(CustomerRequest::AnswerRemote {
                grant_id: ignored,
                allow: true,
            },)
            .await,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn a_web_customer_and_a_rep_who_may_only_view_are_refused() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut web = server
        .customer(
            "Web Wendy",
            Route::Rep {
                rep: "alice".into(),
            },
        )
        .await;
    accept(&mut alice, "alice", web.session_id).await;
    let (code, message) = alice
        .request(RepRequest::RequestRemote {
            session_id: web.session_id,
            capability: Capability::ScreenView,
        })
        .await
        .unwrap_err();
    assert_eq!(code, ErrorCode::RemoteUnavailable);
    assert_eq!(message, "The customer is in web chat.");
    web.sync().await;

    // Carol's `screen = "view"`: control is forbidden, viewing is asked.
    let mut carol = server.rep("carol").await;
    let customer = native_customer(server.addr, "carol").await;
    accept(&mut carol, "carol", customer.session_id).await;
    carol
        .refused(
            RepRequest::RequestRemote {
                session_id: customer.session_id,
                capability: Capability::ScreenControl,
            },
            ErrorCode::Forbidden,
        )
        .await;
    carol
        .request_remote(customer.session_id, Capability::ScreenView)
        .await;
}

#[tokio::test]
async fn a_restart_keeps_the_lines_and_ends_live_grants() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut customer = native_customer(server.addr, "alice").await;
    let id = customer.session_id;
    let token = customer.token.clone();
    accept(&mut alice, "alice", id).await;
    let grant = alice.request_remote(id, Capability::ScreenView).await;
    customer
        .ok_ticket(CustomerRequest::AnswerRemote {
            grant_id: grant,
            allow: true,
        })
        .await;
    alice.grant_reaches(grant, GrantState::Granted).await;
    drop((alice, customer));

    server.restart().await;
    let alice = server.rep("alice").await;
    let snapshot = alice.snapshot.as_ref().expect("a snapshot");
    let view = snapshot
        .sessions
        .iter()
        .find(|v| v.session.session_id == id)
        .expect("alice is still in the session");
    let grants = &view.session.remote.grants;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].state, GrantState::Stopped);
    assert_eq!(grants[0].ended, Some(GrantEnd::CustomerDisconnected));
    let lines: Vec<&str> = view
        .chat
        .iter()
        .filter(|m| m.author == Author::System && m.visibility == Visibility::Public)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(
        lines[..2],
        [
            "Alice asked to view the screen.",
            "The customer allowed Alice to view the screen.",
        ]
    );
    // The customer's program comes back: its history has the lines, and it is still
    // the native client (its desktop can be asked for again).
    let customer = CustomerClient::resume(server.addr, id, &token)
        .await
        .unwrap_or_else(|refused| panic!("resume refused: {refused:?}"));
    assert!(
        customer
            .chat
            .iter()
            .any(|m| m.text == "The customer allowed Alice to view the screen.")
    );
    let mut alice = alice;
    let again = alice.request_remote(id, Capability::ScreenControl).await;
    assert!(again.0 > grant.0);
}
