//! The shell's three threads and the state they share with [`ShellSession`] and
//! [`ShellOutput`]: the reader (PTY output into the queue, within the output window), the
//! writer (the rep's keystrokes into the PTY) and the waiter (the shell's exit status).
//!
//! Why threads and `poll(2)`: the PTY is a blocking file; a thread per direction keeps the
//! async side free. Each thread waits in `poll` on its PTY descriptor (non-blocking) *and* on
//! a wake pipe of its own, so [`ShellSession::kill`] can always stop and join it, even while
//! some orphaned process still holds the terminal open and no end of file ever comes.
//!
//! [`ShellSession`]: super::ShellSession
//! [`ShellSession::kill`]: super::ShellSession::kill
//! [`ShellOutput`]: super::ShellOutput

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use filedescriptor::{FileDescriptor, POLLIN, POLLOUT, pollfd};
use portable_pty::Child;
use tokio::sync::{Notify, mpsc};

use super::window::OutputWindow;
use super::{DRAIN_GRACE, READ_CHUNK};

/// What the threads, the session and the output receiver share.
pub(super) struct Shared {
    pub state: Mutex<State>,
    /// Signalled on every change of [`State`]: credit for the reader, the exit for `kill`.
    pub changed: Condvar,
    /// Wakes the (single) consumer in [`ShellOutput::recv`](super::ShellOutput::recv).
    pub to_consumer: Notify,
    /// The write ends of the reader's and the writer's wake pipes.
    pub wakers: Mutex<Wakers>,
}

/// The write ends of the wake pipes (non-blocking: a full pipe already means "wake up").
pub(super) struct Wakers {
    pub reader: FileDescriptor,
    pub writer: FileDescriptor,
}

/// The shell's state as the threads and the consumer see it.
pub(super) struct State {
    pub window: OutputWindow,
    /// Output read from the PTY and not yet taken by the consumer (counted in the window).
    pub pending: VecDeque<Vec<u8>>,
    /// The shell's exit code, once the waiter has it, and when.
    pub exit: Option<(u32, Instant)>,
    /// The reader has stopped: no more output will be queued.
    pub output_done: bool,
    /// `ShellEvent::Exited` has been handed to the consumer.
    pub exit_delivered: bool,
    /// `kill` (or drop) asked every thread to stop.
    pub stop: bool,
    /// The output receiver was dropped: nobody will read or acknowledge output.
    pub consumer_gone: bool,
}

impl State {
    /// A shell just started: nothing read, nothing in flight.
    pub fn new(window: usize) -> Self {
        Self {
            window: OutputWindow::new(window),
            pending: VecDeque::new(),
            exit: None,
            output_done: false,
            exit_delivered: false,
            stop: false,
            consumer_gone: false,
        }
    }
}

impl Shared {
    pub fn new(window: usize, wakers: Wakers) -> Self {
        Self {
            state: Mutex::new(State::new(window)),
            changed: Condvar::new(),
            to_consumer: Notify::new(),
            wakers: Mutex::new(wakers),
        }
    }

    /// The state, even if a thread panicked while holding it (its fields stay consistent:
    /// every update is a single assignment or a window call).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells everyone waiting that the state changed.
    pub fn announce(&self) {
        self.changed.notify_all();
        self.to_consumer.notify_one();
    }

    /// Wakes the reader out of `poll` so it looks at the state again.
    pub fn wake_reader(&self) {
        let mut wakers = self.wakers.lock().unwrap_or_else(PoisonError::into_inner);
        // A full pipe (WouldBlock) already holds a wake-up; nothing else can go wrong that
        // the reader would not see anyway.
        let _ = wakers.reader.write(&[1]);
    }

    /// Wakes the writer out of `poll` (only `kill` does: the writer then stops).
    pub fn wake_writer(&self) {
        let mut wakers = self.wakers.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = wakers.writer.write(&[1]);
    }
}

/// What `poll` found.
enum Ready {
    /// The PTY descriptor is ready (or hung up: the read or write says which).
    Pty,
    /// The wake pipe has something: look at the state again.
    Woken,
    /// The timeout passed.
    TimedOut,
}

