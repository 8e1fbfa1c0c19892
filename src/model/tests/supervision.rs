//! Supervision in the model (issue 15): what a lead's strip offers and why not, the reps'
//! "… is monitoring", whispers sent and resent as whispers, Take over from the old owner's
//! side, Take next's session brought forward, the load against the cap, and the service
//! level's ramp in the queues.

use super::*;
use crate::model::Change;
use crate::model::supervision::{Load, pane_waits, wait_level};
use crate::text::supervision as words;
use switchboard_protocol::supervision::{PreviousOwner, ServiceLevel, WaitLevel};
use switchboard_protocol::{InvitationId, InvitationInfo, LeftReason};

/// A snapshot of this rep as a lead of Billing who may monitor, whisper and take over.
fn lead_state() -> RepSnapshot {
    let mut state = snapshot_state();
    state.permissions.lead = true;
    state.permissions.monitor = true;
    state.permissions.whisper = true;
    state.permissions.take_over = true;
    state.reps.push(rep_info("carol", Presence::Available));
    state
}

/// Session `id` owned by `owner` with `participants` and `monitors`.
fn supervised(id: u64, owner: &str, participants: &[&str], monitors: &[&str]) -> SessionInfo {
    SessionInfo {
        owner: Some(rep(owner)),
        participants: participants.iter().map(|r| rep(r)).collect(),
        monitors: monitors.iter().map(|r| rep(r)).collect(),
        ..session_info(id, "Jane")
    }
}

fn joined(c: &mut Console, info: SessionInfo) -> Vec<Change> {
    c.event(RepEvent::SessionJoined {
        view: SessionView {
            session: info,
            chat: Vec::new(),
            earlier_chat: false,
        },
    })
}

fn updated(c: &mut Console, info: SessionInfo) {
    c.event(RepEvent::SessionUpdated { session: info });
}

fn info(c: &Console, id: u64) -> &SessionInfo {
    &c.model.sessions[&SessionId(id)].info
}

/// A lead monitoring Bob's session: the strip says monitoring, whispers go to Bob (the
/// owner) by default, Take over is open; the lead reads no "… is monitoring" of their own.
#[test]
fn a_monitoring_lead_is_offered_whisper_join_and_take_over() {
    let mut c = Console::with(lead_state());
    joined(&mut c, supervised(7, BOB, &[BOB, "carol"], &[ME]));
    let bar = c.model.supervision_bar(info(&c, 7)).expect("a strip");
    assert!(bar.monitoring);
    assert!(c.model.monitoring(info(&c, 7)));
    let targets: Vec<&str> = bar
        .whisper_targets
        .iter()
        .map(|t| t.label.as_str())
        .collect();
    assert_eq!(targets, ["bob (display) (owner)", "carol (display)"]);
    assert_eq!(bar.target(None).map(|t| t.rep.clone()), Some(rep(BOB)));
    assert_eq!(
        bar.target(Some(&rep("carol"))).map(|t| t.rep.clone()),
        Some(rep("carol"))
    );
    assert_eq!(
        bar.target(Some(&rep("gone"))).map(|t| t.rep.clone()),
        Some(rep(BOB))
    );
    assert_eq!(bar.whisper, None);
    assert_eq!(bar.take_over, None);
    assert_eq!(bar.owner_name.as_deref(), Some("bob (display)"));
    assert_eq!(c.model.monitoring_note(info(&c, 7)), None);
}

/// The reps in a monitored session read who monitors it; nobody monitoring, nothing.
#[test]
fn reps_in_the_session_read_who_is_monitoring() {
    let mut c = Console::new();
    joined(&mut c, supervised(7, ME, &[ME], &[BOB]));
    assert_eq!(
        c.model.monitoring_note(info(&c, 7)).as_deref(),
        Some("bob (display) is monitoring")
    );
    assert_eq!(c.model.supervision_bar(info(&c, 7)), None, "not a lead");
    updated(&mut c, supervised(7, ME, &[ME], &[BOB, "carol"]));
    assert_eq!(
        c.model.monitoring_note(info(&c, 7)).as_deref(),
        Some("bob (display) and carol are monitoring")
    );
    updated(&mut c, supervised(7, ME, &[ME], &[]));
    assert_eq!(c.model.monitoring_note(info(&c, 7)), None);
    assert_eq!(
        words::monitoring(&["A".into(), "B".into(), "C".into()]).as_deref(),
        Some("A, B and C are monitoring")
    );
}

