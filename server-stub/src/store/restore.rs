//! Reading the durable state back at startup into [`Restored`].

use super::error::StoreError;
use super::int::from_sql;
use super::ops::MAX_INVITATION_ID;
use super::rows::decode_rows;
use crate::router::state::{Invitation, Session};
use rusqlite::{Connection, params};
use std::collections::HashSet;
use switchboard_protocol::ChatMessage;

/// How many of each team's latest team chat messages are restored.
pub const TEAM_CHAT_RESTORED: u32 = 200;

/// Everything the router needs to resume after a restart: the router's own type, so the
/// two cannot drift apart.
pub use crate::router::RestoredState as Restored;

/// Reads the whole restorable state. Corrupt rows are skipped (see [`decode_rows`]); the
/// chat and invitations of a skipped session are left out with it.
pub(crate) fn restore(conn: &Connection) -> Result<Restored, StoreError> {
    let sessions: Vec<Session> = decode_rows(
        conn,
        "sessions",
        "SELECT id, json FROM sessions WHERE ended = 0 ORDER BY id",
        [],
    )?;
    let live: HashSet<u64> = sessions.iter().map(|session| session.id.0).collect();

    let mut chat: Vec<ChatMessage> = decode_rows(
        conn,
        "chat",
        "SELECT chat.id, chat.json FROM chat JOIN sessions ON sessions.id = chat.session_id
         WHERE sessions.ended = 0 ORDER BY chat.id",
        [],
    )?;
    chat.retain(|message| live.contains(&message.session_id.0));

    let mut invitations: Vec<Invitation> = decode_rows(
        conn,
        "invitations",
        "SELECT id, json FROM invitations ORDER BY id",
        [],
    )?;
    invitations.retain(|invitation| live.contains(&invitation.session_id.0));

    let keys = decode_rows(
        conn,
        "session_keys",
        "SELECT key, json FROM session_keys ORDER BY key",
        [],
    )?;

    let team_chat = decode_rows(
        conn,
        "team_chat",
        "SELECT id, json FROM (
             SELECT id, json, row_number() OVER (PARTITION BY team ORDER BY id DESC) AS newest
             FROM team_chat
         ) WHERE newest <= ?1 ORDER BY id",
        [TEAM_CHAT_RESTORED],
    )?;

    let max_session_id = from_sql(
        "max session id",
        conn.query_row("SELECT coalesce(max(id), 0) FROM sessions", [], |row| {
            row.get(0)
        })?,
    )?;
    let max_invitation_id = from_sql(
        "max invitation id",
        conn.query_row(
            "SELECT max(coalesce((SELECT value FROM counters WHERE name = ?1), 0),
                        coalesce((SELECT max(id) FROM invitations), 0))",
            params![MAX_INVITATION_ID],
            |row| row.get(0),
        )?,
    )?;
    let max_message_id = from_sql(
        "max message id",
        conn.query_row(
            "SELECT max(coalesce((SELECT max(id) FROM chat), 0),
                        coalesce((SELECT max(id) FROM team_chat), 0))",
            [],
            |row| row.get(0),
        )?,
    )?;

    let mut ended_contacts = Vec::new();
    let mut statement = conn.prepare(
        "SELECT contact, count(*) FROM sessions
         WHERE ended = 1 AND contact IS NOT NULL GROUP BY contact",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let count: i64 = row.get(1)?;
        ended_contacts.push((row.get(0)?, u32::try_from(count).unwrap_or(u32::MAX)));
    }

    let buttons = decode_rows(
        conn,
        "buttons",
        "SELECT id, json FROM buttons ORDER BY id",
        [],
    )?;

    let jump_clients = decode_rows(
        conn,
        "jump_clients",
        "SELECT id, json FROM jump_clients ORDER BY id",
        [],
    )?;

    Ok(Restored {
        buttons,
        jump_clients,
        ended_contacts,
        sessions,
        chat,
        invitations,
        keys,
        team_chat,
        max_session_id,
        max_invitation_id,
        max_message_id,
    })
}
