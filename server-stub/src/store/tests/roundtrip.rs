//! Ops written with `commit` come back from `open` after a reopen, on both engines.

use super::*;
use crate::store::{Restored, Store, StoreError};

on_both_engines!(
    #[tokio::test]
    ops_round_trip_through_reopen,
    ended_sessions_are_not_restored_but_can_be_looked_up,
    max_invitation_id_survives_deleting_every_invitation,
    team_chat_restores_the_latest_200_per_team,
    a_failed_batch_writes_nothing,
    commit_blocking_commits,
    durability_sets_the_sync_level,
    jump_clients_round_trip_through_reopen,
    a_chat_stored_again_replaces_its_row,
);

/// Sessions, chat, invitations (one deleted), keys (one deleted) and the max ids survive a
/// close and reopen; `PutSession` replaces the earlier record of the same id.
async fn ops_round_trip_through_reopen(db: TestDb) {
    let (store, restored) = db.open();
    assert_eq!(restored, Restored::default());

    let mut first = session(1);
    let second = session(2);
    store
        .commit(vec![
            put_session(&first),
            put_session(&second),
            StoreOp::PutChat(chat(10, 1)),
            StoreOp::PutChat(chat(11, 2)),
            StoreOp::PutChat(chat(12, 1)),
            put_invitation(&invitation(1, 1)),
            put_invitation(&invitation(2, 1)),
            put_invitation(&invitation(3, 2)),
            put_key(&key("111-222", 50_000)),
            put_key(&key("333-444", 60_000)),
        ])
        .await
        .unwrap();
    first.important = true;
    first.owner = None;
    store
        .commit(vec![
            put_session(&first),
            StoreOp::DeleteInvitation(InvitationId(2)),
            StoreOp::DeleteKey("333-444".to_owned()),
            StoreOp::PutTeamChat(team_chat(13, "billing")),
        ])
        .await
        .unwrap();
    store.commit(Vec::new()).await.unwrap();
    drop(store);

    let (_store, restored) = db.open();
    assert_eq!(restored.sessions, vec![first, second]);
    assert_eq!(restored.chat, vec![chat(10, 1), chat(11, 2), chat(12, 1)]);
    assert_eq!(
        restored.invitations,
        vec![invitation(1, 1), invitation(3, 2)]
    );
    assert_eq!(restored.keys, vec![key("111-222", 50_000)]);
    assert_eq!(restored.team_chat, vec![team_chat(13, "billing")]);
    assert_eq!(restored.max_session_id, 2);
    assert_eq!(restored.max_invitation_id, 3);
    assert_eq!(restored.max_message_id, 13);
}

/// Ended sessions, their chat and invitations are not restored, yet they count for the max
/// ids and `ended_session` returns them with their chat.
async fn ended_sessions_are_not_restored_but_can_be_looked_up(db: TestDb) {
    let (store, _) = db.open();
    store
        .commit(vec![
            put_session(&session(1)),
            put_session(&session(5)),
            StoreOp::PutChat(chat(20, 1)),
            StoreOp::PutChat(chat(21, 5)),
            StoreOp::PutChat(chat(22, 5)),
            put_invitation(&invitation(4, 5)),
        ])
        .await
        .unwrap();
    store
        .commit(vec![put_session(&ended_session(5))])
        .await
        .unwrap();
    drop(store);

    let (store, restored) = db.open();
    assert_eq!(restored.sessions, vec![session(1)]);
    assert_eq!(restored.chat, vec![chat(20, 1)]);
    assert!(restored.invitations.is_empty());
    assert_eq!(restored.max_session_id, 5);
    assert_eq!(restored.max_invitation_id, 4);
    assert_eq!(restored.max_message_id, 22);

    let found = store.ended_session(5).await.unwrap().unwrap();
    assert_eq!(
        found,
        Session {
            chat: vec![chat(21, 5), chat(22, 5)],
            ..ended_session(5)
        }
    );
    let live = store.ended_session(1).await.unwrap().unwrap();
    assert_eq!(live.chat, vec![chat(20, 1)]);
    assert_eq!(store.ended_session(99).await.unwrap(), None);
    // An id beyond SQLite's integer range is an error, not a panic.
    assert!(matches!(
        store.ended_session(u64::MAX).await,
        Err(StoreError::TooLarge(u64::MAX))
    ));
}

