//! The rep's command shells: one shell stream per session while the rep's own shell grant
//! is granted, opened with an `open_media` ticket (channel `shell`), asked for again (paced)
//! when the socket drops while the grant lasts, and dropped when it ends. Each session keeps
//! its terminal across reconnects; output is fed to it here, within a time budget per frame,
//! and acknowledged only once fed (the stream's flow control). A shell that exited keeps its
//! terminal on screen until the rep closes it ("Shell ended (exit N)"), and its exit is
//! remembered for the Shell entry's note. Also the shell transcript windows.

use super::*;
use crate::net::{ShellOutput, ShellStream};
use crate::terminal::transcript::TranscriptView;
use crate::terminal::{ShellEnd, TermSize};
use crate::ui::shell_view::ShellTerminal;
use crate::ui::transcript_window::{TranscriptState, TranscriptWindow};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use switchboard_protocol::{GrantEnd, GrantId, MediaChannel};

/// How soon `open_media` is asked again for the same session's shell.
const ASK_AGAIN_AFTER: Duration = Duration::from_secs(2);
/// How long the stream of a shell whose grant ended is still read, for its exit.
const DRAIN_AT_MOST: Duration = Duration::from_secs(3);
/// How long one frame may spend feeding output to terminals; the rest waits for the next
/// frame (and stays unacknowledged meanwhile, so the customer's side waits too).
const FEED_BUDGET: Duration = Duration::from_millis(12);

/// The console's shell streams, terminals and transcript windows.
#[derive(Default)]
pub(super) struct Shells {
    pub streams: HashMap<SessionId, ShellStream>,
    pub terminals: HashMap<SessionId, ShellTerminal>,
    /// When `open_media` for a shell was last sent per session.
    asked: HashMap<SessionId, Instant>,
    /// Open transcript windows, by session (live or ended).
    pub transcripts: HashMap<SessionId, TranscriptWindow>,
    /// Shells whose grant ended before their stream did: since when their stream is read
    /// to its end (the exit may be on it).
    draining: HashMap<SessionId, Instant>,
    /// How each session's latest ended shell ended, by its grant: the Shell entry's note
    /// says it after the Shell view is closed.
    pub exits: HashMap<SessionId, (GrantId, Option<i32>)>,
}

impl SwitchboardApp {
    /// Opens, reopens and closes shell streams to match the rep's shell grants, and feeds
    /// what arrived to the terminals; called each frame after the network's events.
    pub(super) fn sync_shells(&mut self, ctx: &egui::Context) {
        let wanted: HashMap<SessionId, GrantId> = self.model.shells_wanted().into_iter().collect();
        let shells = &mut self.shells;
        for (session_id, grant_id) in &wanted {
            let fresh = shells
                .terminals
                .get(session_id)
                .is_none_or(|t| t.grant_id != *grant_id);
            if fresh {
                shells
                    .terminals
                    .insert(*session_id, ShellTerminal::new(*grant_id));
                shells.streams.remove(session_id);
                shells.draining.remove(session_id);
            }
        }
        // A grant that ended takes its terminal away, unless its shell exited (the rep reads
        // how) and the session is still open. A shell that exits ends its grant too, and the
        // exit may still be on its way on the stream: that is read first (for a moment). A
        // grant that ended with `shell_exited` is a shell that ended, even when its exit
        // never came on the stream (the code is then unknown).
        let now = Instant::now();
        let sessions = &self.model.sessions;
        let Shells {
            streams,
            terminals,
            draining,
            asked,
            exits,
            ..
        } = shells;
        terminals.retain(|session_id, terminal| {
            if wanted.get(session_id) == Some(&terminal.grant_id) {
                return true;
            }
            let Some(session) = sessions.get(session_id) else {
                return false;
            };
            terminal.over = true;
            if terminal.model.ended().is_some() {
                return true;
            }
            let since = *draining.entry(*session_id).or_insert(now);
            let flowing = streams
                .get(session_id)
                .is_some_and(|s| !s.state().is_over() || s.has_output());
            if flowing && now.duration_since(since) < DRAIN_AT_MOST {
                return true;
            }
            let exited =
                session.info.remote.grants.iter().any(|g| {
                    g.grant_id == terminal.grant_id && g.ended == Some(GrantEnd::ShellExited)
                });
            if exited {
                terminal.model.set_ended(ShellEnd { exit_code: None });
            }
            exited
        });
        for (session_id, terminal) in terminals.iter() {
            if let Some(end) = terminal.model.ended() {
                exits.insert(*session_id, (terminal.grant_id, end.exit_code));
            }
        }
        exits.retain(|session_id, _| sessions.contains_key(session_id));
        draining.retain(|id, _| {
            terminals
                .get(id)
                .is_some_and(|t| t.over && t.model.ended().is_none())
        });
        // A stream for a granted shell that has not exited, or one being read to its end.
        streams.retain(|id, _| match terminals.get(id) {
            Some(t) if t.model.ended().is_some() => false,
            Some(t) => t.over || wanted.contains_key(id),
            None => false,
        });
        if !draining.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        let live = |session_id: &SessionId, terminals: &HashMap<SessionId, ShellTerminal>| {
            wanted.contains_key(session_id)
                && terminals
                    .get(session_id)
                    .is_some_and(|t| !t.over && t.model.ended().is_none())
        };
        asked.retain(|id, _| live(id, terminals));

        for (session_id, ticket) in std::mem::take(&mut self.model.shell_tickets) {
            let Some(terminal) = self.shells.terminals.get(&session_id) else {
                continue;
            };
            if !live(&session_id, &self.shells.terminals) {
                continue;
            }
            if let Some(mut stream) = self.link.net.open_shell(session_id, ticket) {
                // What this terminal already shows is acknowledged on the new socket, and
                // the shell learns the terminal's size at once.
                stream.fed(terminal.feed.fed());
                let size = terminal.model.size();
                stream.resize(size.cols, size.rows);
                self.shells.streams.insert(session_id, stream);
            }
        }

        let mut ask = Vec::new();
        for session_id in wanted.keys() {
            if !live(session_id, &self.shells.terminals) {
                continue;
            }
            let needs = self
                .shells
                .streams
                .get(session_id)
                .is_none_or(|stream| stream.state().is_over());
            if !needs || self.model.media_asked(*session_id, MediaChannel::Shell) {
                continue;
            }
            let recently = self
                .shells
                .asked
                .get(session_id)
                .is_some_and(|at| now.duration_since(*at) < ASK_AGAIN_AFTER);
            if recently {
                ctx.request_repaint_after(ASK_AGAIN_AFTER);
                continue;
            }
            self.shells.asked.insert(*session_id, now);
            ask.push(*session_id);
        }
        for session_id in ask {
            self.send(RepRequest::OpenMedia {
                session_id,
                channel: MediaChannel::Shell,
            });
        }
        if self.feed_shells() {
            ctx.request_repaint();
        }
    }

