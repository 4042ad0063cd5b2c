//! Races (issue 15), each with many concurrent requests on a real node (SQLite, or PostgreSQL
//! with `CATS_TEST_DATABASE_URL`): concurrent lodgings of one LRN give one movement; concurrent
//! officer actions on one movement apply once, the others get `409`. (Concurrent releases on one
//! guarantee never overdraw it: `concurrency.rs`.)

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{corridor, start};

const RACERS: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_lodgings_of_one_lrn_give_one_movement() {
    let node = start().await;
    let mut tasks = Vec::new();
    for _ in 0..RACERS {
        let (client, url, token) = (
            node.client.clone(),
            format!("{}/movements/departures", node.base),
            node.token("silkway").to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .header("Content-Type", "application/xml")
                .body(corridor("RACE-LRN-1"))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            (
                status,
                body["state"].as_str().unwrap_or_default().to_string(),
            )
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        let (status, state) = t.await.unwrap();
        assert!(status.is_success() || status.is_client_error(), "{status}");
        if state == "Accepted" {
            accepted += 1;
        }
    }
    let (_, list) = node
        .get(
            "silkway",
            "/movements/departures?localReferenceNumber=RACE-LRN-1",
        )
        .await;
    let live: Vec<&Value> = list["movements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["state"] != "Rejected")
        .collect();
    assert_eq!((accepted, live.len()), (1, 1), "{list}");
    println!("races: {RACERS} concurrent lodgings of one LRN, 1 movement");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_officer_actions_on_one_movement_apply_once() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("RACE-ACT-1")).await;
    let mut tasks = Vec::new();
    for _ in 0..RACERS {
        let (client, url, token) = (
            node.client.clone(),
            format!("{}/movements/departures/{id}/customs/release", node.base),
            node.token("officer.kz").to_string(),
        );
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"office": "KZHOR001"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, conflict), (1, RACERS - 1), "{statuses:?}");
    // One release in the history, one reservation on the guarantee.
    let (_, history) = node
        .get(
            "officer.kz",
            &format!("/movements/departures/{id}/messages"),
        )
        .await;
    let releases = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["messageType"] == "CC029C")
        .count();
    assert_eq!(releases, 1, "{history}");
    let grn = cats_domain::ids::Grn::parse("25KZ0000SRI000010").unwrap();
    let reservations = node.app.store().reservations(&grn).await.unwrap();
    assert_eq!(
        reservations
            .iter()
            .filter(|r| r.movement_id.to_string() == id)
            .count(),
        1
    );
    println!(
        "races: {RACERS} concurrent releases of one movement, 1 applied, {conflict} answered 409"
    );
}