/// The largest invitation id is remembered after every invitation row is deleted.
async fn max_invitation_id_survives_deleting_every_invitation(db: TestDb) {
    let (store, _) = db.open();
    store
        .commit(vec![
            put_session(&session(1)),
            put_invitation(&invitation(7, 1)),
        ])
        .await
        .unwrap();
    store
        .commit(vec![StoreOp::DeleteInvitation(InvitationId(7))])
        .await
        .unwrap();
    drop(store);

    let (_store, restored) = db.open();
    assert!(restored.invitations.is_empty());
    assert_eq!(restored.max_invitation_id, 7);
}

/// Only the latest 200 team chat messages of each team are restored, oldest first, while
/// `max_message_id` covers every message.
async fn team_chat_restores_the_latest_200_per_team(db: TestDb) {
    let (store, _) = db.open();
    let mut ops = Vec::new();
    for id in 1..=250 {
        ops.push(StoreOp::PutTeamChat(team_chat(id * 2, "billing")));
    }
    for id in [3, 101, 401] {
        ops.push(StoreOp::PutTeamChat(team_chat(id, "sales")));
    }
    store.commit(ops).await.unwrap();
    drop(store);

    let (_store, restored) = db.open();
    let billing: Vec<u64> = restored
        .team_chat
        .iter()
        .filter(|message| message.team.as_str() == "billing")
        .map(|message| message.id.0)
        .collect();
    assert_eq!(billing, (51..=250).map(|id| id * 2).collect::<Vec<_>>());
    let sales: Vec<u64> = restored
        .team_chat
        .iter()
        .filter(|message| message.team.as_str() == "sales")
        .map(|message| message.id.0)
        .collect();
    assert_eq!(sales, vec![3, 101, 401]);
    let ids: Vec<u64> = restored.team_chat.iter().map(|m| m.id.0).collect();
    assert!(ids.is_sorted(), "oldest first across teams");
    assert_eq!(restored.team_chat.len(), 203);
    assert_eq!(restored.max_message_id, 500);
}

/// A batch is one transaction: when one op fails (chat for a session never stored), none of
/// the batch's ops is written, and the store keeps working.
async fn a_failed_batch_writes_nothing(db: TestDb) {
    let (store, _) = db.open();
    let err = store
        .commit(vec![
            put_session(&session(1)),
            StoreOp::PutChat(chat(30, 42)),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Sqlite(_) | StoreError::Postgres(_)),
        "{err}"
    );
    store.commit(vec![put_session(&session(2))]).await.unwrap();
    drop(store);

    let (_store, restored) = db.open();
    assert_eq!(restored.sessions, vec![session(2)]);
    assert!(restored.chat.is_empty());
}

/// `commit_blocking` works from a plain thread, outside any runtime (here the runtime's
/// blocking pool, as `spawn_blocking` callers use it).
async fn commit_blocking_commits(db: TestDb) {
    let (store, _) = db.open();
    tokio::task::spawn_blocking(move || {
        store.commit_blocking(Vec::new()).unwrap();
        store
            .commit_blocking(vec![put_session(&session(3)), StoreOp::PutChat(chat(1, 3))])
            .unwrap();
    })
    .await
    .unwrap();

    let (_store, restored) = db.open();
    assert_eq!(restored.sessions, vec![session(3)]);
    assert_eq!(restored.chat, vec![chat(1, 3)]);
}

