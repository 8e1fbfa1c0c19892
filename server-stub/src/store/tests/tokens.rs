//! Rep login tokens: put, lookup, expiry, delete and purge.

use super::TestDb;

on_both_engines!(
    #[tokio::test]
    tokens_put_lookup_expire_delete,
    purge_deletes_only_expired_tokens,
);

/// A token is found until its expiry (exclusive), survives a reopen, and can be replaced
/// and deleted.
async fn tokens_put_lookup_expire_delete(db: TestDb) {
    let (store, _) = db.open();
    store
        .put_token("h1".to_owned(), "alice".to_owned(), 1_000, 100)
        .await
        .unwrap();
    assert_eq!(
        store
            .token_rep("h1".to_owned(), 999)
            .await
            .unwrap()
            .as_deref(),
        Some("alice")
    );
    assert_eq!(store.token_rep("h1".to_owned(), 1_000).await.unwrap(), None);
    assert_eq!(store.token_rep("nope".to_owned(), 0).await.unwrap(), None);
    drop(store);

    let (store, _) = db.open();
    assert_eq!(
        store
            .token_rep("h1".to_owned(), 500)
            .await
            .unwrap()
            .as_deref(),
        Some("alice")
    );
    store
        .put_token("h1".to_owned(), "bob".to_owned(), 5_000, 600)
        .await
        .unwrap();
    assert_eq!(
        store
            .token_rep("h1".to_owned(), 2_000)
            .await
            .unwrap()
            .as_deref(),
        Some("bob")
    );
    assert!(
        store.delete_token("h1".to_owned(), 0).await.unwrap(),
        "was live"
    );
    assert!(
        !store.delete_token("h1".to_owned(), 0).await.unwrap(),
        "gone"
    );
    assert_eq!(store.token_rep("h1".to_owned(), 0).await.unwrap(), None);
}

/// Purging deletes exactly the tokens expired at `now` and reports how many.
async fn purge_deletes_only_expired_tokens(db: TestDb) {
    let (store, _) = db.open();
    for (hash, expires_at) in [("a", 100), ("b", 200), ("c", 300)] {
        store
            .put_token(hash.to_owned(), "alice".to_owned(), expires_at, 0)
            .await
            .unwrap();
    }
    assert_eq!(store.purge_expired_tokens(200).await.unwrap(), 2);
    assert_eq!(store.purge_expired_tokens(200).await.unwrap(), 0);
    assert_eq!(
        store
            .token_rep("c".to_owned(), 250)
            .await
            .unwrap()
            .as_deref(),
        Some("alice")
    );
    assert_eq!(store.token_rep("b".to_owned(), 0).await.unwrap(), None);
}
