//! `GET /ws/customer`: a customer's connection. `start` or `resume` first, then chat.

use super::AppState;
use super::core::CoreMsg;
use super::socket::{self, BadFrames, Incoming};
use axum::extract::ws::WebSocket;
use std::net::IpAddr;
use switchboard_protocol::codec::{decode_customer_frame, decode_typed};
use switchboard_protocol::{CustomerHello, CustomerServerMessage, ErrorCode, PROTOCOL_VERSION};

fn error_frame(
    id: Option<switchboard_protocol::RequestId>,
    code: ErrorCode,
    message: String,
) -> String {
    serde_json::to_string(&CustomerServerMessage::Error { id, code, message }).unwrap_or_default()
}

/// A random token (256 bits, hex) for the customer to reconnect with.
fn new_customer_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

fn frame_type(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("type")?.as_str().map(str::to_owned)
}

#[tracing::instrument(skip_all)]
pub async fn serve(mut socket: WebSocket, state: AppState, source: IpAddr) {
    let conn = super::core::next_conn_id();
    let (tx, mut rx) = socket::outbound_queue();
    let mut bad = BadFrames::new();
    let mut said_hello = false;
    loop {
        let incoming = if said_hello {
            tokio::select! {
                incoming = socket::recv(&mut socket) => incoming,
                // Messages for this customer; `None`/Close means the session let go of us.
                outbound = rx.recv() => {
                    if socket::write_outbound(&mut socket, outbound, &mut rx).await {
                        continue;
                    }
                    break;
                }
            }
        } else {
            match tokio::time::timeout(socket::HELLO_TIMEOUT, socket::recv(&mut socket)).await {
                Ok(incoming) => incoming,
                Err(_) => {
                    socket::send_text(
                        &mut socket,
                        &error_frame(
                            None,
                            ErrorCode::BadRequest,
                            "No `start` or `resume` within 10 seconds.".into(),
                        ),
                    )
                    .await;
                    break;
                }
            }
        };
        let text = match incoming {
            Incoming::Text(text) => text,
            Incoming::Binary => {
                let error = error_frame(None, ErrorCode::BadRequest, socket::BINARY_REFUSED.into());
                if !socket::refuse(&mut socket, &mut bad, &error).await {
                    break;
                }
                continue;
            }
            Incoming::Closed => break,
        };
        let is_hello = matches!(frame_type(&text).as_deref(), Some("start" | "resume"));
        let msg = if is_hello {
            match decode_typed::<CustomerHello>(&text, &["start", "resume"]) {
                Ok(
                    CustomerHello::Start {
                        protocol_version, ..
                    }
                    | CustomerHello::Resume {
                        protocol_version, ..
                    },
                ) if protocol_version != PROTOCOL_VERSION => {
                    let message = format!(
                        "This server speaks protocol version {PROTOCOL_VERSION}, not {protocol_version}."
                    );
                    socket::send_text(
                        &mut socket,
                        &error_frame(None, ErrorCode::VersionMismatch, message),
                    )
                    .await;
                    break;
                }
                Ok(CustomerHello::Start {
                    customer, route, ..
                }) => CoreMsg::CustomerStart {
                    conn,
                    tx: tx.clone(),
                    source,
                    customer,
                    route,
                    token: new_customer_token(),
                },
                Ok(CustomerHello::Resume {
                    session_id,
                    customer_token,
                    ..
                }) => CoreMsg::CustomerResume {
                    conn,
                    tx: tx.clone(),
                    session_id,
                    token: customer_token,
                },
                Err(e) => {
                    let error = error_frame(None, e.code(), e.to_string());
                    if !socket::refuse(&mut socket, &mut bad, &error).await {
                        break;
                    }
                    continue;
                }
            }
        } else {
            match decode_customer_frame(&text) {
                Ok(frame) => CoreMsg::CustomerRequest {
                    conn,
                    id: frame.id,
                    request: frame.request,
                },
                Err(e) => {
                    let error =
                        error_frame(socket::failed_request_id(&text), e.code(), e.to_string());
                    if !socket::refuse(&mut socket, &mut bad, &error).await {
                        break;
                    }
                    continue;
                }
            }
        };
        said_hello = true;
        if !state.core.send(msg).await {
            break;
        }
    }
    socket::close(&mut socket).await;
    state.core.send(CoreMsg::CustomerDetach { conn }).await;
}
