//! End to end over real sockets and HTTP: the web-chat workflow around a session. Templates
//! and links in the snapshot, the offer's URL, asking a team lead for assistance (and the
//! lead stepping in), older messages of a returning customer, and files shared both ways
//! (with every refusal, and surviving a restart).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use switchboard_protocol::*;

/// A tiny but real PNG signature plus bytes: enough for the server's content check.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-test-image-bytes";

async fn customer_with_contact(
    server: &TestServer,
    name: &str,
    contact: Option<&str>,
    route: Route,
) -> CustomerClient {
    let customer = CustomerInfo {
        name: name.into(),
        contact: contact.map(str::to_owned),
        ..CustomerInfo::default()
    };
    CustomerClient::start_as(server.addr, customer, route).await
}

/// `rep` takes the customer's session from `queue`; returns what they see on joining.
async fn take(rep: &mut RepClient, queue: &QueueRef, session_id: SessionId) -> SessionView {
    session_entry_in(rep, queue, session_id, |_| true).await;
    rep.ok(RepRequest::Accept { session_id }).await;
    joined(rep, session_id).await
}

fn billing_issue() -> Route {
    Route::Issue {
        issue: "invoice".into(),
    }
}

async fn upload(
    server: &TestServer,
    session_id: SessionId,
    authorization: Option<&str>,
    name: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    let name = switchboard_protocol::links::encode_component(name);
    let mut request = reqwest::Client::new()
        .post(server.http(&format!("/api/sessions/{session_id}/files?name={name}")))
        .body(body);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    request.send().await.unwrap()
}

async fn download(
    server: &TestServer,
    file_id: &str,
    authorization: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.http(&format!("/api/files/{file_id}")));
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    request.send().await.unwrap()
}

/// Credentials, file name and bytes of an upload, and the status and code it must get.
type UploadCase<'a> = (Option<&'a str>, &'a str, &'a [u8], (u16, ErrorCode));

/// An upload that must be refused: its status and code.
async fn upload_refusal(
    server: &TestServer,
    session_id: SessionId,
    authorization: Option<&str>,
    name: &str,
    body: Vec<u8>,
) -> (u16, ErrorCode) {
    error_code(upload(server, session_id, authorization, name, body).await).await
}

async fn error_code(response: reqwest::Response) -> (u16, ErrorCode) {
    let status = response.status().as_u16();
    let body: HttpError = response.json().await.unwrap();
    (status, body.code)
}

/// Templates are each rep's own teams' plus everyone's; the link template and the lead
/// permission come with the snapshot.
#[tokio::test]
async fn the_snapshot_carries_templates_links_and_the_lead_flag() {
    let server = TestServer::start().await;
    let names = |rep: &RepClient| -> Vec<String> {
        let snapshot = rep.snapshot.as_ref().unwrap();
        snapshot.templates.iter().map(|t| t.name.clone()).collect()
    };
    let alice = server.rep("alice").await;
    let bob = server.rep("bob").await;
    let carol = server.rep("carol").await;
    assert_eq!(names(&alice), ["Greeting", "Refunds", "Restart"]);
    assert_eq!(names(&bob), ["Greeting", "Refunds"]);
    assert_eq!(names(&carol), ["Greeting", "Restart"]);
    let snapshot = alice.snapshot.as_ref().unwrap();
    assert_eq!(
        snapshot.external_url.as_deref(),
        Some("https://crm.example/find?session={session_id}&name={customer}")
    );
    assert!(!snapshot.permissions.lead);
    assert!(carol.snapshot.as_ref().unwrap().permissions.lead);
}

