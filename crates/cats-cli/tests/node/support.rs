//! Support requests over HTTP on a real node (issue 18): Silk Way's trader asks for support from
//! a movement's page with the movement attached; another company cannot see the request nor
//! attach Silk Way's movement; bad input is refused field by field and stores nothing; the
//! administrator lists, answers and closes it; the answer reaches Silk Way's notifications (and
//! its webhook's deliveries) in the same transaction; every step is in the audit log. An
//! officer's request is that officer's alone. Runs on PostgreSQL too (`CATS_TEST_DATABASE_URL`).

use reqwest::StatusCode;
use serde_json::{json, Value};

use cats_app::auth::{Role, User};
use cats_app::Actor;

use crate::common::{corridor, start, TestNode};

async fn post(node: &TestNode, user: &str, path: &str, body: Value) -> (StatusCode, Value) {
    node.send(
        node.client
            .post(format!("{}{path}", node.base))
            .bearer_auth(node.token(user))
            .json(&body),
    )
    .await
}

/// The pointers of a `400`'s errors.
fn pointers(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {body}"))
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_string())
        .collect()
}

/// Whether the list `GET /support` gives `user` holds request `id`.
async fn lists(node: &TestNode, user: &str, query: &str, id: &str) -> bool {
    let (status, list) = node.get(user, &format!("/support{query}")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        list["count"].as_u64().unwrap() as usize,
        list["requests"].as_array().unwrap().len()
    );
    list["requests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id)
}

/// How many requests, of anyone's, the node keeps.
async fn stored(node: &TestNode) -> usize {
    node.app.store().dump().await.unwrap().support.len()
}

/// `body` checked against the OpenAPI document's answer schema of `GET path`.
fn conforms(path: &str, body: &Value) {
    let doc = cats_web::routes::openapi();
    let schema =
        &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": schema["$ref"],
        "components": doc["components"],
    });
    let validator = jsonschema::draft202012::new(&root).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{path}: {errors:#?}\n{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_from_a_movement_page_is_answered_and_the_company_is_notified() {
    let node = start().await;
    let movement = node.lodge_ok("silkway", &corridor("SUPPORT-1")).await;
    let (_, m) = node
        .get("silkway", &format!("/movements/departures/{movement}"))
        .await;
    let mrn = m["mrn"].as_str().expect("an MRN").to_string();
    let page = format!("/ui/movements/{movement}");

    // Bad input: each field named, nothing stored.
    let cases = [
        (
            json!({"subject": "", "text": "help", "page": page}),
            vec!["/subject"],
        ),
        (
            json!({"subject": "x".repeat(201), "text": "help"}),
            vec!["/subject"],
        ),
        (
            json!({"subject": "Seals", "text": "y".repeat(6000), "page": page}),
            vec!["/text"],
        ),
        (
            json!({"subject": "Seals", "text": "help", "page": "https://evil.example/ui/home"}),
            vec!["/page"],
        ),
        (
            json!({"subject": "Seals", "text": "help", "page": "//evil.example/x"}),
            vec!["/page"],
        ),
        (
            json!({"subject": "Seals", "text": "help", "page": format!("/{}", "p".repeat(500))}),
            vec!["/page"],
        ),
        (
            json!({"subject": " ", "text": "", "page": "ui/home"}),
            vec!["/subject", "/text", "/page"],
        ),
        (
            json!({"subject": "Seals", "text": "help", "movementId": "not-a-uuid"}),
            vec!["/movementId"],
        ),
        (
            json!({"subject": "Seals", "text": "help", "priority": "high"}),
            vec!["/priority"],
        ),
        (json!({"subject": 5, "text": "help"}), vec!["/subject"]),
    ];
    for (body, expected) in cases {
        let (status, answer) = post(&node, "silkway", "/support", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["code"], "SCHEMA_VALIDATION", "{answer}");
        assert_eq!(pointers(&answer), expected, "{body}: {answer}");
        for e in answer["errors"].as_array().unwrap() {
            assert!(!e["reason"].as_str().unwrap().is_empty(), "{answer}");
        }
    }
    // Another company cannot attach Silk Way's movement (nor learn whether it exists).
    for id in [movement.clone(), uuid::Uuid::new_v4().to_string()] {
        let (status, answer) = post(
            &node,
            "caspian",
            "/support",
            json!({"subject": "Seals", "text": "help", "movementId": id}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(pointers(&answer), ["/movementId"], "{answer}");
        assert!(answer["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not a movement you may see"));
    }
    // The administrator answers requests; it does not send them.
    let (status, _) = post(
        &node,
        "admin",
        "/support",
        json!({"subject": "Seals", "text": "help"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&node).await, 0, "nothing stored by refused requests");

    // Sent from the movement's page: the movement is attached.
    let (status, sent) = post(
        &node,
        "silkway",
        "/support",
        json!({"subject": "Seal number refused", "text": "The seal KZ-SEAL-1 is refused.\nWhy?", "page": page}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let id = sent["id"].as_str().unwrap().to_string();
    let reference = sent["reference"].as_str().unwrap().to_string();
    assert!(
        reference.len() == 9
            && reference.starts_with("SR-")
            && reference[3..].chars().all(|c| c.is_ascii_digit()),
        "{reference}"
    );
    assert_eq!(sent["status"], "open");
    assert_eq!(sent["movementId"], movement.as_str());
    assert_eq!(sent["movement"], mrn.as_str());
    assert_eq!(sent["page"], page.as_str());
    assert_eq!(sent["requester"]["username"], "silkway");
    assert_eq!(sent["requester"]["role"], "trader");
    assert_eq!(sent["requester"]["company"], "KZ840000123456");
    assert_eq!(
        sent["messages"][0]["text"],
        "The seal KZ-SEAL-1 is refused.\nWhy?"
    );
    assert_eq!(sent["messages"][0]["fromSupport"], false);
    // The movement named explicitly, without a page, is attached too.
    let (status, explicit) = post(
        &node,
        "silkway",
        "/support",
        json!({"subject": "Guarantee", "text": "Amount?", "movementId": movement}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{explicit}");
    assert_eq!(explicit["movementId"], movement.as_str());
    assert_ne!(explicit["reference"], sent["reference"], "one serial each");
    // Caspian sending from Silk Way's movement page (which it could not open): the page is
    // attached, the movement not.
    let (status, theirs) = post(
        &node,
        "caspian",
        "/support",
        json!({"subject": "A page I cannot open", "text": "404?", "page": page}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    assert!(theirs.get("movementId").is_none(), "{theirs}");
    assert_eq!(theirs["page"], page.as_str());

    // Nobody else sees it: not found, as if it did not exist.
    for user in ["caspian", "kura", "steppe", "officer.kz"] {
        let (status, body) = node.get(user, &format!("/support/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{user}: {body}");
        let (status, _) = post(&node, user, &format!("/support/{id}/messages"), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{user} adds");
        let (status, _) = post(&node, user, &format!("/support/{id}/close"), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{user} closes");
        assert!(!lists(&node, user, "", &id).await, "{user} lists it");
    }
    let none = uuid::Uuid::new_v4();
    let (status, _) = node.get("silkway", &format!("/support/{none}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A colleague of Silk Way's company sees it (company data is shared).
    let colleague = User {
        username: "silkway.ops".into(),
        role: Role::Trader,
        party: Some("KZ840000123456".parse().unwrap()),
        office_country: None,
        risk_analyst: false,
        offices: vec![],
    };
    node.app.store().save_user(&colleague).await.unwrap();
    let token = cats_app::tokens::issue(
        &node.app,
        &Actor::System("test".into()),
        "silkway.ops",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let (status, _) = node
        .send(
            node.client
                .get(format!("{}/support/{id}", node.base))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the company's other user");

    // The administrator sees every request, open first; filters by status.
    assert!(lists(&node, "admin", "", &id).await);
    assert!(lists(&node, "admin", "?status=open", &id).await);
    assert!(!lists(&node, "admin", "?status=closed", &id).await);
    let (status, bad) = node.get("admin", "/support?status=pending").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (_, list) = node.get("admin", "/support").await;
    conforms("/support", &list);
    assert_eq!(list["count"], 3);
    let admin = node.app.store().user("admin").await.unwrap().unwrap();
    let silkway = node.app.store().user("silkway").await.unwrap().unwrap();
    assert_eq!(
        cats_app::support::count_for(&node.app, &admin)
            .await
            .unwrap(),
        3,
        "three wait for an answer"
    );

    // Silk Way's webhook, to see the answer go out through the same machinery.
    let (status, hook) = post(
        &node,
        "silkway",
        "/webhooks",
        json!({"url": "http://127.0.0.1:9/hook", "events": ["support.answered"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");

    // An empty answer is refused and changes nothing.
    let (status, answer) = post(
        &node,
        "admin",
        &format!("/support/{id}/messages"),
        json!({"text": "  "}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(pointers(&answer), ["/text"]);
    let (status, answer) = post(
        &node,
        "admin",
        &format!("/support/{id}/messages"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(pointers(&answer), ["/text"]);
    // The answer.
    let (status, answered) = post(
        &node,
        "admin",
        &format!("/support/{id}/messages"),
        json!({"text": "Replace the seal and record it at Khorgos."}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["messages"].as_array().unwrap().len(), 2);

    // Silk Way hears of it: a support.answered notification linking to the request.
    let (_, inbox) = node.get("silkway", "/notifications").await;
    let notes: Vec<&Value> = inbox["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "support.answered")
        .collect();
    assert_eq!(notes.len(), 1, "{inbox}");
    assert_eq!(notes[0]["subjectId"], id.as_str());
    assert_eq!(notes[0]["link"], format!("/ui/support/{id}"));
    assert_eq!(notes[0]["reference"], reference.as_str());
    assert_eq!(notes[0]["status"], "answered");
    assert_eq!(notes[0]["read"], false);
    let (_, deliveries) = node.get("silkway", "/notifications/deliveries").await;
    assert!(
        deliveries["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["notificationId"] == notes[0]["id"] && d["channel"] == "webhook"),
        "{deliveries}"
    );
    // Caspian's company hears nothing of it.
    let (_, theirs) = node.get("caspian", "/notifications").await;
    assert!(!theirs["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["type"] == "support.answered"));

    // The requester has an answer it has not opened; opening the request clears it.
    assert_eq!(
        cats_app::support::count_for(&node.app, &silkway)
            .await
            .unwrap(),
        1
    );
    let (_, mine) = node.get("silkway", "/support").await;
    let row = mine["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["unseenAnswer"], true, "{row}");
    let (status, thread) = node.get("silkway", &format!("/support/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    conforms("/support/{id}", &thread);
    let messages = thread["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{thread}");
    assert_eq!(
        (
            &messages[0]["author"],
            &messages[0]["fromSupport"],
            &messages[1]["author"],
            &messages[1]["fromSupport"]
        ),
        (
            &json!("silkway"),
            &json!(false),
            &json!("admin"),
            &json!(true)
        )
    );
    assert_eq!(
        messages[1]["text"],
        "Replace the seal and record it at Khorgos."
    );
    assert_eq!(
        cats_app::support::count_for(&node.app, &silkway)
            .await
            .unwrap(),
        0,
        "opened"
    );

    // The requester adds: open again, waiting for support.
    let (status, added) = post(
        &node,
        "silkway",
        &format!("/support/{id}/messages"),
        json!({"text": "Done, thank you."}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added["status"], "open");
    // The administrator closes it: the company hears of that too.
    let (status, closed) = post(&node, "admin", &format!("/support/{id}/close"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    let (_, inbox) = node.get("silkway", "/notifications").await;
    assert_eq!(
        inbox["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["type"] == "support.answered" && n["subjectId"] == id.as_str())
            .count(),
        2
    );
    // Out of sequence: nothing more on a closed request.
    for (user, path, body) in [
        (
            "silkway",
            format!("/support/{id}/messages"),
            json!({"text": "One more thing"}),
        ),
        (
            "admin",
            format!("/support/{id}/messages"),
            json!({"text": "And another"}),
        ),
        ("silkway", format!("/support/{id}/close"), json!({})),
        ("admin", format!("/support/{id}/close"), json!({})),
    ] {
        let (status, answer) = post(&node, user, &path, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{user} {path}: {answer}");
        assert_eq!(answer["code"], "CONFLICT");
    }
    let (_, thread) = node.get("silkway", &format!("/support/{id}")).await;
    assert_eq!(thread["messages"].as_array().unwrap().len(), 3);
    assert!(lists(&node, "admin", "?status=closed", &id).await);

    // The audit log has every step, with the movement.
    let audit = node.app.store().audit_log(None, 500).await.unwrap();
    let steps: Vec<(&str, &str)> = audit
        .iter()
        .filter(|a| a.detail.starts_with(&reference))
        .map(|a| (a.actor.as_str(), a.action.as_str()))
        .rev()
        .collect();
    assert_eq!(
        steps,
        [
            ("silkway", "support.create"),
            ("admin", "support.answer"),
            ("silkway", "support.message"),
            ("admin", "support.close"),
        ]
    );
    assert!(audit
        .iter()
        .filter(|a| a.detail.starts_with(&reference))
        .all(|a| a.movement_id.map(|m| m.to_string()) == Some(movement.clone())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_officer_s_request_is_that_officer_s_alone() {
    let node = start().await;
    let (status, sent) = post(
        &node,
        "officer.kz",
        "/support",
        json!({"subject": "Queue", "text": "The queue shows no arrivals.", "page": "/ui/queue"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let id = sent["id"].as_str().unwrap().to_string();
    assert_eq!(sent["requester"]["country"], "KZ");
    for user in ["silkway", "officer.ge", "steppe"] {
        let (status, _) = node.get(user, &format!("/support/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{user}");
        assert!(!lists(&node, user, "", &id).await, "{user}");
    }
    assert!(lists(&node, "officer.kz", "", &id).await);
    assert!(lists(&node, "admin", "", &id).await);
    // Answered: no company inbox, but the officer's count says so until it opens the request.
    let (status, _) = post(
        &node,
        "admin",
        &format!("/support/{id}/messages"),
        json!({"text": "Arrivals show once the office of destination records them."}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let officer = node.app.store().user("officer.kz").await.unwrap().unwrap();
    let count = || cats_app::support::count_for(&node.app, &officer);
    assert_eq!(count().await.unwrap(), 1);
    let (_, thread) = node.get("officer.kz", &format!("/support/{id}")).await;
    assert_eq!(thread["messages"][1]["fromSupport"], true);
    assert_eq!(count().await.unwrap(), 0);
    // The officer closes it; support is not notified of its own step.
    let (status, closed) = post(
        &node,
        "officer.kz",
        &format!("/support/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert_eq!(count().await.unwrap(), 0);
}
