//! Applying a snapshot, first and later.

use super::*;
use crate::model::column::Column;
use crate::model::queue_view::SortedView;
use switchboard_protocol::Offer;

/// A first snapshot fills in me, permissions, reps, teams, issues, dispositions, the queues in
/// the server's order, the sessions with their chat, a tab per session, the team chats by team
/// and the offer; the model is ready at the snapshot's seq.
#[test]
fn first_snapshot_fills_the_whole_state() {
    let offered = entry(47, billing(), "Ana", T0 + 5);
    let mut state = snapshot_state();
    state.queues = vec![
        queue_view(
            QueueRef::General,
            vec![entry(3, QueueRef::General, "Gus", T0)],
        ),
        queue_view(personal(), Vec::new()),
        queue_view(
            billing(),
            vec![
                entry(2, billing(), "Zed", T0 + 2),
                entry(1, billing(), "Amy", T0 + 1),
            ],
        ),
    ];
    state.sessions = vec![
        session_view(
            12,
            "Jane",
            vec![customer_says(101, 12, "hi"), rep_says(102, 12, ME, "hello")],
        ),
        session_view(7, "Joe", vec![customer_says(90, 7, "hey")]),
    ];
    state.team_chat = vec![
        team_message(300, "billing", BOB, "one"),
        team_message(301, "tech", BOB, "two"),
        team_message(302, "billing", ME, "three"),
    ];
    state.offer = Some(Offer {
        entry: offered.clone(),
        offered_at: T0 + 6,
        deadline: T0 + 30_006,
        url: None,
    });

    let mut model = Model::new();
    assert!(!model.ready);
    model.apply(snapshot(56, state.clone()));

    assert!(model.ready);
    assert_eq!(model.last_seq, 56);
    assert_eq!(model.me, Some(state.me.clone()));
    assert_eq!(model.me_id(), Some(&rep(ME)));
    assert_eq!(model.permissions, Some(state.permissions.clone()));
    assert_eq!(
        model.reps.keys().cloned().collect::<Vec<_>>(),
        vec![rep(ME), rep(BOB)]
    );
    assert_eq!(model.reps[&rep(BOB)].presence, Presence::Busy);
    assert_eq!(model.teams, state.teams);
    assert_eq!(model.issues, state.issues);
    assert_eq!(model.dispositions, state.dispositions);

    let queues: Vec<&QueueRef> = model.queues.iter().map(|q| &q.queue).collect();
    assert_eq!(queues, vec![&QueueRef::General, &personal(), &billing()]);
    let billing_names: Vec<&str> = model
        .queue(&billing())
        .unwrap()
        .entries
        .iter()
        .map(|e| e.customer.name.as_str())
        .collect();
    assert_eq!(
        billing_names,
        vec!["Zed", "Amy"],
        "entries keep the server's order"
    );

    assert_eq!(model.sessions.len(), 2);
    let jane = &model.sessions[&SessionId(12)];
    assert_eq!(jane.info.customer.name, "Jane");
    assert_eq!(jane.chat, state.sessions[0].chat);
    assert!(jane.pending.is_empty());
    assert_eq!(jane.unread, 0);
    assert_eq!(model.sessions[&SessionId(7)].chat.len(), 1);
    let mut tabs = model.tabs.clone();
    tabs.sort();
    assert_eq!(
        tabs,
        vec![SessionId(7), SessionId(12)],
        "one tab per session"
    );

    let billing_chat: Vec<u64> = model.team_chats[&team("billing")]
        .messages
        .iter()
        .map(|m| m.id.0)
        .collect();
    assert_eq!(billing_chat, vec![300, 302]);
    assert_eq!(model.team_chats[&team("tech")].messages.len(), 1);
    assert_eq!(model.offer.as_ref().map(|o| &o.entry), Some(&offered));
    assert!(model.notices.is_empty());
}