/// What greys the strip's entries: no permission, an ended session, nobody to whisper to,
/// a session waiting in a queue, the lead's own cap.
#[test]
fn whisper_and_take_over_are_greyed_with_why() {
    let mut state = lead_state();
    state.permissions.whisper = false;
    let mut c = Console::with(state);
    joined(&mut c, supervised(7, BOB, &[BOB], &[ME]));
    let bar = c.model.supervision_bar(info(&c, 7)).expect("a strip");
    assert_eq!(bar.whisper.as_deref(), Some(words::NO_WHISPER_PERMISSION));
    assert_eq!(bar.take_over, None);

    let mut c = Console::with(lead_state());
    let waiting = SessionInfo {
        owner: None,
        participants: Vec::new(),
        waiting_in: Some(billing()),
        ..supervised(8, BOB, &[], &[ME])
    };
    joined(&mut c, waiting);
    let bar = c.model.supervision_bar(info(&c, 8)).expect("a strip");
    assert_eq!(bar.whisper.as_deref(), Some(words::NOBODY_TO_WHISPER_TO));
    assert_eq!(bar.take_over, Some(words::waiting_in("Billing")));

    let ended = SessionInfo {
        ended: true,
        ..supervised(9, BOB, &[BOB], &[ME])
    };
    joined(&mut c, ended);
    let bar = c.model.supervision_bar(info(&c, 9)).expect("a strip");
    assert_eq!(bar.whisper.as_deref(), Some(words::SESSION_ENDED));
    assert_eq!(bar.take_over.as_deref(), Some(words::SESSION_ENDED));

    // At the cap (4 owned): Take over is greyed, whispering is not.
    joined(&mut c, supervised(10, BOB, &[BOB], &[ME]));
    assert_eq!(
        c.model.supervision_bar(info(&c, 10)).unwrap().take_over,
        None
    );
    for id in 20..24 {
        c.join(id, "Owned");
    }
    let bar = c.model.supervision_bar(info(&c, 10)).expect("a strip");
    assert_eq!(bar.take_over, Some(words::at_cap(4)));
    assert_eq!(bar.whisper, None);

    let mut state = lead_state();
    state.permissions.take_over = false;
    let mut c = Console::with(state);
    joined(&mut c, supervised(7, BOB, &[BOB], &[ME]));
    let bar = c.model.supervision_bar(info(&c, 7)).expect("a strip");
    assert_eq!(
        bar.take_over.as_deref(),
        Some(words::NO_TAKE_OVER_PERMISSION)
    );
}

/// A lead in the session without owning it gets the strip (not monitoring); its owner and a
/// plain participant do not; a lead without whisper or take over permission neither.
#[test]
fn who_gets_the_strip_in_a_session() {
    let mut c = Console::with(lead_state());
    joined(&mut c, supervised(7, BOB, &[BOB, ME, "carol"], &[]));
    let bar = c.model.supervision_bar(info(&c, 7)).expect("a lead in it");
    assert!(!bar.monitoring);
    assert!(!c.model.monitoring(info(&c, 7)));
    let targets: Vec<RepId> = bar.whisper_targets.iter().map(|t| t.rep.clone()).collect();
    assert_eq!(
        targets,
        [rep(BOB), rep("carol")],
        "the owner first, never me"
    );

    joined(&mut c, supervised(8, ME, &[ME, BOB], &[]));
    assert_eq!(c.model.supervision_bar(info(&c, 8)), None, "the owner");

    let mut c = Console::new();
    joined(&mut c, supervised(7, BOB, &[BOB, ME], &[]));
    assert_eq!(c.model.supervision_bar(info(&c, 7)), None, "not a lead");

    let mut state = lead_state();
    state.permissions.whisper = false;
    state.permissions.take_over = false;
    let mut c = Console::with(state);
    joined(&mut c, supervised(7, BOB, &[BOB, ME], &[]));
    assert_eq!(
        c.model.supervision_bar(info(&c, 7)),
        None,
        "nothing to offer"
    );
}

