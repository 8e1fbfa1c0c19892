//! Applying the router's [`StoreOp`]s to the tables (inside a caller's transaction).

use super::batch::CommitBatch;
use super::error::StoreError;
use super::int::to_sql;
use crate::router::effects::StoreOp;
use rusqlite::{Connection, params};
use std::time::{SystemTime, UNIX_EPOCH};
use switchboard_protocol::ChatMessage;

/// The `counters` row holding the largest invitation id ever stored.
pub(crate) const MAX_INVITATION_ID: &str = "max_invitation_id";

/// Writes one batch of ops; the caller owns the transaction around it. A chat message
/// the core already encoded is stored as that text (see `batch.rs`).
pub(crate) fn apply_batch(conn: &Connection, batch: &CommitBatch) -> Result<(), StoreError> {
    let now = now_millis();
    for (op, encoded) in batch.ops_with_json() {
        match (op, encoded) {
            (StoreOp::PutChat(message), Some(json)) => put_chat(conn, message, json)?,
            _ => apply(conn, op, now)?,
        }
    }
    Ok(())
}

/// Inserts or replaces a chat row.
///
/// Not `INSERT OR REPLACE`, though the row ends up the same: that statement may abort
/// halfway (a NOT NULL check under `OR REPLACE`, in a table with an index, deleting the
/// old row), so SQLite keeps a statement journal (a copy of every page it touches) for
/// every chat message. `OR ROLLBACK` with an upsert of the JSON cannot abort halfway: a
/// failed insert fails the whole transaction anyway (`worker.rs` rolls it back). The
/// upsert leaves `session_id` alone: a message id is unique across sessions, and
/// updating a foreign key column would bring the statement journal back.
fn put_chat(conn: &Connection, message: &ChatMessage, json: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR ROLLBACK INTO chat (id, session_id, json) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json",
    )?
    .execute(params![
        to_sql(message.id.0)?,
        to_sql(message.session_id.0)?,
        json
    ])?;
    Ok(())
}

/// Logs the emails of a batch; called once the batch is committed.
pub(crate) fn log_emails(ops: &[StoreOp]) {
    for op in ops {
        if let StoreOp::Email {
            rep, to, subject, ..
        } = op
        {
            tracing::info!(%rep, to = ?to, subject = ?subject, "email queued in the outbox");
        }
    }
}

fn apply(conn: &Connection, op: &StoreOp, now: i64) -> Result<(), StoreError> {
    match op {
        StoreOp::PutSession(session) => {
            let json = serde_json::to_string(session)?;
            let (id, ended) = (session.id, session.ended_at.is_some());
            conn.prepare_cached(
                "INSERT INTO sessions (id, ended, json, updated_at, contact)
                 VALUES (?1, ?2, ?3, ?4, lower(json_extract(?3, '$.customer.contact')))
                 ON CONFLICT (id) DO UPDATE SET
                     ended = excluded.ended, json = excluded.json,
                     updated_at = excluded.updated_at, contact = excluded.contact",
            )?
            .execute(params![to_sql(id.0)?, ended, json, now])?;
        }
        StoreOp::PutChat(message) => put_chat(conn, message, &serde_json::to_string(message)?)?,
        StoreOp::PutInvitation(invitation) => {
            let json = serde_json::to_string(invitation)?;
            let (id, session_id) = (invitation.id, invitation.session_id);
            conn.prepare_cached(
                "INSERT OR REPLACE INTO invitations (id, session_id, json) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![to_sql(id.0)?, to_sql(session_id.0)?, json])?;
            conn.prepare_cached(
                "INSERT INTO counters (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            )?
            .execute(params![MAX_INVITATION_ID, to_sql(id.0)?])?;
        }
        StoreOp::DeleteInvitation(id) => {
            conn.prepare_cached("DELETE FROM invitations WHERE id = ?1")?
                .execute(params![to_sql(id.0)?])?;
        }
        StoreOp::PutTeamChat(message) => {
            let json = serde_json::to_string(message)?;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO team_chat (id, team, json) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![to_sql(message.id.0)?, message.team.as_str(), json])?;
        }
        StoreOp::PutKey(record) => {
            let json = serde_json::to_string(record)?;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO session_keys (key, json, expires_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![record.key, json, to_sql(record.expires_at)?])?;
        }
        StoreOp::DeleteKey(key) => {
            conn.prepare_cached("DELETE FROM session_keys WHERE key = ?1")?
                .execute(params![key])?;
        }
        StoreOp::PutButton(button) => {
            let json = serde_json::to_string(button)?;
            conn.prepare_cached("INSERT OR REPLACE INTO buttons (id, json) VALUES (?1, ?2)")?
                .execute(params![to_sql(button.info.button_id.0)?, json])?;
        }
        StoreOp::PutJumpClient(client) => {
            let json = serde_json::to_string(client)?;
            conn.prepare_cached("INSERT OR REPLACE INTO jump_clients (id, json) VALUES (?1, ?2)")?
                .execute(params![to_sql(client.info.jump_client_id.0)?, json])?;
        }
        StoreOp::PutSessionFacts(facts) => {
            conn.prepare_cached(
                "INSERT INTO session_facts
                     (session_id, team, queued_at, accepted_at, accepted_by, ended_at, abandoned)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (session_id) DO UPDATE SET
                     team = coalesce(session_facts.team, excluded.team),
                     queued_at = coalesce(session_facts.queued_at, excluded.queued_at),
                     accepted_at = coalesce(session_facts.accepted_at, excluded.accepted_at),
                     accepted_by = coalesce(session_facts.accepted_by, excluded.accepted_by),
                     ended_at = coalesce(excluded.ended_at, session_facts.ended_at),
                     abandoned = max(session_facts.abandoned, excluded.abandoned)",
            )?
            .execute(params![
                to_sql(facts.session_id.0)?,
                facts.team.as_ref().map(|t| t.as_str()),
                facts.queued_at.map(to_sql).transpose()?,
                facts.accepted_at.map(to_sql).transpose()?,
                facts.accepted_by.as_ref().map(|r| r.as_str()),
                facts.ended_at.map(to_sql).transpose()?,
                facts.abandoned,
            ])?;
        }
        StoreOp::Email {
            rep,
            to,
            subject,
            body,
            at,
        } => {
            conn.prepare_cached(
                "INSERT INTO outbox (rep, to_addr, subject, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![rep.as_str(), to, subject, body, to_sql(*at)?])?;
        }
    }
    Ok(())
}

/// The wall clock in Unix milliseconds (0 if the clock is before 1970).
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
