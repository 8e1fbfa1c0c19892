//! The command shell as the rep sees it, pure: what the session's Shell entry offers (ask,
//! wait with Cancel, stop) and why it is greyed, whether the console should hold a shell
//! stream, whether a transcript is worth offering, and which bytes of the shell's output are
//! new ([`ShellFeed`]: a reconnected stream may repeat what was already shown). Derived from
//! `SessionInfo.remote`, the rep's `Permissions.shell` and the clock (an argument); no egui,
//! no IO. The entry's Administrator menu is [`super::elevation`]'s.

use super::Model;
use super::elevation::ElevationBar;
use crate::text::elevation as elevation_words;
use crate::text::remote as words;
use switchboard_protocol::{
    Capability, GrantEnd, GrantId, GrantInfo, GrantState, RepId, SessionId, SessionInfo, UnixMillis,
};

/// What the Shell entry shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellButton {
    /// "Shell": the rep may ask the customer now.
    Open,
    /// "Shell", greyed; the sentence says why.
    Greyed(String),
    /// The rep's request is on the customer's screen: a countdown and Cancel.
    Waiting { grant_id: GrantId, note: String },
    /// The rep has the shell: "Stop shell".
    Active { grant_id: GrantId },
}

/// The session's Shell entry for this rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellToolbar {
    pub button: ShellButton,
    /// A line beside the entry: how the rep's last request ended, when worth telling.
    pub note: Option<String>,
    /// A shell was asked for in this session (any shell grant listed): the transcript may
    /// have something to show.
    pub used: bool,
    /// The rep's latest shell grant, when it ended because its shell exited by itself (not
    /// stopped by anyone): the note says so, with the exit code once the console knows it
    /// ([`ShellToolbar::with_exit_code`]).
    pub exited: Option<GrantId>,
    /// The Administrator menu beside the entry (an elevated shell), and who the session's
    /// live administrator's shell runs as; `None` where it was not worked out (the plain
    /// [`shell_toolbar`] has no `elevate` permission to go by: [`Model::shell_toolbar`] adds
    /// it).
    pub elevation: Option<ElevationBar>,
}

impl ShellToolbar {
    /// Why the entry is greyed, if it is.
    pub fn reason(&self) -> Option<&str> {
        match &self.button {
            ShellButton::Greyed(reason) => Some(reason),
            _ => None,
        }
    }

    /// The rep's live shell grant (waiting or granted): what Stop or Cancel ends.
    pub fn live_grant(&self) -> Option<GrantId> {
        match self.button {
            ShellButton::Waiting { grant_id, .. } | ShellButton::Active { grant_id } => {
                Some(grant_id)
            }
            ShellButton::Open | ShellButton::Greyed(_) => None,
        }
    }

    /// Whether a countdown is showing (the view redraws each second).
    pub fn counting_down(&self) -> bool {
        matches!(self.button, ShellButton::Waiting { .. })
    }

    /// The note with the exit code the shell stream reported for `grant_id` (`None`: it
    /// ended without one), when that is the grant whose shell exited.
    pub fn with_exit_code(mut self, grant_id: GrantId, exit_code: Option<i32>) -> ShellToolbar {
        if self.exited == Some(grant_id) && self.note.is_some() {
            self.note = Some(words::shell_exited(exit_code));
        }
        self
    }
}

/// The Shell entry of `info` for `me`, who may ask for shells if `permitted`, at `now`.
pub fn shell_toolbar(
    info: &SessionInfo,
    me: &RepId,
    permitted: bool,
    now: UnixMillis,
) -> ShellToolbar {
    let remote = &info.remote;
    let used = remote
        .grants
        .iter()
        .any(|g| g.capability == Capability::Shell);
    let own = remote.grant_of(me, Capability::Shell);
    let button = match own {
        Some(grant) if grant.state == GrantState::Granted => ShellButton::Active {
            grant_id: grant.grant_id,
        },
        Some(grant) => ShellButton::Waiting {
            grant_id: grant.grant_id,
            note: waiting(grant, now),
        },
        None => match reason(info, me, permitted) {
            Some(reason) => ShellButton::Greyed(reason),
            None => ShellButton::Open,
        },
    };
    let latest = remote.latest_of(me, Capability::Shell);
    let note = match &button {
        ShellButton::Open | ShellButton::Greyed(_) => last_outcome(latest),
        ShellButton::Waiting { .. } | ShellButton::Active { .. } => None,
    };
    let exited = latest
        .filter(|g| g.ended == Some(GrantEnd::ShellExited))
        .map(|g| g.grant_id);
    ShellToolbar {
        button,
        note,
        used,
        exited,
        elevation: None,
    }
}

/// Why `me` cannot ask for a shell now, if they cannot.
fn reason(info: &SessionInfo, me: &RepId, permitted: bool) -> Option<String> {
    let remote = &info.remote;
    let fixed = if !permitted {
        words::SHELL_NO_PERMISSION
    } else if info.owner.is_none() && info.waiting_in.is_some() {
        words::SHELL_SESSION_WAITING
    } else if !info.customer_connected || info.ended {
        words::SHELL_NOT_CONNECTED
    } else if !remote.source.offers(Capability::Shell) {
        // A browser tab ([Browser] sessions) is the portal page too: web chat.
        words::SHELL_WEB_CHAT
    } else {
        // One shell per session: another rep's live one makes the server refuse.
        let other = remote
            .grants
            .iter()
            .find(|g| &g.rep != me && g.capability == Capability::Shell && g.state.is_live())?;
        return Some(if other.state == GrantState::Granted {
            words::shell_in_use(&other.rep_name)
        } else {
            words::shell_asked_by(&other.rep_name)
        });
    };
    Some(fixed.to_owned())
}

