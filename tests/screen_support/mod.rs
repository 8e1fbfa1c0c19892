//! What the console's end-to-end screen tests (`tests/e2e_screen.rs`) and the glass-to-glass
//! bench (`benches/glass_to_glass.rs`, which includes this file by path) share: a real server
//! (testkit), the real customer client (`CustomerSession`) started over Alice's personal
//! queue with Alice in the session, a second rep joining by invitation, and the console's own
//! media client ([`switchboard::net::open_screen_at`]: its socket task, decoder thread and
//! [`SharedPicture`]) with waits that wake when the picture changes, each with a deadline.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard::net::{ScreenStream, SharedPicture, StreamState, open_screen_at};
use switchboard_customer::RgbaFrame;
use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{
    CustomerSession, Policy, SessionConfig, SessionEvent, ShareState,
};
use switchboard_protocol::{
    Capability, CustomerInfo, GrantId, GrantState, InviteTarget, OkResult, RepId, RepRequest,
    Route, SessionId,
};
use switchboard_server::config::Config;
use switchboard_testkit::rep::joined;
use switchboard_testkit::{DEADLINE, RepClient, TestServer, personal};
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedReceiver;

/// A customer running the real customer client, started over Alice's personal queue, and
/// Alice (owner) in the session.
pub struct Setup {
    pub server: TestServer,
    pub alice: RepClient,
    pub customer: CustomerSession,
    pub events: UnboundedReceiver<SessionEvent>,
    pub session_id: SessionId,
}

/// [`setup_with`] the kit's test configuration.
pub async fn setup(policy: Policy, screen: ScreenChoice) -> Setup {
    setup_with(switchboard_testkit::test_config(), policy, screen).await
}

/// A server with `config`, the customer client answering consent by `policy` and sharing
/// `screen`, and Alice who accepted the session.
pub async fn setup_with(config: Arc<Config>, policy: Policy, screen: ScreenChoice) -> Setup {
    let server = TestServer::start_with(config).await;
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

impl Setup {
    /// `user` logs in, is invited by Alice and accepts: a second rep in the session.
    pub async fn second_rep(&mut self, user: &str) -> RepClient {
        let mut rep = self.server.rep(user).await;
        let invitation_id = self
            .alice
            .invite(
                self.session_id,
                InviteTarget::Rep {
                    rep: RepId::from(user),
                },
            )
            .await;
        rep.ok(RepRequest::AcceptInvitation { invitation_id }).await;
        joined(&mut rep, self.session_id).await;
        rep
    }

    /// Alice asks for `capability` and waits until it is granted; the grant.
    pub async fn granted(&mut self, capability: Capability) -> GrantId {
        granted(&mut self.alice, self.session_id, capability).await
    }

    /// Alice's console stream, opened with a ticket from `open_media` as the console's
    /// `app/screens.rs` does.
    pub async fn console(&mut self) -> Console {
        let ticket = self.alice.open_media(self.session_id).await;
        Console::open(&self.server, self.session_id, ticket)
    }

    /// Media sockets attached on the server's relay (publishers and viewers).
    pub fn media_sockets(&self) -> usize {
        self.server.server.as_ref().unwrap().media().counts().1
    }

    /// Waits (deadline) until `sockets` media sockets are attached (the kit's
    /// `wait_attached`).
    pub async fn wait_media_sockets(&self, sockets: usize) {
        let relay = self.server.server.as_ref().unwrap().media();
        switchboard_testkit::media::wait_attached(&relay, sockets).await;
    }
}

/// `rep` asks for `capability` and waits until the customer's side granted it.
pub async fn granted(
    rep: &mut RepClient,
    session_id: SessionId,
    capability: Capability,
) -> GrantId {
    let grant = rep.request_remote(session_id, capability).await;
    rep.grant_reaches(grant, GrantState::Granted).await;
    grant
}

/// `open_media` for `rep`, refused: the error code.
pub async fn open_media_refused(
    rep: &mut RepClient,
    session_id: SessionId,
) -> switchboard_protocol::ErrorCode {
    let request = RepRequest::OpenMedia {
        session_id,
        channel: switchboard_protocol::MediaChannel::Screen,
    };
    match rep.request(request).await {
        Err((code, _)) => code,
        Ok(Some(OkResult::Media { .. })) => panic!("open_media gave a ticket"),
        Ok(other) => panic!("open_media answered {other:?}"),
    }
}

/// Waits (deadline) until the customer's events report a share state matching `pred`.
pub async fn share_event(
    events: &mut UnboundedReceiver<SessionEvent>,
    what: &str,
    pred: impl Fn(&ShareState) -> bool,
) -> ShareState {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("the customer's share state {what} within {DEADLINE:?}"))
            .expect("the session still runs");
        if let SessionEvent::Grants { share, .. } = event
            && pred(&share)
        {
            return share;
        }
    }
}

