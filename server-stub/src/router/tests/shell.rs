//! The shell's rules in the router (docs/PROTOCOL.md §7 "Remote support"): the permission
//! and source matrix, consent, one shell per session (owner included), tickets for the holder
//! only and per channel, the relay's rights (the shell's grant, never a view), every way the
//! grant ends, and the words of its lines. Refusal codes are checked against `errors_table`.

use super::remote::{
    answer, ask, asks, customer_ok, customer_refused, native, public_lines, refused, session_of,
    shared, state, stop,
};
use super::support::*;
use crate::router::effects::{Effect, MediaHolder, MediaRights};
use switchboard_protocol::{
    Capability, ClientKind, CustomerRequest, ErrorCode, GrantEnd, GrantState, MediaChannel,
    OkResult, RepRequest, Route, SessionId,
};

const SHELL: Capability = Capability::Shell;

fn open(id: SessionId, channel: MediaChannel) -> RepRequest {
    RepRequest::OpenMedia {
        session_id: id,
        channel,
    }
}

/// A grant's state as the store has it (the session may have left the router's memory).
fn stored_state(
    h: &Harness,
    id: SessionId,
    g: switchboard_protocol::GrantId,
) -> (GrantState, Option<GrantEnd>) {
    let (_, json) = &h.store.sessions[&id.0];
    let stored: crate::router::state::Session =
        serde_json::from_str(json).expect("a stored session");
    let grant = stored
        .grants
        .list
        .iter()
        .find(|x| x.grant_id == g)
        .expect("the grant is listed");
    (grant.state, grant.ended)
}

/// The rights the last `MediaAccess` of `effects` gives `who` in `id`.
fn rights(effects: &[Effect], id: SessionId, who: &str) -> Option<MediaRights> {
    effects.iter().rev().find_map(|e| match e {
        Effect::MediaAccess {
            session_id,
            viewers,
        } if *session_id == id => Some(viewers.get(&rep(who)).copied().unwrap_or_default()),
        _ => None,
    })
}

#[test]
fn the_shell_needs_its_own_permission_and_the_native_client() {
    let mut h = Harness::with_reps(&["alice", "carol", "dave"]);
    // Carol may view screens, Dave may control them: neither may have a shell.
    for who in ["carol", "dave"] {
        let id = native(&mut h, who);
        refused(&mut h, who, ask(id, SHELL), ErrorCode::Forbidden);
    }
    // A web customer, and a [Browser] session's page, have no shell to give.
    let web = session_of(
        &mut h,
        "alice",
        ClientKind::Web,
        Route::Rep { rep: rep("alice") },
    );
    refused(
        &mut h,
        "alice",
        ask(web, SHELL),
        ErrorCode::RemoteUnavailable,
    );
    // The native client does.
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, SHELL);
    assert_eq!(state(&h, id, g), (GrantState::Prompting, None));
}

#[test]
fn consent_grants_the_shell_and_only_its_holder_gets_a_shell_ticket() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    // Nothing granted yet: no ticket for anyone.
    refused(
        &mut h,
        "alice",
        open(id, MediaChannel::Shell),
        ErrorCode::Forbidden,
    );
    customer_refused(
        &mut h,
        id,
        CustomerRequest::OpenMedia {
            channel: MediaChannel::Shell,
        },
        ErrorCode::Forbidden,
    );
    let g = asks(&mut h, "alice", id, SHELL);
    let effects = customer_ok(&mut h, id, answer(g, true));
    assert_eq!(state(&h, id, g).0, GrantState::Granted);
    assert_eq!(
        rights(&effects, id, "alice"),
        Some(MediaRights {
            shell: Some(g),
            ..MediaRights::default()
        }),
        "the shell, and no view of the screen"
    );
    assert_eq!(
        public_lines(&effects),
        ["The customer allowed Alice Martin to open a command shell."]
    );
    // Alice gets a shell ticket, not a screen one; Bob (a participant) neither.
    let (reply, effects) = h.ok("alice", open(id, MediaChannel::Shell));
    assert!(matches!(reply, Some(OkResult::Media { .. })));
    assert!(matches!(
        effects.as_slice(),
        [Effect::IssueMediaTicket {
            holder: MediaHolder::Rep(r),
            channel: MediaChannel::Shell,
            ..
        }] if r == &rep("alice")
    ));
    refused(
        &mut h,
        "alice",
        open(id, MediaChannel::Screen),
        ErrorCode::Forbidden,
    );
    refused(
        &mut h,
        "bob",
        open(id, MediaChannel::Shell),
        ErrorCode::Forbidden,
    );
    // The customer's side gets a shell ticket, not a screen one.
    customer_ok(
        &mut h,
        id,
        CustomerRequest::OpenMedia {
            channel: MediaChannel::Shell,
        },
    );
    customer_refused(
        &mut h,
        id,
        CustomerRequest::OpenMedia {
            channel: MediaChannel::Screen,
        },
        ErrorCode::Forbidden,
    );
}

