//! The lease's tests: the guard's arithmetic without a clock, then acquire, renew, expiry,
//! takeover and release against a real PostgreSQL (the test kit's private cluster), with
//! short TTLs and every wait bounded by a deadline.

use super::*;
use switchboard_testkit::DEADLINE;
use switchboard_testkit::postgres::fresh_database;
use switchboard_testkit::tcp_cut::TcpCut;

const MS: Duration = Duration::from_millis(1);

fn timing(ttl_ms: u64, renew_ms: u64) -> LeaseTiming {
    LeaseTiming {
        ttl: Duration::from_millis(ttl_ms),
        renew_every: Duration::from_millis(renew_ms),
        acquire_every: Duration::from_millis(20),
        guard_margin: Duration::from_millis(ttl_ms / 5),
    }
}

#[test]
fn a_new_guard_is_not_held() {
    let base = Instant::now();
    let guard = LeaseGuard::new(base, LeaseTiming::default());
    assert!(!guard.held_at(base));
    assert!(!guard.held_at(base + Duration::from_secs(100)));
}

#[test]
fn a_renew_holds_until_ttl_minus_margin_after_it_was_sent() {
    let base = Instant::now();
    let guard = LeaseGuard::new(base, LeaseTiming::default());
    let sent = base + Duration::from_secs(7);
    guard.extend(sent);
    // 3 s TTL - 500 ms margin = 2.5 s after the renew was sent.
    assert!(guard.held_at(sent));
    assert!(guard.held_at(sent + 2_499 * MS));
    assert!(!guard.held_at(sent + 2_500 * MS));
    assert!(!guard.held_at(sent + Duration::from_secs(60)));
}

#[test]
fn a_late_answer_never_shortens_the_guard_and_revoke_ends_it() {
    let base = Instant::now();
    let guard = LeaseGuard::new(base, LeaseTiming::default());
    let later = base + Duration::from_secs(10);
    guard.extend(later);
    guard.extend(base + Duration::from_secs(1));
    assert!(guard.held_at(later + Duration::from_secs(2)));
    let clone = guard.clone();
    clone.revoke();
    assert!(!guard.held_at(later), "the core's clone sees the revoke");
}

#[test]
fn a_renew_sent_at_the_base_instant_still_holds() {
    let base = Instant::now();
    let guard = LeaseGuard::new(base, LeaseTiming::default());
    guard.extend(base);
    assert!(guard.held_at(base + Duration::from_secs(1)));
}

async fn next_event(handle: &mut LeaseHandle, what: &str) -> LeaseEvent {
    tokio::time::timeout(DEADLINE, handle.events.recv())
        .await
        .unwrap_or_else(|_| panic!("timed out after {DEADLINE:?} waiting for {what}"))
        .unwrap_or_else(|| panic!("the lease thread ended before {what}"))
}

async fn acquired(handle: &mut LeaseHandle) -> i64 {
    match next_event(handle, "the lease").await {
        LeaseEvent::Acquired { token } => token,
        other => panic!("expected Acquired, got {other:?}"),
    }
}

#[tokio::test]
async fn the_second_waits_while_the_first_renews_and_takes_over_once_it_stops() {
    let Some(db) = fresh_database() else { return };
    let timing = timing(600, 100);
    let mut first = spawn(&db.url, "first", timing).unwrap();
    let first_token = acquired(&mut first).await;
    assert!(first.guard.held_now());

    let mut second = spawn(&db.url, "second", timing).unwrap();
    match next_event(&mut second, "the standby's report").await {
        LeaseEvent::Standby { holder } => assert_eq!(holder, "first"),
        other => panic!("expected Standby, got {other:?}"),
    }
    // Three TTLs pass: the first keeps renewing, so the second never gets it.
    let waited = tokio::time::timeout(timing.ttl * 3, second.events.recv()).await;
    assert!(
        waited.is_err(),
        "the standby took a renewed lease: {waited:?}"
    );
    assert!(first.guard.held_now());

    // The first stops renewing (as a crashed server would): after the TTL, the second
    // takes it with the next token, and by then the first's own guard has ended.
    let first_guard = first.guard.clone();
    let abandoned = Instant::now();
    first.abandon();
    let second_token = acquired(&mut second).await;
    assert_eq!(second_token, first_token + 1);
    assert!(
        abandoned.elapsed() >= timing.ttl - timing.renew_every,
        "taken over after {:?}, before the lease could expire",
        abandoned.elapsed()
    );
    assert!(
        !first_guard.held_now(),
        "the old holder's guard must end before anyone else can take the lease"
    );
    assert!(second.guard.held_now());
    second.stop().await;
}

