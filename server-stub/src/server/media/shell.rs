//! The shell half of the relay's state (docs/PROTOCOL.md §11, "Shell"): per session, the
//! customer's shell socket, the one rep socket of the rep who holds the `shell` grant, and
//! the output offsets that keep the customer's output window honest. Plain state behind the
//! relay's lock, no IO: the socket tasks (`shell_socket.rs`) call these with what they read
//! and do the waiting themselves.
//!
//! Memory is bounded on every path: output travels only as far as the rep's bounded queue,
//! and the customer may have at most [`OUTPUT_WINDOW`] (+ one chunk) unacknowledged, or its
//! socket is closed; input is queued at most [`TO_CUSTOMER_QUEUE`] frames deep, and a rep
//! whose frames do not fit waits (its socket is not read), never drops a keystroke.

use super::close;
use super::relay::Close;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::Arc;
use switchboard_protocol::media::MAX_SHELL_CHUNK;
use switchboard_protocol::{GrantId, RepId, SessionId};
use tokio::sync::{Notify, mpsc, oneshot};

/// Output bytes the customer may have sent beyond the rep's acknowledgements (the customer
/// client keeps exactly this window; one chunk more is allowed for the frame in flight).
pub const OUTPUT_WINDOW: u64 = 256 * 1024;
/// Output frames queued for the rep's socket; the customer's socket is not read while full.
pub const TO_REP_QUEUE: usize = 64;
/// Input and resize frames queued for the customer's socket; the rep's is not read while full.
pub const TO_CUSTOMER_QUEUE: usize = 64;

/// Why a customer's output frame is refused (its socket closes `4400`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputRefused {
    /// The chunk does not start where the previous one ended.
    Gap { expected: u64, got: u64 },
    /// More than the window unacknowledged.
    OverWindow,
    /// Not this session's current customer socket.
    Gone,
}

/// What a customer's shell socket is given when it attaches.
pub struct CustomerSide {
    /// Input and resizes from the rep, already encoded.
    pub from_rep: mpsc::Receiver<Bytes>,
    /// Rung when an acknowledgement waits ([`Shells::take_ack`]) or a rep attached.
    pub wake: Arc<Notify>,
    pub grant: GrantId,
    /// The rep the shell is for.
    pub rep: RepId,
}

/// What a rep's shell socket is given when it attaches.
pub struct RepSide {
    /// Output and the exit, already encoded.
    pub from_customer: mpsc::Receiver<Bytes>,
    pub grant: GrantId,
}

#[derive(Default)]
pub struct Shells {
    streams: HashMap<SessionId, ShellStream>,
}

struct ShellStream {
    grant: GrantId,
    rep: RepId,
    customer: Option<End>,
    rep_end: Option<End>,
    /// End of the output the customer has sent (where its next chunk must start).
    received: u64,
    /// End of the output handed to a rep socket.
    delivered: u64,
    /// Output acknowledged to the customer so far.
    acked: u64,
    /// An acknowledgement for the customer, not yet taken.
    ack_due: Option<u64>,
    wake: Arc<Notify>,
}

struct End {
    id: u64,
    tx: mpsc::Sender<Bytes>,
    close: oneshot::Sender<Close>,
}

impl ShellStream {
    fn new(grant: GrantId, rep: RepId) -> Self {
        ShellStream {
            grant,
            rep,
            customer: None,
            rep_end: None,
            received: 0,
            delivered: 0,
            acked: 0,
            ack_due: None,
            wake: Arc::new(Notify::new()),
        }
    }

    fn close(self, reason: Close) {
        for end in [self.customer, self.rep_end].into_iter().flatten() {
            let _ = end.close.send(reason);
        }
    }

    fn is_empty(&self) -> bool {
        self.customer.is_none() && self.rep_end.is_none()
    }
}

impl Shells {
    /// The session's shell is now `holder`'s (rep and grant), or nobody's: a stream of
    /// another grant, or with none, closes `4410`.
    pub fn set_holder(&mut self, session: SessionId, holder: Option<(&RepId, GrantId)>) {
        let stale = self
            .streams
            .get(&session)
            .is_some_and(|s| holder.is_none_or(|(rep, grant)| s.grant != grant || &s.rep != rep));
        if stale && let Some(stream) = self.streams.remove(&session) {
            stream.close(close::revoked("the shell grant ended"));
        }
    }

    /// Attaches the customer's shell socket `id` for the holder's grant; a previous customer
    /// socket is closed `4001` and the output starts again at offset 0 (a new shell).
    pub fn attach_customer(
        &mut self,
        session: SessionId,
        holder: (&RepId, GrantId),
        id: u64,
    ) -> (CustomerSide, oneshot::Receiver<Close>) {
        self.set_holder(session, Some(holder));
        let stream = self
            .streams
            .entry(session)
            .or_insert_with(|| ShellStream::new(holder.1, holder.0.clone()));
        let (tx, from_rep) = mpsc::channel(TO_CUSTOMER_QUEUE);
        let (close_tx, close_rx) = oneshot::channel();
        let end = End {
            id,
            tx,
            close: close_tx,
        };
        if let Some(old) = stream.customer.replace(end) {
            let _ = old.close.send(close::SHELL_REPLACED);
        }
        stream.received = 0;
        stream.delivered = 0;
        stream.acked = 0;
        stream.ack_due = None;
        let side = CustomerSide {
            from_rep,
            wake: stream.wake.clone(),
            grant: stream.grant,
            rep: stream.rep.clone(),
        };
        (side, close_rx)
    }

