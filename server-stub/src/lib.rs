//! The Switchboard routing server: queues, sessions and chat for live customer support.
//!
//! - [`auth`]: tokens: made from the OS's CSPRNG, kept as SHA-256.
//! - [`config`]: reps, teams, issues and rules from TOML (a demo config is bundled).
//! - [`config_jump`]: the `[jump]` section (Jump Client policy, when one is lost).
//! - [`mail`]: sends the extended-availability emails from the outbox (SMTP, with retries).
//! - [`limits`]: every limit on outside input, the `[limits]` section of the config.
//! - [`router`]: the routing state machine: pure, synchronous, deterministic.
//! - [`server`]: the running server: core task, WebSocket and HTTP edges.
//! - [`sim`]: simulated customers; [`bench`]: the `bench` subcommand (`bench_ticks`: an
//!   idle router tick; `bench_setup`: the router's part of setting up N reps and
//!   sessions; `bench_sockets`: the load run's client sockets; `bench_proc`: CPU time and
//!   memory from `/proc`, for it and `attack`); [`attack`]: the `attack` subcommand (a
//!   customer's round trip while an attack runs); [`failover_bench`]: the `failover-bench`
//!   subcommand (kill -9 of the active to the standby's first answer).
//! - [`pg_connect`]: every PostgreSQL connection's attempt bounded in time as a whole.
//! - [`store`]: SQLite or PostgreSQL on its own thread; durable before acknowledged.
pub mod attack;
pub mod auth;
pub mod bench;
pub mod bench_dashboard;
mod bench_database;
mod bench_proc;
mod bench_setup;
mod bench_sockets;
mod bench_ticks;
pub mod child_server;
pub mod config;
pub mod config_jump;
pub mod customer_cli;
pub mod failover_bench;
pub mod limits;
pub mod mail;
pub mod pg_connect;
pub mod report;
pub mod router;
pub mod server;
pub mod sim;
pub mod store;
