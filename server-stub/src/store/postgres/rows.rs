//! Decoding `(key, json)` rows read from PostgreSQL into records, skipping (and logging)
//! corrupt ones: the twin of `store/rows.rs`, with the same log line.

use super::super::error::StoreError;
use super::statements::{Cached, Params};
use postgres::GenericClient;
use postgres::Row;
use serde::de::DeserializeOwned;

/// Runs `sql`, which selects `(key, json)`, and decodes each row's JSON. A row that does
/// not decode is skipped with an error naming its table and key: one bad row must not
/// keep the server from starting.
pub(crate) fn decode_rows<T: DeserializeOwned, C: GenericClient>(
    db: &mut Cached<'_, C>,
    table: &'static str,
    sql: &'static str,
    params: Params<'_>,
) -> Result<Vec<T>, StoreError> {
    let rows = db.query(sql, params)?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let text: &str = row.try_get(1)?;
        match serde_json::from_str(text) {
            Ok(record) => records.push(record),
            Err(message) => {
                let key = describe_key(&row);
                tracing::error!(table, %key, message = ?message.to_string(), "skipping a corrupt database row");
            }
        }
    }
    Ok(records)
}

/// The key column (a BIGINT id or a TEXT key) for a log line.
fn describe_key(row: &Row) -> String {
    if let Ok(id) = row.try_get::<_, i64>(0) {
        return id.to_string();
    }
    row.try_get::<_, String>(0)
        .unwrap_or_else(|_| "?".to_owned())
}
