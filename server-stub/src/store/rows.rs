//! Decoding `(key, json)` rows into records, skipping (and logging) corrupt ones.

use super::error::StoreError;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Params};
use serde::de::DeserializeOwned;

/// Runs `sql`, which selects `(key, json)`, and decodes each row's JSON. A row that does
/// not decode is skipped with an error naming its table and key: one bad row must not
/// keep the server from starting.
pub(crate) fn decode_rows<T: DeserializeOwned>(
    conn: &Connection,
    table: &'static str,
    sql: &str,
    params: impl Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        match decode_json(row.get_ref(1)?) {
            Ok(record) => records.push(record),
            Err(message) => {
                let key = describe(row.get_ref(0)?);
                tracing::error!(table, %key, message = ?message, "skipping a corrupt database row");
            }
        }
    }
    Ok(records)
}

/// Decodes one JSON column value; the error is a readable message.
fn decode_json<T: DeserializeOwned>(value: ValueRef<'_>) -> Result<T, String> {
    let text = value.as_str().map_err(|err| err.to_string())?;
    serde_json::from_str(text).map_err(|err| err.to_string())
}

/// A key column's value for a log line.
fn describe(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".to_owned(),
        ValueRef::Integer(int) => int.to_string(),
        ValueRef::Real(real) => real.to_string(),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}
