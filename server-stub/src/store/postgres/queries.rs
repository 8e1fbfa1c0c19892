//! The store's calls other than commits, in PostgreSQL's SQL: login tokens, the email
//! outbox, one session with its chat, a contact's past chats. The twins of `tokens.rs`,
//! `outbox.rs`, `lookup.rs` and `history.rs`. The writes take any client, because they run
//! inside the caller's fenced transaction (`fence.rs`); the reads run on their own.

use super::super::error::StoreError;
use super::super::int::{from_sql, to_sql};
use super::super::outbox::OutboxEmail;
use super::rows::decode_rows;
use super::statements::Cached;
use crate::router::state::Session;
use postgres::{Client, GenericClient};
use switchboard_protocol::{PastChat, SessionId};

type Db<'a> = Cached<'a, Client>;

pub(crate) fn put_token<C: GenericClient>(
    db: &mut Cached<'_, C>,
    hash: &str,
    rep: &str,
    expires_at: u64,
    now: u64,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO tokens (hash, rep, expires_at, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (hash) DO UPDATE SET
             rep = excluded.rep, expires_at = excluded.expires_at,
             created_at = excluded.created_at",
        &[&hash, &rep, &to_sql(expires_at)?, &to_sql(now)?],
    )?;
    Ok(())
}

pub(crate) fn token(
    db: &mut Db<'_>,
    hash: &str,
    now: u64,
) -> Result<Option<(String, u64)>, StoreError> {
    let Some(row) = db.query_opt(
        "SELECT rep, expires_at FROM tokens WHERE hash = $1 AND expires_at > $2",
        &[&hash, &to_sql(now)?],
    )?
    else {
        return Ok(None);
    };
    let expires_at = from_sql("tokens.expires_at", row.try_get(1)?)?;
    Ok(Some((row.try_get(0)?, expires_at)))
}

/// Deletes the token whatever its expiry; whether it was live.
pub(crate) fn delete_token<C: GenericClient>(
    db: &mut Cached<'_, C>,
    hash: &str,
    now: u64,
) -> Result<bool, StoreError> {
    let now = to_sql(now)?;
    let deleted = db.query_opt(
        "DELETE FROM tokens WHERE hash = $1 RETURNING expires_at",
        &[&hash],
    )?;
    Ok(match deleted {
        Some(row) => row.try_get::<_, i64>(0)? > now,
        None => false,
    })
}

pub(crate) fn purge_expired_tokens<C: GenericClient>(
    db: &mut Cached<'_, C>,
    now: u64,
) -> Result<usize, StoreError> {
    let deleted = db.execute(
        "DELETE FROM tokens WHERE expires_at <= $1",
        &[&to_sql(now)?],
    )?;
    Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
}

pub(crate) fn unsent_emails(db: &mut Db<'_>) -> Result<Vec<OutboxEmail>, StoreError> {
    let rows = db.query(
        "SELECT id, rep, to_addr, subject, body, created_at FROM outbox
         WHERE sent_at IS NULL ORDER BY id",
        &[],
    )?;
    rows.iter()
        .map(|row| {
            Ok(OutboxEmail {
                id: row.try_get(0)?,
                rep: row.try_get(1)?,
                to: row.try_get(2)?,
                subject: row.try_get(3)?,
                body: row.try_get(4)?,
                created_at: from_sql("outbox.created_at", row.try_get(5)?)?,
            })
        })
        .collect()
}

pub(crate) fn mark_email_sent<C: GenericClient>(
    db: &mut Cached<'_, C>,
    id: i64,
    now: u64,
) -> Result<bool, StoreError> {
    let changed = db.execute(
        "UPDATE outbox SET sent_at = $2 WHERE id = $1 AND sent_at IS NULL",
        &[&id, &to_sql(now)?],
    )?;
    Ok(changed > 0)
}

/// A session with its whole chat; a corrupt session row is an error here.
pub(crate) fn session_with_chat(db: &mut Db<'_>, id: u64) -> Result<Option<Session>, StoreError> {
    let key = to_sql(id)?;
    let Some(row) = db.query_opt("SELECT json FROM sessions WHERE id = $1", &[&key])? else {
        return Ok(None);
    };
    let json: &str = row.try_get(0)?;
    let mut session: Session = serde_json::from_str(json).map_err(|err| StoreError::Corrupt {
        table: "sessions",
        id: key,
        message: err.to_string(),
    })?;
    session.chat = chat_of(db, key)?;
    Ok(Some(session))
}

/// Up to `limit` ended sessions of `contact` below `before`, newest first, with their chat.
pub(crate) fn past_chats(
    db: &mut Db<'_>,
    contact: &str,
    before: SessionId,
    limit: u32,
) -> Result<(Vec<PastChat>, bool), StoreError> {
    let mut sessions: Vec<Session> = decode_rows(
        db,
        "sessions",
        "SELECT id, json FROM sessions
         WHERE contact = $1 AND ended = 1 AND id < $2 ORDER BY id DESC LIMIT $3",
        &[&contact, &to_sql(before.0)?, &(i64::from(limit) + 1)],
    )?;
    let more = sessions.len() > limit as usize;
    sessions.truncate(limit as usize);
    let mut chats = Vec::with_capacity(sessions.len());
    for session in sessions {
        let chat = chat_of(db, to_sql(session.id.0)?)?;
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

fn chat_of(
    db: &mut Db<'_>,
    session_id: i64,
) -> Result<Vec<switchboard_protocol::ChatMessage>, StoreError> {
    decode_rows(
        db,
        "chat",
        "SELECT id, json FROM chat WHERE session_id = $1 ORDER BY id",
        &[&session_id],
    )
}
