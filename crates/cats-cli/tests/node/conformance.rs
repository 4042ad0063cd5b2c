//! The ICE conformance kit (issue 12, item 7): `cats conformance --self` passes every scenario
//! against a fresh node; against a node that answers wrongly on purpose it reports the failures.

use std::process::Command;

use serde_json::Value;

fn kit(args: &[&str]) -> (bool, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_cats"))
        .arg("conformance")
        .args(args)
        .arg("--json")
        .env("CATS_LOG", "error")
        .output()
        .expect("cats conformance");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), report)
}

#[test]
fn every_scenario_passes_against_a_fresh_node() {
    let (ok, report) = kit(&["--self"]);
    let failed: Vec<&Value> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["passed"] != true)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(ok);
    assert!(report["passed"].as_u64().unwrap() >= 20, "{report}");
    assert_eq!(report["failed"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_answers_wrongly_is_reported() {
    // A test double: every message "accepted", unsigned, whatever it was.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let double = axum::Router::new().route(
        "/ice/v1/messages",
        axum::routing::post(|| async { axum::Json(serde_json::json!({"status": "accepted"})) }),
    );
    tokio::spawn(async move { axum::serve(listener, double).await });
    let identity = tempfile::tempdir().unwrap();
    cats_ice::keys::generate(identity.path(), "CK").unwrap();
    let target_key = cats_ice::keys::public_key_text(
        &ed25519_dalek::SigningKey::from_bytes(&[5; 32]).verifying_key(),
    );
    let dir = identity.path().to_str().unwrap().to_string();
    let (ok, report) = tokio::task::spawn_blocking(move || {
        kit(&[
            "--target",
            &url,
            "--identity",
            &dir,
            "--target-key",
            &target_key,
        ])
    })
    .await
    .unwrap();
    assert!(!ok, "exit status 1 when a scenario fails");
    let failed = |name: &str| {
        report["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"].as_str().unwrap().starts_with(name) && s["passed"] == false)
    };
    assert!(failed("anticipated arrival record accepted"), "{report}");
    assert!(failed("unknown peer"), "{report}");
    assert!(failed("tampered after signing"), "{report}");
    assert!(failed("content failing its schema"), "{report}");
    assert!(report["failed"].as_u64().unwrap() >= 18, "{report}");
}
