//! The command shell through the real server (docs/PROTOCOL.md §5 `request_remote`, §7
//! "Remote support", §11 "Shell"): a rep asks, the native customer allows, and the two shell
//! sockets carry output, input, resizes, acknowledgements and the exit both ways; the
//! transcript (who typed, when) is stored before anything is relayed and survives a
//! restart. Also: the permission, one shell per session, the holder only, the window that
//! bounds output, malformed frames, revocation, and a transcript that cannot be stored.

use switchboard_protocol::media::{MAX_SHELL_CHUNK, MediaFrame, encode_media};
use switchboard_protocol::{
    Capability, CustomerRequest, ErrorCode, GrantState, InviteTarget, MediaChannel, OkResult,
    RepEvent, RepRequest, Route, TranscriptEntry,
};
use switchboard_server::server::media::shell::OUTPUT_WINDOW;
use switchboard_testkit::TestServer;
use switchboard_testkit::media::MediaClient;
use switchboard_testkit::remote::{accept, native_customer};
use switchboard_testkit::rep::joined;
use switchboard_testkit::shell::{GrantedShell, input, output, transcript};

const CLOSE_BAD_FRAME: u16 = 4400;
const CLOSE_REVOKED: u16 = 4410;
const CLOSE_NOT_STORED: u16 = 1011;

/// The next shell frame that is not an acknowledgement.
async fn next_shell_frame(socket: &mut MediaClient) -> MediaFrame {
    socket
        .recv_until(|f| (!matches!(f, MediaFrame::ShellAck { .. })).then(|| f.clone()))
        .await
}

#[tokio::test]
async fn a_shell_carries_bytes_both_ways_and_its_transcript_says_who_typed() {
    let mut server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    shell
        .rep
        .chat_text("Alice asked to open a command shell.")
        .await;
    shell
        .rep
        .chat_text("The customer allowed Alice to open a command shell.")
        .await;
    let (mut customer, mut rep) = shell.sockets(&server).await;

    customer.send(&output(0, b"$ ")).await;
    assert_eq!(next_shell_frame(&mut rep).await, output(0, b"$ "));
    rep.send(&input(b"echo hi\r")).await;
    assert_eq!(next_shell_frame(&mut customer).await, input(b"echo hi\r"));
    rep.send(&MediaFrame::ShellResize {
        cols: 120,
        rows: 40,
    })
    .await;
    assert_eq!(
        next_shell_frame(&mut customer).await,
        MediaFrame::ShellResize {
            cols: 120,
            rows: 40
        }
    );
    customer.send(&output(2, b"hi\r\n")).await;
    customer.send(&MediaFrame::ShellExit { code: 3 }).await;
    assert_eq!(next_shell_frame(&mut rep).await, output(2, b"hi\r\n"));
    assert_eq!(
        next_shell_frame(&mut rep).await,
        MediaFrame::ShellExit { code: 3 }
    );
    rep.send(&MediaFrame::ShellAck { offset: 6 }).await;
    assert_eq!(
        customer
            .recv_until(|f| match f {
                MediaFrame::ShellAck { offset } => Some(*offset),
                _ => None,
            })
            .await,
        6
    );

    let alice_auth = format!("Bearer {}", server.login("alice").await);
    let expect = |entries: &[TranscriptEntry]| {
        let kinds = switchboard_testkit::shell::transcript_words(entries);
        assert_eq!(
            kinds,
            [
                "started for Alice",
                "out: $ ",
                "Alice: echo hi\r",
                "120x40",
                "out: hi\r\n",
                "exit 3"
            ]
        );
        assert!(entries.windows(2).all(|w| w[0].at() <= w[1].at()));
    };
    let (status, got) = transcript(&server, &alice_auth, shell.session_id).await;
    assert_eq!(status, 200);
    expect(&got.expect("a transcript").entries);
    // Bob was never in the session; the customer does not read transcripts.
    let bob_auth = format!("Bearer {}", server.login("bob").await);
    assert_eq!(
        transcript(&server, &bob_auth, shell.session_id).await.0,
        404
    );
    let customer_auth = format!("Customer {}", shell.customer.token);
    assert_eq!(
        transcript(&server, &customer_auth, shell.session_id)
            .await
            .0,
        404
    );
    assert_eq!(
        transcript(&server, "Bearer nope", shell.session_id).await.0,
        401
    );

    // Stored, not just remembered: the same after a restart.
    drop((customer, rep));
    server.restart().await;
    let alice_auth = format!("Bearer {}", server.login("alice").await);
    let (status, got) = transcript(&server, &alice_auth, shell.session_id).await;
    assert_eq!(status, 200);
    expect(&got.expect("a transcript after the restart").entries);
}

