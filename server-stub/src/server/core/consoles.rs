//! Rep connections coming and going: attaching (snapshot or replay), being replaced, being
//! closed when their token ends or they read too slowly; and customers resuming a session
//! that only the store still has.

use super::replies;
use super::*;

impl Core {
    pub(super) async fn attach_rep(
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

    /// Closes the consoles whose login token expired (they may log in again).
    pub(super) fn close_expired_tokens(&mut self, now: u64) {
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
    pub(super) fn end_console(&mut self, rep: &RepId, reason: &'static str) {
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
    pub(super) fn drop_rep(&mut self, rep: &RepId, already_closed: bool) {
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
pub(super) fn resume_from_store(
    store: Store,
    tx: OutboundTx,
    session_id: SessionId,
    token: String,
) {
    tokio::spawn(async move {
        let message = match store.ended_session(session_id.0).await {
            Ok(Some(session))
                if session.customer_token_hash == crate::auth::hash_secret(&token) =>
            {
                Router::ended_for_customer(&session, &token)
            }
            Ok(_) => replies::customer_refusal(
                None,
                switchboard_protocol::ErrorBody::new(
                    ErrorCode::Unauthorized,
                    crate::router::RESUME_REFUSED,
                ),
            ),
            Err(error) => {
                tracing::error!(%error, "could not read an ended session");
                replies::customer_refusal(
                    None,
                    replies::internal("The server could not look up this chat."),
                )
            }
        };
        send_json(&tx, &message);
        let _ = tx.try_send(Outbound::Close);
    });
}