/// Waits until `pty` is ready for `events`, the wake pipe is readable, or `timeout` passes.
fn wait_ready(
    pty: &FileDescriptor,
    events: i16,
    wake: &FileDescriptor,
    timeout: Option<Duration>,
) -> std::io::Result<Ready> {
    use std::os::fd::AsRawFd;
    let mut fds = [
        pollfd {
            fd: pty.as_raw_fd(),
            events,
            revents: 0,
        },
        pollfd {
            fd: wake.as_raw_fd(),
            events: POLLIN,
            revents: 0,
        },
    ];
    loop {
        match filedescriptor::poll(&mut fds, timeout) {
            Ok(0) => return Ok(Ready::TimedOut),
            Ok(_) if fds[1].revents != 0 => return Ok(Ready::Woken),
            // Readiness, a hang-up or an error alike: the read or write that follows says
            // which, and ends the thread on an error (so this never spins).
            Ok(_) if fds[0].revents != 0 => return Ok(Ready::Pty),
            Ok(_) => continue,
            Err(filedescriptor::Error::Poll(e)) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(std::io::Error::other(e)),
        }
    }
}

/// Empties a wake pipe (its read end is non-blocking).
fn drain(wake: &mut FileDescriptor) {
    let mut sink = [0u8; 64];
    while matches!(wake.read(&mut sink), Ok(n) if n > 0) {}
}

/// True for the error a PTY master reads once every slave descriptor is closed (Linux: EIO).
fn is_hang_up(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(nix::errno::Errno::EIO as i32)
}

/// The reader thread: PTY output into the queue, never more than the window's room at a time.
pub(super) fn run_reader(mut pty: FileDescriptor, mut wake: FileDescriptor, shared: Arc<Shared>) {
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let (max, deadline) = {
            let state = shared.lock();
            let state = shared
                .changed
                .wait_while(state, |s| {
                    !s.stop && !s.consumer_gone && s.window.room() == 0
                })
                .unwrap_or_else(PoisonError::into_inner);
            if state.stop || state.consumer_gone {
                break;
            }
            let deadline = state.exit.map(|(_, at)| at + DRAIN_GRACE);
            (state.window.room().min(READ_CHUNK), deadline)
        };
        // After the shell exits, what it wrote is read until end of file; if something
        // else keeps the terminal open, reading stops after a grace period.
        let timeout = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => break,
            },
            None => None,
        };
        match wait_ready(&pty, POLLIN, &wake, timeout) {
            Ok(Ready::Pty) => {}
            Ok(Ready::Woken) => {
                drain(&mut wake);
                continue;
            }
            Ok(Ready::TimedOut) => break,
            Err(e) => {
                tracing::warn!("shell: polling the PTY failed: {e}");
                break;
            }
        }
        let n = match pty.read(&mut buf[..max]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                continue;
            }
            Err(e) if is_hang_up(&e) => break,
            Err(e) => {
                tracing::warn!("shell: reading the PTY failed: {e}");
                break;
            }
        };
        let mut state = shared.lock();
        let counted = state.window.sent(n);
        let bytes = &buf[..counted];
        // Small reads join the last queued chunk, so the queue holds few chunks however the
        // output was cut.
        match state.pending.back_mut() {
            Some(last) if last.len() + bytes.len() <= READ_CHUNK => last.extend_from_slice(bytes),
            _ => state.pending.push_back(bytes.to_vec()),
        }
        drop(state);
        shared.to_consumer.notify_one();
    }
    shared.lock().output_done = true;
    shared.announce();
}

/// The writer thread: the rep's input into the PTY, chunk by chunk, until the input channel
/// closes, the PTY fails (the shell is gone) or `kill` wakes it.
pub(super) fn run_writer(
    mut pty: FileDescriptor,
    wake: FileDescriptor,
    mut input: mpsc::Receiver<Vec<u8>>,
    shared: Arc<Shared>,
) {
    while let Some(chunk) = input.blocking_recv() {
        let mut rest = chunk.as_slice();
        while !rest.is_empty() {
            match pty.write(rest) {
                Ok(0) => return,
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    // The shell is not reading its input: wait for room, or for `kill`.
                    match wait_ready(&pty, POLLOUT, &wake, None) {
                        Ok(Ready::Pty) => {}
                        Ok(Ready::Woken | Ready::TimedOut) => return,
                        Err(e) => {
                            tracing::warn!("shell: polling the PTY for input failed: {e}");
                            return;
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!("shell: writing input stopped: {e}");
                    return;
                }
            }
        }
        if shared.lock().stop {
            return;
        }
    }
}

/// The waiter thread: waits for the shell to exit and records its exit code.
pub(super) fn run_waiter(mut child: Box<dyn Child + Send + Sync>, shared: Arc<Shared>) {
    let code = match child.wait() {
        Ok(status) => {
            if let Some(signal) = status.signal() {
                tracing::debug!("shell: ended by {signal}");
            }
            status.exit_code()
        }
        Err(e) => {
            tracing::warn!("shell: waiting for the shell failed: {e}");
            1
        }
    };
    shared.lock().exit = Some((code, Instant::now()));
    shared.announce();
    shared.wake_reader();
}
