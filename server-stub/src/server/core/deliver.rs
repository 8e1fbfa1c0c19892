//! The flush: commit the batch (or stop, see `commit.rs`), then send every reply and event
//! it produced, in order, to the connections they are for.
//!
//! A chat message in the batch is encoded once (`store/batch.rs`): the store writes that
//! JSON as its row, and its `ok` and events here splice the same text into their frames.

use super::replies;
use super::*;
use switchboard_protocol::{ChatMessage, CustomerServerMessage, RepEvent};

impl Core {
    /// Makes the batch durable, then sends everything it produced, in order. If the batch
    /// cannot be stored, or the lease has run out (see `commit.rs`), nothing of it is sent
    /// and the core stops.
    pub(super) async fn flush(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        if self.stopped.is_some() {
            self.deliveries.clear();
            return;
        }
        let batch = Arc::new(CommitBatch::encoding_chats(ops));
        let committed = match batch.is_empty() {
            true => Ok(()),
            false => commit_or_stop(&self.store, &batch).await,
        };
        // Committed or not, nothing is sent by a server whose lease has run out.
        if let Err(stop) = committed.and_then(|()| lease_still_held(self.lease.as_ref())) {
            tracing::error!(reason = %stop.reason, "the server stops");
            self.deliveries.clear();
            self.stopped = Some(stop);
            return;
        }
        self.delivering = Some(batch);
        self.send_deliveries();
        self.delivering = None;
    }

    /// Sends what the batch produced, in order (it is durable now).
    fn send_deliveries(&mut self) {
        // What sending adds (a slow customer's disconnect) goes into the spare list, for
        // the next flush; this one's list is kept as the spare (unless a burst made it big).
        let spare = std::mem::take(&mut self.spare_deliveries);
        let mut deliveries = std::mem::replace(&mut self.deliveries, spare);
        for delivery in deliveries.drain(..) {
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
                    let sent = match chat_json(&self.delivering, chat_of(&reply)) {
                        Some(json) => send_text(tx, replies::rep_chat_ok(id, json)),
                        None => send_json(tx, &replies::to_rep(id, reply)),
                    };
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
                Delivery::RepRead {
                    rep,
                    conn,
                    id,
                    read,
                } => {
                    if let Some((current, tx)) = self.reps.get(&rep)
                        && *current == conn
                    {
                        read_for_rep(self.store.clone(), tx.clone(), id, rep, read);
                    }
                }
                Delivery::CustomerRead { conn, read } => {
                    // The connection is the read's now: unbound here, closed by the answer.
                    if let Some((tx, _)) = self.customers.remove(&conn) {
                        read_for_customer(self.store.clone(), tx, read);
                    }
                }
                Delivery::MediaAccess {
                    session_id,
                    viewers,
                    decision,
                } => self.media_access_durable(session_id, viewers, decision),
                Delivery::JumpRefused { conn, error } => self.jump_refused(conn, error),
                Delivery::CloseUnboundJump(conn) => self.close_unbound_jump(conn),
                Delivery::Answer { answer, reply } => {
                    let _ = answer.send(reply);
                }
                Delivery::CustomerReply { conn, id, reply } => {
                    let Some((tx, _)) = self.customers.get(&conn) else {
                        continue;
                    };
                    if let Some(id) = id
                        && let Some(json) = chat_json(&self.delivering, chat_of(&reply))
                    {
                        send_text(tx, replies::customer_chat_ok(id, json));
                    } else if let Some(message) = replies::to_customer(id, reply) {
                        send_json(tx, &message);
                    }
                }
            }
        }
        if deliveries.capacity() <= SPARE_DELIVERIES {
            self.spare_deliveries = deliveries;
        }
    }

    pub(super) fn deliver(&mut self, effect: Effect) {
        let Some(effect) = self.deliver_jump(effect) else {
            return;
        };
        match effect {
            // Reads are taken out by `input` for the request they answer; one without a
            // requester (never made today) has nobody to tell.
            Effect::ReadForRep(read) => tracing::debug!(?read, "a read with nobody to answer"),
            Effect::ReadForCustomer(read) => {
                tracing::debug!(?read, "a read with nobody to answer");
            }
            Effect::ToRep(rep, event) => {
                let json = match &event {
                    RepEvent::Chat { message } => chat_json(&self.delivering, Some(message)),
                    _ => None,
                };
                let frame = match json {
                    Some(json) => self.streams.push_chat(&rep, json),
                    None => self.streams.push(&rep, &event),
                };
                let Some(frame) = frame else {
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
                    let json = match &message {
                        CustomerServerMessage::Chat { message } => {
                            chat_json(&self.delivering, Some(message))
                        }
                        _ => None,
                    };
                    match json.map(replies::customer_chat) {
                        Some(text) => self.send_customer_text(conn, text),
                        None => self.send_customer(conn, &message),
                    }
                }
            }
            Effect::ToPortal(session_id, message) => {
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
            Effect::IssueMediaTicket {
                token,
                session_id,
                holder,
                channel,
                expires_at,
            } => self.issue_media_ticket(token, session_id, holder, channel, expires_at),
            // Taken out by `input` (narrowed at once, widened after the commit); one
            // reaching here came from no input, and is treated the same way.
            Effect::MediaAccess {
                session_id,
                viewers,
            } => self.media_access(session_id, viewers),
            Effect::ToJump(..)
            | Effect::ToJumpConn(..)
            | Effect::BindJump(..)
            | Effect::CloseJump(..) => {}
        }
    }

    pub(super) fn send_customer(&mut self, conn: ConnId, message: &impl serde::Serialize) {
        match serde_json::to_string(message) {
            Ok(text) => self.send_customer_text(conn, text),
            Err(error) => tracing::error!(%error, "could not encode a message"),
        }
    }

    /// Queues an encoded frame for a customer connection.
    fn send_customer_text(&mut self, conn: ConnId, text: String) {
        let Some((tx, session)) = self.customers.get(&conn) else {
            return;
        };
        if !send_text(tx, text) {
            // A customer who cannot keep up is disconnected; they can resume.
            let session = *session;
            self.customers.remove(&conn);
            if let Some(session_id) = session {
                self.session_customer.remove(&session_id);
                self.notify(Input::CustomerDisconnected { session_id });
            }
        }
    }
}

