//! The relay's state behind its one lock: the tickets, each session's access, and each
//! session's stream (its publisher and viewers). Every method is short and never waits: an
//! update goes to each viewer's own bounded queue with `try_send`, so a slow viewer costs the
//! publisher and the other viewers nothing. The socket tasks (`socket.rs`) call these with
//! what they read; the core calls `issue` and `set_access` with what the router decided.

use super::flow::{Bucket, Offer, ViewerFlow};
use super::shell::{CustomerSide, RepSide, Shells};
use super::tickets::{TicketRefused, Tickets};
use super::{MediaRole, SessionAccess, Ticket, close};
use axum::body::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{MediaChannel, RepId, SessionId, UnixMillis};
use tokio::sync::{Notify, mpsc, oneshot};

/// Viewer sockets one session may have at once; one more is closed `4429`.
pub const MAX_VIEWERS: usize = 16;
/// Input events queued for the publisher; more are dropped until it reads them.
pub const INPUT_QUEUE: usize = 256;
/// Input events a viewer may send a second (and at once); more are dropped.
pub const INPUT_PER_SEC: u32 = 250;

/// How a socket is to be closed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: &'static str,
}

/// A socket that authenticated: its place in the relay and what it receives.
pub struct Attached {
    pub session: SessionId,
    /// This socket's id in the relay (every later call names it).
    pub id: u64,
    /// Fires once when the relay lets go of the socket (revoked, replaced, shutting down).
    pub close: oneshot::Receiver<Close>,
    pub endpoint: Endpoint,
}

/// What the relay sends a socket besides its close.
pub enum Endpoint {
    Publisher {
        /// Viewers' input events (with control), already encoded.
        input: mpsc::Receiver<Bytes>,
        /// Rung when an `ack` or a `refresh_request` waits (see [`RelayState::take_mail`]).
        wake: Arc<Notify>,
    },
    Viewer {
        rep: RepId,
        /// Screen updates, already encoded; at most [`super::flow::MAX_IN_FLIGHT`] queued.
        frames: mpsc::Receiver<Bytes>,
    },
    /// The customer's side of a shell.
    ShellCustomer(CustomerSide),
    /// The side of the rep who holds the shell.
    ShellRep { rep: RepId, side: RepSide },
}

/// Why an `auth` does not attach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Ticket(TicketRefused),
    /// The ticket's grant is gone (the session's access no longer names its rep).
    NoAccess,
    TooManyViewers,
    ShuttingDown,
}

impl Refused {
    pub fn close(self) -> Close {
        match self {
            Refused::Ticket(TicketRefused::Unknown) => {
                close::unauthorized("the token is unknown or used")
            }
            Refused::Ticket(TicketRefused::Expired) => close::unauthorized("the token expired"),
            Refused::NoAccess => close::unauthorized("nothing is granted for this token"),
            Refused::TooManyViewers => Close {
                code: close::TOO_MANY_VIEWERS,
                reason: "this screen has as many viewers as it may",
            },
            Refused::ShuttingDown => close::SHUTTING_DOWN,
        }
    }
}

/// What waits for the publisher, taken by its task when woken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mail {
    /// The highest seq any viewer acknowledged, if it rose since the last mail.
    pub ack: Option<u64>,
    /// Send a `refresh_request` now.
    pub refresh: bool,
    /// A refresh is wanted but the caller may not send one yet: ask again later.
    pub refresh_waiting: bool,
}

/// What became of a viewer's input event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFate {
    Forwarded,
    /// The viewer's rep may view but not control: dropped (never an error: control can be
    /// revoked while the rep's pointer is moving).
    NoControl,
    /// Over [`INPUT_PER_SEC`], no publisher, or its queue full: dropped.
    Dropped,
}

#[derive(Default)]
pub struct RelayState {
    tickets: Tickets,
    access: BTreeMap<SessionId, SessionAccess>,
    streams: HashMap<SessionId, Stream>,
    /// The sessions' shells.
    shells: Shells,
    next_id: u64,
    /// Set by [`RelayState::close_all`]: nothing attaches any more.
    closed: bool,
}

