//! The one task that owns the router: takes messages from connections in batches, runs
//! them through the router, commits the batch's changes to the store in one transaction
//! (group commit), and only then sends replies and events. Slow readers are cut off.
//!
//! Split by job: this file has the messages, the loop and the task's state; `handle.rs`
//! turns each message into router inputs; `deliver.rs` commits and sends; `consoles.rs`
//! attaches, replaces and lets go of rep connections (and answers resumes of ended
//! sessions from the store).

mod consoles;
mod deliver;
mod handle;
mod jumps;
mod media;
mod replies;

pub(crate) use replies::splice;

use super::commit::{FailStop, commit_or_stop, lease_still_held};
use super::lease::LeaseGuard;
use super::media::MediaRelay;
use super::streams::RepStreams;
use super::throttle::Throttle;
use crate::router::effects::{CustomerRead, Effect, RepRead, StoreOp};
use crate::router::rate::Buckets;
use crate::router::{FileSender, Input, Reply, Router};
use crate::store::{CommitBatch, Store};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{
    Attachment, ClientKind, CustomerInfo, CustomerRequest, ErrorCode, OkResult, PROTOCOL_VERSION,
    RepId, RepRequest, RepServerMessage, RequestId, ResumeFrom, Route, SessionId,
};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Frames queued for one connection before it counts as a slow reader and is dropped.
pub const OUTBOUND_QUEUE: usize = 1024;
/// At most this many messages are handled (and committed) together.
const MAX_BATCH: usize = 512;
/// How often timers run (bench_setup.rs drives the pure router at this pace too).
pub(crate) const TICK: Duration = Duration::from_millis(100);

