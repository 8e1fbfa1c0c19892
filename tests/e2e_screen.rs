//! Remote support end to end through the console's own network code: the real server on
//! 127.0.0.1, the real customer client (`CustomerSession`: X11 capture with XDamage under a
//! private Xvfb, or its synthetic desktop), and the console's media stream (`net/media.rs`,
//! its decoder thread and `SharedPicture`) as the rep's viewer. Pixels drawn on the customer's
//! X server reach the console's picture exactly; a viewer that never acknowledges holds up
//! nobody; deny, time-out and the customer's Stop end (or never start) the stream; a second
//! rep sees who controls. The X11 tests are skipped with a message where Xvfb is missing.

#![allow(clippy::unwrap_used)]

mod screen_support;

use screen_support::{granted, open_media_refused, setup, setup_with, share_event};
use std::time::{Duration, Instant};
use switchboard::model::remote::{Item, screen_toolbar, wants_media};
use switchboard::net::StreamState;
use switchboard::text::remote as words;
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{Policy, SessionEvent};
use switchboard_protocol::remote::ScreenPermission;
use switchboard_protocol::{
    Capability, ErrorCode, GrantEnd, GrantState, RepEvent, RepId, RepRequest,
};
use switchboard_testkit::DEADLINE;
use switchboard_testkit::config::test_config_with_prompt_secs;

/// A small generated desktop: for the tests whose point is not the pixels.
fn synthetic() -> ScreenChoice {
    ScreenChoice::Synthetic {
        width: 320,
        height: 200,
        typing: false,
    }
}

fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[cfg(target_os = "linux")]
mod x11 {
    //! The tests that draw on a private Xvfb.

    use super::*;
    use screen_support::rect_is;
    use switchboard_customer::RgbaFrame;
    use switchboard_customer::capture::{Screen, X11Screen};
    use switchboard_customer::xvfb::{Painter, Xvfb};
    use switchboard_testkit::media::{MediaClient, Next};

    fn xvfb() -> Option<Xvfb> {
        Xvfb::start_or_skip(640, 480)
    }

    /// What the X server shows now, read by a capture of our own.
    fn x_screen(display: &str) -> RgbaFrame {
        X11Screen::connect(Some(display))
            .unwrap()
            .capture()
            .unwrap()
    }

    /// A known scene drawn before sharing starts reaches the console's picture pixel for
    /// pixel (lossless tiles: one-pixel stripes, flat colours), and each typed-size change
    /// drawn later arrives exactly too, the rest of the picture untouched.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn drawn_pixels_and_later_typing_reach_the_console_exactly() {
        let Some(xvfb) = xvfb() else { return };
        let display = xvfb.display();
        let painter = Painter::cover(&display).unwrap();
        painter.scene().unwrap();
        let truth = x_screen(&display);
        let screen = ScreenChoice::X11 {
            display: Some(display.clone()),
        };
        let mut s = setup(Policy::AllowAll, screen).await;
        s.granted(Capability::ScreenView).await;
        let console = s.console().await;
        console.picture_equals("the X screen", &truth).await;
        assert_eq!(
            truth.pixel(120, 110),
            [0x33, 0x66, 0x99, 255],
            "the scene was drawn"
        );

