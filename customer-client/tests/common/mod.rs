//! Steps the customer client's end-to-end tests share: a real server (testkit), the real
//! `CustomerSession`, and a rep who accepts, asks for the screen and views it over
//! `/ws/media` with the testkit's media client, drawing each update with `apply_update` and
//! acknowledging it, as the console does. `shell.rs`: the rep's side of a shell.
//! `accounts.rs`: the local accounts the elevation tests use with `su`. `installed.rs`: the program with its places under a temporary home (Support Buttons,
//! uninstall). `jump.rs`: Jump Clients (Alice's requests, the agent run in-process, the
//! rep's shell in a jump session). `join.rs`: a web chat that the program takes over with
//! a rep's join code.

#![allow(dead_code, clippy::unwrap_used)]

pub mod accounts;
pub mod installed;
pub mod join;
#[cfg(target_os = "linux")]
pub mod jump;
#[cfg(unix)]
pub mod shell;

use switchboard_customer::RgbaFrame;
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{
    CustomerSession, Policy, SessionConfig, SessionEvent, ShareState,
};
use switchboard_customer::tiles::apply_update;
use switchboard_protocol::media::{InputEvent, MediaFrame, ScreenUpdate};
use switchboard_protocol::{
    Capability, CustomerInfo, GrantId, GrantState, RepId, RepRequest, Route, SessionId,
};
use switchboard_testkit::media::{MediaClient, Next};
use switchboard_testkit::rep::joined;
use switchboard_testkit::{DEADLINE, RepClient, TestServer, personal};
use tokio::sync::mpsc::UnboundedReceiver;

/// A customer started over Alice's personal queue, and Alice in the session.
pub struct Setup {
    pub server: TestServer,
    pub alice: RepClient,
    pub customer: CustomerSession,
    pub events: UnboundedReceiver<SessionEvent>,
    pub session_id: SessionId,
}

pub async fn setup(policy: Policy, screen: ScreenChoice) -> Setup {
    let server = TestServer::start().await;
    let mut alice = server.rep("alice").await;
    let config = SessionConfig {
        server: server.url(),
        customer: CustomerInfo {
            name: "Sam Lee".into(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::Rep {
            rep: RepId::from("alice"),
        },
        policy,
        screen: Ok(screen),
        wake: None,
        elevate_run_as: Vec::new(),
    };
    let (customer, events) = CustomerSession::start(config).await.unwrap();
    let session_id = customer.session_id;
    alice.entry_in(&personal("alice"), session_id).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    Setup {
        server,
        alice,
        customer,
        events,
        session_id,
    }
}

/// `rep` asks for `capability`; the grant's id.
pub async fn request(
    rep: &mut RepClient,
    session_id: SessionId,
    capability: Capability,
) -> GrantId {
    rep.request_remote(session_id, capability).await
}

/// Waits until `rep` sees `grant_id` in `state`.
pub async fn grant_state(rep: &mut RepClient, grant_id: GrantId, state: GrantState) {
    rep.grant_reaches(grant_id, state).await;
}

/// Waits (deadline) until the customer's events report a share state matching `pred`.
pub async fn share_event(
    events: &mut UnboundedReceiver<SessionEvent>,
    pred: impl Fn(&ShareState) -> bool,
) -> ShareState {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the share state came in time")
            .expect("the session still runs");
        if let SessionEvent::Grants { share, .. } = event
            && pred(&share)
        {
            return share;
        }
    }
}

/// A rep's view of the customer's screen.
pub struct Viewer {
    pub media: MediaClient,
    pub frame: RgbaFrame,
    pub last: Option<ScreenUpdate>,
}

impl Viewer {
    /// Opens `rep`'s media socket for `session_id`.
    pub async fn open(server: &TestServer, rep: &mut RepClient, session_id: SessionId) -> Viewer {
        let ticket = rep.open_media(session_id).await;
        Viewer {
            media: MediaClient::auth(server.addr, &ticket.token).await,
            frame: RgbaFrame::filled(1, 1, [0; 4]),
            last: None,
        }
    }

    /// Draws updates (acknowledging each) until `done` holds for the picture.
    pub async fn until(&mut self, what: &str, done: impl Fn(&RgbaFrame) -> bool) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            if self.last.is_some() && done(&self.frame) {
                return;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.media.next_within(left).await {
                Next::Binary(bytes) => self.draw(&bytes).await,
                other => panic!("waiting for {what}: {other:?}"),
            }
        }
    }

    /// Reads and draws the next screen update (within the deadline).
    pub async fn next_update(&mut self) {
        let before = self.last.as_ref().map(|u| u.seq);
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while self.last.as_ref().map(|u| u.seq) == before {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.media.next_within(left).await {
                Next::Binary(bytes) => self.draw(&bytes).await,
                other => panic!("waiting for an update: {other:?}"),
            }
        }
    }

    async fn draw(&mut self, bytes: &[u8]) {
        if let Ok(MediaFrame::ScreenUpdate(update)) =
            switchboard_protocol::media::decode_media(bytes)
        {
            apply_update(&mut self.frame, &update).unwrap();
            self.media.send(&MediaFrame::Ack { seq: update.seq }).await;
            self.last = Some(update);
        }
    }

    /// Reads until the socket closes (within the deadline); the close code.
    pub async fn closed(&mut self) -> Option<u16> {
        self.media.closed().await
    }

    pub async fn click(&mut self, x: u16, y: u16) {
        for pressed in [true, false] {
            self.media
                .send(&MediaFrame::Input(InputEvent::PointerButton {
                    x,
                    y,
                    button: 1,
                    pressed,
                }))
                .await;
        }
    }
}