/// One session's sockets.
#[derive(Default)]
struct Stream {
    publisher: Option<PublisherEntry>,
    viewers: BTreeMap<u64, ViewerEntry>,
    /// The highest seq forwarded to the publisher as an `ack` (acks only rise).
    max_acked: Option<u64>,
}

struct PublisherEntry {
    id: u64,
    input: mpsc::Sender<Bytes>,
    wake: Arc<Notify>,
    close: oneshot::Sender<Close>,
    pending_ack: Option<u64>,
    refresh_wanted: bool,
}

struct ViewerEntry {
    rep: RepId,
    /// Whether this rep may control now (its input is forwarded).
    control: bool,
    frames: mpsc::Sender<Bytes>,
    close: oneshot::Sender<Close>,
    flow: ViewerFlow,
    input_rate: Bucket,
}

impl Stream {
    fn want_refresh(&mut self) {
        if let Some(publisher) = &mut self.publisher {
            publisher.refresh_wanted = true;
            publisher.wake.notify_one();
        }
    }

    fn is_empty(&self) -> bool {
        self.publisher.is_none() && self.viewers.is_empty()
    }
}

impl RelayState {
    pub fn issue(&mut self, token: String, ticket: Ticket, now_ms: UnixMillis) {
        self.tickets.insert(token, ticket, now_ms);
    }

    /// Replaces `session`'s access; closes (`4410`) what it no longer allows, and drops the
    /// tickets it no longer allows.
    pub fn set_access(&mut self, session: SessionId, access: SessionAccess) {
        self.tickets.restrict(session, &access);
        self.shells.set_holder(session, access.shell());
        if !access.anyone_views() {
            if let Some(stream) = self.streams.remove(&session) {
                let revoked = close::revoked("no grant of this session is left");
                if let Some(publisher) = stream.publisher {
                    let _ = publisher.close.send(revoked);
                }
                for viewer in stream.viewers.into_values() {
                    let _ = viewer.close.send(revoked);
                }
            }
        } else if let Some(stream) = self.streams.get_mut(&session) {
            let gone: Vec<u64> = stream
                .viewers
                .iter()
                .filter(|(_, v)| access.screen(&v.rep).is_none())
                .map(|(id, _)| *id)
                .collect();
            for id in gone {
                if let Some(viewer) = stream.viewers.remove(&id) {
                    let _ = viewer.close.send(close::revoked("the grant ended"));
                }
            }
            for viewer in stream.viewers.values_mut() {
                viewer.control = access.screen(&viewer.rep).unwrap_or(false);
            }
        }
        if access.is_empty() {
            self.access.remove(&session);
        } else {
            self.access.insert(session, access);
        }
    }

