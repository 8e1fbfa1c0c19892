//! The one task that owns the router: takes messages from connections in batches, runs
//! them through the router, commits the batch's changes to the store in one transaction
//! (group commit), and only then sends replies and events. Slow readers are cut off.

use super::streams::RepStreams;
use super::throttle::Throttle;
use crate::router::effects::{Effect, StoreOp};
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

pub type OutboundTx = mpsc::Sender<Outbound>;
pub type ConnId = u64;

/// A message from a connection task (or a test) to the core.
pub enum CoreMsg {
    RepAttach {
        rep: RepId,
        conn: ConnId,
        tx: OutboundTx,
        resume: Option<ResumeFrom>,
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
    /// Customer connections, bound to a session or not yet.
    customers: HashMap<ConnId, (OutboundTx, Option<SessionId>)>,
    session_customer: HashMap<SessionId, ConnId>,
    key_guesses: Throttle<IpAddr>,
    deliveries: Vec<Delivery>,
    ops: Vec<StoreOp>,
}

/// Runs the core until `shutdown` turns true or every sender is gone.
pub async fn run(
    router: Router,
    store: Store,
    stream_id: String,
    mut rx: mpsc::Receiver<CoreMsg>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut core = Core {
        router,
        store,
        streams: RepStreams::new(stream_id),
        reps: HashMap::new(),
        customers: HashMap::new(),
        session_customer: HashMap::new(),
        key_guesses: Throttle::new(5, 60_000),
        deliveries: Vec::new(),
        ops: Vec::new(),
    };
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut batch = Vec::with_capacity(MAX_BATCH);
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
            // Timers: grace periods, offer deadlines, waiting rules.
            _ = ticker.tick() => {
                core.notify(Input::Tick);
                core.flush().await;
            }
            // Ctrl-C or the test harness: stop taking work; the store thread finishes its commits.
            _ = shutdown.changed() => {
                if *shutdown.borrow() {
                    break;
                }
            }
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
            } => {
                // What is sent on attach must match the stream exactly: deliver what is pending first.
                self.flush().await;
                self.attach_rep(rep, conn, tx, resume).await;
            }
            CoreMsg::RepDetach { rep, conn } => {
                if self.reps.get(&rep).is_some_and(|(c, _)| *c == conn) {
                    self.reps.remove(&rep);
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
                if guessing_key && let Err(wait) = self.key_guesses.check(&source, now) {
                    let error = switchboard_protocol::ErrorBody::new(
                        ErrorCode::RateLimited,
                        format!("Too many wrong session keys. Try again in {wait} seconds."),
                    );
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

    /// Makes the batch durable, then sends everything it produced, in order.
    async fn flush(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        let mut stored = true;
        if !ops.is_empty()
            && let Err(error) = self.store.commit(ops).await
        {
            tracing::error!(%error, "could not store a batch of changes; refusing its requests");
            stored = false;
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
                        Ok(result) if stored => RepServerMessage::Ok { id, result },
                        Ok(_) => RepServerMessage::Error {
                            id: Some(id),
                            code: ErrorCode::Internal,
                            message: "The server could not store this change.".into(),
                        },
                        Err(e) => RepServerMessage::Error {
                            id: Some(id),
                            code: e.code,
                            message: e.message,
                        },
                    };
                    if !send_json(tx, &message) {
                        self.drop_slow_rep(&rep);
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
                    let reply = match reply {
                        Ok(_) if !stored => Err(switchboard_protocol::ErrorBody::new(
                            ErrorCode::Internal,
                            "The server could not store this change.",
                        )),
                        other => other,
                    };
                    let _ = answer.send(reply);
                }
                Delivery::CustomerReply { conn, id, reply } => {
                    let Some((tx, _)) = self.customers.get(&conn) else {
                        continue;
                    };
                    let message = match (reply, id) {
                        (Ok(result), Some(id)) if stored => CustomerServerMessage::Ok {
                            id,
                            message: match result {
                                Some(OkResult::Chat { message }) => Some(message),
                                _ => None,
                            },
                        },
                        (Ok(_), None) => continue,
                        (Ok(_), id) => CustomerServerMessage::Error {
                            id,
                            code: ErrorCode::Internal,
                            message: "The server could not store this change.".into(),
                        },
                        (Err(e), id) => CustomerServerMessage::Error {
                            id,
                            code: e.code,
                            message: e.message,
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
                    && tx.try_send(Outbound::Text(frame)).is_err()
                {
                    self.drop_slow_rep(&rep);
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

    /// A console whose queue is full is cut off; its sessions are held for the grace period.
    fn drop_slow_rep(&mut self, rep: &RepId) {
        if let Some((conn, _)) = self.reps.remove(rep) {
            tracing::warn!(%rep, conn, "disconnecting a console that reads too slowly");
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
            },
            Err(error) => {
                tracing::error!(%error, "could not read an ended session");
                CustomerServerMessage::Error {
                    id: None,
                    code: ErrorCode::Internal,
                    message: "The server could not look up this chat.".into(),
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
