//! Unread counts of session chats.

use super::*;
use switchboard_protocol::Author;

/// Messages from others (the customer, another rep) in a background session count as
/// unread; the server's own lines (joined, left…) are told, not waiting to be read.
#[test]
fn messages_from_others_in_a_background_session_count() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    c.model.set_focus(Some(SessionId(13)));
    c.chat(customer_says(101, 12, "hi"));
    c.chat(rep_says(102, 12, BOB, "I'm here too"));
    c.chat(message(103, 12, Author::System, "Bob joined the session."));
    assert_eq!(c.unread(12), 2);
    assert_eq!(c.unread(13), 0);
    let with_unread: Vec<SessionId> = c.model.sessions_with_unread().map(|(id, _)| *id).collect();
    assert_eq!(with_unread, vec![SessionId(12)]);
}

/// Messages in the focused session are read as they arrive.
#[test]
fn messages_in_the_focused_session_do_not_count() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.model.set_focus(Some(SessionId(12)));
    c.chat(customer_says(101, 12, "hi"));
    c.chat(rep_says(102, 12, BOB, "hello"));
    assert_eq!(c.unread(12), 0);
    assert_eq!(c.model.sessions_with_unread().count(), 0);
}

/// Focusing a session clears its count; other sessions keep theirs.
#[test]
fn set_focus_clears_the_count() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    c.chat(customer_says(101, 12, "hi"));
    c.chat(customer_says(102, 12, "anyone?"));
    c.chat(customer_says(103, 13, "hello"));
    assert_eq!((c.unread(12), c.unread(13)), (2, 1));

    c.model.set_focus(Some(SessionId(12)));
    assert_eq!(c.model.focused(), Some(SessionId(12)));
    assert_eq!((c.unread(12), c.unread(13)), (0, 1));

    // Moving away: new messages count again.
    c.model.set_focus(None);
    c.chat(customer_says(104, 12, "still there?"));
    assert_eq!(c.unread(12), 1);
}

/// This rep's own messages never count, through the event or the `ok`, in the background.
#[test]
fn own_messages_never_count() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    c.model.set_focus(Some(SessionId(13)));
    c.chat(rep_says(101, 12, ME, "from my other window"));
    let (id, request) = c.send(12, "hello", Visibility::Public);
    c.model.apply(ok_chat(id, stored(102, &request)));
    c.chat(stored(102, &request));
    assert_eq!(c.chat_ids(12), vec![101, 102]);
    assert_eq!(c.unread(12), 0);
}
