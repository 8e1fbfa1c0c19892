//! Seed 000/001: how a customer's way in decides the first queue, and what is refused.

use super::support::*;
use crate::router::Input;
use crate::router::effects::{Effect, StoreOp};
use switchboard_protocol::{
    CustomerInfo, CustomerServerMessage, EntryPath, ErrorCode, OkResult, QueueReason, QueueRef,
    RepRequest, Route, SessionKind,
};

fn generate_key(h: &mut Harness, who: &str) -> (String, u64) {
    match h.ok(who, RepRequest::GenerateSessionKey) {
        (Some(OkResult::SessionKey { key, expires_at }), effects) => {
            assert!(
                effects
                    .iter()
                    .any(|e| matches!(e, Effect::Persist(StoreOp::PutKey(k)) if k.key == key)),
                "the key is stored"
            );
            (key, expires_at)
        }
        other => panic!("generate_session_key: {other:?}"),
    }
}

fn start_input(route: Route) -> Input {
    Input::CustomerStart {
        conn: 999,
        customer: customer("Zoe"),
        route,
        customer_token: "token-999".to_owned(),
        client: Default::default(),
        platform: Default::default(),
    }
}

/// Seed 000: a session key a rep generated puts the customer in that rep's personal queue,
/// and the key is single use.
#[test]
fn session_key_leads_to_the_reps_personal_queue_once() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let (key, expires_at) = generate_key(&mut h, "alice");
    assert_eq!(key.len(), 6);
    assert!(key.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(expires_at, h.now + KEY_TTL_SECS * 1000);

    let (reply, effects) = h.start_with(customer("Zoe"), Route::SessionKey { key: key.clone() });
    assert_eq!(reply, Ok(None));
    let id = started_session(&effects);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Persist(StoreOp::DeleteKey(k)) if *k == key)),
        "the used key is deleted from the store"
    );
    assert_eq!(
        upserted_to(&effects, &session_entry_id(id)),
        names(&["alice"])
    );
    let snap = h.snap("alice");
    let entry = &entries(&snap, &personal("alice"))[0];
    assert_eq!(entry.session_id, id);
    assert_eq!(entry.entry_path, EntryPath::SessionKey);
    assert_eq!(entry.kind, SessionKind::Standard);
    assert!(all_entry_ids(&h.snap("bob")).is_empty());

    // The same key a second time: refused, nothing changes.
    h.refused_input(
        start_input(Route::SessionKey { key }),
        ErrorCode::KeyInvalid,
    );
}

/// Seed 000: an expired session key is refused with key_invalid (before and after a tick
/// removed it); a key is good until its expiry.
#[test]
fn expired_session_key_is_refused() {
    let mut h = Harness::with_reps(&["alice"]);
    let (early, _) = generate_key(&mut h, "alice");
    let (late, _) = generate_key(&mut h, "alice");
    assert_ne!(early, late);
    h.advance(KEY_TTL_SECS - 1);
    h.start("Early", Route::SessionKey { key: early });
    h.advance(1);
    h.refused_input(
        start_input(Route::SessionKey { key: late.clone() }),
        ErrorCode::KeyInvalid,
    );
    let effects = h.tick();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Persist(StoreOp::DeleteKey(k)) if *k == late)),
        "a tick deletes the expired key"
    );
    h.refused_input(
        start_input(Route::SessionKey { key: late }),
        ErrorCode::KeyInvalid,
    );
}

/// Seed 000: a key nobody generated is refused with key_invalid.
#[test]
fn unknown_session_key_is_refused() {
    let mut h = Harness::with_reps(&["alice"]);
    h.refused_input(
        start_input(Route::SessionKey {
            key: "123456".to_owned(),
        }),
        ErrorCode::KeyInvalid,
    );
    h.refused_input(
        start_input(Route::SessionKey { key: String::new() }),
        ErrorCode::KeyInvalid,
    );
}

