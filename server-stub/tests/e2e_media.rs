//! End to end through `/ws/media` (docs/PROTOCOL.md §11) on a real server: fan-out of the
//! publisher's bytes to every viewer, per-viewer flow control (a viewer that never acks does
//! not hold up the publisher or another viewer, and gets a whole picture when it catches
//! up), input only with control, and revocation. Tickets and access are set on the server's
//! relay directly, as the core does for the router's `open_media` and grant decisions.

use switchboard_protocol::SessionId;
use switchboard_protocol::media::MediaFrame;
use switchboard_server::server::media::{MediaRelay, MediaRole, close};
use switchboard_testkit::TestServer;
use switchboard_testkit::media::{
    MediaClient, access, click, issue, seq_of, small_update, update, viewer, wait_attached,
};

fn relay(server: &TestServer) -> MediaRelay {
    server.server.as_ref().expect("running").media()
}

/// A publisher and one viewer per rep of `reps` on `session`, all attached.
async fn stream(
    server: &TestServer,
    session: u64,
    reps: &[(&str, bool)],
) -> (MediaClient, Vec<MediaClient>) {
    let relay = relay(server);
    let before = relay.counts().1;
    relay.set_access(SessionId(session), access(reps));
    let publisher =
        MediaClient::auth(server.addr, &issue(&relay, session, MediaRole::Publisher)).await;
    wait_attached(&relay, before + 1).await;
    let mut viewers = Vec::new();
    for (rep, _) in reps {
        viewers.push(MediaClient::auth(server.addr, &issue(&relay, session, viewer(rep))).await);
    }
    wait_attached(&relay, before + 1 + reps.len()).await;
    (publisher, viewers)
}

#[tokio::test]
async fn every_viewer_gets_the_publishers_bytes_and_the_publisher_gets_acks() {
    let server = TestServer::start().await;
    let (mut publisher, mut viewers) =
        stream(&server, 1, &[("alice", false), ("bob", false)]).await;
    // Joining viewers ask the publisher for a whole picture.
    publisher
        .recv_until(|f| (*f == MediaFrame::RefreshRequest).then_some(()))
        .await;
    for seq in 1..=5 {
        let sent = publisher.send(&update(seq, 150_000)).await;
        for viewer in &mut viewers {
            assert_eq!(
                viewer.recv_raw().await,
                sent,
                "the bytes as the publisher sent them"
            );
            viewer.send(&MediaFrame::Ack { seq }).await;
        }
        let acked = publisher
            .recv_until(|f| match f {
                MediaFrame::Ack { seq } => Some(*seq),
                _ => None,
            })
            .await;
        assert_eq!(acked, seq);
    }
}

#[tokio::test]
async fn a_viewer_that_never_acks_holds_up_nobody_and_catches_up_with_a_refresh() {
    let server = TestServer::start().await;
    let (mut publisher, mut viewers) =
        stream(&server, 1, &[("alice", false), ("bob", false)]).await;
    let (mut silent, mut acking) = {
        let mut it = viewers.drain(..);
        (it.next().unwrap(), it.next().unwrap())
    };
    for seq in 1..=20 {
        let sent = publisher.send(&update(seq, 20_000)).await;
        assert_eq!(acking.recv_raw().await, sent);
        acking.send(&MediaFrame::Ack { seq }).await;
        publisher
            .recv_until(|f| (*f == MediaFrame::Ack { seq }).then_some(()))
            .await;
    }
    // The silent viewer got the first two, and nothing more was queued for it: after it
    // acknowledges them, the next thing it receives is the publisher's answer to the
    // refresh its catching up asked for.
    assert_eq!(seq_of(&silent.recv().await), Some(1));
    assert_eq!(seq_of(&silent.recv().await), Some(2));
    silent.send(&MediaFrame::Ack { seq: 2 }).await;
    publisher
        .recv_until(|f| (*f == MediaFrame::RefreshRequest).then_some(()))
        .await;
    let whole = publisher.send(&update(21, 150_000)).await;
    assert_eq!(
        silent.recv_raw().await,
        whole,
        "the whole picture, not update 3"
    );
    assert_eq!(acking.recv_raw().await, whole);
}

#[tokio::test]
async fn input_reaches_the_publisher_only_from_a_viewer_with_control() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let (mut publisher, mut viewers) = stream(&server, 1, &[("alice", true), ("bob", false)]).await;
    // Bob may only view: his click is dropped. His refresh request after it shows the relay
    // has read the click (one socket's frames are handled in order).
    viewers[1].send(&click(1, 1)).await;
    viewers[1].send(&MediaFrame::RefreshRequest).await;
    publisher
        .recv_until(|f| (*f == MediaFrame::RefreshRequest).then_some(()))
        .await;
    let alices = viewers[0].send(&click(2, 2)).await;
    let first_input = publisher
        .recv_until(|f| matches!(f, MediaFrame::Input(_)).then(|| f.clone()))
        .await;
    assert_eq!(first_input, click(2, 2), "Alice's, not Bob's: {alices:?}");

    // Control moves to Bob: Alice's input stops, Bob's goes through.
    relay.set_access(SessionId(1), access(&[("alice", false), ("bob", true)]));
    viewers[0].send(&click(3, 3)).await;
    viewers[0].send(&MediaFrame::RefreshRequest).await;
    publisher
        .recv_until(|f| (*f == MediaFrame::RefreshRequest).then_some(()))
        .await;
    viewers[1].send(&click(4, 4)).await;
    let next_input = publisher
        .recv_until(|f| matches!(f, MediaFrame::Input(_)).then(|| f.clone()))
        .await;
    assert_eq!(next_input, click(4, 4));
}

#[tokio::test]
async fn revocation_closes_the_viewer_at_once_and_an_empty_access_closes_everyone() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let (mut publisher, mut viewers) =
        stream(&server, 1, &[("alice", false), ("bob", false)]).await;
    relay.set_access(SessionId(1), access(&[("alice", false)]));
    assert_eq!(viewers[1].closed().await, Some(close::REVOKED));
    // Alice still sees the screen.
    let sent = publisher.send(&small_update(1)).await;
    assert_eq!(viewers[0].recv_raw().await, sent);

    relay.set_access(SessionId(1), access(&[]));
    assert_eq!(viewers[0].closed().await, Some(close::REVOKED));
    assert_eq!(publisher.closed().await, Some(close::REVOKED));
    wait_attached(&relay, 0).await;
}

#[tokio::test]
async fn a_second_publisher_replaces_the_first() {
    let server = TestServer::start().await;
    let relay = relay(&server);
    let (mut first, mut viewers) = stream(&server, 1, &[("alice", false)]).await;
    let mut second = MediaClient::auth(server.addr, &issue(&relay, 1, MediaRole::Publisher)).await;
    assert_eq!(first.closed().await, Some(close::REPLACED_CODE));
    wait_attached(&relay, 2).await;
    let sent = second.send(&small_update(1)).await;
    assert_eq!(viewers[0].recv_raw().await, sent);
}
