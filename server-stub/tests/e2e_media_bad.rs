//! Hostile and broken input on `/ws/media` (docs/PROTOCOL.md §11, "Close codes"): unknown,
//! used, expired and ungranted tokens, frames that do not decode, text, frames the role may
//! not send, an oversized frame, a socket that never authenticates, too many viewers, input
//! without control, a publisher over its byte rate. Each is refused (or, the byte rate, paced)
//! while another session's stream keeps flowing.

use std::time::Duration;
use switchboard_protocol::SessionId;
use switchboard_protocol::media::{MAX_FRAME_BYTES, MediaFrame};
use switchboard_server::server::media::relay::MAX_VIEWERS;
use switchboard_server::server::media::{
    AUTH_TIMEOUT, MAX_UNAUTHENTICATED, MediaRelay, MediaRole, PUBLISHER_BYTE_BURST,
    PUBLISHER_BYTES_PER_SEC, close,
};
use switchboard_testkit::TestServer;
use switchboard_testkit::media::{
    MediaClient, access, click, issue, issue_until, now_millis, small_update, update, viewer,
    wait_attached,
};

fn relay(server: &TestServer) -> MediaRelay {
    server.server.as_ref().expect("running").media()
}

/// Session 1's stream, which every test checks is undisturbed.
struct Healthy {
    publisher: MediaClient,
    viewer: MediaClient,
    seq: u64,
}

impl Healthy {
    async fn start(server: &TestServer) -> Healthy {
        let relay = relay(server);
        relay.set_access(SessionId(1), access(&[("alice", true)]));
        let publisher =
            MediaClient::auth(server.addr, &issue(&relay, 1, MediaRole::Publisher)).await;
        wait_attached(&relay, 1).await;
        let viewer = MediaClient::auth(server.addr, &issue(&relay, 1, viewer("alice"))).await;
        wait_attached(&relay, 2).await;
        Healthy {
            publisher,
            viewer,
            seq: 0,
        }
    }

    /// One more update goes through and is acknowledged.
    async fn still_flowing(&mut self) {
        self.seq += 1;
        let seq = self.seq;
        let sent = self.publisher.send(&small_update(seq)).await;
        assert_eq!(
            self.viewer.recv_raw().await,
            sent,
            "session 1's update {seq}"
        );
        self.viewer.send(&MediaFrame::Ack { seq }).await;
        self.publisher
            .recv_until(|f| (*f == MediaFrame::Ack { seq }).then_some(()))
            .await;
    }
}

#[tokio::test]
async fn tokens_that_are_unknown_used_expired_or_not_granted_close_4401() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let mut healthy = Healthy::start(&server).await;
    relay.set_access(SessionId(2), access(&[("alice", false)]));

    let mut unknown = MediaClient::auth(server.addr, "no-such-token").await;
    assert_eq!(unknown.closed().await, Some(close::UNAUTHORIZED));
    healthy.still_flowing().await;

    let token = issue(&relay, 2, viewer("alice"));
    let _first = MediaClient::auth(server.addr, &token).await;
    wait_attached(&relay, 3).await;
    let mut again = MediaClient::auth(server.addr, &token).await;
    assert_eq!(again.closed().await, Some(close::UNAUTHORIZED), "used");
    healthy.still_flowing().await;

    let expired = issue_until(&relay, 2, viewer("alice"), now_millis() - 1);
    let mut late = MediaClient::auth(server.addr, &expired).await;
    assert_eq!(late.closed().await, Some(close::UNAUTHORIZED), "expired");

    // A ticket for a rep the session's grants do not name (another session's rep).
    let stranger = issue(&relay, 2, viewer("bob"));
    let mut stranger = MediaClient::auth(server.addr, &stranger).await;
    assert_eq!(stranger.closed().await, Some(close::UNAUTHORIZED), "bob");

    // A publisher ticket for a session where nothing is granted.
    let nothing = issue(&relay, 3, MediaRole::Publisher);
    let mut nothing = MediaClient::auth(server.addr, &nothing).await;
    assert_eq!(
        nothing.closed().await,
        Some(close::UNAUTHORIZED),
        "session 3"
    );

    // A ticket whose grant ended before it was used is dropped.
    let unused = issue(&relay, 2, viewer("alice"));
    relay.set_access(SessionId(2), access(&[]));
    let mut unused = MediaClient::auth(server.addr, &unused).await;
    assert_eq!(unused.closed().await, Some(close::UNAUTHORIZED), "revoked");

    // A first frame that is not auth.
    let mut ack_first = MediaClient::connect(server.addr).await;
    ack_first.send(&MediaFrame::Ack { seq: 1 }).await;
    assert_eq!(ack_first.closed().await, Some(close::UNAUTHORIZED));
    healthy.still_flowing().await;
}

