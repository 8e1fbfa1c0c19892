//! The console's side of a command shell on `/ws/media` (channel `shell`): one stream per
//! session while the rep's shell grant is granted. A task on the network runtime connects
//! with the ticket from `open_media`, sends `auth`, hands the shell's output and its exit to
//! the UI through a bounded queue, and writes what goes back: the rep's input, resizes, and
//! acks of what the terminal has been fed.
//!
//! Flow control is the ack: the customer's side keeps at most 256 KiB of output
//! unacknowledged, and this side acks only bytes the UI has fed to the terminal model
//! ([`ShellStream::fed`]), at least every [`ACK_EVERY`] bytes and whenever the UI has caught
//! up. When the UI falls behind, its queue fills, this task stops reading the socket, the
//! acks stop, and the customer's shell waits: a flood holds a bounded amount of memory here.
//! The UI holds a [`ShellStream`]; dropping it closes the socket.

use super::StreamState;
use super::media::{Dial, MediaSocket, closed, connect};
use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use switchboard_protocol::media::{
    MAX_SHELL_CHUNK, MAX_SHELL_COLS, MAX_SHELL_ROWS, MediaFrame, decode_media, encode_media,
};
use switchboard_protocol::{MediaTicket, SessionId};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Message;

/// Fed bytes are acknowledged at least this often (and whenever the UI has caught up).
pub const ACK_EVERY: u64 = 32 * 1024;
/// Output chunks (each at most 64 KiB) waiting for the UI to feed them. The customer's
/// window (256 KiB unacknowledged) keeps it far from full in practice; full, the task stops
/// reading the socket.
const OUTPUT_QUEUE: usize = 16;
/// Frames waiting to go to the customer (input chunks, resizes); beyond it they wait in the
/// handle until [`ShellStream::flush`] finds room.
const INPUT_QUEUE: usize = 32;

/// What the shell sent, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellOutput {
    /// Output from byte `offset` of the shell's whole output.
    Output { offset: u64, data: Vec<u8> },
    /// The shell exited with `code` (-1: killed, or no code).
    Exit { code: i32 },
}

/// What the task and the handle share.
struct Shared {
    state: Mutex<StreamState>,
    /// Every output byte before this offset has been fed to the terminal: written by the
    /// UI, acknowledged by the task.
    fed: AtomicU64,
    /// Wakes the task when `fed` moved, so an ack goes out without waiting for output.
    fed_moved: Notify,
    /// Output bytes in the queue to the UI now (the bound tests check).
    queued: AtomicU64,
}

/// The UI's handle on one session's shell stream. Dropping it ends the stream.
pub struct ShellStream {
    pub session_id: SessionId,
    shared: Arc<Shared>,
    output: mpsc::Receiver<ShellOutput>,
    out: mpsc::Sender<MediaFrame>,
    /// Input and resizes the queue had no room for yet, oldest first.
    pending: VecDeque<MediaFrame>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// When it was opened, for reconnect pacing.
    pub opened_at: Instant,
}

impl std::fmt::Debug for ShellStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShellStream")
            .field("session_id", &self.session_id)
            .field("state", &self.state())
            .finish()
    }
}

impl Drop for ShellStream {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl ShellStream {
    pub fn state(&self) -> StreamState {
        self.shared
            .state
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The next thing the shell sent, if one is waiting (never blocks).
    pub fn try_output(&mut self) -> Option<ShellOutput> {
        let next = self.output.try_recv().ok()?;
        if let ShellOutput::Output { data, .. } = &next {
            self.shared
                .queued
                .fetch_sub(data.len() as u64, Ordering::Relaxed);
        }
        Some(next)
    }

    /// Tells the stream that every output byte before `offset` is in the terminal model;
    /// the task acknowledges it to the customer's side. It goes back only when a new shell
    /// started from offset 0 under the same grant.
    pub fn fed(&self, offset: u64) {
        let before = self.shared.fed.swap(offset, Ordering::AcqRel);
        if offset != before {
            self.shared.fed_moved.notify_one();
        }
    }

    /// Sends what the rep typed or pasted, in chunks the protocol allows.
    pub fn input(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(MAX_SHELL_CHUNK) {
            self.pending.push_back(MediaFrame::ShellInput {
                data: chunk.to_vec(),
            });
        }
        self.flush();
    }

    /// Tells the shell's terminal its new size (held to what the protocol allows).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // Only the latest size matters: one still waiting is replaced.
        self.pending
            .retain(|frame| !matches!(frame, MediaFrame::ShellResize { .. }));
        self.pending.push_back(MediaFrame::ShellResize {
            cols: cols.clamp(1, MAX_SHELL_COLS),
            rows: rows.clamp(1, MAX_SHELL_ROWS),
        });
        self.flush();
    }

    /// Moves waiting input into the task's queue as far as it has room (call each frame).
    pub fn flush(&mut self) {
        while let Some(frame) = self.pending.pop_front() {
            match self.out.try_send(frame) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(frame)) => {
                    self.pending.push_front(frame);
                    return;
                }
                // The stream is over: what was typed has nowhere to go.
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    self.pending.clear();
                    return;
                }
            }
        }
    }

    /// Whether input is still waiting in the handle for room in the task's queue.
    pub fn has_pending_input(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether output (or the exit) waits in the queue for the UI.
    pub fn has_output(&self) -> bool {
        !self.output.is_empty()
    }

    /// Output bytes waiting in the queue for the UI now.
    pub fn queued_bytes(&self) -> u64 {
        self.shared.queued.load(Ordering::Relaxed)
    }
}

