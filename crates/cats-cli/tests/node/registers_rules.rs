//! What the registers forbid, each with its rule id: an unapproved or suspended party (CATS007),
//! an insurer no longer authorised (CATS023), a suspended, revoked or expired contract (CATS018),
//! another currency without a rate (CATS021); and what they grant: AEO benefits, exchange rates,
//! the holder's access code.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use cats_domain::risk::{AeoBenefits, RiskPolicy};

use crate::common::{corridor, start, start_with};
use crate::registers_kit::{declaration_for, rule_ids};

const SILKWAY: &str = "KZ840000123456";
const SILKWAY_GRN: &str = "25KZ0000SRI000010";

async fn silkway_registration(node: &crate::common::TestNode) -> String {
    let (_, list) = node.get("silkway", "/registrations").await;
    list["registrations"][0]["id"].as_str().unwrap().to_string()
}

async fn steppe_registration(node: &crate::common::TestNode) -> String {
    let (_, list) = node.get("steppe", "/registrations").await;
    list["registrations"][0]["id"].as_str().unwrap().to_string()
}

async fn lodge_rules(
    node: &crate::common::TestNode,
    user: &str,
    xml: &str,
) -> (Value, Vec<String>) {
    let (status, body) = node.lodge_xml(user, xml).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let ids = rule_ids(&body);
    (body, ids)
}

