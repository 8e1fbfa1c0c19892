//! Issue 15, team leads supervising a session: who may monitor, whisper, take over and join
//! (a lead of the session's team, with the permission), what monitors see and who learns of
//! them, and the monitor's end (stop, grace expiry, the session's end). Whispers' audience
//! is in `supervision_whispers.rs`, `take_next` in `supervision_take_next.rs`.

use super::support::*;
use crate::config::Config;
use crate::router::effects::Effect;
use std::sync::Arc;
use switchboard_protocol::{
    CustomerServerMessage, ErrorCode, LeftReason, PreviousOwner, RepEvent, RepRequest, Route,
    SessionId, Visibility,
};

/// The test configuration with carol a lead of tech and gina a lead of leads (each with
/// every supervising permission), monitors announced to the reps or not.
pub fn leads_config(announce_monitoring: bool) -> Arc<Config> {
    let mut config = (*config()).clone();
    for lead in ["carol", "gina"] {
        let permissions = &mut config
            .reps
            .get_mut(&rep(lead))
            .expect("a configured rep")
            .permissions;
        permissions.lead = true;
        permissions.monitor = true;
        permissions.whisper = true;
        permissions.take_over = true;
    }
    config.supervision.announce_monitoring = announce_monitoring;
    Arc::new(config)
}

/// A harness over [`leads_config`] with `reps` connected.
pub fn leads_harness(announce_monitoring: bool, reps: &[&str]) -> Harness {
    let mut h = Harness::with_config(leads_config(announce_monitoring));
    for r in reps {
        h.connect(r);
    }
    h
}

/// A tech session (the "crash" issue's team) owned by alice.
pub fn tech_session(h: &mut Harness, name: &str) -> SessionId {
    h.owned(
        "alice",
        name,
        Route::Issue {
            issue: issue("crash"),
        },
    )
}

pub mod sup {
    use super::*;

    pub fn monitor(session_id: SessionId) -> RepRequest {
        RepRequest::MonitorSession { session_id }
    }

    pub fn stop(session_id: SessionId) -> RepRequest {
        RepRequest::StopMonitoring { session_id }
    }

    pub fn whisper(session_id: SessionId, cid: &str, text: &str, to: Option<&str>) -> RepRequest {
        RepRequest::Whisper {
            session_id,
            client_msg_id: cid.to_owned(),
            text: text.to_owned(),
            to: to.map(rep),
        }
    }

    pub fn take_over(session_id: SessionId, previous_owner: PreviousOwner) -> RepRequest {
        RepRequest::TakeOver {
            session_id,
            previous_owner,
        }
    }

    pub fn join(session_id: SessionId) -> RepRequest {
        RepRequest::JoinSession { session_id }
    }
}

/// The monitors `who` was last told the session has (their last `session_updated` or
/// `session_joined` in `effects`).
fn monitors_told(effects: &[Effect], who: &str, id: SessionId) -> Option<Vec<String>> {
    events_for(effects, who)
        .into_iter()
        .rev()
        .find_map(|e| match e {
            RepEvent::SessionUpdated { session } if session.session_id == id => {
                Some(session.monitors.clone())
            }
            RepEvent::SessionJoined { view } if view.session.session_id == id => {
                Some(view.session.monitors.clone())
            }
            _ => None,
        })
        .map(|m| m.iter().map(ToString::to_string).collect())
}

