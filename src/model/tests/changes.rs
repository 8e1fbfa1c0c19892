//! What `Model::apply` reports as changed: the one answer alerts, reminders and "bring the
//! tab forward" are driven from; and the server's own chat lines (`Author::System`).

use super::*;
use crate::model::Change;
use crate::model::session_events::SessionEventKind;
use switchboard_protocol::{LeftReason, MessageId, Offer};

/// A new entry is reported once; an update of the same entry is not a new one.
#[test]
fn a_new_entry_is_reported_and_an_update_is_not() {
    let mut c = Console::new();
    let jane = entry(12, billing(), "Jane", T0);
    let added = c.event(RepEvent::EntryUpserted {
        entry: jane.clone(),
    });
    assert_eq!(
        added,
        [Change::EntryAdded {
            queue: billing(),
            entry_id: "session:12".to_owned()
        }]
    );
    let updated = c.event(RepEvent::EntryUpserted {
        entry: QueueEntry {
            important: true,
            ..jane
        },
    });
    assert!(updated.is_empty());
}

/// A customer's new message is reported; the same message again, a replayed event, the
/// rep's own message and the server's line are not.
#[test]
fn only_a_new_customer_message_is_customer_wrote() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let wrote = c.chat(customer_says(101, 12, "hi"));
    assert_eq!(
        wrote,
        [Change::CustomerWrote {
            session_id: SessionId(12),
            message_id: MessageId(101)
        }]
    );
    assert!(c.chat(customer_says(101, 12, "hi")).is_empty(), "a repeat");
    let replayed = c.model.apply(event(
        c.seq,
        RepEvent::Chat {
            message: customer_says(102, 12, "again"),
        },
    ));
    assert!(replayed.is_empty(), "a resume overlap");
    assert!(c.chat(rep_says(103, 12, ME, "hello")).is_empty(), "own");
    assert!(
        c.chat(rep_says(104, 12, BOB, "hi all")).is_empty(),
        "a colleague"
    );
    let system = message(105, 12, Author::System, "Bob Okafor joined the session.");
    assert!(c.chat(system).is_empty(), "the server's line");
}

/// A tab the rep asked for (accepting an entry) opens as `Joined { asked: true }`; one that
/// arrives without asking (a transfer to them) as `asked: false`; leaving is reported.
#[test]
fn joined_says_whether_the_rep_asked() {
    let mut c = Console::new();
    let accept = RepRequest::Accept {
        session_id: SessionId(12),
    };
    c.model.request(&accept);
    assert_eq!(
        c.join(12, "Jane"),
        [Change::Joined {
            session_id: SessionId(12),
            asked: true
        }]
    );
    assert_eq!(
        c.join(13, "Joe"),
        [Change::Joined {
            session_id: SessionId(13),
            asked: false
        }]
    );
    assert!(c.join(13, "Joe").is_empty(), "already open");
    let left = c.event(RepEvent::SessionLeft {
        session_id: SessionId(12),
        reason: LeftReason::Ended,
    });
    assert_eq!(
        left,
        [Change::Left {
            session_id: SessionId(12),
            reason: Some(LeftReason::Ended)
        }]
    );
}

/// A new snapshot that no longer lists an open session (a resume whose gap was gone)
/// reports it left, without a reason; the sessions it still lists change nothing.
#[test]
fn a_session_missing_from_a_new_snapshot_is_left() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    let mut state = snapshot_state();
    state.sessions = vec![session_view(13, "Joe", Vec::new())];
    let changes = c.model.apply(snapshot(c.seq + 10, state));
    assert_eq!(
        changes,
        [Change::Left {
            session_id: SessionId(12),
            reason: None
        }]
    );
    assert_eq!(c.model.tabs, [SessionId(13)]);
}

/// A refused accept forgets the asking: the session arriving later does not jump forward.
#[test]
fn a_refused_accept_is_not_asked_any_more() {
    let mut c = Console::new();
    let id = c.model.request(&RepRequest::Accept {
        session_id: SessionId(12),
    });
    c.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: switchboard_protocol::ErrorCode::AtCapacity,
        message: "Full.".to_owned(),
        retry_after_ms: None,
    });
    assert_eq!(
        c.join(12, "Jane"),
        [Change::Joined {
            session_id: SessionId(12),
            asked: false
        }]
    );
}

