//! The NCTS interface over HTTP: guarantee balance and CC034C, hardening, filters, and every
//! outgoing message of a scenario checked against the official XSD with xmllint.

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{corridor, start, TestNode};

#[tokio::test]
async fn guarantee_balance_needs_the_access_code() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("BAL-1")).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let url = format!("{}/guarantees/25KZ0000SRI000010/balance", node.base);
    for user in ["silkway", "steppe", "officer.az"] {
        let res = node
            .client
            .get(&url)
            .bearer_auth(node.token(user))
            .header("X-Access-Code", "1111")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{user}");
        let b: serde_json::Value = res.json().await.unwrap();
        assert_eq!(b["referenceAmount"], "1000000.00");
        assert_eq!(b["currency"], "USD");
        assert_eq!(b["exposure"], "25000.00");
        assert_eq!(b["balance"], "975000.00");
        assert_eq!(b["usage"][0]["amount"], "25000.00");
        assert!(b["usage"][0]["mrn"].is_string() && b["usage"][0]["lockDate"].is_string());
        assert!(b["usage"][0]["releaseDate"].is_null());
    }
    let res = node
        .client
        .get(&url)
        .bearer_auth(node.token("silkway"))
        .header("X-Access-Code", "9999")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = node
        .client
        .get(&url)
        .bearer_auth(node.token("silkway"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = node
        .client
        .get(&url)
        .bearer_auth(node.token("caspian"))
        .header("X-Access-Code", "1111")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another trader learns nothing"
    );
    let res = node
        .client
        .get(format!(
            "{}/guarantees/25KZ0000SRI00001X/balance",
            node.base
        ))
        .bearer_auth(node.token("silkway"))
        .header("X-Access-Code", "1111")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a GRN that is not well formed names no guarantee"
    );
}

const CC034C: &str = r#"<ncts:CC034C PhaseID="NCTS5.0" xmlns:ncts="http://ncts.dgtaxud.ec">
  <messageSender>KZ840000123456</messageSender><messageRecipient>NTA.KZ</messageRecipient>
  <preparationDateAndTime>2025-03-10T09:30:00</preparationDateAndTime><messageIdentification>Q-77</messageIdentification>
  <messageType>CC034C</messageType>
  <Requester><identificationNumber>KZ840000123456</identificationNumber><role>1</role></Requester>
  <GuaranteeReference><sequenceNumber>1</sequenceNumber><GRN>25KZ0000SRI000010</GRN>
    <GuaranteeQuery><queryIdentifier>1</queryIdentifier></GuaranteeQuery><AccessCode><accessCode>CODE</accessCode></AccessCode>
  </GuaranteeReference>
</ncts:CC034C>"#;

