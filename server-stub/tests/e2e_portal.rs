//! End to end in a real browser: the customer portal served by the real server, driven in
//! headless Chromium, with real reps on the other side of the WebSocket. One test per entry
//! path, plus reload, what the customer is told, links that lead nowhere and bad input.

#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use browser::Browser;
use common::*;
use switchboard_protocol::*;

const ENTER: &str = "\u{e007}";

/// The portal customer's entry (by name): in the rep's snapshot, or among their events.
async fn portal_entry(rep: &mut RepClient, name: &str) -> QueueEntry {
    let in_snapshot = rep.snapshot.as_ref().and_then(|s| {
        s.queues
            .iter()
            .flat_map(|q| &q.entries)
            .find(|e| e.customer.name == name && e.invitation.is_none())
            .cloned()
    });
    if let Some(entry) = in_snapshot {
        return entry;
    }
    rep.pick("the portal customer's entry", |e| match e {
        RepEvent::EntryUpserted { entry }
            if entry.customer.name == name && entry.invitation.is_none() =>
        {
            Some(entry.clone())
        }
        _ => None,
    })
    .await
}

/// Fills the name and starts the chat on a page whose route is already decided.
async fn start_as(page: &Browser, name: &str) {
    page.fill("#name", name).await;
    page.click("#start").await;
}

/// The rep accepts the session and says `text` to the customer; returns the session id.
async fn accept_and_say(rep: &mut RepClient, entry: &QueueEntry, text: &str) -> SessionId {
    let session_id = entry.session_id;
    rep.ok(RepRequest::Accept { session_id }).await;
    joined(rep, session_id).await;
    say(rep, session_id, text, Visibility::Public).await;
    session_id
}

async fn say(rep: &mut RepClient, session_id: SessionId, text: &str, visibility: Visibility) {
    rep.ok(RepRequest::SendChat {
        session_id,
        client_msg_id: unique_client_id(),
        text: text.into(),
        visibility,
    })
    .await;
}

/// The issue path, the whole way: queue position while waiting, the rep's answer, the
/// customer's message, a reload that keeps the session, and the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_path_chats_survives_a_reload_and_shows_the_end() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let page = Browser::open().await;
    page.goto(&server.http("/")).await;
    page.fill("#name", "Wendy Web").await;
    page.fill("#company", "Web & Sons").await;
    page.fill("#question", "My invoice is wrong").await;
    page.click(r#"input[name="how"][value="issue"]"#).await;
    page.select("#issue", "invoice").await;
    page.screenshot_if_asked("portal").await;
    page.click("#start").await;

    let status = page.wait_for_text("#status", "in the queue").await;
    assert!(status.contains("You are next in the queue"), "{status}");
    assert!(status.contains("Estimated wait"), "{status}");
    page.screenshot_if_asked("portal-waiting").await;
    let entry = portal_entry(&mut alice, "Wendy Web").await;
    assert_eq!(entry.queue, team("billing"));
    assert_eq!(entry.issue, Some(IssueId::new("invoice")));
    assert_eq!(entry.entry_path, EntryPath::Issue);
    assert_eq!(entry.customer.company.as_deref(), Some("Web & Sons"));
    assert_eq!(
        entry.customer.question.as_deref(),
        Some("My invoice is wrong")
    );

    let session_id = accept_and_say(&mut alice, &entry, "Hello Wendy, let me look.").await;
    say(
        &mut alice,
        session_id,
        "rep-only: check the ledger",
        Visibility::Reps,
    )
    .await;
    page.wait_for_text("#messages", "Hello Wendy, let me look.")
        .await;
    page.wait_for_text("#messages", "Alice joined the chat.")
        .await;
    page.wait_for_text("#status", "You are chatting with Alice")
        .await;

    page.type_keys("#message", &format!("It says 40 EUR twice{ENTER}"))
        .await;
    let from_page = alice.chat_text("It says 40 EUR twice").await;
    assert_eq!(
        from_page.author,
        Author::Customer {
            name: "Wendy Web".into()
        }
    );
    assert_eq!(from_page.session_id, session_id);
    page.screenshot_if_asked("portal-chat").await;

    page.reload().await;
    let history = page
        .wait_for_text("#messages", "It says 40 EUR twice")
        .await;
    assert!(history.contains("Hello Wendy, let me look."), "{history}");
    assert!(
        !history.contains("rep-only"),
        "a rep-only note reached the customer: {history}"
    );
    assert_eq!(
        history.matches("It says 40 EUR twice").count(),
        1,
        "the message shows once after the reload: {history}"
    );
    page.wait_for_text("#status", "You are chatting with Alice")
        .await;
    page.type_keys("#message", &format!("Still here after reloading{ENTER}"))
        .await;
    let again = alice.chat_text("Still here after reloading").await;
    assert_eq!(
        again.session_id, session_id,
        "the same session after reload"
    );

    end_resolved(&mut alice, session_id).await;
    page.wait_for_text("#ended-message", "ended").await;
    assert!(
        !page.is_displayed("#composer").await,
        "no composer after the end"
    );
    page.click("#new-chat").await;
    assert!(page.is_displayed("#start-form").await);
    page.close().await;
}

