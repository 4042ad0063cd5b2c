//! Whole movements through the API: every office on the route to write-off, and the other endings.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use cats_app::{act, Actor};
use cats_domain::movement::Action;

use crate::common::{corridor, start};

#[tokio::test]
async fn departure_to_write_off_through_every_office() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("LIFE-1")).await;
    let m = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    assert_eq!(m["state"], "ReleasedForTransit");
    assert!(m["timeLimit"].is_string());
    let (_, g) = node.get("silkway", "/guarantees/25KZ0000SRI000010").await;
    assert_eq!(g["exposure"], "25000.00");
    assert_eq!(g["balance"], "975000.00");
    node.customs_ok("officer.kz", &id, "exit", "KZAAU001").await;
    node.customs_ok("officer.az", &id, "entry", "AZALA001")
        .await;
    let (status, body) = node
        .customs(
            "officer.az",
            &id,
            "control-result",
            json!({"office": "AZALA001", "result": "A1", "controlType": "scanning"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    node.customs_ok("officer.az", &id, "exit", "AZQAZ001").await;
    node.customs_ok("officer.ge", &id, "entry", "GERBR001")
        .await;
    let m = node
        .customs_ok("officer.ge", &id, "arrival", "GEPTI001")
        .await;
    assert_eq!(m["state"], "Arrived");
    assert_eq!(m["passages"].as_array().unwrap().len(), 4);
    let m = node
        .customs_ok("officer.ge", &id, "goods-release", "GEPTI001")
        .await;
    assert_eq!(m["state"], "WrittenOff");
    let (_, g) = node.get("silkway", "/guarantees/25KZ0000SRI000010").await;
    assert_eq!(g["exposure"], "0.00", "credited back at write-off");
    assert_eq!(g["usage"][0]["status"], "credited");
    let types = node.message_types("silkway", &id).await;
    for t in [
        "CC015C",
        "CC928C",
        "CC028C",
        "release",
        "CC029C",
        "exit",
        "entry",
        "control_result",
        "arrival",
        "goods_release",
        "CC025C",
        "CC045C",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} missing from {types:?}");
    }
    // The release for transit, as XML.
    let (_, list) = node
        .get("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    let href = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageType"] == "CC028C")
        .unwrap()["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let res = node
        .client
        .get(format!("{}{href}", node.base))
        .bearer_auth(node.token("silkway"))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let xml = res.text().await.unwrap();
    assert!(
        xml.contains("<ncts:CC028C") && xml.contains("<MRN>"),
        "{xml}"
    );
    // Nothing more can happen to a written-off movement.
    let (status, _) = node
        .customs(
            "officer.ge",
            &id,
            "goods-release",
            json!({"office": "GEPTI001"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn control_at_departure_b1_means_not_released() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("B1-DEP")).await;
    let (status, m) = node
        .customs(
            "officer.kz",
            &id,
            "control-decision",
            json!({"office": "KZHOR001", "controlType": "physical"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["state"], "UnderControl");
    let (status, _) = node
        .customs("officer.kz", &id, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no release before the control result"
    );
    let (_, m) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "B1", "findings": [{"kind": "goods_not_as_declared", "description": "used tyres, not new ones"}]}),
        )
        .await;
    assert_eq!(m["state"], "NotReleased");
    assert!(node
        .message_types("silkway", &id)
        .await
        .contains(&"CC051C".to_string()));
    assert!(node
        .message_types("silkway", &id)
        .await
        .contains(&"CC060C".to_string()));
}

#[tokio::test]
async fn b1_at_destination_ends_in_discrepancies_until_resolved() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("B1-DES")).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    node.customs_ok("officer.ge", &id, "arrival", "GEPTI001")
        .await;
    let (status, m) = node
        .customs(
            "officer.ge",
            &id,
            "control-result",
            json!({"office": "GEPTI001", "result": "B1", "controlType": "physical",
                   "findings": [{"kind": "missing_goods", "goodsItem": 1, "description": "3 packages missing"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    node.discrepancies_until_resolved(&id).await;
}

#[tokio::test]
async fn cancellation_before_release_only() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("CANCEL-1")).await;
    let (status, m) = node
        .send(
            node.client
                .post(format!(
                    "{}/movements/departures/{id}/cancellation",
                    node.base
                ))
                .bearer_auth(node.token("silkway"))
                .json(&json!({"reason": "buyer withdrew"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["cancellationRequested"], true);
    let (_, m) = node
        .customs(
            "officer.kz",
            &id,
            "cancellation-decision",
            json!({"office": "KZHOR001", "accept": true}),
        )
        .await;
    assert_eq!(m["state"], "Invalidated");
    assert!(node
        .message_types("silkway", &id)
        .await
        .contains(&"CC009C".to_string()));
    // The LRN is free again.
    let id2 = node.lodge_ok("silkway", &corridor("CANCEL-1")).await;
    node.customs_ok("officer.kz", &id2, "release", "KZHOR001")
        .await;
    let (status, _) = node
        .send(
            node.client
                .post(format!(
                    "{}/movements/departures/{id2}/cancellation",
                    node.base
                ))
                .bearer_auth(node.token("silkway"))
                .json(&json!({"reason": "too late"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn amendment_before_release() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("AMEND-1")).await;
    let amended = corridor("AMEND-1").replace(
        "<amountToBeCovered>25000.00</amountToBeCovered>",
        "<amountToBeCovered>30000.00</amountToBeCovered>",
    );
    let (status, body) = node
        .send(
            node.client
                .post(format!("{}/movements/departures/{id}/amendment", node.base))
                .bearer_auth(node.token("silkway"))
                .header("Content-Type", "application/xml")
                .body(amended),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Accepted");
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["guarantees"][0]["amount"], "30000.00");
    let bad = corridor("AMEND-1").replace(
        "<accessCode>1111</accessCode>",
        "<accessCode>0000</accessCode>",
    );
    let (_, body) = node
        .send(
            node.client
                .post(format!("{}/movements/departures/{id}/amendment", node.base))
                .bearer_auth(node.token("silkway"))
                .header("Content-Type", "application/xml")
                .body(bad),
        )
        .await;
    assert_eq!(body["errors"][0]["rule_id"], "CATS017", "{body}");
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(
        m["guarantees"][0]["amount"], "30000.00",
        "a rejected amendment changes nothing"
    );
    let types = node.message_types("silkway", &id).await;
    assert!(types.contains(&"CC004C".to_string()) && types.contains(&"CC056C".to_string()));
}

#[tokio::test]
async fn non_arrival_leads_to_enquiry_then_recovery_and_a_claim() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("LATE-1")).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let uuid = Uuid::parse_str(&id).unwrap();
    let moved = act::check_time_limits(&node.app, Utc::now() + Duration::days(2))
        .await
        .unwrap();
    assert!(moved.is_empty(), "not yet due");
    let moved = act::check_time_limits(&node.app, Utc::now() + Duration::days(31))
        .await
        .unwrap();
    assert_eq!(moved, [uuid]);
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["state"], "UnderEnquiry");
    let r = act::act(
        &node.app,
        &Actor::System("test".into()),
        uuid,
        Action::OpenRecovery {
            office: "KZHOR001".parse().unwrap(),
        },
        &serde_json::Value::Null,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(r.movement.state.as_str(), "UnderRecovery");
    let (_, g) = node.get("silkway", "/guarantees/25KZ0000SRI000010").await;
    assert_eq!(g["usage"][0]["status"], "claimed");
    assert_eq!(
        g["exposure"], "25000.00",
        "a claim stays a liability on the guarantee"
    );
}