    /// Redeems `token` and attaches its socket. A publisher replaces the session's previous
    /// one (closed `4001`); a viewer makes the publisher send a whole picture. A shell
    /// ticket attaches to the session's shell, for the rep who holds it.
    pub fn attach(
        &mut self,
        token: &str,
        now_ms: UnixMillis,
        now: Duration,
    ) -> Result<Attached, Refused> {
        if self.closed {
            return Err(Refused::ShuttingDown);
        }
        let ticket = self
            .tickets
            .redeem(token, now_ms)
            .map_err(Refused::Ticket)?;
        let access = self.access.get(&ticket.session).ok_or(Refused::NoAccess)?;
        if ticket.channel == MediaChannel::Shell {
            let (rep, grant) = access.shell().ok_or(Refused::NoAccess)?;
            let rep = rep.clone();
            let holder = (&rep, grant);
            self.next_id += 1;
            let id = self.next_id;
            let (endpoint, close) = match ticket.role {
                MediaRole::Publisher => {
                    let (side, close) = self.shells.attach_customer(ticket.session, holder, id);
                    (Endpoint::ShellCustomer(side), close)
                }
                MediaRole::Viewer { rep } if &rep == holder.0 => {
                    let (side, close) = self.shells.attach_rep(ticket.session, holder, id);
                    (Endpoint::ShellRep { rep, side }, close)
                }
                MediaRole::Viewer { .. } => return Err(Refused::NoAccess),
            };
            return Ok(Attached {
                session: ticket.session,
                id,
                close,
                endpoint,
            });
        }
        let control = match &ticket.role {
            MediaRole::Publisher if access.anyone_views() => false,
            MediaRole::Publisher => return Err(Refused::NoAccess),
            MediaRole::Viewer { rep } => access.screen(rep).ok_or(Refused::NoAccess)?,
        };
        let stream = self.streams.entry(ticket.session).or_default();
        if matches!(ticket.role, MediaRole::Viewer { .. }) && stream.viewers.len() >= MAX_VIEWERS {
            return Err(Refused::TooManyViewers);
        }
        self.next_id += 1;
        let id = self.next_id;
        let (close_tx, close_rx) = oneshot::channel();
        let endpoint = match ticket.role {
            MediaRole::Publisher => {
                let (input_tx, input_rx) = mpsc::channel(INPUT_QUEUE);
                let wake = Arc::new(Notify::new());
                let entry = PublisherEntry {
                    id,
                    input: input_tx,
                    wake: wake.clone(),
                    close: close_tx,
                    pending_ack: None,
                    refresh_wanted: false,
                };
                if let Some(old) = stream.publisher.replace(entry) {
                    let _ = old.close.send(close::REPLACED);
                }
                // A new publisher starts a new run of seqs.
                stream.max_acked = None;
                for viewer in stream.viewers.values_mut() {
                    viewer.flow = ViewerFlow::default();
                }
                // Viewers waiting for a picture: the first update should be a whole one.
                if !stream.viewers.is_empty() {
                    stream.want_refresh();
                }
                Endpoint::Publisher {
                    input: input_rx,
                    wake,
                }
            }
            MediaRole::Viewer { rep } => {
                let (frames_tx, frames_rx) = mpsc::channel(super::flow::MAX_IN_FLIGHT);
                let entry = ViewerEntry {
                    rep: rep.clone(),
                    control,
                    frames: frames_tx,
                    close: close_tx,
                    flow: ViewerFlow::default(),
                    input_rate: Bucket::new(INPUT_PER_SEC, INPUT_PER_SEC, now),
                };
                stream.viewers.insert(id, entry);
                stream.want_refresh();
                Endpoint::Viewer {
                    rep,
                    frames: frames_rx,
                }
            }
        };
        Ok(Attached {
            session: ticket.session,
            id,
            close: close_rx,
            endpoint,
        })
    }

    fn publisher_stream(&mut self, session: SessionId, id: u64) -> Option<&mut Stream> {
        self.streams
            .get_mut(&session)
            .filter(|s| s.publisher.as_ref().is_some_and(|p| p.id == id))
    }

    /// Relays the publisher's update `seq` (its encoded bytes, shared, not copied) to every
    /// viewer that has room for it. Returns how many viewers it was queued for.
    pub fn publish(&mut self, session: SessionId, id: u64, seq: u64, bytes: &Bytes) -> usize {
        let Some(stream) = self.publisher_stream(session, id) else {
            return 0;
        };
        let mut sent = 0;
        for viewer in stream.viewers.values_mut() {
            if viewer.flow.offer(seq) == Offer::Skip {
                continue;
            }
            match viewer.frames.try_send(bytes.clone()) {
                Ok(()) => sent += 1,
                // Full: counts as not acknowledged; closed: its task is ending anyway.
                Err(_) => viewer.flow.unsend(seq),
            }
        }
        sent
    }

    /// The publisher's update was not relayed (over its rate): every viewer missed it.
    pub fn missed(&mut self, session: SessionId, id: u64) {
        if let Some(stream) = self.publisher_stream(session, id) {
            for viewer in stream.viewers.values_mut() {
                viewer.flow.missed();
            }
        }
    }