/// Opens a shell stream to `dial` with `ticket` on `runtime`; `wake` repaints the UI.
pub(crate) fn open(
    runtime: &tokio::runtime::Handle,
    dial: Dial,
    session_id: SessionId,
    ticket: MediaTicket,
    wake: Arc<dyn Fn() + Send + Sync>,
) -> ShellStream {
    let shared = Arc::new(Shared {
        state: Mutex::new(StreamState::Connecting),
        fed: AtomicU64::new(0),
        fed_moved: Notify::new(),
        queued: AtomicU64::new(0),
    });
    let (output_tx, output) = mpsc::channel(OUTPUT_QUEUE);
    let (out, out_rx) = mpsc::channel(INPUT_QUEUE);
    let task = runtime.spawn(run(
        dial,
        ticket.token,
        shared.clone(),
        output_tx,
        out_rx,
        wake,
    ));
    ShellStream {
        session_id,
        shared,
        output,
        out,
        pending: VecDeque::new(),
        task: Some(task),
        opened_at: Instant::now(),
    }
}

/// The stream's task: connect, authenticate, then relay frames until the socket ends.
async fn run(
    dial: Dial,
    token: String,
    shared: Arc<Shared>,
    output: mpsc::Sender<ShellOutput>,
    out_rx: mpsc::Receiver<MediaFrame>,
    wake: Arc<dyn Fn() + Send + Sync>,
) {
    let end = match connect(&dial, token).await {
        Ok(socket) => {
            set_state(&shared, StreamState::Live);
            wake();
            relay(socket, &shared, output, out_rx, wake.as_ref()).await
        }
        Err(lost) => lost,
    };
    tracing::debug!(?end, "shell stream ended");
    set_state(&shared, end);
    wake();
}

fn set_state(shared: &Shared, state: StreamState) {
    if let Ok(mut current) = shared.state.lock() {
        *current = state;
    }
}

/// Frames both ways until the socket ends; how it ended.
async fn relay(
    mut socket: MediaSocket,
    shared: &Shared,
    output: mpsc::Sender<ShellOutput>,
    mut out_rx: mpsc::Receiver<MediaFrame>,
    wake: &(dyn Fn() + Send + Sync),
) -> StreamState {
    // The last offset acknowledged on this socket, and the end of the last chunk read.
    let mut acked = 0u64;
    let mut received = 0u64;
    // A chunk read from the socket and waiting for room in the UI's queue: while there is
    // one, the socket is not read.
    let mut waiting: Option<ShellOutput> = None;
    loop {
        let fed = shared.fed.load(Ordering::Acquire);
        // A new shell under the same grant counts from 0 again: so does the ack.
        let restarted = fed < acked;
        if fed != acked && (restarted || fed - acked >= ACK_EVERY || fed >= received) {
            if let Err(lost) = send(&mut socket, &MediaFrame::ShellAck { offset: fed }).await {
                return lost;
            }
            acked = fed;
        }
        tokio::select! {
            // Room in the UI's queue for the chunk read last: hand it over.
            permit = output.reserve(), if waiting.is_some() => {
                let Ok(permit) = permit else {
                    return StreamState::Lost("the console let go of the shell".into());
                };
                if let Some(next) = waiting.take() {
                    if let ShellOutput::Output { data, .. } = &next {
                        shared.queued.fetch_add(data.len() as u64, Ordering::Relaxed);
                    }
                    permit.send(next);
                    wake();
                }
            }
            // From the server: the shell's output and its exit, read only while nothing
            // waits for room, so a console that falls behind stops reading.
            incoming = socket.next(), if waiting.is_none() => match incoming {
                Some(Ok(Message::Binary(bytes))) => match decode_media(&bytes) {
                    Ok(MediaFrame::ShellOutput { offset, data }) => {
                        received = offset.saturating_add(data.len() as u64);
                        waiting = Some(ShellOutput::Output { offset, data });
                    }
                    Ok(MediaFrame::ShellExit { code }) => waiting = Some(ShellOutput::Exit { code }),
                    Ok(other) => tracing::debug!(?other, "frame ignored on a shell socket"),
                    Err(error) => tracing::warn!(%error, "a shell frame could not be read"),
                },
                Some(Ok(Message::Close(frame))) => return closed(frame),
                Some(Ok(_)) => {}
                Some(Err(error)) => return StreamState::Lost(error.to_string()),
                None => return StreamState::Lost("the socket ended".into()),
            },
            // To the server: the rep's input and resizes.
            Some(frame) = out_rx.recv() => {
                if let Err(lost) = send(&mut socket, &frame).await {
                    return lost;
                }
            }
            // The UI fed more output: an ack may be due (checked at the top of the loop).
            () = shared.fed_moved.notified() => {}
        }
    }
}

async fn send(socket: &mut MediaSocket, frame: &MediaFrame) -> Result<(), StreamState> {
    let bytes = match encode_media(frame) {
        Ok(bytes) => bytes,
        Err(error) => {
            // Never from the console's own frames (sizes are held to the limits).
            tracing::warn!(%error, "a shell frame could not be encoded");
            return Ok(());
        }
    };
    socket
        .send(Message::Binary(bytes.into()))
        .await
        .map_err(|error| StreamState::Lost(error.to_string()))
}
