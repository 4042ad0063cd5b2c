//! NCTS messages from the holder to a departure: `POST /movements/departures/{id}/messages`
//! with CC013C (amendment), CC014C (invalidation request) and CC170C (presentation of a
//! pre-lodged declaration), in XML and JSON; wrong types and structures refused.

use cats_ncts::MessageType;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{cc013c, cc014c, cc170c, corridor, pre_lodged, start, to_json, TestNode};

fn messages_path(id: &str) -> String {
    format!("/movements/departures/{id}/messages")
}

async fn mrn_of(node: &TestNode, id: &str) -> String {
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    m["mrn"].as_str().expect("MRN").to_string()
}

/// The same MRN with another serial.
fn other_mrn(mrn: &str) -> String {
    let mut chars: Vec<char> = mrn.chars().collect();
    chars[10] = if chars[10] == '9' { '8' } else { '9' };
    chars.into_iter().collect()
}

/// The stored message of type `t` answering in `answer` (its `messages` list).
async fn answer_message(node: &TestNode, answer: &Value, t: &str) -> Value {
    let href = answer["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["messageType"] == t)
        .unwrap_or_else(|| panic!("no {t} in {answer}"))["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    node.message_json("silkway", &href).await
}

#[tokio::test]
async fn cc013c_amends_in_xml_and_json() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("AMD-13")).await;
    let mrn = mrn_of(&node, &id).await;
    let path = messages_path(&id);

    // By MRN, in XML: a new amount to be covered.
    let xml = cc013c("AMD-13", &format!("<MRN>{mrn}</MRN>"), "0", "20000.00");
    let (status, a) = node.post_message("silkway", &path, &xml).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["state"], "Accepted");
    assert_eq!(a["messageType"], "CC013C");
    assert_eq!(a["errors"], json!([]));
    let types: Vec<&str> = a["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["messageType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["CC013C", "CC004C"]);
    let cc004c = answer_message(&node, &a, "CC004C").await;
    assert_eq!(cc004c["n1:CC004C"]["TransitOperation"]["MRN"], mrn.as_str());
    assert_eq!(
        cc004c["n1:CC004C"]["correlationIdentifier"],
        "CATS-KZ-AMD-0001"
    );
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["guarantees"][0]["amount"], "20000.00");
    // The CC013C is kept as it came.
    let href = a["_links"]["self"]["href"].as_str().unwrap();
    let res = node
        .client
        .get(format!("{}{href}", node.base))
        .bearer_auth(node.token("silkway"))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), xml);

    // By LRN, in JSON.
    let xml = cc013c("AMD-13", "<LRN>AMD-13</LRN>", "0", "21000.00");
    let (status, a) = node
        .post_message("silkway", &path, &to_json(&xml, MessageType::CC013C))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["errors"], json!([]));

    // Another MRN (93), and R0520: the holder cannot change; amendment type 1 only after CC055C.
    let other = format!("<MRN>{}</MRN>", other_mrn(&mrn));
    let wrong = cc013c("AMD-13", &other, "1", "22000.00").replace(
        "<name>Khorgos Gateway Logistics LLP</name>",
        "<name>Another name LLP</name>",
    );
    let (status, a) = node.post_message("silkway", &path, &wrong).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["state"], "Accepted");
    let codes: Vec<(u64, &str)> = a["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["error_code"].as_u64().unwrap(),
                e["rule_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(codes.contains(&(93, "N/A")), "{codes:?}");
    assert!(codes.contains(&(14, "R0520")), "{codes:?}");
    let cc056c = answer_message(&node, &a, "CC056C").await;
    let body = &cc056c["n1:CC056C"];
    assert_eq!(body["TransitOperation"]["businessRejectionType"], "013");
    assert_eq!(body["FunctionalError"][0]["errorCode"], "93");
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(
        m["guarantees"][0]["amount"], "21000.00",
        "a rejected amendment changes nothing"
    );
    let wrong = cc013c("AMD-13", &format!("<MRN>{mrn}</MRN>"), "0", "22000.00").replace(
        "<name>Khorgos Gateway Logistics LLP</name>",
        "<name>Another name LLP</name>",
    );
    let (_, a) = node.post_message("silkway", &path, &wrong).await;
    assert_eq!(a["errors"][0]["rule_id"], "R0520", "{a}");
    assert_eq!(
        a["errors"][0]["pointer"],
        "/CC013C/HolderOfTheTransitProcedure"
    );

    // Another trader is refused; after release the amendment is out of sequence (92).
    let (status, _) = node.post_message("caspian", &path, &xml).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let (status, a) = node.post_message("silkway", &path, &xml).await;
    assert_eq!(status, StatusCode::CONFLICT, "{a}");
    assert_eq!(a["errorCode"], 92);
    assert_eq!(a["state"], "ReleasedForTransit");
    let cc056c = answer_message(&node, &a, "CC056C").await;
    assert_eq!(cc056c["n1:CC056C"]["FunctionalError"][0]["errorCode"], "92");
    node.outgoing_pass_xsd("silkway", &path).await;
}

#[tokio::test]
async fn other_types_and_broken_messages_are_refused() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("BAD-1")).await;
    let path = messages_path(&id);
    let (status, a) = node
        .post_message("silkway", &path, &corridor("BAD-1"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{a}");
    let msg = a["message"].as_str().unwrap();
    assert!(
        msg.contains("CC013C, CC014C, CC170C") && msg.contains("CC015C"),
        "{msg}"
    );
    let (status, a) = node
        .post_message(
            "silkway",
            &path,
            r#"{"n1:CC007C": {"messageType": "CC007C"}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{a}");
    assert!(a["message"].as_str().unwrap().contains("CC007C"), "{a}");
    let wrong_ns = cc014c("<LRN>BAD-1</LRN>", "x")
        .replace("http://ncts.dgtaxud.ec", "http://example.com/not-ncts");
    let (status, a) = node.post_message("silkway", &path, &wrong_ns).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{a}");
    assert!(a["errors"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("namespace"));
    // Every structural error at once, with its pointer.
    let broken = cc014c("<LRN>BAD-1</LRN>", "x")
        .replace("<initiatedByCustoms>0</initiatedByCustoms>", "")
        .replace("2025-03-12T10:00:00", "12/03/2025");
    let (status, a) = node.post_message("silkway", &path, &broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{a}");
    assert_eq!(a["code"], "SCHEMA_VALIDATION");
    let pointers: Vec<&str> = a["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&"/CC014C/preparationDateAndTime")
            && pointers
                .iter()
                .any(|p| p.starts_with("/CC014C/Invalidation")),
        "{pointers:?}"
    );
    let (status, _) = node
        .send(
            node.client
                .post(format!("{}{path}", node.base))
                .bearer_auth(node.token("silkway"))
                .header("Content-Type", "text/plain")
                .body("hello"),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Each refused message is kept with its NACK (CC906C wrong type, CC917C not well-formed);
    // nothing else changed.
    let types = node.message_types("silkway", &id).await;
    assert_eq!(&types[..3], ["CC015C", "CC928C", "CC028C"]);
    assert!(
        types[3..]
            .iter()
            .all(|t| t == "CC906C" || t == "CC917C" || t.starts_with("CC0") || t == "unknown"),
        "{types:?}"
    );
    assert!(
        types.contains(&"CC906C".to_string()) && types.contains(&"CC917C".to_string()),
        "{types:?}"
    );
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["state"], "Accepted");
}

#[tokio::test]
async fn cc014c_asks_to_invalidate_before_release() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("INV-14")).await;
    let mrn = mrn_of(&node, &id).await;
    let path = messages_path(&id);
    let xml = cc014c(&format!("<MRN>{mrn}</MRN>"), "goods sold locally");
    let (status, a) = node.post_message("silkway", &path, &xml).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["errors"], json!([]));
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["cancellationRequested"], true);
    let (_, list) = node.get("silkway", &path).await;
    let entry = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageType"] == "CC014C")
        .expect("CC014C kept")
        .clone();
    assert_eq!(entry["direction"], "inbound");
    let res = node
        .client
        .get(format!(
            "{}{}",
            node.base,
            entry["_links"]["self"]["href"].as_str().unwrap()
        ))
        .bearer_auth(node.token("silkway"))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), xml, "kept unchanged");
    let m = node
        .customs(
            "officer.kz",
            &id,
            "cancellation-decision",
            json!({"office": "KZHOR001", "accept": true}),
        )
        .await
        .1;
    assert_eq!(m["state"], "Invalidated");

    // In JSON, with a wrong LRN: CC056C (014) with code 12, nothing recorded.
    let other = node.lodge_ok("silkway", &corridor("INV-15")).await;
    let json = to_json(&cc014c("<LRN>INV-99</LRN>", "x"), MessageType::CC014C);
    let (status, a) = node
        .post_message("silkway", &messages_path(&other), &json)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["errors"][0]["error_code"], 12);
    let cc056c = answer_message(&node, &a, "CC056C").await;
    assert_eq!(
        cc056c["n1:CC056C"]["TransitOperation"]["businessRejectionType"],
        "014"
    );
    // After release: out of sequence.
    node.customs_ok("officer.kz", &other, "release", "KZHOR001")
        .await;
    let (status, a) = node
        .post_message(
            "silkway",
            &messages_path(&other),
            &cc014c("<LRN>INV-15</LRN>", "too late"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{a}");
    assert_eq!(a["errorCode"], 92);
    let (status, _) = node
        .post_message(
            "officer.kz",
            &messages_path(&other),
            &cc014c("<LRN>INV-15</LRN>", "x"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    node.outgoing_pass_xsd("silkway", &messages_path(&other))
        .await;
}

#[tokio::test]
async fn pre_lodged_declaration_waits_for_cc170c() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &pre_lodged("PRE-170")).await;
    let limit = (chrono::Utc::now() + chrono::Duration::days(5))
        .format("%Y-%m-%d")
        .to_string();
    let path = messages_path(&id);
    let (status, refused) = node
        .customs("officer.kz", &id, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["errorCode"], 92);
    assert!(refused["message"].as_str().unwrap().contains("CC170C"));
    let (status, _) = node
        .customs(
            "officer.kz",
            &id,
            "control-decision",
            json!({"office": "KZHOR001", "controlType": "physical"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Another LRN: rejected (CC056C 170, code 12), still waiting.
    let (status, a) = node
        .post_message("silkway", &path, &cc170c("PRE-999", "777ABZ05", &limit))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["errors"][0]["error_code"], 12, "{a}");
    let cc056c = answer_message(&node, &a, "CC056C").await;
    assert_eq!(
        cc056c["n1:CC056C"]["TransitOperation"]["businessRejectionType"],
        "170"
    );

    // Presented, in JSON: the declaration is completed, release follows.
    let json = to_json(&cc170c("PRE-170", "999XYZ01", &limit), MessageType::CC170C);
    let (status, a) = node.post_message("silkway", &path, &json).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{a}");
    assert_eq!(a["errors"], json!([]), "{a}");
    assert_eq!(a["state"], "Accepted");
    let m = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    assert_eq!(m["state"], "ReleasedForTransit");
    assert!(
        m["timeLimit"].as_str().unwrap().starts_with(&limit),
        "the limit date of the CC170C: {m}"
    );
    let (_, list) = node.get("silkway", &path).await;
    let href = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageType"] == "CC029C")
        .unwrap()["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let cc029c = node.message_json("silkway", &href).await;
    let consignment = &cc029c["n1:CC029C"]["Consignment"];
    assert_eq!(
        consignment["DepartureTransportMeans"][0]["identificationNumber"],
        "999XYZ01"
    );
    assert_eq!(
        consignment["TransportEquipment"][0]["Seal"][0]["identifier"],
        "KZ-SEAL-000999"
    );

    // Once only, and never for a standard declaration.
    let (status, a) = node
        .post_message("silkway", &path, &cc170c("PRE-170", "999XYZ01", &limit))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{a}");
    assert_eq!(a["errorCode"], 92);
    let standard = node.lodge_ok("silkway", &corridor("STD-170")).await;
    let (status, _) = node
        .post_message(
            "silkway",
            &messages_path(&standard),
            &cc170c("STD-170", "777ABZ05", &limit),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    node.outgoing_pass_xsd("silkway", &path).await;
}
