//! The OpenAPI document describes every route of the router, and every documented route answers.

use reqwest::StatusCode;

use crate::common::start;

#[tokio::test]
async fn openapi_matches_the_router() {
    let node = start().await;
    let res = node
        .client
        .get(format!("{}/api/openapi.json", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let table = cats_web::routes::operations();
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        table.len(),
        "one documented operation per route"
    );
    for (op, _) in &table {
        let item = &paths[op.path][op.method.as_str()];
        assert!(
            item["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{} {}",
            op.method.as_str(),
            op.path
        );
        assert!(item["summary"].is_string());
        // The route exists on the live server: an unauthenticated call gets 401 (or an answer of the
        // handler), never the router's own 404 (empty body) or 405.
        let url = format!(
            "{}{}",
            node.base,
            op.path
                .replace("{id}", "00000000-0000-0000-0000-000000000000")
                .replace("{messageId}", "00000000-0000-0000-0000-000000000000")
                .replace("{documentId}", "00000000-0000-0000-0000-000000000000")
                .replace("{grn}", "25KZ0000SRI000010")
                .replace("{code}", "KZHOR001")
                .replace("{action}", "release")
        );
        let req = match op.method {
            cats_web::routes::Method::Get => node.client.get(&url),
            cats_web::routes::Method::Post => node
                .client
                .post(&url)
                .header("Content-Type", "application/json")
                .body("{}"),
        };
        let res = req.send().await.unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {}",
            op.method.as_str(),
            op.path
        );
        assert!(
            !(status == StatusCode::NOT_FOUND && body.is_empty()),
            "{} {} is not routed",
            op.method.as_str(),
            op.path
        );
        if op.auth {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {} must need a token",
                op.method.as_str(),
                op.path
            );
        }
    }
    // And a path the router does not have is not in the document.
    assert!(paths.get("/movements/departures/{id}/teleport").is_none());
    let res = node
        .client
        .get(format!("{}/no/such/route", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Each customs action has its own route and request schema, derived from the typed request,
/// with the field names the API takes.
#[tokio::test]
async fn customs_actions_each_have_a_request_schema() {
    let doc = cats_web::routes::openapi();
    let schemas = &doc["components"]["schemas"];
    for action in cats_web::handlers::customs::ACTIONS {
        let path = format!("/movements/departures/{{id}}/customs/{action}");
        let body = &doc["paths"][&path]["post"]["requestBody"];
        let reference = body["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: {body}"));
        let name = reference.trim_start_matches("#/components/schemas/");
        assert!(schemas[name]["properties"]["office"].is_object(), "{name}");
    }
    let result = &schemas["ControlResultRequest"];
    for field in [
        "office",
        "result",
        "controlType",
        "findings",
        "seals",
        "remarks",
    ] {
        assert!(result["properties"][field].is_object(), "{field}: {result}");
    }
    let required: Vec<&str> = result["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["office", "result"]);
    assert_eq!(schemas["OfficeRef"]["pattern"], "^[A-Z]{2}[A-Z0-9]{6}$");
    assert!(schemas["Finding"]["properties"]["goodsItem"].is_object());
    assert_eq!(
        schemas["ControlResultCode"]["enum"],
        serde_json::json!(["A1", "A2", "A3", "B1"])
    );
}

/// An unknown customs action answers 404 naming the actions (after the token check).
#[tokio::test]
async fn unknown_customs_action_names_the_actions() {
    let node = start().await;
    let (status, body) = node
        .send(
            node.client
                .post(format!(
                    "{}/movements/departures/00000000-0000-0000-0000-000000000000/customs/teleport",
                    node.base
                ))
                .bearer_auth(node.token("officer.kz"))
                .json(&serde_json::json!({"office": "KZHOR001"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("control-result"),
        "{body}"
    );
}
