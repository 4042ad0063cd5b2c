//! The guarantee ledger under concurrency: never overdrawn, each reservation closed exactly once.

use futures_free::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{caspian, start, TestNode};

mod futures_free {
    /// Await every future concurrently (tokio tasks), in order.
    pub async fn join_all<T: Send + 'static>(futs: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
        let mut out = Vec::new();
        for f in futs {
            out.push(f.await.expect("task"));
        }
        out
    }
}

/// Release every movement of `ids` at once (one task each); the status and state of each answer.
async fn race_releases(node: &TestNode, ids: &[String]) -> Vec<(StatusCode, String)> {
    let tasks = ids
        .iter()
        .map(|id| {
            let client = node.client.clone();
            let url = format!("{}/movements/departures/{id}/customs/release", node.base);
            let token = node.token("officer.kz").to_string();
            tokio::spawn(async move {
                let res = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"office": "KZHOR001"}))
                    .send()
                    .await
                    .expect("request");
                let status = res.status();
                let body: serde_json::Value = res.json().await.expect("json");
                (
                    status,
                    body["state"].as_str().unwrap_or_default().to_string(),
                )
            })
        })
        .collect();
    join_all(tasks).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_releases_never_overdraw_a_contract_approved_through_the_api() {
    let node = start().await;
    // Steppe insures Caspian for 100,000.00 USD; customs approve; Caspian sets its code.
    let contract = node
        .submit_contract(node.token("steppe"), "AZ1402345678", "100000.00", 365)
        .await;
    let grn = node.approve_contract(&contract).await;
    let (status, _) = node
        .post(
            "caspian",
            &format!("/contracts/{contract}/access-code"),
            json!({ "accessCode": "9999" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut ids = Vec::new();
    for i in 0..24 {
        let xml = caspian(&format!("API-RACE-{i}"), "10000.00")
            .replace("25KZ0000SRI000020", &grn)
            .replace(
                "<accessCode>2222</accessCode>",
                "<accessCode>9999</accessCode>",
            );
        ids.push(node.lodge_ok("caspian", &xml).await);
    }
    let results = race_releases(&node, &ids).await;
    assert!(
        results.iter().all(|(s, _)| *s == StatusCode::OK),
        "{results:?}"
    );
    let released = results
        .iter()
        .filter(|(_, s)| s == "ReleasedForTransit")
        .count();
    let refused = results
        .iter()
        .filter(|(_, s)| s == "GuaranteeNotValid")
        .count();
    assert_eq!((released, refused), (10, 14), "{results:?}");
    let c = node.contract(node.token("steppe"), &contract).await;
    assert_eq!(
        (c["runningTotal"].as_str(), c["available"].as_str()),
        (Some("100000.00"), Some("0.00"))
    );
    let reserved = c["usage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "reserved")
        .count();
    assert_eq!(reserved, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_releases_never_overdraw_the_guarantee() {
    let node = start().await;
    // 24 movements of 10,000.00 USD each on Caspian's 100,000.00 USD guarantee: each fits alone.
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(
            node.lodge_ok("caspian", &caspian(&format!("RACE-{i}"), "10000.00"))
                .await,
        );
    }
    let results = race_releases(&node, &ids).await;
    assert!(
        results.iter().all(|(s, _)| *s == StatusCode::OK),
        "{results:?}"
    );
    let released = results
        .iter()
        .filter(|(_, s)| s == "ReleasedForTransit")
        .count();
    let refused = results
        .iter()
        .filter(|(_, s)| s == "GuaranteeNotValid")
        .count();
    assert_eq!(released, 10, "{results:?}");
    assert_eq!(refused, 14);
    let (_, g) = node.get("caspian", "/guarantees/25KZ0000SRI000020").await;
    assert_eq!(g["exposure"], "100000.00");
    assert_eq!(g["balance"], "0.00");
    let reserved = g["usage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "reserved")
        .count();
    assert_eq!(reserved, 10);

    // Write off one movement with two racing goods releases: credited exactly once.
    let winner = ids
        .iter()
        .zip(&results)
        .find(|(_, (_, s))| s == "ReleasedForTransit")
        .map(|(id, _)| id.clone())
        .unwrap();
    node.customs_ok("officer.ge", &winner, "arrival", "GEPTI001")
        .await;
    let tasks = (0..2)
        .map(|_| {
            let client = node.client.clone();
            let url = format!(
                "{}/movements/departures/{winner}/customs/goods-release",
                node.base
            );
            let token = node.token("officer.ge").to_string();
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"office": "GEPTI001"}))
                    .send()
                    .await
                    .expect("request")
                    .status()
            })
        })
        .collect();
    let statuses = join_all(tasks).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        1,
        "{statuses:?}"
    );
    let (_, g) = node.get("caspian", "/guarantees/25KZ0000SRI000020").await;
    assert_eq!(g["exposure"], "90000.00");
    let credited = g["usage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "credited")
        .count();
    assert_eq!(credited, 1);
}

#[tokio::test]
async fn an_amount_above_the_available_amount_is_guarantee_not_valid() {
    let node = start().await;
    let (status, body) = node
        .lodge_xml("caspian", &caspian("TOO-BIG", "150000.00"))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "GuaranteeNotValid");
    let id = body["id"].as_str().unwrap();
    assert!(node
        .message_types("caspian", id)
        .await
        .contains(&"CC055C".to_string()));
    let (status, _) = node
        .customs("officer.kz", id, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
