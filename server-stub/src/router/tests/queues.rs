//! Seed 000/001: which queues a rep sees, what a queue entry carries, and accepting.

use super::support::*;
use switchboard_protocol::{
    Author, CustomerServerMessage, EntryPath, ErrorCode, QueueHop, QueueReason, QueueRef, RepEvent,
    Route, SessionKind,
};

/// Seed 000: a rep sees their personal queue, the queues of their teams, and the general
/// queue only if permitted — nothing else.
#[test]
fn snapshot_lists_exactly_the_visible_queues() {
    let h = Harness::new();
    let expect = |who: &str, queues: Vec<QueueRef>| {
        assert_eq!(visible_queues(&h.snap(who)), queues, "{who}");
    };
    expect(
        "alice",
        vec![
            personal("alice"),
            team_q("billing"),
            team_q("tech"),
            QueueRef::General,
        ],
    );
    expect(
        "bob",
        vec![personal("bob"), team_q("billing"), QueueRef::General],
    );
    expect("carol", vec![personal("carol"), team_q("tech")]);
    expect(
        "dave",
        vec![personal("dave"), team_q("tech"), team_q("sales")],
    );
    expect("gina", vec![personal("gina"), team_q("leads")]);
    expect("ivan", vec![personal("ivan"), QueueRef::General]);
}

/// Seed 000: a new entry is announced (EntryUpserted) to exactly the reps who may see its
/// queue, and shows in exactly their snapshots.
#[test]
fn entries_are_announced_only_to_viewers() {
    let mut h = Harness::with_reps(&REPS);
    let cases = [
        (Route::Rep { rep: rep("carol") }, vec!["carol"]),
        (
            Route::Issue {
                issue: issue("invoice"),
            },
            vec!["alice", "bob"],
        ),
        (
            Route::Team { team: team("tech") },
            vec!["alice", "carol", "dave"],
        ),
        (
            Route::Team {
                team: team("leads"),
            },
            vec!["gina", "hank"],
        ),
        (
            Route::Team {
                team: team("sales"),
            },
            vec!["dave", "erin", "frank"],
        ),
        (Route::General, vec!["alice", "bob", "frank", "ivan"]),
    ];
    for (route, viewers) in cases {
        let described = format!("{route:?}");
        let (reply, effects) = h.start_with(customer("Zoe"), route);
        assert_eq!(reply, Ok(None));
        let id = started_session(&effects);
        let entry_id = session_entry_id(id);
        assert_eq!(
            upserted_to(&effects, &entry_id),
            names(&viewers),
            "{described}"
        );
        for who in REPS {
            let sees = all_entry_ids(&h.snap(who)).contains(&entry_id);
            assert_eq!(sees, viewers.contains(&who), "{described}: {who}");
        }
    }
}

/// Seed 000/001: a queue entry carries the customer's name and company, the issue, the
/// kind, the entry path, its queue, when it entered the queue and when the session
/// started, the important flag and the queue history.
#[test]
fn queue_entries_carry_the_session_details() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.start(
        "Zoe Zimmer",
        Route::Issue {
            issue: issue("refund"),
        },
    );
    let snap = h.snap("bob");
    let entry = &entries(&snap, &team_q("billing"))[0];
    assert_eq!(entry.entry_id, session_entry_id(id));
    assert_eq!(entry.session_id, id);
    assert_eq!(entry.customer.name, "Zoe Zimmer");
    assert_eq!(entry.customer.company.as_deref(), Some("Acme"));
    assert_eq!(entry.issue, Some(issue("refund")));
    assert_eq!(entry.kind, SessionKind::Standard);
    assert_eq!(entry.entry_path, EntryPath::Issue);
    assert_eq!(entry.queue, team_q("billing"));
    assert_eq!(entry.entered_queue_at, T0);
    assert_eq!(entry.session_started_at, T0);
    assert!(!entry.important);
    assert_eq!(
        entry.history,
        vec![QueueHop {
            queue: team_q("billing"),
            reason: QueueReason::Started,
            at: T0,
            by: None,
        }]
    );
    assert_eq!(entry.invitation, None);

    // After a transfer the entry entered its queue later than the session started.
    h.accept("bob", id);
    h.advance(30);
    h.ok("bob", req::transfer_rep(id, "alice", false));
    let snap = h.snap("alice");
    let entry = &entries(&snap, &personal("alice"))[0];
    assert_eq!(entry.session_started_at, T0);
    assert_eq!(entry.entered_queue_at, T0 + 30_000);
    assert_eq!(entry.history.len(), 2);
    assert_eq!(entry.history[1].reason, QueueReason::Transfer);
    assert_eq!(entry.history[1].by, Some(rep("bob")));
}

