//! Sending chat: pending messages, replies, failures and the resend after a reconnect.

use super::*;
use std::collections::HashSet;
use switchboard_protocol::ErrorCode;

fn pending_ids(c: &Console, session: u64) -> Vec<String> {
    c.model.sessions[&SessionId(session)]
        .pending
        .iter()
        .map(|p| p.client_msg_id.clone())
        .collect()
}

/// `send_chat` shows the message as pending at once and returns a `send_chat` request with a
/// client id that is unique, across sessions too; the text is trimmed.
#[test]
fn send_chat_creates_a_pending_message_with_a_unique_client_id() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    let (first_id, first) = c.send(12, "  hello  ", Visibility::Public);
    let (second_id, second) = c.send(12, "hello", Visibility::Reps);
    let (third_id, third) = c.send(13, "hello", Visibility::Public);

    let RepRequest::SendChat {
        session_id,
        client_msg_id: first_client,
        text,
        visibility,
    } = &first
    else {
        panic!("not a send_chat: {first:?}");
    };
    assert_eq!(*session_id, SessionId(12));
    assert_eq!(text, "hello");
    assert_eq!(*visibility, Visibility::Public);

    let ids: HashSet<&str> = [&first, &second, &third]
        .into_iter()
        .map(client_msg_id)
        .collect();
    assert_eq!(ids.len(), 3, "client ids are unique");
    let requests: HashSet<RequestId> = [first_id, second_id, third_id].into_iter().collect();
    assert_eq!(requests.len(), 3, "request ids are unique");

    let jane = &c.model.sessions[&SessionId(12)];
    assert_eq!(jane.pending.len(), 2);
    assert_eq!(&jane.pending[0].client_msg_id, first_client);
    assert_eq!(jane.pending[0].request, first_id);
    assert_eq!(jane.pending[0].text, "hello");
    assert_eq!(jane.pending[0].refused, None);
    assert_eq!(jane.pending[1].visibility, Visibility::Reps);
    assert!(
        jane.chat.is_empty(),
        "nothing is in the chat before the server stores it"
    );
    assert_eq!(pending_ids(&c, 13), vec![client_msg_id(&third).to_owned()]);
}

/// Nothing is sent for blank text or a session the rep is not in.
#[test]
fn send_chat_refuses_blank_text_and_unknown_sessions() {
    let mut c = Console::new();
    c.join(12, "Jane");
    assert!(
        c.model
            .send_chat(SessionId(12), "   \n", Visibility::Public)
            .is_none()
    );
    assert!(
        c.model
            .send_chat(SessionId(99), "hello", Visibility::Public)
            .is_none()
    );
    assert!(c.model.sessions[&SessionId(12)].pending.is_empty());
}

/// Client ids and request ids do not repeat after a logout (the numbering continues).
#[test]
fn client_ids_do_not_repeat_after_a_logout() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (_, before) = c.send(12, "one", Visibility::Public);
    let (request_before, _) = c.send(12, "two", Visibility::Public);
    c.model.clear();
    assert!(!c.model.ready);
    assert!(c.model.sessions.is_empty());
    c.model.apply(snapshot(3, snapshot_state()));
    c.seq = 3;
    c.join(12, "Jane");
    let (request_after, after) = c.send(12, "one", Visibility::Public);
    assert_ne!(client_msg_id(&before), client_msg_id(&after));
    assert!(request_after.0 > request_before.0);
}

/// The `ok` replaces the pending message with the message the server stored.
#[test]
fn ok_replaces_the_pending_message_with_the_stored_one() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (id, request) = c.send(12, "hello", Visibility::Public);
    let (_, other) = c.send(12, "second", Visibility::Public);
    c.model.apply(ok_chat(id, stored(103, &request)));

    let jane = &c.model.sessions[&SessionId(12)];
    assert_eq!(jane.chat, vec![stored(103, &request)]);
    assert_eq!(pending_ids(&c, 12), vec![client_msg_id(&other).to_owned()]);
    assert!(c.model.notices.is_empty());
}

/// An `error` marks the pending message refused (it stays, so nothing typed is lost) and
/// leaves a notice with the code.
#[test]
fn error_marks_the_message_refused_and_leaves_a_notice() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (id, request) = c.send(12, "hello", Visibility::Public);
    c.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: ErrorCode::SessionEnded,
        message: "the session has ended".to_owned(),
        retry_after_ms: None,
    });

    let jane = &c.model.sessions[&SessionId(12)];
    assert_eq!(jane.pending.len(), 1);
    assert_eq!(jane.pending[0].client_msg_id, client_msg_id(&request));
    assert_eq!(
        jane.pending[0].refused.as_deref(),
        Some("the session has ended")
    );
    assert!(jane.chat.is_empty());
    assert_eq!(c.model.notices.len(), 1);
    assert_eq!(c.model.notices[0].code, Some(ErrorCode::SessionEnded));
    assert!(c.model.notices[0].text.contains("the session has ended"));
}

/// A message that could not be sent (not connected) stays pending, unrefused, silently.
#[test]
fn send_failed_keeps_the_message_pending() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (id, request) = c.send(12, "hello", Visibility::Public);
    c.model.send_failed(id, "not connected");

    let jane = &c.model.sessions[&SessionId(12)];
    assert_eq!(
        pending_ids(&c, 12),
        vec![client_msg_id(&request).to_owned()]
    );
    assert_eq!(jane.pending[0].refused, None);
    assert!(c.model.notices.is_empty());
    assert_eq!(c.model.resend_pending().len(), 1);
}

