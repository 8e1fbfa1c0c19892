//! The attacker's side of the abuse tests (e2e_abuse*.rs): connections from other loopback
//! addresses (127.0.0.2 and up: Linux routes all of 127.0.0.0/8 to the loopback interface),
//! so per-address limits see them as strangers while the well-behaved clients come from
//! 127.0.0.1; and the well-behaved customer's round trips, measured and bounded.

use super::*;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use switchboard_protocol::CustomerServerMessage;
use tokio::net::TcpStream;

pub const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

#[allow(unused_imports)] // Not every test binary attacks over raw TCP.
pub use switchboard_server::attack::tcp_from;

/// A customer WebSocket from `from`, after its `start` is answered; the answer's frame.
pub async fn customer_from(
    from: IpAddr,
    server: SocketAddr,
    name: &str,
) -> (
    tokio_tungstenite::WebSocketStream<TcpStream>,
    CustomerServerMessage,
) {
    switchboard_server::attack::customer(from, server, name)
        .await
        .unwrap_or_else(|e| panic!("customer {name} from {from}: {e}"))
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
