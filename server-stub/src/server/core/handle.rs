//! Each message from a connection task, turned into router inputs (or answered here when
//! it needs no router: the available reps, a token check, a resume from the store).

use super::*;

impl Core {
    pub(super) async fn handle(&mut self, msg: CoreMsg) {
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
                request,
            } => {
                let reply = self.input(Input::Rep {
                    rep: rep.clone(),
                    request,
                });
                if let Some(read) = self.rep_read.take() {
                    self.deliveries.push(Delivery::RepRead {
                        rep,
                        conn,
                        id,
                        read,
                    });
                    return;
                }
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
                client,
                platform,
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
                    client,
                    platform,
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
                self.customers.entry(conn).or_insert((tx, None));
                let reply = self.input(Input::CustomerResume {
                    conn,
                    session_id,
                    customer_token: token,
                });
                if let Some(read) = self.customer_read.take() {
                    // Not live: the store answers (and the connection closes after it).
                    self.deliveries.push(Delivery::CustomerRead { conn, read });
                    return;
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
            CoreMsg::CustomerJoin {
                conn,
                tx,
                source,
                code,
                token,
            } => {
                self.customers.entry(conn).or_insert((tx, None));
                let now = now_ms();
                // Codes are guessed like session keys: the same budget of wrong ones.
                let reply = match self.key_guesses.check(&source, now) {
                    Err(wait) => Err(switchboard_protocol::ErrorBody::rate_limited(
                        format!("Too many wrong codes. Try again in {wait} seconds."),
                        wait * 1000,
                    )),
                    Ok(()) => {
                        let reply = self.input(Input::CustomerJoin {
                            conn,
                            code,
                            customer_token: token,
                        });
                        if matches!(&reply, Err(e) if e.code == ErrorCode::KeyInvalid) {
                            self.key_guesses.fail(&source, now);
                        }
                        reply
                    }
                };
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
            CoreMsg::JumpHello {
                conn,
                tx,
                token,
                machine,
            } => self.jump_hello(conn, tx, token, machine),
            CoreMsg::JumpDetach { conn } => self.jump_detach(conn),
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
}
