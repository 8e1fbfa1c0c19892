//! `GET /metrics` end to end: a real server with a `[metrics] token`, scraped over HTTP.
//! Every line parses as the Prometheus text format (HELP and TYPE before each family), the
//! figures move as a customer arrives, chats and is accepted; a missing or wrong token is
//! 401, and a server without a token has no such page (404).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{RepRequest, Route};
use switchboard_server::config::Config;

const TOKEN: &str = "metrics-token-for-the-tests-0123456789";

async fn server_with_token() -> TestServer {
    let text = format!("{TEST_CONFIG}\n[metrics]\ntoken = \"{TOKEN}\"\n");
    TestServer::start_with(Arc::new(Config::from_toml(&text).unwrap())).await
}

async fn get(server: &TestServer, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(server.http("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Parses the exposition: every sample line is `name{labels} value` or `name value`, every
/// family has HELP and TYPE before its samples. Returns "name{labels}" → value.
fn parse(text: &str) -> BTreeMap<String, f64> {
    let mut helped = BTreeSet::new();
    let mut typed = BTreeMap::new();
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap();
            assert!(!help.is_empty(), "{line}");
            helped.insert(name.to_owned());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        assert!(!line.starts_with('#'), "an unknown comment: {line}");
        let (series, value) = line.rsplit_once(' ').unwrap();
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a value: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "a name: {line}"
        );
        if let Some(labels) = series.strip_prefix(name)
            && !labels.is_empty()
        {
            assert!(labels.starts_with('{') && labels.ends_with('}'), "{line}");
            for pair in labels[1..labels.len() - 1].split(',') {
                let (key, quoted) = pair.split_once('=').unwrap();
                assert!(!key.is_empty(), "{line}");
                assert!(quoted.starts_with('"') && quoted.ends_with('"'), "{line}");
            }
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                name.strip_suffix(suffix)
                    .filter(|base| typed.get(*base).is_some_and(|k| k == "histogram"))
            })
            .unwrap_or(name);
        assert!(helped.contains(family), "no HELP before {line}");
        assert!(typed.contains_key(family), "no TYPE before {line}");
        samples.insert(series.to_owned(), value);
    }
    samples
}

async fn scrape(server: &TestServer) -> BTreeMap<String, f64> {
    let (status, text) = get(server, Some(TOKEN)).await;
    assert_eq!(status, 200, "{text}");
    parse(&text)
}

/// Scrapes until `done` holds (the gauges follow the core's 100 ms tick), within the deadline.
async fn scrape_until(
    server: &TestServer,
    what: &str,
    done: impl Fn(&BTreeMap<String, f64>) -> bool,
) -> BTreeMap<String, f64> {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let samples = scrape(server).await;
        if done(&samples) {
            return samples;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {samples:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn value(samples: &BTreeMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("{series} in {samples:?}"))
}

#[tokio::test]
async fn figures_move_as_a_customer_arrives_and_is_accepted() {
    let server = server_with_token().await;
    let before = scrape(&server).await;
    assert_eq!(value(&before, "switchboard_accepts_total"), 0.0);
    assert_eq!(
        value(&before, "switchboard_waiting{queue=\"billing\"}"),
        0.0
    );
    assert_eq!(value(&before, "switchboard_wait_seconds_count"), 0.0);
    assert_eq!(value(&before, "switchboard_media_streams"), 0.0);

    let mut alice = server.rep("alice").await;
    let mut customer = server
        .customer(
            "Metered",
            Route::Team {
                team: "billing".into(),
            },
        )
        .await;
    let waiting = scrape_until(&server, "a waiting customer and a rep", |s| {
        s.get("switchboard_waiting{queue=\"billing\"}") == Some(&1.0)
            && s.get("switchboard_connections{kind=\"rep\"}") == Some(&1.0)
            && s.get("switchboard_connections{kind=\"customer\"}") == Some(&1.0)
    })
    .await;
    assert_eq!(
        value(&waiting, "switchboard_connections{kind=\"jump\"}"),
        0.0
    );

    let session_id = customer.session_id;
    alice.ok(RepRequest::Accept { session_id }).await;
    customer.say("hello from the metered customer").await;
    // Counters move with the commit, before the reply: no waiting needed.
    let after = scrape(&server).await;
    assert_eq!(value(&after, "switchboard_accepts_total"), 1.0);
    assert_eq!(value(&after, "switchboard_wait_seconds_count"), 1.0);
    assert_eq!(
        value(&after, "switchboard_wait_seconds_bucket{le=\"+Inf\"}"),
        1.0
    );
    assert!(value(&after, "switchboard_messages_total") >= 1.0);
    assert!(
        value(&after, "switchboard_commit_seconds_count")
            > value(&before, "switchboard_commit_seconds_count")
    );
    assert_eq!(value(&after, "switchboard_abandons_total"), 0.0);
    scrape_until(&server, "the queue empty again", |s| {
        s.get("switchboard_waiting{queue=\"billing\"}") == Some(&0.0)
    })
    .await;

    // A customer who gives up while waiting is an abandon.
    let mut quitter = server
        .customer(
            "Quitter",
            Route::Team {
                team: "tech".into(),
            },
        )
        .await;
    quitter
        .send(switchboard_protocol::CustomerRequest::Leave)
        .await;
    scrape_until(&server, "an abandon", |s| {
        s.get("switchboard_abandons_total") == Some(&1.0)
    })
    .await;
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401() {
    let server = server_with_token().await;
    let (status, body) = get(&server, None).await;
    assert_eq!(status, 401);
    assert!(!body.contains("switchboard_"), "{body}");
    let (status, _) = get(&server, Some("metrics-token-for-the-tests-0123456780")).await;
    assert_eq!(status, 401);
    let (status, _) = get(&server, Some(TOKEN)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn without_a_token_configured_there_is_no_metrics_page() {
    let server = TestServer::start().await;
    let (status, body) = get(&server, Some(TOKEN)).await;
    assert_eq!(status, 404);
    assert!(!body.contains("switchboard_"), "{body}");
}
