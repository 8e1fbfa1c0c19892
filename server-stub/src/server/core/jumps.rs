//! Jump Client agents' connections in the core: a hello becomes a router input, a refused
//! one is answered `error` and closed, an accepted one is bound to its Jump Client (an older
//! connection of the same Jump Client is closed with `CLOSE_REPLACED`), and the router's
//! messages for a Jump Client reach its current connection.

use super::*;
use switchboard_protocol::{JumpClientId, JumpServerMessage, MachineInfo};

/// Agent connections, bound to a Jump Client or not yet.
#[derive(Default)]
pub(super) struct JumpConns {
    conns: HashMap<ConnId, (OutboundTx, Option<JumpClientId>)>,
    current: HashMap<JumpClientId, ConnId>,
}

impl Core {
    pub(super) fn jump_hello(
        &mut self,
        conn: ConnId,
        tx: OutboundTx,
        token: String,
        machine: MachineInfo,
    ) {
        self.jumps.conns.entry(conn).or_insert((tx, None));
        let reply = self.input(Input::JumpHello {
            conn,
            token,
            machine,
        });
        if let Err(error) = reply {
            self.deliveries.push(Delivery::JumpRefused { conn, error });
        } else {
            // Answered `uninstall` (or nothing bound it): closed after the answer.
            self.deliveries.push(Delivery::CloseUnboundJump(conn));
        }
    }

    pub(super) fn jump_detach(&mut self, conn: ConnId) {
        if let Some((_, Some(id))) = self.jumps.conns.remove(&conn)
            && self.jumps.current.get(&id) == Some(&conn)
        {
            self.jumps.current.remove(&id);
            self.notify(Input::JumpDisconnected { jump_client_id: id });
        }
    }

    /// After the batch is durable: a refused hello's `error`, then the close.
    pub(super) fn jump_refused(&mut self, conn: ConnId, error: switchboard_protocol::ErrorBody) {
        if let Some((tx, _)) = self.jumps.conns.remove(&conn) {
            send_json(
                &tx,
                &JumpServerMessage::Error {
                    code: error.code,
                    message: error.message,
                },
            );
            let _ = tx.try_send(Outbound::Close);
        }
    }

    pub(super) fn close_unbound_jump(&mut self, conn: ConnId) {
        if let Some((tx, None)) = self.jumps.conns.get(&conn) {
            let _ = tx.try_send(Outbound::Close);
            self.jumps.conns.remove(&conn);
        }
    }

    /// Carries out a router effect about Jump Clients; gives back any other.
    pub(super) fn deliver_jump(&mut self, effect: Effect) -> Option<Effect> {
        match effect {
            Effect::ToJump(id, message) => {
                if let Some(conn) = self.jumps.current.get(&id).copied() {
                    self.send_jump(conn, &message);
                }
            }
            Effect::ToJumpConn(conn, message) => self.send_jump(conn, &message),
            Effect::BindJump(conn, id) => {
                if let Some(old) = self.jumps.current.insert(id, conn)
                    && old != conn
                    && let Some((tx, _)) = self.jumps.conns.remove(&old)
                {
                    // The same agent connected again (a network change): the old one goes.
                    let _ = tx.try_send(Outbound::CloseWith {
                        code: CLOSE_REPLACED,
                        reason: "replaced by a newer connection of this Jump Client",
                    });
                }
                if let Some((_, bound)) = self.jumps.conns.get_mut(&conn) {
                    *bound = Some(id);
                }
            }
            Effect::CloseJump(id) => {
                if let Some(conn) = self.jumps.current.remove(&id)
                    && let Some((tx, _)) = self.jumps.conns.remove(&conn)
                {
                    let _ = tx.try_send(Outbound::Close);
                    // Its detach will find nothing bound: tell the router here.
                    self.notify(Input::JumpDisconnected { jump_client_id: id });
                }
            }
            other => return Some(other),
        }
        None
    }

    fn send_jump(&mut self, conn: ConnId, message: &JumpServerMessage) {
        let Some((tx, bound)) = self.jumps.conns.get(&conn) else {
            return;
        };
        if !send_json(tx, message) {
            // An agent that cannot keep up is dropped; it reconnects.
            let bound = *bound;
            self.jumps.conns.remove(&conn);
            if let Some(id) = bound
                && self.jumps.current.get(&id) == Some(&conn)
            {
                self.jumps.current.remove(&id);
                self.notify(Input::JumpDisconnected { jump_client_id: id });
            }
        }
    }

    /// Closes every agent connection (the core is stopping).
    pub(super) fn close_jumps(&mut self) {
        for (_, (tx, _)) in self.jumps.conns.drain() {
            let _ = tx.try_send(Outbound::Close);
        }
        self.jumps.current.clear();
    }
}
