//! schemathesis (PyPI) against the HMRC profile (issue 14): it generates requests for every
//! operation of HMRC's OpenAPI documents 2.0 and 2.1 (`../shared/hmrc/`) and checks every answer
//! of a real node against them: the body against the documented schema, and never a server
//! error. The ids it needs (a departure, an arrival and one
//! message of each) are made first through the profile itself.
//!
//! Two checks are left out. The content type: HMRC's documents give only `application/xml` for a
//! message body, while their own text says that `Accept: …+json` answers the message as JSON,
//! which the profile does. The status code: a query value that is not a date or a number gets
//! `400 BAD_REQUEST`, which HMRC's documents do not list for a GET.
//!
//! Skips with a message without `../shared` or without schemathesis (`pip install
//! schemathesis`); `.ci/run` installs it and sets `CATS_REQUIRE_SCHEMATHESIS=1`.

use std::path::PathBuf;
use std::process::Command;

use reqwest::Method;
use serde_json::Value;

use crate::common::{cc007c, start, CORRIDOR_JSON};

/// Whether schemathesis (`st`) can run here; fails the test when `CATS_REQUIRE_SCHEMATHESIS=1`
/// and it cannot.
pub(crate) fn st_available() -> bool {
    let available = Command::new("st")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let required = std::env::var("CATS_REQUIRE_SCHEMATHESIS").is_ok_and(|v| v == "1");
    assert!(
        available || !required,
        "CATS_REQUIRE_SCHEMATHESIS=1 but schemathesis (st) is not installed"
    );
    if !available {
        eprintln!("SKIPPED schemathesis: `st` is not installed (pip install schemathesis; CI installs it)");
    }
    available
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hmrcs_openapi_documents_hold_for_every_answer_of_the_profile() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/hmrc");
    if !docs.join("openapi-2.1.yaml").exists() {
        eprintln!("SKIPPED schemathesis: ../shared/hmrc is absent");
        return;
    }
    if !st_available() {
        return;
    }
    let node = start().await;
    let post = |path: &'static str, ct: &'static str, body: String| {
        let node = &node;
        async move {
            let res = node
                .client
                .request(
                    Method::POST,
                    format!("{}/customs/transits{path}", node.base),
                )
                .bearer_auth(node.token("silkway"))
                .header("Accept", "application/vnd.hmrc.2.0+json")
                .header("Content-Type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), reqwest::StatusCode::ACCEPTED);
            res.json::<Value>().await.unwrap()
        }
    };
    let d = post(
        "/movements/departures",
        "application/json",
        CORRIDOR_JSON.to_string(),
    )
    .await;
    let a = post(
        "/movements/arrivals",
        "application/xml",
        cc007c("24XI000081E0CZHGJ3", "GEPTI001", "0"),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            "[[operations]]\ninclude-path-regex = \"/departures/\"\nparameters = {{ \"path.departureId\" = \"{}\", \"path.messageId\" = \"{}\" }}\n\n\
             [[operations]]\ninclude-path-regex = \"/arrivals/\"\nparameters = {{ \"path.arrivalId\" = \"{}\", \"path.messageId\" = \"{}\" }}\n",
            d["departureId"].as_str().unwrap(),
            d["messageId"].as_str().unwrap(),
            a["arrivalId"].as_str().unwrap(),
            a["messageId"].as_str().unwrap(),
        ),
    )
    .unwrap();
    // Every phase (the coverage phase sends malformed values too) against the documented
    // schemas and for server errors; the phases of well-formed requests also against the
    // documented status codes (a malformed value is answered 400, which HMRC's documents do not
    // list for a GET).
    let runs = [
        (
            "response_schema_conformance,not_a_server_error",
            "examples,coverage,fuzzing,stateful",
        ),
        (
            "response_schema_conformance,status_code_conformance,not_a_server_error",
            "examples,fuzzing,stateful",
        ),
    ];
    for doc in ["openapi-2.0.yaml", "openapi-2.1.yaml"] {
        for (checks, phases) in runs {
            let (work, config, doc, base, token) = (
                dir.path().to_path_buf(),
                config.clone(),
                docs.join(doc),
                node.base.clone(),
                node.token("silkway").to_string(),
            );
            let out = tokio::task::spawn_blocking(move || {
                // Run in the test's directory: schemathesis keeps a cache where it runs.
                Command::new("st")
                    .current_dir(&work)
                    .arg("--config-file")
                    .arg(&config)
                    .arg("run")
                    .arg(&doc)
                    .args(["--url", &base])
                    .args(["-H", &format!("Authorization: Bearer {token}")])
                    .args(["--checks", checks, "--phases", phases])
                    .args([
                        "--exclude-checks",
                        "status_code_conformance,content_type_conformance",
                    ])
                    .args(["--max-examples", "15", "--workers", "1", "--seed", "2026"])
                    .output()
                    .expect("run schemathesis")
            })
            .await
            .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "schemathesis ({checks}; {phases}) found answers that break HMRC's document:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains("passed"), "{text}");
        }
    }
}
