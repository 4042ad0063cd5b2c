//! Control records (issue 6, item 3): findings, seals checked and replaced, attachments, the
//! rules CATS024 to CATS031 on bad input, who sees what, and the effect on the movement.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{corridor, start, TestNode};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image for the test";

async fn upload(
    node: &TestNode,
    user: &str,
    id: &str,
    control: u32,
    content_type: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    node.send(
        node.client
            .post(format!(
                "{}/movements/departures/{id}/controls/{control}/attachments?filename=seal%20photo.png",
                node.base
            ))
            .bearer_auth(node.token(user))
            .header("Content-Type", content_type)
            .body(bytes.to_vec()),
    )
    .await
}

fn rule_ids(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["rule_id"].as_str().unwrap_or("?"),
                e["pointer"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The message of type `t` in the movement's history, as JSON.
async fn message(node: &TestNode, id: &str, t: &str) -> Value {
    let (_, list) = node
        .get("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    let href = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["messageType"] == t)
        .unwrap_or_else(|| panic!("no {t}: {list}"))["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    node.message_json("silkway", &href).await
}

#[tokio::test]
async fn control_records_keep_findings_seals_and_attachments() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("CTL-1")).await;
    let (status, body) = node
        .customs(
            "officer.kz",
            &id,
            "control-decision",
            json!({"office": "KZHOR001", "controlType": "physical",
                   "requestedDocuments": [{"documentType": "N3800"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        rule_ids(&body),
        ["CATS032 /requestedDocuments/0/documentType"]
    );
    let (status, m) = node
        .customs(
            "officer.kz",
            &id,
            "control-decision",
            json!({"office": "KZHOR001", "controlType": "physical",
                   "requestedDocuments": [{"documentType": "N380", "description": "the commercial invoice of the tyres"},
                                          {"documentType": "N730"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let cc060c = message(&node, &id, "CC060C").await;
    let text = cc060c.to_string();
    assert!(
        text.contains("N380") && text.contains("N730") && text.contains("the commercial invoice"),
        "{text}"
    );
    let version = m["version"].clone();

    // Bad records are refused with every rule they break, and change nothing.
    let (status, body) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "B1"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "RULE_VALIDATION");
    assert_eq!(rule_ids(&body), ["CATS024 /findings"]);
    let (status, body) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "A3", "controlType": "seals",
                   "findings": [{"kind": "mass", "goodsItem": 7, "description": "heavier"}],
                   "seals": {"checked": [{"identifier": "XX-0001", "condition": "intact"},
                                         {"identifier": "KZ-SEAL-000452", "condition": "broken"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        rule_ids(&body),
        [
            "CATS026 /seals/checked",
            "CATS027 /seals/checked/0/identifier",
            "CATS028 /seals/checked",
            "CATS030 /findings/0/goodsItem",
        ],
        "{body}"
    );
    let (status, body) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "A2", "findings": [{"kind": "smuggling", "description": "x"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("unknown variant"),
        "{body}"
    );
    let (_, m) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["version"], version, "nothing changed: {m}");
    assert_eq!(m["controls"], json!([]));
    assert_eq!(m["state"], "UnderControl");

    // A2: a minor discrepancy, a broken seal replaced.
    let (status, m) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "A2", "controlType": "physical",
                   "findings": [
                       {"kind": "mass", "goodsItem": 2, "description": "gross mass above the declared", "declared": "9000 kg", "found": "9150 kg"},
                       {"kind": "seals", "description": "seal KZ-SEAL-000452 broken at loading"}],
                   "seals": {"checked": [{"identifier": "KZ-SEAL-000451", "condition": "intact"},
                                         {"identifier": "KZ-SEAL-000452", "condition": "broken"}],
                             "replaced": [{"identifier": "KZ-SEAL-000452", "newIdentifier": "KZ-SEAL-900001"}]},
                   "remarks": "resealed after the examination"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["state"], "UnderControl", "A2 lets the goods go on");
    let c = &m["controls"][0];
    assert_eq!(c["number"], 1);
    assert_eq!(c["result"], "A2");
    assert_eq!(c["controlType"], "physical");
    assert_eq!(c["officer"], "officer.kz");
    assert_eq!(c["findings"][0]["found"], "9150 kg");
    assert_eq!(c["seals"]["replaced"][0]["newIdentifier"], "KZ-SEAL-900001");
    assert_eq!(c["remarks"], "resealed after the examination");

    // The holder sees result, findings and seals, not who recorded it nor the photos.
    let (_, seen) = node
        .get("silkway", &format!("/movements/departures/{id}/controls"))
        .await;
    let c = &seen["controls"][0];
    assert_eq!(c["findings"][1]["kind"], "seals", "{seen}");
    assert!(
        c.get("officer").is_none() && c.get("attachments").is_none(),
        "{seen}"
    );

    // Attachments: officers of the controlling office's country only; checked by content.
    let (status, _) = upload(&node, "silkway", &id, 1, "image/png", PNG).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = upload(&node, "officer.az", &id, 1, "image/png", PNG).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "AZ does not act at KZHOR001");
    let (status, body) = upload(&node, "officer.kz", &id, 1, "image/png", b"not a png").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = upload(&node, "officer.kz", &id, 2, "image/png", PNG).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let big = vec![b'a'; 2 * 1024 * 1024 + 1];
    let (status, _) = upload(&node, "officer.kz", &id, 1, "text/plain", &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, a) = upload(&node, "officer.kz", &id, 1, "image/png", PNG).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["sha256"], hex::encode(Sha256::digest(PNG)));
    assert_eq!(a["filename"], "seal_photo.png");
    assert_eq!(a["uploadedBy"], "officer.kz");
    let href = a["_links"]["download"]["href"]
        .as_str()
        .unwrap()
        .to_string();

    // Officers of the next countries see it (recognition rests on the evidence); the holder not.
    let res = node
        .client
        .get(format!("{}{href}", node.base))
        .bearer_auth(node.token("officer.az"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(
        res.headers()["x-content-sha256"].to_str().unwrap(),
        a["sha256"].as_str().unwrap()
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let (status, _) = node.get("silkway", &href).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, m) = node
        .get("officer.ge", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["controls"][0]["attachments"][0]["id"], a["id"], "{m}");
    let (_, audit) = node
        .get("officer.kz", &format!("/movements/departures/{id}/audit"))
        .await;
    assert!(audit.to_string().contains("control_attachment"), "{audit}");
    assert!(
        audit.to_string().contains(
            "A2 after a physical control, 2 finding(s), 2 seal(s) checked (1 not intact), 1 replaced"
        ),
        "{audit}"
    );
    assert!(node
        .message_types("officer.kz", &id)
        .await
        .contains(&"control_attachment".to_string()));
    assert!(!node
        .message_types("silkway", &id)
        .await
        .contains(&"control_attachment".to_string()));

    // Release: the CC029C carries the new seal where the broken one stood.
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let cc029c = message(&node, &id, "CC029C").await.to_string();
    assert!(
        cc029c.contains("KZ-SEAL-900001") && !cc029c.contains("KZ-SEAL-000452"),
        "{cc029c}"
    );
    let checked = node
        .outgoing_pass_xsd("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    for t in ["CC060C", "CC029C"] {
        assert!(checked.contains(&t.to_string()), "{t}: {checked:?}");
    }

    // En route the seals in place are the new ones: the replaced seal is no longer there.
    node.customs_ok("officer.kz", &id, "exit", "KZAAU001").await;
    node.customs_ok("officer.az", &id, "entry", "AZALA001")
        .await;
    let old = json!({"office": "AZALA001", "result": "A3", "controlType": "seals",
                     "seals": {"checked": [{"identifier": "KZ-SEAL-000452", "condition": "intact"}]}});
    let (status, body) = node.customs("officer.az", &id, "control-result", old).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        rule_ids(&body),
        ["CATS027 /seals/checked/0/identifier"],
        "{body}"
    );
    assert!(
        body.to_string().contains("KZ-SEAL-900001"),
        "names the seals in place: {body}"
    );
    let new = json!({"office": "AZALA001", "result": "A3", "controlType": "seals",
                     "seals": {"checked": [{"identifier": "KZ-SEAL-900001", "condition": "intact"},
                                           {"identifier": "KZ-SEAL-000451", "condition": "intact"}]}});
    let (status, m) = node.customs("officer.az", &id, "control-result", new).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["controls"][1]["stage"], "en_route");
}

#[tokio::test]
async fn a_b1_en_route_stops_the_automatic_write_off() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("CTL-B1-EN-ROUTE")).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    node.customs_ok("officer.kz", &id, "exit", "KZAAU001").await;
    node.customs_ok("officer.az", &id, "entry", "AZALA001")
        .await;
    // The decision holds the goods at the office until its result.
    let (status, m) = node
        .customs(
            "officer.az",
            &id,
            "control-decision",
            json!({"office": "AZALA001", "controlType": "scanning"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["pendingControls"][0]["office"], "AZALA001", "{m}");
    let (status, body) = node
        .customs("officer.ge", &id, "arrival", json!({"office": "GEPTI001"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["errorCode"], 92);
    assert!(
        body["message"].as_str().unwrap().contains("AZALA001"),
        "{body}"
    );
    let (status, m) = node
        .customs(
            "officer.az",
            &id,
            "control-result",
            json!({"office": "AZALA001", "result": "B1", "controlType": "scanning",
                   "findings": [{"kind": "undeclared_goods", "goodsItem": 1, "description": "cigarettes behind the tyres"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["pendingControls"], json!([]), "{m}");
    assert_eq!(
        m["state"], "ReleasedForTransit",
        "the goods go on under customs control"
    );
    node.customs_ok("officer.ge", &id, "arrival", "GEPTI001")
        .await;
    node.discrepancies_until_resolved(&id).await;
    let cc019c = message(&node, &id, "CC019C").await.to_string();
    assert!(
        cc019c.contains("cigarettes behind the tyres") && cc019c.contains("AZALA001"),
        "{cc019c}"
    );
}

#[tokio::test]
async fn a_b1_at_departure_tells_the_holder_what_was_found() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("CTL-B1-DEP")).await;
    let (status, m) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "B1", "controlType": "documentary",
                   "findings": [{"kind": "commodity_code", "goodsItem": 2, "description": "tyres are 4011, not 4012"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["state"], "NotReleased");
    let cc051c = message(&node, &id, "CC051C").await.to_string();
    assert!(cc051c.contains("tyres are 4011, not 4012"), "{cc051c}");
    // Out of sequence wins over the record's rules: nothing to record on a movement not released.
    let (status, body) = node
        .customs(
            "officer.kz",
            &id,
            "control-result",
            json!({"office": "KZHOR001", "result": "B1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["errorCode"], 92);
}
