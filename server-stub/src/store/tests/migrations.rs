//! Opening: migrations on reopen and refusing a newer schema (both engines); SQLite's
//! parent directories, WAL and non-database files; PostgreSQL's migration lock and an
//! unreachable database.

use super::*;
use crate::store::migrate::latest_version;
use rusqlite::Connection;

on_both_engines!(
    #[tokio::test]
    migrations_are_idempotent_on_reopen,
    a_newer_schema_is_refused,
);

/// Opening creates the schema at the latest version (for SQLite: the parent directories
/// and a WAL database); reopening applies nothing again and keeps the data.
async fn migrations_are_idempotent_on_reopen(db: TestDb) {
    let (store, _) = db.open();
    store.commit(vec![put_session(&session(1))]).await.unwrap();
    drop(store);
    assert_eq!(db.schema_version(), latest_version());
    if !db.is_postgres() {
        assert!(db.path().exists());
        let conn = Connection::open(db.path()).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    for _ in 0..2 {
        let (_store, restored) = db.open();
        assert_eq!(restored.sessions, vec![session(1)]);
        assert_eq!(db.schema_version(), latest_version());
    }
}

/// A database written by newer code (a higher schema version) is refused with a clear
/// error and left untouched.
async fn a_newer_schema_is_refused(db: TestDb) {
    drop(db.open());
    let future = latest_version() + 1;
    db.execute_raw(&if db.is_postgres() {
        format!("UPDATE schema_version SET version = {future} WHERE id = 1")
    } else {
        format!("PRAGMA user_version = {future}")
    });

    let err = db.try_open().unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found, known } if found == future && known == latest_version()),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(db.schema_version(), future);
}

/// SQLite only (a file format): a file that is not a database is refused with an error,
/// not a panic.
#[test]
fn a_non_database_file_is_refused() {
    let db = TestDb::sqlite();
    std::fs::create_dir_all(db.path().parent().unwrap()).unwrap();
    std::fs::write(
        db.path(),
        b"this is not a database, just some text that is long enough",
    )
    .unwrap();
    assert!(db.try_open().is_err());
}

/// PostgreSQL only: a database that does not exist, or a URL that does not parse, is
/// refused with a connection error, not a panic, and without the URL's password.
#[test]
fn an_unreachable_postgres_database_is_refused() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let (base, _) = db.url().rsplit_once('/').unwrap();
    let missing = format!("{base}/no_such_database");
    let err = Store::open_postgres(&missing, None, Durability::Normal).unwrap_err();
    assert!(matches!(err, StoreError::PostgresConnect(_)), "{err:?}");
    let err = Store::open_postgres(
        "postgres://user:s3cret@127.0.0.1:notaport/db",
        None,
        Durability::Normal,
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::PostgresConnect(_)), "{err:?}");
    assert!(!err.to_string().contains("s3cret"), "{err}");
}

/// PostgreSQL only: servers opening a new database at the same moment all succeed (the
/// migrations run under an advisory lock: one migrates, the others wait and find the
/// schema current; the side tables of files and transcripts are created under the same
/// lock: without it this failed 3 runs in 3), and the schema ends at the latest version.
/// Several rounds, each on a new database, to give a missing lock its chance to show.
#[test]
fn servers_opening_a_new_postgres_database_together_all_succeed() {
    const ROUNDS: usize = 3;
    const SERVERS: usize = 3;
    for _ in 0..ROUNDS {
        let Some(db) = TestDb::postgres() else {
            return;
        };
        let start = std::sync::Barrier::new(SERVERS);
        std::thread::scope(|scope| {
            let openers: Vec<_> = (0..SERVERS)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        Store::open_postgres(db.url(), None, Durability::Normal)
                            .map(|(_store, restored)| restored)
                    })
                })
                .collect();
            for opener in openers {
                let restored = opener.join().unwrap().unwrap();
                assert_eq!(restored, Restored::default());
            }
        });
        assert_eq!(db.schema_version(), latest_version());
    }
}