/// What a connection task writes to its socket.
#[derive(Debug, Clone)]
pub enum Outbound {
    /// A text frame, as the socket takes it: shared bytes, so a frame sent to a rep and
    /// kept for their resume is one buffer, and writing it copies nothing.
    Text(Utf8Bytes),
    /// Close the socket after what came before.
    Close,
    /// Close with a WebSocket close code and reason, so the peer knows not to come back
    /// (a console replaced by a newer connection of the same rep).
    CloseWith { code: u16, reason: &'static str },
}

pub use switchboard_protocol::CLOSE_REPLACED;

/// The close code for a console whose login token was logged out or expired: it may log
/// in again (4000–4999 is the range RFC 6455 leaves to applications).
pub const CLOSE_TOKEN_ENDED: u16 = 4002;

/// How often (in ticks) the core looks for consoles whose token expired.
const EXPIRY_CHECK_TICKS: u32 = 10;

pub type OutboundTx = mpsc::Sender<Outbound>;
pub type ConnId = u64;

/// A message from a connection task (or a test) to the core.
pub enum CoreMsg {
    RepAttach {
        rep: RepId,
        conn: ConnId,
        tx: OutboundTx,
        resume: Option<ResumeFrom>,
        /// The hash of the login token the console said hello with, and its expiry.
        token_hash: String,
        expires_at: u64,
    },
    /// A token was logged out: its console is closed.
    RevokeToken {
        token_hash: String,
    },
    RepDetach {
        rep: RepId,
        conn: ConnId,
    },
    RepRequest {
        rep: RepId,
        conn: ConnId,
        id: RequestId,
        request: RepRequest,
    },
    CustomerStart {
        conn: ConnId,
        tx: OutboundTx,
        source: IpAddr,
        customer: CustomerInfo,
        route: Route,
        token: String,
        /// The customer's program, from `start`'s `client`.
        client: ClientKind,
        /// What the customer is on, from the socket's address (`?platform=ios`).
        platform: switchboard_protocol::Platform,
    },
    CustomerResume {
        conn: ConnId,
        tx: OutboundTx,
        session_id: SessionId,
        token: String,
    },
    /// The native client's `join` with a code from `offer_client` (rate limited per
    /// address like session keys); `token` is its new reconnect token.
    CustomerJoin {
        conn: ConnId,
        tx: OutboundTx,
        source: IpAddr,
        code: String,
        token: String,
    },
    CustomerRequest {
        conn: ConnId,
        id: RequestId,
        request: CustomerRequest,
    },
    CustomerDetach {
        conn: ConnId,
    },
    /// A Jump Client agent's hello on `/ws/jump` (its protocol version already checked).
    JumpHello {
        conn: ConnId,
        tx: OutboundTx,
        token: String,
        machine: switchboard_protocol::MachineInfo,
    },
    /// An agent's connection ended.
    JumpDetach {
        conn: ConnId,
    },
    /// Answers with the reps currently available (for the portal's rep list).
    AvailableReps(oneshot::Sender<Vec<(RepId, String)>>),
    /// A stored file becomes a chat entry; answered once that entry is durable.
    ShareFile {
        sender: FileSender,
        session_id: SessionId,
        attachment: Attachment,
        answer: oneshot::Sender<Reply>,
    },
    /// Whether `token` is the customer token of live session `session_id` (`None`: the
    /// session is not live; ask the store).
    CustomerTokenMatches {
        session_id: SessionId,
        token: String,
        answer: oneshot::Sender<Option<bool>>,
    },
    /// Whether `sender` may share a file in session `session_id` now: asked before an
    /// upload's body is read, so a refused upload costs no bytes.
    MayShareFile {
        sender: FileSender,
        session_id: SessionId,
        answer: oneshot::Sender<Result<(), switchboard_protocol::ErrorBody>>,
    },
    /// Whether `rep` may download the files of live session `session_id` (`None`: the
    /// session is not live; ask the store).
    RepMayReadFiles {
        rep: RepId,
        session_id: SessionId,
        answer: oneshot::Sender<Option<bool>>,
    },
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A delivery to carry out after the batch is durable.
enum Delivery {
    Effect(Effect),
    RepReply {
        rep: RepId,
        conn: ConnId,
        id: RequestId,
        reply: Reply,
    },
    CustomerReply {
        conn: ConnId,
        id: Option<RequestId>,
        reply: Reply,
    },
    /// After a customer hello: a connection that is not bound to a live session now (the
    /// hello was refused, or the session is over for the customer) is closed.
    CloseUnbound(ConnId),
    /// After the `ok` to a customer's `leave`: that connection is closed.
    CloseCustomerConn(ConnId),
    /// A rep request whose answer the store reads (after the batch, like any reply).
    RepRead {
        rep: RepId,
        conn: ConnId,
        id: RequestId,
        read: RepRead,
    },
    /// A customer hello whose answer the store reads; the connection closes after it.
    CustomerRead {
        conn: ConnId,
        read: CustomerRead,
    },
    /// Who may view a session's screen, once the batch that decided it is durable (see
    /// `media.rs`; `decision` tells it from a later one).
    MediaAccess {
        session_id: SessionId,
        viewers: media::Viewers,
        decision: u64,
    },
    /// An agent's hello refused: `error`, then the connection closes.
    JumpRefused {
        conn: ConnId,
        error: switchboard_protocol::ErrorBody,
    },
    /// After an agent's hello: a connection not bound to a Jump Client now (answered
    /// `uninstall`) is closed.
    CloseUnboundJump(ConnId),
    /// A reply to an HTTP handler waiting in another task.
    Answer {
        answer: oneshot::Sender<Reply>,
        reply: Reply,
    },
}

struct Core {
    router: Router,
    store: Store,
    /// The media relay: the core applies the router's grant decisions to it (`media.rs`).
    media: MediaRelay,
    media_state: media::MediaState,
    streams: RepStreams,
    reps: HashMap<RepId, (ConnId, OutboundTx)>,
    /// Each console's login token (hash) and expiry, by rep.
    rep_tokens: HashMap<RepId, (ConnId, String, u64)>,
    /// Customer connections, bound to a session or not yet.
    customers: HashMap<ConnId, (OutboundTx, Option<SessionId>)>,
    session_customer: HashMap<SessionId, ConnId>,
    /// Jump Client agents' connections (`jumps.rs`).
    jumps: jumps::JumpConns,
    key_guesses: Throttle<IpAddr>,
    /// New customer sessions per source address.
    new_sessions: Buckets<IpAddr>,
    deliveries: Vec<Delivery>,
    /// The last flush's deliveries, emptied: kept for their capacity, so the next batch's
    /// deliveries go into them instead of a new Vec grown from nothing every batch.
    spare_deliveries: Vec<Delivery>,
    ops: Vec<StoreOp>,
    /// The batch whose deliveries are being sent (during the flush): its chat messages'
    /// JSON, encoded once, is spliced into their frames.
    delivering: Option<Arc<CommitBatch>>,
    /// What the input just handled needs read from the store to be answered.
    rep_read: Option<RepRead>,
    customer_read: Option<CustomerRead>,
    /// Set when a batch could not be stored: the core stops (see `commit.rs`).
    stopped: Option<FailStop>,
    /// The lease's local guard (PostgreSQL with standbys): checked after every commit,
    /// before anything is delivered (`commit.rs`). None: no lease, nothing to check.
    lease: Option<LeaseGuard>,
}

/// Runs the core until `shutdown` turns true or every sender is gone.
// Called once, from `server::start_with_storage`; each argument is a part the core owns.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    router: Router,
    store: Store,
    media: MediaRelay,
    stream_id: String,
    mut rx: mpsc::Receiver<CoreMsg>,
    mut shutdown: watch::Receiver<bool>,
    failed: watch::Sender<Option<FailStop>>,
    lease: Option<LeaseGuard>,
) {
    let limits = router.config().limits.clone();
    let mut core = Core {
        router,
        store,
        media,
        media_state: Default::default(),
        streams: RepStreams::new(stream_id),
        reps: HashMap::new(),
        rep_tokens: HashMap::new(),
        customers: HashMap::new(),
        session_customer: HashMap::new(),
        jumps: Default::default(),
        key_guesses: Throttle::new(limits.session_key_guesses_per_minute as usize, 60_000),
        new_sessions: Buckets::per_minute(
            limits.sessions_per_minute_per_address,
            limits.session_burst_per_address,
        ),
        deliveries: Vec::new(),
        spare_deliveries: Vec::new(),
        ops: Vec::new(),
        delivering: None,
        stopped: None,
        lease,
        rep_read: None,
        customer_read: None,
    };
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut ticks: u32 = 0;
    loop {
        tokio::select! {
            // A message from a connection: take it and whatever else is already queued.
            received = rx.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    break;
                }
                for msg in batch.drain(..) {
                    core.handle(msg).await;
                }
                core.flush().await;
            }
            // Timers: grace periods, offer deadlines, waiting rules; expired tokens.
            _ = ticker.tick() => {
                core.notify(Input::Tick);
                core.store.metrics().publish(super::metrics::CoreGauges {
                    rep_connections: core.reps.len(),
                    customer_connections: core.customers.len(),
                    jump_connections: core.router.jump_clients_online(),
                    waiting: core.router.waiting_by_queue(),
                });
                ticks = ticks.wrapping_add(1);
                if ticks.is_multiple_of(EXPIRY_CHECK_TICKS) {
                    core.close_expired_tokens(now_ms());
                }
                core.flush().await;
            }
            // Ctrl-C or the test harness: stop taking work; the store thread finishes its commits.
            _ = shutdown.changed() => {
                if *shutdown.borrow() {
                    break;
                }
            }
        }
        if let Some(stop) = core.stopped.take() {
            // Nothing more is taken or sent; whoever runs the server learns why.
            let _ = failed.send(Some(stop));
            break;
        }
    }
    for (_, (_, tx)) in core.reps.drain() {
        let _ = tx.try_send(Outbound::Close);
    }
    for (_, (tx, _)) in core.customers.drain() {
        let _ = tx.try_send(Outbound::Close);
    }
    core.close_jumps();
}