/// An offer is reported when made.
#[test]
fn an_offer_is_reported() {
    let mut c = Console::new();
    let offer = Offer {
        entry: entry(12, billing(), "Jane", T0),
        offered_at: T0,
        deadline: T0 + 20_000,
        url: None,
    };
    assert_eq!(
        c.event(RepEvent::OfferMade { offer }),
        [Change::OfferMade {
            session_id: SessionId(12)
        }]
    );
}

/// The server's own lines (joined, left…) stay in the chat in order, are not unread, and
/// once a session has one the console derives no event lines of its own for it (the
/// server's replace them).
#[test]
fn system_lines_replace_the_derived_events() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let with_bob = SessionInfo {
        participants: vec![rep(ME), rep(BOB)],
        ..session_info(12, "Jane")
    };
    c.event(RepEvent::SessionUpdated {
        session: with_bob.clone(),
    });
    let events = &c.model.sessions[&SessionId(12)].events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, SessionEventKind::Joined(rep(BOB)));

    c.chat(customer_says(101, 12, "hi"));
    c.chat(message(
        102,
        12,
        Author::System,
        "Bob Okafor joined the session.",
    ));
    let session = &c.model.sessions[&SessionId(12)];
    assert!(session.server_tells_events());
    assert!(session.events.is_empty(), "the server's line replaces ours");
    assert_eq!(c.chat_ids(12), vec![101, 102]);
    assert_eq!(c.unread(12), 1, "only the customer's message waits");

    c.event(RepEvent::SessionUpdated {
        session: session_info(12, "Jane"),
    });
    let session = &c.model.sessions[&SessionId(12)];
    assert!(
        session.events.is_empty(),
        "no derived 'left' beside the server's"
    );
    assert_eq!(session.info.participants, vec![rep(ME)]);
}

/// A lead's whisper `from` → `to`, as the server stores it.
fn whisper(id: u64, session: u64, from: &str, to: &str, text: &str) -> ChatMessage {
    ChatMessage {
        visibility: Visibility::Whisper,
        whisper_to: Some(rep(to)),
        ..rep_says(id, session, from, text)
    }
}

/// A whisper to this rep is reported once; their own whisper, one to someone else, a
/// repeat, a replayed event, a whisper in a new snapshot (a reconnect) and a whisper in an
/// ended session are not.
#[test]
fn only_a_new_whisper_to_me_is_whisper_received() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let received = c.chat(whisper(101, 12, BOB, ME, "offer the refund"));
    assert_eq!(
        received,
        [Change::WhisperReceived {
            session_id: SessionId(12),
            message_id: MessageId(101)
        }]
    );
    assert!(
        c.chat(whisper(101, 12, BOB, ME, "offer the refund"))
            .is_empty(),
        "a repeat"
    );
    let replayed = c.model.apply(event(
        c.seq,
        RepEvent::Chat {
            message: whisper(102, 12, BOB, ME, "again"),
        },
    ));
    assert!(replayed.is_empty(), "a resume overlap");
    assert!(
        c.chat(whisper(103, 12, ME, BOB, "on it")).is_empty(),
        "my own whisper"
    );
    assert!(
        c.chat(whisper(104, 12, BOB, "carol", "not for alice"))
            .is_empty(),
        "another rep's whisper"
    );
    let to_me_from_myself = whisper(105, 12, ME, ME, "note to self");
    assert!(c.chat(to_me_from_myself).is_empty(), "authored by me");
    let addressed_but_public = ChatMessage {
        visibility: Visibility::Public,
        ..whisper(106, 12, BOB, ME, "hello all")
    };
    assert!(c.chat(addressed_but_public).is_empty(), "not a whisper");

    // A reconnect: the new snapshot carries the whispers already seen and one more; none
    // alerts (a snapshot is state, not news).
    let mut state = snapshot_state();
    let chat = vec![
        whisper(101, 12, BOB, ME, "offer the refund"),
        whisper(107, 12, BOB, ME, "while you were away"),
    ];
    state.sessions = vec![session_view(12, "Jane", chat)];
    c.seq += 10;
    let resumed = c.model.apply(snapshot(c.seq, state));
    assert!(resumed.is_empty(), "a snapshot alerts nothing: {resumed:?}");

    c.event(RepEvent::SessionUpdated {
        session: SessionInfo {
            ended: true,
            ..session_info(12, "Jane")
        },
    });
    assert!(
        c.chat(whisper(108, 12, BOB, ME, "too late")).is_empty(),
        "an ended session"
    );
}
