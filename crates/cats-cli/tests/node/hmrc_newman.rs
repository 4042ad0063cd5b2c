//! HMRC's own test pack against a CATS node (issue 14): newman runs the folder
//! `Small_Messages_Less_Than_5MB` of `../shared/hmrc/postman/Pen_Testing_Staging.postman_collection.json`
//! against the HMRC profile (`/customs/transits`) of a real node, after readdressing the
//! collection's messages to the node's demo data ([`READDRESS`]); nothing else of the collection
//! is changed. Every assertion must pass.
//!
//! Skips with a message without `../shared` or without newman (`npm install --prefix target/npm
//! newman`); `.ci/run` installs newman and sets `CATS_REQUIRE_NEWMAN=1`, which makes its absence a
//! failure.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::common::start;

/// The substitutions that readdress HMRC's messages (GB and XI offices, traders and guarantees)
/// to the demo data: what, in the collection's text, becomes what.
pub const READDRESS: [(&str, &str); 14] = [
    // recipients: the national transit authorities of the demo corridor
    ("NTA.XI", "NTA.KZ"),
    ("NTA.GB", "NTA.GE"),
    // offices: departure Khorgos, transit Alat, destination Poti
    ("XI000081", "KZHOR001"),
    ("XI000142", "AZALA001"),
    ("GB000060", "GEPTI001"),
    ("GB000246", "GEPTI001"),
    // traders: the holder Silk Way (also consignor and trader at destination), consignee Kartli
    ("XI673265407737", "KZ840000123456"),
    ("GB201909015000", "KZ840000123456"),
    ("XI985524247819", "GE204567890"),
    // the guarantee: Silk Way's, its access code and currency
    ("24XI00000100002A4", "25KZ0000SRI000010"),
    ("24GB0000010000295", "25KZ0000SRI000010"),
    (
        "<accessCode>AC01</accessCode>",
        "<accessCode>1111</accessCode>",
    ),
    ("<currency>GBP</currency>", "<currency>USD</currency>"),
    // countries of destination
    (
        "<countryOfDestination>GB</countryOfDestination>",
        "<countryOfDestination>GE</countryOfDestination>",
    ),
];

fn collection() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/hmrc/postman/Pen_Testing_Staging.postman_collection.json");
    p.exists().then_some(p)
}

/// newman from `target/npm` (where `.ci/run` installs it) or the PATH.
fn newman() -> Option<PathBuf> {
    let local =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/npm/node_modules/.bin/newman");
    if local.exists() {
        return Some(local);
    }
    let on_path = Command::new("newman")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    on_path.then(|| PathBuf::from("newman"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hmrcs_published_test_pack_passes_against_the_profile() {
    let required = std::env::var("CATS_REQUIRE_NEWMAN").is_ok_and(|v| v == "1");
    let Some(path) = collection() else {
        eprintln!("SKIPPED HMRC test pack: ../shared/hmrc/postman is absent");
        return;
    };
    let Some(newman) = newman() else {
        assert!(!required, "CATS_REQUIRE_NEWMAN=1 but newman is not installed (npm install --prefix target/npm newman)");
        eprintln!("SKIPPED HMRC test pack: newman is not installed (npm install --prefix target/npm newman; CI installs it)");
        return;
    };
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in READDRESS {
        assert!(text.contains(from), "the collection no longer has {from}");
        text = text.replace(from, to);
    }
    let node = start().await;
    let dir = tempfile::tempdir().unwrap();
    let readdressed = dir.path().join("collection.json");
    std::fs::write(&readdressed, text).unwrap();
    let report = dir.path().join("report.json");
    let base = format!("{}/customs/transits", node.base);
    let node_base = node.base.clone();
    let token = node.token("silkway").to_string();
    let report_path = report.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(newman)
            .arg("run")
            .arg(&readdressed)
            .args(["--folder", "Small_Messages_Less_Than_5MB"])
            .args(["--env-var", &format!("baseUrlContext={base}")])
            .args(["--env-var", &format!("baseURL={base}")])
            .args(["--env-var", &format!("access_token={token}")])
            .args(["--reporters", "cli,json", "--reporter-json-export"])
            .arg(&report_path)
            .args(["--timeout-request", "20000"])
            .output()
            .expect("run newman")
    })
    .await
    .unwrap();
    let cli = String::from_utf8_lossy(&out.stdout);
    let run: Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap_or_default()).unwrap_or(Value::Null);
    let assertions = &run["run"]["stats"]["assertions"];
    let failures: Vec<String> = run["run"]["failures"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|x| format!("{}: {}", x["source"]["name"], x["error"]["message"]))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        assertions["total"].as_u64().unwrap_or(0) >= 12,
        "newman ran too few assertions against {node_base}: {assertions}\n{cli}"
    );
    assert_eq!(assertions["failed"], 0, "failures: {failures:#?}\n{cli}");
    assert!(failures.is_empty(), "{failures:#?}\n{cli}");
    eprintln!("{cli}");
}
