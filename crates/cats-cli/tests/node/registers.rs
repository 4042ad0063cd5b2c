//! The pilots' conformity scenario, as one test on the real server: a trader and an insurer
//! apply, an officer approves both, the insurer submits a contract, the officer approves it and a
//! GRN is allocated, the trader lodges an STD against it, the running total rises at release and
//! falls at write-off, and a movement sent to recovery raises a claim that the insurer sees.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use cats_app::act;
use cats_domain::ids::Grn;

use crate::common::start;
use crate::registers_kit::{declaration_for, rule_ids};

const TRADER: &str = "KZ123456789012";
const INSURER: &str = "KZ987654321098";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pilots_conformity_scenario() {
    let node = start().await;
    let today = Utc::now().date_naive();
    let trader = node
        .new_user(
            "steppe.freight",
            "trader",
            Some((TRADER, "Steppe Freight LLP", "KZ")),
        )
        .await;
    let insurer = node
        .new_user(
            "altyn.insurance",
            "insurer",
            Some((INSURER, "Altyn Insurance JSC", "KZ")),
        )
        .await;

    // 1. The trader and the insurer apply; the trader attaches its AEO certificate.
    let trader_reg = node
        .apply(&trader, "aeo", TRADER, "Steppe Freight LLP")
        .await;
    let insurer_reg = node
        .apply(
            &insurer,
            "authorised_insurer",
            INSURER,
            "Altyn Insurance JSC",
        )
        .await;
    let pdf = b"%PDF-1.4\n% AEO certificate KZ-AEO-0042\n%%EOF\n".to_vec();
    let res = node
        .client
        .post(format!(
            "{}/registrations/{trader_reg}/documents?filename=aeo-certificate.pdf",
            node.base
        ))
        .bearer_auth(&trader)
        .header("Content-Type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let doc: serde_json::Value = res.json().await.unwrap();
    let href = doc["_links"]["download"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let res = node
        .client
        .get(format!("{}{href}", node.base))
        .bearer_auth(node.token("officer.kz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["x-content-sha256"],
        doc["sha256"].as_str().unwrap()
    );
    assert_eq!(
        res.bytes().await.unwrap().to_vec(),
        pdf,
        "stored byte for byte"
    );

    // Not approved yet: the insurer cannot offer a guarantee (CATS023).
    let (status, v) = node
        .call(
            &insurer,
            Method::POST,
            "/contracts",
            Some(json!({
            "policyNumber": "EARLY", "holder": TRADER, "referenceAmount": "1.00", "currency": "USD",
            "validFrom": today, "validTo": today, "countries": ["KZ"], "indemnity": "x"})),
        )
        .await;
    assert_eq!(
        (status, v["ruleId"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("CATS023")),
        "{v}"
    );

    // 2. An officer of KZ approves both (an officer of AZ may not).
    let valid = json!({ "validFrom": today, "validTo": today + Duration::days(365) });
    let (status, _) = node
        .post(
            "officer.az",
            &format!("/registrations/{trader_reg}/actions/approve"),
            valid.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let approved = node
        .registration_step("officer.kz", &trader_reg, "approve", valid.clone())
        .await;
    assert_eq!(
        (approved["status"].as_str(), approved["active"].as_bool()),
        (Some("approved"), Some(true))
    );
    node.registration_step("officer.kz", &insurer_reg, "approve", valid)
        .await;
    // AEO status and validity, for an officer of another country on the route.
    let (_, party) = node.get("officer.ge", &format!("/parties/{TRADER}")).await;
    assert_eq!(
        (party["aeo"].as_bool(), party["status"].as_str()),
        (Some(true), Some("AEO")),
        "{party}"
    );
    assert_eq!(
        party["registrations"][0]["validTo"],
        json!(today + Duration::days(365))
    );
    let (_, reg) = node
        .call(
            &trader,
            Method::GET,
            &format!("/registrations/{trader_reg}"),
            None,
        )
        .await;
    let steps: Vec<&str> = reg["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["apply", "document", "approve"]);

    // 3. The insurer submits a contract; 4. the officer approves it: a GRN with its check digit.
    let contract = node
        .submit_contract(&insurer, TRADER, "200000.00", 365)
        .await;
    let grn = node.approve_contract(&contract).await;
    let parsed = Grn::parse(&grn).expect("a valid GRN");
    assert_eq!(
        (parsed.country().as_str(), parsed.year()),
        ("KZ", today.format("%Y").to_string().parse().unwrap())
    );
    // The holder sets its access code: the contract is in force.
    let (status, v) = node
        .call(
            &trader,
            Method::POST,
            &format!("/contracts/{contract}/access-code"),
            Some(json!({ "accessCode": "7777" })),
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (StatusCode::OK, Some("active")),
        "{v}"
    );
    let (_, notes) = node
        .call(&insurer, Method::GET, "/notifications", None)
        .await;
    let texts: Vec<&str> = notes["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("in force")) && texts.iter().any(|t| t.contains(&grn)),
        "{texts:?}"
    );
    let (_, notes) = node
        .call(&trader, Method::GET, "/notifications", None)
        .await;
    assert!(
        notes["count"].as_u64().unwrap() >= 4,
        "registration and every contract step: {notes}"
    );

    // 5. The trader lodges an STD against it; 6. the running total rises at release ...
    let (status, lodged) = node
        .call(&trader, Method::POST, "/movements/departures", None)
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{lodged}");
    let lodge = |lrn: &str| {
        node.client
            .post(format!("{}/movements/departures", node.base))
            .bearer_auth(&trader)
            .header("Content-Type", "application/xml")
            .body(declaration_for(lrn, TRADER, &grn, "7777"))
    };
    let (status, m1) = node.send(lodge("PILOT-1")).await;
    assert_eq!(
        (status, m1["state"].as_str()),
        (StatusCode::ACCEPTED, Some("Accepted")),
        "{m1}"
    );
    let m1 = m1["id"].as_str().unwrap().to_string();
    node.customs_ok("officer.kz", &m1, "release", "KZHOR001")
        .await;
    let c = node.contract(&insurer, &contract).await;
    assert_eq!(
        (c["runningTotal"].as_str(), c["available"].as_str()),
        (Some("25000.00"), Some("175000.00")),
        "{c}"
    );
    assert_eq!(c["usage"][0]["status"], "reserved");
    // ... and falls at write-off.
    node.customs_ok("officer.ge", &m1, "arrival", "GEPTI001")
        .await;
    node.customs_ok("officer.ge", &m1, "goods-release", "GEPTI001")
        .await;
    let c = node.contract(&insurer, &contract).await;
    assert_eq!(c["runningTotal"], "0.00");
    assert_eq!(c["usage"][0]["status"], "credited");

    // 7. A movement sent to recovery raises a claim that the insurer sees.
    let (_, m2) = node.send(lodge("PILOT-2")).await;
    let m2 = m2["id"].as_str().unwrap().to_string();
    node.customs_ok("officer.kz", &m2, "release", "KZHOR001")
        .await;
    let moved = act::check_time_limits(&node.app, Utc::now() + Duration::days(31))
        .await
        .unwrap();
    assert_eq!(moved, [Uuid::parse_str(&m2).unwrap()]);
    node.customs_ok("officer.kz", &m2, "recovery", "KZHOR001")
        .await;
    let (_, claims) = node.call(&insurer, Method::GET, "/claims", None).await;
    assert_eq!(claims["count"], 1, "{claims}");
    let claim = &claims["claims"][0];
    assert_eq!(
        (
            claim["status"].as_str(),
            claim["amount"].as_str(),
            claim["currency"].as_str()
        ),
        (Some("raised"), Some("25000.00"), Some("USD"))
    );
    assert_eq!(claim["grn"], grn.as_str());
    assert!(claim["mrn"].is_string());
    let (_, notes) = node
        .call(&insurer, Method::GET, "/notifications", None)
        .await;
    let claim_note = notes["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "claim.status")
        .expect("a claim notification");
    assert!(
        claim_note["text"]
            .as_str()
            .unwrap()
            .contains("claim raised"),
        "{notes}"
    );
    let claim_id = claim["id"].as_str().unwrap().to_string();

    // The contract cannot be cancelled while the claim is open; paying closes the liability.
    let cancel = json!({ "reason": "portfolio closed" });
    let (status, v) = node
        .call(
            &insurer,
            Method::POST,
            &format!("/contracts/{contract}/actions/cancel"),
            Some(cancel.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("open liabilities"),
        "{v}"
    );
    let (status, v) = node
        .call(
            &insurer,
            Method::POST,
            &format!("/claims/{claim_id}/actions/contest"),
            Some(json!({ "reason": "goods seen in Poti" })),
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (StatusCode::OK, Some("contested")),
        "{v}"
    );
    let (status, _) = node
        .call(
            &trader,
            Method::POST,
            &format!("/claims/{claim_id}/actions/pay"),
            Some(json!({ "reference": "X" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the insurer pays");
    let (status, v) = node
        .call(
            &insurer,
            Method::POST,
            &format!("/claims/{claim_id}/actions/pay"),
            Some(json!({ "reference": "SWIFT-0001" })),
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (StatusCode::OK, Some("paid")),
        "{v}"
    );
    let c = node.contract(&insurer, &contract).await;
    assert_eq!(
        (c["runningTotal"].as_str(), c["openLiabilities"].as_bool()),
        (Some("0.00"), Some(false))
    );
    let (status, v) = node
        .call(
            &insurer,
            Method::POST,
            &format!("/contracts/{contract}/actions/cancel"),
            Some(cancel),
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (StatusCode::OK, Some("revoked")),
        "{v}"
    );
    let c = node.contract(&insurer, &contract).await;
    assert!(
        c["liabilityEnd"].is_string(),
        "the liability end is recorded: {c}"
    );
    // The audit log of the movement has the claim's answers.
    let (_, audit) = node
        .get("officer.kz", &format!("/movements/departures/{m2}/audit"))
        .await;
    let actions: Vec<&str> = audit["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"claim.pay") && actions.contains(&"recovery"),
        "{actions:?}"
    );
    // A revoked contract cannot be used.
    let (_, m3) = node.send(lodge("PILOT-3")).await;
    assert_eq!(m3["state"], "Rejected");
    assert_eq!(rule_ids(&m3), ["CATS018"], "{m3}");
}
