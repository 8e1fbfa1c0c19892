//! End to end in a real browser: a help-link page shares its own tab when a rep asks. Headless
//! Chromium (`--auto-accept-this-tab-capture`, so the tab picker says yes by itself) runs the
//! portal served by the real server; a real rep asks and opens `/ws/media` as a viewer, and
//! the JPEG pictures the page sends are decoded here and looked at: a password field and a
//! `data-private` element are solid blocks, the rest of the page is not.

#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use browser::Browser;
use common::*;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use switchboard_protocol::media::{
    MediaFrame, ScreenUpdate, TileEncoding, decode_media, encode_media,
};
use switchboard_protocol::*;
use tokio_tungstenite::tungstenite::Message;

/// The tab picker answers yes by itself (the customer's click is still the page's).
const AUTO_ACCEPT: &str = "--auto-accept-this-tab-capture";

/// What the masking turns a private field into (`mask.css`), give or take JPEG's error.
const MASK_RGB: [u8; 3] = [0x3b, 0x41, 0x50];

/// Places three blocks on the page at fixed viewport positions: a password field with a
/// value, a `data-private` card number, and an ordinary notice with large black text.
const FIXTURE_JS: &str = r##"
  const place = (element, top) => {
    Object.assign(element.style, {
      position: "fixed", left: "40px", top: `${top}px`, width: "420px", height: "80px",
      font: "bold 44px sans-serif", color: "#000", background: "#fff",
      border: "0", padding: "0 8px", margin: "0", zIndex: "1000",
    });
    document.body.append(element);
  };
  const password = document.createElement("input");
  password.type = "password";
  password.id = "fixture-password";
  password.value = "hunter2hunter2";
  place(password, 200);
  const secret = document.createElement("div");
  secret.id = "fixture-private";
  secret.setAttribute("data-private", "");
  secret.textContent = "4111 1111 1111";
  place(secret, 320);
  const open = document.createElement("div");
  open.id = "fixture-open";
  open.textContent = "WWWW MMMM 8888";
  place(open, 440);
  return [window.innerWidth];
"##;

/// A viewer on `/ws/media`, as small as these tests need (the rep's side of §11).
struct Viewer(Socket);

impl Viewer {
    async fn auth(addr: SocketAddr, token: &str) -> Viewer {
        let mut viewer = Viewer(open_socket(addr, "/ws/media").await);
        viewer
            .send(&MediaFrame::Auth {
                token: token.to_owned(),
            })
            .await;
        viewer
    }

    async fn send(&mut self, frame: &MediaFrame) {
        let bytes = encode_media(frame).unwrap();
        self.0.send(Message::Binary(bytes.into())).await.unwrap();
    }

    /// The next screen update within the deadline (other frames skipped; a close fails).
    async fn update(&mut self) -> ScreenUpdate {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.0.next()).await else {
                panic!("no screen update within {DEADLINE:?}");
            };
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    if let MediaFrame::ScreenUpdate(update) =
                        decode_media(&bytes).expect("the relay's frame decodes")
                    {
                        return update;
                    }
                }
                Some(Ok(Message::Close(frame))) => panic!("media socket closed: {frame:?}"),
                Some(Ok(_)) => {}
                other => panic!("media socket failed: {other:?}"),
            }
        }
    }

    /// The close code, reading past any frames, within the deadline.
    async fn closed(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.0.next())
                .await
                .expect("the media socket closes within the deadline");
            match message {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    }
}

/// A decoded picture: RGBA rows, as the page drew its tab.
struct Picture {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Picture {
    /// The update's one tile (the page sends the whole picture as one JPEG), decoded.
    fn of(update: &ScreenUpdate) -> Picture {
        assert_eq!(update.tiles.len(), 1, "one tile per update");
        let tile = &update.tiles[0];
        assert_eq!(
            (tile.x, tile.y, tile.w, tile.h),
            (0, 0, update.width, update.height),
            "the tile covers the whole picture"
        );
        let TileEncoding::Jpeg { quality, data } = &tile.encoding else {
            panic!("the page sends JPEG tiles, not {:?}", tile.encoding);
        };
        assert!((1..=100).contains(quality));
        let image = image::load_from_memory_with_format(data, image::ImageFormat::Jpeg)
            .expect("the tile is a JPEG")
            .to_rgba8();
        assert_eq!(
            (image.width(), image.height()),
            (u32::from(update.width), u32::from(update.height)),
            "the JPEG is the tile's size"
        );
        Picture {
            width: image.width(),
            height: image.height(),
            rgba: image.into_raw(),
        }
    }