#[tokio::test]
async fn malformed_text_and_wrong_role_frames_close_4400() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let mut healthy = Healthy::start(&server).await;
    relay.set_access(SessionId(2), access(&[("alice", true)]));

    let mut garbage = MediaClient::connect(server.addr).await;
    garbage
        .send_raw(b"SM\x01\x01\xff\xff\xff\xff".to_vec())
        .await;
    assert_eq!(
        garbage.closed().await,
        Some(close::BAD_FRAME),
        "first frame"
    );

    let mut text = MediaClient::connect(server.addr).await;
    text.send_text("{\"type\":\"auth\"}").await;
    assert_eq!(text.closed().await, Some(close::BAD_FRAME), "text first");
    healthy.still_flowing().await;

    let mut publisher =
        MediaClient::auth(server.addr, &issue(&relay, 2, MediaRole::Publisher)).await;
    let mut viewer_socket =
        MediaClient::auth(server.addr, &issue(&relay, 2, viewer("alice"))).await;
    wait_attached(&relay, 4).await;
    viewer_socket
        .send_raw(vec![0x53, 0x4d, 0x01, 0x03, 0x09])
        .await;
    assert_eq!(
        viewer_socket.closed().await,
        Some(close::BAD_FRAME),
        "truncated"
    );

    let mut viewer_socket =
        MediaClient::auth(server.addr, &issue(&relay, 2, viewer("alice"))).await;
    wait_attached(&relay, 4).await;
    viewer_socket.send(&small_update(1)).await;
    assert_eq!(
        viewer_socket.closed().await,
        Some(close::BAD_FRAME),
        "a viewer's update"
    );

    let mut viewer_socket =
        MediaClient::auth(server.addr, &issue(&relay, 2, viewer("alice"))).await;
    wait_attached(&relay, 4).await;
    viewer_socket.send_text("hello").await;
    assert_eq!(
        viewer_socket.closed().await,
        Some(close::BAD_FRAME),
        "a viewer's text"
    );
    healthy.still_flowing().await;

    publisher.send(&click(1, 1)).await;
    assert_eq!(
        publisher.closed().await,
        Some(close::BAD_FRAME),
        "a publisher's input"
    );

    let mut publisher =
        MediaClient::auth(server.addr, &issue(&relay, 2, MediaRole::Publisher)).await;
    publisher.send(&small_update(5)).await;
    publisher.send(&small_update(5)).await;
    assert_eq!(
        publisher.closed().await,
        Some(close::BAD_FRAME),
        "a seq that does not rise"
    );
    healthy.still_flowing().await;
}

#[tokio::test]
async fn an_oversized_frame_closes_1009() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let mut healthy = Healthy::start(&server).await;
    relay.set_access(SessionId(2), access(&[("alice", false)]));

    let mut before_auth = MediaClient::connect(server.addr).await;
    before_auth.send_raw(vec![0; MAX_FRAME_BYTES + 1]).await;
    assert_eq!(before_auth.closed().await, Some(close::TOO_BIG));
    healthy.still_flowing().await;

    let mut publisher =
        MediaClient::auth(server.addr, &issue(&relay, 2, MediaRole::Publisher)).await;
    wait_attached(&relay, 3).await;
    publisher.send_raw(vec![0; MAX_FRAME_BYTES + 1]).await;
    assert_eq!(publisher.closed().await, Some(close::TOO_BIG));
    healthy.still_flowing().await;
}

#[tokio::test]
async fn a_socket_that_never_authenticates_is_closed_4408() {
    let server = TestServer::start().await;
    let mut healthy = Healthy::start(&server).await;
    let started = tokio::time::Instant::now();
    let mut silent = MediaClient::connect(server.addr).await;
    healthy.still_flowing().await;
    assert_eq!(
        silent
            .closed_within(AUTH_TIMEOUT + Duration::from_secs(10))
            .await,
        Some(close::AUTH_TIMEOUT)
    );
    assert!(started.elapsed() >= AUTH_TIMEOUT - Duration::from_millis(100));
    healthy.still_flowing().await;
}