/// A lead of the session's team monitors it: the whole chat (rep-only messages too) in
/// `session_joined`, every later message and update; the reps see the lead in `monitors`
/// and a note; the customer is told nothing. The lead's load does not grow.
#[test]
fn a_lead_of_the_team_monitors_without_the_customer_knowing() {
    let mut h = leads_harness(true, &["alice", "carol"]);
    let id = tech_session(&mut h, "Zoe");
    h.chat("alice", req::rep_chat(id, "r1", "Customer seems upset"));
    let (_, effects) = h.ok("carol", sup::monitor(id));
    let view = events_for(&effects, "carol")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionJoined { view } => Some(view.clone()),
            _ => None,
        })
        .expect("the lead gets the session");
    assert!(
        view.chat.iter().any(|m| m.text == "Customer seems upset"),
        "rep-only chat is in the monitor's view"
    );
    assert_eq!(view.session.monitors, vec![rep("carol")]);
    assert_eq!(
        monitors_told(&effects, "alice", id),
        Some(vec!["carol".into()])
    );
    assert!(
        to_customer(&effects, id).is_empty(),
        "the customer is not told"
    );
    assert!(notes(&h.session(id).chat).contains(&"Carol Chen started monitoring.".to_owned()));
    assert_eq!(h.router.load(&rep("carol")), 0, "monitoring is no session");
    assert!(!h.session(id).has_rep(&rep("carol")));
    h.refused("carol", sup::monitor(id), ErrorCode::AlreadyInSession);

    // Later messages (public and rep-only) and updates reach the monitor.
    let (_, effects) = h.ok("alice", req::chat(id, "c1", "Hello Zoe"));
    assert!(reps_told(&effects, |e| matches!(e, RepEvent::Chat { .. })).contains("carol"));
    h.customer_chat(id, "k1", "Hi");
    let (_, effects) = h.ok("alice", req::important(id, true));
    assert!(
        reps_told(&effects, |e| matches!(e, RepEvent::SessionUpdated { .. })).contains("carol")
    );
    // The monitor's console finds the session in a new snapshot, with the monitors.
    let snap = h.snap("carol");
    let monitored = snap
        .sessions
        .iter()
        .find(|v| v.session.session_id == id)
        .expect("a monitored session is in the lead's snapshot");
    assert!(monitored.chat.iter().any(|m| m.text == "Hi"));
    // The monitor pages back through the chat like a rep in it.
    let first = h.session(id).chat.last().expect("chat").id;
    let (page, _) = h.ok(
        "carol",
        RepRequest::LoadChat {
            session_id: id,
            before: first,
        },
    );
    assert!(
        matches!(page, Some(switchboard_protocol::OkResult::ChatPage { messages, .. }) if !messages.is_empty())
    );

    // Stopping: `session_left` (left), a note, nothing more reaches the lead.
    let (_, effects) = h.ok("carol", sup::stop(id));
    assert!(
        events_for(&effects, "carol").contains(&&RepEvent::SessionLeft {
            session_id: id,
            reason: LeftReason::Left
        })
    );
    assert_eq!(monitors_told(&effects, "alice", id), Some(vec![]));
    assert!(notes(&h.session(id).chat).contains(&"Carol Chen stopped monitoring.".to_owned()));
    let (_, effects) = h.ok("alice", req::chat(id, "c2", "Still there?"));
    assert!(events_for(&effects, "carol").is_empty());
    assert!(h.snap("carol").sessions.is_empty());
    h.refused("carol", sup::stop(id), ErrorCode::NotInSession);
}

/// A lead of another team and a plain rep of the session's own team are refused every
/// supervising request with `forbidden`; so is a lead without the request's permission.
#[test]
fn supervising_is_for_leads_of_the_sessions_team() {
    let mut h = leads_harness(true, &["alice", "carol", "dave", "gina"]);
    let id = tech_session(&mut h, "Zoe");
    for who in ["gina", "dave", "bob"] {
        for request in [
            sup::monitor(id),
            sup::whisper(id, "w1", "psst", None),
            sup::take_over(id, PreviousOwner::Stay),
            sup::join(id),
        ] {
            h.refused(who, request, ErrorCode::Forbidden);
        }
    }
    // The refusal says why.
    let (reply, _) = h.request("gina", sup::monitor(id));
    assert!(reply.unwrap_err().message.contains("team you do not lead"));

    // Carol leads tech but may not monitor: monitoring (and only it) is refused.
    let mut config = (*leads_config(true)).clone();
    config
        .reps
        .get_mut(&rep("carol"))
        .expect("carol")
        .permissions
        .monitor = false;
    let mut h = Harness::with_config(Arc::new(config));
    h.connect("alice");
    h.connect("carol");
    let id = tech_session(&mut h, "Zoe");
    h.refused("carol", sup::monitor(id), ErrorCode::Forbidden);
    h.ok("carol", sup::join(id));
    // Unknown and ended sessions are not_found / session_ended before anything else.
    h.refused("gina", sup::monitor(SessionId(999)), ErrorCode::NotFound);
}

