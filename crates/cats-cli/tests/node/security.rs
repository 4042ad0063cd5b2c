//! Security (issue 15) with real nodes: the random selection is keyed by each node's own secret
//! (not computable from the shipped policy and the MRN), and `cats audit verify` detects an
//! audit entry edited or removed in the database (SQLite, or PostgreSQL with
//! `CATS_TEST_DATABASE_URL`).

use std::process::Command;

use cats_domain::ids::{Mrn, OfficeRef};
use cats_domain::risk::{draw, DrawKey};
use cats_store::Database;
use serde_json::Value;

use crate::common::{corridor, start_with, TestNode};

/// The shipped policy (`data/risk/default-policy.json`), as a trader can read it.
fn shipped_policy() -> cats_domain::risk::RiskPolicy {
    cats_cli::node::risk_policy(std::path::Path::new("/nonexistent")).unwrap()
}

/// Lodge the corridor declaration; its MRN and the draw at the office of departure.
async fn lodged_draw(node: &TestNode) -> (Mrn, f64, Value) {
    let id = node.lodge_ok("silkway", &corridor("SEC-DRAW-1")).await;
    let (_, m) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    let mrn = Mrn::parse(m["mrn"].as_str().unwrap()).unwrap();
    let selection = m["risk"][0].clone();
    (mrn, selection["draw"].as_f64().unwrap(), selection)
}

#[tokio::test]
async fn a_random_selection_cannot_be_computed_from_the_policy_and_the_mrn() {
    let policy = shipped_policy();
    let office = OfficeRef::parse("KZHOR001").unwrap();
    let a = start_with(policy.clone()).await;
    let b = start_with(policy.clone()).await;
    let (mrn_a, draw_a, selection) = lodged_draw(&a).await;
    let (mrn_b, draw_b, _) = lodged_draw(&b).await;
    // The same MRN at the same office with the same shipped policy on two nodes: two draws,
    // neither of which is the one the policy's seed gives.
    assert_eq!(mrn_a, mrn_b);
    assert_ne!(draw_a, draw_b);
    let from_seed = draw(&DrawKey::from_seed(policy.seed), &mrn_a, &office);
    assert_ne!(draw_a, from_seed);
    assert_ne!(draw_b, from_seed);
    // The selection names no seed; the draw is the node's keyed MAC, with its stored key.
    assert!(selection.get("seed").is_none(), "{selection}");
    let key = cats_app::secrets::risk_draw_key(a.app.store())
        .await
        .unwrap();
    // (through JSON: equal to the last printed digit)
    assert!((draw(&key, &mrn_a, &office) - draw_a).abs() < 1e-12);
    // The key survives a copy of the node's data.
    let dump = a.app.store().dump().await.unwrap();
    assert_eq!(dump.node_secrets.len(), 1);
    assert!(!format!("{:?}", dump.node_secrets).contains(&hex_of(&dump.node_secrets[0].value)));
    println!(
        "draws for {mrn_a} at {office}: node A {draw_a:.4}, node B {draw_b:.4}, from the shipped seed {from_seed:.4}"
    );
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn audit_verify(node: &TestNode) -> (bool, Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cats"));
    cmd.args(["audit", "verify", "--json", "--data-dir"])
        .arg(&node.location.data_dir)
        .env("CATS_LOG", "warn")
        .env_remove("CATS_DATABASE_URL");
    if let Database::Postgres(url) = &node.location.database {
        cmd.args(["--database-url", url]);
    }
    let out = cmd.output().expect("run cats audit verify");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), report)
}

