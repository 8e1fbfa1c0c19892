//! The email outbox written by `StoreOp::Email`.

use super::*;
use crate::store::OutboxEmail;

on_both_engines!(
    #[tokio::test]
    emails_land_in_the_outbox
);

fn email(to: &str, at: u64) -> StoreOp {
    StoreOp::Email {
        rep: RepId::new("carol"),
        to: to.to_owned(),
        subject: "You are invited to a session".to_owned(),
        body: "Alice invites you to session 1.".to_owned(),
        at,
    }
}

/// Email ops become outbox rows in order, survive a reopen, and leave the list once sent.
async fn emails_land_in_the_outbox(db: TestDb) {
    let (store, _) = db.open();
    assert!(store.outbox().await.unwrap().is_empty());
    store
        .commit(vec![
            email("carol@example.com", 10),
            email("carol@home.example", 20),
        ])
        .await
        .unwrap();
    drop(store);

    let (store, _) = db.open();
    let outbox = store.outbox().await.unwrap();
    assert_eq!(
        outbox,
        vec![
            OutboxEmail {
                id: outbox[0].id,
                rep: "carol".to_owned(),
                to: "carol@example.com".to_owned(),
                subject: "You are invited to a session".to_owned(),
                body: "Alice invites you to session 1.".to_owned(),
                created_at: 10,
            },
            OutboxEmail {
                id: outbox[1].id,
                rep: "carol".to_owned(),
                to: "carol@home.example".to_owned(),
                subject: "You are invited to a session".to_owned(),
                body: "Alice invites you to session 1.".to_owned(),
                created_at: 20,
            },
        ]
    );
    assert!(outbox[0].id < outbox[1].id);

    assert!(store.mark_email_sent(outbox[0].id, 30).await.unwrap());
    assert!(!store.mark_email_sent(outbox[0].id, 40).await.unwrap());
    let left = store.outbox().await.unwrap();
    assert_eq!(left, vec![outbox[1].clone()]);
}