/// A push offer links to the queue's page about the customer, filled in and encoded.
#[tokio::test]
async fn a_push_offer_carries_the_queues_url() {
    let server = TestServer::start().await;
    let mut sam = server.rep("sam").await;
    let customer = server
        .customer(
            "Zoë & Co",
            Route::Team {
                team: "sales".into(),
            },
        )
        .await;
    let offer = sam
        .pick("offer", |e| match e {
            RepEvent::OfferMade { offer } => Some(offer.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        offer.url.as_deref(),
        Some(
            format!(
                "https://sales.example/lead?s={}&n=Zo%C3%AB%20%26%20Co",
                customer.session_id
            )
            .as_str()
        )
    );
}

/// A rep asks for assistance: the team lead (and only a lead of their team) sees it, steps
/// in with the whole chat, and the request is cleared for every lead.
#[tokio::test]
async fn a_lead_sees_an_assistance_request_and_steps_in() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let mut bob = server.rep("bob").await;
    let mut carol = server.rep("carol").await;
    let mut customer = server.customer("Ada", billing_issue()).await;
    let session_id = customer.session_id;
    take(&mut alice, &team("billing"), session_id).await;
    customer.say("The invoice total is wrong").await;

    // Carol is a lead, but not of this session's team (billing): she cannot step in
    // uninvited.
    carol
        .refused(RepRequest::JoinSession { session_id }, ErrorCode::Forbidden)
        .await;
    bob.refused(
        RepRequest::SetAssistance {
            session_id,
            needed: true,
        },
        ErrorCode::NotInSession,
    )
    .await;
    alice
        .ok(RepRequest::SetAssistance {
            session_id,
            needed: true,
        })
        .await;
    let request = carol
        .pick("assistance requested", |e| match e {
            RepEvent::AssistanceRequested { request } => Some(request.clone()),
            _ => None,
        })
        .await;
    assert_eq!(request.rep, RepId::new("alice"));
    assert_eq!(request.session.session_id, session_id);
    assert!(request.session.assistance);
    let updated = alice
        .pick("session updated", |e| match e {
            RepEvent::SessionUpdated { session } if session.assistance => Some(session.clone()),
            _ => None,
        })
        .await;
    assert_eq!(updated.session_id, session_id);
    bob.sync().await;
    assert!(
        !bob.has_queued(|e| matches!(e, RepEvent::AssistanceRequested { .. })),
        "bob is not a lead"
    );
    bob.refused(RepRequest::JoinSession { session_id }, ErrorCode::Forbidden)
        .await;

    // A lead reconnecting finds the request in the snapshot.
    let carol_again = server.rep("carol").await;
    let open = &carol_again.snapshot.as_ref().unwrap().assistance;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].session.session_id, session_id);
    drop(carol_again);
    let mut carol = server.rep("carol").await;

    carol.ok(RepRequest::JoinSession { session_id }).await;
    let view = joined(&mut carol, session_id).await;
    assert!(
        view.chat
            .iter()
            .any(|m| m.text == "The invoice total is wrong"),
        "the lead sees the whole chat"
    );
    assert!(!view.session.assistance, "stepping in answers the request");
    assert_eq!(view.session.owner, Some(RepId::new("alice")));
    carol
        .pick("assistance cleared", |e| match e {
            RepEvent::AssistanceCleared { session_id: s } if *s == session_id => Some(()),
            _ => None,
        })
        .await;
    let joined_name = customer
        .wait("rep joined", |m| match m {
            CustomerServerMessage::RepJoined { name } => Some(name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(joined_name, "Carol");
}

/// Bob's only team has no lead: asking is refused with a reason, and nothing changes.
#[tokio::test]
async fn asking_without_a_lead_is_refused() {
    let server = TestServer::start().await;
    let mut bob = server.rep("bob").await;
    let customer = server
        .customer(
            "Ben",
            Route::Rep {
                rep: RepId::new("bob"),
            },
        )
        .await;
    let view = take(&mut bob, &personal("bob"), customer.session_id).await;
    bob.refused(
        RepRequest::SetAssistance {
            session_id: view.session.session_id,
            needed: true,
        },
        ErrorCode::NotFound,
    )
    .await;
}

/// A returning customer (same contact, any case) has older messages; they survive a restart;
/// a customer without a contact has none.
#[tokio::test]
async fn older_messages_of_a_returning_customer() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;

    let mut first =
        customer_with_contact(&server, "Jane", Some("jane@example.com"), billing_issue()).await;
    let first_id = first.session_id;
    let view = take(&mut alice, &team("billing"), first_id).await;
    assert!(!view.session.has_history, "a first visit has no history");
    first.say("My card was declined").await;
    alice
        .ok(RepRequest::SendChat {
            session_id: first_id,
            client_msg_id: unique_client_id(),
            text: "Try again now, please".into(),
            visibility: Visibility::Public,
        })
        .await;
    end_resolved(&mut alice, first_id).await;

    server.restart().await;
    let mut alice = server.rep("alice").await;
    let second = customer_with_contact(
        &server,
        "Jane D.",
        Some("  JANE@Example.com "),
        billing_issue(),
    )
    .await;
    let view = take(&mut alice, &team("billing"), second.session_id).await;
    assert!(
        view.session.has_history,
        "the same contact came before (restored after the restart)"
    );
    let Some(OkResult::History { chats, more }) = alice
        .ok(RepRequest::LoadHistory {
            session_id: second.session_id,
            before: None,
        })
        .await
    else {
        panic!("history expected");
    };
    assert!(!more);
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].session_id, first_id);
    assert_eq!(chats[0].disposition.as_deref(), Some("Resolved"));
    let texts: Vec<&str> = chats[0].chat.iter().map(|m| m.text.as_str()).collect();
    assert!(texts.contains(&"My card was declined"), "{texts:?}");
    assert!(texts.contains(&"Try again now, please"), "{texts:?}");

    // Paging past the oldest gives nothing more.
    let Some(OkResult::History { chats, more }) = alice
        .ok(RepRequest::LoadHistory {
            session_id: second.session_id,
            before: Some(first_id),
        })
        .await
    else {
        panic!("history expected");
    };
    assert!(chats.is_empty() && !more);

    let stranger = customer_with_contact(&server, "Sam", None, billing_issue()).await;
    let view = take(&mut alice, &team("billing"), stranger.session_id).await;
    assert!(!view.session.has_history);
    alice
        .refused(
            RepRequest::LoadHistory {
                session_id: stranger.session_id,
                before: None,
            },
            ErrorCode::NotFound,
        )
        .await;
    let mut bob = server.rep("bob").await;
    bob.refused(
        RepRequest::LoadHistory {
            session_id: second.session_id,
            before: None,
        },
        ErrorCode::NotInSession,
    )
    .await;
}