impl Core {
    /// Runs an input without a requester; keeps its effects for the flush.
    pub(super) fn input(&mut self, input: Input) -> Reply {
        let (reply, effects) = self.router.handle(now_ms(), input);
        for effect in effects {
            match effect {
                Effect::Persist(op) => self.ops.push(op),
                Effect::ReadForRep(read) => self.rep_read = Some(read),
                Effect::ReadForCustomer(read) => self.customer_read = Some(read),
                Effect::MediaAccess {
                    session_id,
                    viewers,
                } => self.media_access(session_id, viewers),
                other => self.deliveries.push(Delivery::Effect(other)),
            }
        }
        reply
    }

    /// Runs an input that is not a request: there is nobody to reply to.
    pub(super) fn notify(&mut self, input: Input) {
        if let Err(error) = self.input(input) {
            tracing::debug!(?error, "notification refused");
        }
    }
}

/// Queues a message for a connection; false if its queue is full or it is gone.
pub(super) fn send_json<T: serde::Serialize>(tx: &OutboundTx, message: &T) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => send_text(tx, text),
        Err(error) => {
            tracing::error!(%error, "could not encode a message");
            true
        }
    }
}

/// Queues an encoded frame for a connection (its bytes are moved, not copied); false if
/// its queue is full or it is gone.
pub(super) fn send_text(tx: &OutboundTx, text: String) -> bool {
    tx.try_send(Outbound::Text(Utf8Bytes::from(text))).is_ok()
}

/// A handle for sending to the core.
#[derive(Clone)]
pub struct CoreHandle {
    pub tx: mpsc::Sender<CoreMsg>,
}

impl CoreHandle {
    /// Queues a message for the core, waiting while its queue is full; false when the core
    /// is gone. Every connection task holds this future across an `.await` for its whole
    /// life, so its size is memory per idle connection (issue 11): the common case (room in
    /// the queue) needs no waiting state at all, and only a full queue allocates the
    /// waiting send (`Sender::send`'s future is ~600 bytes more than the message).
    pub async fn send(&self, msg: CoreMsg) -> bool {
        match self.tx.try_send(msg) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Closed(_)) => false,
            // Waiters are served in order, so this keeps the connection's order too.
            Err(mpsc::error::TrySendError::Full(msg)) => Box::pin(self.tx.send(msg)).await.is_ok(),
        }
    }
}

/// A process-wide unique connection id.
pub fn next_conn_id() -> ConnId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