    /// Attaches the holder's shell socket `id`; a previous one of theirs is closed `4001`.
    /// What the old socket was given and never acknowledged counts as shown, so the
    /// customer's window is not held by a console that has gone.
    pub fn attach_rep(
        &mut self,
        session: SessionId,
        holder: (&RepId, GrantId),
        id: u64,
    ) -> (RepSide, oneshot::Receiver<Close>) {
        self.set_holder(session, Some(holder));
        let stream = self
            .streams
            .entry(session)
            .or_insert_with(|| ShellStream::new(holder.1, holder.0.clone()));
        let (tx, from_customer) = mpsc::channel(TO_REP_QUEUE);
        let (close_tx, close_rx) = oneshot::channel();
        let end = End {
            id,
            tx,
            close: close_tx,
        };
        if let Some(old) = stream.rep_end.replace(end) {
            let _ = old.close.send(close::SHELL_REPLACED);
        }
        if stream.delivered > stream.acked {
            stream.acked = stream.delivered;
            stream.ack_due = Some(stream.acked);
        }
        stream.wake.notify_one();
        let side = RepSide {
            from_customer,
            grant: stream.grant,
        };
        (side, close_rx)
    }

    fn customer_stream(&mut self, session: SessionId, id: u64) -> Option<&mut ShellStream> {
        self.streams
            .get_mut(&session)
            .filter(|s| s.customer.as_ref().is_some_and(|c| c.id == id))
    }

    fn rep_stream(&mut self, session: SessionId, id: u64) -> Option<&mut ShellStream> {
        self.streams
            .get_mut(&session)
            .filter(|s| s.rep_end.as_ref().is_some_and(|r| r.id == id))
    }

    /// The customer sent `len` bytes of output from `offset`: checked against the previous
    /// chunk's end and the window before anything is done with it.
    pub fn output(
        &mut self,
        session: SessionId,
        id: u64,
        offset: u64,
        len: usize,
    ) -> Result<u64, OutputRefused> {
        let stream = self
            .customer_stream(session, id)
            .ok_or(OutputRefused::Gone)?;
        if offset != stream.received {
            return Err(OutputRefused::Gap {
                expected: stream.received,
                got: offset,
            });
        }
        let end = offset.saturating_add(len as u64);
        if end.saturating_sub(stream.acked) > OUTPUT_WINDOW + MAX_SHELL_CHUNK as u64 {
            return Err(OutputRefused::OverWindow);
        }
        stream.received = end;
        Ok(end)
    }

    /// Where the customer's output goes now: the rep socket's queue, if one is attached.
    pub fn to_rep(&mut self, session: SessionId, customer: u64) -> Option<mpsc::Sender<Bytes>> {
        let stream = self.customer_stream(session, customer)?;
        stream.rep_end.as_ref().map(|end| end.tx.clone())
    }

    /// Output up to `end` was queued for the rep socket.
    pub fn delivered(&mut self, session: SessionId, customer: u64, end: u64) {
        if let Some(stream) = self.customer_stream(session, customer) {
            stream.delivered = stream.delivered.max(end);
        }
    }

    /// Where the rep's input goes now: the customer socket's queue, if one is attached.
    pub fn to_customer(&mut self, session: SessionId, rep: u64) -> Option<mpsc::Sender<Bytes>> {
        let stream = self.rep_stream(session, rep)?;
        stream.customer.as_ref().map(|end| end.tx.clone())
    }

    /// The rep showed every output byte before `offset` (counted only up to what it was
    /// given; acknowledgements only rise).
    pub fn ack(&mut self, session: SessionId, rep: u64, offset: u64) {
        let Some(stream) = self.rep_stream(session, rep) else {
            return;
        };
        let offset = offset.min(stream.delivered);
        if offset > stream.acked {
            stream.acked = offset;
            stream.ack_due = Some(offset);
            stream.wake.notify_one();
        }
    }

    /// The acknowledgement waiting for the customer socket, if any.
    pub fn take_ack(&mut self, session: SessionId, customer: u64) -> Option<u64> {
        self.customer_stream(session, customer)?.ack_due.take()
    }

    /// Whether socket `id` is still attached to the session's shell.
    pub fn is_attached(&self, session: SessionId, id: u64) -> bool {
        self.streams.get(&session).is_some_and(|s| {
            s.customer.as_ref().is_some_and(|c| c.id == id)
                || s.rep_end.as_ref().is_some_and(|r| r.id == id)
        })
    }

