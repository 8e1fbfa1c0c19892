//! End to end in a real browser: a help-link page shares its own tab when a rep asks. Headless
//! Chromium (`--auto-accept-this-tab-capture`, so the tab picker says yes by itself) runs the
//! portal served by the real server; a real rep asks and opens `/ws/media` as a viewer, and
//! the JPEG pictures the page sends are decoded here and looked at: a password field and a
//! `data-private` element are solid blocks, the rest of the page is not.

#![allow(clippy::unwrap_used)]

mod browser;
mod common;

use browser::Browser;
use browser::shared_page::*;
use common::*;
use switchboard_protocol::media::{MediaFrame, TileEncoding, decode_media, encode_media};
use switchboard_protocol::*;

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

/// `rep`'s grant `grant_id` once it is in `state`.
async fn grant_reaches(rep: &mut RepClient, grant_id: GrantId, state: GrantState) -> GrantInfo {
    let session = rep.grant_reaches(grant_id, state).await;
    session
        .remote
        .grants
        .into_iter()
        .find(|g| g.grant_id == grant_id)
        .expect("the grant the event was picked for")
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
    page.screenshot_if_asked("portal-share-request").await;
    page.click(".consent-share").await;
    let grant = grant_reaches(&mut alice, grant_id, GrantState::Granted).await;
    assert_eq!(grant.rep_name, "Alice");
    page.wait_for_text("#share-banner", "Alice is viewing this page")
        .await;
    assert!(sharing_class(&page).await, "masked while shared");
    page.screenshot_if_asked("portal-sharing").await;

    let ticket = alice.open_media(session_id).await;
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
    let stopped = grant_reaches(&mut alice, grant_id, GrantState::Stopped).await;
    assert_eq!(stopped.ended, Some(GrantEnd::CustomerStopped));
    page.wait_for_text("#messages", "This page is no longer shared.")
        .await;
    assert!(!page.is_displayed("#share-banner").await, "the banner goes");
    assert!(!sharing_class(&page).await, "unmasked after sharing");
    page.close().await;
}

/// The rep stopping (or the server ending the grant) ends the page's share by itself: the
/// media socket is closed with 4410, and the page lets the tab go, unmasks and drops the
/// banner without the customer doing anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rep_stopping_ends_the_share_on_the_page() {
    let server = TestServer::start().await;
    let (page, mut alice, session_id) = browser_session(&server, "Rae Revoked").await;
    let grant_id = ask_to_view(&page, &mut alice, session_id).await;
    page.click(".consent-share").await;
    grant_reaches(&mut alice, grant_id, GrantState::Granted).await;
    let ticket = alice.open_media(session_id).await;
    let mut viewer = Viewer::auth(server.addr, &ticket.token).await;
    next_picture(&mut viewer).await;
    assert!(sharing_class(&page).await);

    alice
        .ok(RepRequest::StopRemote {
            session_id,
            grant_id,
            keep_view: false,
        })
        .await;
    assert_eq!(viewer.closed().await, Some(4410));
    let stopped = grant_reaches(&mut alice, grant_id, GrantState::Stopped).await;
    assert_eq!(stopped.ended, Some(GrantEnd::RepStopped));
    page.wait_for_text("#messages", "This page is no longer shared.")
        .await;
    assert!(!page.is_displayed("#share-banner").await, "the banner goes");
    assert!(!sharing_class(&page).await, "unmasked once the grant ended");
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
    grant_reaches(&mut alice, grant_id, GrantState::Denied).await;
    let err = alice
        .request(RepRequest::OpenMedia {
            session_id,
            channel: Default::default(),
        })
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

/// A customer's own site on another origin (another port) that frames the help link as
/// docs/EMBEDDING.md shows: `/allowed` with `allow="display-capture"`, `/plain` without.
/// Both load embed.js and have a password field of their own above the frame.
/// Serves on `listener` (bound first, so the server's configuration can name its origin).
fn host_site(listener: tokio::net::TcpListener, portal: String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let portal = portal.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let n = stream.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..n]);
                let allow = if request.starts_with("GET /allowed ") {
                    r#"allow="display-capture""#
                } else {
                    ""
                };
                let block = "position:fixed;top:40px;width:420px;height:80px;border:0;\
                             padding:0 8px;font:bold 44px sans-serif;color:#000;background:#fff";
                let body = format!(
                    r#"<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script src="{portal}/assets/embed.js" defer></script></head>
<body style="margin:0;background:#fff">
<input type="password" id="host-password" value="hostsecret" style="{block};left:40px">
<div id="host-open" style="{block};left:500px">WWWW MMMM</div>
<iframe id="help" {allow} src="{portal}/help?rep=alice"
 style="position:fixed;left:0;top:160px;width:1000px;height:600px;border:0"></iframe>
</body></html>"#
                );
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
}