        let mut before = truth;
        for n in 0..3 {
            let (rect, colour) = painter.type_char(n).unwrap();
            let after = x_screen(&display);
            let (x, y) = (rect.x as u16, rect.y as u16);
            assert!(rect_is(&after, x, y, rect.width, rect.height, colour));
            assert!(!rect_is(&before, x, y, rect.width, rect.height, colour));
            console
                .picture_equals(&format!("the screen with character {n}"), &after)
                .await;
            before = after;
        }
    }

    /// Bob's viewer authenticates and then never reads or acknowledges anything. Alice's
    /// console keeps receiving every later change drawn on the X server, the customer keeps
    /// publishing, and the relay has sent the stalled viewer at most two updates (its window).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_viewer_that_never_acknowledges_holds_up_neither_customer_nor_console() {
        let Some(xvfb) = xvfb() else { return };
        let display = xvfb.display();
        let painter = Painter::cover(&display).unwrap();
        let screen = ScreenChoice::X11 {
            display: Some(display.clone()),
        };
        let mut s = setup(Policy::AllowAll, screen).await;
        let mut bob = s.second_rep("bob").await;
        s.granted(Capability::ScreenView).await;
        let console = s.console().await;
        console
            .picture_equals("the X screen", &x_screen(&display))
            .await;

        granted(&mut bob, s.session_id, Capability::ScreenView).await;
        let ticket = bob.open_media(s.session_id).await;
        let mut stalled = MediaClient::auth(s.server.addr, &ticket.token).await;
        // The customer's publisher, Alice's console and Bob's stalled viewer.
        s.wait_media_sockets(3).await;

        let published = s.customer.publish_stats().updates;
        const CHANGES: u32 = 10;
        for n in 0..CHANGES {
            let (rect, colour) = painter.type_char(n).unwrap();
            let (x, y) = (rect.x as u16, rect.y as u16);
            console
                .picture_until(&format!("character {n}"), |f| {
                    rect_is(f, x, y, rect.width, rect.height, colour)
                })
                .await;
        }
        let sent = s.customer.publish_stats().updates - published;
        assert!(
            sent >= u64::from(CHANGES),
            "the customer published every change ({sent} updates for {CHANGES} changes)"
        );
        assert_eq!(console.stream.state(), StreamState::Live);

        // Now look at what reached Bob: at most the two updates of his window.
        let mut received = 0;
        while let Next::Binary(_) = stalled.next_within(Duration::from_millis(300)).await {
            received += 1;
        }
        assert!(
            (1..=2).contains(&received),
            "the stalled viewer was sent {received} updates (its window is 2)"
        );
    }
}

/// The customer client denies (Policy::DenyAll): the grant is denied, no ticket is given, the
/// console would open no stream (the toolbar says the customer declined), and the customer
/// never published anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_request_opens_no_stream() {
    let mut s = setup(Policy::DenyAll, synthetic()).await;
    let grant = s
        .alice
        .request_remote(s.session_id, Capability::ScreenView)
        .await;
    let session = s.alice.grant_reaches(grant, GrantState::Denied).await;
    let me = RepId::from("alice");
    assert!(!wants_media(&session, &me), "the console opens no stream");
    let toolbar = screen_toolbar(&session, &me, ScreenPermission::Control, now_millis());
    assert_eq!(toolbar.note.as_deref(), Some(words::DECLINED));
    assert_eq!(toolbar.view, Item::Open, "Alice may ask again");
    assert_eq!(
        open_media_refused(&mut s.alice, s.session_id).await,
        ErrorCode::Forbidden
    );
    assert_eq!(s.media_sockets(), 0, "no media socket was opened");
    assert_eq!(s.customer.publish_stats().updates, 0);
}