#[test]
fn one_shell_per_session_for_the_owner_too() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    let b = asks(&mut h, "bob", id, SHELL);
    // Asking counts: the owner may not ask over a participant's request or shell.
    refused(
        &mut h,
        "alice",
        ask(id, SHELL),
        ErrorCode::RemoteUnavailable,
    );
    customer_ok(&mut h, id, answer(b, true));
    let (reply, _) = h.request("alice", ask(id, SHELL));
    let error = reply.expect_err("refused");
    assert_eq!(error.code, ErrorCode::RemoteUnavailable);
    assert_eq!(error.message, "Bob Okafor is using the command shell.");
    refused(&mut h, "bob", ask(id, SHELL), ErrorCode::AlreadyInSession);
    // The owner may stop it, and then ask.
    let effects = h.ok("alice", stop(id, b)).1;
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin stopped Bob Okafor using the command shell."]
    );
    asks(&mut h, "alice", id, SHELL);
}

#[test]
fn the_shell_ends_every_way_a_grant_ends() {
    type Way = fn(&mut Harness, SessionId) -> Vec<Effect>;
    let ways: [(&str, GrantEnd, Way); 7] = [
        ("rep stops", GrantEnd::RepStopped, |h, id| {
            let g = h.session(id).grants.list[0].grant_id;
            h.ok("bob", stop(id, g)).1
        }),
        ("customer stops", GrantEnd::CustomerStopped, |h, id| {
            customer_ok(h, id, CustomerRequest::StopRemote { grant_id: None })
        }),
        ("removed", GrantEnd::Removed, |h, id| {
            h.ok("alice", req::remove(id, "bob")).1
        }),
        ("left", GrantEnd::Left, |h, id| {
            h.ok("bob", req::leave(id)).1
        }),
        ("customer drops", GrantEnd::CustomerDisconnected, |h, id| {
            h.customer_drops(id)
        }),
        (
            "customer leaves",
            GrantEnd::CustomerDisconnected,
            |h, id| customer_ok(h, id, CustomerRequest::Leave),
        ),
        ("session ends", GrantEnd::SessionEnded, |h, id| {
            h.ok("alice", req::disposition(id, "Resolved"));
            h.ok("alice", req::end(id)).1
        }),
    ];
    for (how, end, way) in ways {
        let mut h = Harness::with_reps(&["alice", "bob"]);
        let id = shared(&mut h, "alice", &["bob"]);
        let g = asks(&mut h, "bob", id, SHELL);
        customer_ok(&mut h, id, answer(g, true));
        let effects = way(&mut h, id);
        assert_eq!(
            stored_state(&h, id, g),
            (GrantState::Stopped, Some(end)),
            "{how}"
        );
        assert_eq!(
            rights(&effects, id, "bob"),
            Some(MediaRights::default()),
            "{how}: the relay is told at once"
        );
        let lines = public_lines(&effects);
        let expected = match end {
            GrantEnd::RepStopped => "Bob Okafor stopped using the command shell.",
            GrantEnd::CustomerStopped => "The customer stopped the command shell.",
            GrantEnd::Removed | GrantEnd::Left => {
                "Bob Okafor is no longer using the command shell."
            }
            GrantEnd::CustomerDisconnected => {
                "The command shell stopped: the customer's connection ended."
            }
            _ => "The command shell stopped: the session ended.",
        };
        assert!(lines.contains(&expected.to_owned()), "{how}: {lines:?}");
        // A grant that ended gives no ticket.
        if !matches!(how, "removed" | "left" | "session ends" | "customer leaves") {
            refused(
                &mut h,
                "bob",
                open(id, MediaChannel::Shell),
                ErrorCode::Forbidden,
            );
        }
    }
    // Transferring the session away ends the old owner's shell.
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, SHELL);
    customer_ok(&mut h, id, answer(g, true));
    h.ok("alice", req::transfer_rep(id, "bob", false));
    assert_eq!(
        state(&h, id, g),
        (GrantState::Stopped, Some(GrantEnd::Transferred))
    );
}

#[test]
fn a_declined_or_unanswered_shell_request_never_grants() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, SHELL);
    let effects = customer_ok(&mut h, id, answer(g, false));
    assert_eq!(state(&h, id, g), (GrantState::Denied, None));
    assert_eq!(
        public_lines(&effects),
        ["The customer declined Alice Martin's request to open a command shell."]
    );
    let g = asks(&mut h, "alice", id, SHELL);
    h.advance(30);
    let effects = h.tick();
    assert_eq!(state(&h, id, g), (GrantState::TimedOut, None));
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin's request to open a command shell timed out."]
    );
    refused(
        &mut h,
        "alice",
        open(id, MediaChannel::Shell),
        ErrorCode::Forbidden,
    );
}
