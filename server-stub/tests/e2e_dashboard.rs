//! The team lead's dashboard over the real socket: carol (lead of tech in the test
//! configuration) gets it in her snapshot, then `dashboard_changed` deltas as a customer
//! arrives in tech and alice accepts (each awaited with the deadline); alice, a plain rep,
//! gets no dashboard and no such event.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use switchboard_protocol::{DashboardDelta, RepEvent, RepRequest, Route};

async fn delta_where(
    lead: &mut RepClient,
    what: &str,
    pred: impl Fn(&DashboardDelta) -> bool,
) -> DashboardDelta {
    lead.event(what, |e| match e {
        RepEvent::DashboardChanged { delta } if pred(delta) => Some(delta.clone()),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn a_lead_follows_a_customer_from_arrival_to_accept() {
    let server = TestServer::start().await;
    let mut carol = server.rep("carol").await;
    let dashboard = carol
        .snapshot
        .as_ref()
        .and_then(|s| s.dashboard.as_ref())
        .expect("a lead's snapshot has the dashboard");
    let teams: Vec<&str> = dashboard.teams.iter().map(|t| t.team.as_str()).collect();
    assert_eq!(teams, ["tech"]);
    assert_eq!(dashboard.step_ms, 10_000);
    assert!(dashboard.reps.iter().any(|r| r.rep.as_str() == "alice"));
    assert_eq!(dashboard.teams[0].waiting, 0);

    let mut alice = server.rep("alice").await;
    assert!(
        alice.snapshot.as_ref().unwrap().dashboard.is_none(),
        "a plain rep has no dashboard"
    );
    let customer = server
        .customer(
            "Watched",
            Route::Team {
                team: "tech".into(),
            },
        )
        .await;
    let session_id = customer.session_id;
    let arrived = delta_where(&mut carol, "tech waiting 1", |d| {
        d.teams
            .iter()
            .any(|t| t.team.as_str() == "tech" && t.waiting == 1)
    })
    .await;
    let tech = arrived
        .teams
        .iter()
        .find(|t| t.team.as_str() == "tech")
        .unwrap();
    assert!(tech.oldest_waiting_since.is_some());

    alice.ok(RepRequest::Accept { session_id }).await;
    // The session row and the team's figures may come in one delta or in two rounds.
    let (mut live, mut tech) = (None, None);
    while live.is_none() || tech.is_none() {
        let delta = delta_where(&mut carol, "the session in progress", |_| true).await;
        if let Some(row) = delta.sessions.iter().find(|s| s.session_id == session_id) {
            live = Some(row.clone());
        }
        if let Some(row) = delta
            .teams
            .iter()
            .find(|t| t.team.as_str() == "tech" && t.accepted_last_hour == 1)
        {
            tech = Some(row.clone());
        }
    }
    let (live, tech) = (live.unwrap(), tech.unwrap());
    assert_eq!(live.owner.as_ref().map(|r| r.as_str()), Some("alice"));
    assert_eq!(live.customer, "Watched");
    assert_eq!((tech.waiting, tech.in_progress), (0, 1));

    // Everything alice was sent up to now is queued after a round trip: no dashboard.
    alice.sync().await;
    assert!(!alice.has_queued(|e| matches!(e, RepEvent::DashboardChanged { .. })));
}
