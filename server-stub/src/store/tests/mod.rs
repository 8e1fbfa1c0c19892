//! Tests of the store on both engines, and the records they use: each test body takes a
//! [`TestDb`] and runs twice, on an SQLite file in a temporary directory (`…::sqlite::name`)
//! and on a fresh database of the test process's private PostgreSQL cluster
//! (`…::postgres::name`, from `switchboard_testkit::postgres`; skipped with a loud line only
//! when no PostgreSQL binaries exist and `CI` is unset). A test that is SQLite's by nature
//! (its file format, its pragmas) says so and runs on SQLite only.

/// Runs each named `async fn name(db: TestDb)` of the calling file once per engine, as
/// `sqlite::name` and `postgres::name`, under the given test attribute.
macro_rules! on_both_engines {
    (#[$attr:meta] $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[$attr]
                async fn $name() {
                    super::$name($crate::store::tests::TestDb::sqlite()).await
                }
            )+
        }
        mod postgres {
            $(
                #[$attr]
                async fn $name() {
                    let Some(db) = $crate::store::tests::TestDb::postgres() else {
                        return;
                    };
                    super::$name(db).await
                }
            )+
        }
    };
}

mod corrupt;
mod fence;
mod group;
mod migrations;
mod outbox;
mod roundtrip;
mod side_stores;
mod tokens;

use crate::store::engine::Engine;
use crate::store::{Durability, Restored, Store, StoreError};

use crate::router::effects::StoreOp;
use crate::router::state::{Invitation, Session, SessionKey, Waiting};
use std::collections::BTreeSet;
use std::path::PathBuf;
use switchboard_protocol::{
    Author, ChatMessage, CustomerInfo, EntryPath, InvitationId, InviteTarget, MessageId, QueueHop,
    QueueReason, QueueRef, RepId, SessionId, SessionKind, TeamChatMessage, TeamId, Visibility,
};
use tempfile::TempDir;

/// A fresh directory and a database path inside a not-yet-existing subdirectory.
fn temp_db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("switchboard.db");
    (dir, path)
}

/// One test's database, on either engine, opened as often as the test likes.
pub(crate) struct TestDb {
    /// The SQLite file's directory, removed when the test ends (with PostgreSQL there is
    /// none: nothing of the store is local).
    _dir: Option<TempDir>,
    engine: TestEngine,
}

enum TestEngine {
    Sqlite(PathBuf),
    Postgres(String),
}

impl TestDb {
    pub(crate) fn sqlite() -> TestDb {
        let (dir, path) = temp_db();
        TestDb {
            _dir: Some(dir),
            engine: TestEngine::Sqlite(path),
        }
    }

    /// A fresh PostgreSQL database; `None` when the test kit found no PostgreSQL (it has
    /// printed why; with `CI` set it panics instead).
    pub(crate) fn postgres() -> Option<TestDb> {
        let database = switchboard_testkit::postgres::fresh_database()?;
        Some(TestDb {
            _dir: None,
            engine: TestEngine::Postgres(database.url),
        })
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.engine, TestEngine::Postgres(_))
    }

    /// The PostgreSQL URL (panics on SQLite: for PostgreSQL-only tests).
    pub(crate) fn url(&self) -> &str {
        match &self.engine {
            TestEngine::Postgres(url) => url,
            TestEngine::Sqlite(path) => panic!("not a PostgreSQL test database: {path:?}"),
        }
    }

    /// The SQLite file (panics on PostgreSQL: for SQLite-only tests).
    pub(crate) fn path(&self) -> &std::path::Path {
        match &self.engine {
            TestEngine::Sqlite(path) => path,
            TestEngine::Postgres(url) => panic!("not an SQLite test database: {url}"),
        }
    }

    pub(crate) fn try_open_with(
        &self,
        durability: Durability,
    ) -> Result<(Store, Restored), StoreError> {
        match &self.engine {
            TestEngine::Sqlite(path) => Store::open_with(path, durability),
            TestEngine::Postgres(url) => Store::open_postgres(url, None, durability),
        }
    }

    pub(crate) fn try_open(&self) -> Result<(Store, Restored), StoreError> {
        self.try_open_with(Durability::Normal)
    }

    pub(crate) fn open(&self) -> (Store, Restored) {
        self.try_open().unwrap()
    }

    /// The bare engine, migrated, without a store thread (for `commit_group` itself).
    /// Blocking: call it from a plain test thread.
    pub(crate) fn engine(&self) -> Box<dyn Engine> {
        match &self.engine {
            TestEngine::Sqlite(path) => {
                let mut conn = crate::store::connection::open_connection(path).unwrap();
                crate::store::migrate::migrate(&mut conn).unwrap();
                Box::new(crate::store::sqlite::SqliteEngine::new(conn))
            }
            TestEngine::Postgres(url) => {
                let (engine, _) =
                    crate::store::postgres::PostgresEngine::open(url, None, Durability::Normal)
                        .unwrap();
                Box::new(engine)
            }
        }
    }

    /// Runs SQL behind the store's back (corrupting rows, changing the schema version).
    pub(crate) fn execute_raw(&self, sql: &str) {
        match &self.engine {
            TestEngine::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            TestEngine::Postgres(url) => postgres_execute(url, sql),
        }
    }

    /// The schema version the database records (SQLite: `user_version`; PostgreSQL: the
    /// `schema_version` table).
    pub(crate) fn schema_version(&self) -> i64 {
        match &self.engine {
            TestEngine::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .unwrap(),
            TestEngine::Postgres(url) => {
                postgres_query_i64(url, "SELECT version FROM schema_version WHERE id = 1")
            }
        }
    }
}

