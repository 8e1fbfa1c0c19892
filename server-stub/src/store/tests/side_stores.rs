//! The side stores on both engines: shared files' bytes (put, info, data, delete) and shell
//! transcripts (grouped appends, reads in order and within their bounds), each surviving a
//! reopen. PostgreSQL only: with a fence, every write of the store (a file put or delete, a
//! transcript append, a login token's put, delete and purge, an outbox mark) fails with
//! `LeaseLost` once another server took the lease, and writes nothing.

use super::*;
use crate::store::transcripts::ReadBounds;
use crate::store::{Fence, ShellEvent, ShellRecord};
use switchboard_protocol::{Attachment, GrantId};

on_both_engines!(
    #[tokio::test]
    files_are_stored_read_and_deleted,
    transcripts_come_back_in_order_and_within_their_bounds,
);

fn attachment(id: &str, size: u64) -> Attachment {
    Attachment {
        file_id: id.to_owned(),
        name: format!("{id}.bin"),
        size,
        content_type: "application/octet-stream".to_owned(),
    }
}

fn record(session: u64, at: u64, what: ShellEvent) -> ShellRecord {
    ShellRecord {
        session_id: SessionId(session),
        grant_id: GrantId(7),
        at,
        what,
    }
}

fn output(session: u64, at: u64, data: &[u8]) -> ShellRecord {
    record(
        session,
        at,
        ShellEvent::Output {
            data: data.to_vec(),
        },
    )
}

/// A file's description and bytes (every byte value, and an empty file) come back after a
/// reopen; a deleted one is gone and another is kept; an id stored twice is refused.
async fn files_are_stored_read_and_deleted(db: TestDb) {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let (store, _) = db.open();
    store
        .put_file(SessionId(3), attachment("f1", 300_000), bytes.clone(), 10)
        .await
        .unwrap();
    store
        .put_file(SessionId(4), attachment("empty", 0), Vec::new(), 11)
        .await
        .unwrap();
    let twice = store
        .put_file(SessionId(3), attachment("f1", 1), vec![1], 12)
        .await;
    assert!(twice.is_err(), "a second file with the same id: {twice:?}");
    drop(store);

    let (store, _) = db.open();
    let info = store.file_info("f1".to_owned()).await.unwrap().unwrap();
    assert_eq!(info.session_id, SessionId(3));
    assert_eq!(info.attachment, attachment("f1", 300_000));
    assert_eq!(store.file_data("f1".to_owned()).await.unwrap(), Some(bytes));
    assert_eq!(
        store.file_data("empty".to_owned()).await.unwrap(),
        Some(Vec::new())
    );
    assert_eq!(store.file_info("nope".to_owned()).await.unwrap(), None);
    assert_eq!(store.file_data("nope".to_owned()).await.unwrap(), None);

    store.delete_file("f1".to_owned()).await.unwrap();
    store.delete_file("nope".to_owned()).await.unwrap();
    assert_eq!(store.file_info("f1".to_owned()).await.unwrap(), None);
    assert_eq!(store.file_data("f1".to_owned()).await.unwrap(), None);
    assert!(store.file_info("empty".to_owned()).await.unwrap().is_some());
}

/// Every kind of record round-trips; a session's records come back oldest first without
/// another session's, after a reopen; appends sent together all land; a read stops at its
/// record bound and before the first record whose data would pass its byte bound.
async fn transcripts_come_back_in_order_and_within_their_bounds(db: TestDb) {
    let alice = RepId::new("alice");
    let every_kind = vec![
        record(1, 1, ShellEvent::Started { rep: alice.clone() }),
        record(
            1,
            2,
            ShellEvent::Input {
                rep: alice.clone(),
                data: b"ls\n".to_vec(),
            },
        ),
        output(1, 3, b"a.txt\n"),
        record(1, 4, ShellEvent::Omitted { bytes: 1 << 40 }),
        record(
            1,
            5,
            ShellEvent::Resized {
                rep: alice.clone(),
                cols: 120,
                rows: 40,
            },
        ),
        record(1, 6, ShellEvent::Exited { code: -1 }),
    ];
    let (store, _) = db.open();
    let log = store.transcripts();
    log.append(every_kind[..3].to_vec()).await.unwrap();
    log.append(vec![output(2, 3, b"another session")])
        .await
        .unwrap();
    // Sent back to back: the thread may group them into one transaction.
    let (first, second) = tokio::join!(
        log.append(every_kind[3..5].to_vec()),
        log.append(every_kind[5..].to_vec())
    );
    first.unwrap();
    second.unwrap();
    drop((store, log));

    let (store, _) = db.open();
    let log = store.transcripts();
    assert_eq!(log.read(SessionId(1)).await.unwrap(), every_kind);
    assert_eq!(
        log.read(SessionId(2)).await.unwrap(),
        vec![output(2, 3, b"another session")]
    );
    assert!(log.read(SessionId(9)).await.unwrap().is_empty());

    // Session 3: outputs of 5, 6 and 7 bytes.
    let outputs = vec![
        output(3, 1, b"first"),
        output(3, 2, b"second"),
        output(3, 3, b"seventh"),
    ];
    log.append(outputs.clone()).await.unwrap();
    let within = |records, bytes| log.read_within(SessionId(3), ReadBounds { records, bytes });
    assert_eq!(within(2, 1_000).await.unwrap(), outputs[..2]);
    // 5 + 6 = 11 bytes fit in 11 and in 17; the third would make 18.
    assert_eq!(within(10, 11).await.unwrap(), outputs[..2]);
    assert_eq!(within(10, 17).await.unwrap(), outputs[..2]);
    assert_eq!(within(10, 18).await.unwrap(), outputs);
    assert_eq!(within(10, 4).await.unwrap(), []);
    // Records without data count nothing: session 1's 3 + 6 bytes of data are all of it.
    let session_1 = log.read_within(
        SessionId(1),
        ReadBounds {
            records: 100,
            bytes: 9,
        },
    );
    assert_eq!(session_1.await.unwrap(), every_kind);
}