/// Picking a rep: the list follows who is available, and the pick lands in their personal
/// queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rep_pick_lists_reps_as_they_become_available() {
    let server = TestServer::start().await;
    let page = Browser::open().await;
    page.goto(&server.http("/")).await;
    page.wait_for_text("#reps-empty", "No representatives are available")
        .await;

    let mut bob = server.rep("bob").await;
    page.wait_for_text("#reps", "Bob").await;
    page.fill("#name", "Rita Radio").await;
    page.click(r#"input[name="rep"][value="bob"]"#).await;
    page.click("#start").await;

    let entry = portal_entry(&mut bob, "Rita Radio").await;
    assert_eq!(entry.queue, personal("bob"));
    assert_eq!(entry.entry_path, EntryPath::RepPick);
    accept_and_say(&mut bob, &entry, "Bob here, how can I help?").await;
    page.wait_for_text("#messages", "Bob here, how can I help?")
        .await;
    page.close().await;
}

/// A session key a rep generated takes the customer to that rep, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_key_reaches_the_rep_who_made_it() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let key = match alice.ok(RepRequest::GenerateSessionKey).await {
        Some(OkResult::SessionKey { key, .. }) => key,
        other => panic!("expected a session key, got {other:?}"),
    };
    let page = Browser::open().await;
    page.goto(&server.http("/")).await;
    page.fill("#name", "Kim Key").await;
    page.click(r#"input[name="how"][value="key"]"#).await;
    page.fill("#key", &key).await;
    page.click("#start").await;

    let entry = portal_entry(&mut alice, "Kim Key").await;
    assert_eq!(entry.queue, personal("alice"));
    assert_eq!(entry.entry_path, EntryPath::SessionKey);
    accept_and_say(&mut alice, &entry, "Thanks for entering the key.").await;
    page.wait_for_text("#messages", "Thanks for entering the key.")
        .await;
    page.close().await;
}

/// Help links start browser-sharing sessions in the named team's or rep's queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_links_start_browser_sessions_for_a_team_and_a_rep() {
    let server = TestServer::start().await;
    let mut carol = server.rep("carol").await;
    let mut bob = server.rep("bob").await;
    let page = Browser::open().await;

    page.goto(&server.http("/help?team=tech")).await;
    assert_eq!(page.text("#start-heading").await, "Get help from Tech");
    assert!(
        !page.is_displayed("#how").await,
        "a help link has already chosen the queue"
    );
    start_as(&page, "Hana Help").await;
    let entry = portal_entry(&mut carol, "Hana Help").await;
    assert_eq!(entry.queue, team("tech"));
    assert_eq!(entry.kind, SessionKind::Browser);
    assert_eq!(entry.entry_path, EntryPath::TeamHelpLink);
    accept_and_say(&mut carol, &entry, "Carol from Tech here.").await;
    page.wait_for_text("#messages", "Carol from Tech here.")
        .await;
    // The customer ends this chat; the next link starts afresh.
    page.click("#leave").await;
    page.wait_for_text("#ended-message", "You ended the chat")
        .await;

    page.goto(&server.http("/help?rep=bob")).await;
    assert_eq!(page.text("#start-heading").await, "Get help from Bob");
    start_as(&page, "Hugo Help").await;
    let entry = portal_entry(&mut bob, "Hugo Help").await;
    assert_eq!(entry.queue, personal("bob"));
    assert_eq!(entry.kind, SessionKind::Browser);
    assert_eq!(entry.entry_path, EntryPath::RepHelpLink);
    accept_and_say(&mut bob, &entry, "Bob sees your page.").await;
    page.wait_for_text("#messages", "Bob sees your page.").await;
    page.close().await;
}