/// The capacity up to which a flush's list of deliveries is kept for the next one.
const SPARE_DELIVERIES: usize = 4096;

/// The JSON of `message` if the batch being delivered stores exactly that message.
fn chat_json<'a>(
    delivering: &'a Option<Arc<CommitBatch>>,
    message: Option<&ChatMessage>,
) -> Option<&'a str> {
    delivering.as_ref()?.json_of(message?)
}

/// The chat message a reply carries (a chat's `ok`), if any.
fn chat_of(reply: &Reply) -> Option<&ChatMessage> {
    match reply {
        Ok(Some(OkResult::Chat { message })) => Some(message),
        _ => None,
    }
}

/// Earlier chats sent per "Load older messages".
const HISTORY_PAGE: u32 = 5;

/// Reads what a customer's hello needs from the store, off the core task, answers it and
/// closes the connection.
fn read_for_customer(store: Store, tx: OutboundTx, read: CustomerRead) {
    match read {
        CustomerRead::EndedSession {
            session_id,
            customer_token,
        } => super::consoles::resume_from_store(store, tx, session_id, customer_token),
    }
}

/// Reads what a rep request needs from the store, off the core task, and answers it.
/// Whispers to other reps are left out of what `rep` gets.
fn read_for_rep(store: Store, tx: OutboundTx, id: RequestId, rep: RepId, read: RepRead) {
    tokio::spawn(async move {
        let reply = match read {
            RepRead::History { contact, before } => {
                match store.past_chats(contact, before, HISTORY_PAGE).await {
                    Ok((mut chats, more)) => {
                        for past in &mut chats {
                            past.chat
                                .retain(|m| crate::router::rep_sees_message(m, &rep));
                        }
                        Ok(Some(OkResult::History { chats, more }))
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not read older chats");
                        Err(replies::internal("Older messages could not be loaded."))
                    }
                }
            }
        };
        send_json(&tx, &replies::to_rep(id, reply));
    });
}
