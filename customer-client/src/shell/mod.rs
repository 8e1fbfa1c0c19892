//! The remote command shell's engine on the customer's machine (issue 14): once the customer
//! allows it, a real shell runs on a PTY as the customer's own user, and the rep types into
//! it and reads what it prints. This module is the engine; [`link`] carries its bytes over
//! the shell's media socket, and the session's actor starts a link for each granted `shell`.
//!
//! - [`ShellSession::start`] opens a PTY (`portable-pty`), starts the customer's login shell
//!   (`$SHELL`, else the password database's, else `/bin/sh`; or [`ShellConfig::command`]) in
//!   the home directory with `TERM=xterm-256color`, and returns the session and its
//!   [`ShellOutput`], the receiver of [`ShellEvent`]s: output chunks, then the exit code.
//! - **Flow control**: at most [`OUTPUT_WINDOW`] bytes of output are in flight (read from the
//!   PTY and not yet acknowledged with [`ShellSession::ack`]). With the window full the reader
//!   stops reading, the kernel's PTY buffer fills and the shell's writes block, so a flood
//!   (`yes`, `cat` of a huge file) holds a bounded amount of memory anywhere: real
//!   back-pressure down to the program printing. [`OutputWindow`] is the pure count.
//! - [`ShellSession::write_input`] queues the rep's keystrokes (chunks of at most
//!   [`MAX_INPUT_CHUNK`] bytes; it waits while [`INPUT_QUEUE`] chunks are queued, so input
//!   is bounded too); [`ShellSession::resize`] sets the terminal size (clamped).
//! - [`ShellSession::kill`], or dropping the session, hangs up the shell's process group and
//!   the terminal's foreground group (SIGHUP, which shells pass on to their jobs), then
//!   SIGKILLs them after [`KILL_GRACE`], and joins all three threads: nothing is left
//!   running. Known limits: jobs an interactive shell put in other process groups and that
//!   survive its hang-up are not chased, and a shell that exits on its own leaves its
//!   background processes running, as a terminal emulator does (its pid is reaped by then,
//!   so signalling its group could hit a stranger); ending those would take a session-wide
//!   sweep (`/proc`) or a cgroup. After such an exit the reader stops [`DRAIN_GRACE`] later
//!   if the terminal stays open, so [`ShellEvent::Exited`] still arrives.
//!
//! Unix only for now: the threads wait in `poll(2)` with a wake pipe so they can always be
//! stopped, and the shell's process groups are signalled; a Windows (ConPTY) variant would
//! need its own way to do both.

mod io;
pub mod link;
mod window;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use filedescriptor::{FileDescriptor, Pipe};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};
use thiserror::Error;
use tokio::sync::mpsc;

use io::{Shared, State, Wakers};
pub use window::{AckTooLarge, OutputWindow};

/// The most output bytes in flight (read from the PTY, not yet acknowledged).
pub const OUTPUT_WINDOW: usize = 256 * 1024;
/// The most bytes one read from the PTY takes (and one [`ShellEvent::Output`] carries).
pub const READ_CHUNK: usize = 16 * 1024;
/// The largest input chunk [`ShellSession::write_input`] accepts.
pub const MAX_INPUT_CHUNK: usize = 64 * 1024;
/// Input chunks queued for the PTY before [`ShellSession::write_input`] waits.
pub const INPUT_QUEUE: usize = 8;
/// How long a hung-up shell has to exit before it (and its group) is killed.
pub const KILL_GRACE: Duration = Duration::from_millis(500);
/// After the shell exits, how long its last output is awaited if the terminal stays open.
pub const DRAIN_GRACE: Duration = Duration::from_millis(500);
/// The terminal's rows, clamped to this range.
pub const ROWS: std::ops::RangeInclusive<u16> = 2..=500;
/// The terminal's columns, clamped to this range.
pub const COLS: std::ops::RangeInclusive<u16> = 2..=1000;
/// How long `kill` waits for a SIGKILLed shell to be reaped before giving up on it.
const REAP_LIMIT: Duration = Duration::from_secs(5);

/// What to run and how big the terminal starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellConfig {
    /// The program and its arguments; `None` runs the customer's login shell.
    pub command: Option<Vec<OsString>>,
    /// The terminal's rows (clamped to [`ROWS`]).
    pub rows: u16,
    /// The terminal's columns (clamped to [`COLS`]).
    pub cols: u16,
    /// The working directory; `None` (or one that is not a directory) is the home directory.
    pub cwd: Option<PathBuf>,
    /// Extra environment variables, after `TERM=xterm-256color`.
    pub env: Vec<(OsString, OsString)>,
}

impl ShellConfig {
    /// The customer's login shell in their home directory.
    pub fn login_shell(rows: u16, cols: u16) -> Self {
        Self {
            command: None,
            rows,
            cols,
            cwd: None,
            env: Vec::new(),
        }
    }

