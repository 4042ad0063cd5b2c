//! schemathesis (PyPI) against the native API's own OpenAPI document (`GET /api/openapi.json`,
//! issue 15): generated requests for every operation, as a trader and as an officer, and every
//! answer checked: never a server error, and the body as the document describes it.
//!
//! Skips with a message without schemathesis (`pip install schemathesis`); `.ci/run` installs it
//! and sets `CATS_REQUIRE_SCHEMATHESIS=1`.

use std::process::Command;

use crate::common::{corridor, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_native_api_answers_as_its_openapi_document_says() {
    if !crate::hmrc_schemathesis::st_available() {
        return;
    }
    if std::env::var("CATS_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        eprintln!("SKIPPED schemathesis on PostgreSQL: it checks the HTTP answers, which do not depend on the backend; it runs in the SQLite suite");
        return;
    }
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("ST-1")).await;
    let (_, messages) = node
        .get("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    let message = messages["messages"][0]["id"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("openapi.json");
    let text = node
        .client
        .get(format!("{}/api/openapi.json", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(&doc, text).unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            "[[operations]]\ninclude-path-regex = \"/movements/\"\nparameters = {{ \"path.id\" = \"{id}\", \"path.messageId\" = \"{message}\" }}\n\n\
             [[operations]]\ninclude-path-regex = \"/guarantees/\"\nparameters = {{ \"path.grn\" = \"25KZ0000SRI000010\" }}\n"
        ),
    )
    .unwrap();
    let mut total = 0;
    for user in ["silkway", "officer.kz"] {
        let (work, config, doc, base, token) = (
            dir.path().to_path_buf(),
            config.clone(),
            doc.clone(),
            node.base.clone(),
            node.token(user).to_string(),
        );
        let out = tokio::task::spawn_blocking(move || {
            Command::new("st")
                .current_dir(&work)
                .arg("--config-file")
                .arg(&config)
                .arg("run")
                .arg(&doc)
                .args(["--url", &base])
                .args(["-H", &format!("Authorization: Bearer {token}")])
                .args(["--checks", "not_a_server_error,response_schema_conformance"])
                .args(["--phases", "examples,coverage,fuzzing"])
                .args(["--max-examples", "5", "--workers", "2", "--seed", "2026"])
                .output()
                .expect("run schemathesis")
        })
        .await
        .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "schemathesis as {user} found answers that break the document:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        total += 1;
        println!(
            "schemathesis as {user}: {}",
            text.lines()
                .rev()
                .find(|l| l.contains("passed"))
                .unwrap_or_default()
        );
    }
    assert_eq!(total, 2);
}
