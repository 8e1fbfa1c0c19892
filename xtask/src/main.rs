//! `cargo xtask`: the project's two commands for a new machine (`demo`, `test`) and its
//! packages (`deb`). Each command sets up what it needs first (system packages, test
//! accounts, toolchain components), installing when it can and otherwise stopping at once
//! with the exact command to run, so the README needs no set-up steps before them.

mod deb;
mod demo;
mod setup;
mod test;
mod test_runner;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Switchboard's own commands (run as `cargo xtask <command>`).
#[derive(Parser)]
#[command(about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up what the console needs, then run its demo (a window; Xvfb when there is no display).
    Demo(demo::DemoArgs),
    /// Set up what the tests need, then check formatting and lints and run every test
    /// (and, as root, build the .deb packages and install them).
    Test(test::TestArgs),
    /// Build switchboard_*.deb and switchboard-server_*.deb into target/debian/.
    Deb(deb::DebArgs),
    /// Only check (and install when possible) the system packages a command needs.
    Setup(setup::SetupArgs),
}

fn main() -> ExitCode {
    match dispatch() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The causes on one line and no backtrace: these errors are messages for the
            // user (what to install, which step failed), not bugs to debug.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch() -> anyhow::Result<()> {
    let root = workspace_root();
    match Cli::parse().command {
        Command::Demo(args) => demo::run(&root, &args),
        Command::Test(args) => test::run(&root, &args),
        Command::Deb(args) => deb::run(&root, &args).map(|_| ()),
        Command::Setup(args) => setup::run(&args),
    }
}

/// The workspace's root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}
