//! Shared files' bytes in PostgreSQL: the twin of `store/files.rs`'s put/info/data/delete,
//! on a connection of its own that the files thread (`store/file_store.rs`) keeps, apart
//! from the store thread's: a large file being written never holds up a chat commit.
//!
//! Writes (put, delete) are fenced like every PostgreSQL write (`fence.rs`); a put is one
//! statement with the lease check as its condition (see [`PostgresFiles::put`]). A deleted
//! file's space is PostgreSQL's to reuse (autovacuum), not given back to the OS at once as
//! SQLite's side file does.

use super::super::database::Fence;
use super::super::error::StoreError;
use super::super::files::FileInfo;
use super::super::int::{from_sql, to_sql};
use super::fence::write_transaction;
use super::side_tables;
use super::statements::{Cached, Statements};
use postgres::Client;
use switchboard_protocol::{Attachment, SessionId};

const INSERT: &str =
    "INSERT INTO files (id, session_id, name, content_type, size, data, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// [`INSERT`] only while the lease (token `$8`) holds: `fence.rs`'s check as its condition.
const FENCED_INSERT: &str =
    "INSERT INTO files (id, session_id, name, content_type, size, data, created_at)
     SELECT $1::text, $2::bigint, $3::text, $4::text, $5::bigint, $6::bytea, $7::bigint
     WHERE EXISTS (SELECT 1 FROM switchboard_lease
         WHERE id = 1 AND token = $8 AND expires_at > clock_timestamp() FOR SHARE)";

/// The files' own PostgreSQL connection, with its statements and the server's fence.
pub(crate) struct PostgresFiles {
    client: Client,
    statements: Statements,
    fence: Option<Fence>,
}

impl PostgresFiles {
    /// Connects and creates the side tables if missing. Blocking; run it on the thread
    /// that keeps the connection (never inside an async runtime).
    pub(crate) fn open(url: &str, fence: Option<Fence>) -> Result<PostgresFiles, StoreError> {
        let mut client = super::connect(url)?;
        side_tables::create(&mut client)?;
        Ok(PostgresFiles {
            client,
            statements: Statements::default(),
            fence,
        })
    }

    fn db(&mut self) -> Cached<'_, Client> {
        Cached {
            client: &mut self.client,
            statements: &mut self.statements,
        }
    }

    pub(crate) fn put(
        &mut self,
        session_id: SessionId,
        attachment: &Attachment,
        data: &[u8],
        now: u64,
    ) -> Result<(), StoreError> {
        let (session_id, size, now) = (
            to_sql(session_id.0)?,
            to_sql(attachment.size)?,
            to_sql(now)?,
        );
        let params: [&(dyn postgres::types::ToSql + Sync); 7] = [
            &attachment.file_id,
            &session_id,
            &attachment.name,
            &attachment.content_type,
            &size,
            &data,
            &now,
        ];
        let Some(fence) = self.fence else {
            self.db().execute(INSERT, &params)?;
            return Ok(());
        };
        // One statement, not a transaction around it: the bytes (up to `max_file_bytes`)
        // reach PostgreSQL with no transaction open (its 2 s idle-in-transaction timeout
        // could end a slow upload) and no lock on the lease row (the active's renewal would
        // wait behind a long upload and the server would lose its own lease). The lease row
        // is locked only while the row is inserted, exactly as a fenced transaction would.
        let mut fenced: Vec<&(dyn postgres::types::ToSql + Sync)> = params.to_vec();
        fenced.push(&fence.token);
        if self.db().execute(FENCED_INSERT, &fenced)? == 0 {
            return Err(StoreError::LeaseLost);
        }
        Ok(())
    }

    pub(crate) fn info(&mut self, file_id: &str) -> Result<Option<FileInfo>, StoreError> {
        let Some(row) = self.db().query_opt(
            "SELECT session_id, name, content_type, size FROM files WHERE id = $1",
            &[&file_id],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(FileInfo {
            session_id: SessionId(from_sql("file session id", row.try_get(0)?)?),
            attachment: Attachment {
                file_id: file_id.to_owned(),
                name: row.try_get(1)?,
                size: from_sql("file size", row.try_get(3)?)?,
                content_type: row.try_get(2)?,
            },
        }))
    }

    pub(crate) fn data(&mut self, file_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self
            .db()
            .query_opt("SELECT data FROM files WHERE id = $1", &[&file_id])?;
        Ok(match row {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        })
    }

    /// Removes a file whose chat entry could not be made (the session ended meanwhile).
    pub(crate) fn delete(&mut self, file_id: &str) -> Result<(), StoreError> {
        write_transaction(&mut self.client, &mut self.statements, self.fence, |db| {
            db.execute("DELETE FROM files WHERE id = $1", &[&file_id])?;
            Ok(())
        })
    }
}
