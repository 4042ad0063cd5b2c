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
        // every answer has a body described by a schema: the success answer by its view type
        // (or as an NCTS message, a file, the document), every error by the error body
        for (code, response) in item["responses"].as_object().unwrap() {
            let content = &response["content"];
            let schemas: Vec<&serde_json::Value> = content
                .as_object()
                .map(|c| c.values().map(|m| &m["schema"]).collect())
                .unwrap_or_default();
            assert!(
                !schemas.is_empty(),
                "{} {} answer {code} has no body schema",
                op.method.as_str(),
                op.path
            );
            for schema in schemas {
                if let Some(reference) = schema["$ref"].as_str() {
                    let name = reference.trim_start_matches("#/components/schemas/");
                    assert!(
                        doc["components"]["schemas"][name].is_object(),
                        "{name} is not in the components"
                    );
                } else {
                    assert!(schema["type"].is_string(), "{schema}");
                }
            }
        }
        if let Some(body) = item.get("requestBody") {
            for (media, m) in body["content"].as_object().unwrap() {
                let schema = &m["schema"];
                assert!(
                    schema["$ref"].is_string()
                        || (schema["type"] == "string")
                        || media.contains("json") && schema["description"].is_string(),
                    "{} {} request {media}: a real schema, not a bare object: {schema}",
                    op.method.as_str(),
                    op.path
                );
            }
        }
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
            cats_web::routes::Method::Put => node
                .client
                .put(&url)
                .header("Content-Type", "application/json")
                .body("{}"),
            cats_web::routes::Method::Delete => node.client.delete(&url),
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
    // The transit accompanying document is a PDF, described as one.
    let tad = &paths["/movements/departures/{id}/tad"]["get"]["responses"];
    assert_eq!(
        tad["200"]["content"]["application/pdf"]["schema"]["format"], "binary",
        "{tad}"
    );
    assert_eq!(
        tad["409"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
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

/// The answers of a live node validate against the schemas the document gives for them
/// (JSON Schema 2020-12, as OpenAPI 3.1 uses), so the document describes what the API sends.
#[tokio::test]
async fn live_answers_match_their_schemas() {
    let node = start().await;
    let doc = cats_web::routes::openapi();
    let id = node
        .lodge_ok("silkway", &crate::common::corridor("SCHEMA-1"))
        .await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let (_, contracts) = node.get("steppe", "/contracts").await;
    let contract = contracts["contracts"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let checks: Vec<(&str, &str, String)> = vec![
        ("anyone", "/health", "/health".into()),
        (
            "silkway",
            "/movements/departures",
            "/movements/departures".into(),
        ),
        (
            "officer.kz",
            "/movements/departures/{id}",
            format!("/movements/departures/{id}"),
        ),
        (
            "silkway",
            "/movements/departures/{id}",
            format!("/movements/departures/{id}"),
        ),
        (
            "silkway",
            "/movements/departures/{id}/messages",
            format!("/movements/departures/{id}/messages"),
        ),
        (
            "officer.kz",
            "/movements/departures/{id}/controls",
            format!("/movements/departures/{id}/controls"),
        ),
        (
            "officer.kz",
            "/movements/departures/{id}/audit",
            format!("/movements/departures/{id}/audit"),
        ),
        (
            "steppe",
            "/guarantees/{grn}",
            "/guarantees/25KZ0000SRI000010".into(),
        ),
        (
            "anyone",
            "/reference/offices",
            "/reference/offices?country=KZ".into(),
        ),
        (
            "anyone",
            "/reference/offices/{code}",
            "/reference/offices/KZHOR001".into(),
        ),
        (
            "anyone",
            "/reference/countries",
            "/reference/countries".into(),
        ),
        (
            "anyone",
            "/reference/currencies",
            "/reference/currencies".into(),
        ),
        ("anyone", "/reference/hs", "/reference/hs?prefix=85".into()),
        (
            "anyone",
            "/reference/restricted-goods",
            "/reference/restricted-goods".into(),
        ),
        ("steppe", "/contracts", "/contracts".into()),
        (
            "steppe",
            "/contracts/{id}",
            format!("/contracts/{contract}"),
        ),
        ("officer.kz", "/registrations", "/registrations".into()),
        ("silkway", "/parties/{id}", "/parties/KZ840000123456".into()),
        ("silkway", "/notifications", "/notifications".into()),
        ("anyone", "/exchange-rates", "/exchange-rates".into()),
        ("officer.kz", "/risk/profiles", "/risk/profiles".into()),
        ("officer.kz", "/risk/feedback", "/risk/feedback".into()),
        ("officer.kz", "/claims", "/claims".into()),
    ];
    for (user, path, url) in checks {
        let (status, body) = if user == "anyone" {
            node.send(node.client.get(format!("{}{url}", node.base)))
                .await
        } else {
            node.get(user, &url).await
        };
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{path} has no answer schema");
        let root = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": schema["$ref"],
            "components": doc["components"],
        });
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{path}: the schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{url} as {user}: {errors:#?}\n{body}");
    }
}