/// `[supervision] announce_monitoring = false`: the reps never see the monitor (their
/// `monitors` stay empty, the note is a whisper to the lead), the lead sees themselves.
#[test]
fn monitors_are_hidden_from_the_reps_when_not_announced() {
    let mut h = leads_harness(false, &["alice", "carol", "dave"]);
    let id = tech_session(&mut h, "Zoe");
    let (inv, _) = h.invite("alice", req::invite_rep(id, "dave"));
    h.ok("dave", req::accept_inv(inv));
    let (_, effects) = h.ok("carol", sup::monitor(id));
    assert_eq!(
        monitors_told(&effects, "carol", id),
        Some(vec!["carol".into()])
    );
    assert_eq!(monitors_told(&effects, "alice", id), Some(vec![]));
    assert_eq!(monitors_told(&effects, "dave", id), Some(vec![]));
    for who in ["alice", "dave"] {
        let snap = h.snap(who);
        let view = &snap.sessions[0];
        assert!(view.session.monitors.is_empty(), "{who} sees no monitor");
        assert!(
            !view.chat.iter().any(|m| m.text.contains("monitoring")),
            "{who} reads no monitoring note"
        );
        assert!(
            !reps_told(
                &effects,
                |e| matches!(e, RepEvent::Chat { message } if message.text.contains("monitoring"))
            )
            .contains(who)
        );
    }
    // The audit trail exists: a system whisper to the lead.
    let note = h
        .session(id)
        .chat
        .iter()
        .find(|m| m.text == "Carol Chen started monitoring.")
        .expect("the note is kept");
    assert_eq!(note.visibility, Visibility::Whisper);
    assert_eq!(note.whisper_to, Some(rep("carol")));
    assert!(h.snap("carol").sessions[0].chat.contains(note));
    assert_eq!(
        h.snap("carol").sessions[0].session.monitors,
        vec![rep("carol")]
    );
}

/// A monitor whose console is gone past the grace period stops monitoring; one back in time
/// keeps monitoring. The session's end ends monitoring (`session_left` `ended`).
#[test]
fn monitoring_ends_with_the_grace_period_and_with_the_session() {
    let mut h = leads_harness(true, &["alice", "carol"]);
    let id = tech_session(&mut h, "Zoe");
    h.ok("carol", sup::monitor(id));
    h.disconnect("carol");
    h.advance(GRACE_SECS - 1);
    h.tick();
    h.connect("carol");
    h.advance(GRACE_SECS + 1);
    h.tick();
    assert_eq!(h.session(id).monitors, vec![rep("carol")], "back in time");

    h.disconnect("carol");
    h.advance(GRACE_SECS);
    let effects = h.tick();
    assert!(h.session(id).monitors.is_empty());
    assert!(
        events_for(&effects, "carol").contains(&&RepEvent::SessionLeft {
            session_id: id,
            reason: LeftReason::ConnectionLost
        })
    );
    assert_eq!(monitors_told(&effects, "alice", id), Some(vec![]));

    h.connect("carol");
    h.ok("carol", sup::monitor(id));
    h.ok("alice", req::disposition(id, "Resolved"));
    let (_, effects) = h.ok("alice", req::end(id));
    assert!(
        events_for(&effects, "carol").contains(&&RepEvent::SessionLeft {
            session_id: id,
            reason: LeftReason::Ended
        })
    );
    assert!(h.snap("carol").sessions.is_empty());
}

/// Taking over: the lead owns the session, the previous owner stays as a participant (or
/// leaves with `taken_over`), and the previous owner's invitations are gone (seed 002: only
/// an owner's invitations are live). The customer hears the lead joined, as for any join.
#[test]
fn take_over_moves_ownership_and_cancels_the_owners_invitations() {
    let mut h = leads_harness(true, &["alice", "bob", "carol"]);
    let id = tech_session(&mut h, "Zoe");
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("carol", sup::monitor(id));
    let (_, effects) = h.ok("carol", sup::take_over(id, PreviousOwner::Stay));
    let session = h.session(id);
    assert_eq!(session.owner, Some(rep("carol")));
    assert_eq!(session.participants, vec![rep("alice"), rep("carol")]);
    assert!(
        session.monitors.is_empty(),
        "a lead who takes over is no monitor"
    );
    assert!(
        !h.has_invitation(inv),
        "the previous owner's invitation is gone"
    );
    assert!(
        notes(&session.chat)
            .contains(&"Carol Chen took over the session from Alice Martin.".to_owned())
    );
    assert!(
        to_customer(&effects, id).contains(&&CustomerServerMessage::RepJoined {
            name: "Carol Chen".into()
        })
    );
    assert_eq!(h.router.load(&rep("carol")), 1);
    // The previous owner is a participant now: owner-only requests are refused.
    h.refused("alice", req::invite_rep(id, "bob"), ErrorCode::NotOwner);
    h.ok("carol", req::invite_rep(id, "dave"));
    h.refused(
        "carol",
        sup::take_over(id, PreviousOwner::Stay),
        ErrorCode::AlreadyTaken,
    );

    // Leaving: the previous owner gets `session_left` (`taken_over`).
    let id = tech_session(&mut h, "Yan");
    let (_, effects) = h.ok("carol", sup::take_over(id, PreviousOwner::Leave));
    assert!(
        events_for(&effects, "alice").contains(&&RepEvent::SessionLeft {
            session_id: id,
            reason: LeftReason::TakenOver
        })
    );
    assert_eq!(h.session(id).participants, vec![rep("carol")]);
    assert_eq!(h.session(id).owner, Some(rep("carol")));
}