#[tokio::test]
async fn cc034c_is_answered_with_cc037c() {
    let node = start().await;
    let url = format!("{}/guarantees/queries", node.base);
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .body(CC034C.replace("CODE", "1111"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let answer: serde_json::Value = res.json().await.unwrap();
    let r = &answer["n1:CC037C"];
    assert_eq!(r["correlationIdentifier"], "Q-77");
    assert_eq!(
        r["GuaranteeReference"][0]["Exposure"]["balance"],
        "1000000.00"
    );
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .header("Accept", "application/xml")
        .body(CC034C.replace("CODE", "1111"))
        .send()
        .await
        .unwrap();
    let xml = res.text().await.unwrap();
    assert!(
        xml.contains("<ncts:CC037C") && xml.contains("<GRN>25KZ0000SRI000010</GRN>"),
        "{xml}"
    );
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .body(CC034C.replace("CODE", "2222"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .body(corridor("NOT-034"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn hostile_and_oversized_bodies_are_refused() {
    let node = start().await;
    let post = |body: Vec<u8>| {
        node.client
            .post(format!("{}/movements/departures", node.base))
            .bearer_auth(node.token("silkway"))
            .header("Content-Type", "application/xml")
            .body(body)
            .send()
    };
    let xxe = corridor("XXE").replacen(
        "<ncts:CC015C",
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<ncts:CC015C",
        1,
    );
    let res = post(xxe.into_bytes()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["errors"]
            .to_string()
            .to_lowercase()
            .contains("doctype")
            || body["errors"].to_string().to_lowercase().contains("dtd"),
        "{body}"
    );
    let res = post(vec![b'<'; cats_web::MAX_BODY_BYTES + 1])
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let mut bad_utf8 = corridor("UTF").into_bytes();
    bad_utf8.extend_from_slice(&[0xff, 0xfe]);
    let res = post(bad_utf8).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = node
        .client
        .post(format!("{}/movements/departures", node.base))
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let foreign = corridor("GB").replace(
        "<messageRecipient>NTA.KZ</messageRecipient>",
        "<messageRecipient>NTA.GB</messageRecipient>",
    );
    let res = post(foreign.into_bytes()).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a recipient this node does not serve: its own error, not a schema error"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "RECIPIENT_NOT_SERVED", "{body}");
    assert_eq!(body["recipient"], "NTA.GB");
    assert!(
        body["served"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "NTA.KZ"),
        "{body}"
    );
    let wrong_ns = corridor("NS").replace("http://ncts.dgtaxud.ec", "http://example.com");
    let res = post(wrong_ns.into_bytes()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn movement_eori_filter() {
    let node = start().await;
    node.lodge_ok("silkway", &corridor("EORI-1")).await;
    let (_, mine) = node
        .get(
            "silkway",
            "/movements/departures?movementEORI=KZ840000123456",
        )
        .await;
    assert_eq!(mine["totalCount"], 1);
    let (_, other) = node
        .get("silkway", "/movements/departures?movementEORI=AZ1402345678")
        .await;
    assert_eq!(other["totalCount"], 0);
    let (_, officer) = node
        .get(
            "officer.kz",
            "/movements/departures?movementEORI=KZ840000123456",
        )
        .await;
    assert_eq!(officer["totalCount"], 1);
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ncts/xsd-p5");
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if p.is_dir() && xmllint {
        Some(p)
    } else {
        eprintln!("SKIPPED xmllint conformance: ../shared or xmllint is absent (CI installs xmllint and provides ../shared)");
        None
    }
}

/// Every NCTS message CATS produced for the departure passes its XSD (see
/// `TestNode::outgoing_pass_xsd`).
pub async fn assert_outgoing_messages_valid(node: &TestNode, user: &str, id: &str) -> Vec<String> {
    node.outgoing_pass_xsd(user, &format!("/movements/departures/{id}/messages"))
        .await
}

#[tokio::test]
async fn every_outgoing_message_of_every_ending_passes_xmllint() {
    let node = start().await;
    let mut types = std::collections::BTreeSet::new();
    // Written off, with a control, an incident, and a B1 at destination resolved.
    let a = node.lodge_ok("silkway", &corridor("XSD-A")).await;
    node.customs(
        "officer.kz",
        &a,
        "control-decision",
        json!({"office": "KZHOR001", "controlType": "scanning"}),
    )
    .await;
    node.customs(
        "officer.kz",
        &a,
        "control-result",
        json!({"office": "KZHOR001", "result": "A1"}),
    )
    .await;
    node.customs_ok("officer.kz", &a, "release", "KZHOR001")
        .await;
    node.customs(
        "officer.az",
        &a,
        "incident",
        json!({"office": "AZALA001", "text": "seal replaced"}),
    )
    .await;
    node.customs_ok("officer.ge", &a, "arrival", "GEPTI001")
        .await;
    node.customs(
        "officer.ge",
        &a,
        "control-result",
        json!({"office": "GEPTI001", "result": "B1", "findings": [
            {"kind": "mass", "goodsItem": 2, "description": "gross mass above the declared one", "declared": "9000 kg", "found": "9650 kg"},
            {"kind": "undeclared_goods", "description": "two pallets of tyres not in the declaration <&> 'quoted'"}
        ]}),
    )
    .await;
    node.customs_ok("officer.ge", &a, "goods-release", "GEPTI001")
        .await;
    node.customs_ok("officer.ge", &a, "resolve-discrepancies", "GEPTI001")
        .await;
    // Rejected; not released; cancelled; amended; guarantee not valid; enquiry and recovery.
    let (_, r) = node
        .lodge_xml(
            "silkway",
            &corridor("XSD-R").replace(
                "<accessCode>1111</accessCode>",
                "<accessCode>0000</accessCode>",
            ),
        )
        .await;
    let b = node.lodge_ok("silkway", &corridor("XSD-B")).await;
    node.customs(
        "officer.kz",
        &b,
        "control-result",
        json!({"office": "KZHOR001", "result": "B1", "findings": [{"kind": "documents", "description": "the invoice does not match the goods"}]}),
    )
    .await;
    let c = node.lodge_ok("silkway", &corridor("XSD-C")).await;
    node.customs(
        "officer.kz",
        &c,
        "cancellation-decision",
        json!({"office": "KZHOR001", "accept": true}),
    )
    .await;
    let d = node.lodge_ok("silkway", &corridor("XSD-D")).await;
    node.send(
        node.client
            .post(format!("{}/movements/departures/{d}/amendment", node.base))
            .bearer_auth(node.token("silkway"))
            .header("Content-Type", "application/xml")
            .body(corridor("XSD-D")),
    )
    .await;
    let (_, g) = node
        .lodge_xml("caspian", &crate::common::caspian("XSD-G", "150000.00"))
        .await;
    let e = node.lodge_ok("silkway", &corridor("XSD-E")).await;
    node.customs_ok("officer.kz", &e, "release", "KZHOR001")
        .await;
    cats_app::act::check_time_limits(&node.app, chrono::Utc::now() + chrono::Duration::days(40))
        .await
        .unwrap();
    node.customs_ok("officer.kz", &e, "recovery", "KZHOR001")
        .await;
    for (user, id) in [
        ("silkway", a.as_str()),
        ("silkway", r["id"].as_str().unwrap()),
        ("silkway", &b),
        ("silkway", &c),
        ("silkway", &d),
        ("caspian", g["id"].as_str().unwrap()),
        ("silkway", &e),
    ] {
        types.extend(assert_outgoing_messages_valid(&node, user, id).await);
    }
    if shared().is_some() {
        for t in [
            "CC928C", "CC028C", "CC056C", "CC055C", "CC060C", "CC051C", "CC029C", "CC009C",
            "CC182C", "CC025C", "CC019C", "CC045C", "CC004C", "CC035C",
        ] {
            assert!(
                types.contains(t),
                "{t} not produced in the scenarios: {types:?}"
            );
        }
    }
}

#[tokio::test]
async fn refused_messages_are_kept_with_their_nack() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("NACK-1")).await;
    let url = format!("{}/movements/departures/{id}/messages", node.base);
    let broken = r#"<ncts:CC014C PhaseID="NCTS5.0" xmlns:ncts="http://ncts.dgtaxud.ec"><messageSender>KZ840000123456</messageSender></ncts:CC014C>"#;
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .body(broken)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .body(corridor("NACK-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "a CC015C is not taken here"
    );
    let types = node.message_types("silkway", &id).await;
    assert!(
        types.contains(&"CC917C".to_string()) && types.contains(&"CC906C".to_string()),
        "{types:?}"
    );
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["state"], "Accepted", "nothing else changed");
    let checked = assert_outgoing_messages_valid(&node, "silkway", &id).await;
    if shared().is_some() {
        assert!(
            checked.contains(&"CC917C".to_string()) && checked.contains(&"CC906C".to_string()),
            "{checked:?}"
        );
    }
    // Another trader learns nothing, even of the movement's existence.
    let res = node
        .client
        .post(&url)
        .bearer_auth(node.token("caspian"))
        .header("Content-Type", "application/xml")
        .body(broken)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
