//! The two loops of a shell on `/ws/media` (docs/PROTOCOL.md §11, "Shell"): the customer's
//! socket (output and the exit in; input, resizes and acknowledgements out) and the socket of
//! the rep who holds the shell (the reverse). Each frame is checked, then stored in the
//! transcript, and only then passed on: nothing reaches the other side that a restart could
//! lose. A frame that cannot be stored closes the socket (`1011`) instead of being relayed.
//!
//! Waiting never blocks the other direction: a frame for the other side is held (at most
//! one) until its bounded queue has room, while this socket's own queue keeps draining, and
//! this socket is not read in the meantime (TCP back-pressure, nothing dropped).

use super::relay::Close;
use super::shell::{CustomerSide, OutputRefused, RepSide};
use super::socket::{
    Liveness, Sink, Source, encoded, keep_alive, pace, pinger, read, send, sleep_until,
};
use super::{MediaRelay, PUBLISHER_BYTE_BURST, PUBLISHER_BYTES_PER_SEC, close};
use crate::server::core::now_ms;
use crate::store::{ShellEvent, ShellRecord};
use axum::body::Bytes;
use switchboard_protocol::media::{MediaFrame, decode_media};
use switchboard_protocol::{MAX_TRANSCRIPT_OUTPUT_BYTES, RepId, SessionId};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// Bytes a second a rep may type or paste into a shell (and at once); past it their socket
/// is read more slowly, nothing is dropped.
pub const REP_INPUT_BYTES_PER_SEC: u64 = 1024 * 1024;

/// How long a revoked rep socket may take to send the output already queued for it.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The customer's shell socket.
pub(super) struct CustomerShell<'a> {
    relay: &'a MediaRelay,
    session: SessionId,
    id: u64,
    side: CustomerSide,
    /// End of the output received so far.
    received: u64,
    /// Output bytes kept in the transcript (per shell, up to the cap).
    recorded: u64,
}

pub(super) fn customer(
    relay: &MediaRelay,
    session: SessionId,
    id: u64,
    side: CustomerSide,
) -> CustomerShell<'_> {
    CustomerShell {
        relay,
        session,
        id,
        side,
        received: 0,
        recorded: 0,
    }
}

/// Makes `what` durable in `session`'s transcript, or says how to close.
async fn record(
    relay: &MediaRelay,
    session: SessionId,
    grant: switchboard_protocol::GrantId,
    what: ShellEvent,
) -> Result<(), Option<Close>> {
    let Some(log) = relay.transcripts() else {
        return Err(Some(close::NOT_STORED));
    };
    let record = ShellRecord {
        session_id: session,
        grant_id: grant,
        at: now_ms(),
        what,
    };
    log.append(vec![record]).await.map_err(|error| {
        tracing::error!(%error, %session, "a shell record could not be stored");
        Some(close::NOT_STORED)
    })
}

/// Room in `tx`'s queue, or `None` when there is no queue or its receiver is gone; never
/// ready while `tx` is `None` and `wait_without` (the caller waits for a sender to appear).
async fn room(
    tx: Option<mpsc::Sender<Bytes>>,
    wait_without: bool,
) -> Option<mpsc::OwnedPermit<Bytes>> {
    match tx {
        Some(tx) => tx.reserve_owned().await.ok(),
        None if wait_without => std::future::pending().await,
        None => None,
    }
}