/// The console's screen stream (`net/media.rs`) for one rep, and what wakes it.
pub struct Console {
    pub stream: ScreenStream,
    /// Notified whenever the stream wakes the UI (a picture painted, the state changed).
    woken: Arc<Notify>,
    /// How many times it woke the UI.
    wakes: Arc<AtomicU64>,
    /// When it woke the UI, while [`Console::log_wakes`] is on.
    wake_log: Arc<Mutex<Option<Vec<Instant>>>>,
}

impl Console {
    /// Opens the console's stream to the test server's `/ws/media` with `ticket`, on the
    /// current runtime.
    pub fn open(
        server: &TestServer,
        session_id: SessionId,
        ticket: switchboard_protocol::MediaTicket,
    ) -> Console {
        let woken = Arc::new(Notify::new());
        let wakes = Arc::new(AtomicU64::new(0));
        let wake_log = Arc::new(Mutex::new(None::<Vec<Instant>>));
        let (notify, count, log) = (woken.clone(), wakes.clone(), wake_log.clone());
        let url = format!("ws://{}/ws/media", server.addr);
        let stream = open_screen_at(
            &tokio::runtime::Handle::current(),
            &url,
            session_id,
            ticket,
            move || {
                count.fetch_add(1, Ordering::SeqCst);
                if let Some(times) = log.lock().unwrap().as_mut() {
                    times.push(Instant::now());
                }
                notify.notify_one();
            },
        );
        Console {
            stream,
            woken,
            wakes,
            wake_log,
        }
    }

    /// Starts noting when the stream wakes the UI (each picture painted), from now on.
    pub fn log_wakes(&self) {
        *self.wake_log.lock().unwrap() = Some(Vec::new());
    }

    /// Stops noting wakes; those noted since [`Console::log_wakes`].
    pub fn take_wakes(&self) -> Vec<Instant> {
        self.wake_log.lock().unwrap().take().unwrap_or_default()
    }

    pub fn picture(&self) -> &SharedPicture {
        self.stream.picture()
    }

    /// How many times the stream has woken the UI so far.
    pub fn wakes(&self) -> u64 {
        self.wakes.load(Ordering::SeqCst)
    }

    /// Waits until `done` holds for the console's picture, woken by the stream, within
    /// `limit`; whether it did.
    pub async fn picture_within(
        &self,
        limit: Duration,
        mut done: impl FnMut(&RgbaFrame) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let holds = self.picture().lock().frame.as_ref().is_some_and(&mut done);
            if holds {
                return true;
            }
            if self.stream.state().is_over() {
                return false;
            }
            if tokio::time::timeout_at(deadline, self.woken.notified())
                .await
                .is_err()
            {
                return self.picture().lock().frame.as_ref().is_some_and(&mut done);
            }
        }
    }

    /// Waits (deadline) until `done` holds for the console's picture.
    pub async fn picture_until(&self, what: &str, done: impl FnMut(&RgbaFrame) -> bool) {
        if !self.picture_within(DEADLINE, done).await {
            let size = self.picture().lock().size();
            panic!(
                "the console's picture never showed {what} within {DEADLINE:?} (picture {size:?}, \
                 stream {:?})",
                self.stream.state()
            );
        }
    }

    /// Waits until the console's picture is exactly `truth`; on the deadline, fails saying how
    /// many pixels differ.
    pub async fn picture_equals(&self, what: &str, truth: &RgbaFrame) {
        if self.picture_within(DEADLINE, |f| f == truth).await {
            return;
        }
        let picture = self.picture().lock();
        let differing = picture.frame.as_ref().map(|f| {
            f.pixels
                .chunks(4)
                .zip(truth.pixels.chunks(4))
                .filter(|(a, b)| a != b)
                .count()
        });
        panic!(
            "the console's picture was not exactly {what} within {DEADLINE:?}: size {:?} (want \
             {}×{}), {differing:?} pixels differ",
            picture.size(),
            truth.width,
            truth.height
        );
    }

    /// Waits (deadline) until the stream's state matches `pred`; the state.
    pub async fn state_until(
        &self,
        what: &str,
        pred: impl Fn(&StreamState) -> bool,
    ) -> StreamState {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let state = self.stream.state();
            if pred(&state) {
                return state;
            }
            if tokio::time::timeout_at(deadline, self.woken.notified())
                .await
                .is_err()
            {
                let state = self.stream.state();
                assert!(pred(&state), "the console's stream {what}: still {state:?}");
                return state;
            }
        }
    }
}

/// Whether every pixel of the `w`×`h` rectangle at (`x`, `y`) of `frame` is `rgba`.
pub fn rect_is(frame: &RgbaFrame, x: u16, y: u16, w: u16, h: u16, rgba: [u8; 4]) -> bool {
    frame.contains(x, y, w, h)
        && (y..y + h).all(|row| (x..x + w).all(|column| frame.pixel(column, row) == rgba))
}

/// Whether two pixels are within `tolerance` of each other in every channel (JPEG).
pub fn near(a: [u8; 4], b: [u8; 4], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tolerance)
}
