//! The `cats` binary itself: migrate, token issue, reference import (on ../shared), replay --json.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cats(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cats"))
        .args(args)
        .env("CATS_LOG", "warn")
        .env_remove("CATS_DATABASE_URL")
        .output()
        .expect("run cats")
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIPPED: ../shared is absent (CI provides it); the reference import test needs the official lists");
        None
    }
}

/// `--data-dir DIR` plus `--database-url URL` when the suite runs on PostgreSQL.
fn place(db: &crate::common::TestDb) -> Vec<String> {
    let mut args = vec![
        "--data-dir".to_string(),
        db.dir.path().to_str().unwrap().to_string(),
    ];
    if let Some(url) = db.url() {
        args.push("--database-url".into());
        args.push(url);
    }
    args
}

fn with(base: &[&str], db: &crate::common::TestDb) -> Vec<String> {
    base.iter()
        .map(|s| s.to_string())
        .chain(place(db))
        .collect()
}

fn cats_s(args: &[String]) -> std::process::Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    cats(&refs)
}

#[tokio::test]
async fn migrate_and_issue_a_token() {
    let db = crate::common::TestDb::new().await;
    let out = cats_s(&with(&["migrate"], &db));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if db.url().is_none() {
        assert!(db.dir.path().join("cats.db").exists());
    }
    let out = cats_s(&with(&["token", "issue", "officer.kz"], &db));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    assert!(
        token.trim().starts_with("cats_") && token.trim().len() == 69,
        "{token}"
    );
    let out = cats_s(&with(&["token", "issue", "nobody"], &db));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody"));
}

#[tokio::test]
async fn reference_import_loads_the_official_lists() {
    let Some(shared) = shared() else { return };
    let db = crate::common::TestDb::new().await;
    let offices = shared.join("reference/col/COL-Generic-20241105.zip");
    let hs = shared.join("reference/hs/harmonized-system.csv");
    let kz = shared.join("reference/unlocode/KZ.csv");
    let out = cats_s(&with(
        &[
            "reference",
            "import",
            "--offices",
            offices.to_str().unwrap(),
            "--hs",
            hs.to_str().unwrap(),
            "--unlocode",
            kz.to_str().unwrap(),
        ],
        &db,
    ));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("reference data saved"), "{stdout}");
    let node = db.open(cats_domain::risk::RiskPolicy::default()).await;
    let catalog = node.app.catalog();
    assert!(
        catalog.offices.len() > 4000,
        "{} offices",
        catalog.offices.len()
    );
    assert!(
        catalog.offices.contains_key("KZHOR001"),
        "demo offices stay"
    );
    assert!(catalog.hs.contains_key("870323"));
    assert!(catalog.hs_code_exists("870323"));
    assert!(
        !catalog.hs_code_exists("870398"),
        "with subheadings imported, only real ones pass"
    );
    assert!(catalog.locations.contains_key("KZAAU"));
    let audit = node.app.store().audit_log(None, 10).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "reference.import"));
}

#[tokio::test]
async fn replay_json_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.jsonl");
    let line = serde_json::json!({
        "declaration": crate::common::corridor("CLI-1"),
        "events": [{"at": "2025-03-10T12:00:00Z", "office": "KZHOR001", "action": "release"}],
        "until": "2025-03-11T00:00:00Z",
        "expect": {"state": "ReleasedForTransit"}
    });
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let out = cats(&["replay", file.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["movements"][0]["lrn"], "CLI-1");
    assert_eq!(report["movements"][0]["state"], "ReleasedForTransit");
    assert_eq!(report["movements"][0]["ok"], true);
    assert_eq!(report["kpi"]["released"], 1);
    assert!(report["movements"][0]["selected"].is_array());
    assert!(report["kpi"]["confusion"]["selectedControlled"].is_number());
    assert!(report["kpi"]["controlEfficiency"]["controlEfficiency"].is_number());
    std::fs::write(
        &file,
        format!(
            "{}\n",
            line.to_string().replace("ReleasedForTransit", "WrittenOff")
        ),
    )
    .unwrap();
    let out = cats(&["replay", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a movement not as expected fails the run"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("NOT OK"));
}

#[tokio::test]
async fn bench_runs_a_small_load() {
    let db = crate::common::TestDb::new().await;
    let mut args = vec!["bench", "--movements", "6", "--concurrency", "3", "--json"];
    let url = db.url();
    if let Some(u) = &url {
        args.push("--database-url");
        args.push(u);
    }
    let out = cats(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["phases"][0]["requests"], 6);
    assert_eq!(report["phases"][1]["requests"], 42);
}
