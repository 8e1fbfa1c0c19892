//! The WebSocket half of a session: connect to `/ws/rep`, say `hello`, wait for the answer,
//! then read server frames and write requests.

use super::login::{describe_io, root_cause};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    ErrorCode, PROTOCOL_VERSION, RepHello, RepRequest, RepServerMessage, RequestId, ResumeFrom,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// An open console connection.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long connecting (TCP and the upgrade) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to answer `hello`.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to spend closing politely.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// The console reads small frames; a snapshot simply takes a few reads.
const READ_BUFFER_BYTES: usize = 16 * 1024;

/// Why a connection attempt ended without a `welcome`.
#[derive(Debug)]
pub(crate) enum HandshakeError {
    /// The network failed (refused, reset, timed out): worth retrying.
    Transport(String),
    /// The server answered `hello` with an `error`.
    Refused { code: ErrorCode, message: String },
    /// Something that is not a Switchboard server answered.
    Unexpected(String),
    /// The server's certificate was refused (the sentence names the host): not retried.
    Certificate(String),
}

/// What reading the socket gave.
#[expect(
    clippy::large_enum_variant,
    reason = "returned once per frame and matched at once; boxing would only add an allocation"
)]
pub(crate) enum Incoming {
    /// A server frame.
    Message(RepServerMessage),
    /// A frame that is not for us (WebSocket ping, binary, or a text frame we cannot read).
    Ignored,
    /// The connection is over; the reason is for the log.
    Gone(String),
    /// The server closed this connection because the same rep connected again elsewhere
    /// (close code [`switchboard_protocol::CLOSE_REPLACED`]): do not reconnect by ourselves.
    Replaced,
}

/// Connects, sends `hello` and waits for `welcome`; returns the socket and that `welcome`.
#[tracing::instrument(level = "debug", skip(token, tls))]
pub(crate) async fn open(
    url: &str,
    token: &str,
    resume: Option<ResumeFrom>,
    tls: &switchboard_tls::ClientTls,
) -> Result<(Socket, RepServerMessage), HandshakeError> {
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    let connecting = tls.connect_ws(url, Some(config), true);
    let (mut socket, _) = match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Err(_) => return Err(HandshakeError::Transport("connecting timed out".into())),
        Ok(Err(error)) => return Err(connect_error(error, url)),
        Ok(Ok(connected)) => connected,
    };
    let hello = RepHello::Hello {
        protocol_version: PROTOCOL_VERSION,
        token: token.to_owned(),
        resume,
    };
    let hello = serde_json::to_string(&hello)
        .map_err(|e| HandshakeError::Unexpected(format!("could not write hello: {e}")))?;
    socket
        .send(Message::Text(hello.into()))
        .await
        .map_err(|e| HandshakeError::Transport(describe_ws(&e)))?;
    let first = tokio::time::timeout(HANDSHAKE_TIMEOUT, async {
        loop {
            match next_message(&mut socket).await {
                Incoming::Message(message) => return Ok(message),
                Incoming::Ignored => continue,
                Incoming::Gone(reason) => return Err(HandshakeError::Transport(reason)),
                Incoming::Replaced => {
                    return Err(HandshakeError::Transport(
                        "replaced by another connection before the welcome".into(),
                    ));
                }
            }
        }
    })
    .await
    .map_err(|_| HandshakeError::Transport("the server did not answer hello in time".into()))??;
    match first {
        RepServerMessage::Welcome { .. } => Ok((socket, first)),
        RepServerMessage::Error { code, message, .. } => {
            close(&mut socket).await;
            Err(HandshakeError::Refused { code, message })
        }
        other => {
            close(&mut socket).await;
            Err(HandshakeError::Unexpected(format!(
                "the server answered hello with {other:?}"
            )))
        }
    }
}

/// Reads the next frame. Cancel-safe, so it can sit in a `select!`.
pub(crate) async fn next_message(socket: &mut Socket) -> Incoming {
    match socket.next().await {
        Some(Ok(Message::Text(text))) => match serde_json::from_str(text.as_str()) {
            Ok(message) => Incoming::Message(message),
            Err(error) => {
                // A newer server may send something we do not know; skip it, keep the connection.
                tracing::warn!(%error, "unreadable frame from the server skipped");
                Incoming::Ignored
            }
        },
        Some(Ok(Message::Close(Some(frame))))
            if u16::from(frame.code) == switchboard_protocol::CLOSE_REPLACED =>
        {
            Incoming::Replaced
        }
        Some(Ok(Message::Close(frame))) => Incoming::Gone(match frame {
            Some(frame) if !frame.reason.is_empty() => {
                format!("the server closed the connection: {}", frame.reason)
            }
            _ => "the server closed the connection".into(),
        }),
        Some(Ok(_)) => Incoming::Ignored,
        Some(Err(error)) => Incoming::Gone(describe_ws(&error)),
        None => Incoming::Gone("the connection ended".into()),
    }
}

/// Writes one request; the error is the reason for the log.
pub(crate) async fn send_request(
    socket: &mut Socket,
    id: RequestId,
    request: &RepRequest,
) -> Result<(), String> {
    let text = encode_with_id(id, request);
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|e| describe_ws(&e))
}

/// Closes politely, without waiting long for the server's half of the close.
pub(crate) async fn close(socket: &mut Socket) {
    if let Ok(Err(error)) = tokio::time::timeout(CLOSE_TIMEOUT, socket.close(None)).await {
        tracing::debug!(%error, "close not clean");
    }
}

fn connect_error(error: tokio_tungstenite::tungstenite::Error, url: &str) -> HandshakeError {
    use tokio_tungstenite::tungstenite::Error as E;
    if let Some(sentence) = switchboard_tls::describe(&switchboard_tls::host_of(url), &error) {
        return HandshakeError::Certificate(sentence);
    }
    match error {
        E::Io(io) => HandshakeError::Transport(describe_io(&io)),
        E::Http(response) => HandshakeError::Unexpected(format!(
            "the server answered the WebSocket upgrade with HTTP {}",
            response.status()
        )),
        E::Url(url) => HandshakeError::Unexpected(format!("bad WebSocket address: {url}")),
        other => HandshakeError::Transport(describe_ws(&other)),
    }
}

fn describe_ws(error: &tokio_tungstenite::tungstenite::Error) -> String {
    root_cause(error)
}