/// A server whose customers have 1 s to answer, a customer client that leaves the decision to
/// its (absent) customer: the customer is prompted, nobody answers, the grant times out on
/// both sides and no stream opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_nobody_answers_times_out_and_opens_no_stream() {
    let mut s = setup_with(test_config_with_prompt_secs(1), Policy::Ask, synthetic()).await;
    let asked = Instant::now();
    let grant = s
        .alice
        .request_remote(s.session_id, Capability::ScreenView)
        .await;
    // The consent card is up on the customer's side.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, s.events.recv())
            .await
            .expect("the customer was asked within the deadline")
            .unwrap();
        if let SessionEvent::Grants { prompts, .. } = event
            && prompts.iter().any(|g| g.grant_id == grant)
        {
            break;
        }
    }
    let session = s.alice.grant_reaches(grant, GrantState::TimedOut).await;
    assert!(
        asked.elapsed() >= Duration::from_millis(900),
        "timed out only after the prompt time ({:?})",
        asked.elapsed()
    );
    let me = RepId::from("alice");
    assert!(!wants_media(&session, &me), "the console opens no stream");
    let toolbar = screen_toolbar(&session, &me, ScreenPermission::Control, now_millis());
    assert_eq!(toolbar.note.as_deref(), Some(words::NO_ANSWER));
    assert_eq!(
        open_media_refused(&mut s.alice, s.session_id).await,
        ErrorCode::Forbidden
    );
    // The card goes away on the customer's side, and nothing was shared.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, s.events.recv())
            .await
            .expect("the customer's card went away within the deadline")
            .unwrap();
        if let SessionEvent::Grants { prompts, share } = event
            && prompts.is_empty()
        {
            assert!(!share.sharing());
            break;
        }
    }
    assert_eq!(s.media_sockets(), 0, "no media socket was opened");
    assert_eq!(s.customer.publish_stats().updates, 0);
}

/// While the console shows the customer's screen, the customer presses Stop: the console's
/// stream ends as revoked (close 4410, never reopened) within two seconds, and Alice's grant
/// ends `customer_stopped`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customers_stop_ends_the_console_stream_at_once() {
    let mut s = setup(Policy::AllowAll, synthetic()).await;
    let grant = s.granted(Capability::ScreenView).await;
    let console = s.console().await;
    console
        .picture_until("the synthetic desktop", |f| f.width == 320)
        .await;
    share_event(&mut s.events, "says Alice views", |share| share.sharing()).await;

    let stopped = Instant::now();
    s.customer.stop_sharing();
    console
        .state_until("ends as revoked", |state| *state == StreamState::Revoked)
        .await;
    let took = stopped.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "the stream ended {took:?} after Stop"
    );
    let session = s.alice.grant_reaches(grant, GrantState::Stopped).await;
    let ended = session
        .remote
        .grants
        .iter()
        .find(|g| g.grant_id == grant)
        .and_then(|g| g.ended);
    assert_eq!(ended, Some(GrantEnd::CustomerStopped));
    assert!(!wants_media(&session, &RepId::from("alice")));
    s.wait_media_sockets(0).await;
}

/// Bob, a second rep in the session, sees Alice take control: his `session_updated` names
/// her as the controller, his console's Screen toolbar says "Alice is controlling" with
/// Control greyed, and his own request for control is refused while she has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_rep_sees_who_controls() {
    let mut s = setup(Policy::AllowAll, synthetic()).await;
    let mut bob = s.second_rep("bob").await;
    let control = s.granted(Capability::ScreenControl).await;
    share_event(&mut s.events, "says Alice controls", |share| share.control).await;

    let session = bob
        .pick("session_updated naming Alice as controller", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == s.session_id && session.remote.controller().is_some() =>
            {
                Some(session.clone())
            }
            _ => None,
        })
        .await;
    let controller = session.remote.controller().unwrap();
    assert_eq!(controller.grant_id, control);
    assert_eq!(controller.rep, RepId::from("alice"));
    assert_eq!(controller.rep_name, "Alice");

    let me = RepId::from("bob");
    let toolbar = screen_toolbar(&session, &me, ScreenPermission::Control, now_millis());
    assert_eq!(toolbar.controller.as_deref(), Some("Alice"));
    assert_eq!(toolbar.control, Item::Greyed(words::controlling("Alice")));
    assert!(!toolbar.controlling && !toolbar.viewing);
    assert!(!wants_media(&session, &me));
    let refused = bob
        .request(RepRequest::RequestRemote {
            session_id: s.session_id,
            capability: Capability::ScreenControl,
        })
        .await;
    assert!(
        matches!(refused, Err((ErrorCode::RemoteUnavailable, _))),
        "{refused:?}"
    );
}