/// A rep shares a file: the customer gets it in the chat and downloads it with their token;
/// the customer shares one back; both survive a restart.
#[tokio::test]
async fn files_are_shared_both_ways_and_kept() {
    let mut server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let token = server.login("alice").await;
    let mut customer = server.customer("Fay", billing_issue()).await;
    let session_id = customer.session_id;
    take(&mut alice, &team("billing"), session_id).await;

    let response = upload(
        &server,
        session_id,
        Some(&format!("Bearer {token}")),
        "screen shot.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let message: ChatMessage = response.json().await.unwrap();
    let attachment = message.attachment.clone().expect("a file message");
    assert_eq!(attachment.name, "screen shot.png");
    assert_eq!(attachment.size, PNG.len() as u64);
    assert_eq!(attachment.content_type, "image/png");
    assert_eq!(message.visibility, Visibility::Public);
    alice.chat_text("screen shot.png").await;
    let received = customer
        .wait("the file in the chat", |m| match m {
            CustomerServerMessage::Chat { message } => message.attachment.clone(),
            _ => None,
        })
        .await;
    assert_eq!(received, attachment);

    let customer_auth = format!("Customer {}", customer.token);
    let got = download(&server, &attachment.file_id, Some(&customer_auth)).await;
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);

    let text = b"log line 1\nlog line 2\n".to_vec();
    let response = upload(
        &server,
        session_id,
        Some(&customer_auth),
        "app.log",
        text.clone(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let from_customer = alice
        .pick("the customer's file", |e| match e {
            RepEvent::Chat { message } if message.attachment.is_some() => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        from_customer.author,
        Author::Customer { name: "Fay".into() }
    );
    let log_id = from_customer.attachment.unwrap().file_id;

    server.restart().await;
    let token = server.login("alice").await;
    let got = download(&server, &log_id, Some(&format!("Bearer {token}"))).await;
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), text.as_slice());
    let got = download(&server, &attachment.file_id, Some(&customer_auth)).await;
    assert_eq!(
        got.status().as_u16(),
        200,
        "the customer's token still works"
    );
}

/// Every refusal: no or bad credentials, someone else's session or file, wrong type,
/// content that lies about its type, too large, bad names, an ended session.
#[tokio::test]
async fn file_refusals_are_clear_and_store_nothing() {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let alice_auth = format!("Bearer {}", server.login("alice").await);
    let bob_auth = format!("Bearer {}", server.login("bob").await);
    let customer = server.customer("Gus", billing_issue()).await;
    let other = server.customer("Hal", billing_issue()).await;
    let session_id = customer.session_id;
    take(&mut alice, &team("billing"), session_id).await;

    let other_auth = format!("Customer {}", other.token);
    let cases: [UploadCase; 7] = [
        (None, "a.png", PNG, (401, ErrorCode::Unauthorized)),
        (
            Some("Bearer nope"),
            "a.png",
            PNG,
            (401, ErrorCode::Unauthorized),
        ),
        (
            Some(&bob_auth),
            "a.png",
            PNG,
            (403, ErrorCode::NotInSession),
        ),
        (
            Some(&other_auth),
            "a.png",
            PNG,
            (401, ErrorCode::Unauthorized),
        ),
        (
            Some(&alice_auth),
            "tool.exe",
            b"MZ",
            (415, ErrorCode::FileTypeRefused),
        ),
        (
            Some(&alice_auth),
            "fake.png",
            b"<svg>",
            (415, ErrorCode::FileTypeRefused),
        ),
        (
            Some(&alice_auth),
            "../x.png",
            PNG,
            (400, ErrorCode::Invalid),
        ),
    ];
    for (auth, name, body, expected) in cases {
        let got = upload_refusal(&server, session_id, auth, name, body.to_vec()).await;
        assert_eq!(got, expected, "{name} as {auth:?}");
    }
    // 1 MiB is the test limit: one byte over is refused by the check, far over by the reader.
    for size in [1024 * 1024 + 1, 3 * 1024 * 1024] {
        let mut big = b"x".to_vec();
        big.resize(size, b'y');
        let got = upload_refusal(&server, session_id, Some(&alice_auth), "big.txt", big).await;
        assert_eq!(got, (413, ErrorCode::FileTooLarge), "{size} bytes");
    }
    let got = upload_refusal(
        &server,
        SessionId(9999),
        Some(&alice_auth),
        "a.png",
        PNG.to_vec(),
    );
    assert_eq!(got.await, (404, ErrorCode::NotFound));

    // A file of this session: the other customer cannot read it, nor can anyone unsigned.
    let response = upload(
        &server,
        session_id,
        Some(&alice_auth),
        "a.png",
        PNG.to_vec(),
    )
    .await;
    let message: ChatMessage = response.json().await.unwrap();
    let file_id = message.attachment.unwrap().file_id;
    let zeros = "0".repeat(32);
    let downloads = [
        (
            file_id.as_str(),
            Some(other_auth.as_str()),
            (404, ErrorCode::NotFound),
        ),
        (file_id.as_str(), None, (401, ErrorCode::Unauthorized)),
        (
            "not-an-id",
            Some(alice_auth.as_str()),
            (404, ErrorCode::NotFound),
        ),
        (
            zeros.as_str(),
            Some(alice_auth.as_str()),
            (404, ErrorCode::NotFound),
        ),
    ];
    for (id, auth, expected) in downloads {
        let got = error_code(download(&server, id, auth).await).await;
        assert_eq!(got, expected, "{id} as {auth:?}");
    }

    end_resolved(&mut alice, session_id).await;
    let got = upload_refusal(
        &server,
        session_id,
        Some(&alice_auth),
        "late.png",
        PNG.to_vec(),
    );
    assert_eq!(got.await, (410, ErrorCode::SessionEnded));
}
