//! Push queues: a session is offered to one available rep at a time, least loaded first,
//! with an answer deadline.

use super::support::*;
use crate::router::effects::Effect;
use switchboard_protocol::{
    ErrorCode, OfferEndReason, Presence, RepEvent, RepRequest, Route, SessionId,
};

fn sales() -> Route {
    Route::Team {
        team: team("sales"),
    }
}

/// (rep, session) of every OfferMade in the effects.
fn offers(effects: &[Effect]) -> Vec<(String, SessionId)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ToRep(r, RepEvent::OfferMade { offer }) => {
                Some((r.to_string(), offer.entry.session_id))
            }
            _ => None,
        })
        .collect()
}

fn offer_ended(effects: &[Effect], who: &str) -> Option<(SessionId, OfferEndReason)> {
    events_for(effects, who).into_iter().find_map(|e| match e {
        RepEvent::OfferEnded { session_id, reason } => Some((*session_id, *reason)),
        _ => None,
    })
}

fn set_presence(h: &mut Harness, who: &str, presence: Presence) -> Vec<Effect> {
    h.ok(who, RepRequest::SetPresence { presence }).1
}

/// A push-queue session is offered to exactly one available rep, the least loaded one,
/// with the team's answer time; it still shows in the queue for every member.
#[test]
fn offered_to_one_rep_least_loaded_first() {
    let mut h = Harness::with_reps(&["dave", "erin", "frank"]);
    // erin is in one session: dave and frank (load 0) come first, dave by id order.
    h.owned("erin", "Personal", Route::Rep { rep: rep("erin") });
    let (reply, effects) = h.start_with(customer("Zoe"), sales());
    assert_eq!(reply, Ok(None));
    let first = started_session(&effects);
    assert_eq!(offers(&effects), vec![("dave".to_owned(), first)]);
    let offer = h.snap("dave").offer.expect("dave has the offer");
    assert_eq!(offer.entry.session_id, first);
    assert_eq!(offer.deadline, offer.offered_at + SALES_ANSWER_SECS * 1000);
    assert_eq!(offer.offered_at, h.now);
    assert_eq!(
        upserted_to(&effects, &session_entry_id(first)),
        names(&["dave", "erin", "frank"])
    );
    // dave holds an offer: the next session goes to frank (load 0), then erin.
    let (_, effects) = h.start_with(customer("Yan"), sales());
    let second = started_session(&effects);
    assert_eq!(offers(&effects), vec![("frank".to_owned(), second)]);
    let (_, effects) = h.start_with(customer("Xi"), sales());
    let third = started_session(&effects);
    assert_eq!(offers(&effects), vec![("erin".to_owned(), third)]);
    // Everyone holds an offer: the fourth waits without one.
    let (_, effects) = h.start_with(customer("Wu"), sales());
    assert!(offers(&effects).is_empty());
    // Accepting an offer ends it as accepted.
    let effects = h.accept("dave", first);
    assert_eq!(
        offer_ended(&effects, "dave"),
        Some((first, OfferEndReason::Accepted))
    );
    assert!(h.snap("dave").offer.is_none());
}

/// Rejecting an offer gives it to the next rep; the rejecter is never offered that session
/// again.
#[test]
fn rejected_offer_goes_to_the_next_rep_never_back() {
    let mut h = Harness::with_reps(&["erin", "frank"]);
    let id = h.start("Zoe", sales());
    assert_eq!(
        h.session(id).offer.as_ref().map(|o| o.rep.clone()),
        Some(rep("erin"))
    );
    h.refused(
        "frank",
        RepRequest::RejectOffer { session_id: id },
        ErrorCode::NotFound,
    );
    let (_, effects) = h.ok("erin", RepRequest::RejectOffer { session_id: id });
    assert_eq!(
        offer_ended(&effects, "erin"),
        Some((id, OfferEndReason::Rejected))
    );
    assert_eq!(offers(&effects), vec![("frank".to_owned(), id)]);
    let (_, effects) = h.ok("frank", RepRequest::RejectOffer { session_id: id });
    assert!(offers(&effects).is_empty(), "nobody left to offer it to");
    assert!(h.session(id).rejected_by.contains(&rep("erin")));
    // Time passes, presences are set again, dave (who may take it) connects: only dave.
    set_presence(&mut h, "erin", Presence::Available);
    h.advance(60);
    let effects = h.tick();
    assert!(offers(&effects).is_empty());
    let effects = h.connect("dave");
    assert_eq!(offers(&effects), vec![("dave".to_owned(), id)]);
    // A rejecter may still take it from the queue by hand.
    h.accept("erin", id);
}

