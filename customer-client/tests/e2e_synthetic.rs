//! The real customer client against the real server with the synthetic desktop (no X server
//! needed): a rep views it pixel for pixel, clicks land only with control, Stop and a denial
//! end the stream at once.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Viewer, grant_state, request, setup, share_event};
use switchboard_customer::capture::{Screen, SyntheticScreen};
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::Policy;
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{Capability, ErrorCode, GrantState, MediaChannel, RepRequest};

const SYNTHETIC: ScreenChoice = ScreenChoice::Synthetic {
    width: 320,
    height: 240,
    typing: false,
};

/// The red of a click mark on the synthetic desktop.
const MARK: [u8; 4] = [220, 40, 40, 255];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_sees_the_synthetic_screen_pixel_for_pixel() {
    let mut s = setup(Policy::AllowAll, SYNTHETIC).await;
    let grant = request(&mut s.alice, s.session_id, Capability::ScreenView).await;
    grant_state(&mut s.alice, grant, GrantState::Granted).await;
    share_event(&mut s.events, |share| share.sharing() && !share.control).await;
    let mut viewer = Viewer::open(&s.server, &mut s.alice, s.session_id).await;
    viewer
        .until("the whole screen", |f| f.width == 320 && f.height == 240)
        .await;
    let captured = viewer.last.as_ref().unwrap().captured_micros;
    let mut expected = SyntheticScreen::new(320, 240);
    expected.set_time(captured / 1_000_000);
    assert!(
        viewer.frame == expected.capture().unwrap(),
        "the viewer's picture is the customer's screen, exactly (lossless tiles)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_lands_only_with_control() {
    let mut s = setup(Policy::AllowAll, SYNTHETIC).await;
    let view = request(&mut s.alice, s.session_id, Capability::ScreenView).await;
    grant_state(&mut s.alice, view, GrantState::Granted).await;
    let mut viewer = Viewer::open(&s.server, &mut s.alice, s.session_id).await;
    viewer.until("the whole screen", |f| f.width == 320).await;
    // Without control the click is dropped; a refresh after it shows the whole picture as it
    // is once the click was handled (or dropped).
    viewer.click(100, 100).await;
    viewer.media.send(&MediaFrame::RefreshRequest).await;
    let before = viewer.last.as_ref().unwrap().seq;
    while viewer.last.as_ref().unwrap().seq == before {
        viewer.next_update().await;
    }
    assert_ne!(
        viewer.frame.pixel(100, 100),
        MARK,
        "no mark without control"
    );

    let control = request(&mut s.alice, s.session_id, Capability::ScreenControl).await;
    grant_state(&mut s.alice, control, GrantState::Granted).await;
    share_event(&mut s.events, |share| share.control).await;
    viewer.click(100, 100).await;
    viewer
        .until("the click's mark", |f| f.pixel(100, 100) == MARK)
        .await;
    assert_ne!(viewer.frame.pixel(150, 150), MARK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_sharing_here_at_once_and_closes_the_stream() {
    let mut s = setup(Policy::AllowAll, SYNTHETIC).await;
    let grant = request(&mut s.alice, s.session_id, Capability::ScreenControl).await;
    grant_state(&mut s.alice, grant, GrantState::Granted).await;
    let mut viewer = Viewer::open(&s.server, &mut s.alice, s.session_id).await;
    viewer.until("the whole screen", |f| f.width == 320).await;
    let share = s.customer.share_state();
    assert!(share.borrow().control);
    s.customer.stop_sharing();
    // Locally at once, before any answer from the server.
    assert!(!share.borrow().sharing() && !share.borrow().control);
    assert_eq!(viewer.closed().await, Some(4410));
    grant_state(&mut s.alice, grant, GrantState::Stopped).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_request_opens_nothing() {
    let mut s = setup(Policy::DenyAll, SYNTHETIC).await;
    let grant = request(&mut s.alice, s.session_id, Capability::ScreenView).await;
    grant_state(&mut s.alice, grant, GrantState::Denied).await;
    s.alice
        .refused(
            RepRequest::OpenMedia {
                session_id: s.session_id,
                channel: MediaChannel::Screen,
            },
            ErrorCode::Forbidden,
        )
        .await;
    assert!(!s.customer.share_state().borrow().sharing());
}
