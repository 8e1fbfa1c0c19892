//! A session's shell transcript as `GET /api/sessions/{id}/shell` returns it: everything that
//! crossed the relay on a shell socket, recorded before it was delivered, with who typed and
//! when. Output is kept up to a cap per session; beyond it only how many bytes were left out.

use crate::ids::{GrantId, RepId, SessionId};
use crate::model::UnixMillis;
use serde::{Deserialize, Serialize};

/// Output bytes a session's transcript keeps; past this only their count is kept
/// ([`TranscriptEntry::Omitted`]), so a shell printing for ever cannot fill the disk.
pub const MAX_TRANSCRIPT_OUTPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The answer of `GET /api/sessions/{id}/shell`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellTranscript {
    pub session_id: SessionId,
    /// Oldest first. Consecutive output of one shell is merged into one entry.
    pub entries: Vec<TranscriptEntry>,
}

/// One thing that happened on a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TranscriptEntry {
    /// The customer's client started the shell (its socket attached).
    Started {
        at: UnixMillis,
        grant_id: GrantId,
        rep: RepId,
        rep_name: String,
    },
    /// A rep typed or pasted this (as UTF-8, invalid bytes replaced).
    Input {
        at: UnixMillis,
        grant_id: GrantId,
        rep: RepId,
        rep_name: String,
        text: String,
    },
    /// The shell printed this (escape sequences included; UTF-8, invalid bytes replaced).
    Output {
        at: UnixMillis,
        grant_id: GrantId,
        text: String,
    },
    /// Output past [`MAX_TRANSCRIPT_OUTPUT_BYTES`]: shown to the rep, not kept.
    Omitted {
        at: UnixMillis,
        grant_id: GrantId,
        bytes: u64,
    },
    /// The rep's terminal changed size.
    Resized {
        at: UnixMillis,
        grant_id: GrantId,
        cols: u16,
        rows: u16,
    },
    /// The shell exited with `code` (-1: killed, or no code).
    Exited {
        at: UnixMillis,
        grant_id: GrantId,
        code: i32,
    },
}

impl TranscriptEntry {
    /// When it happened.
    pub fn at(&self) -> UnixMillis {
        match self {
            TranscriptEntry::Started { at, .. }
            | TranscriptEntry::Input { at, .. }
            | TranscriptEntry::Output { at, .. }
            | TranscriptEntry::Omitted { at, .. }
            | TranscriptEntry::Resized { at, .. }
            | TranscriptEntry::Exited { at, .. } => *at,
        }
    }
}
