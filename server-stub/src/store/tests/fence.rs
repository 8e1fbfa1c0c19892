//! PostgreSQL only: the fence. A store opened with a [`Fence`] commits only while the lease
//! row holds its token unexpired; otherwise the commit fails with `LeaseLost` and nothing
//! of the batch is stored. The lease table is created exactly as `server/lease.rs` does.

use super::*;
use crate::store::Fence;

/// The lease table exactly as `server/lease.rs` creates it: its own DDL, under its
/// advisory lock, in one transaction.
fn lease_table() -> String {
    use crate::server::lease::{LEASE_TABLE_DDL, LEASE_TABLE_LOCK};
    format!("BEGIN;\nSELECT pg_advisory_xact_lock({LEASE_TABLE_LOCK});\n{LEASE_TABLE_DDL}\nCOMMIT;")
}

/// Sets the lease row: `token`, expiring `seconds` from now (negative: already expired).
fn set_lease(db: &TestDb, token: i64, seconds: i64) {
    postgres_execute(
        db.url(),
        &format!(
            "UPDATE switchboard_lease SET token = {token}, holder = 'test',
             expires_at = clock_timestamp() + interval '{seconds} seconds' WHERE id = 1"
        ),
    );
}

/// With the right unexpired token commits land; after another server's token replaced
/// it, or once it expired, every commit (alone or grouped) fails with `LeaseLost` and
/// writes nothing; the right token again commits again.
#[test]
fn a_fenced_store_commits_only_while_it_holds_the_lease() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    postgres_execute(db.url(), &lease_table());
    set_lease(&db, 5, 60);
    let (store, _) =
        Store::open_postgres(db.url(), Some(Fence { token: 5 }), Durability::Normal).unwrap();
    store
        .commit_blocking(vec![put_session(&session(1))])
        .unwrap();

    // Another server took the lease (its token is one more).
    set_lease(&db, 6, 60);
    let lost = store.commit_blocking(vec![
        put_session(&session(2)),
        StoreOp::PutChat(chat(20, 2)),
    ]);
    assert!(matches!(lost, Err(StoreError::LeaseLost)), "{lost:?}");
    assert_eq!(
        lost.unwrap_err().to_string(),
        "this server no longer holds the lease: another server is active"
    );
    // Several commits queued at once (a group): each caller learns the lease is lost.
    std::thread::scope(|scope| {
        let commits: Vec<_> = (3..=6)
            .map(|id| {
                let store = store.clone();
                scope.spawn(move || store.commit_blocking(vec![put_session(&session(id))]))
            })
            .collect();
        for commit in commits {
            let outcome = commit.join().unwrap();
            assert!(matches!(outcome, Err(StoreError::LeaseLost)), "{outcome:?}");
        }
    });

    // Our token, but expired (PostgreSQL's clock decides).
    set_lease(&db, 5, -1);
    let expired = store.commit_blocking(vec![put_session(&session(7))]);
    assert!(matches!(expired, Err(StoreError::LeaseLost)), "{expired:?}");

    // Held again: commits land again.
    set_lease(&db, 5, 60);
    store
        .commit_blocking(vec![put_session(&session(8))])
        .unwrap();
    drop(store);

    let (_store, restored) = db.open();
    assert_eq!(restored.sessions, vec![session(1), session(8)]);
    assert!(restored.chat.is_empty());
}

/// An unfenced store (no lease in use: a single server) ignores the lease row entirely.
#[test]
fn an_unfenced_store_ignores_the_lease() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    postgres_execute(db.url(), &lease_table());
    set_lease(&db, 9, -60);
    let (store, _) = db.open();
    store
        .commit_blocking(vec![put_session(&session(1))])
        .unwrap();
}