    /// Feeds each shell's waiting output to its terminal (acknowledging what was fed) and
    /// sends waiting input; true when something is left for the next frame.
    fn feed_shells(&mut self) -> bool {
        let Shells {
            streams, terminals, ..
        } = &mut self.shells;
        let start = Instant::now();
        let mut more = false;
        for (session_id, stream) in streams.iter_mut() {
            let Some(terminal) = terminals.get_mut(session_id) else {
                continue;
            };
            loop {
                if start.elapsed() >= FEED_BUDGET {
                    more = true;
                    break;
                }
                match stream.try_output() {
                    None => break,
                    Some(ShellOutput::Output { offset, data }) => {
                        let accepted = terminal.feed.accept(offset, &data);
                        if accepted.missing > 0 {
                            tracing::warn!(%session_id, missing = accepted.missing, "shell output lost");
                        }
                        if accepted.restarted {
                            tracing::debug!(%session_id, "the customer's shell started anew");
                        }
                        terminal.model.process(accepted.new);
                        stream.fed(terminal.feed.fed());
                    }
                    Some(ShellOutput::Exit { code }) => {
                        let exit_code = (code >= 0).then_some(code);
                        terminal.model.set_ended(ShellEnd { exit_code });
                        break;
                    }
                }
            }
            stream.flush();
            more |= stream.has_pending_input();
        }
        more
    }

    /// What the rep typed into a session's shell.
    pub(super) fn shell_input(&mut self, session_id: SessionId, bytes: &[u8]) {
        match self.shells.streams.get_mut(&session_id) {
            Some(stream) => stream.input(bytes),
            // Between streams there is nowhere to send it; the rep sees no echo.
            None => tracing::debug!(%session_id, "shell input while not connected"),
        }
    }

    /// The Shell view's new size (a new stream is told the size when it opens).
    pub(super) fn shell_resize(&mut self, session_id: SessionId, size: TermSize) {
        if let Some(stream) = self.shells.streams.get_mut(&session_id) {
            stream.resize(size.cols, size.rows);
        }
    }

    /// Puts away the Shell view of a shell whose grant is over.
    pub(super) fn close_shell(&mut self, session_id: SessionId) {
        if self
            .shells
            .terminals
            .get(&session_id)
            .is_some_and(|t| t.over)
        {
            self.shells.terminals.remove(&session_id);
        }
    }

    /// Opens a session's transcript window and asks the server for it (again each time:
    /// a live session's transcript grows).
    pub(super) fn open_transcript(&mut self, session_id: SessionId, customer: String) {
        self.shells.transcripts.insert(
            session_id,
            TranscriptWindow {
                customer,
                state: TranscriptState::Loading,
            },
        );
        self.link.net.fetch_transcript(session_id);
    }

    /// A transcript arrived (or could not be had); shown if its window is still open.
    pub(super) fn transcript_arrived(
        &mut self,
        session_id: SessionId,
        result: Result<TranscriptView, String>,
    ) {
        if let Some(window) = self.shells.transcripts.get_mut(&session_id) {
            window.state = match result {
                Ok(view) => TranscriptState::Loaded(view),
                Err(reason) => TranscriptState::Failed(reason),
            };
        }
    }

    /// The text on a session's shell terminal now, one line per row (tests).
    pub fn shell_screen(&self, session_id: SessionId) -> Option<String> {
        self.shells
            .terminals
            .get(&session_id)
            .map(|t| t.model.screen_text())
    }

    /// How a session's shell ended, once it has (tests).
    pub fn shell_end(&self, session_id: SessionId) -> Option<ShellEnd> {
        self.shells
            .terminals
            .get(&session_id)
            .and_then(|t| t.model.ended())
    }

    /// Whether a session's shell stream is open and authenticated (tests).
    pub fn shell_connected(&self, session_id: SessionId) -> bool {
        self.shells
            .streams
            .get(&session_id)
            .is_some_and(|s| s.state() == crate::net::StreamState::Live)
    }

    /// The lines of a session's transcript window, once loaded (tests).
    pub fn transcript_lines(&self, session_id: SessionId) -> Option<Vec<String>> {
        match &self.shells.transcripts.get(&session_id)?.state {
            TranscriptState::Loaded(view) => {
                Some(view.lines.iter().map(|l| l.text.clone()).collect())
            }
            TranscriptState::Loading | TranscriptState::Failed(_) => None,
        }
    }
}