/// A whisper is pending at once as a whisper, goes as `whisper` (to whom chosen), goes again
/// as `whisper` after a reconnect with the same client id, and its stored message clears it.
#[test]
fn whispers_are_sent_and_resent_as_whispers() {
    let mut c = Console::with(lead_state());
    joined(&mut c, supervised(7, BOB, &[BOB, "carol"], &[ME]));
    let (id, request) = c
        .model
        .send_whisper(SessionId(7), "  ask for the invoice  ", Some(rep("carol")))
        .expect("an open session");
    let RepRequest::Whisper {
        session_id,
        client_msg_id,
        text,
        to,
    } = &request
    else {
        panic!("not a whisper: {request:?}");
    };
    assert_eq!(*session_id, SessionId(7));
    assert_eq!(text, "ask for the invoice");
    assert_eq!(to.as_ref(), Some(&rep("carol")));
    let pending = &c.model.sessions[&SessionId(7)].pending;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].visibility, Visibility::Whisper);
    assert_eq!(pending[0].whisper_to, Some(rep("carol")));
    assert_eq!(c.model.send_whisper(SessionId(7), "   ", None), None);
    assert_eq!(c.model.send_whisper(SessionId(99), "hi", None), None);

    let resent = c.model.resend_pending();
    assert_eq!(resent.len(), 1);
    assert_eq!(resent[0].1, request, "the same whisper, the same client id");

    let stored = ChatMessage {
        visibility: Visibility::Whisper,
        whisper_to: Some(rep("carol")),
        client_msg_id: Some(client_msg_id.clone()),
        ..rep_says(40, 7, ME, "ask for the invoice")
    };
    c.model.apply(ok_chat(resent[0].0, stored));
    assert!(c.model.sessions[&SessionId(7)].pending.is_empty());
    assert_eq!(c.chat_ids(7), [40]);
    let _ = id;
}

/// Taken over while staying: the old owner's owner-only actions go (the model derives them
/// from `owner`), the lead's come. Taken over and made to leave: the tab goes with the
/// notice that says why.
#[test]
fn taken_over_the_old_owner_loses_the_owner_actions() {
    let mut c = Console::new();
    joined(&mut c, supervised(7, ME, &[ME], &[]));
    assert!(c.model.owns(info(&c, 7)));
    assert_eq!(
        c.model.why_not_owner(info(&c, 7), "share the session"),
        None
    );
    updated(&mut c, supervised(7, BOB, &[ME, BOB], &[]));
    assert!(!c.model.owns(info(&c, 7)));
    let why = c.model.why_not_owner(info(&c, 7), "share the session");
    assert!(
        why.as_deref().is_some_and(|w| w.contains("bob (display)")),
        "{why:?}"
    );
    assert!(c.model.why_not_transfer(info(&c, 7)).is_some());

    // The lead's side: after take over, the lead owns it and the strip is gone.
    let mut lead = Console::with(lead_state());
    joined(&mut lead, supervised(7, BOB, &[BOB], &[ME]));
    assert!(lead.model.supervision_bar(info(&lead, 7)).is_some());
    updated(&mut lead, supervised(7, ME, &[ME, BOB], &[]));
    assert!(lead.model.owns(info(&lead, 7)));
    assert_eq!(lead.model.supervision_bar(info(&lead, 7)), None);
    assert_eq!(lead.model.why_not_owner(info(&lead, 7), "share"), None);

    let left = c.event(RepEvent::SessionLeft {
        session_id: SessionId(7),
        reason: LeftReason::TakenOver,
    });
    assert!(left.contains(&Change::Left {
        session_id: SessionId(7),
        reason: Some(LeftReason::TakenOver),
    }));
    let notice = c.model.notices.back().expect("a notice");
    assert!(
        notice.text.contains("took over the session with Jane"),
        "{}",
        notice.text
    );
}

/// Monitor, take over and Take next: the session the lead (or rep) asked for comes forward,
/// whether its `session_joined` arrives before or after the answer.
#[test]
fn asked_sessions_come_forward() {
    let mut c = Console::with(lead_state());
    c.model.request(&RepRequest::MonitorSession {
        session_id: SessionId(7),
    });
    let changes = joined(&mut c, supervised(7, BOB, &[BOB], &[ME]));
    assert!(changes.contains(&Change::Joined {
        session_id: SessionId(7),
        asked: true
    }));
    c.model.request(&RepRequest::TakeOver {
        session_id: SessionId(8),
        previous_owner: PreviousOwner::Leave,
    });
    let changes = joined(&mut c, supervised(8, ME, &[ME], &[]));
    assert!(changes.contains(&Change::Joined {
        session_id: SessionId(8),
        asked: true
    }));

    // Take next answered first, joined after.
    let id = c.model.request(&RepRequest::TakeNext);
    c.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::Taken {
            session_id: SessionId(9),
        }),
    });
    let changes = c.join(9, "Next");
    assert!(changes.contains(&Change::Joined {
        session_id: SessionId(9),
        asked: true
    }));
    // Joined first, answered after.
    let id = c.model.request(&RepRequest::TakeNext);
    let changes = c.join(10, "Later");
    assert!(changes.contains(&Change::Joined {
        session_id: SessionId(10),
        asked: false
    }));
    let changes = c.model.apply(RepServerMessage::Ok {
        id,
        result: Some(OkResult::Taken {
            session_id: SessionId(10),
        }),
    });
    assert_eq!(
        changes,
        [Change::Joined {
            session_id: SessionId(10),
            asked: true
        }]
    );
}

