//! The HTTP API: reference data, lodging, rejections, errors, access control, lists, messages.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{corridor, start, CORRIDOR_JSON};

#[tokio::test]
async fn reference_data_is_served_without_token() {
    let node = start().await;
    let res = node
        .client
        .get(format!("{}/reference/offices", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["count"], 16);
    let kz: serde_json::Value = node
        .client
        .get(format!(
            "{}/reference/offices?country=KZ&role=EXT",
            node.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = kz["offices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["reference"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["KZAAU001", "KZDOS001", "KZHOR001", "KZKUR001"]);
    let hs: serde_json::Value = node
        .client
        .get(format!("{}/reference/hs?prefix=87", node.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(hs["hs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["code"] == "8703"));
    let restricted: serde_json::Value = node
        .client
        .get(format!("{}/reference/restricted-goods", node.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(restricted["restrictedGoods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["hs_prefix"] == "93" && r["restriction"] == "prohibited"));
}

#[tokio::test]
async fn lodging_xml_allocates_a_checked_mrn_and_keeps_the_history() {
    let node = start().await;
    let (status, body) = node.lodge_xml("silkway", &corridor("API-1")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Accepted");
    let mrn = body["mrn"].as_str().unwrap();
    let parsed = cats_domain::ids::Mrn::parse(mrn).expect("MRN with a valid check digit");
    assert_eq!(parsed.country().as_str(), "KZ");
    assert!(mrn.starts_with(&format!("{}KZHOR001", chrono::Utc::now().format("%y"))));
    let id = body["id"].as_str().unwrap();
    assert_eq!(
        node.message_types("silkway", id).await,
        ["CC015C", "CC928C", "CC028C"]
    );
    let (status, movement) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(movement["lrn"], "API-1");
    assert_eq!(movement["officeOfDeparture"], "KZHOR001");
    assert_eq!(
        movement["officesOfTransit"],
        json!(["AZALA001", "GERBR001"])
    );
    assert!(
        movement.get("risk").is_none(),
        "risk selection is hidden from traders"
    );
    let (_, as_officer) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert!(as_officer["risk"].is_array());
}

#[tokio::test]
async fn lodging_json_works_too() {
    let node = start().await;
    let body = CORRIDOR_JSON.replace("KZHOR-2025-000123", "API-JSON");
    let (status, res) = node
        .send(
            node.client
                .post(format!("{}/movements/departures", node.base))
                .bearer_auth(node.token("silkway"))
                .header("Content-Type", "application/json")
                .body(body),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{res}");
    assert_eq!(res["state"], "Accepted");
    assert_eq!(res["lrn"], "API-JSON");
}

#[tokio::test]
async fn malformed_body_is_400_with_every_error_and_stores_nothing() {
    let node = start().await;
    let broken = corridor("BAD-1")
        .replace(
            "<grossMass>18450.500</grossMass>",
            "<grossMass>heavy</grossMass>",
        )
        .replace(
            "<referenceNumber>KZHOR001</referenceNumber>",
            "<referenceNumber>K</referenceNumber>",
        );
    let (status, body) = node.lodge_xml("silkway", &broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let errors = body["errors"].as_array().expect("errors list");
    assert!(errors.len() >= 2, "{body}");
    assert!(errors
        .iter()
        .all(|e| e["pointer"].is_string() && e["reason"].is_string()));
    let (status, body) = node.lodge_xml("silkway", "this is not xml").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, list) = node.get("silkway", "/movements/departures").await;
    assert_eq!(list["totalCount"], 0, "nothing stored");
}

/// Identifiers the XSD lets through but that name nothing (an office whose first two letters
/// are no ISO 3166 country) are refused at the door with their pointers, like a structural
/// error: nothing is stored, no MRN is used.
#[tokio::test]
async fn identifiers_that_name_nothing_are_400_and_store_nothing() {
    let node = start().await;
    let bad = corridor("ID-1").replace(
        "<referenceNumber>GEPTI001</referenceNumber>",
        "<referenceNumber>QQ000001</referenceNumber>",
    );
    let (status, body) = node.lodge_xml("silkway", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let errors = body["errors"].as_array().expect("errors list");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(
        errors[0]["pointer"],
        "/CC015C/CustomsOfficeOfDestinationDeclared/referenceNumber"
    );
    assert!(
        errors[0]["reason"].as_str().unwrap().contains("QQ"),
        "{body}"
    );
    let (_, list) = node.get("silkway", "/movements/departures").await;
    assert_eq!(list["totalCount"], 0, "nothing stored");
    // The next lodging gets the first serial of the office.
    let (_, ok) = node.lodge_xml("silkway", &corridor("ID-1")).await;
    assert!(ok["mrn"].as_str().unwrap().contains("HOR001000001"), "{ok}");
}

#[tokio::test]
async fn several_business_errors_give_one_rejection_listing_all() {
    let node = start().await;
    let bad = corridor("REJ-1")
        .replace(
            "<referenceNumber>GEPTI001</referenceNumber>",
            "<referenceNumber>GERBR001</referenceNumber>",
        )
        .replace(
            "<accessCode>1111</accessCode>",
            "<accessCode>9999</accessCode>",
        )
        .replace(
            "<messageRecipient>NTA.KZ</messageRecipient>",
            "<messageRecipient>NTA.GE</messageRecipient>",
        );
    let (status, body) = node.lodge_xml("silkway", &bad).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Rejected");
    assert!(body["mrn"].is_null());
    let rules: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule_id"].as_str().unwrap())
        .collect();
    for expected in ["CATS002", "CATS017", "CATS006"] {
        assert!(rules.contains(&expected), "{rules:?}");
    }
    let id = body["id"].as_str().unwrap();
    assert_eq!(
        node.message_types("silkway", id).await,
        ["CC015C", "CC056C"]
    );
    // The CC056C lists every failure with pointer, NCTS code and our rule id.
    let (_, list) = node
        .get("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    let link = list["messages"][1]["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, cc056) = node.get("silkway", &link).await;
    let errors = cc056["n1:CC056C"]["FunctionalError"]
        .as_array()
        .expect("FunctionalError");
    assert_eq!(errors.len(), rules.len());
    assert!(errors.iter().any(|e| e["errorReason"] == "CATS017"
        && e["errorPointer"].as_str().unwrap().ends_with("/accessCode")));
    // The LRN stays free: the corrected declaration is accepted.
    node.lodge_ok("silkway", &corridor("REJ-1")).await;
}

#[tokio::test]
async fn tokens_and_holders_are_checked() {
    let node = start().await;
    let res = node
        .client
        .post(format!("{}/movements/departures", node.base))
        .header("Content-Type", "application/xml")
        .body(corridor("X"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = node
        .client
        .get(format!("{}/movements/departures", node.base))
        .bearer_auth("cats_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = node.lodge_xml("caspian", &corridor("NOT-MINE")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a trader lodges only as itself"
    );
    let (status, _) = node.lodge_xml("officer.kz", &corridor("OFFICER")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_trader_never_sees_another_traders_movements() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("PRIVATE-1")).await;
    let (status, _) = node
        .get("caspian", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = node
        .get("caspian", &format!("/movements/departures/{id}/messages"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = node.get("caspian", "/movements/departures").await;
    assert_eq!(list["totalCount"], 0);
    let (_, list) = node.get("officer.tm", "/movements/departures").await;
    assert_eq!(list["totalCount"], 0, "no TM office on this route");
    let (_, list) = node.get("officer.az", "/movements/departures").await;
    assert_eq!(list["totalCount"], 1, "AZ offices are on the route");
    let (status, _) = node.get("caspian", "/guarantees/25KZ0000SRI000010").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, g) = node.get("steppe", "/guarantees/25KZ0000SRI000010").await;
    assert_eq!(status, StatusCode::OK, "the insurer sees its contract");
    assert_eq!(g["referenceAmount"], "1000000.00");
}

#[tokio::test]
async fn officers_act_only_at_offices_of_their_country() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("SCOPE-1")).await;
    let (status, body) = node
        .customs("officer.az", &id, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = node
        .customs("silkway", &id, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = node.customs("officer.kz", &id, "release", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = node
        .customs("officer.kz", &id, "teleport", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn out_of_sequence_is_409_with_code_92_and_changes_nothing() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("SEQ-1")).await;
    let before = node.message_types("silkway", &id).await;
    let (status, body) = node
        .customs("officer.kz", &id, "exit", json!({"office": "KZAAU001"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["errorCode"], 92);
    let (status, body) = node
        .customs(
            "officer.ge",
            &id,
            "goods-release",
            json!({"office": "GEPTI001"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(node.message_types("silkway", &id).await, before);
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["state"], "Accepted");
    let (_, audit) = node
        .get("officer.kz", &format!("/movements/departures/{id}/audit"))
        .await;
    assert!(audit["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["detail"].as_str().unwrap().starts_with("refused")));
}

#[tokio::test]
async fn duplicate_live_lrn_is_rejected() {
    let node = start().await;
    node.lodge_ok("silkway", &corridor("DUP-1")).await;
    let (_, body) = node.lodge_xml("silkway", &corridor("DUP-1")).await;
    assert_eq!(body["state"], "Rejected");
    assert!(body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["rule_id"] == "CATS014"));
}

#[tokio::test]
async fn lists_filter_and_page() {
    let node = start().await;
    for i in 0..3 {
        node.lodge_ok("silkway", &corridor(&format!("LIST-{i}")))
            .await;
    }
    let (_, all) = node
        .get("silkway", "/movements/departures?count=2&page=1")
        .await;
    assert_eq!(all["totalCount"], 3);
    assert_eq!(all["movements"].as_array().unwrap().len(), 2);
    let (_, page2) = node
        .get("silkway", "/movements/departures?count=2&page=2")
        .await;
    assert_eq!(page2["movements"].as_array().unwrap().len(), 1);
    let (_, one) = node
        .get(
            "silkway",
            "/movements/departures?localReferenceNumber=LIST-1",
        )
        .await;
    assert_eq!(one["totalCount"], 1);
    let mrn = one["movements"][0]["mrn"].as_str().unwrap().to_string();
    let (_, by_mrn) = node
        .get("silkway", &format!("/movements/departures?mrn={mrn}"))
        .await;
    assert_eq!(by_mrn["movements"][0]["lrn"], "LIST-1");
    let (_, none) = node
        .get("silkway", "/movements/departures?state=WrittenOff")
        .await;
    assert_eq!(none["totalCount"], 0);
    let (status, _) = node
        .get("silkway", "/movements/departures?state=Flying")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, later) = node
        .get(
            "silkway",
            "/movements/departures?updatedSince=2999-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(later["totalCount"], 0);
}
