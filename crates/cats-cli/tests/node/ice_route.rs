//! Goods where the record is not (issue 12): a movement from Aktau declared for Baku (node AZ)
//! turns up at Red Bridge and Tbilisi (node GE, which got no record). The officers there record
//! what they see from the paper transit accompanying document; their node asks Kazakhstan for
//! the record (CD114C route change, CD002C diversion), gets it (CD115C, CD003C), and the
//! passages travel home as any other: the movement is written off at Aktau, and Baku, the
//! declared destination, hears where the goods arrived (CD024C).

use reqwest::StatusCode;
use serde_json::Value;

use crate::ice::{offices, CORRIDOR};
use crate::ice_kit::{aktau_tbilisi, IceNetwork};

/// Aktau (KZAAU001) → Baku (AZBAK001) through Alat (AZALA001, transit): no office in Georgia.
fn aktau_baku(lrn: &str) -> String {
    let xml = aktau_tbilisi(lrn).replace(
        "<CustomsOfficeOfDestinationDeclared>\n    <referenceNumber>GETBS001</referenceNumber>",
        "<CustomsOfficeOfDestinationDeclared>\n    <referenceNumber>AZBAK001</referenceNumber>",
    );
    let xml = crate::ice_kit::cut(
        &xml,
        "<CustomsOfficeOfTransitDeclared>\n    <sequenceNumber>2</sequenceNumber>",
        "</CustomsOfficeOfTransitDeclared>",
    );
    crate::ice_kit::cut(
        &xml,
        "<CustomsOfficeOfExitForTransitDeclared>",
        "</CustomsOfficeOfExitForTransitDeclared>",
    )
}