/// SQLite: `--durability full` makes every commit fsync the WAL (`synchronous=FULL`, 2);
/// the default is `NORMAL` (1). PostgreSQL: `synchronous_commit = on` at both levels, and
/// the contract's `idle_in_transaction_session_timeout` of 2 s.
async fn durability_sets_the_sync_level(db: TestDb) {
    use crate::store::Durability;
    let setting = |store: &Store, name: &'static str| {
        let store = store.clone();
        async move {
            store
                .call(move |engine| engine.setting(name))
                .await
                .unwrap()
        }
    };
    for (durability, level) in [(Durability::Normal, "1"), (Durability::Full, "2")] {
        let (store, _) = db.try_open_with(durability).unwrap();
        if db.is_postgres() {
            assert_eq!(setting(&store, "synchronous_commit").await, "on");
            assert_eq!(
                setting(&store, "idle_in_transaction_session_timeout").await,
                "2s"
            );
        } else {
            assert_eq!(
                setting(&store, "synchronous").await,
                level,
                "{durability:?}"
            );
        }
        store.commit(vec![put_session(&session(1))]).await.unwrap();
    }
}

/// A pinned Jump Client's row (token hash, machine, state, last seen) comes back after a
/// reopen, and a later `PutJumpClient` of the same id replaces it.
async fn jump_clients_round_trip_through_reopen(db: TestDb) {
    use crate::router::jumps::PinnedJumpClient;
    use switchboard_protocol::{JumpClientId, JumpClientInfo, JumpClientState};
    let (store, _) = db.open();
    let mut client = PinnedJumpClient {
        info: JumpClientInfo {
            jump_client_id: JumpClientId(7),
            name: "Front desk PC".into(),
            host: "sams-laptop".into(),
            os: "Linux".into(),
            owner: QueueRef::Team {
                team: switchboard_protocol::TeamId::new("billing"),
            },
            created_by: RepId::new("alice"),
            created_by_name: "Alice".into(),
            created_at: 1_000,
            state: JumpClientState::Pending,
            online: false,
            last_seen: 1_000,
            lost: false,
            detail: String::new(),
        },
        token_hash: "hash-of-the-token".into(),
        machine_id: "machine-0001".into(),
        session_id: SessionId(3),
        uninstall_pending: false,
    };
    let put = |c: &PinnedJumpClient| StoreOp::PutJumpClient(Box::new(c.clone()));
    store.commit(vec![put(&client)]).await.unwrap();
    client.info.state = JumpClientState::Unpinned;
    client.info.last_seen = 2_000;
    client.uninstall_pending = true;
    store.commit(vec![put(&client)]).await.unwrap();
    drop(store);
    let (_store, restored) = db.open();
    assert_eq!(restored.jump_clients, vec![client]);
}

/// A chat message stored again (same id) replaces its row, whether the core encoded its
/// JSON (`CommitBatch::encoding_chats`) or the store did; a chat row whose session is
/// missing still fails its batch (the foreign key, checked at commit) and writes nothing.
async fn a_chat_stored_again_replaces_its_row(db: TestDb) {
    use crate::store::CommitBatch;
    use std::sync::Arc;
    let (store, _) = db.open();
    store
        .commit(vec![put_session(&session(3)), StoreOp::PutChat(chat(1, 3))])
        .await
        .unwrap();
    let mut changed = chat(1, 3);
    changed.text = "edited".into();
    let batch = CommitBatch::encoding_chats(vec![StoreOp::PutChat(changed.clone())]);
    store.commit_batch(Arc::new(batch)).await.unwrap();
    let orphan = CommitBatch::encoding_chats(vec![StoreOp::PutChat(chat(2, 77))]);
    assert!(store.commit_batch(Arc::new(orphan)).await.is_err());
    drop(store);

    let (store, restored) = db.open();
    assert_eq!(restored.chat, vec![changed.clone()]);
    let mut again = changed;
    again.text = "edited twice".into();
    store
        .commit(vec![StoreOp::PutChat(again.clone())])
        .await
        .unwrap();
    drop(store);
    let (_store, restored) = db.open();
    assert_eq!(restored.chat, vec![again]);
}