#[tokio::test]
async fn the_shell_needs_the_permission_the_customer_client_and_is_one_per_session() {
    let server = TestServer::start().await;
    // Carol may view screens but has no shell permission.
    let mut carol = server.rep("carol").await;
    let native = native_customer(server.addr, "carol").await;
    accept(&mut carol, "carol", native.session_id).await;
    let (code, message) = carol
        .request(RepRequest::RequestRemote {
            session_id: native.session_id,
            capability: Capability::Shell,
        })
        .await
        .unwrap_err();
    assert_eq!(code, ErrorCode::Forbidden);
    assert!(message.contains("shell"), "{message}");

    // A web customer has no shell to give.
    let mut alice = server.rep("alice").await;
    let web = server
        .customer(
            "Web Wendy",
            Route::Rep {
                rep: "alice".into(),
            },
        )
        .await;
    accept(&mut alice, "alice", web.session_id).await;
    let (code, _) = alice
        .request(RepRequest::RequestRemote {
            session_id: web.session_id,
            capability: Capability::Shell,
        })
        .await
        .unwrap_err();
    assert_eq!(code, ErrorCode::RemoteUnavailable);

    // Alice holds the shell of a native session; Bob, invited in, may not ask for another,
    // nor open Alice's.
    let mut shell = GrantedShell::start(&server, "alice").await;
    let id = shell.session_id;
    let mut bob = server.rep("bob").await;
    let invitation_id = match shell
        .rep
        .ok(RepRequest::Invite {
            session_id: id,
            target: InviteTarget::Rep { rep: "bob".into() },
        })
        .await
    {
        Some(OkResult::Invitation { invitation_id }) => invitation_id,
        other => panic!("invite answered {other:?}"),
    };
    bob.pick("the invitation", |e| match e {
        RepEvent::EntryUpserted { entry } if entry.session_id == id => Some(()),
        _ => None,
    })
    .await;
    bob.ok(RepRequest::AcceptInvitation { invitation_id }).await;
    joined(&mut bob, id).await;
    let (code, message) = bob
        .request(RepRequest::RequestRemote {
            session_id: id,
            capability: Capability::Shell,
        })
        .await
        .unwrap_err();
    assert_eq!(code, ErrorCode::RemoteUnavailable);
    assert_eq!(message, "Alice is using the command shell.");
    bob.refused(
        RepRequest::OpenMedia {
            session_id: id,
            channel: MediaChannel::Shell,
        },
        ErrorCode::Forbidden,
    )
    .await;
    // A screen grant opens the screen, not the shell, and the other way round.
    shell
        .rep
        .refused(
            RepRequest::OpenMedia {
                session_id: id,
                channel: MediaChannel::Screen,
            },
            ErrorCode::Forbidden,
        )
        .await;
    assert_eq!(
        shell
            .customer
            .refused(CustomerRequest::OpenMedia {
                channel: MediaChannel::Screen
            })
            .await,
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn a_ticket_of_the_wrong_rep_or_channel_does_not_attach_to_the_shell() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let id = shell.session_id;
    let view = shell.rep.request_remote(id, Capability::ScreenView).await;
    shell.customer.allow(view).await;
    shell.rep.grant_reaches(view, GrantState::Granted).await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    // Alice's screen socket gets no shell output.
    let screen_ticket = shell.rep.open_media(id).await;
    let mut screen = MediaClient::auth(server.addr, &screen_ticket.token).await;
    customer.send(&output(0, b"secret\r\n")).await;
    assert_eq!(next_shell_frame(&mut rep).await, output(0, b"secret\r\n"));
    assert!(
        screen
            .frames_before_pong()
            .await
            .iter()
            .all(|f| !f.is_shell()),
        "shell bytes on a screen socket"
    );
}

#[tokio::test]
async fn output_beyond_the_window_or_out_of_order_closes_the_customer_socket() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    // The window and one chunk, unacknowledged, all relayed.
    let chunk = vec![b'x'; MAX_SHELL_CHUNK];
    let allowed = OUTPUT_WINDOW as usize + MAX_SHELL_CHUNK;
    let mut offset = 0usize;
    while offset < allowed {
        customer.send(&output(offset as u64, &chunk)).await;
        offset += MAX_SHELL_CHUNK;
    }
    let mut relayed = 0usize;
    while relayed < allowed {
        match next_shell_frame(&mut rep).await {
            MediaFrame::ShellOutput { offset, data } => {
                assert_eq!(offset as usize, relayed, "in order, nothing skipped");
                relayed += data.len();
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // One byte more without an acknowledgement is refused.
    customer.send(&output(offset as u64, b"!")).await;
    assert_eq!(customer.closed().await, Some(CLOSE_BAD_FRAME));

    // A new shell (a new customer socket) must start at 0 and continue where it left off.
    let ticket = shell.customer.open_channel(MediaChannel::Shell).await;
    let mut again = MediaClient::auth(server.addr, &ticket.token).await;
    again.send(&output(5, b"gap")).await;
    assert_eq!(again.closed().await, Some(CLOSE_BAD_FRAME));
}

#[tokio::test]
async fn acknowledged_output_flows_on_and_a_new_rep_socket_frees_the_window() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    // 2 MiB, eight times the window, pass while the rep acknowledges what it showed.
    let total = 2 * 1024 * 1024;
    let chunk = vec![b'y'; MAX_SHELL_CHUNK];
    let (mut sent, mut shown, mut acked) = (0usize, 0usize, 0u64);
    while shown < total {
        while sent < total && sent as u64 - acked < OUTPUT_WINDOW {
            customer.send(&output(sent as u64, &chunk)).await;
            sent += MAX_SHELL_CHUNK;
        }
        if let MediaFrame::ShellOutput { data, .. } = next_shell_frame(&mut rep).await {
            shown += data.len();
            rep.send(&MediaFrame::ShellAck {
                offset: shown as u64,
            })
            .await;
        }
        acked = customer
            .recv_until(|f| match f {
                MediaFrame::ShellAck { offset } => Some(*offset),
                _ => None,
            })
            .await;
    }
    assert_eq!(acked, total as u64);
    // 100 KiB shown to a console that then goes without acknowledging: its replacement's
    // arrival frees them.
    customer
        .send(&output(total as u64, &vec![b'z'; 100 * 1024 / 2]))
        .await;
    customer
        .send(&output(total as u64 + 51_200, &vec![b'z'; 51_200]))
        .await;
    let mut got = 0;
    while got < 102_400 {
        if let MediaFrame::ShellOutput { data, .. } = next_shell_frame(&mut rep).await {
            got += data.len();
        }
    }
    drop(rep);
    let ticket = shell.rep.open_shell_media(shell.session_id).await;
    let _rep_again = MediaClient::auth(server.addr, &ticket.token).await;
    assert_eq!(
        customer
            .recv_until(|f| match f {
                MediaFrame::ShellAck { offset } => Some(*offset),
                _ => None,
            })
            .await,
        total as u64 + 102_400
    );
}

#[tokio::test]
async fn frames_a_side_may_not_send_close_its_socket() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    // The rep may not print output; the customer may not type.
    rep.send(&output(0, b"forged")).await;
    assert_eq!(rep.closed().await, Some(CLOSE_BAD_FRAME));
    customer.send(&input(b"rm -rf ~\r")).await;
    assert_eq!(customer.closed().await, Some(CLOSE_BAD_FRAME));

    // An absurd terminal size does not decode.
    let (_customer, mut rep) = shell.sockets(&server).await;
    let mut absurd =
        encode_media(&MediaFrame::ShellResize { cols: 80, rows: 24 }).expect("encodes");
    absurd[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
    rep.send_raw(absurd).await;
    assert_eq!(rep.closed().await, Some(CLOSE_BAD_FRAME));
    // Nor does a chunk that claims more bytes than it has.
    let (_customer, mut rep) = shell.sockets(&server).await;
    let mut short = encode_media(&input(b"ls")).expect("encodes");
    short[8..12].copy_from_slice(&1_000u32.to_le_bytes());
    rep.send_raw(short).await;
    assert_eq!(rep.closed().await, Some(CLOSE_BAD_FRAME));
}

#[tokio::test]
async fn stopping_the_shell_closes_both_sockets_at_once() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    shell
        .rep
        .ok(RepRequest::StopRemote {
            session_id: shell.session_id,
            grant_id: shell.grant,
            keep_view: false,
        })
        .await;
    assert_eq!(customer.closed().await, Some(CLOSE_REVOKED));
    assert_eq!(rep.closed().await, Some(CLOSE_REVOKED));
    shell
        .rep
        .chat_text("Alice stopped using the command shell.")
        .await;
    // The rep's new ticket is refused: nothing is granted any more.
    shell
        .rep
        .refused(
            RepRequest::OpenMedia {
                session_id: shell.session_id,
                channel: MediaChannel::Shell,
            },
            ErrorCode::Forbidden,
        )
        .await;

    // The customer's Stop does the same to a new shell.
    let grant = shell
        .rep
        .request_remote(shell.session_id, Capability::Shell)
        .await;
    shell.customer.allow(grant).await;
    shell.rep.grant_reaches(grant, GrantState::Granted).await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    shell
        .customer
        .ok_ticket(CustomerRequest::StopRemote { grant_id: None })
        .await;
    assert_eq!(customer.closed().await, Some(CLOSE_REVOKED));
    assert_eq!(rep.closed().await, Some(CLOSE_REVOKED));
    shell
        .rep
        .chat_text("The customer stopped the command shell.")
        .await;
}

#[tokio::test]
async fn what_the_transcript_could_not_store_is_never_relayed() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    let transcripts = server.server.as_ref().expect("running").store.transcripts();
    transcripts.inject_failures(1);
    customer.send(&output(0, b"lost\r\n")).await;
    assert_eq!(customer.closed().await, Some(CLOSE_NOT_STORED));
    assert!(
        rep.frames_before_pong().await.is_empty(),
        "output that was not stored reached the rep"
    );
    // The same for input: the customer never sees what was not stored.
    let (mut customer, mut rep) = shell.sockets(&server).await;
    transcripts.inject_failures(1);
    rep.send(&input(b"whoami\r")).await;
    assert_eq!(rep.closed().await, Some(CLOSE_NOT_STORED));
    assert!(
        customer.frames_before_pong().await.is_empty(),
        "input that was not stored reached the customer"
    );
}

