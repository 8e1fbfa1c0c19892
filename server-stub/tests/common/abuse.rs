//! The attacker's side of the abuse tests (e2e_abuse*.rs): connections from other loopback
//! addresses (127.0.0.2 and up: Linux routes all of 127.0.0.0/8 to the loopback interface),
//! so per-address limits see them as strangers while the well-behaved clients come from
//! 127.0.0.1; and the well-behaved customer's round trips, measured and bounded.

use super::*;
use futures_util::{SinkExt, StreamExt};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

pub const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

/// A TCP connection to `server` from the local address `from`.
pub async fn tcp_from(from: IpAddr, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(server).await
}

/// A customer WebSocket from `from`, after its `start` is answered; the answer's frame.
pub async fn customer_from(
    from: IpAddr,
    server: SocketAddr,
    name: &str,
) -> (
    tokio_tungstenite::WebSocketStream<TcpStream>,
    CustomerServerMessage,
) {
    let stream = tcp_from(from, server).await.unwrap();
    let (mut socket, _) =
        tokio_tungstenite::client_async(format!("ws://{server}/ws/customer"), stream)
            .await
            .unwrap();
    let hello = CustomerHello::Start {
        protocol_version: PROTOCOL_VERSION,
        customer: CustomerInfo {
            name: name.into(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::General,
    };
    socket
        .send(Message::Text(serde_json::to_string(&hello).unwrap().into()))
        .await
        .unwrap();
    let answer = loop {
        match tokio::time::timeout(DEADLINE, socket.next()).await.unwrap() {
            Some(Ok(Message::Text(text))) => break serde_json::from_str(&text).unwrap(),
            Some(Ok(_)) => continue,
            other => panic!("no answer to start: {other:?}"),
        }
    };
    (socket, answer)
}

/// Round trips of a well-behaved customer: `n` messages, each sent after the last `ok`.
pub async fn round_trips(customer: &mut CustomerClient, n: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        customer.say("is anyone there?").await;
        times.push(started.elapsed());
    }
    times
}

pub fn worst(times: &[Duration]) -> Duration {
    times.iter().copied().max().unwrap_or_default()
}

/// The generous bound a loaded round trip must stay within: 20 times the unloaded worst,
/// and never under 250 ms (CI machines are busy; an attack that gets through costs seconds).
pub fn bound(unloaded: &[Duration]) -> Duration {
    (worst(unloaded) * 20).max(Duration::from_millis(250))
}

/// Prints and checks the probe's figures.
pub fn assert_unaffected(what: &str, unloaded: &[Duration], loaded: &[Duration]) {
    println!(
        "{what}: unloaded worst {:?}, under attack worst {:?}",
        worst(unloaded),
        worst(loaded)
    );
    assert!(
        worst(loaded) <= bound(unloaded),
        "{what}: a normal customer's round trip went from {:?} to {:?}",
        worst(unloaded),
        worst(loaded)
    );
}