/// Seed 000/001: every entry path leads to its queue with its entry path, kind and issue:
/// rep pick / rep button / rep help link → personal; team button / team help link → team;
/// issue → the owning team with the issue set; nothing specific → general.
#[test]
fn each_route_leads_to_its_queue() {
    let help_rep = Route::HelpLink {
        rep: Some(rep("carol")),
        team: None,
    };
    let help_team = Route::HelpLink {
        rep: None,
        team: Some(team("leads")),
    };
    let cases: Vec<(Route, QueueRef, EntryPath, SessionKind, Option<&str>)> = vec![
        (
            Route::Rep { rep: rep("bob") },
            personal("bob"),
            EntryPath::RepPick,
            SessionKind::Standard,
            None,
        ),
        (
            Route::Button {
                token: "btn-carol".to_owned(),
            },
            personal("carol"),
            EntryPath::RepButton,
            SessionKind::Standard,
            None,
        ),
        (
            Route::Button {
                token: "btn-team-tech".to_owned(),
            },
            team_q("tech"),
            EntryPath::TeamButton,
            SessionKind::Standard,
            None,
        ),
        (
            Route::Team {
                team: team("leads"),
            },
            team_q("leads"),
            EntryPath::TeamButton,
            SessionKind::Standard,
            None,
        ),
        (
            help_rep,
            personal("carol"),
            EntryPath::RepHelpLink,
            SessionKind::Browser,
            None,
        ),
        (
            help_team,
            team_q("leads"),
            EntryPath::TeamHelpLink,
            SessionKind::Browser,
            None,
        ),
        (
            Route::Issue {
                issue: issue("refund"),
            },
            team_q("billing"),
            EntryPath::Issue,
            SessionKind::Standard,
            Some("refund"),
        ),
        (
            Route::Issue {
                issue: issue("crash"),
            },
            team_q("tech"),
            EntryPath::Issue,
            SessionKind::Standard,
            Some("crash"),
        ),
        (
            Route::General,
            QueueRef::General,
            EntryPath::General,
            SessionKind::Standard,
            None,
        ),
    ];
    for (route, queue, path, kind, issue_id) in cases {
        let mut h = Harness::new();
        let described = format!("{route:?}");
        let id = h.start("Zoe", route);
        let session = h.session(id);
        assert_eq!(
            session.waiting.as_ref().map(|w| w.queue.clone()),
            Some(queue.clone()),
            "{described}"
        );
        assert_eq!(session.entry_path, path, "{described}");
        assert_eq!(session.kind, kind, "{described}");
        assert_eq!(session.issue, issue_id.map(issue), "{described}");
        assert_eq!(session.history.len(), 1);
        assert_eq!(session.history[0].queue, queue);
        assert_eq!(session.history[0].reason, QueueReason::Started);
        // Every viewer of the queue sees the entry there.
        for viewer in h.router.config().viewers(&queue) {
            let snap = h.snap(viewer.as_str());
            let seen = entries(&snap, &queue);
            assert_eq!(seen.len(), 1, "{described} for {viewer}");
            assert_eq!(seen[0].entry_path, path);
            assert_eq!(seen[0].kind, kind);
        }
    }
}

/// Seed 001: a help link starts a browser sharing session (kind Browser), to a rep's
/// personal queue or a team's queue.
#[test]
fn help_links_start_browser_sessions() {
    let mut h = Harness::new();
    let to_rep = h.start(
        "Browsing Bea",
        Route::HelpLink {
            rep: Some(rep("alice")),
            team: None,
        },
    );
    let to_team = h.start(
        "Browsing Ben",
        Route::HelpLink {
            rep: None,
            team: Some(team("billing")),
        },
    );
    let alice = h.snap("alice");
    let rep_entry = &entries(&alice, &personal("alice"))[0];
    assert_eq!(rep_entry.session_id, to_rep);
    assert_eq!(rep_entry.kind, SessionKind::Browser);
    assert_eq!(rep_entry.entry_path, EntryPath::RepHelpLink);
    let team_entry = &entries(&alice, &team_q("billing"))[0];
    assert_eq!(team_entry.session_id, to_team);
    assert_eq!(team_entry.kind, SessionKind::Browser);
    assert_eq!(team_entry.entry_path, EntryPath::TeamHelpLink);
}

