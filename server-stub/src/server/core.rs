//! The one task that owns the router: takes messages from connections in batches, runs
//! them through the router, commits the batch's changes to the store in one transaction
//! (group commit), and only then sends replies and events. Slow readers are cut off.

use super::commit::{FailStop, commit_or_stop};
use super::streams::RepStreams;
use super::throttle::Throttle;
use crate::router::effects::{Effect, StoreOp};
use crate::router::rate::Buckets;
use crate::router::{FileSender, Input, Reply, Router};
use crate::store::Store;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{
    Attachment, CustomerInfo, CustomerRequest, CustomerServerMessage, ErrorCode, OkResult,
    PROTOCOL_VERSION, RepId, RepRequest, RepServerMessage, RequestId, ResumeFrom, Route, SessionId,
};
use tokio::sync::{mpsc, oneshot, watch};

/// Frames queued for one connection before it counts as a slow reader and is dropped.
pub const OUTBOUND_QUEUE: usize = 1024;
/// At most this many messages are handled (and committed) together.
const MAX_BATCH: usize = 512;
/// How often timers run.
const TICK: Duration = Duration::from_millis(100);

/// What a connection task writes to its socket.
#[derive(Debug, Clone)]
pub enum Outbound {
    Text(Arc<str>),
    /// Close the socket after what came before.
    Close,
    /// Close with a WebSocket close code and reason, so the peer knows not to come back
    /// (a console replaced by a newer connection of the same rep).
    CloseWith {
        code: u16,
        reason: &'static str,
    },
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
    },
    CustomerResume {
        conn: ConnId,
        tx: OutboundTx,
        session_id: SessionId,
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

/// Earlier chats sent per "Load older messages".
const HISTORY_PAGE: u32 = 5;

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
    /// A reply to an HTTP handler waiting in another task.
    Answer {
        answer: oneshot::Sender<Reply>,
        reply: Reply,
    },
}

struct Core {
    router: Router,
    store: Store,
    streams: RepStreams,
    reps: HashMap<RepId, (ConnId, OutboundTx)>,
    /// Each console's login token (hash) and expiry, by rep.
    rep_tokens: HashMap<RepId, (ConnId, String, u64)>,
    /// Customer connections, bound to a session or not yet.
    customers: HashMap<ConnId, (OutboundTx, Option<SessionId>)>,
    session_customer: HashMap<SessionId, ConnId>,
    key_guesses: Throttle<IpAddr>,
    /// New customer sessions per source address.
    new_sessions: Buckets<IpAddr>,
    deliveries: Vec<Delivery>,
    ops: Vec<StoreOp>,
    /// Set when a batch could not be stored: the core stops (see `commit.rs`).
    stopped: Option<FailStop>,
}

