//! Applying events: queues, sessions, chat, offers, presence, team chat, duplicates.

use super::*;
use switchboard_protocol::{LeftReason, Offer, OfferEndReason};

/// `entry_upserted` adds a new entry at the end of its queue and bumps the queue's generation;
/// the other queues keep theirs.
#[test]
fn entry_upserted_adds_an_entry_and_bumps_the_generation() {
    let mut c = Console::new();
    let before = c.queue(&billing()).generation;
    let general_before = c.queue(&QueueRef::General).generation;
    c.event(RepEvent::EntryUpserted {
        entry: entry(1, billing(), "Amy", T0),
    });
    c.event(RepEvent::EntryUpserted {
        entry: entry(2, billing(), "Bea", T0 + 1),
    });

    let queue = c.queue(&billing());
    let ids: Vec<&str> = queue.entries.iter().map(|e| e.entry_id.as_str()).collect();
    assert_eq!(ids, vec!["session:1", "session:2"]);
    assert!(queue.generation > before, "the generation moved on");
    assert_eq!(c.queue(&QueueRef::General).generation, general_before);
    assert_eq!(c.model.last_seq, SNAPSHOT_SEQ + 2);
}

/// `entry_upserted` with an entry_id already in the queue replaces that entry in place and
/// bumps the generation.
#[test]
fn entry_upserted_replaces_the_entry_with_the_same_id() {
    let mut c = Console::new();
    c.event(RepEvent::EntryUpserted {
        entry: entry(1, billing(), "Amy", T0),
    });
    c.event(RepEvent::EntryUpserted {
        entry: entry(2, billing(), "Bea", T0 + 1),
    });
    let before = c.queue(&billing()).generation;
    c.event(RepEvent::EntryUpserted {
        entry: QueueEntry {
            important: true,
            ..entry(1, billing(), "Amy Renamed", T0)
        },
    });

    let queue = c.queue(&billing());
    assert_eq!(queue.entries.len(), 2);
    assert_eq!(queue.entries[0].customer.name, "Amy Renamed");
    assert!(queue.entries[0].important);
    assert_eq!(queue.entries[1].customer.name, "Bea");
    assert_eq!(queue.generation, before + 1);
}

/// `entry_removed` takes the entry out of its queue and bumps the generation; an unknown entry
/// changes nothing.
#[test]
fn entry_removed_takes_the_entry_out() {
    let mut c = Console::new();
    c.event(RepEvent::EntryUpserted {
        entry: entry(1, billing(), "Amy", T0),
    });
    c.event(RepEvent::EntryUpserted {
        entry: entry(2, billing(), "Bea", T0 + 1),
    });
    let before = c.queue(&billing()).generation;
    c.event(RepEvent::EntryRemoved {
        queue: billing(),
        entry_id: "session:1".to_owned(),
    });
    let queue = c.queue(&billing());
    let ids: Vec<&str> = queue.entries.iter().map(|e| e.entry_id.as_str()).collect();
    assert_eq!(ids, vec!["session:2"]);
    assert_eq!(queue.generation, before + 1);

    c.event(RepEvent::EntryRemoved {
        queue: billing(),
        entry_id: "session:99".to_owned(),
    });
    assert_eq!(c.queue(&billing()).entries.len(), 1);
}

/// `session_joined` adds the session with its chat and opens a tab, once even when the
/// session is joined again (the second view replaces the first).
#[test]
fn session_joined_opens_a_tab_once() {
    let mut c = Console::new();
    c.event(RepEvent::SessionJoined {
        view: session_view(12, "Jane", vec![customer_says(101, 12, "hi")]),
    });
    c.join(13, "Joe");
    c.event(RepEvent::SessionJoined {
        view: session_view(
            12,
            "Jane",
            vec![
                customer_says(101, 12, "hi"),
                customer_says(102, 12, "again"),
            ],
        ),
    });

    assert_eq!(c.model.tabs, vec![SessionId(12), SessionId(13)]);
    assert_eq!(c.chat_ids(12), vec![101, 102]);
    assert_eq!(c.model.sessions[&SessionId(12)].info.customer.name, "Jane");
}

