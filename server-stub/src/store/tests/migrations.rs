//! Opening: parent directories, WAL, migrations on reopen, refusing a newer schema.

use super::*;
use crate::store::migrate::latest_version;
use crate::store::{Store, StoreError};
use rusqlite::Connection;

fn user_version(path: &std::path::Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

/// Opening creates the parent directories and a WAL database at the latest version;
/// reopening applies nothing again and keeps the data.
#[tokio::test]
async fn migrations_are_idempotent_on_reopen() {
    let (_dir, path) = temp_db();
    let (store, _) = Store::open(&path).unwrap();
    store.commit(vec![put_session(&session(1))]).await.unwrap();
    drop(store);
    assert!(path.exists());
    assert_eq!(user_version(&path), latest_version());
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);

    for _ in 0..2 {
        let (_store, restored) = Store::open(&path).unwrap();
        assert_eq!(restored.sessions, vec![session(1)]);
        assert_eq!(user_version(&path), latest_version());
    }
}

/// A database written by newer code (a higher user_version) is refused with a clear error
/// and left untouched.
#[test]
fn a_newer_schema_is_refused() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).unwrap());
    let future = latest_version() + 1;
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", future)
        .unwrap();

    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found, known } if found == future && known == latest_version()),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(user_version(&path), future);
}

/// A file that is not a database is refused with an error, not a panic.
#[test]
fn a_non_database_file_is_refused() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        b"this is not a database, just some text that is long enough",
    )
    .unwrap();
    assert!(Store::open(&path).is_err());
}