    /// Saves the picture as `$SWITCHBOARD_SCREENSHOTS/<name>.jpg` when that is set (to look
    /// at what the rep received).
    fn save_if_asked(&self, name: &str) {
        let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") else {
            return;
        };
        let path = std::path::PathBuf::from(dir).join(format!("{name}.jpg"));
        let rgb: Vec<u8> = self
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        image::save_buffer(&path, &rgb, self.width, self.height, image::ColorType::Rgb8)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// The pixels of a rectangle given in page (CSS) pixels, scaled to the picture. The tab
    /// keeps its aspect (its height may hold less than `innerHeight`), so the width decides.
    fn region(&self, page_width: f64, rect: (f64, f64, f64, f64)) -> Vec<[u8; 3]> {
        let sx = f64::from(self.width) / page_width;
        let sy = sx;
        let (x0, y0) = ((rect.0 * sx) as u32, (rect.1 * sy) as u32);
        let (x1, y1) = (
            ((rect.0 + rect.2) * sx) as u32,
            ((rect.1 + rect.3) * sy) as u32,
        );
        let mut out = Vec::new();
        for y in y0..y1.min(self.height) {
            for x in x0..x1.min(self.width) {
                let at = ((y * self.width + x) * 4) as usize;
                out.push([self.rgba[at], self.rgba[at + 1], self.rgba[at + 2]]);
            }
        }
        assert!(!out.is_empty(), "the region {rect:?} lies in the picture");
        out
    }
}

/// Whether every pixel is within `tolerance` of `rgb` on each channel.
fn all_near(pixels: &[[u8; 3]], rgb: [u8; 3], tolerance: u8) -> bool {
    pixels
        .iter()
        .all(|p| (0..3).all(|c| p[c].abs_diff(rgb[c]) <= tolerance))
}

/// The spread of brightness in the pixels (0 for a flat block, large for black text on white).
fn contrast(pixels: &[[u8; 3]]) -> u8 {
    let luma = |p: &[u8; 3]| ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8;
    let max = pixels.iter().map(luma).max().unwrap_or(0);
    let min = pixels.iter().map(luma).min().unwrap_or(0);
    max - min
}

/// The inner part of a fixture block (page pixels), clear of its edges.
fn inner(top: f64) -> (f64, f64, f64, f64) {
    (52.0, top + 12.0, 396.0, 56.0)
}

/// The help-link customer's entry, seen by `rep`.
async fn browser_entry(rep: &mut RepClient, name: &str) -> QueueEntry {
    let in_snapshot = rep.snapshot.as_ref().and_then(|s| {
        s.queues
            .iter()
            .flat_map(|q| &q.entries)
            .find(|e| e.customer.name == name)
            .cloned()
    });
    if let Some(entry) = in_snapshot {
        return entry;
    }
    rep.pick("the help-link customer's entry", |e| match e {
        RepEvent::EntryUpserted { entry } if entry.customer.name == name => Some(entry.clone()),
        _ => None,
    })
    .await
}

/// The grant `grant_id` as it reaches `rep`, once it is in `state`.
async fn grant_reaches(
    rep: &mut RepClient,
    session_id: SessionId,
    grant_id: GrantId,
    state: GrantState,
) -> GrantInfo {
    rep.pick("the grant's new state", |e| match e {
        RepEvent::SessionUpdated { session } if session.session_id == session_id => session
            .remote
            .grants
            .iter()
            .find(|g| g.grant_id == grant_id && g.state == state)
            .cloned(),
        _ => None,
    })
    .await
}

/// A started help-link session with Alice in it: the page, Alice and the session id.
async fn browser_session(server: &TestServer, name: &str) -> (Browser, RepClient, SessionId) {
    let mut alice = server.rep("alice").await;
    let page = Browser::open_with(&[AUTO_ACCEPT]).await;
    page.goto(&server.http("/help?rep=alice")).await;
    page.fill("#name", name).await;
    page.click("#start").await;
    let entry = browser_entry(&mut alice, name).await;
    assert_eq!(entry.entry_path, EntryPath::RepHelpLink);
    let session_id = entry.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    let view = joined(&mut alice, session_id).await;
    assert_eq!(view.session.remote.source, ScreenSource::Tab);
    page.wait_for_text("#status", "You are chatting with Alice")
        .await;
    (page, alice, session_id)
}

/// Alice asks to see the page; the grant's id once the page shows the card.
async fn ask_to_view(page: &Browser, alice: &mut RepClient, session_id: SessionId) -> GrantId {
    let Some(OkResult::Grant { grant_id }) = alice
        .ok(RepRequest::RequestRemote {
            session_id,
            capability: Capability::ScreenView,
        })
        .await
    else {
        panic!("request_remote answers with a grant");
    };
    let card = page
        .wait_for_text(".consent", "Alice would like to see this page")
        .await;
    assert!(card.contains("Share") && card.contains("Decline"), "{card}");
    assert!(card.contains("Answer within"), "a countdown: {card}");
    grant_id
}

async fn sharing_class(page: &Browser) -> bool {
    page.client
        .execute(
            "return document.documentElement.classList.contains('switchboard-sharing');",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

/// The next screen update from the viewer socket (acknowledged, as a console would).
async fn next_picture(viewer: &mut Viewer) -> (ScreenUpdate, Picture) {
    let update = viewer.update().await;
    viewer.send(&MediaFrame::Ack { seq: update.seq }).await;
    let picture = Picture::of(&update);
    (update, picture)
}

/// Share: the page captures its tab, a viewer gets JPEG pictures of it in which the password
/// field and the `data-private` element are solid blocks and the ordinary text is not; Stop
/// ends the stream at once (4410 to the viewer) and unmasks the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_page_reaches_the_rep_with_private_fields_masked() {
    let server = TestServer::start().await;
    let (page, mut alice, session_id) = browser_session(&server, "Kim Park").await;
    let size = page.client.execute(FIXTURE_JS, vec![]).await.unwrap();
    let page_width = size[0].as_f64().expect("innerWidth");
    assert!(
        !sharing_class(&page).await,
        "nothing is masked before sharing"
    );

    let grant_id = ask_to_view(&page, &mut alice, session_id).await;
    page.click(".consent-share").await;
    let grant = grant_reaches(&mut alice, session_id, grant_id, GrantState::Granted).await;
    assert_eq!(grant.rep_name, "Alice");
    page.wait_for_text("#share-banner", "Alice is viewing this page")
        .await;
    assert!(sharing_class(&page).await, "masked while shared");
    page.screenshot_if_asked("portal-sharing").await;

    let Some(OkResult::Media { ticket }) = alice.ok(RepRequest::OpenMedia { session_id }).await
    else {
        panic!("open_media answers with a ticket");
    };
    let mut viewer = Viewer::auth(server.addr, &ticket.token).await;
    let (first, picture) = next_picture(&mut viewer).await;
    assert!(first.width > 0 && first.height > 0);
    let now_micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    assert!(
        first.captured_micros <= now_micros && now_micros - first.captured_micros < 60_000_000,
        "captured_micros is a recent wall-clock time"
    );

    picture.save_if_asked("portal-shared-picture");
    let password = picture.region(page_width, inner(200.0));
    let private = picture.region(page_width, inner(320.0));
    let open = picture.region(page_width, inner(440.0));
    assert!(
        contrast(&open) > 120,
        "the ordinary text is in the picture (contrast {})",
        contrast(&open)
    );
    assert!(
        all_near(&password, MASK_RGB, 24),
        "the password field is a solid block (contrast {}; page width {page_width}, picture {}x{})",
        contrast(&password),
        picture.width,
        picture.height
    );
    assert!(
        all_near(&private, MASK_RGB, 24),
        "the data-private element is a solid block (contrast {})",
        contrast(&private)
    );

    // A change on the page is a new picture; the masking holds in it too.
    page.client
        .execute(
            "document.getElementById('fixture-open').style.background = '#ff0000'; \
             document.getElementById('fixture-password').value = 'another secret';",
            vec![],
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let (update, picture) = next_picture(&mut viewer).await;
        assert!(update.seq > first.seq, "seq grows");
        let open = picture.region(page_width, inner(440.0));
        let reds = open.iter().filter(|p| p[0] > 200 && p[1] < 80).count();
        if reds > open.len() / 2 {
            assert!(all_near(
                &picture.region(page_width, inner(200.0)),
                MASK_RGB,
                24
            ));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the red notice never reached the viewer"
        );
    }

    page.click("#share-stop").await;
    assert_eq!(
        viewer.closed().await,
        Some(4410),
        "the customer's Stop ends the viewer's stream"
    );
    let stopped = grant_reaches(&mut alice, session_id, grant_id, GrantState::Stopped).await;
    assert_eq!(stopped.ended, Some(GrantEnd::CustomerStopped));
    page.wait_for_text("#messages", "This page is no longer shared.")
        .await;
    assert!(!page.is_displayed("#share-banner").await, "the banner goes");
    assert!(!sharing_class(&page).await, "unmasked after sharing");
    page.close().await;
}

/// Decline: the page answers no, never asks the browser for the tab, masks nothing, and the
/// rep gets no ticket, so no picture can flow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_answers_no_and_no_picture_flows() {
    let server = TestServer::start().await;
    let (page, mut alice, session_id) = browser_session(&server, "Lee Decline").await;
    page.client
        .execute(
            "window.tabAsked = 0; const ask = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices); \
             navigator.mediaDevices.getDisplayMedia = (o) => { window.tabAsked += 1; return ask(o); };",
            vec![],
        )
        .await
        .unwrap();
    let grant_id = ask_to_view(&page, &mut alice, session_id).await;
    page.click(".consent-decline").await;
    grant_reaches(&mut alice, session_id, grant_id, GrantState::Denied).await;
    let err = alice
        .request(RepRequest::OpenMedia { session_id })
        .await
        .expect_err("no ticket without a granted grant");
    assert_eq!(err.0, ErrorCode::Forbidden);
    let asked = page
        .client
        .execute("return window.tabAsked;", vec![])
        .await
        .unwrap();
    assert_eq!(asked.as_u64(), Some(0), "the tab was never asked for");
    assert!(!sharing_class(&page).await, "nothing masked");
    assert!(!page.is_displayed("#share-banner").await);
    page.close().await;
}

/// The page's own frames are the protocol's: `auth` and a one-JPEG-tile `screen_update`
/// built by media.js decode with `decode_media` to what was put in; the relay's `ack` and
/// `refresh_request` decode in media.js, and malformed ones are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_media_frames_are_the_protocols() {
    let server = TestServer::start().await;
    let page = Browser::open().await;
    page.goto(&server.http("/help?team=tech")).await;
    let bytes = |value: serde_json::Value| -> Vec<u8> {
        value
            .as_array()
            .expect("an array of bytes")
            .iter()
            .map(|b| b.as_u64().expect("a byte") as u8)
            .collect()
    };
    let auth = page
        .client
        .execute(
            "return [...new Uint8Array(SwitchboardMedia.encodeAuth(arguments[0]))];",
            vec!["tøken-1".into()],
        )
        .await
        .unwrap();
    assert_eq!(
        decode_media(&bytes(auth)).unwrap(),
        MediaFrame::Auth {
            token: "tøken-1".into()
        }
    );
    let update = page
        .client
        .execute(
            "return [...new Uint8Array(SwitchboardMedia.encodeJpegUpdate({ \
               seq: 258n, capturedMicros: 1767261600123456n, width: 1000, height: 8192, \
               quality: 55, jpeg: new Uint8Array([255, 216, 1, 2, 3]) }))];",
            vec![],
        )
        .await
        .unwrap();
    let MediaFrame::ScreenUpdate(update) = decode_media(&bytes(update)).unwrap() else {
        panic!("a screen update");
    };
    assert_eq!(
        (
            update.seq,
            update.captured_micros,
            update.width,
            update.height
        ),
        (258, 1_767_261_600_123_456, 1000, 8192)
    );
    assert_eq!(update.tiles.len(), 1);
    assert_eq!(
        update.tiles[0].encoding,
        TileEncoding::Jpeg {
            quality: 55,
            data: vec![255, 216, 1, 2, 3]
        }
    );
    let refused = page
        .client
        .execute(
            "const bad = []; \
             for (const f of [() => SwitchboardMedia.encodeAuth(''), \
                              () => SwitchboardMedia.encodeAuth('x'.repeat(257)), \
                              () => SwitchboardMedia.encodeJpegUpdate({seq: 1n, capturedMicros: 1n, width: 8193, height: 1, quality: 50, jpeg: new Uint8Array([1])}), \
                              () => SwitchboardMedia.encodeJpegUpdate({seq: 1n, capturedMicros: 1n, width: 1, height: 1, quality: 0, jpeg: new Uint8Array([1])}), \
                              () => SwitchboardMedia.encodeJpegUpdate({seq: 1n, capturedMicros: 1n, width: 1, height: 1, quality: 50, jpeg: new Uint8Array([])})]) { \
               try { f(); bad.push('encoded'); } catch { bad.push('refused'); } } \
             return bad;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        refused,
        serde_json::json!(["refused", "refused", "refused", "refused", "refused"])
    );

    let ack = encode_media(&MediaFrame::Ack { seq: 258 }).unwrap();
    let refresh = encode_media(&MediaFrame::RefreshRequest).unwrap();
    let mut long_ack = ack.clone();
    long_ack[4] = 9;
    long_ack.push(0);
    let mut bad_magic = ack.clone();
    bad_magic[0] = b'X';
    let decoded = page
        .client
        .execute(
            "return arguments[0].map((b) => SwitchboardMedia.decodeIncoming(new Uint8Array(b).buffer));",
            vec![serde_json::json!([ack, refresh, long_ack, bad_magic, [0x53, 0x4d, 1]])],
        )
        .await
        .unwrap();
    assert_eq!(
        decoded,
        serde_json::json!([{"kind": "ack", "seq": 258}, {"kind": "refresh"}, null, null, null])
    );
    page.close().await;
}