/// Support buttons tied to a rep and to a team.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_buttons_reach_their_rep_and_team() {
    let server = TestServer::start().await;
    let mut bob = server.rep("bob").await;
    let page = Browser::open().await;

    page.goto(&server.http("/button/btn-bob")).await;
    assert_eq!(page.text("#start-heading").await, "Chat with Bob");
    start_as(&page, "Bea Button").await;
    let entry = portal_entry(&mut bob, "Bea Button").await;
    assert_eq!(entry.queue, personal("bob"));
    assert_eq!(entry.entry_path, EntryPath::RepButton);
    accept_and_say(&mut bob, &entry, "You pressed my button.").await;
    page.wait_for_text("#messages", "You pressed my button.")
        .await;
    page.click("#leave").await;
    page.wait_for_text("#ended-message", "You ended the chat")
        .await;

    page.goto(&server.http("/button/btn-billing")).await;
    assert_eq!(page.text("#start-heading").await, "Chat with Billing");
    start_as(&page, "Ben Button").await;
    let entry = portal_entry(&mut bob, "Ben Button").await;
    assert_eq!(entry.queue, team("billing"));
    assert_eq!(entry.entry_path, EntryPath::TeamButton);
    page.close().await;
}

/// Unknown teams, reps and buttons, and incomplete links, get a page that says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_that_lead_nowhere_get_a_clear_page() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    for (path, status, says) in [
        (
            "/help?team=nowhere",
            404,
            "no support team called \u{201c}nowhere\u{201d}",
        ),
        (
            "/help?rep=ghost",
            404,
            "no representative called \u{201c}ghost\u{201d}",
        ),
        ("/help", 400, "names either a team"),
        ("/help?team=tech&rep=bob", 400, "names either a team"),
        ("/button/no-such-token", 404, "not (or no longer) set up"),
        ("/help?team=%3Cscript%3E", 404, "&lt;script&gt;"),
    ] {
        let response = http.get(server.http(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(says), "{path}: {body}");
        assert!(!body.contains("<script>"), "{path} echoes markup: {body}");
    }
    let page = Browser::open().await;
    page.goto(&server.http("/button/no-such-token")).await;
    page.wait_for_text("h1", "This support button is not known")
        .await;
    page.goto(&server.http("/no/such/page")).await;
    page.wait_for_text("h1", "This page does not exist").await;
    page.close().await;
}

