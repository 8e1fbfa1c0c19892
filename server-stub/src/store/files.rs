//! Files shared in sessions: the bytes and what the chat needs to show them.

use super::error::StoreError;
use super::int::{from_sql, to_sql};
use rusqlite::{Connection, OptionalExtension, params};
use switchboard_protocol::{Attachment, SessionId};

/// A stored file, as read back for a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub session_id: SessionId,
    pub attachment: Attachment,
    pub data: Vec<u8>,
}

pub(crate) fn put(
    conn: &Connection,
    session_id: SessionId,
    attachment: &Attachment,
    data: &[u8],
    now: u64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO files (id, session_id, name, content_type, size, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        attachment.file_id,
        to_sql(session_id.0)?,
        attachment.name,
        attachment.content_type,
        to_sql(attachment.size)?,
        data,
        to_sql(now)?
    ])?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, file_id: &str) -> Result<Option<StoredFile>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT session_id, name, content_type, size, data FROM files WHERE id = ?1",
        )?
        .query_row(params![file_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, Vec<u8>>(4)?,
            ))
        })
        .optional()?;
    let Some((session_id, name, content_type, size, data)) = row else {
        return Ok(None);
    };
    Ok(Some(StoredFile {
        session_id: SessionId(from_sql("file session id", session_id)?),
        attachment: Attachment {
            file_id: file_id.to_owned(),
            name,
            size: from_sql("file size", size)?,
            content_type,
        },
        data,
    }))
}

/// Removes a file whose chat entry could not be made (the session ended meanwhile).
pub(crate) fn delete(conn: &Connection, file_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM files WHERE id = ?1")?
        .execute(params![file_id])?;
    Ok(())
}