    /// A viewer drew everything up to `seq`.
    pub fn ack(&mut self, session: SessionId, id: u64, seq: u64) {
        let Some(stream) = self.streams.get_mut(&session) else {
            return;
        };
        let Some(viewer) = stream.viewers.get_mut(&id) else {
            return;
        };
        let acked = viewer.flow.ack(seq);
        if acked.caught_up {
            stream.want_refresh();
        }
        if let Some(seq) = acked.seq
            && stream.max_acked.is_none_or(|max| seq > max)
        {
            stream.max_acked = Some(seq);
            if let Some(publisher) = &mut stream.publisher {
                publisher.pending_ack = Some(seq);
                publisher.wake.notify_one();
            }
        }
    }

    /// A viewer asked for a whole picture.
    pub fn refresh(&mut self, session: SessionId, id: u64) {
        if let Some(stream) = self.streams.get_mut(&session)
            && stream.viewers.contains_key(&id)
        {
            stream.want_refresh();
        }
    }

    /// A viewer's input event: to the publisher only while the viewer's rep controls.
    pub fn input(&mut self, session: SessionId, id: u64, bytes: Bytes, now: Duration) -> InputFate {
        let Some(stream) = self.streams.get_mut(&session) else {
            return InputFate::Dropped;
        };
        let Some(viewer) = stream.viewers.get_mut(&id) else {
            return InputFate::Dropped;
        };
        if !viewer.control {
            return InputFate::NoControl;
        }
        if !viewer.input_rate.take(now) {
            return InputFate::Dropped;
        }
        match &stream.publisher {
            Some(publisher) if publisher.input.try_send(bytes).is_ok() => InputFate::Forwarded,
            _ => InputFate::Dropped,
        }
    }

    /// What waits for the publisher. A refresh is handed out only when `refresh_allowed`
    /// (the publisher's task paces them); handing one out counts every viewer as repainted.
    pub fn take_mail(&mut self, session: SessionId, id: u64, refresh_allowed: bool) -> Mail {
        let Some(stream) = self.publisher_stream(session, id) else {
            return Mail::default();
        };
        let Stream {
            publisher, viewers, ..
        } = stream;
        let Some(publisher) = publisher else {
            return Mail::default();
        };
        let mut mail = Mail {
            ack: publisher.pending_ack.take(),
            ..Mail::default()
        };
        if publisher.refresh_wanted {
            if refresh_allowed {
                publisher.refresh_wanted = false;
                mail.refresh = true;
                for viewer in viewers.values_mut() {
                    viewer.flow.refreshed();
                }
            } else {
                mail.refresh_waiting = true;
            }
        }
        mail
    }

    /// The sessions' shells, for the shell sockets' tasks.
    pub fn shells(&mut self) -> &mut Shells {
        &mut self.shells
    }

    /// The socket `id` ended: it leaves its stream (a stream with nobody left is forgotten).
    pub fn detach(&mut self, session: SessionId, id: u64) {
        self.shells.detach(session, id);
        let Some(stream) = self.streams.get_mut(&session) else {
            return;
        };
        if stream.publisher.as_ref().is_some_and(|p| p.id == id) {
            stream.publisher = None;
        }
        stream.viewers.remove(&id);
        if stream.is_empty() {
            self.streams.remove(&session);
        }
    }

    /// Closes every socket (`1001`) and refuses new ones: the server is stopping.
    pub fn close_all(&mut self) {
        self.closed = true;
        self.shells.close_all(close::SHUTTING_DOWN);
        for (_, stream) in self.streams.drain() {
            if let Some(publisher) = stream.publisher {
                let _ = publisher.close.send(close::SHUTTING_DOWN);
            }
            for viewer in stream.viewers.into_values() {
                let _ = viewer.close.send(close::SHUTTING_DOWN);
            }
        }
    }

    /// Tickets waiting, and sockets attached (for tests and logs).
    pub fn counts(&self) -> (usize, usize) {
        let sockets = self
            .streams
            .values()
            .map(|s| s.viewers.len() + usize::from(s.publisher.is_some()))
            .sum::<usize>()
            + self.shells.sockets();
        (self.tickets.len(), sockets)
    }
}
