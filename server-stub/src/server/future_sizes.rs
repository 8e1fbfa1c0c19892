//! Size guards for what every idle connection holds for its whole life: the connection
//! task's future (one allocation per connection, made by tokio when the task is spawned).
//! Issue 11 bounds memory per idle connection (< 16 KiB); this future is part of it, and
//! it grows silently when something large is held across an `.await` in the loop (the
//! core's `send` future was ~800 bytes of every connection, for a send that almost never
//! waits).
//!
//! The sizes are of the test build (unoptimised futures are larger than release ones), so
//! the limits are a ceiling for that build: above it, something grew; look at what the
//! loop holds across its `.await`s before raising them.

use super::AppState;
use super::core::{CoreHandle, CoreMsg};
use super::socket::WebSocket;
use std::future::Future;
use std::net::IpAddr;
use switchboard_protocol::Platform;

/// Ceiling for a console's or a customer's connection future (it was 2,384 and 2,520
/// bytes before the core's send stopped holding its waiting state inline).
const CONNECTION_FUTURE_LIMIT: usize = 2_304;
/// Ceiling for `CoreHandle::send`'s future, held by every connection's loop (was 792).
const CORE_SEND_LIMIT: usize = 512;

fn size_of_future2<A, B, F: Future>(_: &impl Fn(A, B) -> F) -> usize {
    std::mem::size_of::<F>()
}

fn size_of_future4<A, B, C, D, F: Future>(_: &impl Fn(A, B, C, D) -> F) -> usize {
    std::mem::size_of::<F>()
}

#[test]
fn connection_futures_stay_small() {
    let rep = |socket: WebSocket, state: AppState| super::rep_ws::serve(socket, state);
    let customer = |socket: WebSocket, state: AppState, source: IpAddr, platform: Platform| {
        super::customer_ws::serve(socket, state, source, platform)
    };
    let core_send = |core: &'static CoreHandle, msg: CoreMsg| core.send(msg);
    let sizes = [
        (
            "rep_ws::serve",
            size_of_future2(&rep),
            CONNECTION_FUTURE_LIMIT,
        ),
        (
            "customer_ws::serve",
            size_of_future4(&customer),
            CONNECTION_FUTURE_LIMIT,
        ),
        (
            "CoreHandle::send",
            size_of_future2(&core_send),
            CORE_SEND_LIMIT,
        ),
    ];
    for (what, size, limit) in sizes {
        assert!(
            size <= limit,
            "{what}'s future is {size} bytes (limit {limit})"
        );
    }
}
