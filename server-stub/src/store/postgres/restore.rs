//! Reading the durable state back from PostgreSQL into [`Restored`]: the twin of
//! `store/restore.rs`. All of it in one REPEATABLE READ, READ ONLY transaction, so the
//! router resumes from one consistent snapshot.

use super::super::error::StoreError;
use super::super::int::from_sql;
use super::super::ops::MAX_INVITATION_ID;
use super::super::restore::{Restored, TEAM_CHAT_RESTORED};
use super::rows::decode_rows;
use super::statements::{Cached, Statements};
use crate::router::state::{Invitation, Session};
use postgres::{Client, IsolationLevel};
use std::collections::HashSet;
use switchboard_protocol::ChatMessage;

/// Reads the whole restorable state. Corrupt rows are skipped; the chat and invitations of
/// a skipped session are left out with it.
pub(crate) fn restore(
    client: &mut Client,
    statements: &mut Statements,
) -> Result<Restored, StoreError> {
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let mut db = Cached {
        client: &mut tx,
        statements,
    };
    let sessions: Vec<Session> = decode_rows(
        &mut db,
        "sessions",
        "SELECT id, json FROM sessions WHERE ended = 0 ORDER BY id",
        &[],
    )?;
    let live: HashSet<u64> = sessions.iter().map(|session| session.id.0).collect();

    let mut chat: Vec<ChatMessage> = decode_rows(
        &mut db,
        "chat",
        "SELECT chat.id, chat.json FROM chat JOIN sessions ON sessions.id = chat.session_id
         WHERE sessions.ended = 0 ORDER BY chat.id",
        &[],
    )?;
    chat.retain(|message| live.contains(&message.session_id.0));

    let mut invitations: Vec<Invitation> = decode_rows(
        &mut db,
        "invitations",
        "SELECT id, json FROM invitations ORDER BY id",
        &[],
    )?;
    invitations.retain(|invitation| live.contains(&invitation.session_id.0));

    let keys = decode_rows(
        &mut db,
        "session_keys",
        "SELECT key, json FROM session_keys ORDER BY key",
        &[],
    )?;

    let team_chat = decode_rows(
        &mut db,
        "team_chat",
        "SELECT id, json FROM (
             SELECT id, json, row_number() OVER (PARTITION BY team ORDER BY id DESC) AS newest
             FROM team_chat
         ) AS ranked WHERE newest <= $1 ORDER BY id",
        &[&i64::from(TEAM_CHAT_RESTORED)],
    )?;

    let max_session_id = from_sql(
        "max session id",
        db.query_one("SELECT coalesce(max(id), 0) FROM sessions", &[])?
            .try_get(0)?,
    )?;
    let max_invitation_id = from_sql(
        "max invitation id",
        db.query_one(
            "SELECT greatest(coalesce((SELECT value FROM counters WHERE name = $1), 0),
                             coalesce((SELECT max(id) FROM invitations), 0))",
            &[&MAX_INVITATION_ID],
        )?
        .try_get(0)?,
    )?;
    let max_message_id = from_sql(
        "max message id",
        db.query_one(
            "SELECT greatest(coalesce((SELECT max(id) FROM chat), 0),
                             coalesce((SELECT max(id) FROM team_chat), 0))",
            &[],
        )?
        .try_get(0)?,
    )?;

    let mut ended_contacts = Vec::new();
    for row in db.query(
        "SELECT contact, count(*) FROM sessions
         WHERE ended = 1 AND contact IS NOT NULL GROUP BY contact",
        &[],
    )? {
        let count: i64 = row.try_get(1)?;
        ended_contacts.push((row.try_get(0)?, u32::try_from(count).unwrap_or(u32::MAX)));
    }

    let buttons = decode_rows(
        &mut db,
        "buttons",
        "SELECT id, json FROM buttons ORDER BY id",
        &[],
    )?;
    let jump_clients = decode_rows(
        &mut db,
        "jump_clients",
        "SELECT id, json FROM jump_clients ORDER BY id",
        &[],
    )?;
    tx.commit()?;

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
