//! The Screen toolbar's states and reasons: permission, the customer's side, other reps'
//! grants, the rep's own requests and how they ended.

use super::*;
use crate::model::tests::remote_fixture::{NOW, alice, bob, session};
use crate::text::remote as words;
use switchboard_protocol::{
    Capability, GrantEnd, GrantId, GrantInfo, GrantState, QueueRef, RepId, ScreenPermission as P,
    ScreenSource,
};

fn grant(id: u64, rep: RepId, capability: Capability, state: GrantState) -> GrantInfo {
    let name = if rep == alice() {
        "Alice Martin"
    } else {
        "Bob Stone"
    };
    GrantInfo {
        grant_id: GrantId(id),
        rep,
        rep_name: name.into(),
        capability,
        state,
        requested_at: NOW - 6_000,
        deadline: NOW + 24_000,
        ended: None,
        elevation: None,
    }
}

fn greyed(reason: &str) -> Item {
    Item::Greyed(reason.to_owned())
}

/// A web customer, a disconnected one, a waiting session and a rep without permission each
/// grey both items with their own reason.
#[test]
fn nothing_is_possible_and_the_reason_says_why() {
    let web = session(ScreenSource::None, vec![]);
    let bar = screen_toolbar(&web, &alice(), P::Control, NOW);
    assert_eq!(bar.view, greyed(words::WEB_CHAT));
    assert_eq!(bar.control, greyed(words::WEB_CHAT));
    assert!(bar.all_greyed());

    let mut gone = session(ScreenSource::Desktop, vec![]);
    gone.customer_connected = false;
    let bar = screen_toolbar(&gone, &alice(), P::Control, NOW);
    assert_eq!(bar.view, greyed(words::NOT_CONNECTED));

    let desktop = session(ScreenSource::Desktop, vec![]);
    let bar = screen_toolbar(&desktop, &alice(), P::None, NOW);
    assert_eq!(bar.view, greyed(words::NO_PERMISSION));
    assert_eq!(bar.control, greyed(words::NO_PERMISSION));

    let mut waiting = session(ScreenSource::Desktop, vec![]);
    waiting.owner = None;
    waiting.waiting_in = Some(QueueRef::General);
    let bar = screen_toolbar(&waiting, &alice(), P::Control, NOW);
    assert_eq!(bar.view, greyed(words::SESSION_WAITING));
}

/// View-only permission and a browser tab allow viewing but grey control, each with its reason.
#[test]
fn view_but_not_control() {
    let desktop = session(ScreenSource::Desktop, vec![]);
    let bar = screen_toolbar(&desktop, &alice(), P::View, NOW);
    assert_eq!(bar.view, Item::Open);
    assert_eq!(bar.control, greyed(words::VIEW_ONLY_PERMISSION));

    let tab = session(ScreenSource::Tab, vec![]);
    let bar = screen_toolbar(&tab, &alice(), P::Control, NOW);
    assert_eq!(bar.view, Item::Open);
    assert_eq!(bar.control, greyed(words::TAB_VIEW_ONLY));

    let bar = screen_toolbar(&desktop, &alice(), P::Control, NOW);
    assert!(bar.view.is_open() && bar.control.is_open());
    assert_eq!(bar.note, None);
}

/// The rep's own request shows a countdown until the customer answers.
#[test]
fn own_request_waits_with_a_countdown() {
    let asking = session(
        ScreenSource::Desktop,
        vec![grant(
            3,
            alice(),
            Capability::ScreenView,
            GrantState::Prompting,
        )],
    );
    let bar = screen_toolbar(&asking, &alice(), P::Control, NOW);
    let waiting = words::waiting_for_customer(24);
    assert_eq!(bar.view, greyed(&waiting));
    assert_eq!(bar.note.as_deref(), Some(waiting.as_str()));
    assert_eq!(bar.stoppable, vec![GrantId(3)]);
    assert!(!bar.viewing);
    let later = screen_toolbar(&asking, &alice(), P::Control, NOW + 14_500);
    assert_eq!(later.note, Some(words::waiting_for_customer(10)));
}