/// Runs the core until `shutdown` turns true or every sender is gone.
pub async fn run(
    router: Router,
    store: Store,
    stream_id: String,
    mut rx: mpsc::Receiver<CoreMsg>,
    mut shutdown: watch::Receiver<bool>,
    failed: watch::Sender<Option<FailStop>>,
) {
    let limits = router.config().limits.clone();
    let mut core = Core {
        router,
        store,
        streams: RepStreams::new(stream_id),
        reps: HashMap::new(),
        rep_tokens: HashMap::new(),
        customers: HashMap::new(),
        session_customer: HashMap::new(),
        key_guesses: Throttle::new(limits.session_key_guesses_per_minute as usize, 60_000),
        new_sessions: Buckets::per_minute(
            limits.sessions_per_minute_per_address,
            limits.session_burst_per_address,
        ),
        deliveries: Vec::new(),
        ops: Vec::new(),
        stopped: None,
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
}

impl Core {
    /// Runs an input without a requester; keeps its effects for the flush.
    fn input(&mut self, input: Input) -> Reply {
        let (reply, effects) = self.router.handle(now_ms(), input);
        for effect in effects {
            match effect {
                Effect::Persist(op) => self.ops.push(op),
                other => self.deliveries.push(Delivery::Effect(other)),
            }
        }
        reply
    }

    /// Runs an input that is not a request: there is nobody to reply to.
    fn notify(&mut self, input: Input) {
        if let Err(error) = self.input(input) {
            tracing::debug!(?error, "notification refused");
        }
    }

    async fn handle(&mut self, msg: CoreMsg) {
        match msg {
            CoreMsg::RepAttach {
                rep,
                conn,
                tx,
                resume,
                token_hash,
                expires_at,
            } => {
                // What is sent on attach must match the stream exactly: deliver what is pending first.
                self.flush().await;
                self.rep_tokens
                    .insert(rep.clone(), (conn, token_hash, expires_at));
                self.attach_rep(rep, conn, tx, resume).await;
            }
            CoreMsg::RevokeToken { token_hash } => {
                let revoked: Vec<RepId> = self
                    .rep_tokens
                    .iter()
                    .filter(|(_, (_, hash, _))| *hash == token_hash)
                    .map(|(rep, _)| rep.clone())
                    .collect();
                for rep in revoked {
                    self.end_console(&rep, "logged out");
                }
            }
            CoreMsg::RepDetach { rep, conn } => {
                if self.reps.get(&rep).is_some_and(|(c, _)| *c == conn) {
                    self.reps.remove(&rep);
                    self.rep_tokens.remove(&rep);
                    self.notify(Input::RepDisconnected { rep });
                }
            }
            CoreMsg::RepRequest {
                rep,
                conn,
                id,
                request: RepRequest::LoadHistory { session_id, before },
            } => self.load_history(rep, conn, id, session_id, before),
            CoreMsg::RepRequest {
                rep,
                conn,
                id,
                request,
            } => {
                let reply = self.input(Input::Rep {
                    rep: rep.clone(),
                    request,
                });
                self.deliveries.push(Delivery::RepReply {
                    rep,
                    conn,
                    id,
                    reply,
                });
            }
            CoreMsg::CustomerStart {
                conn,
                tx,
                source,
                customer,
                route,
                token,
            } => {
                self.customers.entry(conn).or_insert((tx, None));
                let guessing_key = matches!(route, Route::SessionKey { .. });
                let now = now_ms();
                let refusal =
                    if guessing_key && let Err(wait) = self.key_guesses.check(&source, now) {
                        Some(switchboard_protocol::ErrorBody::rate_limited(
                            format!("Too many wrong session keys. Try again in {wait} seconds."),
                            wait * 1000,
                        ))
                    } else if let Err(wait_ms) = self.new_sessions.take(&source, now) {
                        // Sessions from one address: a person starts a few, a script thousands.
                        Some(switchboard_protocol::ErrorBody::rate_limited(
                            format!(
                                "Too many new chats from your network. Try again in {} seconds.",
                                wait_ms.div_ceil(1000)
                            ),
                            wait_ms,
                        ))
                    } else {
                        None
                    };
                if let Some(error) = refusal {
                    self.deliveries.push(Delivery::CustomerReply {
                        conn,
                        id: None,
                        reply: Err(error),
                    });
                    self.deliveries.push(Delivery::CloseUnbound(conn));
                    return;
                }
                let reply = self.input(Input::CustomerStart {
                    conn,
                    customer,
                    route,
                    customer_token: token,
                });
                if guessing_key {
                    match &reply {
                        Err(e) if e.code == ErrorCode::KeyInvalid => {
                            self.key_guesses.fail(&source, now)
                        }
                        _ => {}
                    }
                }
                if reply.is_err() {
                    self.deliveries.push(Delivery::CustomerReply {
                        conn,
                        id: None,
                        reply,
                    });
                }
                self.deliveries.push(Delivery::CloseUnbound(conn));
            }
            CoreMsg::CustomerResume {
                conn,
                tx,
                session_id,
                token,
            } => {
                if !self.router.is_live(session_id) {
                    // Ended sessions live only in the store: answered from there, off this task.
                    resume_from_store(self.store.clone(), tx, session_id, token);
                    return;
                }
                self.customers.entry(conn).or_insert((tx, None));
                let reply = self.input(Input::CustomerResume {
                    conn,
                    session_id,
                    customer_token: token,
                });
                if reply.is_err() {
                    self.deliveries.push(Delivery::CustomerReply {
                        conn,
                        id: None,
                        reply,
                    });
                }
                self.deliveries.push(Delivery::CloseUnbound(conn));
            }
            CoreMsg::CustomerRequest { conn, id, request } => {
                let leaving = matches!(request, CustomerRequest::Leave);
                let session = self.customers.get(&conn).and_then(|(_, s)| *s);
                let reply = match session {
                    Some(session_id) => self.input(Input::Customer {
                        session_id,
                        request,
                    }),
                    None => Err(switchboard_protocol::ErrorBody::new(
                        ErrorCode::BadRequest,
                        "Start or resume a session first (send `start` or `resume`).",
                    )),
                };
                let left = leaving && reply.is_ok();
                self.deliveries.push(Delivery::CustomerReply {
                    conn,
                    id: Some(id),
                    reply,
                });
                if left {
                    self.deliveries.push(Delivery::CloseCustomerConn(conn));
                }
            }
            CoreMsg::CustomerDetach { conn } => {
                if let Some((_, Some(session_id))) = self.customers.remove(&conn)
                    && self.session_customer.get(&session_id) == Some(&conn)
                {
                    self.session_customer.remove(&session_id);
                    self.notify(Input::CustomerDisconnected { session_id });
                }
            }
            CoreMsg::AvailableReps(answer) => {
                let _ = answer.send(self.router.available_reps());
            }
            CoreMsg::ShareFile {
                sender,
                session_id,
                attachment,
                answer,
            } => {
                let reply = self.input(Input::ShareFile {
                    sender,
                    session_id,
                    attachment,
                });
                self.deliveries.push(Delivery::Answer { answer, reply });
            }
            CoreMsg::CustomerTokenMatches {
                session_id,
                token,
                answer,
            } => {
                let _ = answer.send(self.router.customer_token_matches(session_id, &token));
            }
            CoreMsg::MayShareFile {
                sender,
                session_id,
                answer,
            } => {
                let _ = answer.send(self.router.may_share_file(&sender, session_id));
            }
            CoreMsg::RepMayReadFiles {
                rep,
                session_id,
                answer,
            } => {
                let _ = answer.send(self.router.rep_may_read_files(&rep, session_id));
            }
        }
    }

    /// "Load older messages": the router checks, the store reads (in its own task, so the
    /// core does not wait), and the answer goes straight to the asking connection.
    fn load_history(
        &mut self,
        rep: RepId,
        conn: ConnId,
        id: RequestId,
        session_id: SessionId,
        before: Option<SessionId>,
    ) {
        let contact = match self.router.history_contact(&rep, session_id) {
            Ok(contact) => contact,
            Err(error) => {
                self.deliveries.push(Delivery::RepReply {
                    rep,
                    conn,
                    id,
                    reply: Err(error),
                });
                return;
            }
        };
        let Some((current, tx)) = self.reps.get(&rep) else {
            return;
        };
        if *current != conn {
            return;
        }
        let tx = tx.clone();
        let store = self.store.clone();
        // Never this session itself, nor anything newer.
        let before = before.map_or(session_id, |b| b.min(session_id));
        tokio::spawn(async move {
            let message = match store.past_chats(contact, before, HISTORY_PAGE).await {
                Ok((chats, more)) => RepServerMessage::Ok {
                    id,
                    result: Some(OkResult::History { chats, more }),
                },
                Err(error) => {
                    tracing::error!(%error, "could not read older chats");
                    RepServerMessage::Error {
                        id: Some(id),
                        code: ErrorCode::Internal,
                        message: "Older messages could not be loaded.".into(),
                        retry_after_ms: None,
                    }
                }
            };
            send_json(&tx, &message);
        });
    }

    async fn attach_rep(
        &mut self,
        rep: RepId,
        conn: ConnId,
        tx: OutboundTx,
        resume: Option<ResumeFrom>,
    ) {
        // Connecting changes presence (and may bring an offer). Those events are numbered and
        // kept before the new connection is registered, so the snapshot or the replay below
        // already contains them and nothing is shown twice.
        self.streams.open(&rep);
        self.notify(Input::RepConnected { rep: rep.clone() });
        self.flush().await;
        if let Some((_, old)) = self.reps.insert(rep.clone(), (conn, tx.clone())) {
            // A second console for the same rep replaces the first, which is told why (a
            // close code it should not reconnect after).
            let _ = old.try_send(Outbound::CloseWith {
                code: CLOSE_REPLACED,
                reason: "replaced by another connection of the same rep",
            });
        }
        let missed = resume
            .as_ref()
            .and_then(|from| self.streams.missed(&rep, from));
        let welcome = RepServerMessage::Welcome {
            protocol_version: PROTOCOL_VERSION,
            rep: rep.clone(),
            stream_id: self.streams.stream_id().to_owned(),
            resumed: missed.is_some(),
        };
        send_json(&tx, &welcome);
        match missed {
            Some(frames) => {
                for frame in frames {
                    let _ = tx.try_send(Outbound::Text(frame));
                }
            }
            None => {
                if let Some(state) = self.router.snapshot(&rep) {
                    let snapshot = RepServerMessage::Snapshot {
                        seq: self.streams.last_seq(&rep),
                        state: Box::new(state),
                    };
                    send_json(&tx, &snapshot);
                }
            }
        }
    }

    /// Makes the batch durable, then sends everything it produced, in order. If the batch
    /// cannot be stored (see `commit.rs`), nothing of it is sent and the core stops.
    async fn flush(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        if self.stopped.is_some() {
            self.deliveries.clear();
            return;
        }
        if !ops.is_empty()
            && let Err(stop) = commit_or_stop(&self.store, ops).await
        {
            tracing::error!(reason = %stop.reason, "the server stops");
            self.deliveries.clear();
            self.stopped = Some(stop);
            return;
        }
        let deliveries = std::mem::take(&mut self.deliveries);
        for delivery in deliveries {
            match delivery {
                Delivery::Effect(effect) => self.deliver(effect),
                Delivery::RepReply {
                    rep,
                    conn,
                    id,
                    reply,
                } => {
                    let Some((current, tx)) = self.reps.get(&rep) else {
                        continue;
                    };
                    if *current != conn {
                        continue;
                    }
                    let message = match reply {
                        Ok(result) => RepServerMessage::Ok { id, result },
                        Err(e) => RepServerMessage::Error {
                            id: Some(id),
                            code: e.code,
                            message: e.message,
                            retry_after_ms: e.retry_after_ms,
                        },
                    };
                    let sent = send_json(tx, &message);
                    if !sent {
                        let closed = tx.is_closed();
                        self.drop_rep(&rep, closed);
                    }
                }
                Delivery::CloseUnbound(conn) => {
                    if let Some((tx, None)) = self.customers.get(&conn) {
                        let _ = tx.try_send(Outbound::Close);
                        self.customers.remove(&conn);
                    }
                }
                Delivery::CloseCustomerConn(conn) => {
                    if let Some((tx, session)) = self.customers.remove(&conn) {
                        let _ = tx.try_send(Outbound::Close);
                        if let Some(session_id) = session
                            && self.session_customer.get(&session_id) == Some(&conn)
                        {
                            self.session_customer.remove(&session_id);
                        }
                    }
                }
                Delivery::Answer { answer, reply } => {
                    let _ = answer.send(reply);
                }
                Delivery::CustomerReply { conn, id, reply } => {
                    let Some((tx, _)) = self.customers.get(&conn) else {
                        continue;
                    };
                    let message = match (reply, id) {
                        (Ok(result), Some(id)) => CustomerServerMessage::Ok {
                            id,
                            message: match result {
                                Some(OkResult::Chat { message }) => Some(message),
                                _ => None,
                            },
                        },
                        (Ok(_), None) => continue,
                        (Err(e), id) => CustomerServerMessage::Error {
                            id,
                            code: e.code,
                            message: e.message,
                            retry_after_ms: e.retry_after_ms,
                        },
                    };
                    send_json(tx, &message);
                }
            }
        }
    }

    fn deliver(&mut self, effect: Effect) {
        match effect {
            Effect::ToRep(rep, event) => {
                let Some(frame) = self.streams.push(&rep, &event) else {
                    return;
                };
                if let Some((_, tx)) = self.reps.get(&rep)
                    && let Err(error) = tx.try_send(Outbound::Text(frame))
                {
                    let closed = matches!(error, mpsc::error::TrySendError::Closed(_));
                    self.drop_rep(&rep, closed);
                }
            }
            Effect::ToCustomer(session_id, message) => {
                if let Some(conn) = self.session_customer.get(&session_id).copied() {
                    self.send_customer(conn, &message);
                }
            }
            Effect::ToCustomerConn(conn, message) => self.send_customer(conn, &message),
            Effect::BindCustomer(conn, session_id) => {
                if let Some(old) = self.session_customer.insert(session_id, conn)
                    && old != conn
                    && let Some((tx, _)) = self.customers.remove(&old)
                {
                    // The same customer reconnected elsewhere (a reload): close the old page.
                    let _ = tx.try_send(Outbound::Close);
                }
                if let Some((_, bound)) = self.customers.get_mut(&conn) {
                    *bound = Some(session_id);
                }
            }
            Effect::CloseCustomer(session_id) => {
                if let Some(conn) = self.session_customer.remove(&session_id)
                    && let Some((tx, _)) = self.customers.remove(&conn)
                {
                    let _ = tx.try_send(Outbound::Close);
                }
            }
            Effect::Persist(op) => self.ops.push(op),
        }
    }

    fn send_customer(&mut self, conn: ConnId, message: &CustomerServerMessage) {
        let Some((tx, session)) = self.customers.get(&conn) else {
            return;
        };
        if !send_json(tx, message) {
            // A customer who cannot keep up is disconnected; they can resume.
            let session = *session;
            self.customers.remove(&conn);
            if let Some(session_id) = session {
                self.session_customer.remove(&session_id);
                self.notify(Input::CustomerDisconnected { session_id });
            }
        }
    }

    /// Closes the consoles whose login token expired (they may log in again).
    fn close_expired_tokens(&mut self, now: u64) {
        let expired: Vec<RepId> = self
            .rep_tokens
            .iter()
            .filter(|(_, (_, _, expires_at))| *expires_at <= now)
            .map(|(rep, _)| rep.clone())
            .collect();
        for rep in expired {
            self.end_console(&rep, "login token expired");
        }
    }

    /// Closes a rep's console because its token ended (close code 4002); its sessions are
    /// held for the grace period, as for any lost connection.
    fn end_console(&mut self, rep: &RepId, reason: &'static str) {
        self.rep_tokens.remove(rep);
        if let Some((conn, tx)) = self.reps.remove(rep) {
            tracing::info!(%rep, conn, reason, "closing a console");
            let _ = tx.try_send(Outbound::CloseWith {
                code: CLOSE_TOKEN_ENDED,
                reason,
            });
            self.notify(Input::RepDisconnected { rep: rep.clone() });
        }
    }

    /// A console that cannot take a frame is let go; its sessions are held for the grace
    /// period. Either its queue is full (it reads too slowly: cut off) or its connection
    /// already ended (its detach is on the way): the log says which.
    fn drop_rep(&mut self, rep: &RepId, already_closed: bool) {
        if let Some((conn, _)) = self.reps.remove(rep) {
            self.rep_tokens.remove(rep);
            if already_closed {
                tracing::debug!(%rep, conn, "a console's connection ended before a frame for it");
            } else {
                tracing::warn!(%rep, conn, "disconnecting a console that reads too slowly");
            }
            self.notify(Input::RepDisconnected { rep: rep.clone() });
        }
    }
}

/// A customer `resume` of a session that is not live: `session_started` with `ended: true`
/// and the public chat when the store has it with this token, otherwise the same
/// `unauthorized` as for a wrong token. The connection closes after either.
fn resume_from_store(store: Store, tx: OutboundTx, session_id: SessionId, token: String) {
    tokio::spawn(async move {
        let message = match store.ended_session(session_id.0).await {
            Ok(Some(session))
                if session.customer_token_hash == crate::router::hash_secret(&token) =>
            {
                Router::ended_for_customer(&session, &token)
            }
            Ok(_) => CustomerServerMessage::Error {
                id: None,
                code: ErrorCode::Unauthorized,
                message: crate::router::RESUME_REFUSED.into(),
                retry_after_ms: None,
            },
            Err(error) => {
                tracing::error!(%error, "could not read an ended session");
                CustomerServerMessage::Error {
                    id: None,
                    code: ErrorCode::Internal,
                    message: "The server could not look up this chat.".into(),
                    retry_after_ms: None,
                }
            }
        };
        send_json(&tx, &message);
        let _ = tx.try_send(Outbound::Close);
    });
}

/// Queues a message for a connection; false if its queue is full or it is gone.
fn send_json<T: serde::Serialize>(tx: &OutboundTx, message: &T) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => tx.try_send(Outbound::Text(text.into())).is_ok(),
        Err(error) => {
            tracing::error!(%error, "could not encode a message");
            true
        }
    }
}

/// A handle for sending to the core.
#[derive(Clone)]
pub struct CoreHandle {
    pub tx: mpsc::Sender<CoreMsg>,
}

impl CoreHandle {
    pub async fn send(&self, msg: CoreMsg) -> bool {
        self.tx.send(msg).await.is_ok()
    }
}

/// A process-wide unique connection id.
pub fn next_conn_id() -> ConnId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