/// "Waiting for the customer… 24 s" for a prompting grant.
fn waiting(grant: &GrantInfo, now: UnixMillis) -> String {
    let left_ms = grant.deadline.saturating_sub(now);
    words::shell_waiting(left_ms.div_ceil(1000))
}

/// How the rep's latest shell request ended, when that is worth telling.
fn last_outcome(grant: Option<&GrantInfo>) -> Option<String> {
    let grant = grant?;
    let text = match (grant.state, grant.ended) {
        (GrantState::Denied, _) => words::SHELL_DECLINED,
        (GrantState::TimedOut, _) => words::SHELL_NO_ANSWER,
        (GrantState::Stopped, Some(GrantEnd::CustomerStopped)) => words::SHELL_CUSTOMER_STOPPED,
        // su or pkexec refused (its words are in the chat): said here in plain words.
        (GrantState::Stopped, Some(GrantEnd::ElevationFailed)) => elevation_words::FAILED,
        // The shell's own end, not anyone's Stop: the exit code comes from the stream.
        (GrantState::Stopped, Some(GrantEnd::ShellExited)) => {
            return Some(words::shell_exited(None));
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// The rep's granted shell grant in the session, while the session lasts: the console holds
/// a shell stream for it (a new grant is a new shell, with a new terminal).
pub fn wanted_shell(info: &SessionInfo, me: &RepId) -> Option<GrantId> {
    if info.ended {
        return None;
    }
    info.remote
        .grants
        .iter()
        .find(|g| {
            &g.rep == me && g.capability == Capability::Shell && g.state == GrantState::Granted
        })
        .map(|g| g.grant_id)
}

/// Where a shell's output stands in the console: the offset just after the last byte fed
/// to the terminal. Each `shell_output` says where its bytes sit in the shell's whole
/// output, so a chunk sent again after a reconnect is fed only once, and the ack says
/// exactly how far the terminal got. Output from offset 0 again is a new shell under the
/// same grant (the customer's client started it anew, and the relay counts from 0 again):
/// it is fed whole, and the ack goes back with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShellFeed {
    /// `None` until the first chunk: a console that reconnects (or starts late) may first
    /// see a chunk at an offset past 0, and takes it from there.
    next: Option<u64>,
}

/// What [`ShellFeed::accept`] made of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'a> {
    /// The bytes not fed before, in order: feed them to the terminal.
    pub new: &'a [u8],
    /// Bytes between the last chunk and this one that never came (the customer's side
    /// dropped them, or this is the first chunk after a gap): for the log.
    pub missing: u64,
    /// The chunk starts a new shell's output (offset 0 after output past it).
    pub restarted: bool,
}

impl ShellFeed {
    /// Takes the chunk of output at `offset`: the part not fed yet (empty for a repeat).
    pub fn accept<'a>(&mut self, offset: u64, data: &'a [u8]) -> Accepted<'a> {
        let end = offset.saturating_add(data.len() as u64);
        let next = match self.next {
            Some(next) if offset == 0 && next > 0 => {
                self.next = Some(end);
                return Accepted {
                    new: data,
                    missing: 0,
                    restarted: true,
                };
            }
            Some(next) => next,
            None => {
                self.next = Some(end);
                return Accepted {
                    new: data,
                    missing: 0,
                    restarted: false,
                };
            }
        };
        if end <= next {
            return Accepted {
                new: &[],
                missing: 0,
                restarted: false,
            };
        }
        self.next = Some(end);
        let skip = usize::try_from(next.saturating_sub(offset)).unwrap_or(usize::MAX);
        Accepted {
            new: data.get(skip..).unwrap_or_default(),
            missing: offset.saturating_sub(next),
            restarted: false,
        }
    }

    /// Every output byte before this offset has been fed: what `shell_ack` says.
    pub fn fed(&self) -> u64 {
        self.next.unwrap_or(0)
    }
}

impl Model {
    /// The session's Shell entry for this rep at `now` (`None` before the snapshot).
    pub fn shell_toolbar(&self, session: &SessionInfo, now: UnixMillis) -> Option<ShellToolbar> {
        let me = self.me_id()?;
        let permitted = self.permissions.as_ref().is_some_and(|p| p.shell);
        Some(ShellToolbar {
            elevation: self.elevation_bar(session),
            ..shell_toolbar(session, me, permitted, now)
        })
    }

    /// Sessions in which this rep has a granted shell, with its grant (a shell stream
    /// should be open).
    pub fn shells_wanted(&self) -> Vec<(SessionId, GrantId)> {
        let Some(me) = self.me_id() else {
            return Vec::new();
        };
        self.sessions
            .values()
            .filter_map(|s| Some((s.info.session_id, wanted_shell(&s.info, me)?)))
            .collect()
    }
}

#[cfg(test)]
#[path = "tests/shell.rs"]
mod tests;
