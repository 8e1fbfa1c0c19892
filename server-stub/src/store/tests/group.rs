//! Group commit: batches sharing a transaction still get their own outcome (both engines).

use super::*;
use crate::store::worker::{Batch, commit_group};
use tokio::sync::oneshot;

on_both_engines!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    a_bad_batch_in_a_group_fails_alone,
    concurrent_commits_all_land,
);

fn batch(ops: Vec<StoreOp>) -> (Batch, oneshot::Receiver<Result<(), StoreError>>) {
    let (reply, receiver) = oneshot::channel();
    // As the core sends them: chat rows already encoded.
    let ops = std::sync::Arc::new(crate::store::CommitBatch::encoding_chats(ops));
    (Batch { ops, reply }, receiver)
}

/// When a group's shared transaction fails, each batch is retried alone: the bad batch
/// fails and the others are committed.
async fn a_bad_batch_in_a_group_fails_alone(db: TestDb) {
    // The engine and the replies are used as the store thread uses them: off the runtime.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut engine = db.engine();
                let (first, first_done) = batch(vec![put_session(&session(1))]);
                let (bad, bad_done) = batch(vec![StoreOp::PutChat(chat(5, 77))]);
                let (third, third_done) =
                    batch(vec![put_session(&session(3)), StoreOp::PutChat(chat(6, 3))]);
                commit_group(engine.as_mut(), vec![first, bad, third]);
                first_done.blocking_recv().unwrap().unwrap();
                assert!(bad_done.blocking_recv().unwrap().is_err());
                third_done.blocking_recv().unwrap().unwrap();
            })
            .join()
            .unwrap();
    });

    let (_store, restored) = db.open();
    assert_eq!(restored.sessions, vec![session(1), session(3)]);
    assert_eq!(restored.chat, vec![chat(6, 3)]);
}

/// Many tasks committing at once through clones of one handle all succeed and all land.
async fn concurrent_commits_all_land(db: TestDb) {
    let (store, _) = db.open();
    let tasks: Vec<_> = (1..=50)
        .map(|id| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .commit(vec![
                        put_session(&session(id)),
                        StoreOp::PutChat(chat(id, id)),
                    ])
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    drop(store);

    let (_store, restored) = db.open();
    assert_eq!(restored.sessions.len(), 50);
    assert_eq!(restored.chat.len(), 50);
    assert_eq!(restored.max_session_id, 50);
    assert_eq!(restored.max_message_id, 50);
}
