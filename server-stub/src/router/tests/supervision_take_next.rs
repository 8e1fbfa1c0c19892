//! Issue 15, `take_next`: the longest-waiting session the rep may accept now, over the
//! queues they see, accepted as `accept` would (`taken`), never one on offer to another rep;
//! `not_found` when nothing waits for them, `at_capacity` at their cap.

use super::support::*;
use switchboard_protocol::{ErrorCode, OkResult, RepEvent, RepRequest, Route, SessionId};

fn take_next(h: &mut Harness, who: &str) -> SessionId {
    match h.ok(who, RepRequest::TakeNext) {
        (Some(OkResult::Taken { session_id }), _) => session_id,
        other => panic!("take_next: {other:?}"),
    }
}

fn crash() -> Route {
    Route::Issue {
        issue: issue("crash"),
    }
}

fn invoice() -> Route {
    Route::Issue {
        issue: issue("invoice"),
    }
}

/// Oldest first across the rep's queues (tech, billing, general, personal), never a queue
/// they do not see; each taken session is theirs as after `accept`.
#[test]
fn take_next_takes_the_longest_waiting_session_the_rep_sees() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let carols = h.start("For Carol", Route::Rep { rep: rep("carol") });
    h.advance(1);
    let tech = h.start("Tech", crash());
    h.advance(1);
    let general = h.start("General", Route::General);
    h.advance(1);
    let billing = h.start("Billing", invoice());
    h.advance(1);
    let alices = h.start("For Alice", Route::Rep { rep: rep("alice") });

    let first = take_next(&mut h, "alice");
    assert_eq!(first, tech, "carol's personal queue is not alice's");
    let session = h.session(tech);
    assert_eq!(session.owner, Some(rep("alice")));
    assert!(session.waiting.is_none());
    assert_eq!(take_next(&mut h, "alice"), general);
    assert_eq!(take_next(&mut h, "alice"), billing);
    assert_eq!(take_next(&mut h, "alice"), alices);
    h.refused("alice", RepRequest::TakeNext, ErrorCode::NotFound);
    // Carol (tech only) still has hers.
    assert_eq!(take_next(&mut h, "carol"), carols);
}

/// At the cap, `at_capacity` and nothing taken; the session keeps waiting.
#[test]
fn take_next_respects_the_cap() {
    let mut h = Harness::with_reps(&["bob"]);
    h.owned("bob", "One", invoice());
    h.owned("bob", "Two", invoice());
    let waiting = h.start("Three", invoice());
    h.refused("bob", RepRequest::TakeNext, ErrorCode::AtCapacity);
    assert!(h.session(waiting).waiting.is_some());
}

/// A push-queue session on offer to one rep is theirs to answer: another rep's `take_next`
/// passes it by; the offered rep's takes it (the offer ends accepted).
#[test]
fn take_next_leaves_another_reps_offer_alone() {
    let mut h = Harness::with_reps(&["erin", "frank"]);
    let id = h.start(
        "Pushy",
        Route::Team {
            team: team("sales"),
        },
    );
    let offered_to = h.session(id).offer.as_ref().expect("offered").rep.clone();
    let other = if offered_to == rep("erin") {
        "frank"
    } else {
        "erin"
    };
    h.refused(other, RepRequest::TakeNext, ErrorCode::NotFound);
    let (reply, effects) = h.ok(offered_to.as_str(), RepRequest::TakeNext);
    assert_eq!(reply, Some(OkResult::Taken { session_id: id }));
    assert!(
        events_for(&effects, offered_to.as_str()).contains(&&RepEvent::OfferEnded {
            session_id: id,
            reason: switchboard_protocol::OfferEndReason::Accepted
        })
    );
}
