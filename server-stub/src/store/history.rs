//! Earlier, ended chats with one customer contact: the console's "Load older messages".

use super::error::StoreError;
use super::int::to_sql;
use super::rows::decode_rows;
use crate::router::state::Session;
use rusqlite::{Connection, params};
use switchboard_protocol::{PastChat, SessionId};

/// Up to `limit` ended sessions of `contact` with an id below `before`, newest first, each
/// with its whole chat; and whether still older ones exist.
pub(crate) fn past_chats(
    conn: &Connection,
    contact: &str,
    before: SessionId,
    limit: u32,
) -> Result<(Vec<PastChat>, bool), StoreError> {
    let mut sessions: Vec<Session> = decode_rows(
        conn,
        "sessions",
        "SELECT id, json FROM sessions
         WHERE contact = ?1 AND ended = 1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
        params![contact, to_sql(before.0)?, limit + 1],
    )?;
    let more = sessions.len() > limit as usize;
    sessions.truncate(limit as usize);
    let mut chats = Vec::with_capacity(sessions.len());
    for session in sessions {
        let chat = decode_rows(
            conn,
            "chat",
            "SELECT id, json FROM chat WHERE session_id = ?1 ORDER BY id",
            params![to_sql(session.id.0)?],
        )?;
        chats.push(PastChat {
            session_id: session.id,
            started_at: session.started_at,
            ended_at: session.ended_at,
            disposition: session.disposition,
            chat,
        });
    }
    Ok((chats, more))
}
