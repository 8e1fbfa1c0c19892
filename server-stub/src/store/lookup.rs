//! Looking up one session's record, ended or not, with its chat.

use super::error::StoreError;
use super::int::to_sql;
use super::rows::decode_rows;
use crate::router::state::Session;
use rusqlite::{Connection, OptionalExtension, params};

/// The session `id` with its whole chat filled in, or `None` if it was never stored.
/// A corrupt session row is an error here (unlike at restore, there is no one else to serve).
pub(crate) fn session_with_chat(conn: &Connection, id: u64) -> Result<Option<Session>, StoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM sessions WHERE id = ?1")?
        .query_row(params![to_sql(id)?], |row| row.get(0))
        .optional()?;
    let Some(json) = json else {
        return Ok(None);
    };
    let mut session: Session = serde_json::from_str(&json).map_err(|err| StoreError::Corrupt {
        table: "sessions",
        id: i64::try_from(id).unwrap_or(i64::MAX),
        message: err.to_string(),
    })?;
    session.chat = decode_rows(
        conn,
        "chat",
        "SELECT id, json FROM chat WHERE session_id = ?1 ORDER BY id",
        params![to_sql(id)?],
    )?;
    Ok(Some(session))
}
