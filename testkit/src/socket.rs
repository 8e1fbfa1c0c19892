//! Talking to the server at the lowest level: logging in over HTTP, opening a WebSocket,
//! reading its next text frame with the deadline, and reading a socket to its close.

use crate::wait::DEADLINE;
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_protocol::{CustomerServerMessage, LoginRequest, LoginResponse};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Logs `user` in over HTTP; the token. Any answer but 200 fails the test.
pub async fn login(addr: SocketAddr, user: &str, password: &str) -> String {
    login_with(
        &reqwest::Client::new(),
        &format!("http://{addr}/api/login"),
        user,
        password,
    )
    .await
}

/// Logs `user` in at `url` (`…/api/login`, http or https) through `client`; the token. Any
/// answer but 200 fails the test.
pub async fn login_with(client: &reqwest::Client, url: &str, user: &str, password: &str) -> String {
    let response = client
        .post(url)
        .json(&LoginRequest {
            username: user.into(),
            password: password.into(),
        })
        .send()
        .await
        .expect("login request");
    assert_eq!(response.status(), 200, "login as {user}");
    response
        .json::<LoginResponse>()
        .await
        .expect("login body")
        .token
}

/// A client WebSocket to the test server.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// A client WebSocket to the test server.
pub type WsSocket = Socket;

pub async fn open_socket(addr: SocketAddr, path: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .expect("websocket connects");
    socket
}

/// Reads the next text frame within the deadline; `None` when the socket closed.
pub async fn next_text(socket: &mut Socket) -> Option<String> {
    loop {
        let frame = tokio::time::timeout(DEADLINE, socket.next())
            .await
            .expect("a frame before the deadline");
        match frame {
            Some(Ok(Message::Text(text))) => return Some(text.to_string()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// Reads frames until the server closes the socket (within the deadline); returns the
/// texts and the close code, if any.
pub async fn drain_until_closed(socket: &mut Socket) -> (Vec<String>, Option<u16>) {
    drain_until_closed_within(socket, DEADLINE).await
}

/// [`drain_until_closed`] with another time limit.
pub async fn drain_until_closed_within(
    socket: &mut Socket,
    limit: Duration,
) -> (Vec<String>, Option<u16>) {
    let deadline = tokio::time::Instant::now() + limit;
    let mut texts = Vec::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the server closes the socket before the deadline");
        match frame {
            Some(Ok(Message::Text(text))) => texts.push(text.to_string()),
            Some(Ok(Message::Close(frame))) => {
                return (texts, frame.map(|f| u16::from(f.code)));
            }
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return (texts, None),
        }
    }
}

/// A customer frame's text, parsed.
pub fn customer_message(text: &str) -> CustomerServerMessage {
    serde_json::from_str(text).unwrap()
}
