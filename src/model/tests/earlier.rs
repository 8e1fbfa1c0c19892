//! A long chat arrives with its newest part (`earlier_chat`); `load_chat` pages the rest
//! in before it, once each, until the server says there is no more.

use super::*;

/// The joined view says older messages exist; the page goes before the chat, in order and
/// without repeats; `more: false` ends the paging.
#[test]
fn earlier_pages_go_before_the_chat() {
    let mut c = Console::new();
    let mut view = session_view(
        12,
        "Jane",
        vec![
            customer_says(50, 12, "fifty"),
            customer_says(51, 12, "fifty-one"),
        ],
    );
    view.earlier_chat = true;
    c.event(RepEvent::SessionJoined { view });
    let session = &c.model.sessions[&SessionId(12)];
    assert!(session.earlier_chat);
    let request = session
        .earlier_request()
        .expect("a request for the page before");
    assert_eq!(
        request,
        RepRequest::LoadChat {
            session_id: SessionId(12),
            before: switchboard_protocol::MessageId(50),
        }
    );
    let id = c.model.request(&request);
    assert!(c.model.sessions[&SessionId(12)].loading_earlier);
    c.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::ChatPage {
            // Out of order, one repeated, one already shown: all sorted out.
            messages: vec![
                customer_says(49, 12, "forty-nine"),
                customer_says(47, 12, "forty-seven"),
                customer_says(49, 12, "forty-nine"),
                customer_says(50, 12, "fifty"),
            ],
            more: false,
        }),
    });
    assert_eq!(c.chat_ids(12), vec![47, 49, 50, 51]);
    let session = &c.model.sessions[&SessionId(12)];
    assert!(!session.earlier_chat, "the server said there is no more");
    assert!(!session.loading_earlier);
}

/// A refused page stops the spinner and says why.
#[test]
fn a_refused_page_stops_loading() {
    let mut c = Console::new();
    let mut view = session_view(12, "Jane", vec![customer_says(50, 12, "fifty")]);
    view.earlier_chat = true;
    c.event(RepEvent::SessionJoined { view });
    let request = c.model.sessions[&SessionId(12)].earlier_request().unwrap();
    let id = c.model.request(&request);
    c.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: switchboard_protocol::ErrorCode::NotInSession,
        message: "You are not in this session.".into(),
        retry_after_ms: None,
    });
    let session = &c.model.sessions[&SessionId(12)];
    assert!(!session.loading_earlier);
    assert!(session.earlier_chat, "still there to try again");
}
