//! The arrival side over HTTP: CC007C arrival notification, CC043C unloading permission, CC044C
//! unloading remarks, CC057C rejections, and the arrival resources.

use cats_ncts::MessageType;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{cc007c, cc044c, corridor, start, to_json, TestNode};

/// Lodge and release a corridor movement; its id and MRN.
async fn released(node: &TestNode, lrn: &str) -> (String, String) {
    let id = node.lodge_ok("silkway", &corridor(lrn)).await;
    let m = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    (id, m["mrn"].as_str().unwrap().to_string())
}

fn types(answer: &Value) -> Vec<String> {
    answer["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["messageType"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn simplified_arrival_conform_unloading_writes_off() {
    let node = start().await;
    let (id, mrn) = released(&node, "ARR-1").await;
    let (status, a) = node
        .post_message(
            "silkway",
            "/movements/arrivals",
            &cc007c(&mrn, "GEPTI001", "1"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["id"], id.as_str(), "the arrival is the movement");
    assert_eq!(a["state"], "Arrived");
    assert_eq!(types(&a), ["CC007C", "CC043C"]);
    let arrival = format!("/movements/arrivals/{id}");
    assert_eq!(a["_links"]["arrival"]["href"], arrival.as_str());
    assert_eq!(
        a["_links"]["messages"]["href"],
        format!("{arrival}/messages").as_str()
    );

    let (status, view) = node.get("silkway", &arrival).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["officeOfDestinationActual"], "GEPTI001");
    assert_eq!(view["mrn"], mrn.as_str());
    let (_, list) = node.get("silkway", "/movements/arrivals").await;
    assert_eq!(list["totalCount"], 1);
    assert_eq!(list["arrivals"][0]["id"], id.as_str());
    let (_, list) = node
        .get(
            "officer.ge",
            &format!("/movements/arrivals?movementReferenceNumber={mrn}"),
        )
        .await;
    assert_eq!(list["totalCount"], 1, "{list}");
    let (_, other) = node.get("caspian", "/movements/arrivals").await;
    assert_eq!(other["totalCount"], 0);

    // The unloading permission, as XML.
    let href = a["messages"][1]["_links"]["self"]["href"].as_str().unwrap();
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
        xml.contains("<ncts:CC043C") && xml.contains("<referenceNumber>GEPTI001</referenceNumber>"),
        "{xml}"
    );

    // Conform unloading remarks: goods released, written off, guarantee credited.
    let path = format!("{arrival}/messages");
    let (status, r) = node
        .post_message("silkway", &path, &cc044c(&mrn, "GEPTI001", "1", "1"))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{r}");
    assert_eq!(r["state"], "WrittenOff");
    assert_eq!(types(&r), ["CC044C", "CC025C", "CC045C"]);
    let (_, g) = node.get("silkway", "/guarantees/25KZ0000SRI000010").await;
    assert_eq!(g["exposure"], "0.00");
    let (_, msgs) = node.get("silkway", &path).await;
    let listed: Vec<&str> = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["messageType"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        ["CC007C", "CC043C", "CC044C", "CC025C", "CC045C"],
        "the arrival's messages"
    );
    // A second CC044C: out of sequence, answered with a CC057C in the history.
    let (status, r) = node
        .post_message("silkway", &path, &cc044c(&mrn, "GEPTI001", "1", "1"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{r}");
    assert_eq!(r["errorCode"], 92);
    assert_eq!(types(&r), ["CC044C", "CC057C"]);
    let checked = node.outgoing_pass_xsd("silkway", &path).await;
    assert!(
        checked.is_empty() || checked.iter().any(|t| t == "CC057C"),
        "{checked:?}"
    );
    node.outgoing_pass_xsd("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
}

#[tokio::test]
async fn unloading_with_discrepancies_in_json() {
    let node = start().await;
    let (id, mrn) = released(&node, "ARR-2").await;
    let json = to_json(&cc007c(&mrn, "GEPTI001", "1"), MessageType::CC007C);
    let (status, a) = node
        .post_message("silkway", "/movements/arrivals", &json)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    let path = format!("/movements/arrivals/{id}/messages");
    // Not completed yet: kept, nothing released.
    let partial = to_json(&cc044c(&mrn, "GEPTI001", "1", "0"), MessageType::CC044C);
    let (status, r) = node.post_message("silkway", &path, &partial).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{r}");
    assert_eq!(r["state"], "Arrived");
    assert_eq!(types(&r), ["CC044C"]);
    // Another office: CC057C with code 12, still arrived.
    let elsewhere = to_json(&cc044c(&mrn, "AZALA001", "0", "1"), MessageType::CC044C);
    let (status, r) = node.post_message("silkway", &path, &elsewhere).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{r}");
    assert_eq!(r["errors"][0]["error_code"], 12);
    assert_eq!(types(&r), ["CC044C", "CC057C"]);
    assert_eq!(r["state"], "Arrived");
    // Completed, not conform: B1 at destination, goods released with discrepancies.
    let remarks = to_json(&cc044c(&mrn, "GEPTI001", "0", "1"), MessageType::CC044C);
    let (status, r) = node.post_message("silkway", &path, &remarks).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{r}");
    assert_eq!(r["state"], "Discrepancies");
    assert_eq!(types(&r), ["CC044C", "CC025C", "CC019C"]);
    let href = r["messages"][2]["_links"]["self"]["href"].as_str().unwrap();
    let cc019c = node.message_json("silkway", href).await;
    let text = cc019c["n1:CC019C"]["TransitOperation"]["discrepanciesNotificationText"]
        .as_str()
        .unwrap();
    assert!(text.contains("2 cartons of furniture missing"), "{text}");
    let (_, view) = node
        .get("silkway", &format!("/movements/arrivals/{id}"))
        .await;
    assert_eq!(view["controls"][0]["result"], "B1", "{view}");
    let m = node
        .customs_ok("officer.ge", &id, "resolve-discrepancies", "GEPTI001")
        .await;
    assert_eq!(m["state"], "WrittenOff");
    node.outgoing_pass_xsd("silkway", &path).await;
}

#[tokio::test]
async fn arrival_rejections() {
    let node = start().await;
    // Unknown MRN: CC057C with code 90 in the answer.
    let unknown = "25KZHOR001999999J1";
    let (status, a) = node
        .post_message(
            "silkway",
            "/movements/arrivals",
            &cc007c(unknown, "GEPTI001", "0"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{a}");
    assert_eq!(a["errorCode"], 90);
    let rejection = &a["rejection"]["n1:CC057C"];
    assert_eq!(rejection["FunctionalError"][0]["errorCode"], "90");
    assert_eq!(
        rejection["TransitOperation"]["businessRejectionType"],
        "007"
    );
    let errors = cats_ncts::validate(MessageType::CC057C, &a["rejection"]);
    assert!(errors.is_empty(), "{errors:?}");

    // Not released yet: out of sequence (92), kept with its CC057C.
    let id = node.lodge_ok("silkway", &corridor("ARR-3")).await;
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    let mrn = m["mrn"].as_str().unwrap().to_string();
    let (status, a) = node
        .post_message(
            "silkway",
            "/movements/arrivals",
            &cc007c(&mrn, "GEPTI001", "0"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{a}");
    assert_eq!(a["errorCode"], 92);
    assert_eq!(types(&a), ["CC007C", "CC057C"]);
    let (status, _) = node
        .get("silkway", &format!("/movements/arrivals/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no arrival yet");

    // Another trader's MRN is unknown to it; officers do not notify arrivals.
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let body = cc007c(&mrn, "GEPTI001", "0");
    let (status, a) = node
        .post_message("caspian", "/movements/arrivals", &body)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{a}");
    assert_eq!(a["errorCode"], 90);
    let (status, _) = node
        .post_message("officer.ge", "/movements/arrivals", &body)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Not an office of destination: code 12.
    let (status, a) = node
        .post_message(
            "silkway",
            "/movements/arrivals",
            &cc007c(&mrn, "KZHOR001", "0"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{a}");
    assert_eq!(a["errorCode"], 12);
    // A CC015C is not an arrival notification.
    let (status, a) = node
        .post_message("silkway", "/movements/arrivals", &corridor("ARR-X"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{a}");
    assert!(a["message"].as_str().unwrap().contains("accepts CC007C"));

    // Normal procedure: arrived, no unloading permission, so no unloading remarks (92).
    let (status, a) = node
        .post_message("silkway", "/movements/arrivals", &body)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(types(&a), ["CC007C"]);
    let path = format!("/movements/arrivals/{id}/messages");
    let (status, r) = node
        .post_message("silkway", &path, &cc044c(&mrn, "GEPTI001", "1", "1"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{r}");
    assert_eq!(r["errorCode"], 92);
    // Notified twice: 92.
    let (status, a) = node
        .post_message("silkway", "/movements/arrivals", &body)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{a}");
    // The arrival's messages: the rejected notification with its CC057C, then the arrival.
    let (_, msgs) = node.get("silkway", &path).await;
    let listed: Vec<&str> = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["messageType"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "CC007C", "CC057C", "CC007C", "CC057C", "CC007C", "CC044C", "CC057C", "CC007C",
            "CC057C"
        ]
    );
    // The officer releases the goods as before.
    let m = node
        .customs_ok("officer.ge", &id, "goods-release", "GEPTI001")
        .await;
    assert_eq!(m["state"], "WrittenOff");
    let (status, _) = node
        .post_message("silkway", &path, &json!({}).to_string())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    node.outgoing_pass_xsd("silkway", &path).await;
}