/// Lodge at Aktau and release: the movement id and its MRN.
async fn released(net: &IceNetwork, lrn: &str) -> (String, String) {
    let (status, body) = net.lodge("KZ", "silkway", &aktau_baku(lrn)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Accepted", "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    let (status, body) = net
        .customs("KZ", "officer.kz", &id, "release", "KZAAU001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (id, body["mrn"].as_str().unwrap().to_string())
}

/// An officer at Georgia's node records a passage from the paper document.
async fn from_paper(net: &IceNetwork, mrn: &str, passage: &str, office: &str) -> Value {
    let n = net.node("GE");
    let (status, body) = net
        .call(
            net.client
                .post(format!("{}/ice/fallback", n.base()))
                .bearer_auth(&n.tokens["officer.ge"])
                .json(&serde_json::json!({
                    "mrn": mrn, "passage": passage, "office": office,
                    "remarks": "TAD presented, seals intact"
                })),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn goods_off_the_declared_route_get_their_record_and_go_home() {
    let net = IceNetwork::start(CORRIDOR).await;
    let (id, mrn) = released(&net, "ICE-ROUTE-1").await;
    let (status, _) = net
        .get("GE", "officer.ge", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "Georgia is not on the declared route"
    );
    net.wait_movement("AZ", "officer.az", &id, 20, "the ATR at Alat", |_| true)
        .await;
    let (status, body) = net
        .customs("AZ", "officer.az", &id, "entry", "AZALA001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A route change: the goods enter Georgia at Red Bridge.
    from_paper(&net, &mrn, "entry", "GERBR001").await;
    let m = net
        .wait_movement("KZ", "officer.kz", &id, 20, "entry at Red Bridge", |m| {
            offices(m) == ["AZALA001", "GERBR001"]
        })
        .await;
    let passage = &m["passages"][1];
    assert_eq!(passage["declared"], false, "not a declared office: {m}");
    let copy = net
        .wait_movement("GE", "officer.ge", &id, 20, "Georgia's copy", |m| {
            offices(m).len() == 2
        })
        .await;
    assert_eq!(copy["home"], "KZ", "{copy}");
    // A diversion: the goods arrive at Tbilisi instead of Baku; Georgia has the record now.
    for action in ["arrival", "goods-release"] {
        let (status, body) = net
            .customs("GE", "officer.ge", &id, action, "GETBS001")
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        net.wait_movement("KZ", "officer.kz", &id, 20, action, |m| {
            m["arrivalOffice"] == "GETBS001"
        })
        .await;
    }
    let m = net
        .wait_movement("KZ", "officer.kz", &id, 20, "written off", |m| {
            m["state"] == "WrittenOff"
        })
        .await;
    assert_eq!(m["arrivalOffice"], "GETBS001", "{m}");
    // Baku, the declared office of destination, heard where the goods arrived (CD024C).
    let baku = net
        .wait_movement("AZ", "officer.az", &id, 20, "AZ's copy", |m| {
            m["state"] == "WrittenOff"
        })
        .await;
    assert_eq!(baku["arrivalOffice"], "GETBS001", "{baku}");
    let (_, admin) = net.get("KZ", "admin", "/admin/ice").await;
    let seen = admin.to_string();
    for code in ["CD114C", "CD115C", "CD024C"] {
        assert!(seen.contains(code), "{code} exchanged by KZ: {seen}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn goods_arriving_at_an_office_without_the_record_get_it_by_aar_request() {
    let net = IceNetwork::start(CORRIDOR).await;
    let (id, mrn) = released(&net, "ICE-ROUTE-2").await;
    // The officer at Tbilisi looks the MRN up at its node of departure first (CD027C, CD038C).
    let (status, found) = net
        .get("GE", "officer.ge", &format!("/ice/movements/{mrn}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["node"], "KZ", "{found}");
    assert_eq!(found["known"], true, "{found}");
    assert_eq!(found["movement"]["state"], "ReleasedForTransit", "{found}");
    assert_eq!(found["movementId"], id.as_str(), "{found}");
    let (status, _) = net
        .get("GE", "silkway", &format!("/ice/movements/{mrn}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "officers only");
    let fallback = from_paper(&net, &mrn, "arrival", "GETBS001").await;
    assert_eq!(fallback["status"], "pending", "{fallback}");
    // CD002C to Kazakhstan, CD003C back: the arrival is applied there and goes home.
    let m = net
        .wait_movement("KZ", "officer.kz", &id, 20, "arrival at Tbilisi", |m| {
            m["state"] == "Arrived"
        })
        .await;
    assert_eq!(m["arrivalOffice"], "GETBS001", "{m}");
    let (_, list) = net.get("GE", "officer.ge", "/ice/fallback").await;
    assert_eq!(list["passages"][0]["status"], "applied", "{list}");
    let (status, body) = net
        .customs("GE", "officer.ge", &id, "goods-release", "GETBS001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    net.wait_movement("KZ", "officer.kz", &id, 20, "written off", |m| {
        m["state"] == "WrittenOff"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_announcing_maintenance_gets_its_messages_when_it_says_it_is_back() {
    let net = IceNetwork::start(CORRIDOR).await;
    let az = net.node("AZ");
    let announce = |path: &str, body: Value| {
        net.client
            .post(format!("{}{path}", az.base()))
            .bearer_auth(&az.tokens["admin"])
            .json(&body)
    };
    let now = chrono::Utc::now();
    let window = serde_json::json!({
        "from": now - chrono::Duration::minutes(1),
        "to": now + chrono::Duration::hours(1),
        "reason": "database upgrade"
    });
    let (status, body) = net
        .call(announce("/admin/ice/unavailability", window))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["peers"], serde_json::json!(["GE", "KZ"]), "{body}");
    // Bad windows are refused, and only administrators announce.
    let (status, _) = net
        .call(announce(
            "/admin/ice/unavailability",
            serde_json::json!({"from": now, "to": now - chrono::Duration::hours(1), "reason": "x"}),
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = net.get("KZ", "admin", "/admin/ice").await.1;
        if seen["announced"][0]["peer"] == "AZ" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen["announced"][0]["window"]["reason"], "database upgrade",
        "{seen}"
    );
    // A release at Aktau: Azerbaijan's records wait for the window's end.
    let (id, _) = released(&net, "ICE-MAINT-1").await;
    let (status, body) = net
        .customs("KZ", "officer.kz", &id, "release", "KZAAU001")
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "released already: {body}");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (status, _) = net
        .get("AZ", "officer.az", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nothing delivered inside the window"
    );
    let (_, kz) = net.get("KZ", "admin", "/admin/ice").await;
    let queue = &kz["queues"][0];
    assert_eq!(queue["peer"], "AZ", "{kz}");
    assert_eq!(
        queue["pending"], 2,
        "the AAR for Baku and the ATR for Alat wait: {kz}"
    );
    assert!(
        queue["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("announced")),
        "{kz}"
    );
    // Retrying now does not override the window: the messages are due, and deferred again.
    let kz_node = net.node("KZ");
    let retry = |peer: &str| {
        net.client
            .post(format!("{}/admin/ice/peers/{peer}/retry", kz_node.base()))
            .bearer_auth(&kz_node.tokens["admin"])
    };
    let (status, body) = net.call(retry("AZ")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["rescheduled"].as_u64().is_some_and(|n| n >= 1),
        "{body}"
    );
    let (status, _) = net.call(retry("XX")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Back: the record arrives at once, not an hour later.
    let (status, body) = net
        .call(announce("/admin/ice/available", Value::Null))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    net.wait_movement("AZ", "officer.az", &id, 20, "the ATR after CD071C", |_| {
        true
    })
    .await;
    let (_, kz) = net.get("KZ", "admin", "/admin/ice").await;
    assert_eq!(kz["announced"], serde_json::json!([]), "{kz}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_aeo_decision_in_kazakhstan_reaches_the_other_nodes() {
    let net = IceNetwork::start(CORRIDOR).await;
    let (_, regs) = net
        .get(
            "KZ",
            "officer.kz",
            "/registrations?party=KZ840000123456&register=aeo",
        )
        .await;
    let id = regs["registrations"][0]["id"].as_str().unwrap().to_string();
    let step = |node: &str, officer: &str, action: &str| {
        let n = net.node(node);
        net.client
            .post(format!("{}/registrations/{id}/actions/{action}", n.base()))
            .bearer_auth(&n.tokens[officer])
            .json(&serde_json::json!({ "reason": "audit findings on the premises" }))
    };
    let (status, body) = net.call(step("KZ", "officer.kz", "suspend")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Azerbaijan keeps Kazakhstan's decision (CA004C).
    // The demo gave every node Silk Way's Kazakh AEO registration: each keeps it, as decided
    // in Kazakhstan from now on.
    let seen = |status: &'static str| {
        move |p: &Value| {
            p["registrations"].as_array().is_some_and(|r| {
                r.iter().any(|x| {
                    x["register"] == "aeo" && x["country"] == "KZ" && x["status"] == status
                })
            })
        }
    };
    let mut party = Value::Null;
    for _ in 0..100 {
        party = net
            .get("AZ", "officer.az", "/parties/KZ840000123456")
            .await
            .1;
        if seen("suspended")(&party) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let admin = net.get("KZ", "admin", "/admin/ice").await.1;
    assert!(seen("suspended")(&party), "{party}\nKZ: {admin}");
    // Only officers of Kazakhstan decide it.
    let theirs = party["registrations"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["register"] == "aeo"))
        .and_then(|x| x["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let n = net.node("AZ");
    let (status, _) = net
        .call(
            net.client
                .post(format!(
                    "{}/registrations/{theirs}/actions/revoke",
                    n.base()
                ))
                .bearer_auth(&n.tokens["officer.az"])
                .json(&serde_json::json!({ "reason": "not ours to decide" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(party["aeo"], false, "not an AEO while suspended: {party}");
    let (status, body) = net.call(step("KZ", "officer.kz", "reinstate")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for _ in 0..100 {
        party = net
            .get("GE", "officer.ge", "/parties/KZ840000123456")
            .await
            .1;
        if seen("approved")(&party) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen("approved")(&party), "Georgia too: {party}");
    assert_eq!(party["aeo"], true, "{party}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_risk_profile_shared_in_kazakhstan_selects_in_georgia() {
    let net = IceNetwork::start(CORRIDOR).await;
    let kz = net.node("KZ");
    let post = |path: String, body: Value| {
        net.client
            .post(format!("{}{path}", kz.base()))
            .bearer_auth(&kz.tokens["officer.kz"])
            .json(&body)
    };
    let profile = serde_json::json!({
        "id": "P-9001",
        "description": "Engines declared as spare parts on the corridor",
        "hs_prefix": "8407",
        "control_type": "physical",
    });
    let (status, body) = net.call(post("/risk/profiles".into(), profile)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = net
        .call(post("/risk/profiles/P-9001/share".into(), Value::Null))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["peers"], serde_json::json!(["AZ", "GE"]), "{body}");
    // Only risk analysts share.
    let (status, _) = net
        .call(
            net.client
                .post(format!("{}/risk/profiles/P-9001/share", kz.base()))
                .bearer_auth(&kz.tokens["silkway"]),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Georgia keeps it as its own profile, in force at once.
    let ge = net
        .node("GE")
        .db
        .open(cats_domain::risk::RiskPolicy::default())
        .await
        .app;
    let mut kept = None;
    for _ in 0..100 {
        kept = ge
            .store()
            .risk_profile_versions("KZ-P-9001")
            .await
            .unwrap()
            .pop();
        if kept.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let kept = kept.expect("Georgia keeps the shared profile");
    assert!(!kept.retired);
    assert_eq!(kept.profile.hs_prefix.as_deref(), Some("8407"));
    assert!(kept.profile.description.starts_with("[KZ] "), "{kept:?}");
    let policy = cats_app::risk_profiles::policy_now(&ge).await.unwrap();
    assert!(
        policy.profiles.iter().any(|p| p.id == "KZ-P-9001"),
        "in force in Georgia"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_enquiry_kazakhstan_asks_azerbaijan_to_recover_and_it_accepts() {
    let net = IceNetwork::start(CORRIDOR).await;
    let id = crate::ice::released(&net, "ICE-RECOVERY-1").await;
    net.wait_movement("AZ", "officer.az", &id, 20, "the ATR at Alat", |_| true)
        .await;
    // The time limit passes at Aktau (its node's check, run here on its database three weeks
    // on): the enquiry asks Tbilisi (CD142C), which answers what it knows (CD143C).
    let topology = cats_app::ice::Topology {
        node: "KZ".parse().unwrap(),
        hosted: ["KZ".parse().unwrap()].into_iter().collect(),
        peers: [
            ("AZ".parse().unwrap(), "AZ".parse().unwrap()),
            ("GE".parse().unwrap(), "GE".parse().unwrap()),
        ]
        .into_iter()
        .collect(),
    };
    let kz = net
        .node("KZ")
        .db
        .open(cats_domain::risk::RiskPolicy::default())
        .await
        .app
        .with_topology(Some(topology));
    let later = chrono::Utc::now() + chrono::Duration::days(21);
    let moved = cats_app::act::check_time_limits(&kz, later).await.unwrap();
    assert_eq!(moved.len(), 1);
    let mut history = Value::Null;
    for _ in 0..100 {
        history = net
            .get(
                "KZ",
                "officer.kz",
                &format!("/movements/departures/{id}/messages"),
            )
            .await
            .1;
        if history.to_string().contains("CD143C") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        history.to_string().contains("CD143C"),
        "the enquiry answered: {history}"
    );
    // Kazakhstan asks Azerbaijan to recover (CD150C); only its own officers may.
    let ask = |user: &str| {
        let n = net.node("KZ");
        net.client
            .post(format!(
                "{}/movements/departures/{id}/recovery-requests",
                n.base()
            ))
            .bearer_auth(&n.tokens[user])
            .json(&serde_json::json!({
                "country": "AZ", "reason": "seals found broken at Alat; goods missing"
            }))
    };
    let (status, _) = net.call(ask("officer.az")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, m) = net.call(ask("officer.kz")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["recoveryRequests"][0]["status"], "requested", "{m}");
    let (status, _) = net.call(ask("officer.kz")).await;
    assert_eq!(status, StatusCode::CONFLICT, "asked already");
    net.wait_movement("AZ", "officer.az", &id, 20, "the request at Baku", |m| {
        m["recoveryRequests"][0]["status"] == "requested"
    })
    .await;
    let az = net.node("AZ");
    let (status, body) = net
        .call(
            net.client
                .post(format!(
                    "{}/movements/departures/{id}/recovery-answer",
                    az.base()
                ))
                .bearer_auth(&az.tokens["officer.az"])
                .json(&serde_json::json!({
                    "accept": true, "reason": "the irregularity took place at Alat"
                })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let m = net
        .wait_movement("KZ", "officer.kz", &id, 20, "the answer at Aktau", |m| {
            m["recoveryRequests"][0]["status"] == "accepted"
        })
        .await;
    assert_eq!(
        m["recoveryRequests"][0]["answer"], "the irregularity took place at Alat",
        "{m}"
    );
}