/// A session waiting in a queue cannot be taken over (`not_active`), and the lead's own cap
/// applies (`at_capacity`) — though monitoring does not count toward it.
#[test]
fn take_over_needs_an_owned_session_and_room() {
    let mut h = leads_harness(true, &["alice", "carol"]);
    let waiting = h.start(
        "Xia",
        Route::Issue {
            issue: issue("crash"),
        },
    );
    h.refused(
        "carol",
        sup::take_over(waiting, PreviousOwner::Stay),
        ErrorCode::NotActive,
    );
    let id = tech_session(&mut h, "Zoe");
    // Carol (max 4) fills up with tech sessions of her own.
    for name in ["A", "B", "C", "D"] {
        let own = h.start(
            name,
            Route::Issue {
                issue: issue("crash"),
            },
        );
        h.accept("carol", own);
    }
    h.ok("carol", sup::monitor(id));
    h.refused(
        "carol",
        sup::take_over(id, PreviousOwner::Stay),
        ErrorCode::AtCapacity,
    );
    h.refused("carol", sup::join(id), ErrorCode::AtCapacity);
}

/// `join_session`: a lead of the session's team joins any of its sessions, asked or not
/// (a monitor joining stops monitoring); already in it is `already_in_session`.
#[test]
fn a_lead_of_the_team_joins_uninvited() {
    let mut h = leads_harness(true, &["alice", "carol"]);
    let id = tech_session(&mut h, "Zoe");
    h.ok("carol", sup::monitor(id));
    let (_, effects) = h.ok("carol", sup::join(id));
    assert!(
        events_for(&effects, "carol")
            .iter()
            .any(|e| matches!(e, RepEvent::SessionJoined { .. }))
    );
    let session = h.session(id);
    assert!(session.has_rep(&rep("carol")));
    assert!(session.monitors.is_empty());
    assert_eq!(session.owner, Some(rep("alice")));
    h.refused("carol", sup::join(id), ErrorCode::AlreadyInSession);
    h.refused("carol", sup::monitor(id), ErrorCode::AlreadyInSession);
}

/// While someone in the session may see the customer's screen, its monitors may watch it:
/// view only (never control, never the shell), and no longer once they stop monitoring.
#[test]
fn a_monitor_watches_the_screen_only_while_someone_may() {
    use super::remote::{answer, asks, customer_ok, native};
    use switchboard_protocol::{Capability, MediaChannel};
    let open = |session_id, channel| RepRequest::OpenMedia {
        session_id,
        channel,
    };
    let carols_rights = |effects: &[Effect], id| {
        effects.iter().rev().find_map(|e| match e {
            Effect::MediaAccess {
                session_id,
                viewers,
            } if *session_id == id => Some(viewers.get(&rep("carol")).copied()),
            _ => None,
        })
    };
    let mut h = leads_harness(true, &["alice", "carol"]);
    // A native session in alice's personal queue: its teams are alice's, tech among them.
    let id = native(&mut h, "alice");
    let (_, effects) = h.ok("carol", sup::monitor(id));
    assert_eq!(carols_rights(&effects, id), None, "nothing to watch yet");
    h.refused(
        "carol",
        open(id, MediaChannel::Screen),
        ErrorCode::Forbidden,
    );

    let grant = asks(&mut h, "alice", id, Capability::ScreenControl);
    let effects = customer_ok(&mut h, id, answer(grant, true));
    let rights = carols_rights(&effects, id)
        .flatten()
        .expect("the monitor may watch");
    assert!(rights.view && !rights.control && rights.shell.is_none());
    let (_, effects) = h.ok("carol", open(id, MediaChannel::Screen));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::IssueMediaTicket { holder: crate::router::effects::MediaHolder::Rep(r), channel: MediaChannel::Screen, .. }
            if *r == rep("carol")
    )));
    h.refused("carol", open(id, MediaChannel::Shell), ErrorCode::Forbidden);

    let (_, effects) = h.ok("carol", sup::stop(id));
    assert_eq!(carols_rights(&effects, id), Some(None), "access narrowed");
    h.refused(
        "carol",
        open(id, MediaChannel::Screen),
        ErrorCode::NotInSession,
    );
    // Monitoring again while the grant is live widens it again; joining narrows it (a rep
    // in the session asks for their own).
    let (_, effects) = h.ok("carol", sup::monitor(id));
    assert!(
        carols_rights(&effects, id)
            .flatten()
            .is_some_and(|r| r.view)
    );
    let (_, effects) = h.ok("carol", sup::join(id));
    assert_eq!(carols_rights(&effects, id), Some(None));
}