/// A later snapshot (a reconnect that could not resume) keeps the pending messages of the
/// sessions still present, drops those the chat already holds (same client_msg_id), and
/// forgets the sessions (tabs, pending messages) that are gone.
#[test]
fn later_snapshot_keeps_pending_of_present_sessions_and_drops_acknowledged_ones() {
    let mut c = Console::new();
    c.join(12, "Jane");
    c.join(13, "Joe");
    let (_, delivered) = c.send(12, "delivered", Visibility::Public);
    let (_, waiting) = c.send(12, "waiting", Visibility::Reps);
    let (_, _gone) = c.send(13, "to a gone session", Visibility::Public);

    let mut state = snapshot_state();
    state.sessions = vec![
        session_view(14, "Kim", Vec::new()),
        session_view(
            12,
            "Jane",
            vec![customer_says(101, 12, "hi"), stored(102, &delivered)],
        ),
    ];
    c.model.apply(snapshot(40, state));

    let jane = &c.model.sessions[&SessionId(12)];
    let pending: Vec<&str> = jane
        .pending
        .iter()
        .map(|p| p.client_msg_id.as_str())
        .collect();
    assert_eq!(pending, vec![client_msg_id(&waiting)]);
    assert_eq!(jane.pending[0].text, "waiting");
    assert_eq!(jane.pending[0].visibility, Visibility::Reps);
    assert_eq!(jane.chat.len(), 2);
    assert!(!c.model.sessions.contains_key(&SessionId(13)));
    assert_eq!(
        c.model.tabs,
        vec![SessionId(12), SessionId(14)],
        "tabs still open keep their place; new sessions open after them"
    );
    assert_eq!(c.model.last_seq, 40);

    // Only the pending message left is sent again.
    let resent = c.model.resend_pending();
    assert_eq!(resent.len(), 1);
    assert_eq!(client_msg_id(&resent[0].1), client_msg_id(&waiting));
}

/// A later snapshot replaces the queues, reps and offer rather than merging into them.
#[test]
fn later_snapshot_replaces_what_the_server_said_before() {
    let mut c = Console::new();
    c.event(RepEvent::EntryUpserted {
        entry: entry(5, QueueRef::General, "Old", T0),
    });
    let mut state = snapshot_state();
    state.queues = vec![queue_view(
        QueueRef::General,
        vec![entry(6, QueueRef::General, "New", T0)],
    )];
    state.reps = vec![rep_info(ME, Presence::Away)];
    state.me = rep_info(ME, Presence::Away);
    c.model.apply(snapshot(20, state));

    assert_eq!(c.model.queues.len(), 1);
    let names: Vec<&str> = c.model.queues[0]
        .entries
        .iter()
        .map(|e| e.customer.name.as_str())
        .collect();
    assert_eq!(names, vec!["New"]);
    assert_eq!(c.model.reps.len(), 1);
    assert_eq!(
        c.model.me.as_ref().map(|m| m.presence),
        Some(Presence::Away)
    );
    assert_eq!(c.model.last_seq, 20);
}

/// A snapshot from a restarted server (its stream starts again at seq 0) gives the queues a
/// new generation, so a cached sorted view shows the new entries rather than the old order.
#[test]
fn snapshot_from_a_restarted_server_rebuilds_sorted_views() {
    let mut model = Model::new();
    let mut state = snapshot_state();
    state.queues = vec![queue_view(
        QueueRef::General,
        vec![entry(1, QueueRef::General, "Amy", T0)],
    )];
    model.apply(snapshot(0, state));
    let mut view = SortedView::default();
    assert_eq!(
        view.rows(&model.queues[0], Column::Customer, false, ""),
        &[0]
    );

    let mut state = snapshot_state();
    state.queues = vec![queue_view(
        QueueRef::General,
        vec![
            entry(2, QueueRef::General, "Zed", T0),
            entry(3, QueueRef::General, "Bea", T0 + 1),
        ],
    )];
    model.apply(snapshot(0, state));
    assert_eq!(
        view.rows(&model.queues[0], Column::Customer, false, ""),
        &[1, 0],
        "the view shows the new snapshot's entries"
    );
}

/// Logging out and in again (the model cleared) gives the new snapshot's queues a generation
/// the views have not seen, even when the server's seq is the same as before.
#[test]
fn snapshot_after_logout_rebuilds_sorted_views() {
    let mut model = Model::new();
    let mut state = snapshot_state();
    state.queues = vec![queue_view(
        QueueRef::General,
        vec![entry(1, QueueRef::General, "Amy", T0)],
    )];
    model.apply(snapshot(56, state));
    let mut view = SortedView::default();
    assert_eq!(
        view.rows(&model.queues[0], Column::Customer, false, ""),
        &[0]
    );

    model.clear();
    let mut state = snapshot_state();
    state.queues = vec![queue_view(
        QueueRef::General,
        vec![
            entry(2, QueueRef::General, "Zed", T0),
            entry(3, QueueRef::General, "Bea", T0 + 1),
        ],
    )];
    model.apply(snapshot(56, state));
    assert_eq!(
        view.rows(&model.queues[0], Column::Customer, false, ""),
        &[1, 0],
        "the view shows the new snapshot's entries"
    );
}