impl CustomerShell<'_> {
    pub(super) async fn run(
        mut self,
        sink: &mut Sink,
        source: &mut Source,
        revoked: &mut oneshot::Receiver<Close>,
        live: &mut Liveness,
    ) -> Option<Close> {
        let started = ShellEvent::Started {
            rep: self.side.rep.clone(),
        };
        if let Err(end) = record(self.relay, self.session, self.side.grant, started).await {
            return end;
        }
        let mut pinger = pinger(live.idle);
        let mut budget = super::flow::ByteBudget::new(
            PUBLISHER_BYTES_PER_SEC,
            PUBLISHER_BYTE_BURST,
            self.relay.elapsed(),
        );
        let mut read_at: Option<tokio::time::Instant> = None;
        // A stored frame for the rep, waiting for room (with the output's end).
        let mut held: Option<(Bytes, u64)> = None;
        let mut to_rep: Option<mpsc::Sender<Bytes>> = None;
        loop {
            let result = tokio::select! {
                biased;
                reason = &mut *revoked => return Some(reason.unwrap_or(close::SHUTTING_DOWN)),
                // An acknowledgement waits, or a rep socket attached.
                _ = self.side.wake.notified() => {
                    let ack = {
                        let mut relay = self.relay.lock();
                        if held.is_some() && to_rep.is_none() {
                            to_rep = relay.shells().to_rep(self.session, self.id);
                        }
                        relay.shells().take_ack(self.session, self.id)
                    };
                    match ack {
                        Some(offset) => send(sink, encoded(&MediaFrame::ShellAck { offset }), revoked).await,
                        None => Ok(()),
                    }
                }
                // The rep's input and resizes, stored already.
                Some(frame) = self.side.from_rep.recv() => send(sink, Message::Binary(frame), revoked).await,
                permit = room(to_rep.clone(), true), if held.is_some() => {
                    match (permit, held.take()) {
                        (Some(permit), Some((frame, end))) => {
                            let _ = permit.send(frame);
                            self.relay.lock().shells().delivered(self.session, self.id, end);
                        }
                        // That rep socket went: wait for the next one with the frame held.
                        (None, frame) => {
                            held = frame;
                            to_rep = None;
                        }
                        (Some(_), None) => {}
                    }
                    Ok(())
                }
                _ = sleep_until(read_at), if read_at.is_some() => {
                    read_at = None;
                    Ok(())
                }
                read = read(source, live), if held.is_none() && read_at.is_none() => match read.into_frame() {
                    Ok(frame) => {
                        pace(&mut budget, &frame, self.relay.elapsed(), &mut read_at);
                        self.frame(frame).await.map(|stored| {
                            held = Some(stored);
                            to_rep = self.relay.lock().shells().to_rep(self.session, self.id);
                        })
                    }
                    Err(end) => Err(end),
                },
                _ = pinger.tick() => keep_alive(sink, live, revoked).await,
            };
            if let Err(end) = result {
                return end;
            }
        }
    }

    /// A frame from the customer: checked, stored, and returned to be relayed.
    async fn frame(&mut self, bytes: Bytes) -> Result<(Bytes, u64), Option<Close>> {
        let event = match decode_media(&bytes) {
            Ok(MediaFrame::ShellOutput { offset, data }) => {
                let checked =
                    self.relay
                        .lock()
                        .shells()
                        .output(self.session, self.id, offset, data.len());
                self.received = checked.map_err(|refused| {
                    Some(match refused {
                        OutputRefused::Gap { .. } => close::bad_frame(
                            "shell output must start where the previous chunk ended",
                        ),
                        OutputRefused::OverWindow => close::bad_frame(
                            "more shell output than the window allows without acknowledgements",
                        ),
                        OutputRefused::Gone => close::revoked("the shell grant ended"),
                    })
                })?;
                let len = data.len() as u64;
                if self.recorded + len <= MAX_TRANSCRIPT_OUTPUT_BYTES {
                    self.recorded += len;
                    ShellEvent::Output { data }
                } else {
                    ShellEvent::Omitted { bytes: len }
                }
            }
            Ok(MediaFrame::ShellExit { code }) => ShellEvent::Exited { code },
            Ok(_) => {
                return Err(Some(close::bad_frame(
                    "a shell's customer sends its output and its exit only",
                )));
            }
            Err(_) => return Err(Some(close::bad_frame("the frame does not decode"))),
        };
        record(self.relay, self.session, self.side.grant, event).await?;
        Ok((bytes, self.received))
    }
}

/// The socket of the rep who holds the shell.
pub(super) struct RepShell<'a> {
    relay: &'a MediaRelay,
    session: SessionId,
    id: u64,
    rep: RepId,
    side: RepSide,
}

pub(super) fn rep(
    relay: &MediaRelay,
    session: SessionId,
    id: u64,
    rep: RepId,
    side: RepSide,
) -> RepShell<'_> {
    RepShell {
        relay,
        session,
        id,
        rep,
        side,
    }
}