/// `session_updated` replaces the session's info and keeps its chat; for a session the rep
/// is not in it changes nothing.
#[test]
fn session_updated_replaces_the_info() {
    let mut c = Console::new();
    c.event(RepEvent::SessionJoined {
        view: session_view(12, "Jane", vec![customer_says(101, 12, "hi")]),
    });
    let updated = SessionInfo {
        important: true,
        disposition: Some("Resolved".to_owned()),
        participants: vec![rep(ME), rep(BOB)],
        ..session_info(12, "Jane")
    };
    c.event(RepEvent::SessionUpdated {
        session: updated.clone(),
    });
    assert_eq!(c.model.sessions[&SessionId(12)].info, updated);
    assert_eq!(c.chat_ids(12), vec![101]);

    c.event(RepEvent::SessionUpdated {
        session: session_info(99, "Nobody"),
    });
    assert!(!c.model.sessions.contains_key(&SessionId(99)));
    assert_eq!(c.model.tabs, vec![SessionId(12)]);
}

/// A `chat` event appends the message; the same message again (same id) is kept once.
#[test]
fn chat_event_appends_once() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.chat(customer_says(101, 12, "hi"));
    c.chat(customer_says(101, 12, "hi"));
    c.chat(rep_says(102, 12, BOB, "hello"));
    assert_eq!(c.chat_ids(12), vec![101, 102]);
}

/// The sender's message arrives twice, in its `ok` and as a `chat` event: kept once when the
/// `ok` comes first.
#[test]
fn own_message_kept_once_when_ok_comes_first() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (id, request) = c.send(12, "hello", Visibility::Public);
    c.model.apply(ok_chat(id, stored(103, &request)));
    c.chat(stored(103, &request));
    assert_eq!(c.chat_ids(12), vec![103]);
    assert!(c.model.sessions[&SessionId(12)].pending.is_empty());
}

/// The sender's message arrives twice, in its `ok` and as a `chat` event: kept once when the
/// event comes first.
#[test]
fn own_message_kept_once_when_event_comes_first() {
    let mut c = Console::new();
    c.join(12, "Jane");
    let (id, request) = c.send(12, "hello", Visibility::Public);
    c.chat(stored(103, &request));
    c.model.apply(ok_chat(id, stored(103, &request)));
    assert_eq!(c.chat_ids(12), vec![103]);
    assert!(c.model.sessions[&SessionId(12)].pending.is_empty());
}

/// Messages stay ordered by id whatever order they arrive in (an `ok` can overtake events).
#[test]
fn chat_stays_ordered_by_id() {
    let mut c = Console::new();
    c.event(RepEvent::SessionJoined {
        view: session_view(12, "Jane", vec![customer_says(101, 12, "first")]),
    });
    c.chat(customer_says(105, 12, "e"));
    c.chat(customer_says(103, 12, "c"));
    c.chat(customer_says(100, 12, "before all"));
    c.chat(customer_says(104, 12, "d"));
    c.chat(customer_says(102, 12, "b"));
    assert_eq!(c.chat_ids(12), vec![100, 101, 102, 103, 104, 105]);
}

/// A chat message for a session the rep is not in is ignored (no session, no tab appear).
#[test]
fn chat_for_an_unknown_session_is_ignored() {
    let mut c = Console::new();
    c.chat(customer_says(101, 12, "hi"));
    assert!(c.model.sessions.is_empty());
    assert!(c.model.tabs.is_empty());
}