    /// A given program (searched in `PATH`) and arguments instead of the login shell.
    pub fn command<S: Into<OsString>>(
        argv: impl IntoIterator<Item = S>,
        rows: u16,
        cols: u16,
    ) -> Self {
        Self {
            command: Some(argv.into_iter().map(Into::into).collect()),
            ..Self::login_shell(rows, cols)
        }
    }
}

/// What the shell sends the far side, in order: output, then one exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellEvent {
    /// Bytes the shell printed (at most [`READ_CHUNK`]); acknowledge them with
    /// [`ShellSession::ack`] once the far side has them.
    Output(Vec<u8>),
    /// The shell ended with this exit code (1 when a signal ended it), after all its output.
    Exited(u32),
}

/// Why the shell could not start or take a request.
#[derive(Debug, Error)]
pub enum ShellError {
    #[error("could not open a PTY: {0:#}")]
    OpenPty(anyhow::Error),
    #[error("could not start the shell: {0:#}")]
    Spawn(anyhow::Error),
    #[error("could not set up the PTY's descriptors: {0}")]
    Descriptor(#[from] filedescriptor::Error),
    #[error("could not start a shell thread: {0}")]
    Thread(#[source] std::io::Error),
    #[error("an input chunk of {len} bytes is over the limit of {MAX_INPUT_CHUNK}")]
    InputTooLarge { len: usize },
    #[error("the shell has ended")]
    Closed,
    #[error("could not resize the terminal: {0:#}")]
    Resize(anyhow::Error),
    #[error(transparent)]
    AckTooLarge(#[from] AckTooLarge),
}

/// A running shell on a PTY. Every method takes `&self`, so it can be shared (`Arc`) between
/// the task sending its output and the one receiving the rep's input and acknowledgements.
/// Dropping it kills the shell (see [`kill`](Self::kill)).
pub struct ShellSession {
    shared: Arc<Shared>,
    master: Mutex<Box<dyn MasterPty + Send>>,
    pid: Option<u32>,
    input: Mutex<Option<mpsc::Sender<Vec<u8>>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// The receiving end of a shell's [`ShellEvent`]s (one consumer). Dropping it tells the
/// reader nobody is listening: reading stops (the shell then blocks once the PTY is full).
pub struct ShellOutput {
    shared: Arc<Shared>,
}

impl ShellSession {
    /// Starts the shell on a new PTY and its reader, writer and waiter threads.
    pub fn start(config: ShellConfig) -> Result<(ShellSession, ShellOutput), ShellError> {
        let size = pty_size(config.rows, config.cols);
        let pair = native_pty_system()
            .openpty(size)
            .map_err(ShellError::OpenPty)?;
        let mut cmd = match &config.command {
            Some(argv) if !argv.is_empty() => CommandBuilder::from_argv(argv.clone()),
            _ => CommandBuilder::new_default_prog(),
        };
        cmd.env("TERM", "xterm-256color");
        // A window a Jump Client's agent opened got its session's customer token in the
        // environment; the shell (which the rep types into) never inherits it.
        cmd.env_remove(crate::jump::TOKEN_VARIABLE);
        for (key, value) in &config.env {
            cmd.env(key, value);
        }
        if let Some(cwd) = &config.cwd {
            cmd.cwd(cwd);
        }
        let mut child = pair.slave.spawn_command(cmd).map_err(ShellError::Spawn)?;
        // Only the shell holds the terminal's slave side now: when it (and whatever it
        // started) closes it, the reader sees end of file.
        drop(pair.slave);
        let pid = child.process_id();
        let master = pair.master;

        // Two descriptors of our own on the master side, non-blocking (the flag belongs to
        // the open file, so setting it once covers both), so each thread can wait in poll
        // beside its wake pipe.
        let raw = master
            .as_raw_fd()
            .ok_or_else(|| ShellError::OpenPty(anyhow::anyhow!("the PTY has no file descriptor")));
        let setup = raw.and_then(|raw| {
            let mut reader_fd = FileDescriptor::dup(&raw)?;
            reader_fd.set_non_blocking(true)?;
            let writer_fd = FileDescriptor::dup(&raw)?;
            let reader_pipe = wake_pipe()?;
            let writer_pipe = wake_pipe()?;
            Ok((reader_fd, writer_fd, reader_pipe, writer_pipe))
        });
        let (reader_fd, writer_fd, reader_pipe, writer_pipe) = match setup {
            Ok(parts) => parts,
            Err(e) => {
                signal_group(pid, Signal::SIGKILL);
                let _ = child.wait();
                return Err(e);
            }
        };
        let shared = Arc::new(Shared::new(
            OUTPUT_WINDOW,
            Wakers {
                reader: reader_pipe.write,
                writer: writer_pipe.write,
            },
        ));
        let (input_tx, input_rx) = mpsc::channel(INPUT_QUEUE);
        let session = ShellSession {
            shared: Arc::clone(&shared),
            master: Mutex::new(master),
            pid,
            input: Mutex::new(Some(input_tx)),
            threads: Mutex::new(Vec::with_capacity(3)),
        };
        // The waiter first: from then on, dropping `session` (on any error below) reaps
        // the shell.
        let waiter_shared = Arc::clone(&shared);
        if let Err(e) = spawn_named("shell-waiter", move || io::run_waiter(child, waiter_shared))
            .map(|handle| session.push_thread(handle))
        {
            signal_group(pid, Signal::SIGKILL);
            return Err(e);
        }
        let reader_shared = Arc::clone(&shared);
        let reader = spawn_named("shell-reader", move || {
            io::run_reader(reader_fd, reader_pipe.read, reader_shared)
        })?;
        session.push_thread(reader);
        let writer_shared = Arc::clone(&shared);
        let writer = spawn_named("shell-writer", move || {
            io::run_writer(writer_fd, writer_pipe.read, input_rx, writer_shared)
        })?;
        session.push_thread(writer);
        Ok((session, ShellOutput { shared }))
    }

    /// The shell's process id (it leads its own session and process group).
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// A copy of the output window's counts (in flight, high-water mark, total sent).
    pub fn window(&self) -> OutputWindow {
        self.shared.lock().window.clone()
    }

    /// The far side has `bytes` more of the output: the reader may read that much more.
    pub fn ack(&self, bytes: usize) -> Result<(), ShellError> {
        self.shared.lock().window.ack(bytes)?;
        self.shared.changed.notify_all();
        Ok(())
    }

    /// Queues the rep's input for the shell; waits while [`INPUT_QUEUE`] chunks are queued
    /// (the shell is not reading). Refuses chunks over [`MAX_INPUT_CHUNK`].
    pub async fn write_input(&self, bytes: &[u8]) -> Result<(), ShellError> {
        if bytes.len() > MAX_INPUT_CHUNK {
            return Err(ShellError::InputTooLarge { len: bytes.len() });
        }
        let sender = self
            .input
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(ShellError::Closed)?;
        sender
            .send(bytes.to_vec())
            .await
            .map_err(|_| ShellError::Closed)
    }

    /// Sets the terminal's size (clamped to [`ROWS`] and [`COLS`]); the shell gets SIGWINCH.
    /// Returns the size set.
    pub fn resize(&self, rows: u16, cols: u16) -> Result<(u16, u16), ShellError> {
        let size = pty_size(rows, cols);
        self.master
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .resize(size)
            .map_err(ShellError::Resize)?;
        Ok((size.rows, size.cols))
    }

    /// Ends the shell and everything in its process group and the terminal's foreground
    /// group (SIGHUP, then SIGKILL after [`KILL_GRACE`]), and joins the threads. Blocks for
    /// up to the grace period (the first call; later calls return at once), so async code
    /// may prefer `spawn_blocking`. The output receiver still yields what was read, then
    /// [`ShellEvent::Exited`], then `None`.
    pub fn kill(&self) {
        let threads =
            std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        if threads.is_empty() {
            return;
        }
        let foreground = self
            .master
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .process_group_leader();
        let state = self.shared.lock();
        let state = if state.exit.is_none() {
            // While the shell is not reaped its pid cannot name another process group.
            self.signal_all(foreground, Signal::SIGHUP);
            let (state, _) = self
                .shared
                .changed
                .wait_timeout_while(state, KILL_GRACE, |s| s.exit.is_none())
                .unwrap_or_else(PoisonError::into_inner);
            if state.exit.is_none() {
                self.signal_all(foreground, Signal::SIGKILL);
            }
            let (state, _) = self
                .shared
                .changed
                .wait_timeout_while(state, REAP_LIMIT, |s| s.exit.is_none())
                .unwrap_or_else(PoisonError::into_inner);
            state
        } else {
            state
        };
        let reaped = state.exit.is_some();
        drop(state);
        self.stop_threads();
        for handle in threads {
            let waiter = handle.thread().name() == Some("shell-waiter");
            if waiter && !reaped {
                // A SIGKILLed process that is never reaped (stuck in the kernel): leave
                // its waiter rather than block forever.
                tracing::error!(
                    "shell: pid {:?} survived SIGKILL; not waiting for it",
                    self.pid
                );
                continue;
            }
            if handle.join().is_err() {
                tracing::error!("shell: a shell thread panicked");
            }
        }
    }

    fn stop_threads(&self) {
        self.shared.lock().stop = true;
        // The writer ends when its channel closes or its wake pipe fires.
        self.input
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        self.shared.announce();
        self.shared.wake_reader();
        self.shared.wake_writer();
    }

    /// Signals the shell's process group and, if different, the terminal's foreground group.
    fn signal_all(&self, foreground: Option<i32>, signal: Signal) {
        signal_group(self.pid, signal);
        if let Some(group) = foreground.filter(|g| Some(*g as u32) != self.pid && *g > 1) {
            let _ = killpg(Pid::from_raw(group), signal);
        }
    }

    fn push_thread(&self, handle: JoinHandle<()>) {
        self.threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(handle);
    }
}

impl Drop for ShellSession {
    fn drop(&mut self) {
        self.kill();
    }
}

impl ShellOutput {
    /// The next event: output chunks as the shell prints them, then [`ShellEvent::Exited`]
    /// once the shell has ended and its output is read, then `None`. Cancel-safe (for
    /// `select!`): an event is taken only when it is returned.
    pub async fn recv(&mut self) -> Option<ShellEvent> {
        loop {
            if let Some(event) = next_event(&mut self.shared.lock()) {
                return event;
            }
            // `notify_one` keeps a permit when nobody waits, so no wake-up is lost between
            // the check above and this wait.
            self.shared.to_consumer.notified().await;
        }
    }
}

/// `Some(event)` when the consumer has something (or is done: `Some(None)`); `None` to wait.
fn next_event(state: &mut State) -> Option<Option<ShellEvent>> {
    if let Some(chunk) = state.pending.pop_front() {
        return Some(Some(ShellEvent::Output(chunk)));
    }
    if state.exit_delivered {
        return Some(None);
    }
    match state.exit {
        Some((code, _)) if state.output_done => {
            state.exit_delivered = true;
            Some(Some(ShellEvent::Exited(code)))
        }
        // Stopped without an exit status (a shell that survived SIGKILL): nothing more.
        None if state.output_done && state.stop => Some(None),
        _ => None,
    }
}

impl Drop for ShellOutput {
    fn drop(&mut self) {
        self.shared.lock().consumer_gone = true;
        self.shared.announce();
        self.shared.wake_reader();
    }
}

fn pty_size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows: rows.clamp(*ROWS.start(), *ROWS.end()),
        cols: cols.clamp(*COLS.start(), *COLS.end()),
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// A pipe whose ends are both non-blocking: writing never waits, reading drains it.
fn wake_pipe() -> Result<Pipe, ShellError> {
    let mut pipe = Pipe::new()?;
    pipe.read.set_non_blocking(true)?;
    pipe.write.set_non_blocking(true)?;
    Ok(pipe)
}

fn spawn_named(
    name: &str,
    run: impl FnOnce() + Send + 'static,
) -> Result<JoinHandle<()>, ShellError> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(run)
        .map_err(ShellError::Thread)
}

/// Signals the process group the shell leads (it is a session leader: group id = pid).
fn signal_group(pid: Option<u32>, signal: Signal) {
    let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()).filter(|p| *p > 1) else {
        return;
    };
    if let Err(e) = killpg(Pid::from_raw(pid), signal) {
        tracing::debug!("shell: {signal} to group {pid}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_can_be_shared_between_tasks() {
        fn shared<T: Send + Sync>() {}
        fn sent<T: Send>() {}
        shared::<ShellSession>();
        sent::<ShellOutput>();
    }

    #[test]
    fn output_comes_first_then_one_exit_then_nothing() {
        let mut state = State::new(100);
        assert_eq!(next_event(&mut state), None, "nothing yet: wait");
        state.pending.push_back(b"ab".to_vec());
        state.exit = Some((3, std::time::Instant::now()));
        // The shell has exited but its output is still being read: output, then wait.
        assert_eq!(
            next_event(&mut state),
            Some(Some(ShellEvent::Output(b"ab".to_vec())))
        );
        assert_eq!(next_event(&mut state), None);
        state.output_done = true;
        assert_eq!(next_event(&mut state), Some(Some(ShellEvent::Exited(3))));
        assert_eq!(next_event(&mut state), Some(None));
        assert_eq!(next_event(&mut state), Some(None));
    }

    #[test]
    fn a_stopped_shell_without_an_exit_status_just_ends() {
        let mut state = State::new(100);
        state.output_done = true;
        assert_eq!(next_event(&mut state), None, "the exit is still to come");
        state.stop = true;
        assert_eq!(next_event(&mut state), Some(None));
    }

    #[test]
    fn sizes_are_clamped() {
        let s = pty_size(0, 0);
        assert_eq!((s.rows, s.cols), (2, 2));
        let s = pty_size(u16::MAX, u16::MAX);
        assert_eq!((s.rows, s.cols), (500, 1000));
        let s = pty_size(24, 80);
        assert_eq!((s.rows, s.cols), (24, 80));
    }
}