/// Granted: view is active, control can still be asked for, Stop ends the grant.
#[test]
fn granted_view_then_control() {
    let viewing = session(
        ScreenSource::Desktop,
        vec![grant(
            3,
            alice(),
            Capability::ScreenView,
            GrantState::Granted,
        )],
    );
    let bar = screen_toolbar(&viewing, &alice(), P::Control, NOW);
    assert_eq!(bar.view, Item::Active);
    assert!(bar.control.is_open());
    assert!(bar.viewing && !bar.controlling);
    assert_eq!(bar.who(), words::VIEWING);
    assert!(wants_media(&viewing, &alice()));
    assert!(!wants_media(&viewing, &bob()));

    let controlling = session(
        ScreenSource::Desktop,
        vec![
            grant(3, alice(), Capability::ScreenView, GrantState::Granted),
            grant(4, alice(), Capability::ScreenControl, GrantState::Granted),
        ],
    );
    let bar = screen_toolbar(&controlling, &alice(), P::Control, NOW);
    assert_eq!(bar.control, Item::Active);
    assert!(bar.controlling);
    assert_eq!(bar.stoppable, vec![GrantId(3), GrantId(4)]);
    assert_eq!(bar.who(), words::CONTROLLING);
}

/// Another rep's control: a participant sees who controls and may not ask; the owner may take it.
#[test]
fn one_controller_at_a_time() {
    let alice_controls = session(
        ScreenSource::Desktop,
        vec![grant(
            4,
            alice(),
            Capability::ScreenControl,
            GrantState::Granted,
        )],
    );
    let bar = screen_toolbar(&alice_controls, &bob(), P::Control, NOW);
    assert_eq!(bar.control, greyed(&words::controlling("Alice Martin")));
    assert!(bar.view.is_open());
    assert_eq!(bar.note, Some(words::controlling("Alice Martin")));
    assert_eq!(bar.controller.as_deref(), Some("Alice Martin"));

    let bob_asks = session(
        ScreenSource::Desktop,
        vec![
            grant(5, bob(), Capability::ScreenView, GrantState::Granted),
            grant(6, bob(), Capability::ScreenControl, GrantState::Granted),
        ],
    );
    // Alice owns the session: she may take control.
    let bar = screen_toolbar(&bob_asks, &alice(), P::Control, NOW);
    assert!(bar.control.is_open());
    assert_eq!(bar.controller.as_deref(), Some("Bob Stone"));
    let mut bob_viewing = bob_asks.clone();
    bob_viewing.remote.grants.push(grant(
        7,
        alice(),
        Capability::ScreenView,
        GrantState::Granted,
    ));
    let bar = screen_toolbar(&bob_viewing, &alice(), P::Control, NOW);
    assert_eq!(bar.who(), "Viewing · Bob Stone controls");

    let mut prompting = grant(6, bob(), Capability::ScreenControl, GrantState::Prompting);
    prompting.rep = alice();
    prompting.rep_name = "Alice Martin".into();
    let asking = session(ScreenSource::Desktop, vec![prompting]);
    let bar = screen_toolbar(&asking, &bob(), P::Control, NOW);
    assert_eq!(
        bar.control,
        greyed(&words::asking_to_control("Alice Martin"))
    );
}

/// How the rep's latest request ended is told until the next one.
#[test]
fn the_last_outcome() {
    let mut denied = grant(3, alice(), Capability::ScreenView, GrantState::Denied);
    let bar = screen_toolbar(
        &session(ScreenSource::Desktop, vec![denied.clone()]),
        &alice(),
        P::Control,
        NOW,
    );
    assert_eq!(bar.note.as_deref(), Some(words::DECLINED));
    assert!(bar.view.is_open());

    denied.state = GrantState::TimedOut;
    let bar = screen_toolbar(
        &session(ScreenSource::Desktop, vec![denied.clone()]),
        &alice(),
        P::Control,
        NOW,
    );
    assert_eq!(bar.note.as_deref(), Some(words::NO_ANSWER));

    denied.state = GrantState::Stopped;
    denied.ended = Some(GrantEnd::CustomerStopped);
    let bar = screen_toolbar(
        &session(ScreenSource::Desktop, vec![denied.clone()]),
        &alice(),
        P::Control,
        NOW,
    );
    assert_eq!(bar.note.as_deref(), Some(words::CUSTOMER_STOPPED));

    denied.ended = Some(GrantEnd::RepStopped);
    let bar = screen_toolbar(
        &session(ScreenSource::Desktop, vec![denied]),
        &alice(),
        P::Control,
        NOW,
    );
    assert_eq!(bar.note, None);
}