/// A help link names exactly one of a rep or a team; otherwise invalid.
#[test]
fn help_link_needs_exactly_one_target() {
    let mut h = Harness::new();
    h.refused_input(
        start_input(Route::HelpLink {
            rep: None,
            team: None,
        }),
        ErrorCode::Invalid,
    );
    h.refused_input(
        start_input(Route::HelpLink {
            rep: Some(rep("alice")),
            team: Some(team("billing")),
        }),
        ErrorCode::Invalid,
    );
}

/// An unknown rep, team, issue or button is refused with not_found.
#[test]
fn unknown_targets_are_not_found() {
    let mut h = Harness::with_reps(&["alice"]);
    let routes = [
        Route::Rep { rep: rep("ghost") },
        Route::Team {
            team: team("ghosts"),
        },
        Route::Issue {
            issue: issue("ghostly"),
        },
        Route::Button {
            token: "btn-ghost".to_owned(),
        },
        Route::HelpLink {
            rep: Some(rep("ghost")),
            team: None,
        },
        Route::HelpLink {
            rep: None,
            team: Some(team("ghosts")),
        },
    ];
    for route in routes {
        h.refused_input(start_input(route), ErrorCode::NotFound);
    }
}

/// Customer names must be 1..=100 characters after trimming (empty or longer → invalid);
/// the company and question have limits too.
#[test]
fn bad_customer_details_are_invalid() {
    let mut h = Harness::with_reps(&["alice"]);
    let bad = [
        CustomerInfo::default(),
        CustomerInfo {
            name: "   ".to_owned(),
            ..CustomerInfo::default()
        },
        CustomerInfo {
            name: "x".repeat(101),
            ..CustomerInfo::default()
        },
        CustomerInfo {
            name: "Zoe".to_owned(),
            company: Some("c".repeat(201)),
            question: None,
            contact: None,
        },
        CustomerInfo {
            name: "Zoe".to_owned(),
            company: None,
            question: Some("q".repeat(1001)),
            contact: None,
        },
    ];
    for who in bad {
        h.refused_input(
            Input::CustomerStart {
                conn: 5,
                customer: who,
                route: Route::General,
                customer_token: "t".to_owned(),
                client: Default::default(),
                platform: Default::default(),
            },
            ErrorCode::Invalid,
        );
    }
    // 100 characters is fine; the name is trimmed.
    let long = "é".repeat(100);
    let (reply, effects) = h.start_with(
        CustomerInfo {
            name: format!("  {long}  "),
            company: Some("  ".to_owned()),
            question: None,
            contact: None,
        },
        Route::General,
    );
    assert_eq!(reply, Ok(None));
    let id = started_session(&effects);
    assert_eq!(h.session(id).customer.name, long);
    assert_eq!(h.session(id).customer.company, None);
}

/// A started session is bound to the customer's connection, which gets the session id and
/// token and then its place in the queue; the session is persisted.
#[test]
fn start_tells_the_customer_and_persists() {
    let mut h = Harness::with_reps(&["alice"]);
    h.start("First", Route::General);
    let (reply, effects) = h.start_with(customer("Second"), Route::General);
    assert_eq!(reply, Ok(None));
    let id = started_session(&effects);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::ToCustomerConn(_, CustomerServerMessage::SessionStarted { session_id, customer_token, chat, ended: false, .. })
            if *session_id == id && customer_token == "token-2" && chat.is_empty()
    )));
    assert!(
        to_customer(&effects, id)
            .iter()
            .any(|m| matches!(m, CustomerServerMessage::QueueStatus { position: 2, .. }))
    );
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutSession(s) if s.id == id && s.ended_at.is_none()))
    );
}

/// Session keys come from the OS's CSPRNG once a server calls `use_os_entropy`: two routers
/// with the same test seed give the same keys before, and different ones after (so the
/// seed, which may be logged for the simulator, says nothing about keys).
#[test]
fn session_keys_come_from_os_entropy() {
    let keys =
        |h: &mut Harness| -> Vec<String> { (0..3).map(|_| generate_key(h, "alice").0).collect() };
    let (mut a, mut b) = (
        Harness::with_reps(&["alice"]),
        Harness::with_reps(&["alice"]),
    );
    assert_eq!(keys(&mut a), keys(&mut b), "the same seed, the same keys");
    a.router.use_os_entropy();
    b.router.use_os_entropy();
    assert_ne!(keys(&mut a), keys(&mut b));
}