/// Bad input is refused by the server with a message the customer understands, and the
/// form keeps what they typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_the_servers_message_and_loses_nothing() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let page = Browser::open().await;
    page.goto(&server.http("/")).await;

    page.click(r#"input[name="how"][value="issue"]"#).await;
    page.click("#start").await;
    page.wait_for_text("#form-error", "Please choose an issue.")
        .await;

    page.select("#issue", "crash").await;
    page.fill("#name", "   ").await;
    page.click("#start").await;
    page.wait_for_text("#form-error", "Please enter your name.")
        .await;

    page.fill("#name", &"N".repeat(101)).await;
    page.click("#start").await;
    page.wait_for_text("#form-error", "at most 100 characters")
        .await;

    page.fill("#name", "Vera Valid").await;
    page.click(r#"input[name="how"][value="key"]"#).await;
    page.fill("#key", "000000").await;
    page.click("#start").await;
    page.wait_for_text("#form-error", "That session key is not valid")
        .await;
    assert!(page.is_displayed("#start-form").await, "still on the form");

    page.click(r#"input[name="how"][value="rep"]"#).await;
    page.click("#start").await;
    page.wait_for_text("#form-error", "Please pick a representative")
        .await;
    page.click(r#"input[name="rep"][value="alice"]"#).await;
    page.click("#start").await;
    let entry = portal_entry(&mut alice, "Vera Valid").await;
    assert_eq!(entry.customer.name, "Vera Valid", "the name was kept");

    page.wait_for_text("#status", "in the queue").await;
    let too_long = "x".repeat(4001);
    page.set_value("message", &too_long).await;
    page.click("#send").await;
    page.wait_for_text("#chat-error", "at most").await;
    let kept: String = page
        .client
        .execute("return document.getElementById('message').value;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(kept.len(), 4001, "the refused text is back in the composer");
    page.close().await;
}

/// The customer is told when a rep leaves (and sees the queue again), when another joins,
/// and when a rep disconnects them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_is_told_who_comes_and_goes_and_when_disconnected() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let page = Browser::open().await;
    page.goto(&server.http("/button/btn-billing")).await;
    start_as(&page, "Cleo Comes").await;
    let entry = portal_entry(&mut alice, "Cleo Comes").await;
    let session_id = accept_and_say(&mut alice, &entry, "Alice here first.").await;
    page.wait_for_text("#messages", "Alice here first.").await;

    alice
        .ok(RepRequest::Close {
            session_id,
            mode: CloseMode::LeaveInQueue,
        })
        .await;
    page.wait_for_text("#messages", "Alice left the chat.")
        .await;
    page.wait_for_text("#status", "in the queue").await;

    let entry = session_entry_in(&mut bob, &team("billing"), session_id, |_| true).await;
    accept_and_say(&mut bob, &entry, "Bob takes over.").await;
    page.wait_for_text("#messages", "Bob joined the chat.")
        .await;
    page.wait_for_text("#status", "You are chatting with Bob")
        .await;

    bob.ok(RepRequest::DisconnectCustomer { session_id }).await;
    page.wait_for_text("#ended-message", "Bob ended your connection")
        .await;
    assert!(!page.is_displayed("#composer").await);
    page.close().await;
}

/// A server restart drops the page's connection: it reconnects to the same session by
/// itself, and a message typed while it was away is delivered, not lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reconnects_after_a_server_restart_and_loses_nothing() {
    let mut server = TestServer::start().await;
    let page = Browser::open().await;
    page.goto(&server.http("/button/btn-billing")).await;
    start_as(&page, "Otto Offline").await;
    page.wait_for_text("#status", "in the queue").await;
    page.type_keys("#message", &format!("before the restart{ENTER}"))
        .await;
    page.wait_for_text("#messages", "before the restart").await;

    if let Some(running) = server.server.take() {
        running.shutdown().await;
    }
    page.wait_for_text("#status", "Reconnecting").await;
    page.type_keys("#message", &format!("typed while offline{ENTER}"))
        .await;
    page.wait_for_text(".message.pending", "typed while offline")
        .await;
    server.restart().await;
    page.wait_for_text("#status", "in the queue").await;

    let mut alice = server.rep("alice").await;
    let entry = portal_entry(&mut alice, "Otto Offline").await;
    alice
        .ok(RepRequest::Accept {
            session_id: entry.session_id,
        })
        .await;
    let view = joined(&mut alice, entry.session_id).await;
    let texts: Vec<&str> = view.chat.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts
            .iter()
            .filter(|t| **t == "typed while offline")
            .count(),
        1,
        "delivered exactly once: {texts:?}"
    );
    assert!(texts.contains(&"before the restart"), "{texts:?}");
    page.close().await;
}

/// The customer gives an email (the rep sees it as the contact), receives a rep's file and
/// downloads it, sends one of their own, and is told why a wrong type is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_both_ways_in_the_browser() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let alice_auth = format!("Bearer {}", server.login("alice").await);
    let page = Browser::open().await;
    page.goto(&server.http("/button/btn-billing")).await;
    page.fill("#name", "Flo Files").await;
    page.fill("#contact", "Flo@Example.com").await;
    page.click("#start").await;
    let entry = portal_entry(&mut alice, "Flo Files").await;
    assert_eq!(
        entry.customer.contact.as_deref(),
        Some("flo@example.com"),
        "the contact is kept, compared without case"
    );
    let session_id = accept_and_say(&mut alice, &entry, "I will send you the form.").await;

    let form = b"name,amount\nFlo,40\n".to_vec();
    let response = reqwest::Client::new()
        .post(server.http(&format!(
            "/api/sessions/{session_id}/files?name=refund-form.csv"
        )))
        .header("Authorization", &alice_auth)
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    page.wait_for_text("#messages", "refund-form.csv").await;
    page.click(r#"button[aria-label="Download refund-form.csv"]"#)
        .await;
    assert_eq!(page.downloaded("refund-form.csv").await, form);

    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("error-log.txt");
    std::fs::write(&mine, "Error 42 at startup\n").unwrap();
    page.type_keys("#file", &mine.display().to_string()).await;
    let shared = alice
        .pick("the customer's file", |e| match e {
            RepEvent::Chat { message }
                if message.attachment.is_some()
                    && matches!(message.author, Author::Customer { .. }) =>
            {
                Some(message.clone())
            }
            _ => None,
        })
        .await;
    let attachment = shared.attachment.unwrap();
    assert_eq!(attachment.name, "error-log.txt");
    let bytes = reqwest::Client::new()
        .get(server.http(&format!("/api/files/{}", attachment.file_id)))
        .header("Authorization", &alice_auth)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), b"Error 42 at startup\n");
    page.wait_for_text("#messages", "error-log.txt").await;
    page.screenshot_if_asked("portal-files").await;

    let bad = dir.path().join("setup.exe");
    std::fs::write(&bad, "MZ").unwrap();
    page.type_keys("#file", &bad.display().to_string()).await;
    page.wait_for_text("#chat-error", "cannot be shared").await;
    page.close().await;
}

