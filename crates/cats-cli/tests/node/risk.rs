//! Risk profiles maintained through the API by risk analysts (issue 6): versioned, audited, and
//! used by selection as soon as they change.

use cats_domain::risk::{RiskPolicy, RiskProfile};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{corridor, start_with, TestNode};

async fn post(node: &TestNode, user: &str, path: &str, body: Value) -> (StatusCode, Value) {
    node.send(
        node.client
            .post(format!("{}{path}", node.base))
            .bearer_auth(node.token(user))
            .json(&body),
    )
    .await
}

async fn profiles_fired_at_lodging(node: &TestNode, lrn: &str) -> Vec<String> {
    let id = node.lodge_ok("silkway", &corridor(lrn)).await;
    let (status, m) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_value(m["risk"][0]["profiles"].clone()).unwrap()
}

#[tokio::test]
async fn analysts_maintain_versioned_profiles_that_selection_uses() {
    let node = start_with(RiskPolicy {
        default_rate: 0.0,
        profiles: vec![RiskProfile {
            id: "P-FILE".into(),
            description: "from the policy file".into(),
            hs_prefixes: vec!["99".into()],
            ..RiskProfile::default()
        }],
        ..RiskPolicy::default()
    })
    .await;
    // Only officers with the risk-analyst permission (officer.kz in the demo data).
    for user in ["officer.az", "silkway", "admin"] {
        let (status, _) = node.get(user, "/risk/profiles").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
    let (status, _) = post(
        &node,
        "officer.az",
        "/risk/profiles",
        json!({"id": "P-X", "description": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The policy file's profiles were seeded as version 1.
    let (status, list) = node.get("officer.kz", "/risk/profiles").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["count"], 1);
    assert_eq!(list["profiles"][0]["id"], "P-FILE");
    assert_eq!(list["profiles"][0]["version"], 1);
    assert_eq!(list["profiles"][0]["changedBy"], "risk-policy");

    // Invalid criteria are refused with every problem.
    let (status, body) = post(
        &node,
        "officer.kz",
        "/risk/profiles",
        json!({"id": "p 1", "description": "", "hs_prefixes": ["85x"], "min_mass_kg": 10.0, "max_mass_kg": 5.0}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let text = body.to_string();
    for part in ["id", "description", "HS prefix", "mass"] {
        assert!(text.contains(part), "{part}: {text}");
    }

    // A profile on the demo holder at Khorgos fires at lodging.
    assert!(profiles_fired_at_lodging(&node, "RISK-0").await.is_empty());
    let profile = json!({
        "id": "P-SILK",
        "description": "silkway at Khorgos",
        "holders": ["KZ840000123456"],
        "offices": ["KZHOR001"],
        "control_type": "physical"
    });
    let (status, v1) = post(&node, "officer.kz", "/risk/profiles", profile.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    assert_eq!(
        (v1["version"].as_i64(), v1["changedBy"].as_str()),
        (Some(1), Some("officer.kz"))
    );
    let (status, _) = post(&node, "officer.kz", "/risk/profiles", profile.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "the id is taken");
    assert_eq!(profiles_fired_at_lodging(&node, "RISK-1").await, ["P-SILK"]);

    // A new version: another holder, so it no longer fires; a stale expectedVersion is refused.
    let mut changed = profile.clone();
    changed["holders"] = json!(["GE000000000001"]);
    let (status, v2) = post(
        &node,
        "officer.kz",
        "/risk/profiles/P-SILK/versions",
        json!({"expectedVersion": 1, "profile": changed}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    assert_eq!(v2["version"], 2);
    let (status, _) = post(
        &node,
        "officer.kz",
        "/risk/profiles/P-SILK/versions",
        json!({"expectedVersion": 1, "profile": profile}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(profiles_fired_at_lodging(&node, "RISK-2").await.is_empty());

    // Back to the demo holder (version 3), then retired (version 4): fires, then not.
    let (status, _) = post(
        &node,
        "officer.kz",
        "/risk/profiles/P-SILK/versions",
        json!({"profile": profile}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(profiles_fired_at_lodging(&node, "RISK-3").await, ["P-SILK"]);
    let (status, v4) = post(
        &node,
        "officer.kz",
        "/risk/profiles/P-SILK/retirement",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v4}");
    assert_eq!(
        (v4["version"].as_i64(), v4["retired"].as_bool()),
        (Some(4), Some(true))
    );
    let (status, _) = post(
        &node,
        "officer.kz",
        "/risk/profiles/P-SILK/retirement",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "already retired");
    assert!(profiles_fired_at_lodging(&node, "RISK-4").await.is_empty());

    // The history keeps every version.
    let (status, shown) = node.get("officer.kz", "/risk/profiles/P-SILK").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["version"], 4);
    let versions: Vec<i64> = shown["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3, 4]);
    assert_eq!(
        shown["versions"][1]["profile"]["holders"][0],
        "GE000000000001"
    );
    let (status, _) = node.get("officer.kz", "/risk/profiles/P-NONE").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every change is in the audit log.
    let audit = node.app.store().audit_log(None, 1000).await.unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .filter(|a| a.action.starts_with("risk-profile."))
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "risk-profile.retire",
            "risk-profile.update",
            "risk-profile.update",
            "risk-profile.create",
            "risk-profile.seed"
        ]
    );

    // Feedback on live data: five lodgings at Khorgos, P-SILK fired on two, no control yet.
    let (status, _) = node.get("officer.az", "/risk/feedback").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, f) = node.get("officer.kz", "/risk/feedback").await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["movements"], 5);
    let khorgos = f["officeControlRates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["office"] == "KZHOR001")
        .unwrap();
    assert_eq!(
        (
            khorgos["assessments"].as_i64(),
            khorgos["selected"].as_i64()
        ),
        (Some(5), Some(2))
    );
    assert_eq!(khorgos["controlRate"], 0.4);
    let silk = f["profileHitRates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["profile"] == "P-SILK")
        .unwrap();
    assert_eq!(
        (silk["fired"].as_i64(), silk["controls"].as_i64()),
        (Some(2), Some(0))
    );
    assert_eq!(f["confusion"]["selectedNotControlled"], 2);
    assert_eq!(f["controlEfficiency"]["controlRate"], 0.4);
}

#[tokio::test]
async fn the_administrator_manages_the_restricted_goods_list() {
    let node = crate::common::start().await;
    let list = json!({"entries": [
        {"hsPrefix": "8504", "restriction": "prohibited", "reason": "test: transformers barred"},
        {"hsPrefix": "94", "restriction": "always_controlled", "reason": "test: furniture"}
    ]});
    let (status, _) = post(&node, "officer.kz", "/admin/restricted-goods", list.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(
        &node,
        "admin",
        "/admin/restricted-goods",
        json!({"entries": [{"hsPrefix": "85x", "restriction": "prohibited", "reason": ""}]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = post(&node, "admin", "/admin/restricted-goods", list).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["count"], 2);
    let (status, shown) = node.get("admin", "/reference/restricted-goods").await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.to_string().contains("test: furniture"), "{shown}");
    // Applied at the next lodging with its rule id.
    let (status, body) = node.lodge_xml("silkway", &corridor("RESTRICTED-1")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(body["state"], "Rejected", "{body}");
    assert!(body.to_string().contains("CATS012"), "{body}");
    // Only always-controlled furniture left: accepted and selected for control.
    let (status, _) = post(
        &node,
        "admin",
        "/admin/restricted-goods",
        json!({"entries": [{"hsPrefix": "94", "restriction": "always_controlled", "reason": "test: furniture"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = node.lodge_ok("silkway", &corridor("RESTRICTED-2")).await;
    let (_, m) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["risk"][0]["selected"], true, "{m}");
    assert!(m["risk"][0]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("restricted goods list"));
    let audit = node.app.store().audit_log(None, 1000).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "restricted-goods.set")
            .count(),
        2
    );
}

/// Two application instances on one database (two `cats serve` processes in production): a list
/// the administrator sets through one applies at the next lodging and selection on the other,
/// without a restart.
#[tokio::test]
async fn a_restricted_goods_change_applies_on_every_instance() {
    use cats_app::{lodge, restricted, Actor};
    let db = crate::common::TestDb::new().await;
    let a = db.open(RiskPolicy::default()).await.app;
    let b = db.open(RiskPolicy::default()).await.app;
    let user = |app: &cats_app::App, name: &'static str| {
        let app = app.clone();
        async move {
            let u = app.store().user(name).await.unwrap().expect(name);
            Actor::User(u)
        }
    };
    let (admin, silkway) = (user(&a, "admin").await, user(&b, "silkway").await);
    let now = chrono::Utc::now();
    let entry = |prefix: &str, restriction: &str| -> restricted::Entry {
        serde_json::from_value(
            json!({"hsPrefix": prefix, "restriction": restriction, "reason": "test"}),
        )
        .unwrap()
    };
    // Instance b has read the catalogue (with the shipped list) before the change.
    let before = b.catalog().restricted.clone();
    restricted::set(&a, &admin, vec![entry("8504", "prohibited")], now)
        .await
        .unwrap();
    assert_eq!(
        b.catalog().restricted,
        before,
        "b has not reloaded anything yet"
    );
    let xml = corridor("TWO-APPS-1");
    let lodged = lodge::lodge(&b, &silkway, xml.as_bytes(), cats_ncts::Format::Xml, now)
        .await
        .unwrap();
    let ids: Vec<_> = lodged.failures.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(ids.contains(&"CATS012"), "{ids:?}");
    // Lifted through b, applied on a.
    restricted::set(&b, &admin, vec![entry("94", "always_controlled")], now)
        .await
        .unwrap();
    let xml = corridor("TWO-APPS-2");
    let lodged = lodge::lodge(&a, &silkway, xml.as_bytes(), cats_ncts::Format::Xml, now)
        .await
        .unwrap();
    assert!(lodged.failures.is_empty(), "{:?}", lodged.failures);
    assert!(lodged.record.movement.risk[0].selected);
}

#[tokio::test]
async fn releasing_against_the_selection_needs_a_reason_kept_in_history_audit_and_feedback() {
    // every movement selected at random
    let node = start_with(RiskPolicy {
        default_rate: 1.0,
        ..RiskPolicy::default()
    })
    .await;
    let id = node.lodge_ok("silkway", &corridor("OVERRIDE-1")).await;
    let (status, body) = node
        .customs("officer.kz", &id, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.to_string().contains("overrideReason"), "{body}");
    let (status, body) = node
        .customs(
            "officer.kz",
            &id,
            "release",
            json!({"office": "KZHOR001", "overrideReason": "   "}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a blank reason is no reason: {body}"
    );
    let reason = "perishable goods, seals verified at the gate";
    let (status, m) = node
        .customs(
            "officer.kz",
            &id,
            "release",
            json!({"office": "KZHOR001", "overrideReason": reason}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["state"], "ReleasedForTransit");
    // kept in the movement (officers), the history (the request as sent) and the audit log
    let (_, seen) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(seen["releaseOverride"], reason, "{seen}");
    let (_, messages) = node
        .get(
            "officer.kz",
            &format!("/movements/departures/{id}/messages"),
        )
        .await;
    let href = messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageType"] == "release")
        .map(|m| m["_links"]["self"]["href"].as_str().unwrap().to_string())
        .expect("the release in the history");
    let (_, release) = node.get("officer.kz", &href).await;
    assert!(release.to_string().contains(reason), "{release}");
    let audit = node.app.store().audit_log(None, 100).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "release" && e.detail.contains(reason)),
        "the override is audited"
    );
    // counted in the feedback figures
    let (status, f) = node.get("officer.kz", "/risk/feedback").await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["confusion"]["overridden"], 1, "{f}");
}

#[tokio::test]
async fn the_movement_page_shows_officers_the_selection_and_asks_for_the_override_reason() {
    use crate::pages::{browser, csrf_of, set_password, sign_in};
    let node = start_with(RiskPolicy {
        default_rate: 1.0,
        ..RiskPolicy::default()
    })
    .await;
    let id = node.lodge_ok("silkway", &corridor("OVERRIDE-2")).await;
    set_password(&node, "officer.kz", "khorgos gate 7").await;
    set_password(&node, "silkway", "silk road 2025").await;
    let officer = browser();
    sign_in(&node, &officer, "officer.kz", "khorgos gate 7").await;
    let page = format!("{}/ui/movements/{id}", node.base);
    let html = officer
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "Risk selection by CATS",
        "selected for control",
        "random",
        r#"name="override_reason""#,
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    let release = |reason: &'static str, csrf: String| {
        officer
            .post(format!("{page}/customs"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "release"),
                ("office", "KZHOR001"),
                ("override_reason", reason),
            ])
            .send()
    };
    let res = release("", csrf_of(&html)).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let refused = res.text().await.unwrap();
    assert!(
        refused.contains("give the reason for releasing without it"),
        "{refused}"
    );
    let res = release("known carrier, seals intact", csrf_of(&refused))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = officer
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Released without the selected control"));
    assert!(html.contains("known carrier, seals intact"));
    // the holder never sees the selection nor the override
    let trader = browser();
    sign_in(&node, &trader, "silkway", "silk road 2025").await;
    let html = trader
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("OVERRIDE-2"));
    assert!(!html.contains("Risk selection by CATS") && !html.contains("known carrier"));
}

#[tokio::test]
async fn the_risk_page_shows_the_feedback_and_analysts_add_and_retire_profiles() {
    use crate::pages::{browser, csrf_of, set_password, sign_in};
    let node = start_with(RiskPolicy {
        default_rate: 1.0,
        ..RiskPolicy::default()
    })
    .await;
    node.lodge_ok("silkway", &corridor("RISK-PAGE-1")).await;
    set_password(&node, "officer.kz", "khorgos gate 7").await;
    set_password(&node, "officer.az", "alat port 77").await;
    let other = browser();
    sign_in(&node, &other, "officer.az", "alat port 77").await;
    let res = other
        .get(format!("{}/ui/risk", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "not a risk analyst");
    let analyst = browser();
    sign_in(&node, &analyst, "officer.kz", "khorgos gate 7").await;
    let page = format!("{}/ui/risk", node.base);
    let html = analyst
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "Selection against controls",
        "Control rate per office",
        "KZHOR001",
        r#"<meter min="0" max="100" value="100""#,
        "Risk profiles",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    let post = |fields: Vec<(&'static str, &'static str)>, csrf: String| {
        let mut all = vec![("csrf", csrf)];
        all.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        analyst
            .post(format!("{}/ui/risk/profiles", node.base))
            .form(&all)
            .send()
    };
    // refused with every problem on the page
    let res = post(
        vec![
            ("op", "create"),
            ("id", "P-WEB"),
            ("description", ""),
            ("hs_prefixes", "85x"),
        ],
        csrf_of(&html),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("The action was refused") && html.contains("85X"),
        "{html}"
    );
    let res = post(
        vec![
            ("op", "create"),
            ("id", "P-WEB"),
            ("description", "transformers from the east"),
            ("hs_prefixes", "8504"),
            ("countries_of_dispatch", "kz"),
            ("control_type", "physical"),
        ],
        csrf_of(&html),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = analyst
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("transformers from the east") && html.contains("8504"));
    let res = post(
        vec![("op", "retire"), ("id", "P-WEB"), ("version", "1")],
        csrf_of(&html),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = node.get("officer.kz", "/risk/profiles/P-WEB").await;
    assert_eq!(list["retired"], true, "{list}");
}
