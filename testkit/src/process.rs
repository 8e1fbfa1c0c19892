//! The real `switchboard-server` binary as a child process of a test: started with its
//! stdout piped ([`spawn_server`]) and its `listening on http://ADDR` line read with the
//! kit's deadline ([`listening_address`], [`listening_address_async`]), failing the test
//! with what the server said on stderr instead of hanging.
//!
//! The reading itself is the server crate's [`ListeningLine`] (its `bench`, `attack` and
//! `failover-bench` subcommands start the same binary the same way); this file adds only
//! what tests want: a panic with the process id and its stderr.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use switchboard_server::child_server::ChildServerError;
pub use switchboard_server::child_server::ListeningLine;

/// `binary --config CONFIG --db DB --listen 127.0.0.1:0`: the server on a free port with a
/// configuration and a SQLite file of the test's; the caller adds what else it needs.
pub fn server_command(binary: &Path, config: &Path, db: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(["--listen", "127.0.0.1:0"]);
    command
}

/// Spawns `command` (the caller set its arguments, environment and stderr) with stdout
/// piped, and starts reading the address line. A caller that reads stderr while the
/// server runs takes it from the child before waiting for the address.
pub fn spawn_server(command: &mut Command) -> (Child, ListeningLine) {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let line = ListeningLine::read_from(&mut child).expect("stdout is piped");
    (child, line)
}

/// The address server `pid` printed, waited for at most [`crate::DEADLINE`] (blocking
/// this thread); fails the test with the reason and `stderr()` (what the caller has of the
/// server's stderr) when there is none.
pub fn listening_address(
    line: ListeningLine,
    pid: u32,
    stderr: impl FnOnce() -> String,
) -> SocketAddr {
    address_or_panic(line.address_blocking(crate::DEADLINE), pid, stderr)
}

/// [`listening_address`] for async tests: the runtime's thread is not blocked meanwhile
/// (a test may run a proxy between the server and PostgreSQL on it).
pub async fn listening_address_async(
    line: ListeningLine,
    pid: u32,
    stderr: impl FnOnce() -> String,
) -> SocketAddr {
    address_or_panic(line.address(crate::DEADLINE).await, pid, stderr)
}

fn address_or_panic(
    address: Result<SocketAddr, ChildServerError>,
    pid: u32,
    stderr: impl FnOnce() -> String,
) -> SocketAddr {
    address.unwrap_or_else(|error| panic!("server {pid}: {error}; stderr: {}", stderr()))
}