/// Sockets waiting for their `auth` are bounded server-wide (each could declare an 8 MiB
/// frame): one more is refused with 503 before the upgrade, streams that authenticated go
/// on, and a socket that has had its first frame read gives its slot back.
#[tokio::test]
async fn sockets_waiting_to_authenticate_are_bounded() {
    let server = TestServer::start().await;
    let mut healthy = Healthy::start(&server).await;
    let mut waiting = Vec::new();
    for _ in 0..MAX_UNAUTHENTICATED {
        waiting.push(MediaClient::connect(server.addr).await);
    }
    let url = format!("ws://{}/ws/media", server.addr);
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503);
        }
        other => panic!(
            "one socket too many was not refused: {:?}",
            other.map(|_| ())
        ),
    }
    healthy.still_flowing().await;
    waiting[0]
        .send(&MediaFrame::Auth {
            token: "not-a-ticket".into(),
        })
        .await;
    assert_eq!(waiting[0].closed().await, Some(close::UNAUTHORIZED));
    let mut next = MediaClient::connect(server.addr).await;
    next.send(&MediaFrame::Auth {
        token: "not-a-ticket".into(),
    })
    .await;
    assert_eq!(next.closed().await, Some(close::UNAUTHORIZED));
    healthy.still_flowing().await;
}

#[tokio::test]
async fn viewers_per_session_are_bounded() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let mut healthy = Healthy::start(&server).await;
    relay.set_access(SessionId(2), access(&[("alice", false)]));
    let mut viewers = Vec::new();
    for _ in 0..MAX_VIEWERS {
        viewers.push(MediaClient::auth(server.addr, &issue(&relay, 2, viewer("alice"))).await);
    }
    wait_attached(&relay, 2 + MAX_VIEWERS).await;
    let mut one_more = MediaClient::auth(server.addr, &issue(&relay, 2, viewer("alice"))).await;
    assert_eq!(one_more.closed().await, Some(close::TOO_MANY_VIEWERS));
    healthy.still_flowing().await;
}

#[tokio::test]
async fn input_without_control_is_dropped_and_the_socket_stays() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let mut healthy = Healthy::start(&server).await;
    relay.set_access(SessionId(2), access(&[("alice", true), ("bob", false)]));
    let mut publisher =
        MediaClient::auth(server.addr, &issue(&relay, 2, MediaRole::Publisher)).await;
    wait_attached(&relay, 3).await;
    let mut bob = MediaClient::auth(server.addr, &issue(&relay, 2, viewer("bob"))).await;
    wait_attached(&relay, 4).await;
    // Bob's joining asks for a whole picture first.
    publisher
        .recv_until(|f| (*f == MediaFrame::RefreshRequest).then_some(()))
        .await;
    for i in 0..1_000 {
        bob.send(&click(i, i)).await;
    }
    // Bob's refresh request comes after his clicks on his socket: the publisher sees it, and
    // no input before it.
    bob.send(&MediaFrame::RefreshRequest).await;
    let before_refresh = publisher
        .recv_until(|f| match f {
            MediaFrame::Input(_) => Some(false),
            MediaFrame::RefreshRequest => Some(true),
            _ => None,
        })
        .await;
    assert!(before_refresh, "no input from a viewer without control");
    // Bob still views.
    let sent = publisher.send(&small_update(1)).await;
    assert_eq!(bob.recv_raw().await, sent);
    healthy.still_flowing().await;
}

/// A publisher sending more bytes than its rate is slowed, not cut off: the server reads its
/// frames no faster than the budget refills (the pong to a ping sent after them comes only
/// once they are read), its socket stays open, and another session keeps flowing.
#[tokio::test]
async fn a_publisher_over_its_byte_rate_is_paced() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let mut healthy = Healthy::start(&server).await;
    relay.set_access(SessionId(2), access(&[("alice", false)]));
    let mut flooder = MediaClient::auth(server.addr, &issue(&relay, 2, MediaRole::Publisher)).await;
    wait_attached(&relay, 3).await;
    const FRAME: usize = 4 * 1024 * 1024;
    const FRAMES: u64 = 12;
    let started = std::time::Instant::now();
    for seq in 1..=FRAMES {
        flooder.send(&update(seq, FRAME)).await;
    }
    flooder.ping_pong().await;
    let took = started.elapsed();
    // The burst goes at once; the rest, less the frame read into debt, at the rate.
    let paced = (FRAMES as f64 * FRAME as f64 - PUBLISHER_BYTE_BURST as f64 - FRAME as f64)
        / PUBLISHER_BYTES_PER_SEC as f64;
    assert!(
        took.as_secs_f64() >= paced,
        "{FRAMES} frames of {FRAME} bytes were read in {took:?}; at the byte rate they take {paced:.2} s"
    );
    healthy.still_flowing().await;
    // Paced, not closed: one more update is read.
    flooder.send(&small_update(FRAMES + 1)).await;
    flooder.ping_pong().await;
}
