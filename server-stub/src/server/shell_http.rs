//! `GET /api/sessions/{id}/shell` (docs/PROTOCOL.md §3): a session's shell transcript for a
//! rep who may read the session's files (they are or were in it, or lead its team). Records
//! come from the transcript database; consecutive output of one shell is merged, and rep
//! names come from the configuration.

use super::AppState;
use super::files_access::{Caller, caller, may_read};
use super::http::http_error;
use crate::config::Config;
use crate::store::{ShellEvent, ShellRecord};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use switchboard_protocol::{ErrorCode, SessionId, ShellTranscript, TranscriptEntry};

pub async fn transcript(
    State(state): State<AppState>,
    session_id: Result<Path<u64>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let caller = match caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let not_found = || {
        http_error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "There is no such session, or you may not read it.",
            None,
        )
    };
    let Ok(Path(session_id)) = session_id else {
        return not_found();
    };
    let session_id = SessionId(session_id);
    // Only reps read transcripts; an unknown session and one the caller may not read look
    // the same.
    if matches!(caller, Caller::Customer(_)) || !may_read(&state, &caller, session_id).await {
        return not_found();
    }
    match state.store.transcripts().read(session_id).await {
        Ok(records) => Json(ShellTranscript {
            session_id,
            entries: entries(&state.config, records),
        })
        .into_response(),
        Err(error) => {
            tracing::error!(%error, "could not read a shell transcript");
            http_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "The server could not read the transcript.",
                None,
            )
        }
    }
}

/// Stored records as the wire's entries: consecutive output of one shell in one entry (bytes
/// joined before they become text, so a character split between chunks survives).
pub fn entries(config: &Config, records: Vec<ShellRecord>) -> Vec<TranscriptEntry> {
    let mut entries = Vec::new();
    // Output being gathered: (grant, first chunk's time, bytes).
    let mut output: Option<(switchboard_protocol::GrantId, u64, Vec<u8>)> = None;
    let flush = |output: &mut Option<(switchboard_protocol::GrantId, u64, Vec<u8>)>,
                 entries: &mut Vec<TranscriptEntry>| {
        if let Some((grant_id, at, data)) = output.take() {
            entries.push(TranscriptEntry::Output {
                at,
                grant_id,
                text: String::from_utf8_lossy(&data).into_owned(),
            });
        }
    };
    for record in records {
        let (at, grant_id) = (record.at, record.grant_id);
        if let ShellEvent::Output { data } = record.what {
            match &mut output {
                Some((grant, _, gathered)) if *grant == grant_id => gathered.extend(data),
                _ => {
                    flush(&mut output, &mut entries);
                    output = Some((grant_id, at, data));
                }
            }
            continue;
        }
        flush(&mut output, &mut entries);
        entries.push(match record.what {
            ShellEvent::Started { rep } => TranscriptEntry::Started {
                at,
                grant_id,
                rep_name: config.rep_name(&rep),
                rep,
            },
            ShellEvent::Input { rep, data } => TranscriptEntry::Input {
                at,
                grant_id,
                rep_name: config.rep_name(&rep),
                rep,
                text: String::from_utf8_lossy(&data).into_owned(),
            },
            ShellEvent::Omitted { bytes } => TranscriptEntry::Omitted {
                at,
                grant_id,
                bytes,
            },
            ShellEvent::Resized { cols, rows, .. } => TranscriptEntry::Resized {
                at,
                grant_id,
                cols,
                rows,
            },
            ShellEvent::Exited { code } => TranscriptEntry::Exited { at, grant_id, code },
            ShellEvent::Output { .. } => continue,
        });
    }
    flush(&mut output, &mut entries);
    entries
}
