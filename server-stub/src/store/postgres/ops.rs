//! Applying the router's [`StoreOp`]s in PostgreSQL's SQL (inside the caller's
//! transaction): the twin of `store/ops.rs`, row for row the same result.

use super::super::batch::CommitBatch;
use super::super::error::StoreError;
use super::super::int::to_sql;
use super::super::ops::MAX_INVITATION_ID;
use super::statements::Cached;
use crate::router::effects::StoreOp;
use postgres::GenericClient;
use switchboard_protocol::ChatMessage;

/// Writes one batch of ops; a chat message the core already encoded is stored as that text.
pub(crate) fn apply_batch<C: GenericClient>(
    db: &mut Cached<'_, C>,
    batch: &CommitBatch,
    now: i64,
) -> Result<(), StoreError> {
    for (op, encoded) in batch.ops_with_json() {
        match (op, encoded) {
            (StoreOp::PutChat(message), Some(json)) => put_chat(db, message, json)?,
            _ => apply(db, op, now)?,
        }
    }
    Ok(())
}

/// Inserts or replaces a chat row (the session id of a message never changes).
fn put_chat<C: GenericClient>(
    db: &mut Cached<'_, C>,
    message: &ChatMessage,
    json: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO chat (id, session_id, json) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json",
        &[
            &to_sql(message.id.0)?,
            &to_sql(message.session_id.0)?,
            &json,
        ],
    )?;
    Ok(())
}

fn apply<C: GenericClient>(
    db: &mut Cached<'_, C>,
    op: &StoreOp,
    now: i64,
) -> Result<(), StoreError> {
    match op {
        StoreOp::PutSession(session) => {
            let json = serde_json::to_string(session)?;
            // SQLite's `lower(json_extract(...))`: ASCII-only lowering, as SQLite's lower().
            let contact = session
                .customer
                .contact
                .as_deref()
                .map(str::to_ascii_lowercase);
            let ended = i16::from(session.ended_at.is_some());
            db.execute(
                "INSERT INTO sessions (id, ended, json, updated_at, contact)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET
                     ended = excluded.ended, json = excluded.json,
                     updated_at = excluded.updated_at, contact = excluded.contact",
                &[&to_sql(session.id.0)?, &ended, &json, &now, &contact],
            )?;
        }
        StoreOp::PutChat(message) => put_chat(db, message, &serde_json::to_string(message)?)?,
        StoreOp::PutInvitation(invitation) => {
            let json = serde_json::to_string(invitation)?;
            let id = to_sql(invitation.id.0)?;
            db.execute(
                "INSERT INTO invitations (id, session_id, json) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET
                     session_id = excluded.session_id, json = excluded.json",
                &[&id, &to_sql(invitation.session_id.0)?, &json],
            )?;
            db.execute(
                "INSERT INTO counters (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = greatest(counters.value, excluded.value)",
                &[&MAX_INVITATION_ID, &id],
            )?;
        }
        StoreOp::DeleteInvitation(id) => {
            db.execute("DELETE FROM invitations WHERE id = $1", &[&to_sql(id.0)?])?;
        }
        StoreOp::PutTeamChat(message) => {
            let json = serde_json::to_string(message)?;
            db.execute(
                "INSERT INTO team_chat (id, team, json) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET team = excluded.team, json = excluded.json",
                &[&to_sql(message.id.0)?, &message.team.as_str(), &json],
            )?;
        }
        StoreOp::PutKey(record) => {
            let json = serde_json::to_string(record)?;
            db.execute(
                "INSERT INTO session_keys (key, json, expires_at) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET
                     json = excluded.json, expires_at = excluded.expires_at",
                &[&record.key, &json, &to_sql(record.expires_at)?],
            )?;
        }
        StoreOp::DeleteKey(key) => {
            db.execute("DELETE FROM session_keys WHERE key = $1", &[key])?;
        }
        StoreOp::PutButton(button) => {
            let json = serde_json::to_string(button)?;
            db.execute(
                "INSERT INTO buttons (id, json) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json",
                &[&to_sql(button.info.button_id.0)?, &json],
            )?;
        }
        StoreOp::PutJumpClient(client) => {
            let json = serde_json::to_string(client)?;
            db.execute(
                "INSERT INTO jump_clients (id, json) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json",
                &[&to_sql(client.info.jump_client_id.0)?, &json],
            )?;
        }
        StoreOp::PutSessionFacts(facts) => {
            db.execute(
                "INSERT INTO session_facts
                     (session_id, team, queued_at, accepted_at, accepted_by, ended_at, abandoned)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (session_id) DO UPDATE SET
                     team = coalesce(session_facts.team, excluded.team),
                     queued_at = coalesce(session_facts.queued_at, excluded.queued_at),
                     accepted_at = coalesce(session_facts.accepted_at, excluded.accepted_at),
                     accepted_by = coalesce(session_facts.accepted_by, excluded.accepted_by),
                     ended_at = coalesce(excluded.ended_at, session_facts.ended_at),
                     abandoned = greatest(session_facts.abandoned, excluded.abandoned)",
                &[
                    &to_sql(facts.session_id.0)?,
                    &facts.team.as_ref().map(|t| t.as_str()),
                    &facts.queued_at.map(to_sql).transpose()?,
                    &facts.accepted_at.map(to_sql).transpose()?,
                    &facts.accepted_by.as_ref().map(|r| r.as_str()),
                    &facts.ended_at.map(to_sql).transpose()?,
                    &i16::from(facts.abandoned),
                ],
            )?;
        }
        StoreOp::Email {
            rep,
            to,
            subject,
            body,
            at,
        } => {
            db.execute(
                "INSERT INTO outbox (rep, to_addr, subject, body, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&rep.as_str(), to, subject, body, &to_sql(*at)?],
            )?;
        }
    }
    Ok(())
}