    /// Socket `id` ended; a stream with nobody left is forgotten.
    pub fn detach(&mut self, session: SessionId, id: u64) {
        let Some(stream) = self.streams.get_mut(&session) else {
            return;
        };
        if stream.customer.as_ref().is_some_and(|c| c.id == id) {
            stream.customer = None;
        }
        if stream.rep_end.as_ref().is_some_and(|r| r.id == id) {
            stream.rep_end = None;
        }
        if stream.is_empty() {
            self.streams.remove(&session);
        }
    }

    /// Closes every shell socket with `reason`.
    pub fn close_all(&mut self, reason: Close) {
        for (_, stream) in self.streams.drain() {
            stream.close(reason);
        }
    }

    /// Shell sockets attached.
    pub fn sockets(&self) -> usize {
        self.streams
            .values()
            .map(|s| usize::from(s.customer.is_some()) + usize::from(s.rep_end.is_some()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: SessionId = SessionId(1);

    fn alice() -> RepId {
        RepId::from("alice")
    }

    #[test]
    fn output_must_be_continuous_and_within_the_window() {
        let mut shells = Shells::default();
        let rep = alice();
        let (_customer, _c) = shells.attach_customer(S, (&rep, GrantId(1)), 1);
        let (_rep, _r) = shells.attach_rep(S, (&rep, GrantId(1)), 2);
        assert_eq!(shells.output(S, 1, 0, 10), Ok(10));
        assert_eq!(
            shells.output(S, 1, 5, 10),
            Err(OutputRefused::Gap {
                expected: 10,
                got: 5
            })
        );
        assert_eq!(
            shells.output(S, 2, 10, 1),
            Err(OutputRefused::Gone),
            "not the customer"
        );
        // Fill the window (and one chunk) without acknowledgements: the next byte is over.
        let mut offset = 10;
        while offset < OUTPUT_WINDOW + MAX_SHELL_CHUNK as u64 {
            let len = (OUTPUT_WINDOW + MAX_SHELL_CHUNK as u64 - offset).min(MAX_SHELL_CHUNK as u64);
            offset = shells.output(S, 1, offset, len as usize).unwrap();
            shells.delivered(S, 1, offset);
        }
        assert_eq!(
            shells.output(S, 1, offset, 1),
            Err(OutputRefused::OverWindow)
        );
        // An acknowledgement makes room, and reaches the customer once.
        shells.ack(S, 2, 1000);
        assert_eq!(shells.take_ack(S, 1), Some(1000));
        assert_eq!(shells.take_ack(S, 1), None);
        assert_eq!(shells.output(S, 1, offset, 1), Ok(offset + 1));
    }

    #[test]
    fn acks_only_rise_and_never_pass_what_was_delivered() {
        let mut shells = Shells::default();
        let rep = alice();
        let (_customer, _c) = shells.attach_customer(S, (&rep, GrantId(1)), 1);
        let (_rep, _r) = shells.attach_rep(S, (&rep, GrantId(1)), 2);
        shells.output(S, 1, 0, 100).unwrap();
        shells.delivered(S, 1, 100);
        shells.ack(S, 2, u64::MAX);
        assert_eq!(
            shells.take_ack(S, 1),
            Some(100),
            "clamped to what was delivered"
        );
        shells.ack(S, 2, 50);
        assert_eq!(shells.take_ack(S, 1), None, "an older ack changes nothing");
        shells.ack(S, 1, 100);
        assert_eq!(
            shells.take_ack(S, 1),
            None,
            "only the rep's socket acknowledges"
        );
    }

    #[test]
    fn a_new_rep_socket_frees_what_the_old_one_never_acknowledged() {
        let mut shells = Shells::default();
        let rep = alice();
        let (_customer, _c) = shells.attach_customer(S, (&rep, GrantId(1)), 1);
        let (_old, mut old_close) = shells.attach_rep(S, (&rep, GrantId(1)), 2);
        shells.output(S, 1, 0, 4000).unwrap();
        shells.delivered(S, 1, 4000);
        let (_new, _n) = shells.attach_rep(S, (&rep, GrantId(1)), 3);
        assert_eq!(
            old_close.try_recv().map(|c| c.code),
            Ok(close::REPLACED_CODE)
        );
        assert_eq!(shells.take_ack(S, 1), Some(4000));
        assert!(shells.to_rep(S, 1).is_some());
    }

    #[test]
    fn another_grant_or_none_closes_the_stream() {
        let mut shells = Shells::default();
        let rep = alice();
        let (_customer, mut customer_close) = shells.attach_customer(S, (&rep, GrantId(1)), 1);
        let (_rep, mut rep_close) = shells.attach_rep(S, (&rep, GrantId(1)), 2);
        shells.set_holder(S, Some((&rep, GrantId(1))));
        assert!(
            customer_close.try_recv().is_err(),
            "the same grant keeps it"
        );
        shells.set_holder(S, Some((&rep, GrantId(2))));
        assert_eq!(
            customer_close.try_recv().map(|c| c.code),
            Ok(close::REVOKED)
        );
        assert_eq!(rep_close.try_recv().map(|c| c.code), Ok(close::REVOKED));
        assert_eq!(shells.sockets(), 0);
        assert!(shells.to_rep(S, 1).is_none());
    }
}