#[tokio::test]
async fn a_shell_that_exits_reaches_its_rep_whole_before_the_grant_ends() {
    let server = TestServer::start().await;
    let mut shell = GrantedShell::start(&server, "alice").await;
    let (mut customer, mut rep) = shell.sockets(&server).await;
    customer.send(&output(0, b"bye\r\n")).await;
    customer.send(&MediaFrame::ShellExit { code: 3 }).await;
    // As the customer client does: close the shell's socket, then say the shell exited.
    let _ = customer.socket.close(None).await;
    customer.closed().await;
    shell
        .customer
        .ok_ticket(CustomerRequest::ShellExited {
            grant_id: shell.grant,
            code: 3,
        })
        .await;
    assert_eq!(next_shell_frame(&mut rep).await, output(0, b"bye\r\n"));
    assert_eq!(
        next_shell_frame(&mut rep).await,
        MediaFrame::ShellExit { code: 3 }
    );
    assert_eq!(rep.closed().await, Some(CLOSE_REVOKED));
    shell
        .rep
        .chat_text("The command shell Alice was using exited (code 3).")
        .await;
    let info = shell
        .rep
        .grant_reaches(shell.grant, GrantState::Stopped)
        .await;
    let grant = info
        .remote
        .grants
        .iter()
        .find(|g| g.grant_id == shell.grant)
        .expect("listed");
    assert_eq!(
        grant.ended,
        Some(switchboard_protocol::GrantEnd::ShellExited)
    );
}