/// Asserts that `outcome` (of the write `what`) is `LeaseLost`.
fn lost<T: std::fmt::Debug>(outcome: Result<T, StoreError>, what: &str) {
    assert!(
        matches!(outcome, Err(StoreError::LeaseLost)),
        "{what}: {outcome:?}"
    );
}

/// The lease table exactly as `server/lease.rs` creates it (as in `fence.rs`).
fn lease_table() -> String {
    use crate::server::lease::{LEASE_TABLE_DDL, LEASE_TABLE_LOCK};
    format!("BEGIN;\nSELECT pg_advisory_xact_lock({LEASE_TABLE_LOCK});\n{LEASE_TABLE_DDL}\nCOMMIT;")
}

/// Sets the lease row: `token`, expiring in a minute.
fn set_lease(db: &TestDb, token: i64) {
    postgres_execute(
        db.url(),
        &format!(
            "UPDATE switchboard_lease SET token = {token}, holder = 'test',
             expires_at = clock_timestamp() + interval '60 seconds' WHERE id = 1"
        ),
    );
}

/// PostgreSQL only: a fenced store writes files, transcripts, tokens and outbox marks while
/// it holds the lease; once another server's token replaced it, each of those writes fails
/// with `LeaseLost` and leaves the database as it was; reads still answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_of_a_fenced_store_needs_the_lease() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    postgres_execute(db.url(), &lease_table());
    set_lease(&db, 5);
    let url = db.url().to_owned();
    let (store, _) = tokio::task::spawn_blocking(move || {
        Store::open_postgres(&url, Some(Fence { token: 5 }), Durability::Normal)
    })
    .await
    .unwrap()
    .unwrap();
    let log = store.transcripts();
    // Held: every kind of write lands.
    store
        .put_file(SessionId(1), attachment("kept", 3), b"abc".to_vec(), 1)
        .await
        .unwrap();
    log.append(vec![output(1, 1, b"kept")]).await.unwrap();
    store
        .put_token("kept".to_owned(), "alice".to_owned(), 1_000, 1)
        .await
        .unwrap();
    store
        .put_token("old".to_owned(), "alice".to_owned(), 10, 1)
        .await
        .unwrap();
    store
        .commit(vec![StoreOp::Email {
            rep: RepId::new("carol"),
            to: "carol@example.com".to_owned(),
            subject: "Invited".to_owned(),
            body: "Session 1.".to_owned(),
            at: 1,
        }])
        .await
        .unwrap();
    let outbox = store.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);

    // Another server took the lease.
    set_lease(&db, 6);
    lost(
        store
            .put_file(SessionId(1), attachment("late", 3), b"xyz".to_vec(), 2)
            .await,
        "file put",
    );
    lost(store.delete_file("kept".to_owned()).await, "file delete");
    lost(
        log.append(vec![output(1, 2, b"late")]).await,
        "transcript append",
    );
    lost(
        store
            .put_token("late".to_owned(), "alice".to_owned(), 1_000, 2)
            .await,
        "token put",
    );
    lost(
        store.delete_token("kept".to_owned(), 2).await,
        "token delete",
    );
    lost(store.purge_expired_tokens(500).await, "token purge");
    lost(store.mark_email_sent(outbox[0].id, 2).await, "outbox mark");

    // Nothing of it was written; reads still answer (they are not fenced).
    assert_eq!(store.file_info("late".to_owned()).await.unwrap(), None);
    assert_eq!(
        store.file_data("kept".to_owned()).await.unwrap(),
        Some(b"abc".to_vec())
    );
    assert_eq!(
        log.read(SessionId(1)).await.unwrap(),
        vec![output(1, 1, b"kept")]
    );
    assert_eq!(store.token_rep("late".to_owned(), 2).await.unwrap(), None);
    assert_eq!(
        store
            .token_rep("kept".to_owned(), 2)
            .await
            .unwrap()
            .as_deref(),
        Some("alice")
    );
    assert_eq!(
        postgres_query_i64(db.url(), "SELECT count(*) FROM tokens WHERE hash = 'old'"),
        1,
        "the expired token was not purged"
    );
    assert_eq!(store.outbox().await.unwrap(), outbox);
}
