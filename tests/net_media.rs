//! The console's media client (net/media.rs) against a `/ws/media` peer played by the test:
//! it authenticates with its ticket, paints a lossless update to the exact pixels off the
//! UI thread, acknowledges it, sends the rep's input and refresh requests, reports only the
//! changed rectangles, and ends for good on close code 4410.

#![allow(clippy::unwrap_used)]

use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use switchboard::net::{CLOSE_REVOKED, ScreenStream, StreamState, open_screen_at};
use switchboard_customer::RgbaFrame;
use switchboard_protocol::media::{
    InputEvent, MediaFrame, ScreenUpdate, Tile, TileEncoding, decode_media, encode_media,
};
use switchboard_protocol::{MediaTicket, SessionId};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const DEADLINE: Duration = Duration::from_secs(20);

/// A picture with a different colour in every pixel (nothing a lossy codec would keep).
fn pattern(width: u16, height: u16) -> RgbaFrame {
    let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height) * 4);
    for y in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(&[(x * 7) as u8, (y * 13) as u8, (x ^ y) as u8, 255]);
        }
    }
    RgbaFrame {
        width,
        height,
        pixels,
    }
}

fn qoi_update(seq: u64, frame: &RgbaFrame) -> MediaFrame {
    MediaFrame::ScreenUpdate(ScreenUpdate {
        seq,
        captured_micros: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as u64,
        width: frame.width,
        height: frame.height,
        tiles: vec![Tile {
            x: 0,
            y: 0,
            w: frame.width,
            h: frame.height,
            encoding: TileEncoding::Qoi(switchboard_customer::qoi::encode(frame)),
        }],
    })
}

async fn read_frame(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) -> MediaFrame {
    loop {
        let message = tokio::time::timeout(DEADLINE, socket.next())
            .await
            .expect("a frame from the console in time")
            .expect("the socket open")
            .unwrap();
        if let Message::Binary(bytes) = message {
            return decode_media(&bytes).unwrap();
        }
    }
}

/// Waits (woken by the stream, with a deadline) until `done` holds.
fn wait_until(wakes: &std::sync::mpsc::Receiver<()>, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        let left = DEADLINE.checked_sub(start.elapsed());
        let woken = left.is_some_and(|left| wakes.recv_timeout(left).is_ok());
        assert!(woken || done(), "timed out waiting for {what}");
    }
}

fn ticket() -> MediaTicket {
    MediaTicket {
        token: "ticket-for-the-test".into(),
        expires_at: 0,
    }
}

/// Auth with the ticket; a lossless update arrives as the exact pixels and is acked; a
/// second update reports only its rectangle; input and refresh go out; 4410 ends it.
#[test]
fn exact_pixels_acks_input_and_revocation() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("ws://{}/ws/media", listener.local_addr().unwrap());
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let (woken, woken_rx) = std::sync::mpsc::channel();
    let woken = std::sync::Mutex::new(woken);
    let stream: ScreenStream =
        open_screen_at(runtime.handle(), &url, SessionId(7), ticket(), move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = woken.lock().unwrap().send(());
        });
    let full = pattern(200, 120);
    let mut socket = runtime.block_on(async {
        let (tcp, _) = tokio::time::timeout(DEADLINE, listener.accept())
            .await
            .unwrap()
            .unwrap();
        let mut socket = tokio_tungstenite::accept_async(tcp).await.unwrap();
        assert_eq!(
            read_frame(&mut socket).await,
            MediaFrame::Auth {
                token: "ticket-for-the-test".into()
            }
        );
        let bytes = encode_media(&qoi_update(1, &full)).unwrap();
        socket.send(Message::Binary(bytes.into())).await.unwrap();
        assert_eq!(read_frame(&mut socket).await, MediaFrame::Ack { seq: 1 });
        socket
    });
    // Acked means painted: the picture holds exactly the pixels sent.
    {
        let mut picture = stream.picture().lock();
        assert_eq!(picture.frame.as_ref(), Some(&full));
        let damage = picture.take_damage();
        assert!(damage.whole, "a new screen is uploaded whole");
        assert!(picture.latency_ms.is_some());
    }
    assert!(wakes.load(Ordering::SeqCst) > 0, "the UI was woken");
    assert_eq!(stream.state(), StreamState::Live);

    // A small change: only its rectangle is damage.
    let patch = pattern(16, 8);
    runtime.block_on(async {
        let update = MediaFrame::ScreenUpdate(ScreenUpdate {
            seq: 2,
            captured_micros: 0,
            width: 200,
            height: 120,
            tiles: vec![Tile {
                x: 64,
                y: 32,
                w: 16,
                h: 8,
                encoding: TileEncoding::Qoi(switchboard_customer::qoi::encode(&patch)),
            }],
        });
        let bytes = encode_media(&update).unwrap();
        socket.send(Message::Binary(bytes.into())).await.unwrap();
        assert_eq!(read_frame(&mut socket).await, MediaFrame::Ack { seq: 2 });
    });
    {
        let mut picture = stream.picture().lock();
        let damage = picture.take_damage();
        assert!(!damage.whole);
        assert_eq!(damage.rects.len(), 1);
        assert_eq!((damage.rects[0].x, damage.rects[0].y), (64, 32));
        let frame = picture.frame.as_ref().unwrap();
        assert_eq!(frame.region(64, 32, 16, 8), patch);
        assert_eq!(frame.pixel(10, 10), full.pixel(10, 10));
    }

    // The rep's input and a refresh request go out as frames.
    let click = InputEvent::PointerButton {
        x: 100,
        y: 60,
        button: 1,
        pressed: true,
    };
    stream.input(click);
    stream.refresh();
    runtime.block_on(async {
        assert_eq!(read_frame(&mut socket).await, MediaFrame::Input(click));
        assert_eq!(read_frame(&mut socket).await, MediaFrame::RefreshRequest);
        socket
            .close(Some(CloseFrame {
                code: CloseCode::from(CLOSE_REVOKED),
                reason: "grant ended".into(),
            }))
            .await
            .unwrap();
    });
    wait_until(&woken_rx, "the stream to end as revoked", || {
        stream.state() == StreamState::Revoked
    });
}

/// A peer that goes away without 4410 leaves the stream lost (the app asks for a new ticket).
#[test]
fn a_dropped_socket_is_lost_not_revoked() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("ws://{}/ws/media", listener.local_addr().unwrap());
    let (woken, woken_rx) = std::sync::mpsc::channel();
    let woken = std::sync::Mutex::new(woken);
    let stream = open_screen_at(runtime.handle(), &url, SessionId(8), ticket(), move || {
        let _ = woken.lock().unwrap().send(());
    });
    runtime.block_on(async {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut socket = tokio_tungstenite::accept_async(tcp).await.unwrap();
        read_frame(&mut socket).await;
        drop(socket);
    });
    wait_until(&woken_rx, "the stream to be lost", || {
        matches!(stream.state(), StreamState::Lost(_))
    });
}