#[tokio::test]
async fn unapproved_suspended_and_unauthorised_parties_cannot_be_used() {
    let node = start().await;
    // A trader with an account but no approved registration: CATS007.
    let fresh = node
        .new_user(
            "fresh",
            "trader",
            Some(("KZ555555555555", "Fresh Cargo LLP", "KZ")),
        )
        .await;
    let res = node
        .client
        .post(format!("{}/movements/departures", node.base))
        .bearer_auth(&fresh)
        .header("Content-Type", "application/xml")
        .body(declaration_for(
            "FRESH-1",
            "KZ555555555555",
            SILKWAY_GRN,
            "1111",
        ))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["state"], "Rejected");
    assert!(rule_ids(&body).contains(&"CATS007".to_string()), "{body}");

    // Silk Way's AEO registration suspended: CATS007; reinstated: accepted again.
    let reg = silkway_registration(&node).await;
    node.registration_step("officer.kz", &reg, "suspend", json!({ "reason": "audit" }))
        .await;
    let (_, ids) = lodge_rules(&node, "silkway", &corridor("SUSP-1")).await;
    assert_eq!(ids, ["CATS007"]);
    let (_, party) = node.get("officer.az", &format!("/parties/{SILKWAY}")).await;
    assert_eq!(
        (party["aeo"].as_bool(), party["active"].as_bool()),
        (Some(false), Some(false))
    );
    node.registration_step("officer.kz", &reg, "reinstate", json!({}))
        .await;
    node.lodge_ok("silkway", &corridor("SUSP-2")).await;
    let (_, notes) = node.get("silkway", "/notifications").await;
    let registration_note = notes["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "registration.status")
        .expect("a registration notification");
    assert!(
        registration_note["text"]
            .as_str()
            .unwrap()
            .contains("reinstated"),
        "{notes}"
    );

    // The insurer's authorisation suspended: its guarantees cannot be used (CATS023), and it
    // cannot offer new ones.
    let steppe = steppe_registration(&node).await;
    node.registration_step(
        "officer.kz",
        &steppe,
        "suspend",
        json!({ "reason": "solvency review" }),
    )
    .await;
    let (_, ids) = lodge_rules(&node, "silkway", &corridor("INS-1")).await;
    assert_eq!(ids, ["CATS023"]);
    let today = Utc::now().date_naive();
    let (status, v) = node
        .post(
            "steppe",
            "/contracts",
            json!({
            "policyNumber": "P", "holder": SILKWAY, "referenceAmount": "10.00", "currency": "USD",
            "validFrom": today, "validTo": today, "countries": ["KZ"], "indemnity": "x" }),
        )
        .await;
    assert_eq!(
        (status, v["ruleId"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("CATS023"))
    );
    node.registration_step(
        "officer.kz",
        &steppe,
        "revoke",
        json!({ "reason": "licence withdrawn" }),
    )
    .await;
    let (status, _) = node
        .post(
            "officer.kz",
            &format!("/registrations/{steppe}/actions/reinstate"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "revoked is final");
}

#[tokio::test]
async fn suspended_revoked_and_expired_contracts_cannot_be_used() {
    let node = start().await;
    let demo = node.contract_id_of(SILKWAY_GRN).await;
    // Suspended before lodging: CATS018.
    let (status, v) = node
        .contract_step(
            "officer.kz",
            &demo,
            "suspend",
            json!({ "reason": "premium unpaid" }),
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (StatusCode::OK, Some("suspended")),
        "{v}"
    );
    let (body, ids) = lodge_rules(&node, "silkway", &corridor("CS-1")).await;
    assert_eq!(ids, ["CATS018"]);
    assert!(
        body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("suspended"),
        "{body}"
    );
    let (status, _) = node
        .contract_step("officer.ge", &demo, "reinstate", json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "decided by officers of the GRN's country"
    );
    node.contract_step("officer.kz", &demo, "reinstate", json!({}))
        .await;
    // Suspended between lodging and release: the reservation is refused (CC055C, CATS018).
    let id = node.lodge_ok("silkway", &corridor("CS-2")).await;
    node.contract_step(
        "officer.kz",
        &demo,
        "suspend",
        json!({ "reason": "premium unpaid" }),
    )
    .await;
    let m = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    assert_eq!(m["state"], "GuaranteeNotValid");
    let (_, audit) = node
        .get("officer.kz", &format!("/movements/departures/{id}/audit"))
        .await;
    assert!(audit.to_string().contains("CATS018"), "{audit}");
    node.contract_step("officer.kz", &demo, "reinstate", json!({}))
        .await;

    // A contract approved through the API that expires: CATS018, "expired".
    let contract = node
        .submit_contract(node.token("steppe"), SILKWAY, "50000.00", 1)
        .await;
    let grn = node.approve_contract(&contract).await;
    // Before the holder sets a code nothing unlocks it (CATS017).
    let (_, ids) = lodge_rules(
        &node,
        "silkway",
        &declaration_for("EXP-0", SILKWAY, &grn, "1111"),
    )
    .await;
    assert_eq!(ids, ["CATS017"]);
    let (status, _) = node
        .post(
            "caspian",
            &format!("/contracts/{contract}/access-code"),
            json!({ "accessCode": "4444" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not Caspian's contract");
    let (status, _) = node
        .post(
            "silkway",
            &format!("/contracts/{contract}/access-code"),
            json!({ "accessCode": "44" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    node.post(
        "silkway",
        &format!("/contracts/{contract}/access-code"),
        json!({ "accessCode": "4444" }),
    )
    .await;
    // Changing the code needs the current one (CC026C analogue); the old one stops working.
    let (status, _) = node
        .post(
            "silkway",
            &format!("/contracts/{contract}/access-code"),
            json!({ "accessCode": "5555", "currentAccessCode": "0000" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = node
        .post(
            "silkway",
            &format!("/contracts/{contract}/access-code"),
            json!({ "accessCode": "5555", "currentAccessCode": "4444" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, ids) = lodge_rules(
        &node,
        "silkway",
        &declaration_for("EXP-1", SILKWAY, &grn, "4444"),
    )
    .await;
    assert_eq!(ids, ["CATS017"]);
    node.lodge_ok("silkway", &declaration_for("EXP-2", SILKWAY, &grn, "5555"))
        .await;
    let expired = cats_app::registers::contracts::expire(&node.app, Utc::now() + Duration::days(2))
        .await
        .unwrap();
    assert_eq!(expired.len(), 1);
    let (body, ids) = lodge_rules(
        &node,
        "silkway",
        &declaration_for("EXP-3", SILKWAY, &grn, "5555"),
    )
    .await;
    assert_eq!(ids, ["CATS018"]);
    assert!(
        body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
    let (_, notes) = node.get("steppe", "/notifications").await;
    assert!(
        notes["notifications"][0]["text"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{notes}"
    );
    // Out of sequence steps are refused.
    let (status, _) = node
        .contract_step("officer.kz", &contract, "reinstate", json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = node
        .contract_step(
            "steppe",
            &contract,
            "approve",
            json!({ "office": "KZHOR001" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn aeo_benefits_and_exchange_rates_apply_at_release() {
    let node = start_with(RiskPolicy {
        default_rate: 0.0,
        aeo: AeoBenefits {
            reserve_share: "0.50".parse().unwrap(),
            random_rate_factor: 0.5,
        },
        ..RiskPolicy::default()
    })
    .await;
    // Silk Way is an AEO: half of 25,000.00 USD is reserved, and the release records why.
    let id = node.lodge_ok("silkway", &corridor("AEO-1")).await;
    let m = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    assert_eq!(m["state"], "ReleasedForTransit");
    let (_, g) = node
        .get("silkway", &format!("/guarantees/{SILKWAY_GRN}"))
        .await;
    assert_eq!(g["exposure"], "12500.00");
    let (_, list) = node
        .get(
            "officer.kz",
            &format!("/movements/departures/{id}/messages"),
        )
        .await;
    let release = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageType"] == "release")
        .unwrap();
    let body = node
        .message_json(
            "officer.kz",
            release["_links"]["self"]["href"].as_str().unwrap(),
        )
        .await;
    assert_eq!(body["aeoBenefits"]["reserveShare"], "0.50", "{body}");
    assert_eq!(body["aeoBenefits"]["randomRateFactor"], 0.5, "{body}");
    assert_eq!(
        (
            body["coverage"][0]["declaredAmount"].as_str(),
            body["coverage"][0]["amount"].as_str()
        ),
        (Some("25000.00"), Some("12500.00"))
    );
    let (_, audit) = node
        .get("officer.kz", &format!("/movements/departures/{id}/audit"))
        .await;
    let text = audit.to_string();
    assert!(
        text.contains("AEO share 0.50") && text.contains("random selection rate × 0.5"),
        "{text}"
    );
    let (_, m) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["risk"][0]["aeo_factor"], 0.5, "{m}");

    // Another currency: refused without a reference rate (CATS021) ...
    let kzt = corridor("KZT-1")
        .replace("<currency>USD</currency>", "<currency>KZT</currency>")
        .replace(
            "<amountToBeCovered>25000.00</amountToBeCovered>",
            "<amountToBeCovered>10000000.00</amountToBeCovered>",
        );
    let (_, ids) = lodge_rules(&node, "silkway", &kzt).await;
    assert_eq!(ids, ["CATS021"]);
    // ... accepted with one (admin only), converted at release, the rate kept with the reservation.
    let today = Utc::now().date_naive();
    let rate = json!({ "from": "KZT", "to": "USD", "validFrom": today - Duration::days(1), "validTo": today + Duration::days(30), "rate": "0.0020" });
    let (status, _) = node
        .post("officer.kz", "/exchange-rates", rate.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = node.post("admin", "/exchange-rates", rate).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let res = node
        .client
        .get(format!("{}/exchange-rates", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["count"],
        1,
        "public reference data"
    );
    let id = node
        .lodge_ok("silkway", &kzt.replace("KZT-1", "KZT-2"))
        .await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let contract = node.contract_id_of(SILKWAY_GRN).await;
    let c = node.contract(node.token("steppe"), &contract).await;
    let usage = c["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["declaredCurrency"] == "KZT")
        .unwrap();
    // 10,000,000.00 KZT × 0.0020 = 20,000.00 USD, half of it for an AEO.
    assert_eq!(
        (
            usage["amount"].as_str(),
            usage["rate"].as_str(),
            usage["aeoShare"].as_str()
        ),
        (Some("10000.00"), Some("0.0020"), Some("0.50")),
        "{usage}"
    );
    assert_eq!(c["runningTotal"], "22500.00");

    // Caspian is an authorised trader, not an AEO: the whole amount.
    let xml = crate::common::caspian("CAS-1", "10000.00");
    let id = node.lodge_ok("caspian", &xml).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let (_, g) = node.get("caspian", "/guarantees/25KZ0000SRI000020").await;
    assert_eq!(g["exposure"], "10000.00");
}

#[tokio::test]
async fn roles_and_documents_are_checked() {
    let node = start().await;
    let reg = silkway_registration(&node).await;
    let upload = |user: &str, ct: &str, body: Vec<u8>| {
        node.client
            .post(format!(
                "{}/registrations/{reg}/documents?filename=x.pdf",
                node.base
            ))
            .bearer_auth(node.token(user))
            .header("Content-Type", ct.to_string())
            .body(body)
    };
    let (status, _) = node
        .send(upload("silkway", "application/pdf", b"<html>".to_vec()))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the bytes must be a PDF");
    let (status, _) = node
        .send(upload("silkway", "application/zip", b"PK".to_vec()))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = node
        .send(upload(
            "silkway",
            "application/pdf",
            [b"%PDF-".as_slice(), &vec![0u8; 2 * 1024 * 1024]].concat(),
        ))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = node
        .send(upload("caspian", "application/pdf", b"%PDF-1.4".to_vec()))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another company's registration is not visible"
    );
    let (status, _) = node
        .send(upload(
            "officer.kz",
            "application/pdf",
            b"%PDF-1.4".to_vec(),
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Every officer sees every registration; a company only its own; the admin none.
    let (_, all) = node.get("officer.tm", "/registrations?register=aeo").await;
    assert_eq!(all["count"], 2, "Silk Way and Kartli are AEOs: {all}");
    let (_, own) = node.get("caspian", "/registrations").await;
    assert_eq!(own["count"], 1);
    let (status, _) = node.get("admin", "/registrations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A second application in a register with a live registration is refused.
    let body = json!({ "register": "aeo", "name": "Silk Way", "address": "Almaty", "identificationNumber": SILKWAY, "country": "KZ", "contact": { "name": "A", "email": "a@b.kz" } });
    let (status, _) = node.post("silkway", "/registrations", body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut other = body.clone();
    other["identificationNumber"] = json!("AZ1402345678");
    let (status, _) = node.post("silkway", "/registrations", other).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only for its own company");
    let mut insurer = body;
    insurer["register"] = json!("authorised_insurer");
    let (status, v) = node.post("silkway", "/registrations", insurer).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a trader is not an insurer: {v}"
    );
    // Only the administrator creates users; traders and insurers see no one else's contracts.
    let (status, _) = node
        .post(
            "silkway",
            "/admin/users",
            json!({ "username": "x", "role": "admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, mine) = node.get("kura", "/contracts").await;
    assert_eq!(mine["count"], 1, "Kura insures Kartli only");
    let (status, _) = node
        .call(
            node.token("officer.kz"),
            Method::GET,
            "/notifications",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