/// `session_left` removes the session, its tab and the focus; it leaves a notice naming the
/// customer when the session ended, the rep was removed or their connection was lost, but not
/// when the rep left on their own.
#[test]
fn session_left_removes_the_tab_and_leaves_a_notice_when_it_was_not_the_reps_choice() {
    for (reason, notice) in [
        (LeftReason::Left, false),
        (LeftReason::Ended, true),
        (LeftReason::Removed, true),
        (LeftReason::ConnectionLost, true),
    ] {
        let mut c = Console::new();
        c.join(12, "Jane");
        c.join(13, "Joe");
        c.model.set_focus(Some(SessionId(12)));
        c.event(RepEvent::SessionLeft {
            session_id: SessionId(12),
            reason,
        });

        assert!(!c.model.sessions.contains_key(&SessionId(12)), "{reason:?}");
        assert_eq!(c.model.tabs, vec![SessionId(13)], "{reason:?}");
        assert_eq!(c.model.focused(), None, "{reason:?}");
        if notice {
            assert_eq!(c.model.notices.len(), 1, "{reason:?}");
            assert!(
                c.model.notices[0].text.contains("Jane"),
                "{reason:?}: {:?}",
                c.model.notices[0]
            );
        } else {
            assert!(
                c.model.notices.is_empty(),
                "{reason:?}: {:?}",
                c.model.notices
            );
        }
    }
}

/// Leaving a background session keeps the focus on the session in front.
#[test]
fn session_left_keeps_the_focus_on_another_session() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    c.model.set_focus(Some(SessionId(13)));
    c.event(RepEvent::SessionLeft {
        session_id: SessionId(12),
        reason: LeftReason::Left,
    });
    assert_eq!(c.model.focused(), Some(SessionId(13)));
}

fn offer(session: u64) -> Offer {
    Offer {
        entry: entry(session, billing(), "Ana", T0),
        offered_at: T0 + 1,
        deadline: T0 + 30_001,
        url: None,
    }
}

/// `offer_made` shows the offer; `offer_ended` for another session keeps it, for its own
/// session clears it.
#[test]
fn offer_made_and_ended() {
    let mut c = Console::new();
    c.event(RepEvent::OfferMade { offer: offer(47) });
    assert_eq!(c.model.offer, Some(offer(47)));

    c.event(RepEvent::OfferEnded {
        session_id: SessionId(48),
        reason: OfferEndReason::Gone,
    });
    assert_eq!(c.model.offer, Some(offer(47)));

    c.event(RepEvent::OfferEnded {
        session_id: SessionId(47),
        reason: OfferEndReason::TimedOut,
    });
    assert_eq!(c.model.offer, None);
}

/// `presence_changed` for this rep updates `me` and the reps list; for a colleague only the
/// reps list (a new colleague is added).
#[test]
fn presence_changed_updates_me_and_reps() {
    let mut c = Console::new();
    c.event(RepEvent::PresenceChanged {
        rep: rep_info(ME, Presence::Paused),
    });
    assert_eq!(
        c.model.me.as_ref().map(|m| m.presence),
        Some(Presence::Paused)
    );
    assert_eq!(c.model.reps[&rep(ME)].presence, Presence::Paused);

    c.event(RepEvent::PresenceChanged {
        rep: rep_info(BOB, Presence::Away),
    });
    assert_eq!(c.model.reps[&rep(BOB)].presence, Presence::Away);
    assert_eq!(
        c.model.me.as_ref().map(|m| m.presence),
        Some(Presence::Paused)
    );

    c.event(RepEvent::PresenceChanged {
        rep: rep_info("carol", Presence::Available),
    });
    assert_eq!(c.model.reps.len(), 3);
    assert_eq!(c.model.me_id(), Some(&rep(ME)));
}

