//! `GET /ws/jump`: a Jump Client agent's connection (docs/PROTOCOL.md §12). The first
//! frame, within the hello timeout, is `hello {protocol_version, token, machine}`; the core
//! answers `welcome` (this connection is the Jump Client's now), `uninstall` (it was
//! unpinned) or `error` (`unauthorized`, `invalid`), and closes after the last two. Then
//! the agent sends `ping` (answered here with `pong`) and waits for `jump`. Any frame that
//! is not a known message is answered `error` and the connection closes: an agent is a
//! program, not a person, and retries from scratch.

use super::AppState;
use super::core::{CoreMsg, next_conn_id};
use super::socket::{self, Incoming, Liveness, WebSocket};
use std::time::Duration;
use switchboard_protocol::codec::decode_typed;
use switchboard_protocol::{
    ErrorCode, JumpAgentMessage, JumpHello, JumpServerMessage, MachineInfo, PROTOCOL_VERSION,
};

fn error_frame(code: ErrorCode, message: String) -> String {
    serde_json::to_string(&JumpServerMessage::Error { code, message }).unwrap_or_default()
}

/// Sends a refusal and closes.
async fn refuse(socket: &mut WebSocket, code: ErrorCode, message: String) {
    socket::send_text(socket, &error_frame(code, message)).await;
    socket::close(socket).await;
}

/// Reads the hello within `wait`: the token and the machine, or `None` when the
/// connection is over (refused, silent or gone).
async fn hello(
    socket: &mut WebSocket,
    wait: Duration,
    liveness: &mut Liveness,
) -> Option<(String, MachineInfo)> {
    let text = match tokio::time::timeout(wait, socket::recv(socket, liveness)).await {
        Ok(Incoming::Text(text)) => text,
        Ok(Incoming::NotText { code, reason }) => {
            socket::close_with(socket, code, reason).await;
            return None;
        }
        Ok(Incoming::Closed) => return None,
        Err(_) => {
            let message = format!("No `hello` within {} seconds.", wait.as_secs());
            refuse(socket, ErrorCode::BadRequest, message).await;
            return None;
        }
    };
    match decode_typed::<JumpHello>(&text, &["hello"]) {
        Ok(JumpHello::Hello {
            protocol_version, ..
        }) if protocol_version != PROTOCOL_VERSION => {
            let message = format!(
                "This server speaks protocol version {PROTOCOL_VERSION}, not {protocol_version}."
            );
            refuse(socket, ErrorCode::VersionMismatch, message).await;
            None
        }
        Ok(JumpHello::Hello { token, machine, .. }) => Some((token, machine)),
        Err(e) => {
            let code = match e.code() {
                ErrorCode::FrameTooLarge => ErrorCode::FrameTooLarge,
                _ => ErrorCode::BadRequest,
            };
            refuse(
                socket,
                code,
                format!("The first frame must be `hello`: {e}"),
            )
            .await;
            None
        }
    }
}

/// A frame after the hello: one of [`JumpAgentMessage::TYPES`].
fn decode_agent(text: &str) -> Result<JumpAgentMessage, switchboard_protocol::DecodeError> {
    decode_typed::<JumpAgentMessage>(text, JumpAgentMessage::TYPES)
}

#[tracing::instrument(skip_all)]
pub async fn serve(mut socket: WebSocket, state: AppState) {
    let conn = next_conn_id();
    let (tx, mut rx) = socket::outbound_queue();
    let limits = &state.config.limits;
    let mut liveness = Liveness::new(Duration::from_secs(limits.idle_timeout_secs));
    let wait = Duration::from_secs(limits.hello_timeout_secs);
    let Some((token, machine)) = hello(&mut socket, wait, &mut liveness).await else {
        return;
    };
    let first = CoreMsg::JumpHello {
        conn,
        tx: tx.clone(),
        token,
        machine,
    };
    drop(tx);
    if !state.core.send(first).await {
        socket::close(&mut socket).await;
        return;
    }
    let mut pinger = liveness.pinger();
    let pong = serde_json::to_string(&JumpServerMessage::Pong).unwrap_or_default();
    loop {
        tokio::select! {
            // The agent's frames: `ping`, answered here; anything else ends the connection.
            incoming = socket::recv(&mut socket, &mut liveness) => match incoming {
                Incoming::Text(text) => match decode_agent(&text) {
                    Ok(JumpAgentMessage::Ping) => {
                        if !socket::send_text(&mut socket, &pong).await {
                            break;
                        }
                    }
                    Err(e) => {
                        refuse(&mut socket, e.code(), e.to_string()).await;
                        break;
                    }
                },
                Incoming::NotText { code, reason } => {
                    socket::close_with(&mut socket, code, reason).await;
                    break;
                }
                Incoming::Closed => break,
            },
            // What the core sends this agent (`welcome`, `jump`, `uninstall`); a close
            // ends the connection (refused, unpinned or replaced).
            outbound = rx.recv() => {
                if !socket::write_outbound(&mut socket, outbound, &mut rx).await {
                    break;
                }
            }
            // An agent that went away without a word (a machine switched off) is let go.
            _ = pinger.tick() => {
                if !socket::keep_alive(&mut socket, &liveness).await {
                    break;
                }
            }
        }
    }
    socket::close(&mut socket).await;
    state.core.send(CoreMsg::JumpDetach { conn }).await;
}