/// Runs `sql` on its own PostgreSQL connection, on a plain thread (the blocking client
/// must not run inside the test's async runtime).
pub(crate) fn postgres_execute(url: &str, sql: &str) {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        client.batch_execute(&sql).unwrap();
    })
    .join()
    .unwrap();
}

/// The one BIGINT `sql` selects, read as [`postgres_execute`] runs.
pub(crate) fn postgres_query_i64(url: &str, sql: &str) -> i64 {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        client.query_one(&sql, &[]).unwrap().get(0)
    })
    .join()
    .unwrap()
}

fn session(id: u64) -> Session {
    Session {
        id: SessionId(id),
        customer: CustomerInfo {
            name: format!("Customer {id}"),
            company: Some("Acme".to_owned()),
            question: Some("My invoice is wrong".to_owned()),
            contact: None,
        },
        customer_token_hash: format!("hash-{id}"),
        customer_connected: false,
        customer_gone: false,
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::General,
        session_key: None,
        started_at: 1_000 + id,
        owner: Some(RepId::new("alice")),
        participants: vec![RepId::new("alice")],
        ever_joined: BTreeSet::new(),
        waiting: Some(Waiting {
            queue: QueueRef::General,
            entered_at: 1_000,
        }),
        home_queue: QueueRef::General,
        history: vec![QueueHop {
            queue: QueueRef::General,
            reason: QueueReason::Started,
            at: 1_000,
            by: None,
        }],
        important: false,
        disposition: None,
        rejected_by: BTreeSet::from([RepId::new("bob")]),
        ended_at: None,
        assistance: None,
        client: Default::default(),
        grants: Default::default(),
        platform: Default::default(),
        machine: None,
        elevation: None,
        jump: None,
        client_offer: None,
        offer: None,
        chat: Vec::new(),
        position_sent: None,
        sent_ids: Default::default(),
        monitors: Default::default(),
    }
}

fn ended_session(id: u64) -> Session {
    Session {
        ended_at: Some(9_000),
        waiting: None,
        disposition: Some("solved".to_owned()),
        ..session(id)
    }
}

fn put_session(session: &Session) -> StoreOp {
    StoreOp::PutSession(Box::new(session.clone()))
}

fn chat(id: u64, session: u64) -> ChatMessage {
    ChatMessage {
        id: MessageId(id),
        session_id: SessionId(session),
        author: Author::Customer {
            name: format!("Customer {session}"),
        },
        text: format!("message {id}"),
        visibility: Visibility::Public,
        at: 2_000 + id,
        client_msg_id: Some(format!("c{id}")),
        attachment: None,
        whisper_to: Default::default(),
    }
}

fn team_chat(id: u64, team: &str) -> TeamChatMessage {
    TeamChatMessage {
        id: MessageId(id),
        team: TeamId::new(team),
        author: RepId::new("alice"),
        author_name: "Alice".to_owned(),
        text: format!("team message {id}"),
        at: 3_000 + id,
        client_msg_id: None,
    }
}

fn invitation(id: u64, session: u64) -> Invitation {
    Invitation {
        id: InvitationId(id),
        session_id: SessionId(session),
        inviter: RepId::new("alice"),
        target: InviteTarget::Team {
            team: TeamId::new("billing"),
        },
        queue: QueueRef::Team {
            team: TeamId::new("billing"),
        },
        created_at: 4_000 + id,
        declined_by: BTreeSet::new(),
    }
}

fn put_invitation(invitation: &Invitation) -> StoreOp {
    StoreOp::PutInvitation(invitation.clone())
}

fn key(key: &str, expires_at: u64) -> SessionKey {
    SessionKey {
        key: key.to_owned(),
        rep: RepId::new("alice"),
        expires_at,
    }
}

fn put_key(key: &SessionKey) -> StoreOp {
    StoreOp::PutKey(key.clone())
}