#[tokio::test]
async fn a_holder_that_renews_too_late_is_told_it_lost_the_lease() {
    let Some(db) = fresh_database() else { return };
    // It renews every 1.5 s a lease of 300 ms: the other takes it in between.
    let mut slow = spawn(&db.url, "slow", timing(300, 1_500)).unwrap();
    acquired(&mut slow).await;
    let mut quick = spawn(&db.url, "quick", timing(3_000, 1_000)).unwrap();
    // Either it reports a standby first or takes the lease at once (it may already be out).
    let mut token = None;
    while token.is_none() {
        match next_event(&mut quick, "the takeover").await {
            LeaseEvent::Standby { .. } => {}
            LeaseEvent::Acquired { token: t } => token = Some(t),
            other => panic!("unexpected {other:?}"),
        }
    }
    match next_event(&mut slow, "the loss").await {
        LeaseEvent::Lost { reason } => assert!(reason.contains("lost the lease"), "{reason}"),
        other => panic!("expected Lost, got {other:?}"),
    }
    assert!(!slow.guard.held_now(), "a lost lease revokes the guard");
    assert!(quick.guard.held_now());
    quick.stop().await;
}

#[tokio::test]
async fn a_clean_stop_hands_the_lease_on_without_waiting_the_ttl() {
    let Some(db) = fresh_database() else { return };
    // A TTL far longer than the deadline: only a release lets the second in in time.
    let long = timing(60_000, 1_000);
    let mut first = spawn(&db.url, "first", long).unwrap();
    acquired(&mut first).await;
    let mut second = spawn(&db.url, "second", long).unwrap();
    assert!(matches!(
        next_event(&mut second, "the standby's report").await,
        LeaseEvent::Standby { .. }
    ));
    first.stop().await;
    acquired(&mut second).await;
    second.stop().await;
}

#[tokio::test]
async fn an_unreachable_database_is_reported_at_once() {
    // A port nothing listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://nobody@127.0.0.1:{port}/none");
    let mut handle = spawn(&url, "lonely", LeaseTiming::default()).unwrap();
    match next_event(&mut handle, "the failure").await {
        LeaseEvent::Failed(error) => assert!(error.to_string().contains("PostgreSQL")),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(!handle.guard.held_now());
}

/// A blackholed network (a pulled cable, a hung database host whose kernel still ACKs)
/// leaves a renew waiting for an answer forever: the guard runs out all the same, `lost`
/// says so, and stopping the thread is bounded instead of joining it.
#[tokio::test]
async fn a_blackholed_holder_loses_the_lease_and_stopping_it_is_bounded() {
    let Some(db) = fresh_database() else { return };
    let (cut, through) = TcpCut::in_front_of(&db.url);
    let mut holder = spawn(&through, "cut off", timing(600, 100)).unwrap();
    acquired(&mut holder).await;
    cut.blackhole();
    let reason = tokio::time::timeout(DEADLINE, holder.lost())
        .await
        .expect("the loss noticed before the deadline");
    assert!(reason.contains("lost the lease"), "{reason}");
    let ended = tokio::time::timeout(DEADLINE, holder.stop_within(100 * MS))
        .await
        .expect("stopping is bounded");
    assert!(
        !ended,
        "the thread ended, though its renew waits in the blackhole"
    );
}

/// A standby whose connection is reset (a database restart, a firewall's RSTs) reconnects
/// once the database is reachable again, and takes the lease when the holder lets it go.
#[tokio::test]
async fn a_standby_whose_connection_was_reset_reconnects_and_takes_over() {
    let Some(db) = fresh_database() else { return };
    let (cut, through) = TcpCut::in_front_of(&db.url);
    let timing = timing(600, 100);
    let mut holder = spawn(&db.url, "holder", timing).unwrap();
    let holder_token = acquired(&mut holder).await;
    let mut standby = spawn(&through, "standby", timing).unwrap();
    assert!(matches!(
        next_event(&mut standby, "the standby's report").await,
        LeaseEvent::Standby { .. }
    ));
    cut.reset();
    assert!(holder.stop().await, "the holder released the lease");
    // Cut off, it cannot take the free lease (three TTLs pass without it).
    let waited = tokio::time::timeout(timing.ttl * 3, standby.events.recv()).await;
    assert!(waited.is_err(), "took the lease while cut off: {waited:?}");
    cut.restore();
    assert_eq!(acquired(&mut standby).await, holder_token + 1);
    assert!(standby.stop().await);
}

#[test]
fn the_table_is_made_once_however_many_servers_start_together() {
    let Some(db) = fresh_database() else { return };
    let starts: Vec<_> = (0..4)
        .map(|i| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                LeaseConnection::connect(&url, &format!("server {i}"), LEASE_TTL).map(|_| ())
            })
        })
        .collect();
    for start in starts {
        start.join().unwrap().unwrap();
    }
    let mut one = LeaseConnection::connect(&db.url, "one", LEASE_TTL).unwrap();
    let mut two = LeaseConnection::connect(&db.url, "two", LEASE_TTL).unwrap();
    assert_eq!(
        one.try_acquire().unwrap(),
        Some(1),
        "the row starts expired"
    );
    assert_eq!(two.try_acquire().unwrap(), None);
    assert!(one.renew().unwrap());
    assert!(!two.renew().unwrap(), "renewing a lease it never took");
    one.release().unwrap();
    assert_eq!(two.try_acquire().unwrap(), Some(2));
    assert_eq!(two.holder().unwrap(), "two");
}