/// The real server allowing a host site to frame its help links (`[limits]
/// allowed_origins`), and that site serving; the site's address.
async fn server_and_framing_site() -> (TestServer, std::net::SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap();
    let server = TestServer::start_with(test_config_with_limits(&format!(
        "allowed_origins = [\"http://{host}\"]\n"
    )))
    .await;
    host_site(listener, server.url());
    (server, host)
}

/// Starts a chat inside the host page's frame; Alice accepts. The page stays in the frame.
async fn framed_session(
    server: &TestServer,
    page: &Browser,
    host_path: &str,
    host: std::net::SocketAddr,
    name: &str,
) -> (RepClient, SessionId) {
    let mut alice = server.rep("alice").await;
    page.goto(&format!("http://{host}{host_path}")).await;
    page.client
        .wait()
        .at_most(browser::PAGE_DEADLINE)
        .for_element(fantoccini::Locator::Css("#help"))
        .await
        .unwrap()
        .enter_frame()
        .await
        .unwrap();
    page.fill("#name", name).await;
    page.click("#start").await;
    let entry = browser_entry(&mut alice, name).await;
    let session_id = entry.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    page.wait_for_text("#status", "You are chatting with Alice")
        .await;
    (alice, session_id)
}

/// The help link framed by an allowed site with `allow="display-capture"`: Share captures
/// the whole tab (the site's page), and the site's own password field is masked through
/// embed.js while its ordinary text is not; Stop unmasks the site too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_framing_site_with_display_capture_shares_and_masks_its_own_fields() {
    let (server, host) = server_and_framing_site().await;
    let page = Browser::open_with(&[AUTO_ACCEPT]).await;
    let (mut alice, session_id) =
        framed_session(&server, &page, "/allowed", host, "Framed Fran").await;
    let grant_id = ask_to_view(&page, &mut alice, session_id).await;
    page.click(".consent-share").await;
    grant_reaches(&mut alice, grant_id, GrantState::Granted).await;
    page.wait_for_text("#share-banner", "Alice is viewing this page")
        .await;

    let ticket = alice.open_media(session_id).await;
    let mut viewer = Viewer::auth(server.addr, &ticket.token).await;
    page.client.enter_parent_frame().await.unwrap();
    let width = page
        .client
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        sharing_class(&page).await,
        "the site is masked through embed.js"
    );
    // Every picture, the first included, shows the site's password field masked: the page
    // captures only once embed.js said the site is masked.
    let (_, picture) = next_picture(&mut viewer).await;
    picture.save_if_asked("portal-framed-picture");
    let site_text = picture.region(width, (512.0, 52.0, 396.0, 56.0));
    let site_password = picture.region(width, (52.0, 52.0, 396.0, 56.0));
    assert!(
        contrast(&site_text) > 120,
        "the site's own text is in the picture (contrast {})",
        contrast(&site_text)
    );
    assert!(
        all_near(&site_password, MASK_RGB, 24),
        "the site's password field is a solid block (contrast {})",
        contrast(&site_password)
    );

    let help = page
        .client
        .find(fantoccini::Locator::Css("#help"))
        .await
        .unwrap();
    help.enter_frame().await.unwrap();
    page.click("#share-stop").await;
    assert_eq!(viewer.closed().await, Some(4410));
    page.client.enter_parent_frame().await.unwrap();
    let deadline = tokio::time::Instant::now() + browser::PAGE_DEADLINE;
    while sharing_class(&page).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the site stayed masked after Stop"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    page.close().await;
}

/// The help link framed without `allow="display-capture"`: Chromium's permissions policy
/// refuses the capture, so Share answers no (the rep sees `denied`), the customer is told,
/// and nothing stays masked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_without_display_capture_cannot_share_and_answers_no() {
    let (server, host) = server_and_framing_site().await;
    let page = Browser::open_with(&[AUTO_ACCEPT]).await;
    let (mut alice, session_id) = framed_session(&server, &page, "/plain", host, "Plain Pat").await;
    let grant_id = ask_to_view(&page, &mut alice, session_id).await;
    page.click(".consent-share").await;
    grant_reaches(&mut alice, grant_id, GrantState::Denied).await;
    page.wait_for_text("#messages", "This page was not shared.")
        .await;
    assert!(!sharing_class(&page).await, "the portal is not masked");
    page.client.enter_parent_frame().await.unwrap();
    assert!(!sharing_class(&page).await, "the site is not masked");
    page.close().await;
}
