//! End to end over real sockets: the email to an offline rep with extended availability
//! leaves the outbox through the SMTP sender of the `[mail]` section, here a local SMTP
//! sink run by the test; retried while the sink refuses; kept in the outbox without
//! `[mail]`.

#![allow(clippy::unwrap_used)]

mod common;

use common::smtp_sink::SmtpSink;
use common::*;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::*;
use switchboard_server::config::Config;

// ---- helpers ----

/// The test configuration with a `[mail]` section sending to `sink` (short retry waits).
fn config_with_mail(sink: &SmtpSink) -> Arc<Config> {
    let text = format!(
        "{TEST_CONFIG}
[mail]
smtp_host = \"127.0.0.1\"
smtp_port = {port}
tls = \"none\"
from = \"Switchboard <switchboard@example.com>\"
retry_first_secs = 1
retry_max_secs = 2
",
        port = sink.addr.port()
    );
    Arc::new(Config::from_toml(&text).unwrap())
}

/// Alice invites dave (offline, extended availability) to `session_id`.
async fn invite_dave(alice: &mut RepClient, session_id: SessionId) -> InvitationId {
    alice
        .invite(session_id, InviteTarget::Rep { rep: "dave".into() })
        .await
}

/// Alice takes a customer called `customer_name` who picked her, and invites dave.
async fn alice_invites_offline_dave(
    server: &TestServer,
    customer_name: &str,
) -> (RepClient, CustomerClient, InvitationId) {
    let mut alice = server.rep("alice").await;
    let customer = server
        .customer(
            customer_name,
            Route::Rep {
                rep: "alice".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    session_entry_in(&mut alice, &personal("alice"), session_id, |_| true).await;
    alice.ok(RepRequest::Accept { session_id }).await;
    joined(&mut alice, session_id).await;
    let invitation = invite_dave(&mut alice, session_id).await;
    (alice, customer, invitation)
}

/// One outbox row as the database has it: recipient, and when it was marked sent.
type OutboxRow = (String, Option<i64>);

/// The outbox table, oldest first, read straight from the database file (the store's API
/// lists only unsent emails; this shows `sent_at`).
fn outbox_rows(server: &TestServer) -> Vec<OutboxRow> {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let mut stmt = conn
        .prepare("SELECT to_addr, sent_at FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Polls the outbox table until `done` holds (with the deadline).
async fn until_outbox(
    server: &TestServer,
    what: &str,
    done: impl Fn(&[OutboxRow]) -> bool,
) -> Vec<OutboxRow> {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let rows = outbox_rows(server);
        if done(&rows) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox never got {what}: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn all_sent(rows: &[OutboxRow]) -> bool {
    rows.iter().all(|(_, sent_at)| sent_at.is_some())
}

// ---- tests ----

/// An offline rep with extended availability who is invited gets exactly one email over
/// SMTP, from the configured sender, naming the customer and who invited; the outbox row
/// is then marked sent.
#[tokio::test]
async fn invitation_email_goes_out_over_smtp_and_is_marked_sent() {
    let sink = SmtpSink::start().await;
    let server = TestServer::start_with(config_with_mail(&sink)).await;
    let (_alice, _customer, _) = alice_invites_offline_dave(&server, "Rex Quill").await;

    sink.wait_until("an email", |log| !log.delivered.is_empty())
        .await;
    let rows = until_outbox(&server, "its email marked sent", all_sent).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "dave@example.com");

    let log = sink.log();
    assert_eq!(log.delivered.len(), 1, "exactly one email: {log:?}");
    assert_eq!(log.refused, 0);
    let mail = &log.delivered[0];
    assert_eq!(mail.mail_from, "switchboard@example.com");
    assert_eq!(mail.rcpt_to, ["dave@example.com"]);
    assert_eq!(
        mail.header("From").as_deref(),
        Some("Switchboard <switchboard@example.com>")
    );
    assert_eq!(mail.header("To").as_deref(), Some("dave@example.com"));
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Alice invites you to a support session")
    );
    let body = mail.body();
    assert!(
        body.starts_with("Alice invites you to join session") && body.contains("with Rex Quill."),
        "{body:?}"
    );
    assert!(mail.header("Message-ID").is_some());
}

/// While the SMTP server answers 451 (try later) the email stays unsent and is tried
/// again; once the server takes it, it is delivered exactly once and marked sent; a later
/// email then goes straight out.
#[tokio::test]
async fn refused_email_is_retried_until_the_server_takes_it() {
    let sink = SmtpSink::start().await;
    sink.refuse_recipients(true);
    let server = TestServer::start_with(config_with_mail(&sink)).await;
    let (mut alice, customer, invitation_id) =
        alice_invites_offline_dave(&server, "Rex Quill").await;

    sink.wait_until("a retry after a refusal", |log| log.refused >= 2)
        .await;
    assert!(sink.log().delivered.is_empty());
    let unsent = server
        .server
        .as_ref()
        .unwrap()
        .store
        .outbox()
        .await
        .unwrap();
    assert_eq!(unsent.len(), 1, "still in the outbox: {unsent:?}");
    assert_eq!(unsent[0].to, "dave@example.com");

    sink.refuse_recipients(false);
    sink.wait_until("the email after the retries", |log| {
        !log.delivered.is_empty()
    })
    .await;
    until_outbox(&server, "its email marked sent", all_sent).await;
    assert_eq!(sink.log().delivered.len(), 1, "delivered once");

    // A second invitation email: the worker has moved on (no backoff left over) and the
    // first email, marked sent, is not sent again.
    alice
        .ok(RepRequest::CancelInvitation { invitation_id })
        .await;
    invite_dave(&mut alice, customer.session_id).await;
    let log = sink
        .wait_until("the second email", |log| log.delivered.len() >= 2)
        .await;
    let rows = until_outbox(&server, "both emails marked sent", |rows| {
        rows.len() == 2 && all_sent(rows)
    })
    .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(sink.log().delivered.len(), 2, "{log:?}");
    assert!(
        log.delivered
            .iter()
            .all(|mail| mail.rcpt_to == ["dave@example.com"])
    );
    assert_ne!(
        log.delivered[0].header("Message-ID"),
        log.delivered[1].header("Message-ID"),
        "two emails, not one sent twice"
    );
}

/// Without a `[mail]` section nothing sends the email: the outbox keeps the row, unsent,
/// across a restart.
#[tokio::test]
async fn without_mail_config_the_email_stays_in_the_outbox() {
    let mut server = TestServer::start().await;
    assert_eq!(test_config().mail, None);
    let (alice, customer, _) = alice_invites_offline_dave(&server, "Rex Quill").await;
    let unsent = vec![("dave@example.com".to_owned(), None)];
    assert_eq!(outbox_rows(&server), unsent);

    drop((alice, customer));
    // Shutting down waits for every task of the first server: whatever it would have done
    // with the email is done.
    server.restart().await;
    assert_eq!(outbox_rows(&server), unsent);
    let outbox = server
        .server
        .as_ref()
        .unwrap()
        .store
        .outbox()
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
}
