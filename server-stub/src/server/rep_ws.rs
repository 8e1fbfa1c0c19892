//! `GET /ws/rep`: a console's connection. Hello with a token, then requests in and
//! events out, until either side closes.

use super::AppState;
use super::core::{CoreMsg, now_ms};
use super::socket::{self, BadFrames, Incoming, Liveness, WebSocket};
use crate::auth::hash_secret;
use std::time::Duration;
use switchboard_protocol::codec::{decode_rep_frame, decode_typed};
use switchboard_protocol::{ErrorCode, PROTOCOL_VERSION, RepHello, RepId, RepServerMessage};

fn error_frame(
    id: Option<switchboard_protocol::RequestId>,
    code: ErrorCode,
    message: String,
) -> String {
    serde_json::to_string(&RepServerMessage::Error {
        id,
        code,
        message,
        retry_after_ms: None,
    })
    .unwrap_or_default()
}

/// Reads the hello and checks version and token; on failure tells the console why.
async fn handshake(
    socket: &mut WebSocket,
    state: &AppState,
    liveness: &mut Liveness,
) -> Option<Handshake> {
    let wait = Duration::from_secs(state.config.limits.hello_timeout_secs);
    let text = match tokio::time::timeout(wait, socket::recv(socket, liveness)).await {
        Ok(Incoming::Text(text)) => text,
        Ok(Incoming::NotText { code, reason }) => {
            socket::close_with(socket, code, reason).await;
            return None;
        }
        Ok(Incoming::Closed) => return None,
        Err(_) => {
            socket::send_text(
                socket,
                &error_frame(
                    None,
                    ErrorCode::BadRequest,
                    format!("No `hello` within {} seconds.", wait.as_secs()),
                ),
            )
            .await;
            return None;
        }
    };
    let hello = match decode_typed::<RepHello>(&text, &["hello"]) {
        Ok(hello) => hello,
        Err(e) => {
            socket::send_text(
                socket,
                &error_frame(
                    None,
                    e.code(),
                    format!("The first frame must be `hello`: {e}"),
                ),
            )
            .await;
            return None;
        }
    };
    let RepHello::Hello {
        protocol_version,
        token,
        resume,
    } = hello;
    if protocol_version != PROTOCOL_VERSION {
        let message = format!(
            "This server speaks protocol version {PROTOCOL_VERSION}; the console speaks {protocol_version}. Update the console."
        );
        socket::send_text(
            socket,
            &error_frame(None, ErrorCode::VersionMismatch, message),
        )
        .await;
        return None;
    }
    if token.is_empty() {
        socket::send_text(
            socket,
            &error_frame(
                None,
                ErrorCode::Unauthorized,
                "The hello has no `token`; log in with POST /api/login first.".into(),
            ),
        )
        .await;
        return None;
    }
    let token_hash = hash_secret(&token);
    let (rep, expires_at) = match state.store.token(token_hash.clone(), now_ms()).await {
        Ok(Some((rep, expires_at))) => (RepId::new(rep), expires_at),
        Ok(None) => {
            socket::send_text(
                socket,
                &error_frame(
                    None,
                    ErrorCode::Unauthorized,
                    "The login token is unknown or expired; log in again.".into(),
                ),
            )
            .await;
            return None;
        }
        Err(error) => {
            tracing::error!(%error, "token lookup failed");
            socket::send_text(
                socket,
                &error_frame(
                    None,
                    ErrorCode::Internal,
                    "The server could not check the token.".into(),
                ),
            )
            .await;
            return None;
        }
    };
    if !state.config.reps.contains_key(&rep) {
        socket::send_text(
            socket,
            &error_frame(
                None,
                ErrorCode::Unauthorized,
                "This account no longer exists.".into(),
            ),
        )
        .await;
        return None;
    }
    Some(Handshake {
        rep,
        resume,
        token_hash,
        expires_at,
    })
}

/// A console that said a good hello.
struct Handshake {
    rep: RepId,
    resume: Option<switchboard_protocol::ResumeFrom>,
    /// Its login token (hashed) and when that expires: the console is let go then, or at
    /// logout.
    token_hash: String,
    expires_at: u64,
}

#[tracing::instrument(skip_all)]
pub async fn serve(mut socket: WebSocket, state: AppState) {
    let mut liveness = Liveness::new(Duration::from_secs(state.config.limits.idle_timeout_secs));
    // Boxed for its few milliseconds: inline, its state would be part of the future this
    // connection keeps for its whole life (future_sizes.rs guards that size).
    let Some(Handshake {
        rep,
        resume,
        token_hash,
        expires_at,
    }) = Box::pin(handshake(&mut socket, &state, &mut liveness)).await
    else {
        socket::close(&mut socket).await;
        return;
    };
    let conn = super::core::next_conn_id();
    let (tx, mut rx) = socket::outbound_queue();
    let attached = state
        .core
        .send(CoreMsg::RepAttach {
            rep: rep.clone(),
            conn,
            tx,
            resume,
            token_hash,
            expires_at,
        })
        .await;
    if !attached {
        socket::close(&mut socket).await;
        return;
    }
    tracing::debug!(%rep, conn, "console connected");
    let mut bad = BadFrames::new();
    let mut pinger = liveness.pinger();
    loop {
        tokio::select! {
            // A frame from the console: a request for the core, or a bad frame answered here.
            incoming = socket::recv(&mut socket, &mut liveness) => match incoming {
                Incoming::Text(text) => match decode_rep_frame(&text) {
                    Ok(frame) => {
                        let msg = CoreMsg::RepRequest { rep: rep.clone(), conn, id: frame.id, request: frame.request };
                        if !state.core.send(msg).await {
                            break;
                        }
                    }
                    Err(e) => {
                        let error = error_frame(socket::failed_request_id(&text), e.code(), e.to_string());
                        if !socket::refuse(&mut socket, &mut bad, &error).await {
                            break;
                        }
                    }
                },
                Incoming::NotText { code, reason } => {
                    // Closed with the code that says why; the detach below, as for any end.
                    socket::close_with(&mut socket, code, reason).await;
                    break;
                }
                Incoming::Closed => break,
            },
            // A reply or event from the core; `None`/Close means the core let go of us.
            outbound = rx.recv() => {
                if !socket::write_outbound(&mut socket, outbound, &mut rx).await {
                    break;
                }
            }
            // A console gone without a close (a dead network) is let go: its sessions get
            // the grace period.
            _ = pinger.tick() => {
                if !socket::keep_alive(&mut socket, &liveness).await {
                    break;
                }
            }
        }
    }
    socket::close(&mut socket).await;
    state.core.send(CoreMsg::RepDetach { rep, conn }).await;
}
