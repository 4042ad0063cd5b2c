//! The hostile-input corpus (issue 15, `crates/cats-cli/tests/fixtures/hostile/manifest.json`):
//! XXE, entity expansion, deep nesting, invalid UTF-8, control characters, injection-like and
//! markup-carrying identifiers, wrong content types, hostile JSON, and path tricks in ids. Each
//! gets a clear `4xx` with a JSON `code` and changes nothing. Markup in a free-text field that
//! is accepted is shown escaped on the pages.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{corridor, start, TestNode};

/// Movements, messages and audit entries of the whole store.
async fn footprint(node: &TestNode) -> (usize, usize, usize) {
    let s = node.app.store().dump().await.unwrap();
    (s.movements.len(), s.messages.len(), s.audit.len())
}

#[tokio::test]
async fn every_hostile_input_gets_a_clear_4xx_and_changes_nothing() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("HOSTILE-BASE")).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let before = footprint(&node).await;
    let mut tried = 0;
    for case in manifest["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let path = case["path"].as_str().unwrap().replace("{id}", &id);
        let url = format!("{}{path}", node.base);
        let req = match case["method"].as_str().unwrap() {
            "GET" => node.client.get(&url),
            _ => {
                let body = std::fs::read(dir.join(case["file"].as_str().unwrap())).unwrap();
                node.client
                    .post(&url)
                    .header("Content-Type", case["contentType"].as_str().unwrap())
                    .body(body)
            }
        };
        let res = req.bearer_auth(node.token("silkway")).send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(
            status.is_client_error(),
            "{name} ({}): {status} {text}",
            case["why"]
        );
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{name}: not a JSON error: {status} {text}"));
        assert!(body["code"].is_string(), "{name}: {body}");
        assert!(!text.contains("root:"), "{name}: {text}");
        tried += 1;
    }
    assert_eq!(
        footprint(&node).await,
        before,
        "a hostile input changed something"
    );

    // Markup in a free-text field is a legal declaration; every page shows it as text.
    let marked = corridor("HOSTILE-TEXT").replace(
        "Static converters (industrial power supply units)",
        "&lt;script&gt;alert('cats')&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;",
    );
    let id = node.lodge_ok("silkway", &marked).await;
    crate::pages::set_password(&node, "silkway", "hostile test 2026").await;
    let client = crate::pages::browser();
    crate::pages::sign_in(&node, &client, "silkway", "hostile test 2026").await;
    let (_, messages) = node
        .get("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    let message = messages["messages"][0]["id"].as_str().unwrap();
    for page in [
        format!("/ui/movements/{id}"),
        format!("/ui/movements/{id}/messages/{message}"),
    ] {
        let res = client
            .get(format!("{}{page}", node.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        let html = res.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{page} runs the script");
        assert!(!html.contains("<img src=x"), "{page} has the image tag");
    }
    let shown = client
        .get(format!(
            "{}/ui/movements/{id}/messages/{message}",
            node.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = shown.find("alert").map_or(0, |i| i.saturating_sub(80));
    assert!(
        shown.contains("lt;script") || shown.contains("&#60;script"),
        "{}",
        &shown[at..(at + 300).min(shown.len())]
    );
    println!("hostile inputs: {tried} tried, each refused with a 4xx and a code, nothing changed; markup in a free-text field shown escaped");
}
