//! The real customer client sharing a private Xvfb: a test program draws known pixels, the
//! client captures (XDamage) and publishes them, and the rep's viewer holds exactly those
//! pixels; the rep's pointer input moves the X pointer (XTest) only once control is granted.
//! Skipped with a message where Xvfb is not installed (CI installs it); Linux only.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

mod common;

use common::{Viewer, grant_state, request, setup, share_event};
use switchboard_customer::capture::{Screen, X11Screen};
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::Policy;
use switchboard_customer::xvfb::{Painter, Xvfb};
use switchboard_protocol::media::{InputEvent, MediaFrame};
use switchboard_protocol::{Capability, GrantState};
use switchboard_testkit::poll_until;
use x11rb::protocol::xproto::ConnectionExt as _;

fn xvfb() -> Option<Xvfb> {
    Xvfb::start_or_skip(640, 480)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drawn_pixels_reach_the_rep_exactly_and_clicks_only_with_control() {
    let Some(xvfb) = xvfb() else { return };
    let display = xvfb.display();
    // A window with a blue rectangle and a one-pixel-wide stripe pattern, drawn.
    let painter = Painter::cover(&display).unwrap();
    painter.scene().unwrap();
    let screen = ScreenChoice::X11 {
        display: Some(display.clone()),
    };
    let mut s = setup(Policy::AllowAll, screen).await;
    let view = request(&mut s.alice, s.session_id, Capability::ScreenView).await;
    grant_state(&mut s.alice, view, GrantState::Granted).await;
    let mut viewer = Viewer::open(&s.server, &mut s.alice, s.session_id).await;
    viewer
        .until("the blue rectangle", |f| {
            f.width == 640 && f.pixel(120, 110) == [0x33, 0x66, 0x99, 255]
        })
        .await;
    let truth = X11Screen::connect(Some(&display))
        .unwrap()
        .capture()
        .unwrap();
    assert!(
        viewer.frame == truth,
        "the viewer holds the X screen exactly"
    );

    // Without control the pointer does not move.
    let pointer = || {
        let reply = painter
            .connection()
            .query_pointer(painter.root())
            .unwrap()
            .reply()
            .unwrap();
        (reply.root_x, reply.root_y)
    };
    let at_start = pointer();
    viewer
        .media
        .send(&MediaFrame::Input(InputEvent::PointerMove {
            x: 333,
            y: 222,
        }))
        .await;
    viewer.media.send(&MediaFrame::RefreshRequest).await;
    viewer.next_update().await;
    assert_eq!(pointer(), at_start);

    let control = request(&mut s.alice, s.session_id, Capability::ScreenControl).await;
    grant_state(&mut s.alice, control, GrantState::Granted).await;
    share_event(&mut s.events, |share| share.control).await;
    viewer.click(201, 151).await;
    poll_until(
        "the X pointer at (201, 151)",
        || pointer() == (201, 151),
        || format!("at {:?}", pointer()),
    )
    .await;

    // Stop: no more input lands.
    s.customer.stop_sharing();
    assert_eq!(viewer.closed().await, Some(4410));
}
