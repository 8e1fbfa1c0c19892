//! Corrupt rows (bad JSON written behind the store's back) are skipped at restore, on both
//! engines.

use super::*;
use std::io::Write;
use std::sync::{Arc, Mutex};

on_both_engines!(
    #[tokio::test]
    corrupt_rows_are_skipped_with_an_error
);

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Restoring skips each corrupt row with an error log naming its table and key, keeps the
/// good rows, and leaves out the chat of a skipped session; looking up a corrupt session
/// is an error.
async fn corrupt_rows_are_skipped_with_an_error(db: TestDb) {
    let (store, _) = db.open();
    store
        .commit(vec![
            put_session(&session(1)),
            put_session(&session(2)),
            StoreOp::PutChat(chat(10, 1)),
            StoreOp::PutChat(chat(11, 2)),
            put_invitation(&invitation(1, 2)),
            put_key(&key("111-222", 50_000)),
            StoreOp::PutTeamChat(team_chat(12, "billing")),
        ])
        .await
        .unwrap();
    drop(store);

    // PostgreSQL's TEXT cannot hold SQLite's invalid UTF-8 blob: JSON of the wrong shape.
    let bad_key_json = if db.is_postgres() {
        "'{\"key\": 1}'"
    } else {
        "X'00ff'"
    };
    db.execute_raw(&format!(
        "UPDATE sessions SET json = '{{not json' WHERE id = 1;
         INSERT INTO chat (id, session_id, json) VALUES (99, 2, 'garbage');
         INSERT INTO invitations (id, session_id, json) VALUES (5, 2, '[]');
         INSERT INTO session_keys (key, json, expires_at) VALUES ('bad-key', {bad_key_json}, 0);
         INSERT INTO team_chat (id, team, json) VALUES (98, 'billing', '{{}}');"
    ));

    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let (store, restored) =
        tracing::subscriber::with_default(subscriber, || db.try_open()).unwrap();

    assert_eq!(restored.sessions, vec![session(2)]);
    assert_eq!(restored.chat, vec![chat(11, 2)]);
    assert_eq!(restored.invitations, vec![invitation(1, 2)]);
    assert_eq!(restored.keys, vec![key("111-222", 50_000)]);
    assert_eq!(restored.team_chat, vec![team_chat(12, "billing")]);
    assert_eq!(restored.max_message_id, 99);
    assert_eq!(restored.max_invitation_id, 5);

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    for (table, key) in [
        ("sessions", "1"),
        ("chat", "99"),
        ("invitations", "5"),
        ("session_keys", "bad-key"),
        ("team_chat", "98"),
    ] {
        assert!(
            logs.lines().any(|line| line.contains("ERROR")
                && line.contains(&format!("table=\"{table}\""))
                && line.contains(&format!("key={key}"))),
            "no error for {table} {key} in:\n{logs}"
        );
    }

    let err = store.ended_session(1).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt {
                table: "sessions",
                id: 1,
                ..
            }
        ),
        "{err:?}"
    );
}