/// `team_chat` appends to the team's chat (once per id) and counts it unread unless this rep
/// wrote it or the team's chat is open; opening the chat clears the count.
#[test]
fn team_chat_appends_and_counts_unread() {
    let mut c = Console::new();
    c.event(RepEvent::TeamChat {
        message: team_message(300, "billing", BOB, "anyone?"),
    });
    c.event(RepEvent::TeamChat {
        message: team_message(301, "billing", ME, "me"),
    });
    c.event(RepEvent::TeamChat {
        message: team_message(302, "billing", BOB, "thanks"),
    });
    c.event(RepEvent::TeamChat {
        message: team_message(302, "billing", BOB, "thanks"),
    });
    let chat = &c.model.team_chats[&team("billing")];
    let ids: Vec<u64> = chat.messages.iter().map(|m| m.id.0).collect();
    assert_eq!(ids, vec![300, 301, 302]);
    assert_eq!(
        chat.unread, 2,
        "Bob's two messages, not mine, not the duplicate"
    );

    c.model.set_open_team_chat(Some(team("billing")));
    assert_eq!(c.model.team_chats[&team("billing")].unread, 0);
    assert_eq!(c.model.open_team_chat(), Some(&team("billing")));
    c.event(RepEvent::TeamChat {
        message: team_message(303, "billing", BOB, "seen at once"),
    });
    assert_eq!(c.model.team_chats[&team("billing")].unread, 0);
    c.event(RepEvent::TeamChat {
        message: team_message(304, "tech", BOB, "other team"),
    });
    assert_eq!(c.model.team_chats[&team("tech")].unread, 1);

    c.model.set_open_team_chat(None);
    c.event(RepEvent::TeamChat {
        message: team_message(305, "billing", BOB, "closed again"),
    });
    assert_eq!(c.model.team_chats[&team("billing")].unread, 1);
    assert_eq!(c.model.team_chats[&team("billing")].messages.len(), 5);
}

/// After a snapshot, events at or below its seq (a resume overlapping what the snapshot
/// holds) are ignored, and so is an event replayed after it was applied.
#[test]
fn events_at_or_below_last_seq_are_ignored() {
    let mut c = Console::new();
    let upsert = |session: u64| RepEvent::EntryUpserted {
        entry: entry(session, billing(), "Dup", T0),
    };
    c.model.apply(event(SNAPSHOT_SEQ - 1, upsert(1)));
    c.model.apply(event(SNAPSHOT_SEQ, upsert(2)));
    assert!(c.queue(&billing()).entries.is_empty());
    assert_eq!(c.model.last_seq, SNAPSHOT_SEQ);

    c.model.apply(event(SNAPSHOT_SEQ + 1, upsert(3)));
    c.model.apply(event(SNAPSHOT_SEQ + 1, upsert(4)));
    c.model.apply(event(
        SNAPSHOT_SEQ + 1,
        RepEvent::EntryRemoved {
            queue: billing(),
            entry_id: "session:3".to_owned(),
        },
    ));
    let ids: Vec<&str> = c
        .queue(&billing())
        .entries
        .iter()
        .map(|e| e.entry_id.as_str())
        .collect();
    assert_eq!(ids, vec!["session:3"]);
    assert_eq!(c.model.last_seq, SNAPSHOT_SEQ + 1);

    c.model.apply(event(SNAPSHOT_SEQ + 2, upsert(5)));
    assert_eq!(c.queue(&billing()).entries.len(), 2);
}

/// A replayed chat event does not count its message unread twice.
#[test]
fn replayed_chat_event_counts_once() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.chat(customer_says(101, 12, "hi"));
    let seq = c.seq;
    c.model.apply(event(
        seq,
        RepEvent::Chat {
            message: customer_says(101, 12, "hi"),
        },
    ));
    assert_eq!(c.unread(12), 1);
    assert_eq!(c.chat_ids(12), vec![101]);
}

/// This rep's own team chat message, in its `ok` and then as the event, is kept once and
/// never counts unread.
#[test]
fn own_team_chat_message_kept_once() {
    let mut c = Console::new();
    let request = RepRequest::TeamChat {
        team: team("billing"),
        client_msg_id: "t-1".to_owned(),
        text: "on it".to_owned(),
    };
    let id = c.model.request(&request);
    let mine = TeamChatMessage {
        client_msg_id: Some("t-1".to_owned()),
        ..team_message(310, "billing", ME, "on it")
    };
    c.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::TeamChat {
            message: mine.clone(),
        }),
    });
    c.event(RepEvent::TeamChat { message: mine });
    let chat = &c.model.team_chats[&team("billing")];
    assert_eq!(chat.messages.len(), 1);
    assert_eq!(chat.unread, 0);
}
