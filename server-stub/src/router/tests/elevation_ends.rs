//! How an elevated shell's request ends (docs/PROTOCOL.md `elevate_shell`,
//! `elevation_failed`): every way but the allow drops its credentials unsent, and the
//! program's `elevation_failed` ends the grant with one bounded public line; a restart keeps
//! what the program said and nothing secret.

use super::elevation::{
    PASSWORD, both, credentials, describe, described, elevates, password_in, specific,
};
use super::remote::{
    answer, customer_ok, customer_refused, native, public_lines, remote_updated, shared, state,
    stop,
};
use super::support::*;
use crate::router::effects::Effect;
use switchboard_protocol::{
    Capability, CustomerRequest, ElevationRequest, ElevationSupport, ErrorCode, GrantEnd, GrantId,
    GrantState, OkResult, RepRequest, SessionId,
};

/// The test configuration's prompt time (the default).
const PROMPT_SECS: u64 = 30;

/// Every other way a request ends drops the credentials unsent: denied, timed out, withdrawn,
/// its rep leaving or transferring the session away, the customer's Stop or dropping, the
/// session ending, a restart.
#[test]
fn every_other_end_drops_the_credentials_unsent() {
    type Way = fn(&mut Harness, SessionId, GrantId) -> Vec<Effect>;
    let ways: [(&str, Way); 8] = [
        ("denied", |h, id, g| customer_ok(h, id, answer(g, false))),
        ("timed out", |h, _, _| {
            h.advance(PROMPT_SECS);
            h.tick()
        }),
        ("withdrawn", |h, id, g| h.ok("bob", stop(id, g)).1),
        ("left", |h, id, _| h.ok("bob", req::leave(id)).1),
        ("customer stops", |h, id, _| {
            customer_ok(h, id, CustomerRequest::StopRemote { grant_id: None })
        }),
        ("customer drops", |h, id, _| h.customer_drops(id)),
        ("session ends", |h, id, _| {
            h.ok("alice", req::disposition(id, "Resolved"));
            h.ok("alice", req::end(id)).1
        }),
        ("restart", |h, _, _| {
            h.restart();
            h.tick()
        }),
    ];
    for (how, way) in ways {
        let mut h = Harness::with_reps(&["alice", "bob"]);
        let id = shared(&mut h, "alice", &["bob"]);
        describe(&mut h, id, both());
        let (g, _) = elevates(&mut h, "bob", id, specific("sbadmin", PASSWORD));
        let effects = way(&mut h, id, g);
        assert!(!h.router.holds_credentials(id, g), "{how}: dropped");
        assert!(credentials(&effects, id).is_empty(), "{how}: never sent");
        assert_eq!(password_in(&effects), Vec::<String>::new(), "{how}");
        assert!(
            !format!("{:?}", h.store).contains(PASSWORD),
            "{how}: not stored"
        );
    }
    // A transfer that takes the asker out of the session ends the request too.
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = described(&mut h, "alice");
    let (g, _) = elevates(&mut h, "alice", id, specific("sbadmin", PASSWORD));
    h.ok("alice", req::transfer_rep(id, "bob", false));
    assert!(!h.router.holds_credentials(id, g), "transfer: dropped");
    assert_eq!(state(&h, id, g).0, GrantState::Stopped);
}

/// `elevation_failed`: the grant ends `elevation_failed` with "…'s administrator shell could
/// not start: <the program's reason>" as a public line (one plain line); an unknown, ended or
/// plain shell grant is not_found.
#[test]
fn elevation_failed_ends_the_grant_with_the_programs_reason() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = described(&mut h, "alice");
    let (g, _) = elevates(&mut h, "alice", id, specific("sbadmin", PASSWORD));
    customer_ok(&mut h, id, answer(g, true));
    let failed = |g| CustomerRequest::ElevationFailed {
        grant_id: g,
        reason: "su: Authentication failure\n".into(),
    };
    let effects = customer_ok(&mut h, id, failed(g));
    assert_eq!(
        state(&h, id, g),
        (GrantState::Stopped, Some(GrantEnd::ElevationFailed))
    );
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin's administrator shell could not start: su: Authentication failure"]
    );
    let customer_saw = remote_updated(&effects, id).expect("the customer is told");
    assert!(
        customer_saw
            .iter()
            .any(|x| x.grant_id == g && x.ended == Some(GrantEnd::ElevationFailed))
    );
    customer_refused(&mut h, id, failed(g), ErrorCode::NotFound);
    customer_refused(&mut h, id, failed(GrantId(99)), ErrorCode::NotFound);
    let (reply, _) = h.ok(
        "alice",
        RepRequest::RequestRemote {
            session_id: id,
            capability: Capability::Shell,
        },
    );
    let Some(OkResult::Grant { grant_id: plain }) = reply else {
        panic!("a plain shell: {reply:?}");
    };
    customer_ok(&mut h, id, answer(plain, true));
    customer_refused(&mut h, id, failed(plain), ErrorCode::NotFound);
}

/// The program's words are one bounded line: a reason with line breaks and escapes, 1000
/// characters long, becomes one line of at most 300 in the chat.
#[test]
fn a_failure_reason_is_one_bounded_line() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = described(&mut h, "alice");
    let (g, _) = elevates(&mut h, "alice", id, ElevationRequest::PromptCustomer);
    customer_ok(&mut h, id, answer(g, true));
    let reason = format!("pkexec: cancelled\n\u{1b}[31m{}", "x".repeat(1000));
    let effects = customer_ok(
        &mut h,
        id,
        CustomerRequest::ElevationFailed {
            grant_id: g,
            reason,
        },
    );
    let lines = public_lines(&effects);
    let line = lines.first().expect("a line");
    assert!(
        line.starts_with(
            "Alice Martin's administrator shell could not start: pkexec: cancelled  [31mxxx"
        ),
        "{line}"
    );
    assert!(!line.contains(['\n', '\u{1b}']), "{line:?}");
    let prefix = "Alice Martin's administrator shell could not start: "
        .chars()
        .count();
    assert_eq!(line.chars().count(), prefix + 300);
}

/// What the program said survives a restart with the session (reps see it again at once);
/// the grant and its credentials do not.
#[test]
fn the_programs_word_survives_a_restart_its_credentials_do_not() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let support = ElevationSupport {
        prompt_customer: None,
        specific_user: Some("su is not installed on this computer.".into()),
    };
    describe(&mut h, id, support.clone());
    describe(&mut h, id, both());
    let (g, _) = elevates(&mut h, "alice", id, specific("sbadmin", PASSWORD));
    h.restart();
    h.tick();
    assert_eq!(h.session(id).elevation, Some(both()));
    assert!(!h.router.holds_credentials(id, g));
    assert_eq!(
        state(&h, id, g),
        (GrantState::Stopped, Some(GrantEnd::CustomerDisconnected))
    );
}