/// After a reconnect `resend_pending` returns a `send_chat` for every pending message not
/// refused, with the same client id, text and visibility and a new request id; the stored
/// message arriving afterwards removes the pending one.
#[test]
fn resend_pending_keeps_client_ids_and_the_stored_message_clears_them() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    let (a_id, a) = c.send(12, "a", Visibility::Public);
    let (b_id, b) = c.send(12, "b", Visibility::Reps);
    let (refused_id, _) = c.send(12, "refused", Visibility::Public);
    let (d_id, d) = c.send(13, "d", Visibility::Public);
    c.model.apply(RepServerMessage::Error {
        id: Some(refused_id),
        code: ErrorCode::Invalid,
        message: "too long".to_owned(),
        retry_after_ms: None,
    });
    c.model.send_failed(b_id, "not connected");

    let resent = c.model.resend_pending();
    let requests: Vec<&RepRequest> = resent.iter().map(|(_, r)| r).collect();
    assert_eq!(
        requests,
        vec![&a, &b, &d],
        "same client ids, texts, visibilities"
    );
    let old: HashSet<RequestId> = [a_id, b_id, refused_id, d_id].into_iter().collect();
    let new: HashSet<RequestId> = resent.iter().map(|(id, _)| *id).collect();
    assert_eq!(new.len(), 3, "new request ids are unique");
    assert!(
        new.is_disjoint(&old),
        "request ids are new: {new:?} vs {old:?}"
    );
    for (id, request) in &resent {
        let pending = c
            .model
            .sessions
            .values()
            .flat_map(|s| &s.pending)
            .find(|p| p.client_msg_id == client_msg_id(request))
            .unwrap();
        assert_eq!(
            pending.request, *id,
            "the pending message waits for the new request"
        );
    }

    // The stored messages arrive: as an event, and as the new request's `ok`.
    c.chat(stored(201, &a));
    c.model.apply(ok_chat(resent[1].0, stored(202, &b)));
    c.model.apply(ok_chat(resent[0].0, stored(201, &a)));
    c.chat(stored(202, &b));
    c.chat(stored(203, &d));
    assert_eq!(c.chat_ids(12), vec![201, 202]);
    let left = &c.model.sessions[&SessionId(12)].pending;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].text, "refused");
    assert!(c.model.sessions[&SessionId(13)].pending.is_empty());
    assert!(
        c.model.resend_pending().is_empty(),
        "nothing left to resend"
    );
}

/// Resending twice (two reconnects in a row) keeps the client ids and issues new request ids
/// each time; the latest request's `ok` settles the message.
#[test]
fn resending_twice_keeps_client_ids() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (first_id, request) = c.send(12, "hello", Visibility::Public);
    let first = c.model.resend_pending();
    let second = c.model.resend_pending();
    assert_eq!(first[0].1, request);
    assert_eq!(second[0].1, request);
    assert_ne!(first[0].0, second[0].0);
    assert_ne!(first[0].0, first_id);

    c.model.apply(ok_chat(second[0].0, stored(300, &request)));
    assert!(c.model.sessions[&SessionId(12)].pending.is_empty());
    assert_eq!(c.chat_ids(12), vec![300]);
}

/// Other requests that are refused or cannot be sent leave a notice saying what failed;
/// only the latest notices are kept.
#[test]
fn refused_and_unsent_requests_leave_notices() {
    let mut c = Console::new();
    let refused = c.model.request(&RepRequest::Accept {
        session_id: SessionId(12),
    });
    c.model.apply(RepServerMessage::Error {
        id: Some(refused),
        code: ErrorCode::AlreadyTaken,
        message: "Bob Chen accepted this session first".to_owned(),
        retry_after_ms: None,
    });
    let unsent = c.model.request(&RepRequest::GenerateSessionKey);
    c.model.send_failed(unsent, "not connected");
    let notices: Vec<_> = c
        .model
        .notices
        .iter()
        .map(|n| (n.text.as_str(), n.code))
        .collect();
    assert_eq!(
        notices,
        vec![
            (
                "Could not accept the session: Bob Chen accepted this session first",
                Some(ErrorCode::AlreadyTaken)
            ),
            ("Could not generate a session key: not connected", None),
        ]
    );

    for n in 0..30 {
        c.model.notice(format!("notice {n}"), None);
    }
    assert_eq!(c.model.notices.len(), 20);
    assert_eq!(c.model.notices.back().unwrap().text, "notice 29");
    assert_eq!(c.model.notices.front().unwrap().text, "notice 10");
}

/// The `ok` of a session key request keeps the key and its expiry.
#[test]
fn session_key_ok_keeps_the_key() {
    let mut c = Console::new();
    let id = c.model.request(&RepRequest::GenerateSessionKey);
    c.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::SessionKey {
            key: "482913".to_owned(),
            expires_at: T0 + 600_000,
        }),
    });
    assert_eq!(
        c.model.session_key,
        Some(("482913".to_owned(), T0 + 600_000))
    );
}