impl RepShell<'_> {
    pub(super) async fn run(
        mut self,
        sink: &mut Sink,
        source: &mut Source,
        revoked: &mut oneshot::Receiver<Close>,
        live: &mut Liveness,
    ) -> Option<Close> {
        let mut pinger = pinger(live.idle);
        let mut budget = super::flow::ByteBudget::new(
            REP_INPUT_BYTES_PER_SEC,
            REP_INPUT_BYTES_PER_SEC,
            self.relay.elapsed(),
        );
        let mut read_at: Option<tokio::time::Instant> = None;
        let mut held: Option<Bytes> = None;
        let mut to_customer: Option<mpsc::Sender<Bytes>> = None;
        let mut dropped = 0u64;
        let end = loop {
            let result = tokio::select! {
                biased;
                reason = &mut *revoked => {
                    // What the shell printed while its grant held (stored already, at most a
                    // queue's worth) still reaches its rep: the end of a shell that exited,
                    // its `shell_exit` included, is not lost to the revocation that follows.
                    self.drain(sink).await;
                    break Some(reason.unwrap_or(close::SHUTTING_DOWN));
                }
                // The shell's output and exit, stored already.
                Some(frame) = self.side.from_customer.recv() => send(sink, Message::Binary(frame), revoked).await,
                permit = room(to_customer.clone(), false), if held.is_some() => {
                    match (permit, held.take()) {
                        (Some(permit), Some(frame)) => {
                            let _ = permit.send(frame);
                        }
                        // The customer's socket went while the frame waited.
                        _ => dropped += 1,
                    }
                    Ok(())
                }
                _ = sleep_until(read_at), if read_at.is_some() => {
                    read_at = None;
                    Ok(())
                }
                read = read(source, live), if held.is_none() && read_at.is_none() => match read.into_frame() {
                    Ok(frame) => {
                        pace(&mut budget, &frame, self.relay.elapsed(), &mut read_at);
                        self.frame(frame).await.map(|forward| {
                            if let Some((frame, tx)) = forward {
                                held = Some(frame);
                                to_customer = Some(tx);
                            }
                        })
                    }
                    Err(end) => Err(end),
                },
                _ = pinger.tick() => keep_alive(sink, live, revoked).await,
            };
            if let Err(end) = result {
                break end;
            }
        };
        if dropped > 0 {
            tracing::debug!(rep = %self.rep, session = %self.session, dropped, "shell input with no customer to take it");
        }
        end
    }

    /// Sends what is already queued for the rep, within [`DRAIN_LIMIT`]; nothing new is
    /// taken from the customer (its socket is closed by the same revocation).
    async fn drain(&mut self, sink: &mut Sink) {
        use futures_util::SinkExt;
        let _ = tokio::time::timeout(DRAIN_LIMIT, async {
            while let Ok(frame) = self.side.from_customer.try_recv() {
                if sink.send(Message::Binary(frame)).await.is_err() {
                    return;
                }
            }
        })
        .await;
    }

    /// A frame from the rep: input and resizes are stored and returned with the queue they
    /// go to (none when no customer socket is there to take them: not stored, dropped);
    /// acknowledgements go to the relay.
    #[allow(clippy::type_complexity)]
    async fn frame(
        &mut self,
        bytes: Bytes,
    ) -> Result<Option<(Bytes, mpsc::Sender<Bytes>)>, Option<Close>> {
        let event = match decode_media(&bytes) {
            Ok(MediaFrame::ShellAck { offset }) => {
                self.relay
                    .lock()
                    .shells()
                    .ack(self.session, self.id, offset);
                return Ok(None);
            }
            Ok(MediaFrame::ShellInput { data }) => ShellEvent::Input {
                rep: self.rep.clone(),
                data,
            },
            Ok(MediaFrame::ShellResize { cols, rows }) => ShellEvent::Resized {
                rep: self.rep.clone(),
                cols,
                rows,
            },
            Ok(_) => {
                return Err(Some(close::bad_frame(
                    "a shell's rep sends input, resizes and acknowledgements only",
                )));
            }
            Err(_) => return Err(Some(close::bad_frame("the frame does not decode"))),
        };
        let Some(tx) = self
            .relay
            .lock()
            .shells()
            .to_customer(self.session, self.id)
        else {
            return Ok(None);
        };
        record(self.relay, self.session, self.side.grant, event).await?;
        Ok(Some((bytes, tx)))
    }
}