/// Run one SQL statement on the node's database, as someone with a copy of it would.
async fn tamper(node: &TestNode, sql: &str) {
    match &node.location.database {
        Database::Sqlite(path) => {
            let url = format!("sqlite://{}", path.display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Database::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

#[tokio::test]
async fn cats_audit_verify_names_an_edited_or_removed_entry() {
    let node = crate::common::start().await;
    for lrn in ["SEC-AUDIT-1", "SEC-AUDIT-2", "SEC-AUDIT-3"] {
        node.lodge_ok("silkway", &corridor(lrn)).await;
    }
    let (holds, report) = audit_verify(&node);
    assert!(holds, "{report}");
    let entries = report["entries"].as_u64().unwrap();
    assert!(entries >= 3, "{report}");
    let ids: Vec<i64> = node
        .app
        .store()
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    let middle = ids[ids.len() / 2];
    // An edited detail is named, with its id.
    tamper(
        &node,
        &format!("UPDATE audit_log SET detail = detail || ' (edited)' WHERE id = {middle}"),
    )
    .await;
    let (holds, report) = audit_verify(&node);
    assert!(!holds);
    assert_eq!(report["firstBreak"]["kind"], "edited", "{report}");
    assert_eq!(report["firstBreak"]["id"], middle, "{report}");
    // Put back, the chain holds again; a removed entry breaks the link of the next one.
    tamper(
        &node,
        &format!(
            "UPDATE audit_log SET detail = REPLACE(detail, ' (edited)', '') WHERE id = {middle}"
        ),
    )
    .await;
    assert!(audit_verify(&node).0);
    tamper(&node, &format!("DELETE FROM audit_log WHERE id = {middle}")).await;
    let (holds, report) = audit_verify(&node);
    assert!(!holds);
    assert_eq!(report["firstBreak"]["kind"], "unlinked", "{report}");
    let next = ids.iter().find(|i| **i > middle).unwrap();
    assert_eq!(report["firstBreak"]["id"], *next, "{report}");
    println!(
        "audit chain: {entries} entries verified; an edit of entry {middle} and its removal both named"
    );
}

#[tokio::test]
async fn access_codes_are_kept_as_argon2id_and_old_hashes_are_wrapped() {
    use cats_domain::ids::Grn;
    use cats_domain::ledger::legacy_access_code_hash;
    let node = crate::common::start().await;
    let grn = Grn::parse("25KZ0000SRI000010").unwrap();
    let stored = node.app.store().guarantee(&grn).await.unwrap().unwrap();
    assert!(
        stored.access_code_hash.starts_with("$argon2id$"),
        "{}",
        stored.access_code_hash
    );
    // Nothing in a copy of the database is the SHA-256 of the GRN and the code.
    let legacy = legacy_access_code_hash(grn.as_str(), "1111");
    let dump = format!("{:?}", node.app.store().dump().await.unwrap());
    assert!(!dump.contains(&legacy));
    // A database of an earlier version (SHA-256 hashes): wrapped in argon2id when the node
    // opens, asking for nothing; the code still unlocks the guarantee.
    tamper(
        &node,
        &format!("UPDATE guarantees SET access_code_hash = '{legacy}' WHERE grn = '{grn}'"),
    )
    .await;
    let store = cats_store::open(&node.location.database, &node.location.settings)
        .await
        .unwrap();
    let reopened = cats_app::App::new(store, Default::default()).await.unwrap();
    let wrapped = reopened.store().guarantee(&grn).await.unwrap().unwrap();
    assert!(
        wrapped.access_code_hash.starts_with("sha256+$argon2id$"),
        "{}",
        wrapped.access_code_hash
    );
    assert!(!wrapped.access_code_hash.contains(&legacy));
    node.lodge_ok("silkway", &corridor("SEC-CODE-1")).await;
    println!("access codes: argon2id at rest; a legacy SHA-256 hash wrapped on open and still unlocking its guarantee");
}

#[tokio::test]
async fn tokens_expire_record_their_use_and_are_revoked_through_the_api_and_the_cli() {
    use reqwest::StatusCode;
    let node = crate::common::start().await;
    let call = |method: reqwest::Method, path: &str, token: &str| {
        node.client
            .request(method, format!("{}{path}", node.base))
            .bearer_auth(token)
    };
    // A new token for the caller, shown once, valid one day.
    let (status, made) = node
        .send(
            call(reqwest::Method::POST, "/tokens", node.token("silkway"))
                .json(&serde_json::json!({"label": "ERP of Silk Way", "days": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["state"], "active");
    let (status, list) = node
        .send(call(reqwest::Method::GET, "/tokens", &token))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mine = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert!(mine["lastUsedAt"].is_string(), "{mine}");
    assert!(mine.get("token").is_none(), "never shown again");
    assert!(list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["username"] == "silkway"));
    // Refused: a validity out of range; another trader's revocation.
    let (status, _) = node
        .send(
            call(reqwest::Method::POST, "/tokens", node.token("silkway"))
                .json(&serde_json::json!({"days": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = node
        .send(call(
            reqwest::Method::DELETE,
            &format!("/tokens/{id}"),
            node.token("caspian"),
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Revoked by its owner: refused at once, with the reason.
    let (status, revoked) = node
        .send(call(
            reqwest::Method::DELETE,
            &format!("/tokens/{id}"),
            &token,
        ))
        .await;
    assert_eq!(
        (status, revoked["state"].as_str()),
        (StatusCode::OK, Some("revoked"))
    );
    let (status, err) = node
        .send(call(reqwest::Method::GET, "/tokens", &token))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        err["message"].as_str().unwrap().contains("revoked"),
        "{err}"
    );
    // A token issued 91 days ago for 90 days has expired.
    let (old, _) = cats_app::tokens::issue_for(
        &node.app,
        &cats_app::Actor::System("test".into()),
        "caspian",
        "",
        Some(90),
        chrono::Utc::now() - chrono::Duration::days(91),
    )
    .await
    .unwrap();
    let (status, err) = node.send(call(reqwest::Method::GET, "/tokens", &old)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        err["message"].as_str().unwrap().contains("expired"),
        "{err}"
    );
    // The administrator sees every user's; the CLI lists and revokes.
    let (_, all) = node
        .send(call(reqwest::Method::GET, "/tokens", node.token("admin")))
        .await;
    assert!(all["count"].as_u64().unwrap() >= 10, "{all}");
    let cli = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cats"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(&node.location.data_dir)
            .env("CATS_LOG", "warn")
            .env_remove("CATS_DATABASE_URL");
        if let Database::Postgres(url) = &node.location.database {
            cmd.args(["--database-url", url]);
        }
        cmd.output().unwrap()
    };
    let out = cli(&["token", "list", "caspian", "--json"]);
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"expired") && states.contains(&"active"),
        "{states:?}"
    );
    let active = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["state"] == "active")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = cli(&["token", "revoke", &active]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, _) = node.get("caspian", "/tokens").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked by the CLI");
    println!("tokens: issued, used, revoked (API and CLI), expired; each refused with its reason");
}