/// The load counts owned sessions (not ones the rep only takes part in) against the cap;
/// Take next is greyed at the cap and when nobody waits that the rep could take (an
/// invitation is not taken by Take next; an offer is).
#[test]
fn load_and_take_next() {
    let mut c = Console::new();
    assert_eq!(c.model.load(), Some(Load { owned: 0, cap: 4 }));
    assert_eq!(
        c.model.why_not_take_next().as_deref(),
        Some(words::NOTHING_WAITING)
    );
    c.event(RepEvent::EntryUpserted {
        entry: entry(50, billing(), "Waiting", T0),
    });
    assert_eq!(c.model.why_not_take_next(), None);
    c.join(1, "One");
    joined(&mut c, supervised(2, BOB, &[BOB, ME], &[]));
    assert_eq!(c.model.load(), Some(Load { owned: 1, cap: 4 }));
    assert!(!c.model.load().is_some_and(|l| l.at_cap()));
    for id in 3..6 {
        c.join(id, "More");
    }
    let load = c.model.load().expect("a load");
    assert_eq!(load, Load { owned: 4, cap: 4 });
    assert!(load.at_cap());
    assert_eq!(c.model.why_not_take_next(), Some(words::at_cap(4)));
    assert_eq!(words::load(load.owned, load.cap), "4 / 4 sessions");

    let mut c = Console::new();
    let invitation = QueueEntry {
        invitation: Some(InvitationInfo {
            invitation_id: InvitationId(1),
            inviter: rep(BOB),
            target: switchboard_protocol::InviteTarget::Rep { rep: rep(ME) },
            created_at: T0,
        }),
        ..entry(51, personal(), "Invited", T0)
    };
    c.event(RepEvent::EntryUpserted { entry: invitation });
    assert_eq!(
        c.model.why_not_take_next().as_deref(),
        Some(words::NOTHING_WAITING)
    );
    assert_eq!(Console::default_load(), None);
}

impl Console {
    /// The load of a console before any snapshot.
    fn default_load() -> Option<Load> {
        Model::new().load()
    }
}

/// A wait ramps normal → warning → breach at the queue's own target and breach, kept from
/// the snapshot; a pane's title figures are its longest wait (with its level) and how many
/// breach.
#[test]
fn waits_ramp_by_the_queues_service_level() {
    let level = ServiceLevel {
        target_ms: 30_000,
        breach_ms: 90_000,
    };
    let now = T0 + 1_000_000;
    assert_eq!(wait_level(&level, now - 29_999, now), WaitLevel::Normal);
    assert_eq!(wait_level(&level, now - 30_000, now), WaitLevel::Warning);
    assert_eq!(wait_level(&level, now - 89_999, now), WaitLevel::Warning);
    assert_eq!(wait_level(&level, now - 90_000, now), WaitLevel::Breach);
    assert_eq!(
        wait_level(&level, now + 5, now),
        WaitLevel::Normal,
        "a clock behind"
    );

    let mut state = snapshot_state();
    state.queues[1] = QueueView {
        service_level: level,
        ..queue_view(
            billing(),
            vec![
                entry(1, billing(), "New", now - 10_000),
                entry(2, billing(), "Warned", now - 60_000),
                entry(3, billing(), "Breached", now - 100_000),
                entry(4, billing(), "Long", now - 200_000),
            ],
        )
    };
    let c = Console::with(state);
    let queue = c.queue(&billing());
    assert_eq!(queue.service_level, level, "kept from the snapshot");
    let waits = pane_waits(queue, now).expect("people wait");
    assert_eq!(waits.longest_ms, 200_000);
    assert_eq!(waits.longest_level, WaitLevel::Breach);
    assert_eq!(waits.breached, 2);
    assert_eq!(words::breached(waits.breached), "2 breached");
    assert_eq!(words::longest(waits.longest_ms), "longest 3m 20s");
    assert_eq!(pane_waits(c.queue(&personal()), now), None, "nobody waits");
    // The default level (a server without one): 60 s and 180 s.
    let general = c.queue(&QueueRef::General);
    assert_eq!(general.service_level, ServiceLevel::default());
}