/// Seed 000: an eligible rep accepts a waiting session: it leaves the queue for every
/// viewer, the rep owns it and gets SessionJoined, the customer is told.
#[test]
fn an_eligible_rep_accepts() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.start(
        "Zoe",
        Route::Team {
            team: team("billing"),
        },
    );
    let effects = h.accept("bob", id);
    assert_eq!(
        removed_to(&effects, &session_entry_id(id)),
        names(&["alice", "bob"])
    );
    let joined = events_for(&effects, "bob")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionJoined { view } => Some(view.clone()),
            _ => None,
        })
        .expect("bob joins");
    assert_eq!(joined.session.owner, Some(rep("bob")));
    assert_eq!(joined.session.participants, vec![rep("bob")]);
    assert_eq!(joined.session.waiting_in, None);
    assert!(
        to_customer(&effects, id).iter().any(
            |m| matches!(m, CustomerServerMessage::RepJoined { name } if name == "Bob Okafor")
        )
    );
    assert!(entries(&h.snap("alice"), &team_q("billing")).is_empty());
    let bob = h.snap("bob");
    assert_eq!(bob.sessions.len(), 1);
    assert_eq!(bob.sessions[0].session.owner, Some(rep("bob")));
    assert!(h.store.sessions.contains_key(&id.0));
    // Accepting again: already in the session.
    h.refused("bob", req::accept(id), ErrorCode::AlreadyInSession);
}

/// Two reps racing to accept the same session: exactly one wins, the other gets
/// already_taken and nothing changes.
#[test]
fn racing_accepts_have_one_winner() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.start("Zoe", Route::General);
    h.accept("alice", id);
    h.refused("bob", req::accept(id), ErrorCode::AlreadyTaken);
    assert_eq!(h.session(id).owner, Some(rep("alice")));
    assert_eq!(h.session(id).participants, vec![rep("alice")]);
}

/// A rep who cannot see the session's queue may not accept it (forbidden).
#[test]
fn accepting_from_an_invisible_queue_is_forbidden() {
    let mut h = Harness::with_reps(&REPS);
    let billing = h.start(
        "B",
        Route::Team {
            team: team("billing"),
        },
    );
    let general = h.start("G", Route::General);
    let personal_alice = h.start("P", Route::Rep { rep: rep("alice") });
    h.refused("carol", req::accept(billing), ErrorCode::Forbidden);
    h.refused("carol", req::accept(general), ErrorCode::Forbidden);
    h.refused("bob", req::accept(personal_alice), ErrorCode::Forbidden);
    h.refused("ivan", req::accept(billing), ErrorCode::Forbidden);
    // Unknown session.
    h.refused(
        "alice",
        req::accept(switchboard_protocol::SessionId(999)),
        ErrorCode::NotFound,
    );
}

/// A rep at their max_sessions may not accept another session (at_capacity).
#[test]
fn accepting_beyond_max_sessions_is_refused() {
    let mut h = Harness::with_reps(&["bob"]);
    let ids: Vec<_> = (0..3)
        .map(|i| {
            h.start(
                &format!("C{i}"),
                Route::Team {
                    team: team("billing"),
                },
            )
        })
        .collect();
    h.accept("bob", ids[0]);
    h.accept("bob", ids[1]);
    h.refused("bob", req::accept(ids[2]), ErrorCode::AtCapacity);
    // Ending one frees a place.
    h.ok("bob", req::disposition(ids[0], "Resolved"));
    h.ok("bob", req::end(ids[0]));
    h.accept("bob", ids[2]);
}

/// Seed 002: a rep joining a session gets the whole chat so far (SessionJoined).
#[test]
fn joining_rep_gets_the_whole_chat() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.start("Zoe", Route::General);
    let first = h.customer_chat(id, "c1", "Hello?");
    let second = h.customer_chat(id, "c2", "Anyone there?");
    let effects = h.accept("alice", id);
    let view = events_for(&effects, "alice")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionJoined { view } => Some(view.clone()),
            _ => None,
        })
        .expect("alice joins");
    assert_eq!(view.chat, vec![first, second]);
    assert!(matches!(&view.chat[0].author, Author::Customer { name } if name == "Zoe"));
}