/// A missed deadline pauses the rep (PresenceChanged to Paused, told to their teammates)
/// and the offer goes to the next rep; a paused rep gets no offers until available again.
#[test]
fn missed_deadline_pauses_the_rep() {
    let mut h = Harness::with_reps(&["erin", "frank"]);
    let id = h.start("Zoe", sales());
    h.advance_ms(SALES_ANSWER_SECS * 1000 - 1);
    let effects = h.tick();
    assert!(offer_ended(&effects, "erin").is_none(), "not yet");
    h.advance_ms(1);
    let effects = h.tick();
    assert_eq!(
        offer_ended(&effects, "erin"),
        Some((id, OfferEndReason::TimedOut))
    );
    for who in ["erin", "frank", "dave"] {
        assert!(
            events_for(&effects, who).iter().any(|e| matches!(
                e,
                RepEvent::PresenceChanged { rep: info } if info.rep == rep("erin") && info.presence == Presence::Paused
            )),
            "{who} is told erin is paused"
        );
    }
    assert_eq!(offers(&effects), vec![("frank".to_owned(), id)]);
    assert_eq!(h.snap("erin").me.presence, Presence::Paused);
    // frank misses it too: nobody is left who is available.
    h.advance(SALES_ANSWER_SECS);
    let effects = h.tick();
    assert_eq!(
        offer_ended(&effects, "frank"),
        Some((id, OfferEndReason::TimedOut))
    );
    assert!(offers(&effects).is_empty());
    let other = h.start("Yan", sales());
    assert!(
        h.session(other).offer.is_none(),
        "paused reps get no offers"
    );
    // Available again: eligible again (a timeout is not a rejection).
    let effects = set_presence(&mut h, "erin", Presence::Available);
    let made = offers(&effects);
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].0, "erin");
}

/// Busy and away reps get no offers; setting available again makes them eligible; paused
/// and offline cannot be chosen by a rep (invalid).
#[test]
fn only_available_reps_get_offers() {
    let mut h = Harness::with_reps(&["erin", "frank"]);
    set_presence(&mut h, "erin", Presence::Busy);
    set_presence(&mut h, "frank", Presence::Away);
    let id = h.start("Zoe", sales());
    assert!(h.session(id).offer.is_none());
    h.advance(100);
    assert!(offers(&h.tick()).is_empty());
    let effects = set_presence(&mut h, "frank", Presence::Available);
    assert_eq!(offers(&effects), vec![("frank".to_owned(), id)]);
    h.refused(
        "erin",
        RepRequest::SetPresence {
            presence: Presence::Paused,
        },
        ErrorCode::Invalid,
    );
    h.refused(
        "erin",
        RepRequest::SetPresence {
            presence: Presence::Offline,
        },
        ErrorCode::Invalid,
    );
}

/// A rep whose connection drops loses their open offer (without being paused); it goes to
/// the next rep.
#[test]
fn disconnect_withdraws_the_offer() {
    let mut h = Harness::with_reps(&["erin", "frank"]);
    let id = h.start("Zoe", sales());
    let effects = h.disconnect("erin");
    assert_eq!(
        offer_ended(&effects, "erin"),
        Some((id, OfferEndReason::Gone))
    );
    assert_eq!(offers(&effects), vec![("frank".to_owned(), id)]);
    h.connect("erin");
    assert_eq!(h.snap("erin").me.presence, Presence::Available);
}

/// A rep at capacity gets no offers.
#[test]
fn reps_at_capacity_get_no_offers() {
    let mut h = Harness::with_reps(&["erin"]);
    h.owned("erin", "One", Route::Rep { rep: rep("erin") });
    h.owned("erin", "Two", Route::Rep { rep: rep("erin") });
    let id = h.start("Zoe", sales());
    assert!(h.session(id).offer.is_none());
}

/// PROTOCOL.md §5 set_presence / §7 push queues: presence_changed reaches the rep and
/// everyone sharing a team with them, and nobody else (a login storm of 1,000 reps must
/// not become a million events).
#[test]
fn presence_changes_reach_the_rep_and_teammates() {
    let mut h = Harness::with_reps(&REPS);
    let effects = set_presence(&mut h, "alice", Presence::Away);
    assert_eq!(
        reps_told(&effects, |e| matches!(e, RepEvent::PresenceChanged { .. })),
        names(&["alice", "bob", "carol", "dave"]),
        "alice's teammates in billing and tech, and alice herself"
    );
    set_presence(&mut h, "dave", Presence::Busy);
    set_presence(&mut h, "frank", Presence::Busy);
    h.start("Zoe", sales());
    h.advance(SALES_ANSWER_SECS);
    let effects = h.tick();
    let paused = |e: &&RepEvent| {
        matches!(
            e,
            RepEvent::PresenceChanged { rep: info } if info.rep == rep("erin") && info.presence == Presence::Paused
        )
    };
    assert!(
        events_for(&effects, "frank").iter().any(paused),
        "a sales teammate hears erin was paused"
    );
    assert!(
        !events_for(&effects, "ivan").iter().any(paused),
        "ivan shares no team with erin"
    );
}

/// Push queues offer to available reps only: a rep who sets busy or away while an offer is
/// open loses it (offer_ended gone) and it goes to the next rep; their chosen presence is
/// not overwritten by a later pause.
#[test]
fn leaving_available_gives_up_the_open_offer() {
    let mut h = Harness::with_reps(&["erin", "frank"]);
    let id = h.start("Zoe", sales());
    assert_eq!(
        h.session(id).offer.as_ref().map(|o| o.rep.clone()),
        Some(rep("erin"))
    );
    let effects = set_presence(&mut h, "erin", Presence::Busy);
    assert_eq!(
        offer_ended(&effects, "erin"),
        Some((id, OfferEndReason::Gone))
    );
    assert_eq!(offers(&effects), vec![("frank".to_owned(), id)]);
    h.advance(SALES_ANSWER_SECS);
    h.tick();
    assert_eq!(h.snap("erin").me.presence, Presence::Busy);
}