/// An iPhone's portal says so (`?platform=ios`); the rep's Special Actions send iOS's own
/// screen broadcast steps, which the page shows as a card; nothing offers to view the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iphone_customer_gets_the_broadcast_steps_and_no_screen_view() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let key = match alice.ok(RepRequest::GenerateSessionKey).await {
        Some(OkResult::SessionKey { key, .. }) => key,
        other => panic!("expected a session key, got {other:?}"),
    };
    let page = Browser::open_with(&[
        "--user-agent=Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    ])
    .await;
    page.goto(&server.http("/")).await;
    page.fill("#name", "Ivy Phone").await;
    page.click(r#"input[name="how"][value="key"]"#).await;
    page.fill("#key", &key).await;
    page.click("#start").await;
    let entry = portal_entry(&mut alice, "Ivy Phone").await;
    let session_id = entry.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut alice, session_id).await;
    assert_eq!(view.session.remote.platform, Platform::Ios);
    assert_eq!(view.session.remote.source, ScreenSource::None);
    let (code, _) = alice
        .request(RepRequest::RequestRemote {
            session_id,
            capability: Capability::ScreenView,
        })
        .await
        .unwrap_err();
    assert_eq!(code, ErrorCode::RemoteUnavailable);

    alice
        .ok(RepRequest::SpecialAction {
            session_id,
            action: SpecialAction::IosScreenBroadcast,
        })
        .await;
    page.wait_for_text("#messages", "Share your iPhone or iPad screen")
        .await;
    let card = page.text("#messages .card").await;
    assert!(card.contains("Control Center"), "{card}");
    assert!(card.contains("This chat cannot see your screen"), "{card}");
    page.wait_for_text(
        "#messages",
        "Alice sent the steps to share an iPhone or iPad screen.",
    )
    .await;
    page.screenshot_if_asked("portal-ios-card").await;
    page.close().await;
}
