//! `GET /ws/customer`: a customer's connection. `start`, `resume` or `join` first (anything
//! else, or a refusal, closes it), then chat.

use super::AppState;
use super::core::{CoreMsg, now_ms};
use super::socket::{self, BadFrames, Incoming, Liveness, WebSocket};
use crate::router::rate::{Buckets, ServerIds};
use std::net::IpAddr;
use std::time::Duration;
use switchboard_protocol::codec::{decode_customer_frame, decode_typed};
use switchboard_protocol::{
    CustomerHello, CustomerRequest, CustomerServerMessage, ErrorCode, PROTOCOL_VERSION,
};

fn error_frame(
    id: Option<switchboard_protocol::RequestId>,
    code: ErrorCode,
    message: String,
) -> String {
    serde_json::to_string(&CustomerServerMessage::Error {
        id,
        code,
        message,
        retry_after_ms: None,
    })
    .unwrap_or_default()
}

/// The refusal of a chat message sent faster than the customer's rate allows.
fn too_fast(id: switchboard_protocol::RequestId, wait_ms: u64) -> String {
    let message = CustomerServerMessage::Error {
        id: Some(id),
        code: ErrorCode::RateLimited,
        message: format!(
            "Messages are arriving too fast; wait {:.1} s.",
            wait_ms as f64 / 1000.0
        ),
        retry_after_ms: Some(wait_ms),
    };
    serde_json::to_string(&message).unwrap_or_default()
}

/// Sends a refusal of the hello and closes: a refused hello ends the connection
/// (PROTOCOL.md §9); a new attempt opens a new socket.
async fn refuse_hello(socket: &mut WebSocket, code: ErrorCode, message: String) {
    socket::send_text(socket, &error_frame(None, code, message)).await;
    socket::close(socket).await;
}

/// Reads the first frame, which must be `start` or `resume`, within the hello timeout.
/// `None` when the connection is over (refused, silent or gone).
async fn hello(
    socket: &mut WebSocket,
    wait: Duration,
    liveness: &mut Liveness,
) -> Option<CustomerHello> {
    let text = match tokio::time::timeout(wait, socket::recv(socket, liveness)).await {
        Ok(Incoming::Text(text)) => text,
        Ok(Incoming::NotText { code, reason }) => {
            socket::close_with(socket, code, reason).await;
            return None;
        }
        Ok(Incoming::Closed) => return None,
        Err(_) => {
            let message = format!("No `start` or `resume` within {} seconds.", wait.as_secs());
            refuse_hello(socket, ErrorCode::BadRequest, message).await;
            return None;
        }
    };
    match decode_typed::<CustomerHello>(&text, &["start", "resume", "join"]) {
        Ok(
            CustomerHello::Start {
                protocol_version, ..
            }
            | CustomerHello::Resume {
                protocol_version, ..
            }
            | CustomerHello::Join {
                protocol_version, ..
            },
        ) if protocol_version != PROTOCOL_VERSION => {
            let message = format!(
                "This server speaks protocol version {PROTOCOL_VERSION}, not {protocol_version}."
            );
            refuse_hello(socket, ErrorCode::VersionMismatch, message).await;
            None
        }
        Ok(hello) => Some(hello),
        Err(e) => {
            let message = match e.code() {
                ErrorCode::UnknownType => {
                    format!("The first frame must be `start`, `resume` or `join`: {e}")
                }
                _ => e.to_string(),
            };
            // Any other first frame (a `ping`, a `chat`) is not a hello: `bad_request`.
            let code = match e.code() {
                ErrorCode::FrameTooLarge => ErrorCode::FrameTooLarge,
                _ => ErrorCode::BadRequest,
            };
            refuse_hello(socket, code, message).await;
            None
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn serve(
    mut socket: WebSocket,
    state: AppState,
    source: IpAddr,
    platform: switchboard_protocol::Platform,
) {
    let conn = super::core::next_conn_id();
    let (tx, mut rx) = socket::outbound_queue();
    let limits = &state.config.limits;
    let mut liveness = Liveness::new(Duration::from_secs(limits.idle_timeout_secs));
    let wait = Duration::from_secs(limits.hello_timeout_secs);
    // Boxed for its few milliseconds: inline, its state would be part of the future this
    // connection keeps for its whole life (future_sizes.rs guards that size).
    let Some(hello) = Box::pin(hello(&mut socket, wait, &mut liveness)).await else {
        return;
    };
    let first = match hello {
        CustomerHello::Start {
            customer,
            route,
            client,
            ..
        } => CoreMsg::CustomerStart {
            conn,
            tx: tx.clone(),
            source,
            customer,
            route,
            token: crate::auth::new_token(),
            client,
            platform,
        },
        CustomerHello::Resume {
            session_id,
            customer_token,
            ..
        } => CoreMsg::CustomerResume {
            conn,
            tx: tx.clone(),
            session_id,
            token: customer_token,
        },
        CustomerHello::Join { code, .. } => CoreMsg::CustomerJoin {
            conn,
            tx: tx.clone(),
            source,
            code,
            token: crate::auth::new_token(),
        },
    };
    drop(tx);
    if !state.core.send(first).await {
        socket::close(&mut socket).await;
        return;
    }
    let mut bad = BadFrames::new();
    // One key, `()`: nothing to hash, so not SipHash's rounds per frame either.
    let mut chat_rate: Buckets<(), ServerIds> =
        Buckets::with_rate(f64::from(limits.chat_per_second), limits.chat_burst);
    let mut pinger = liveness.pinger();
    loop {
        tokio::select! {
            incoming = socket::recv(&mut socket, &mut liveness) => match incoming {
                Incoming::Text(text) => match decode_customer_frame(&text) {
                    // A flood is refused here, before the core spends anything on it (the
                    // router's own limit, per session, still holds across reconnects).
                    Ok(frame) if matches!(frame.request, CustomerRequest::Chat { .. })
                        && let Err(wait_ms) = chat_rate.take(&(), now_ms()) =>
                    {
                        let error = too_fast(frame.id, wait_ms);
                        if !socket::send_text(&mut socket, &error).await {
                            break;
                        }
                    }
                    Ok(frame) => {
                        let msg = CoreMsg::CustomerRequest { conn, id: frame.id, request: frame.request };
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
            // Messages for this customer; `None`/Close means the session let go of us.
            outbound = rx.recv() => {
                if !socket::write_outbound(&mut socket, outbound, &mut rx).await {
                    break;
                }
            }
            // A customer who went away without a word (a laptop lid closed) is let go.
            _ = pinger.tick() => {
                if !socket::keep_alive(&mut socket, &liveness).await {
                    break;
                }
            }
        }
    }
    socket::close(&mut socket).await;
    state.core.send(CoreMsg::CustomerDetach { conn }).await;
}
