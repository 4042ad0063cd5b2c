//! `cats db copy` (SQLite ↔ PostgreSQL) and `cats db backup` (online SQLite backup).

use std::process::Command;

use cats_app::store::Store;
use cats_domain::risk::RiskPolicy;

use crate::common::{corridor, database_url, start};

fn cats(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cats"))
        .args(args)
        .env("CATS_LOG", "warn")
        .env_remove("CATS_DATABASE_URL")
        .output()
        .expect("run cats")
}

/// Lodge, release and write off a few movements on a node, so there is something to copy.
async fn busy_node() -> crate::common::TestNode {
    let node = start().await;
    for i in 0..3 {
        let id = node
            .lodge_ok("silkway", &corridor(&format!("COPY-{i}")))
            .await;
        node.customs_ok("officer.kz", &id, "release", "KZHOR001")
            .await;
        if i == 0 {
            node.customs_ok("officer.ge", &id, "arrival", "GEPTI001")
                .await;
            node.customs_ok("officer.ge", &id, "goods-release", "GEPTI001")
                .await;
        }
    }
    let (_, body) = node
        .lodge_xml(
            "silkway",
            &corridor("COPY-R").replace(
                "<accessCode>1111</accessCode>",
                "<accessCode>0000</accessCode>",
            ),
        )
        .await;
    assert_eq!(body["state"], "Rejected");
    // a sign-in account (password hash, chosen language) is copied too
    let admin = cats_app::Actor::System("test".into());
    cats_app::accounts::set_password(
        &node.app,
        &admin,
        "silkway",
        "silk road 2025",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    node
}

async fn same_data(a: &dyn Store, b: &dyn Store) {
    let (x, y) = (a.dump().await.unwrap(), b.dump().await.unwrap());
    assert_eq!(x.movements.len(), 4);
    assert_eq!(x.movements, y.movements, "every movement");
    assert_eq!(x.messages, y.messages, "every message, byte for byte");
    assert_eq!(x.guarantees, y.guarantees);
    assert_eq!(x.reservations, y.reservations);
    assert_eq!(x.audit, y.audit);
    assert_eq!(x.accounts.len(), 1, "the sign-in account");
    assert_eq!(x.accounts, y.accounts);
    assert_eq!(x, y);
}

#[tokio::test]
async fn copy_sqlite_to_postgres_and_back() {
    let Ok(admin) = std::env::var("CATS_TEST_DATABASE_URL") else {
        eprintln!(
            "SKIPPED db copy: CATS_TEST_DATABASE_URL is not set (PostgreSQL needed; CI sets it)"
        );
        return;
    };
    if admin.is_empty() {
        return;
    }
    // The source is a SQLite node, whatever backend the rest of the suite uses.
    let dir = tempfile::tempdir().unwrap();
    let source = cats_cli::node::open(dir.path(), RiskPolicy::default())
        .await
        .unwrap();
    let lines = cats_cli::replay::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/replay/middle-corridor.jsonl"
        ))
        .unwrap(),
    )
    .unwrap();
    let lines: Vec<_> = lines.into_iter().take(40).collect();
    cats_cli::replay::replay(
        &cats_cli::replay::Nodes::one(source.app.clone()),
        &lines,
        || {},
    )
    .await
    .unwrap();
    // a saved declaration draft is carried too
    let trader = source.app.store().user("silkway").await.unwrap().unwrap();
    let mut fields = std::collections::BTreeMap::new();
    fields.insert(
        "/CC015C/TransitOperation/LRN".to_string(),
        "COPY-DRAFT".to_string(),
    );
    cats_app::drafts::save(
        &source.app,
        &cats_app::Actor::User(trader.clone()),
        None,
        fields,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    // and a support request with its answer
    let request = cats_app::support::create(
        &source.app,
        &cats_app::Actor::User(trader),
        cats_app::support::NewRequest {
            subject: "Copied".into(),
            text: "Is this copied?".into(),
            page: Some("/ui/movements".into()),
            movement_id: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let support = source.app.store().user("admin").await.unwrap().unwrap();
    cats_app::support::reply(
        &source.app,
        &cats_app::Actor::User(support),
        request.id,
        "Yes.",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("cats.db").display());
    let name = format!("cats_test_{}", uuid::Uuid::new_v4().simple());
    cats_store::SqlStore::create_database(&admin, &name)
        .await
        .unwrap();
    let pg_url = database_url(&admin, &name);
    let out = cats(&["db", "copy", "--from", &sqlite_url, "--to", &pg_url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("copied 40 movements"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let pg = cats_store::open(
        &cats_store::Database::Postgres(pg_url.clone()),
        &Default::default(),
    )
    .await
    .unwrap();
    let (x, y) = (
        source.app.store().dump().await.unwrap(),
        pg.dump().await.unwrap(),
    );
    assert_eq!(x, y, "SQLite → PostgreSQL keeps every movement and message");
    assert_eq!(y.drafts.len(), 1, "the draft is copied");
    assert_eq!(y.support.len(), 1, "the support request is copied");
    assert_eq!(y.support[0].messages.len(), 2, "with its thread");
    // And back, into a new SQLite file.
    let back = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}", back.path().join("cats.db").display());
    let out = cats(&["db", "copy", "--from", &pg_url, "--to", &back_url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = cats_store::open(
        &cats_store::Database::Sqlite(back.path().join("cats.db")),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(again.dump().await.unwrap(), x, "PostgreSQL → SQLite too");
    assert_eq!(
        again.next_support_serial().await.unwrap(),
        2,
        "support references go on from the copied ones"
    );
    // A non-empty target is refused.
    let out = cats(&["db", "copy", "--from", &sqlite_url, "--to", &pg_url]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(pg);
    drop(again);
    let _ = cats_store::SqlStore::drop_database(&admin, &name).await;
}

#[tokio::test]
async fn backup_of_a_running_sqlite_node() {
    let node = busy_node().await;
    let cats_store::Database::Sqlite(path) = node.location.database.clone() else {
        eprintln!("SKIPPED db backup: the suite runs on PostgreSQL (pg_dump is the backup there)");
        return;
    };
    let target = node.location.data_dir.join("backup.db");
    let out = cats(&[
        "db",
        "backup",
        "--to",
        target.to_str().unwrap(),
        "--data-dir",
        node.location.data_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let original = cats_store::SqlStore::open_sqlite(&path).await.unwrap();
    let copy = cats_store::SqlStore::open_sqlite(&target).await.unwrap();
    same_data(&original, &copy).await;
    let out = cats(&[
        "db",
        "backup",
        "--to",
        target.to_str().unwrap(),
        "--data-dir",
        node.location.data_dir.to_str().unwrap(),
    ]);
    assert!(!out.status.success(), "a backup never overwrites a file");
}
